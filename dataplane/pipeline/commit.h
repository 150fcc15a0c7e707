// Committing flow changes to the datapath: compares the flow as the
// OpenFlow actions left it with the flow the datapath actions emitted so far
// produce ("base"), and emits the set / push_vlan / pop_vlan actions that
// close the gap, in OVS's order (Ethernet, L3, L4 ports, ICMP, VLAN).
//
// A set carries, for each changed field, the bits of that field that the
// translation examined or wrote (the megaflow mask), exactly as OVS's
// commit_odp_actions does; unchanged fields are left out.  Committed fields
// are un-wildcarded in `wc`.
//
// Thread safety: pure function of its arguments.
#pragma once

#include <cstdint>

#include "dataplane/flow/flow_key.h"
#include "dataplane/odp/dp_actions.h"

namespace dpuflow::dataplane {

// Returns a SlowReason mask (xlate.h) when the committed actions need the
// slow path in OVS (ARP, ND and ICMP rewrites).
uint32_t commit_odp_actions(const FlowKey& flow, FlowKey& base, FlowMask& wc, DpActions& out);

}  // namespace dpuflow::dataplane
