// Pipeline: the OpenFlow switch state that OVN programs — tables 0..254 (each
// a Classifier), groups, meters and the TLV map — with OVS 3.1's flow_mod,
// group_mod and meter_mod semantics (ofproto/ofproto.c is the reference).
//
// Design note
// - Versions.  A Pipeline is a value.  A writer copies the published
//   version, applies one flow_mod or a whole bundle to the copy, and
//   publishes the copy (PipelineVersions below); a reader keeps the
//   shared_ptr it loaded for its whole translation.  Readers therefore never
//   see half a bundle, and a failed bundle is simply dropped.  Copies are
//   cheap: the 255 tables are shared between versions, and the first change
//   to a table in a new copy clones that table alone (O(its rules));
//   groups and meters are maps of shared immutable specs.  Rules are shared
//   (RulePtr) between versions, so their counters carry over.
// - A failed operation changes nothing (every check runs before the first
//   change), as OVS's *_start() functions do.
// - flow_mod semantics: ADD replaces a rule with identical match and
//   priority (keeping its counters unless reset_counts) and honours
//   check_overlap; MODIFY[_STRICT] replaces the actions of the rules it
//   selects (keeping their timeouts, flags, importance and creation time;
//   the cookie only with modify_cookie) and adds the flow when nothing
//   matched and the cookie allows it (OVS's modify_may_add_flow); DELETE
//   [_STRICT] honours the cookie, out_port and out_group filters; table 255
//   means every table for modify and delete, table 0 for add.  Actions that
//   name a missing group or meter are refused; deleting a group or meter
//   deletes the flows that use it.
// - Table-miss handling is xlate's: lookup() just returns null.
//
// Thread safety: const member functions may run concurrently; non-const ones
// need exclusive access to this copy (normally the writer's private copy).
// PipelineVersions::load()/publish() may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "dataplane/flow/flow_key.h"
#include "dataplane/flow/match.h"
#include "dataplane/flow/tlv_map.h"
#include "dataplane/pipeline/action.h"
#include "dataplane/pipeline/classifier.h"
#include "dataplane/pipeline/rule.h"

namespace dpuflow::dataplane {

inline constexpr int kNumTables = 255;             // tables 0..254
inline constexpr uint8_t kTableAll = 0xff;         // flow_mod: every table
inline constexpr uint32_t kGroupMax = 0xffffff00;  // OFPG_MAX
inline constexpr uint32_t kGroupAll = 0xfffffffc;  // OFPG_ALL
inline constexpr uint32_t kGroupAny = 0xffffffff;  // OFPG_ANY
inline constexpr uint32_t kMeterMax = 0xffff0000;  // OFPM13_MAX
inline constexpr uint32_t kMeterSlowpath = 0xfffffffd;
inline constexpr uint32_t kMeterController = 0xfffffffe;
inline constexpr uint32_t kMeterAll = 0xffffffff;  // OFPM13_ALL

// Errors, named as OVS's enum ofperr (the wire codec maps them to type/code).
enum class OfpErr : uint8_t {
  kBadConjunction,    // NXBAC_BAD_CONJUNCTION
  kBadOutGroup,       // OFPBAC_BAD_OUT_GROUP
  kOverlap,           // OFPFMFC_OVERLAP
  kGroupExists,       // OFPGMFC_GROUP_EXISTS
  kInvalidGroup,      // OFPGMFC_INVALID_GROUP
  kUnknownGroup,      // OFPGMFC_UNKNOWN_GROUP
  kUnknownBucket,     // OFPGMFC_UNKNOWN_BUCKET
  kBucketExists,      // OFPGMFC_BUCKET_EXISTS
  kMeterExists,       // OFPMMFC_METER_EXISTS
  kInvalidMeter,      // OFPMMFC_INVALID_METER
  kUnknownMeter,      // OFPMMFC_UNKNOWN_METER
  kOutOfMeters,       // OFPMMFC_OUT_OF_METERS
  kTlvAlreadyMapped,  // NXTTMFC_ALREADY_MAPPED
  kTlvDupEntry,       // NXTTMFC_DUP_ENTRY
  kTlvBadOptLen,      // NXTTMFC_BAD_OPT_LEN
  kTlvTableFull,      // NXTTMFC_TABLE_FULL
};
// OVS's name of the error, e.g. "OFPFMFC_OVERLAP".
const char* ofp_err_name(OfpErr e);

struct PipelineError {
  OfpErr code;
  std::string message;  // what was wrong, naming the id/table involved
};
// nullopt = success.
using PipelineStatus = std::optional<PipelineError>;

enum class FlowModCommand : uint8_t { kAdd, kModify, kModifyStrict, kDelete, kDeleteStrict };

struct FlowMod {
  FlowModCommand command = FlowModCommand::kAdd;
  // table (kTableAll: every table for modify/delete, table 0 for add),
  // match, priority (add and strict commands), actions, timeouts, flags,
  // importance; spec.cookie is the new cookie (UINT64_MAX: none).
  RuleSpec spec;
  // Modify/delete filter: rules with (cookie ^ rule cookie) & cookie_mask == 0.
  uint64_t cookie = 0;
  uint64_t cookie_mask = 0;
  // Modify: also replace the selected rules' cookie by spec.cookie.
  bool modify_cookie = false;
  // Delete filters: rules that output to this port / group (ANY: no filter).
  uint16_t out_port = kOfppNone;
  uint32_t out_group = kGroupAny;
};

struct FlowModResult {
  std::vector<RulePtr> added;    // rules inserted (new, replacing or modified)
  std::vector<RulePtr> removed;  // rules deleted, replaced or modified away
};

// kInsertBucket / kRemoveBucket are OpenFlow 1.5's bucket commands (OVN
// splits a group too big for one message into ADD + INSERT_BUCKET LAST).
// They keep the group's type and selection method (OVS: EXT-570) and touch
// only its bucket list, at command_bucket_id.
enum class GroupModCommand : uint8_t {
  kAdd, kModify, kAddOrModify, kDelete, kInsertBucket, kRemoveBucket
};
inline constexpr uint32_t kBucketMax = 0xffffff00;    // OFPG15_BUCKET_MAX
inline constexpr uint32_t kBucketFirst = 0xfffffffd;  // OFPG15_BUCKET_FIRST
inline constexpr uint32_t kBucketLast = 0xfffffffe;   // OFPG15_BUCKET_LAST
inline constexpr uint32_t kBucketAll = 0xffffffff;    // OFPG15_BUCKET_ALL
struct GroupMod {
  GroupModCommand command = GroupModCommand::kAdd;
  GroupSpec group;  // kDelete: only group_id matters (kGroupAll: all groups)
  // kInsertBucket: insert group.buckets before kBucketFirst, after
  // kBucketLast or after the bucket with this id; kRemoveBucket: remove the
  // first, last, this one or (kBucketAll) every bucket.
  uint32_t command_bucket_id = kBucketAll;
};

enum class MeterModCommand : uint8_t { kAdd, kModify, kDelete };
struct MeterMod {
  MeterModCommand command = MeterModCommand::kAdd;
  MeterSpec meter;  // kDelete: only meter_id matters (kMeterAll: all meters)
};

// NXT_TLV_TABLE_MOD.  ADD maps every entry or none; CLEAR empties the map.
// (DELETE needs TlvMap to release one mapping in place; not offered yet.)
enum class TlvModCommand : uint8_t { kAdd, kClear };
struct TlvModEntry {
  int index = 0;  // tun_metadata<index>
  uint16_t opt_class = 0;
  uint8_t opt_type = 0;
  uint8_t length = 0;
};
struct TlvMod {
  TlvModCommand command = TlvModCommand::kAdd;
  std::vector<TlvModEntry> mappings;
};

class Pipeline {
 public:
  Pipeline();
  // A copy shares every table with `o` until it changes one.
  Pipeline(const Pipeline& o);
  Pipeline& operator=(const Pipeline& o);
  Pipeline(Pipeline&&) noexcept = default;
  Pipeline& operator=(Pipeline&&) noexcept = default;

  // ---- Readers ---------------------------------------------------------------
  // Highest-priority rule of `table` matching `flow` (null: no match or no
  // such table).  ORs the bits the lookup used into `wc` when not null.
  const Rule* lookup(uint8_t table, const FlowKey& flow, FlowMask* wc) const;
  // Table 255 (not a table) reads as an empty classifier.
  const Classifier& table(uint8_t table) const;
  // The owning pointer of a rule this version holds (null if it does not),
  // so a caller can keep the rule — and its counters — alive.
  RulePtr find_rule_ptr(const Rule* rule) const {
    RulePtr p = table(rule->spec.table).find_rule_exactly(rule->spec.match, rule->spec.priority);
    return p.get() == rule ? p : nullptr;
  }
  size_t n_rules() const;
  // The rules a flow-stats request selects (OpenFlow non-strict match within
  // `table` or every table for kTableAll, the cookie filter, and the
  // out_port/out_group filters), in table order.
  std::vector<RulePtr> select_rules(uint8_t table, const Match& match, uint64_t cookie,
                                    uint64_t cookie_mask, uint16_t out_port,
                                    uint32_t out_group) const;

  const GroupSpec* group(uint32_t group_id) const;
  // All groups, by id.
  std::vector<const GroupSpec*> groups() const;

  const MeterSpec* meter(uint32_t meter_id) const;
  std::vector<const MeterSpec*> meters() const;
  // The datapath meter id allocated to `meter_id` (OVS: lowest free id from
  // 0, in creation order), or kMeterNone.
  uint32_t meter_provider_id(uint32_t meter_id) const;

  const TlvMap& tlv_map() const { return tlv_; }

  // ---- Writer ------------------------------------------------------------------
  [[nodiscard]] PipelineStatus apply(const FlowMod& fm, FlowModResult* result = nullptr,
                                     int64_t now_ms = 0);
  // The same, taking the rule's spec from `fm` instead of copying it (a
  // bundle commit applies thousands of flow_mods it no longer needs).
  [[nodiscard]] PipelineStatus apply(FlowMod&& fm, FlowModResult* result = nullptr,
                                     int64_t now_ms = 0);
  // Shorthand for an ADD flow_mod.
  [[nodiscard]] PipelineStatus add_flow(const RuleSpec& spec, FlowModResult* result = nullptr,
                                        int64_t now_ms = 0);
  // Group deletion reports the flows it deleted in `result`.
  [[nodiscard]] PipelineStatus apply(const GroupMod& gm, FlowModResult* result = nullptr);
  // Meter deletion reports the flows it deleted in `result`.
  [[nodiscard]] PipelineStatus apply(const MeterMod& mm, FlowModResult* result = nullptr);
  [[nodiscard]] PipelineStatus apply(const TlvMod& tm);
  // Replaces the TLV map (built by the caller with TlvMap::add()).
  void set_tlv_map(const TlvMap& tlv) { tlv_ = tlv; }
  // Removes one rule (idle/hard timeout expiry).  Returns it, or null.
  RulePtr remove_rule(const Rule* rule);
  // Direct, copy-on-write access to a table's classifier (prefix fields,
  // tests).  Inserting rules here bypasses flow_mod checks.
  Classifier& mutable_table(uint8_t table);
  // Empties every table, group and meter and the TLV map.
  void clear();

 private:
  struct MeterEntry {
    std::shared_ptr<const MeterSpec> spec;
    uint32_t provider_id = 0;
  };

  PipelineStatus check_actions(const ActionList& actions) const;
  PipelineStatus check_conjunction(const FlowMod& fm) const;
  void collect(const FlowMod& fm, bool strict, std::vector<RulePtr>& out) const;
  void insert_rule(uint8_t table, RulePtr rule, FlowModResult* result);
  void delete_rules(const std::vector<RulePtr>& rules, FlowModResult* result);
  void delete_flows_using(bool group, uint32_t id, FlowModResult* result);
  PipelineStatus add(const FlowMod& fm, FlowModResult* result, int64_t now_ms);
  PipelineStatus add(FlowMod&& fm, FlowModResult* result, int64_t now_ms);
  PipelineStatus add_rule(const FlowMod& fm, std::shared_ptr<Rule> rule, FlowModResult* result);
  PipelineStatus modify(const FlowMod& fm, FlowModResult* result, int64_t now_ms);
  void remove_meter(uint32_t meter_id, FlowModResult* result);
  uint32_t alloc_provider_meter_id();

  // A table shared with another Pipeline (use_count > 1) is cloned before
  // its first change here.
  std::array<std::shared_ptr<Classifier>, kNumTables> tables_;
  std::map<uint32_t, std::shared_ptr<const GroupSpec>> groups_;
  std::map<uint32_t, MeterEntry> meters_;
  std::set<uint32_t> provider_ids_;  // datapath meter ids in use
  uint32_t next_provider_id_ = 0;
  TlvMap tlv_;
};

// The published pipeline version: readers load() a snapshot and keep it for
// the duration of their work; the writer publish()es a new one after
// applying a flow_mod or a bundle to a copy.
class PipelineVersions {
 public:
  PipelineVersions() : current_(std::make_shared<const Pipeline>()) {}
  std::shared_ptr<const Pipeline> load() const { return current_.load(std::memory_order_acquire); }
  void publish(std::shared_ptr<const Pipeline> p) {
    current_.store(std::move(p), std::memory_order_release);
    seq_.fetch_add(1, std::memory_order_release);
  }
  // Bumped by every publish(): a cheap "has the pipeline changed" check for
  // the datapath's revalidator (one relaxed load instead of a snapshot).
  uint64_t seq() const { return seq_.load(std::memory_order_acquire); }
  // A private copy of the current version for the writer to change.
  Pipeline copy() const { return *load(); }

 private:
  std::atomic<std::shared_ptr<const Pipeline>> current_;
  std::atomic<uint64_t> seq_{0};
};

}  // namespace dpuflow::dataplane
