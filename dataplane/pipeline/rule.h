// Rules, groups and meters: the contents of the OpenFlow tables.
//
// Thread safety: a Rule/Group/Meter is immutable once published in a
// pipeline version, except its counters, which are relaxed atomics written
// by the datapath and revalidator and read by dump-flows.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/flow/match.h"
#include "dataplane/pipeline/action.h"

namespace dpuflow::dataplane {

// Flow-mod flags as OpenFlow defines them.
inline constexpr uint16_t kFlagSendFlowRem = 1 << 0;
inline constexpr uint16_t kFlagCheckOverlap = 1 << 1;
inline constexpr uint16_t kFlagResetCounts = 1 << 2;
inline constexpr uint16_t kFlagNoPktCounts = 1 << 3;
inline constexpr uint16_t kFlagNoBytCounts = 1 << 4;

struct RuleSpec {
  uint8_t table = 0;
  uint16_t priority = 0x8000;
  uint64_t cookie = 0;
  Match match;
  ActionList actions;
  uint16_t idle_timeout = 0;
  uint16_t hard_timeout = 0;
  uint16_t importance = 0;
  uint16_t flags = 0;
};

struct RuleCounters {
  std::atomic<uint64_t> n_packets{0};
  std::atomic<uint64_t> n_bytes{0};
  std::atomic<int64_t> used_ms{0};
};

struct Rule {
  RuleSpec spec;
  int64_t created_ms = 0;
  // Derived at insertion: conjunction() actions make this a "soft" rule.
  bool has_conjunction = false;
  mutable RuleCounters counters;
};
using RulePtr = std::shared_ptr<const Rule>;

enum class GroupType : uint8_t { kAll = 0, kSelect = 1, kIndirect = 2, kFastFailover = 3 };

struct Bucket {
  uint32_t bucket_id = 0;
  uint16_t weight = 0;           // select groups
  uint32_t watch_port = 0xffffffff;
  uint32_t watch_group = 0xffffffff;
  ActionList actions;
};

struct GroupSpec {
  uint32_t group_id = 0;
  GroupType type = GroupType::kAll;
  std::string selection_method;          // "", "hash", "dp_hash"
  uint64_t selection_method_param = 0;
  std::vector<FieldId> fields;           // fields(...) for hash selection
  std::vector<Bucket> buckets;
};

struct MeterBand {
  enum class Type : uint8_t { kDrop = 1, kDscpRemark = 2 };
  Type type = Type::kDrop;
  uint32_t rate = 0;
  uint32_t burst_size = 0;
  uint8_t prec_level = 0;
};

struct MeterSpec {
  uint32_t meter_id = 0;
  enum Flags : uint16_t { kKbps = 1, kPktps = 2, kBurst = 4, kStats = 8 };
  uint16_t flags = 0;
  std::vector<MeterBand> bands;
};

}  // namespace dpuflow::dataplane
