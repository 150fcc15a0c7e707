// Megaflow: one datapath flow, a masked FlowKey with the datapath actions a
// full translation gave for every packet it matches (OVS's dp_netdev_flow).
//
// Design note
// - `key` is stored already masked (key & mask), so lookups compare masked
//   packet keys with it directly.
// - A megaflow belongs to one PMD (as in OVS's dpif-netdev, each PMD has
//   its own flow table and classifier).  Its stats are written only by that
//   PMD (relaxed load+store, no read-modify-write); the revalidator and
//   dump commands read them with relaxed loads.
// - `key`, `mask` and `flow` never change after insertion; `actions` is
//   replaced only by the owning PMD while it holds its flow mutex (see
//   pmd.h), so other threads read it under that mutex.
// - Deleting a megaflow marks it `dead`, removes it from the classifier and
//   parks it until the EMC has been swept (Emc::sweep_dead), because EMC
//   entries hold raw pointers to it.
//
// Thread safety: owned by one PMD thread.
#pragma once

#include <atomic>
#include <cstdint>

#include "dataplane/flow/flow_key.h"
#include "dataplane/odp/dp_actions.h"

namespace dpuflow::dataplane {

struct Megaflow {
  FlowKey key{};   // masked
  FlowMask mask{};
  FlowKey flow{};  // the unmasked key of the packet that created it (revalidation)
  DpActions actions;
  uint64_t id = 0;            // unique per datapath (the "ufid" shown by dpctl)
  std::atomic<uint64_t> n_packets{0};
  std::atomic<uint64_t> n_bytes{0};
  std::atomic<uint64_t> used_ns{0};   // last hit, monotonic ns; 0 = never
  uint64_t created_ns = 0;
  std::atomic<uint16_t> tcp_flags{0}; // OR of the TCP flags seen (host order)
  uint32_t slot = 0;          // index in the owning PMD's flow list
  bool dead = false;

  // Called by the owning PMD only.
  void hit(uint64_t packets, uint64_t bytes, uint16_t flags, uint64_t now_ns) {
    n_packets.store(n_packets.load(std::memory_order_relaxed) + packets, std::memory_order_relaxed);
    n_bytes.store(n_bytes.load(std::memory_order_relaxed) + bytes, std::memory_order_relaxed);
    used_ns.store(now_ns, std::memory_order_relaxed);
    if (flags) {
      tcp_flags.store(tcp_flags.load(std::memory_order_relaxed) | flags,
                      std::memory_order_relaxed);
    }
  }
};

}  // namespace dpuflow::dataplane
