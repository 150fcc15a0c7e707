// Pmd: the parts other threads reach — revalidator requests, flow
// snapshots and counter snapshots.  The packet loop is in pmd.cc.
#include <mutex>

#include "dataplane/datapath/pmd.h"

namespace dpuflow::dataplane {

void Pmd::post(std::vector<Request> reqs) {
  if (reqs.empty()) return;
  std::lock_guard lock(req_mutex_);
  for (Request& r : reqs) requests_.push_back(std::move(r));
  has_requests_.store(true, std::memory_order_release);
}

void Pmd::post_flush() {
  std::lock_guard lock(req_mutex_);
  flush_requested_ = true;
  has_requests_.store(true, std::memory_order_release);
}

void Pmd::apply_requests() {
  std::vector<Request> reqs;
  bool flush = false;
  {
    std::lock_guard lock(req_mutex_);
    reqs.swap(requests_);
    flush = flush_requested_;
    flush_requested_ = false;
    has_requests_.store(false, std::memory_order_release);
  }
  if (reqs.empty() && !flush) return;
  bool removed = false;
  {
    std::lock_guard lock(flow_mutex_);
    for (Request& r : reqs) {
      if (r.mf == nullptr || r.mf->dead) continue;
      if (r.remove) {
        remove_flow_locked(r.mf);
        removed = true;
      } else {
        r.mf->actions = std::move(r.actions);
      }
    }
    if (flush) {
      while (!flows_.empty()) remove_flow_locked(flows_.back().get());
      removed = true;
    }
  }
  if (removed) {
    emc_.sweep_dead();
    std::lock_guard lock(flow_mutex_);
    for (auto& mf : dead_) reapable_.push_back(std::move(mf));
    dead_.clear();
  }
}

void Pmd::remove_flow_locked(Megaflow* mf) {
  dpcls_.remove(mf);
  mf->dead = true;
  const uint32_t slot = mf->slot;
  std::unique_ptr<Megaflow> owned = std::move(flows_[slot]);
  if (slot + 1 != flows_.size()) {
    flows_[slot] = std::move(flows_.back());
    flows_[slot]->slot = slot;
  }
  flows_.pop_back();
  dead_.push_back(std::move(owned));
}

std::vector<Megaflow*> Pmd::snapshot_flows_and_reap() {
  std::lock_guard lock(flow_mutex_);
  reapable_.clear();
  std::vector<Megaflow*> out;
  out.reserve(flows_.size());
  for (auto& mf : flows_) out.push_back(mf.get());
  return out;
}

void Pmd::for_each_flow(const std::function<void(const Megaflow&)>& fn) const {
  std::lock_guard lock(flow_mutex_);
  for (const auto& mf : flows_) fn(*mf);
}

DpActions Pmd::actions_of(const Megaflow* mf) const {
  std::lock_guard lock(flow_mutex_);
  return mf->actions;
}

size_t Pmd::n_flows() const {
  std::lock_guard lock(flow_mutex_);
  return flows_.size();
}

PmdCounters Pmd::counters() const {
  PmdCounters now;
  for (size_t i = 0; i < kNumPmdCounters; i++) now.v[i] = c_[i].load(std::memory_order_relaxed);
  for (size_t i = 0; i < kNumDropReasons; i++) {
    now.drops[i] = drops_[i].load(std::memory_order_relaxed);
  }
  std::lock_guard lock(baseline_mutex_);
  for (size_t i = 0; i < kNumPmdCounters; i++) now.v[i] -= baseline_.v[i];
  for (size_t i = 0; i < kNumDropReasons; i++) now.drops[i] -= baseline_.drops[i];
  return now;
}

void Pmd::clear_counters() {
  PmdCounters raw;
  for (size_t i = 0; i < kNumPmdCounters; i++) raw.v[i] = c_[i].load(std::memory_order_relaxed);
  for (size_t i = 0; i < kNumDropReasons; i++) {
    raw.drops[i] = drops_[i].load(std::memory_order_relaxed);
  }
  std::lock_guard lock(baseline_mutex_);
  baseline_ = raw;
}

}  // namespace dpuflow::dataplane
