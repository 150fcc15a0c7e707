// dpctl/dump-flows text for megaflows, in OVS's datapath-flow syntax:
//   recirc_id(0),in_port(2),packet_type(ns=0,id=0),eth(src=..,dst=..),
//   eth_type(0x0800),ipv4(src=10.0.0.1,frag=no), packets:3, bytes:180,
//   used:0.512s, actions:3
// A key attribute is printed when its mask is not all zero; inside it, a
// field whose mask is zero is left out, a partly masked one is printed as
// value/mask (OVS's odp_flow_format with masks, not verbose).  in_port is
// the odp port.  Values are the key of the packet that made the megaflow
// (Megaflow::flow), unmasked, as OVS prints them.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "dataplane/datapath/megaflow.h"

namespace dpuflow::dataplane {

// The match part (`key/mask`), `odp_in_port` being the datapath port the
// megaflow's OpenFlow in_port maps to.
std::string format_dp_match(const FlowKey& key, const FlowMask& mask, uint32_t odp_in_port);

// One dump-flows line without a trailing newline; `now_ns` gives "used".
std::string format_megaflow(const Megaflow& mf, const DpActions& actions, uint32_t odp_in_port,
                            uint64_t now_ns);

}  // namespace dpuflow::dataplane
