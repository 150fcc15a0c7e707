// Building xlate's PortTable from what OVS shows about a switch: the
// datapath ports (`ovs-appctl dpif/show`, a scenario's dp-ports.txt) and
// the OpenFlow port -> interface map (`ovs-vsctl` columns, a scenario's
// ofport-iface-map.csv), so that an offline trace prints datapath port
// numbers exactly as the switch it came from would.
//
// Tunnel ports need the underlay OVS found through its route table and
// neighbour cache; give it with an UnderlaySpec (the local MAC belongs to
// the machine and may differ from the one in a recorded trace).
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "dataplane/pipeline/ports.h"

namespace dpuflow::control {

struct UnderlaySpec {
  std::string local_ip;     // our encap IP, e.g. 192.0.2.1
  std::string src_mac;      // underlay bridge MAC
  std::string dst_mac;      // next hop MAC
  std::string bridge_port;  // the underlay bridge's internal port name, e.g. br-underlay
  std::string out_port;     // the port the underlay bridge forwards on, e.g. v0
};

// Parses "local_ip=A,src_mac=M,dst_mac=M,bridge=NAME,out=NAME".
std::optional<UnderlaySpec> parse_underlay_spec(std::string_view text, std::string* error);

// Builds the port table of `bridge`.  Errors name the file line at fault.
std::optional<dataplane::PortTable> load_ovs_port_map(std::string_view dp_ports_text,
                                                      std::string_view iface_csv_text,
                                                      const std::string& bridge,
                                                      const std::optional<UnderlaySpec>& underlay,
                                                      std::string* error);

}  // namespace dpuflow::control
