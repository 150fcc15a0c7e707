// Dpcls: the megaflow classifier, a tuple-space search as in OVS's
// dpif-netdev (dpcls): one subtable per distinct mask, each an
// open-addressed hash table of masked keys; subtables are searched in
// order of their recent hits (re-ranked by rank()).
//
// Design note
// - A subtable precomputes, when it is created, the list of 8-byte words
//   of FlowKey its mask touches; hashing and comparing a packet key then
//   touch only those words ("choose at setup, not per packet").
// - Megaflows in one dpcls never overlap for the packets that reach it
//   (the datapath installs a megaflow only after a miss), so the first
//   match in any subtable is the answer, as in OVS.
// - No allocation on lookup; insert may grow a subtable (upcall path).
//
// Thread safety: single-threaded (owned by one PMD), like the megaflows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "dataplane/datapath/megaflow.h"
#include "dataplane/flow/flow_key.h"

namespace dpuflow::dataplane {

// Hash of a whole FlowKey (the EMC's key hash); also used by the datapath
// as the packet's flow hash when the NIC gave none.
uint32_t flow_key_hash(const FlowKey& key, uint32_t basis = 0);

// A cheaper hash for the EMC and the packet's flow hash: only the ~20
// words where packets differ in practice (addresses, ports, in_port,
// recirc_id, tunnel, ct state).  Keys differing elsewhere collide, which
// costs the EMC a slot, never correctness (it compares whole keys).
uint32_t flow_key_packet_hash(const FlowKey& key);

class Dpcls {
 public:
  Dpcls();
  ~Dpcls();
  Dpcls(const Dpcls&) = delete;
  Dpcls& operator=(const Dpcls&) = delete;

  // Adds `mf` (mf->key already masked by mf->mask).  Not owned.
  void insert(Megaflow* mf);
  // Removes `mf`; false if it was not in the classifier.
  bool remove(Megaflow* mf);

  // The megaflow matching `key`, or nullptr.  `*n_searched`, when given,
  // receives the number of subtables probed (for pmd-stats).
  Megaflow* lookup(const FlowKey& key, uint32_t* n_searched = nullptr);
  // Batch form: out[i] for keys[i]; returns the number found.  *n_probes,
  // when given, is increased by the number of (key, subtable) probes.
  size_t lookup_batch(const FlowKey* const* keys, size_t n, Megaflow** out,
                      uint64_t* n_probes = nullptr);

  // Re-orders subtables by hits since the last call (OVS does this every
  // second) and resets the hit counts.
  void rank();

  size_t n_flows() const { return n_flows_; }
  size_t n_subtables() const;

 private:
  struct Subtable;
  std::vector<std::unique_ptr<Subtable>> subtables_;
  size_t n_flows_ = 0;
};

}  // namespace dpuflow::dataplane
