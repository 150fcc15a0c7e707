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
};

class RecircTable {
 public:
  explicit RecircTable(uint32_t first_id = 1) : next_(first_id) {}
  uint32_t alloc(FrozenState s) {
    uint32_t id = next_++;
    states_.emplace(id, std::move(s));
    return id;
  }
  const FrozenState* find(uint32_t id) const {
    auto it = states_.find(id);
    return it == states_.end() ? nullptr : &it->second;
  }
  size_t size() const { return states_.size(); }
  uint32_t next_id() const { return next_; }

 private:
  uint32_t next_;
  std::map<uint32_t, FrozenState> states_;
};

}  // namespace dpuflow::dataplane
