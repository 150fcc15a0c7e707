// Megaflow: one datapath flow, a masked FlowKey with the datapath actions a
// full translation gave for every packet it matches (OVS's dp_netdev_flow).
//
// Design note
// - `key` is stored already masked (key & mask), so lookups compare masked
//   packet keys with it directly.
// - A megaflow belongs to one PMD (as in OVS's dpif-netdev, each PMD has
//   its own flow table and classifier), so its stats are plain integers
//   written only by that PMD; other threads read them through the PMD's
//   snapshot commands.
// - Deleting a megaflow marks it `dead`, removes it from the classifier and
//   parks it until the EMC has been swept (Emc::sweep_dead), because EMC
//   entries hold raw pointers to it.
//
// Thread safety: owned by one PMD thread.
#pragma once

#include <cstdint>

#include "dataplane/flow/flow_key.h"
#include "dataplane/odp/dp_actions.h"

namespace dpuflow::dataplane {

struct Megaflow {
  FlowKey key{};   // masked
  FlowMask mask{};
  DpActions actions;
  uint64_t id = 0;            // unique per datapath (the "ufid" shown by dpctl)
  uint64_t n_packets = 0;
  uint64_t n_bytes = 0;
  uint64_t used_ns = 0;       // last hit, monotonic ns; 0 = never
  uint64_t created_ns = 0;
  uint16_t tcp_flags = 0;     // OR of the TCP flags seen (host order)
  uint64_t pipeline_seq = 0;  // the pipeline version it was translated with
  bool dead = false;
};

}  // namespace dpuflow::dataplane
