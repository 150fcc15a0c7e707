#include "dataplane/datapath/revalidator.h"

#include <algorithm>
#include <chrono>

#include "dataplane/datapath/pmd.h"

namespace dpuflow::dataplane {

namespace {

uint64_t mono_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

// True when `wc` needs a bit `mask` does not have.
bool needs_more(const FlowMask& wc, const FlowMask& mask) {
  const auto* w = reinterpret_cast<const uint64_t*>(&wc);
  const auto* m = reinterpret_cast<const uint64_t*>(&mask);
  for (size_t i = 0; i < sizeof(FlowMask) / 8; i++) {
    if ((w[i] & ~m[i]) != 0) return true;
  }
  return false;
}

}  // namespace

Revalidator::Revalidator(Datapath& dp) : dp_(dp) {}

Revalidator::~Revalidator() { stop(); }

void Revalidator::fold(const Megaflow& mf, FlowState& st) {
  const uint64_t packets = mf.n_packets.load(std::memory_order_relaxed);
  const uint64_t bytes = mf.n_bytes.load(std::memory_order_relaxed);
  const uint64_t used = mf.used_ns.load(std::memory_order_relaxed);
  const uint64_t dp = packets - st.folded_packets;
  const uint64_t db = bytes - st.folded_bytes;
  if (dp != 0 || db != 0) {
    const auto used_ms = static_cast<int64_t>(used / 1000000);
    for (const RulePtr& r : st.rules) {
      r->counters.n_packets.fetch_add(dp, std::memory_order_relaxed);
      r->counters.n_bytes.fetch_add(db, std::memory_order_relaxed);
      int64_t prev = r->counters.used_ms.load(std::memory_order_relaxed);
      while (prev < used_ms &&
             !r->counters.used_ms.compare_exchange_weak(prev, used_ms, std::memory_order_relaxed)) {
      }
    }
  }
  st.folded_packets = packets;
  st.folded_bytes = bytes;
  st.folded_used_ns = used;
}

void Revalidator::run_once() {
  const uint64_t t0 = mono_ns();
  const uint64_t seq = dp_.versions().seq();
  const DatapathConfig& cfg = dp_.config();
  RevalidatorStats delta;
  round_++;
  for (Pmd* pmd : dp_.pmds()) {
    std::vector<Megaflow*> flows = pmd->snapshot_flows_and_reap();
    const uint64_t max_idle_ns =
        (flows.size() > cfg.flow_limit ? 100 : cfg.max_idle_ms) * 1000000ull;
    std::vector<Pmd::Request> reqs;
    const uint64_t now = mono_ns();
    for (Megaflow* mf : flows) {
      auto [it, fresh] = states_.try_emplace(mf->id);
      FlowState& st = it->second;
      st.round = round_;
      const uint64_t used = std::max(mf->used_ns.load(std::memory_order_relaxed), mf->created_ns);
      if (fresh || st.seq != seq) {
        DpTranslation t = dp_.translate(mf->flow, 0, /*collect_rules=*/true);
        delta.checked++;
        if (t.recirc_unknown || needs_more(t.out.wc, mf->mask)) {
          fold(*mf, st);
          reqs.push_back({mf, true, {}});
          delta.deleted_changed++;
          states_.erase(it);
          continue;
        }
        // A megaflow seen for the first time is checked too: the pipeline
        // may have changed between its upcall and this round.
        if (format_dp_actions(t.out.actions) != format_dp_actions(pmd->actions_of(mf))) {
          reqs.push_back({mf, false, std::move(t.out.actions)});
          delta.updated++;
        }
        st.rules = std::move(t.rules);
        st.seq = t.pipeline_seq;
      }
      fold(*mf, st);
      if (now > used && now - used > max_idle_ns) {
        reqs.push_back({mf, true, {}});
        delta.deleted_idle++;
        states_.erase(it);
      }
    }
    pmd->post(std::move(reqs));
  }
  for (auto it = states_.begin(); it != states_.end();) {
    it = it->second.round == round_ ? std::next(it) : states_.erase(it);
  }
  std::lock_guard lock(mutex_);
  stats_.rounds++;
  stats_.checked += delta.checked;
  stats_.updated += delta.updated;
  stats_.deleted_idle += delta.deleted_idle;
  stats_.deleted_changed += delta.deleted_changed;
  stats_.last_round_us = (mono_ns() - t0) / 1000;
}

void Revalidator::start(uint32_t interval_ms) {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = false;
  }
  thread_ = std::thread([this, interval_ms] {
    uint64_t seen_seq = dp_.versions().seq();
    std::unique_lock lock(mutex_);
    while (!stop_) {
      // Wake early when the pipeline moves (checked every 20 ms) or on a
      // kick not yet served by a round that started after it.
      for (uint32_t waited = 0; waited < interval_ms && !stop_ && kicks_ == rounds_done_ &&
                                dp_.versions().seq() == seen_seq;
           waited += 20) {
        cv_.wait_for(lock, std::chrono::milliseconds(20));
      }
      if (stop_) break;
      seen_seq = dp_.versions().seq();
      const uint64_t served = kicks_;
      lock.unlock();
      run_once();
      lock.lock();
      rounds_done_ = served;
      cv_.notify_all();
    }
  });
}

void Revalidator::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Revalidator::kick_and_wait() {
  if (!thread_.joinable()) {
    run_once();
    return;
  }
  std::unique_lock lock(mutex_);
  const uint64_t want = ++kicks_;
  cv_.notify_all();
  cv_.wait(lock, [&] { return rounds_done_ >= want || stop_; });
}

RevalidatorStats Revalidator::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace dpuflow::dataplane
