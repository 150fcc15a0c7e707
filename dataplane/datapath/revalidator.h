// Revalidator: keeps every PMD's megaflows true to the current pipeline,
// as OVS's revalidator threads do.
//
// Design note
// - A round walks each PMD's megaflows (a pointer snapshot taken under the
//   PMD's flow mutex; megaflows are freed only when the next snapshot is
//   taken, so the pointers stay valid for the round).
// - When the pipeline changed since a megaflow was last checked (its seq),
//   the megaflow's original key is translated again: if the result needs
//   bits the megaflow does not match on, or its recirculation state is
//   gone, the megaflow is deleted (the next packet upcalls); if only the
//   actions differ they are replaced in place.
// - Megaflows idle for longer than max_idle_ms are deleted (100 ms while
//   a PMD is over its flow limit, as OVS does).
// - Each round folds the megaflows' new packets and bytes into the
//   counters of the OpenFlow rules their translation went through, so
//   dump-flows shows n_packets/n_bytes/idle_age of datapath traffic.
// - Changes reach the PMDs as requests (Pmd::post); a PMD applies them
//   between bursts.
//
// Thread safety: one Revalidator; run_once() on one thread at a time (its
// own thread after start(), or a test's).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "dataplane/datapath/datapath.h"
#include "dataplane/datapath/megaflow.h"

namespace dpuflow::dataplane {

struct RevalidatorStats {
  uint64_t rounds = 0;
  uint64_t checked = 0;          // megaflows re-translated
  uint64_t updated = 0;          // actions replaced
  uint64_t deleted_idle = 0;
  uint64_t deleted_changed = 0;  // needed another mask, or its recirc state is gone
  uint64_t last_round_us = 0;
};

class Revalidator {
 public:
  explicit Revalidator(Datapath& dp);
  ~Revalidator();
  Revalidator(const Revalidator&) = delete;
  Revalidator& operator=(const Revalidator&) = delete;

  // One round over every PMD (see the design note).
  void run_once();
  // Runs rounds every `interval_ms` and as soon as the pipeline changes.
  void start(uint32_t interval_ms = 500);
  void stop();
  // Asks for a round now (e.g. after dpctl/del-flows) and waits for it.
  void kick_and_wait();

  RevalidatorStats stats() const;

 private:
  struct FlowState {
    uint64_t seq = 0;
    std::vector<RulePtr> rules;
    uint64_t folded_packets = 0;
    uint64_t folded_bytes = 0;
    uint64_t folded_used_ns = 0;
    uint64_t round = 0;  // last round that saw it
  };
  void fold(const Megaflow& mf, FlowState& st);

  Datapath& dp_;
  std::unordered_map<uint64_t, FlowState> states_;  // by megaflow id
  uint64_t round_ = 0;

  mutable std::mutex mutex_;  // stats_, wake-ups
  std::condition_variable cv_;
  RevalidatorStats stats_;
  uint64_t kicks_ = 0, rounds_done_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace dpuflow::dataplane
