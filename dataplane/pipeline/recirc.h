// Frozen translation state and recirculation ids.
//
// When translation must stop and resume after the datapath has done
// something (conntrack, a dp_hash computation, a paused controller action),
// xlate "freezes": it records where to resume (table, stack, the actions
// still to run, the metadata the datapath does not carry) under a
// recirculation id, and emits recirc(id).  The thaw side looks the id up.
//
// Thread safety: RecircTable is written by translating threads and read by
// the thaw path; the current implementation is single-threaded (offline
// trace, control thread) and documents that the fast path will need a
// concurrent map here.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <vector>

#include "dataplane/flow/flow_key.h"
#include "dataplane/flow/subfield.h"
#include "dataplane/pipeline/action.h"

namespace dpuflow::dataplane {

struct FrozenState {
  uint8_t table_id = 0;             // resume by looking up this table (kTableNone: no lookup)
  FlowKey metadata{};               // regs, metadata, in_port, tunnel at freeze time
  std::vector<FieldValue> stack;
  ActionList actions;               // actions to run after the table lookup
  bool conntracked = false;
  uint64_t rule_cookie = 0;
  std::vector<uint8_t> userdata;    // paused controller action's userdata

  bool operator==(const FrozenState&) const = default;
};

// The part of a flow a frozen state keeps: the metadata stage only (tunnel,
// metadata, registers, in_port...), so that packets of different headers
// that freeze at the same point share one state and one recirculation id.
inline FlowKey frozen_metadata(const FlowKey& flow) {
  FlowKey m{};
  std::memcpy(&m, &flow, kStage1Begin);
  return m;
}

class RecircTable {
 public:
  // With `dedupe`, alloc() returns the existing id of an equal frozen state
  // (as OVS's recirc_alloc_id_ctx does), so re-translating the same flow —
  // the datapath's upcalls and revalidation — does not grow the table or
  // change the datapath actions.  Offline traces number every freeze anew.
  explicit RecircTable(uint32_t first_id = 1, bool dedupe = false)
      : next_(first_id), dedupe_(dedupe) {}
  uint32_t alloc(FrozenState s) {
    size_t h = 0;
    if (dedupe_) {
      h = hash(s);
      auto [lo, hi] = by_hash_.equal_range(h);
      for (auto it = lo; it != hi; ++it)
        if (states_.at(it->second) == s) return it->second;
    }
    uint32_t id = next_++;
    states_.emplace(id, std::move(s));
    if (dedupe_) by_hash_.emplace(h, id);
    return id;
  }
  const FrozenState* find(uint32_t id) const {
    auto it = states_.find(id);
    return it == states_.end() ? nullptr : &it->second;
  }
  size_t size() const { return states_.size(); }
  uint32_t next_id() const { return next_; }

 private:
  static size_t hash(const FrozenState& s) {
    // FNV-1a over the parts that tell states apart cheaply; equality decides.
    uint64_t h = 1469598103934665603ull;
    auto mix = [&h](const void* p, size_t n) {
      const auto* b = static_cast<const uint8_t*>(p);
      for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ull;
    };
    mix(&s.table_id, 1);
    mix(&s.metadata, sizeof s.metadata);
    mix(&s.rule_cookie, sizeof s.rule_cookie);
    size_t n = s.actions.size();
    mix(&n, sizeof n);
    if (!s.userdata.empty()) mix(s.userdata.data(), s.userdata.size());
    return static_cast<size_t>(h);
  }

  uint32_t next_;
  bool dedupe_;
  std::map<uint32_t, FrozenState> states_;
  std::multimap<size_t, uint32_t> by_hash_;
};

}  // namespace dpuflow::dataplane
