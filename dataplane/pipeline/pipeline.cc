#include "dataplane/pipeline/pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <variant>

namespace dpuflow::dataplane {

namespace {

// dpif-netdev's meter table size (the datapath meter id pool).
constexpr uint32_t kMaxProviderMeters = 1u << 18;

// Visits every action, descending into nested lists (OVS's
// OFPACT_FOR_EACH_FLATTENED: clone and ct's exec).
template <class Fn>
void walk_actions(const ActionList& acts, Fn&& fn) {
  for (const Action& a : acts) {
    fn(a);
    if (const auto* c = std::get_if<ActClone>(&a)) {
      walk_actions(c->actions, fn);
    } else if (const auto* ct = std::get_if<ActCt>(&a)) {
      walk_actions(ct->exec, fn);
    }
  }
}

bool outputs_to_port(const ActionList& acts, uint16_t port) {
  if (port == kOfppNone) return true;
  bool found = false;
  walk_actions(acts, [&](const Action& a) {
    if (const auto* o = std::get_if<ActOutput>(&a)) {
      found |= o->port == port;
    } else if (std::holds_alternative<ActController>(a)) {
      found |= port == kOfppController;
    }
  });
  return found;
}

bool outputs_to_group(const ActionList& acts, uint32_t group_id) {
  if (group_id == kGroupAny) return true;
  bool found = false;
  walk_actions(acts, [&](const Action& a) {
    if (const auto* g = std::get_if<ActGroup>(&a)) found |= g->group_id == group_id;
  });
  return found;
}

bool uses_meter(const ActionList& acts, uint32_t meter_id) {
  bool found = false;
  walk_actions(acts, [&](const Action& a) {
    if (const auto* m = std::get_if<ActMeter>(&a)) found |= m->meter_id == meter_id;
  });
  return found;
}

void normalize(Match& m) {
  auto* v = reinterpret_cast<uint8_t*>(&m.value);
  const auto* k = reinterpret_cast<const uint8_t*>(&m.mask);
  for (size_t i = 0; i < sizeof(FlowKey); ++i) v[i] &= k[i];
}

void copy_counters(const Rule& from, Rule& to) {
  to.counters.n_packets.store(from.counters.n_packets.load(std::memory_order_relaxed),
                              std::memory_order_relaxed);
  to.counters.n_bytes.store(from.counters.n_bytes.load(std::memory_order_relaxed),
                            std::memory_order_relaxed);
  to.counters.used_ms.store(from.counters.used_ms.load(std::memory_order_relaxed),
                            std::memory_order_relaxed);
}

PipelineError error(OfpErr code, std::string message) {
  return PipelineError{code, std::move(message)};
}

}  // namespace

const char* ofp_err_name(OfpErr e) {
  switch (e) {
    case OfpErr::kBadConjunction:
      return "NXBAC_BAD_CONJUNCTION";
    case OfpErr::kBadOutGroup:
      return "OFPBAC_BAD_OUT_GROUP";
    case OfpErr::kOverlap:
      return "OFPFMFC_OVERLAP";
    case OfpErr::kGroupExists:
      return "OFPGMFC_GROUP_EXISTS";
    case OfpErr::kInvalidGroup:
      return "OFPGMFC_INVALID_GROUP";
    case OfpErr::kUnknownGroup:
      return "OFPGMFC_UNKNOWN_GROUP";
    case OfpErr::kUnknownBucket:
      return "OFPGMFC_UNKNOWN_BUCKET";
    case OfpErr::kBucketExists:
      return "OFPGMFC_BUCKET_EXISTS";
    case OfpErr::kMeterExists:
      return "OFPMMFC_METER_EXISTS";
    case OfpErr::kInvalidMeter:
      return "OFPMMFC_INVALID_METER";
    case OfpErr::kUnknownMeter:
      return "OFPMMFC_UNKNOWN_METER";
    case OfpErr::kOutOfMeters:
      return "OFPMMFC_OUT_OF_METERS";
    case OfpErr::kTlvAlreadyMapped:
      return "NXTTMFC_ALREADY_MAPPED";
    case OfpErr::kTlvDupEntry:
      return "NXTTMFC_DUP_ENTRY";
    case OfpErr::kTlvBadOptLen:
      return "NXTTMFC_BAD_OPT_LEN";
    case OfpErr::kTlvTableFull:
      return "NXTTMFC_TABLE_FULL";
  }
  return "?";
}

Pipeline::Pipeline() {
  auto empty = std::make_shared<Classifier>();
  tables_.fill(empty);
}

Pipeline::Pipeline(const Pipeline& o) = default;
Pipeline& Pipeline::operator=(const Pipeline& o) = default;

void Pipeline::clear() { *this = Pipeline(); }

// ---- readers ------------------------------------------------------------------

const Rule* Pipeline::lookup(uint8_t table, const FlowKey& flow, FlowMask* wc) const {
  if (table >= kNumTables) return nullptr;
  return tables_[table]->lookup(flow, wc);
}

const Classifier& Pipeline::table(uint8_t table) const {
  static const Classifier kEmpty;
  return table < kNumTables ? *tables_[table] : kEmpty;
}

size_t Pipeline::n_rules() const {
  // Only empty tables share a classifier (the initial empty one).
  size_t n = 0;
  for (const auto& t : tables_) n += t->size();
  return n;
}

const GroupSpec* Pipeline::group(uint32_t group_id) const {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

std::vector<const GroupSpec*> Pipeline::groups() const {
  std::vector<const GroupSpec*> out;
  for (const auto& [id, g] : groups_) out.push_back(g.get());
  return out;
}

const MeterSpec* Pipeline::meter(uint32_t meter_id) const {
  auto it = meters_.find(meter_id);
  return it == meters_.end() ? nullptr : it->second.spec.get();
}

std::vector<const MeterSpec*> Pipeline::meters() const {
  std::vector<const MeterSpec*> out;
  for (const auto& [id, m] : meters_) out.push_back(m.spec.get());
  return out;
}

uint32_t Pipeline::meter_provider_id(uint32_t meter_id) const {
  auto it = meters_.find(meter_id);
  return it == meters_.end() ? kMeterNone : it->second.provider_id;
}

// ---- tables ---------------------------------------------------------------------

Classifier& Pipeline::mutable_table(uint8_t table) {
  auto& t = tables_[table < kNumTables ? table : 0];
  if (t.use_count() > 1) t = std::make_shared<Classifier>(*t);
  return *t;
}

void Pipeline::insert_rule(uint8_t table, RulePtr rule, FlowModResult* result) {
  RulePtr replaced = mutable_table(table).insert(rule);
  if (result) {
    result->added.push_back(std::move(rule));
    if (replaced) result->removed.push_back(std::move(replaced));
  }
}

void Pipeline::delete_rules(const std::vector<RulePtr>& rules, FlowModResult* result) {
  for (const RulePtr& r : rules) {
    RulePtr gone = mutable_table(r->spec.table).remove(r.get());
    if (gone && result) result->removed.push_back(std::move(gone));
  }
}

RulePtr Pipeline::remove_rule(const Rule* rule) {
  if (!rule || rule->spec.table >= kNumTables) return nullptr;
  return mutable_table(rule->spec.table).remove(rule);
}

// OVS ofproto_check_ofpacts(): meters and groups named by actions must exist.
PipelineStatus Pipeline::check_actions(const ActionList& actions) const {
  PipelineStatus st;
  walk_actions(actions, [&](const Action& a) {
    if (st) return;
    if (const auto* m = std::get_if<ActMeter>(&a)) {
      if (!meters_.count(m->meter_id)) {
        st = error(OfpErr::kInvalidMeter, fmt::format("meter {} does not exist", m->meter_id));
      }
    } else if (const auto* g = std::get_if<ActGroup>(&a)) {
      if (!groups_.count(g->group_id)) {
        st = error(OfpErr::kBadOutGroup, fmt::format("group {} does not exist", g->group_id));
      }
    }
  });
  return st;
}

void Pipeline::collect(const FlowMod& fm, bool strict, std::vector<RulePtr>& out) const {
  const bool is_delete =
      fm.command == FlowModCommand::kDelete || fm.command == FlowModCommand::kDeleteStrict;
  auto take = [&](const RulePtr& r) {
    if ((r->spec.cookie ^ fm.cookie) & fm.cookie_mask) return;
    if (is_delete && (!outputs_to_port(r->spec.actions, fm.out_port) ||
                      !outputs_to_group(r->spec.actions, fm.out_group))) {
      return;
    }
    out.push_back(r);
  };
  int first = fm.spec.table == kTableAll ? 0 : fm.spec.table;
  int last = fm.spec.table == kTableAll ? kNumTables - 1 : fm.spec.table;
  for (int t = first; t <= last; ++t) {
    const Classifier& cls = *tables_[t];
    if (cls.empty()) continue;
    if (strict) {
      if (RulePtr r = cls.find_rule_exactly(fm.spec.match, fm.spec.priority)) take(r);
    } else {
      cls.for_each_loose(fm.spec.match, take);
    }
  }
}

std::vector<RulePtr> Pipeline::select_rules(uint8_t table, const Match& match, uint64_t cookie,
                                            uint64_t cookie_mask, uint16_t out_port,
                                            uint32_t out_group) const {
  FlowMod fm;
  fm.command = FlowModCommand::kDelete;  // so that the out_port/out_group filters apply
  fm.spec.table = table;
  fm.spec.match = match;
  fm.cookie = cookie;
  fm.cookie_mask = cookie_mask;
  fm.out_port = out_port;
  fm.out_group = out_group;
  std::vector<RulePtr> out;
  collect(fm, false, out);
  return out;
}

// ---- flow_mod -------------------------------------------------------------------

PipelineStatus Pipeline::add_flow(const RuleSpec& spec, FlowModResult* result, int64_t now_ms) {
  FlowMod fm;
  fm.spec = spec;
  return apply(fm, result, now_ms);
}

PipelineStatus Pipeline::apply(FlowMod&& fm, FlowModResult* result, int64_t now_ms) {
  if (fm.command != FlowModCommand::kAdd) return apply(static_cast<const FlowMod&>(fm), result, now_ms);
  if (auto st = check_conjunction(fm)) return st;
  return add(std::move(fm), result, now_ms);
}

PipelineStatus Pipeline::check_conjunction(const FlowMod& fm) const {
  if (fm.command == FlowModCommand::kAdd || fm.command == FlowModCommand::kModify ||
      fm.command == FlowModCommand::kModifyStrict) {
    bool conj = false, other = false;
    for (const Action& a : fm.spec.actions) {
      if (std::holds_alternative<ActConjunction>(a)) {
        conj = true;
      } else if (!std::holds_alternative<ActNote>(a)) {
        other = true;
      }
    }
    if (conj && other) {
      return error(OfpErr::kBadConjunction,
                   "\"conjunction\" actions may be used along with \"note\" but not any other "
                   "kind of action");
    }
  }
  return std::nullopt;
}

PipelineStatus Pipeline::apply(const FlowMod& fm, FlowModResult* result, int64_t now_ms) {
  if (auto st = check_conjunction(fm)) return st;
  switch (fm.command) {
    case FlowModCommand::kAdd:
      return add(fm, result, now_ms);
    case FlowModCommand::kModify:
    case FlowModCommand::kModifyStrict:
      return modify(fm, result, now_ms);
    case FlowModCommand::kDelete:
    case FlowModCommand::kDeleteStrict: {
      std::vector<RulePtr> rules;
      collect(fm, fm.command == FlowModCommand::kDeleteStrict, rules);
      delete_rules(rules, result);
      return std::nullopt;
    }
  }
  return std::nullopt;
}

PipelineStatus Pipeline::add(const FlowMod& fm, FlowModResult* result, int64_t now_ms) {
  if (auto st = check_actions(fm.spec.actions)) return st;
  auto rule = std::make_shared<Rule>();
  rule->spec = fm.spec;
  rule->created_ms = now_ms;
  return add_rule(fm, std::move(rule), result);
}

PipelineStatus Pipeline::add(FlowMod&& fm, FlowModResult* result, int64_t now_ms) {
  if (auto st = check_actions(fm.spec.actions)) return st;
  auto rule = std::make_shared<Rule>();
  const uint64_t cookie = fm.spec.cookie;
  const uint16_t flags = fm.spec.flags;
  rule->spec = std::move(fm.spec);
  rule->created_ms = now_ms;
  // add_rule reads only these of `fm` once the spec has moved.
  fm.spec.cookie = cookie;
  fm.spec.flags = flags;
  return add_rule(fm, std::move(rule), result);
}

PipelineStatus Pipeline::add_rule(const FlowMod& fm, std::shared_ptr<Rule> rule,
                                  FlowModResult* result) {
  const uint8_t table = rule->spec.table == kTableAll ? 0 : rule->spec.table;
  rule->spec.table = table;
  normalize(rule->spec.match);
  rule->has_conjunction = Classifier::is_conjunctive(rule->spec.actions);

  const Classifier& cls = *tables_[table];
  const Rule* old = cls.find_exactly(rule->spec.match, rule->spec.priority);
  if (!old && (fm.spec.flags & kFlagCheckOverlap) &&
      cls.overlaps(rule->spec.match, rule->spec.priority)) {
    return error(OfpErr::kOverlap,
                 fmt::format("table {}: the flow overlaps an existing flow of priority {}", table,
                             rule->spec.priority));
  }
  if (old) {
    // Identical match and priority: the new rule replaces the old one.
    if (fm.spec.cookie == UINT64_MAX) rule->spec.cookie = old->spec.cookie;
    if (!(fm.spec.flags & kFlagResetCounts)) copy_counters(*old, *rule);
  }
  insert_rule(table, std::move(rule), result);
  return std::nullopt;
}

PipelineStatus Pipeline::modify(const FlowMod& fm, FlowModResult* result, int64_t now_ms) {
  std::vector<RulePtr> olds;
  collect(fm, fm.command == FlowModCommand::kModifyStrict, olds);
  if (olds.empty()) {
    // OVS's modify_may_add_flow.
    if (fm.spec.cookie != UINT64_MAX && fm.cookie_mask == 0) return add(fm, result, now_ms);
    return std::nullopt;
  }
  if (auto st = check_actions(fm.spec.actions)) return st;
  for (const RulePtr& old : olds) {
    auto rule = std::make_shared<Rule>();
    rule->spec = old->spec;
    rule->spec.actions = fm.spec.actions;
    if (fm.modify_cookie && fm.spec.cookie != UINT64_MAX) rule->spec.cookie = fm.spec.cookie;
    rule->created_ms = old->created_ms;
    rule->has_conjunction = Classifier::is_conjunctive(rule->spec.actions);
    if (!(fm.spec.flags & kFlagResetCounts)) copy_counters(*old, *rule);
    const uint8_t table = rule->spec.table;
    insert_rule(table, std::move(rule), result);
  }
  return std::nullopt;
}

void Pipeline::delete_flows_using(bool group, uint32_t id, FlowModResult* result) {
  std::vector<RulePtr> rules;
  for (const auto& t : tables_) {
    if (t->empty()) continue;
    t->for_each([&](const RulePtr& r) {
      if (group ? outputs_to_group(r->spec.actions, id) : uses_meter(r->spec.actions, id)) {
        rules.push_back(r);
      }
    });
  }
  delete_rules(rules, result);
}

// ---- group_mod ------------------------------------------------------------------

PipelineStatus Pipeline::apply(const GroupMod& gm, FlowModResult* result) {
  const uint32_t id = gm.group.group_id;
  GroupModCommand cmd = gm.command;
  if (cmd == GroupModCommand::kAddOrModify) {
    cmd = groups_.count(id) ? GroupModCommand::kModify : GroupModCommand::kAdd;
  }
  switch (cmd) {
    case GroupModCommand::kAdd:
      if (groups_.count(id)) {
        return error(OfpErr::kGroupExists, fmt::format("group {} already exists", id));
      }
      if (id > kGroupMax) {
        return error(OfpErr::kInvalidGroup, fmt::format("group id {:#x} is reserved", id));
      }
      groups_[id] = std::make_shared<const GroupSpec>(gm.group);
      return std::nullopt;
    case GroupModCommand::kModify:
      if (!groups_.count(id)) {
        return error(OfpErr::kUnknownGroup, fmt::format("group {} does not exist", id));
      }
      groups_[id] = std::make_shared<const GroupSpec>(gm.group);
      return std::nullopt;
    case GroupModCommand::kDelete: {
      std::vector<uint32_t> ids;
      if (id == kGroupAll) {
        for (const auto& [gid, g] : groups_) ids.push_back(gid);
      } else if (groups_.count(id)) {
        ids.push_back(id);
      }
      for (uint32_t gid : ids) {
        delete_flows_using(true, gid, result);
        groups_.erase(gid);
      }
      return std::nullopt;
    }
    case GroupModCommand::kInsertBucket:
    case GroupModCommand::kRemoveBucket: {
      auto it = groups_.find(id);
      if (it == groups_.end()) {
        return error(OfpErr::kUnknownGroup, fmt::format("group {} does not exist", id));
      }
      auto g = std::make_shared<GroupSpec>(*it->second);
      auto find = [&](uint32_t bucket_id) {
        return std::find_if(g->buckets.begin(), g->buckets.end(),
                            [&](const Bucket& b) { return b.bucket_id == bucket_id; });
      };
      const uint32_t at = gm.command_bucket_id;
      if (cmd == GroupModCommand::kRemoveBucket) {
        if (at == kBucketAll) {
          g->buckets.clear();
        } else if (g->buckets.empty() && (at == kBucketFirst || at == kBucketLast)) {
          // Nothing to remove.
        } else if (at == kBucketFirst) {
          g->buckets.erase(g->buckets.begin());
        } else if (at == kBucketLast) {
          g->buckets.pop_back();
        } else {
          auto b = find(at);
          if (b == g->buckets.end()) {
            return error(OfpErr::kUnknownBucket,
                         fmt::format("group {} has no bucket {}", id, at));
          }
          g->buckets.erase(b);
        }
      } else {
        auto pos = g->buckets.begin();  // kBucketFirst (and, as OVS, kBucketAll)
        if (at == kBucketLast) {
          pos = g->buckets.end();
        } else if (at <= kBucketMax) {
          pos = find(at);
          if (pos == g->buckets.end()) {
            return error(OfpErr::kUnknownBucket,
                         fmt::format("group {} has no bucket {}", id, at));
          }
          ++pos;
        }
        for (const Bucket& nb : gm.group.buckets) {
          if (find(nb.bucket_id) != g->buckets.end()) {
            return error(OfpErr::kBucketExists,
                         fmt::format("group {} already has bucket {}", id, nb.bucket_id));
          }
        }
        g->buckets.insert(pos, gm.group.buckets.begin(), gm.group.buckets.end());
      }
      it->second = std::move(g);
      return std::nullopt;
    }
    case GroupModCommand::kAddOrModify:
      break;
  }
  return std::nullopt;
}

// ---- meter_mod ------------------------------------------------------------------

// OVS's id_pool: the next id after the last one given, else the lowest free.
uint32_t Pipeline::alloc_provider_meter_id() {
  uint32_t id = next_provider_id_;
  if (provider_ids_.count(id)) {
    id = 0;
    while (provider_ids_.count(id)) ++id;
  }
  provider_ids_.insert(id);
  next_provider_id_ = id + 1 < kMaxProviderMeters ? id + 1 : 0;
  return id;
}

void Pipeline::remove_meter(uint32_t meter_id, FlowModResult* result) {
  auto it = meters_.find(meter_id);
  if (it == meters_.end()) return;
  delete_flows_using(false, meter_id, result);
  uint32_t pid = it->second.provider_id;
  provider_ids_.erase(pid);
  if (pid < next_provider_id_) next_provider_id_ = pid;
  meters_.erase(it);
}

PipelineStatus Pipeline::apply(const MeterMod& mm, FlowModResult* result) {
  const uint32_t id = mm.meter.meter_id;
  if (mm.command != MeterModCommand::kDelete) {
    if (id == 0 || (id > kMeterMax && id != kMeterSlowpath && id != kMeterController)) {
      return error(OfpErr::kInvalidMeter, fmt::format("meter id {:#x} is not valid", id));
    }
  }
  switch (mm.command) {
    case MeterModCommand::kAdd: {
      if (meters_.count(id)) {
        return error(OfpErr::kMeterExists, fmt::format("meter {} already exists", id));
      }
      if (provider_ids_.size() >= kMaxProviderMeters) {
        return error(OfpErr::kOutOfMeters, "no datapath meter id left");
      }
      MeterEntry e;
      e.spec = std::make_shared<const MeterSpec>(mm.meter);
      e.provider_id = alloc_provider_meter_id();
      meters_[id] = std::move(e);
      return std::nullopt;
    }
    case MeterModCommand::kModify: {
      auto it = meters_.find(id);
      if (it == meters_.end()) {
        return error(OfpErr::kUnknownMeter, fmt::format("meter {} does not exist", id));
      }
      it->second.spec = std::make_shared<const MeterSpec>(mm.meter);
      return std::nullopt;
    }
    case MeterModCommand::kDelete: {
      if (id == 0) return std::nullopt;  // OpenFlow has no meter 0
      if (id == kMeterAll) {
        std::vector<uint32_t> ids;
        for (const auto& [mid, m] : meters_) ids.push_back(mid);
        for (uint32_t mid : ids) remove_meter(mid, result);
      } else {
        remove_meter(id, result);
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// ---- TLV map -------------------------------------------------------------------

PipelineStatus Pipeline::apply(const TlvMod& tm) {
  if (tm.command == TlvModCommand::kClear) {
    tlv_.clear();
    return std::nullopt;
  }
  TlvMap next = tlv_;
  for (const TlvModEntry& e : tm.mappings) {
    if (e.index < 0 || e.index >= kNumTunMetadata || e.length % 4 || e.length > 124) {
      return error(OfpErr::kTlvBadOptLen,
                   fmt::format("tun_metadata{}: bad index or option length {}", e.index, e.length));
    }
    if (next.mapped(e.index)) {
      return error(OfpErr::kTlvAlreadyMapped,
                   fmt::format("tun_metadata{} is already mapped", e.index));
    }
    if (next.find(e.opt_class, e.opt_type) >= 0) {
      return error(
          OfpErr::kTlvDupEntry,
          fmt::format("option class {:#x} type {:#x} is already mapped", e.opt_class, e.opt_type));
    }
    if (auto why = next.add(e.index, e.opt_class, e.opt_type, e.length)) {
      return error(OfpErr::kTlvTableFull, fmt::format("tun_metadata{}: {}", e.index, *why));
    }
  }
  tlv_ = next;
  return std::nullopt;
}

}  // namespace dpuflow::dataplane
