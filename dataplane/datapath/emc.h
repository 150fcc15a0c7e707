// Emc: the per-PMD exact-match cache in front of the megaflow classifier
// (OVS's EMC): a direct-mapped table of full FlowKeys, two candidate slots
// per hash, each pointing at the megaflow the key last matched.
//
// Design note
// - Insertion is probabilistic (1 in `insert_inv_prob` misses, OVS's
//   emc-insert-inv-prob, default 100) so a flood of one-packet flows does not
//   thrash it; 0 disables the EMC, 1 inserts always.
// - An entry is valid only while its megaflow is alive: lookup ignores (and
//   clears) entries whose megaflow is `dead`; sweep_dead() clears them all
//   so dead megaflows can be freed.
// - No allocation after construction.
//
// Thread safety: single-threaded (one per PMD).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "dataplane/datapath/megaflow.h"
#include "dataplane/flow/flow_key.h"

namespace dpuflow::dataplane {

class Emc {
 public:
  static constexpr size_t kEntries = 8192;  // power of two
  explicit Emc(uint32_t insert_inv_prob = 100);

  // The megaflow cached for `key` (hash: flow_key_packet_hash(key) on the
  // packet path; any function of the key works), or nullptr.
  Megaflow* lookup(const FlowKey& key, uint32_t hash);
  // Maybe caches key -> mf (see the design note).
  void insert(const FlowKey& key, uint32_t hash, Megaflow* mf);
  // Clears every entry pointing at a dead megaflow.
  void sweep_dead();
  void clear();

  void set_insert_inv_prob(uint32_t p) { inv_prob_ = p; }
  uint32_t insert_inv_prob() const { return inv_prob_; }
  size_t n_entries() const;  // valid entries (diagnostics; O(kEntries))

 private:
  struct Entry {
    Megaflow* mf = nullptr;
    uint32_t hash = 0;
    FlowKey key{};
  };
  std::unique_ptr<Entry[]> entries_;
  uint32_t inv_prob_;
  uint32_t rng_ = 0x9e3779b9;
};

}  // namespace dpuflow::dataplane
