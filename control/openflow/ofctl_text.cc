#include "control/openflow/ofctl_text.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

#include "control/openflow/action_text.h"
#include "control/openflow/match_text.h"
#include "dataplane/flow/field_text.h"
#include "dataplane/pipeline/pipeline.h"

namespace dpuflow::control {

using dataplane::ActionList;
using dataplane::Bucket;
using dataplane::GroupSpec;
using dataplane::GroupType;
using dataplane::MeterBand;
using dataplane::MeterSpec;
using dataplane::RuleSpec;
using dataplane::TlvMap;

namespace {

bool is_delim(char c) { return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool fail(TextError* err, size_t col, std::string_view token, std::string message) {
  if (err != nullptr) *err = TextError{col, std::string(token), std::move(message)};
  return false;
}

// Unsigned integer in decimal or 0x-hex, within `max`.
template <typename T>
std::optional<T> parse_uint(std::string_view s, uint64_t max) {
  if (s.empty()) return std::nullopt;
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size() || v > max) return std::nullopt;
  return static_cast<T>(v);
}

template <typename T>
bool parse_number(const KeyValue& kv, uint64_t max, T* out, TextError* err) {
  if (!kv.value || kv.value->empty()) {
    return fail(err, kv.key_col, kv.key, fmt::format("{} needs a value", kv.key));
  }
  auto v = parse_uint<T>(*kv.value, max);
  if (!v) {
    return fail(err, kv.value_col, *kv.value,
                fmt::format("invalid {} (expected an integer from 0 to {})", kv.key, max));
  }
  *out = *v;
  return true;
}

// Finds "<word>=" at parenthesis depth 0, at the start of the text or after a
// delimiter.  Returns npos if absent.
size_t find_keyword(std::string_view text, std::string_view word, size_t from = 0) {
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (i < from || depth != 0) continue;
    if ((i == 0 || is_delim(text[i - 1])) && text.substr(i, word.size()) == word) return i;
  }
  return std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_delim(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_delim(s.back())) s.remove_suffix(1);
  return s;
}

bool is_header_line(std::string_view line) {
  line = trim(line);
  return line.empty() || line.starts_with("OFPST_") || line.starts_with("NXST_") ||
         line.starts_with("OFPT_") || line.starts_with("NXT_");
}

// Calls `fn(line_no, line)` for each line; stops at the first false.
template <typename Fn>
bool for_each_line(std::string_view text, Fn fn) {
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (!fn(line_no, line)) return false;
  }
  return true;
}

struct FlagName {
  std::string_view name;
  uint16_t flag;
};
constexpr FlagName kFlowFlags[] = {
    {"send_flow_rem", dataplane::kFlagSendFlowRem},
    {"check_overlap", dataplane::kFlagCheckOverlap},
    {"reset_counts", dataplane::kFlagResetCounts},
    {"no_packet_counts", dataplane::kFlagNoPktCounts},
    {"no_byte_counts", dataplane::kFlagNoBytCounts},
};

// Splits `text` into the part before "actions=" and the actions; fails if
// there are none.
bool split_actions(std::string_view text, std::string_view* head, std::string_view* actions,
                   size_t* actions_col, TextError* err) {
  size_t pos = find_keyword(text, "actions=");
  if (pos == std::string_view::npos) {
    pos = find_keyword(text, "action=");
    if (pos == std::string_view::npos) {
      return fail(err, text.size(), "", "must specify an action (actions=...)");
    }
    *actions_col = pos + 7;
  } else {
    *actions_col = pos + 8;
  }
  *head = text.substr(0, pos);
  std::string_view rest = text.substr(*actions_col);
  while (!rest.empty() && (rest.back() == '\n' || rest.back() == '\r' || rest.back() == ' ')) {
    rest.remove_suffix(1);
  }
  *actions = rest;
  return true;
}

bool parse_actions_at(std::string_view text, size_t col, const TlvMap& tlv, ActionList* out,
                      TextError* err) {
  TextError e;
  auto acts = parse_actions(text, tlv, &e);
  if (!acts) {
    e.column += col;
    if (err != nullptr) *err = std::move(e);
    return false;
  }
  *out = std::move(*acts);
  return true;
}

}  // namespace

std::optional<std::vector<KeyValue>> split_key_values(std::string_view text, size_t base_col,
                                                      TextError* err) {
  std::vector<KeyValue> out;
  size_t i = 0;
  const size_t n = text.size();
  while (true) {
    while (i < n && is_delim(text[i])) ++i;
    if (i >= n) break;
    KeyValue kv;
    kv.key_col = base_col + i;
    size_t start = i;
    while (i < n && !is_delim(text[i]) && text[i] != '=' && text[i] != ':' && text[i] != '(') {
      if (text[i] == ')') {
        fail(err, base_col + i, text.substr(start, i - start + 1), "unbalanced ')'");
        return std::nullopt;
      }
      ++i;
    }
    kv.key = text.substr(start, i - start);
    if (i < n && text[i] == '(') {
      kv.delim = '(';
      size_t open = i++;
      int depth = 1;
      size_t vstart = i;
      while (i < n && depth > 0) {
        if (text[i] == '(') ++depth;
        if (text[i] == ')') --depth;
        ++i;
      }
      if (depth != 0) {
        fail(err, base_col + open, text.substr(start), "unbalanced '(': no matching ')'");
        return std::nullopt;
      }
      kv.value = text.substr(vstart, i - 1 - vstart);
      kv.value_col = base_col + vstart;
    } else if (i < n && (text[i] == '=' || text[i] == ':')) {
      kv.delim = text[i++];
      size_t vstart = i;
      int depth = 0;
      while (i < n && (depth > 0 || !is_delim(text[i]))) {
        if (text[i] == '(') ++depth;
        if (text[i] == ')') {
          if (depth == 0) {
            fail(err, base_col + i, text.substr(start, i - start + 1), "unbalanced ')'");
            return std::nullopt;
          }
          --depth;
        }
        ++i;
      }
      if (depth != 0) {
        fail(err, base_col + vstart, text.substr(vstart), "unbalanced '(': no matching ')'");
        return std::nullopt;
      }
      kv.value = text.substr(vstart, i - vstart);
      kv.value_col = base_col + vstart;
    }
    out.push_back(kv);
  }
  return out;
}

// ---------------------------------------------------------------- flows

std::optional<RuleSpec> parse_flow_line(std::string_view line, const TlvMap& tlv,
                                        TextError* err) {
  std::string_view head, actions_text;
  size_t actions_col = 0;
  if (!split_actions(line, &head, &actions_text, &actions_col, err)) return std::nullopt;
  auto items = split_key_values(head, 0, err);
  if (!items) return std::nullopt;

  RuleSpec rule;
  for (const KeyValue& kv : *items) {
    const std::string_view k = kv.key;
    bool ok = true;
    if (k == "table") {
      ok = parse_number(kv, 254, &rule.table, err);
    } else if (k == "priority") {
      ok = parse_number(kv, UINT16_MAX, &rule.priority, err);
    } else if (k == "cookie") {
      if (!kv.value) return fail(err, kv.key_col, k, "cookie needs a value"), std::nullopt;
      std::string_view v = *kv.value;
      size_t slash = v.find('/');
      auto c = parse_uint<uint64_t>(v.substr(0, slash), UINT64_MAX);
      if (!c) return fail(err, kv.value_col, v, "invalid cookie"), std::nullopt;
      rule.cookie = *c;  // a cookie mask (for flow_mod filters) is accepted and ignored here
    } else if (k == "idle_timeout") {
      ok = parse_number(kv, UINT16_MAX, &rule.idle_timeout, err);
    } else if (k == "hard_timeout") {
      ok = parse_number(kv, UINT16_MAX, &rule.hard_timeout, err);
    } else if (k == "importance") {
      ok = parse_number(kv, UINT16_MAX, &rule.importance, err);
    } else if (k == "duration" || k == "n_packets" || k == "n_bytes" || k == "idle_age" ||
               k == "hard_age") {
      // Statistics of a dump line: ignored so that dumps load back.
    } else {
      bool is_flag = false;
      for (const FlagName& f : kFlowFlags) {
        if (k == f.name && !kv.value) {
          rule.flags |= f.flag;
          is_flag = true;
        }
      }
      if (!is_flag) {
        TextError e;
        if (!apply_match_item(rule.match, k, kv.value, tlv, &e)) {
          e.column += kv.key_col;
          if (err != nullptr) *err = std::move(e);
          return std::nullopt;
        }
      }
    }
    if (!ok) return std::nullopt;
  }
  if (!check_match_prereqs(rule.match, err)) return std::nullopt;
  if (!parse_actions_at(actions_text, actions_col, tlv, &rule.actions, err)) return std::nullopt;
  return rule;
}

std::string format_flow_line(const RuleSpec& rule, const TlvMap& tlv) {
  std::string s = " ";
  if (rule.cookie != 0) s += fmt::format("cookie={:#x}, ", rule.cookie);
  if (rule.table != 0) s += fmt::format("table={}, ", rule.table);
  if (rule.idle_timeout != 0) s += fmt::format("idle_timeout={}, ", rule.idle_timeout);
  if (rule.hard_timeout != 0) s += fmt::format("hard_timeout={}, ", rule.hard_timeout);
  for (const FlagName& f : kFlowFlags) {
    if ((rule.flags & f.flag) != 0) s += fmt::format("{} ", f.name);
  }
  if (rule.importance != 0) s += fmt::format("importance={}, ", rule.importance);
  std::string match = format_match(rule.match, tlv, rule.priority);
  if (!match.empty()) s += match + " ";
  s += "actions=";
  s += format_actions(rule.actions, tlv);
  return s;
}

// ---------------------------------------------------------------- groups

namespace {

bool parse_bucket(std::string_view text, size_t col, GroupType type, size_t index,
                  const TlvMap& tlv, Bucket* b, TextError* err) {
  b->bucket_id = static_cast<uint32_t>(index);
  b->weight = type == GroupType::kSelect ? 1 : 0;
  std::string_view head = text, actions_text;
  size_t actions_col = 0;
  size_t pos = find_keyword(text, "actions=");
  if (pos != std::string_view::npos) {
    head = text.substr(0, pos);
    actions_col = pos + 8;
    actions_text = trim(text.substr(actions_col));
  }
  auto items = split_key_values(head, col, err);
  if (!items) return false;
  for (const KeyValue& kv : *items) {
    if (kv.key == "bucket_id") {
      if (kv.value == "first") {
        b->bucket_id = 0xfffffffd;
      } else if (kv.value == "last") {
        b->bucket_id = 0xfffffffe;
      } else if (!parse_number(kv, 0xffffff00, &b->bucket_id, err)) {
        return false;
      }
    } else if (kv.key == "weight") {
      if (!parse_number(kv, UINT16_MAX, &b->weight, err)) return false;
    } else if (kv.key == "watch_port") {
      auto p = kv.value ? dataplane::parse_ofp_port(*kv.value) : std::nullopt;
      if (!p) return fail(err, kv.value_col, kv.value.value_or(""), "invalid watch_port");
      b->watch_port = *p == dataplane::kOfppNone ? 0xffffffff : *p;
    } else if (kv.key == "watch_group") {
      if (!parse_number(kv, UINT32_MAX, &b->watch_group, err)) return false;
    } else {
      return fail(err, kv.key_col, kv.key, "unknown bucket argument (expected bucket_id, "
                                           "weight, watch_port, watch_group or actions)");
    }
  }
  if (pos == std::string_view::npos) return true;  // a bucket without actions drops
  return parse_actions_at(actions_text, col + actions_col, tlv, &b->actions, err);
}

}  // namespace

std::optional<GroupSpec> parse_group_line(std::string_view line, const TlvMap& tlv,
                                          TextError* err) {
  // The group's own arguments come first, then "bucket=..." items, each
  // running to the next "bucket=".
  size_t first_bucket = find_keyword(line, "bucket=");
  std::string_view head = line.substr(0, first_bucket);
  auto items = split_key_values(head, 0, err);
  if (!items) return std::nullopt;
  GroupSpec g;
  bool have_id = false;
  for (const KeyValue& kv : *items) {
    if (kv.key == "group_id") {
      if (!parse_number(kv, 0xffffff00, &g.group_id, err)) return std::nullopt;
      have_id = true;
    } else if (kv.key == "type") {
      std::string_view t = kv.value.value_or("");
      if (t == "all") {
        g.type = GroupType::kAll;
      } else if (t == "select") {
        g.type = GroupType::kSelect;
      } else if (t == "indirect") {
        g.type = GroupType::kIndirect;
      } else if (t == "ff" || t == "fast_failover") {
        g.type = GroupType::kFastFailover;
      } else {
        fail(err, kv.value_col, t, "unknown group type (expected all, select, indirect or ff)");
        return std::nullopt;
      }
    } else if (kv.key == "selection_method") {
      std::string_view m = kv.value.value_or("");
      if (m != "hash" && m != "dp_hash") {
        fail(err, kv.value_col, m, "unknown selection_method (expected hash or dp_hash)");
        return std::nullopt;
      }
      g.selection_method = std::string(m);
    } else if (kv.key == "selection_method_param") {
      if (!parse_number(kv, UINT64_MAX, &g.selection_method_param, err)) return std::nullopt;
    } else if (kv.key == "fields") {
      auto names = split_key_values(kv.value.value_or(""), kv.value_col, err);
      if (!names) return std::nullopt;
      for (const KeyValue& f : *names) {
        const dataplane::FieldDesc* d = dataplane::field_by_name(f.key);
        if (d == nullptr) {
          fail(err, f.key_col, f.key, "unknown field in fields()");
          return std::nullopt;
        }
        g.fields.push_back(d->id);
      }
    } else {
      fail(err, kv.key_col, kv.key, "unknown group argument");
      return std::nullopt;
    }
  }
  if (!have_id) {
    fail(err, 0, "", "must specify a group_id");
    return std::nullopt;
  }
  if (!g.selection_method.empty() && g.type != GroupType::kSelect) {
    fail(err, 0, "", "selection_method is only allowed for select groups");
    return std::nullopt;
  }
  size_t pos = first_bucket;
  while (pos != std::string_view::npos) {
    size_t start = pos + 7;
    size_t next = find_keyword(line, "bucket=", start);
    std::string_view text = line.substr(start, next == std::string_view::npos ? next
                                                                              : next - start);
    Bucket b;
    if (!parse_bucket(text, start, g.type, g.buckets.size(), tlv, &b, err)) return std::nullopt;
    g.buckets.push_back(std::move(b));
    pos = next;
  }
  return g;
}

std::string format_group_line(const GroupSpec& g, const TlvMap& tlv) {
  static constexpr std::string_view kTypes[] = {"all", "select", "indirect", "ff"};
  std::string s = fmt::format(" group_id={},type={}", g.group_id,
                              kTypes[static_cast<int>(g.type) & 3]);
  if (!g.selection_method.empty()) {
    s += fmt::format(",selection_method={}", g.selection_method);
    if (g.selection_method_param != 0) {
      s += fmt::format(",selection_method_param={}", g.selection_method_param);
    }
    if (g.fields.size() == 1) {
      s += fmt::format(",fields={}", dataplane::field_desc(g.fields[0]).name);
    } else if (g.fields.size() > 1) {
      s += ",fields(";
      for (size_t i = 0; i < g.fields.size(); ++i) {
        if (i > 0) s += ',';
        s += dataplane::field_desc(g.fields[i]).name;
      }
      s += ')';
    }
  }
  for (const Bucket& b : g.buckets) {
    s += ",bucket=bucket_id:";
    if (b.bucket_id == 0xfffffffd) {
      s += "first";
    } else if (b.bucket_id == 0xfffffffe) {
      s += "last";
    } else {
      s += fmt::format("{}", b.bucket_id);
    }
    s += ',';
    if (b.weight != (g.type == GroupType::kSelect ? 1 : 0)) s += fmt::format("weight:{},", b.weight);
    if (b.watch_port != 0xffffffff) {
      s += "watch_port:" + dataplane::format_ofp_port(static_cast<uint16_t>(b.watch_port)) + ",";
    }
    if (b.watch_group != 0xffffffff) s += fmt::format("watch_group:{},", b.watch_group);
    s += "actions=" + format_actions(b.actions, tlv);
  }
  return s;
}

// ---------------------------------------------------------------- meters

namespace {

bool parse_meter_id(const KeyValue& kv, uint32_t* id, TextError* err) {
  if (kv.value == "all") {
    *id = dataplane::kMeterAll;
  } else if (kv.value == "controller") {
    *id = 0xfffffffe;
  } else if (kv.value == "slowpath") {
    *id = 0xfffffffd;
  } else {
    return parse_number(kv, 0xffff0000, id, err);
  }
  return true;
}

std::string format_meter_id(uint32_t id) {
  if (id == 0xfffffffd) return "slowpath";
  if (id == 0xfffffffe) return "controller";
  if (id == dataplane::kMeterAll) return "all";
  return fmt::format("{}", id);
}

}  // namespace

std::optional<MeterSpec> parse_meter(std::string_view text, TextError* err) {
  auto items = split_key_values(text, 0, err);
  if (!items) return std::nullopt;
  MeterSpec m;
  bool have_id = false, in_bands = false;
  for (const KeyValue& kv : *items) {
    const std::string_view k = kv.key;
    if (!in_bands) {
      if (k == "meter") {
        if (!parse_meter_id(kv, &m.meter_id, err)) return std::nullopt;
        have_id = true;
      } else if (k == "kbps" && !kv.value) {
        m.flags |= MeterSpec::kKbps;
      } else if (k == "pktps" && !kv.value) {
        m.flags |= MeterSpec::kPktps;
      } else if (k == "burst" && !kv.value) {
        m.flags |= MeterSpec::kBurst;
      } else if (k == "stats" && !kv.value) {
        m.flags |= MeterSpec::kStats;
      } else if (k == "bands") {
        in_bands = true;
        if (kv.value && !kv.value->empty()) {
          // "bands=type=drop": the tokenizer leaves "type=drop" as the value.
          auto inner = split_key_values(*kv.value, kv.value_col, err);
          if (!inner) return std::nullopt;
          for (const KeyValue& b : *inner) {
            if (b.key != "type") {
              fail(err, b.key_col, b.key, "a band must start with type=");
              return std::nullopt;
            }
            KeyValue t = b;
            m.bands.emplace_back();
            if (t.value == "drop") {
              m.bands.back().type = MeterBand::Type::kDrop;
            } else if (t.value == "dscp_remark") {
              m.bands.back().type = MeterBand::Type::kDscpRemark;
            } else {
              fail(err, t.value_col, t.value.value_or(""),
                   "unknown band type (expected drop or dscp_remark)");
              return std::nullopt;
            }
          }
        }
      } else {
        fail(err, kv.key_col, k, "unknown meter argument");
        return std::nullopt;
      }
      continue;
    }
    if (k == "type") {
      MeterBand b;
      if (kv.value == "drop") {
        b.type = MeterBand::Type::kDrop;
      } else if (kv.value == "dscp_remark") {
        b.type = MeterBand::Type::kDscpRemark;
      } else {
        fail(err, kv.value_col, kv.value.value_or(""),
             "unknown band type (expected drop or dscp_remark)");
        return std::nullopt;
      }
      m.bands.push_back(b);
      continue;
    }
    if (m.bands.empty()) {
      fail(err, kv.key_col, k, "a band must start with type=");
      return std::nullopt;
    }
    MeterBand& b = m.bands.back();
    bool ok = true;
    if (k == "rate") {
      ok = parse_number(kv, UINT32_MAX, &b.rate, err);
    } else if (k == "burst_size") {
      ok = parse_number(kv, UINT32_MAX, &b.burst_size, err);
    } else if (k == "prec_level") {
      ok = parse_number(kv, UINT8_MAX, &b.prec_level, err);
    } else {
      fail(err, kv.key_col, k, "unknown band argument (expected rate, burst_size, prec_level)");
      return std::nullopt;
    }
    if (!ok) return std::nullopt;
  }
  if (!have_id) {
    fail(err, 0, "", "must specify a meter (meter=N)");
    return std::nullopt;
  }
  return m;
}

std::string format_meter(const MeterSpec& m) {
  std::string s = "meter=" + format_meter_id(m.meter_id) + " ";
  if ((m.flags & MeterSpec::kKbps) != 0) s += "kbps ";
  if ((m.flags & MeterSpec::kPktps) != 0) s += "pktps ";
  if ((m.flags & MeterSpec::kBurst) != 0) s += "burst ";
  if ((m.flags & MeterSpec::kStats) != 0) s += "stats ";
  s += "bands=";
  for (const MeterBand& b : m.bands) {
    s += b.type == MeterBand::Type::kDrop ? "\ntype=drop" : "\ntype=dscp_remark";
    s += fmt::format(" rate={}", b.rate);
    if ((m.flags & MeterSpec::kBurst) != 0) s += fmt::format(" burst_size={}", b.burst_size);
    if (b.type == MeterBand::Type::kDscpRemark) s += fmt::format(" prec_level={}", b.prec_level);
  }
  return s;
}

// ---------------------------------------------------------------- dumps

std::string DumpError::to_string() const {
  return fmt::format("line {}: {}", line, error.to_string());
}

std::optional<std::vector<RuleSpec>> parse_flow_dump(std::string_view text, const TlvMap& tlv,
                                                     DumpError* err) {
  std::vector<RuleSpec> out;
  bool ok = for_each_line(text, [&](size_t no, std::string_view line) {
    if (is_header_line(line)) return true;
    TextError e;
    auto r = parse_flow_line(line, tlv, &e);
    if (!r) {
      if (err != nullptr) *err = DumpError{no, std::move(e)};
      return false;
    }
    out.push_back(std::move(*r));
    return true;
  });
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::vector<GroupSpec>> parse_group_dump(std::string_view text, const TlvMap& tlv,
                                                       DumpError* err) {
  std::vector<GroupSpec> out;
  bool ok = for_each_line(text, [&](size_t no, std::string_view line) {
    if (is_header_line(line)) return true;
    TextError e;
    auto g = parse_group_line(line, tlv, &e);
    if (!g) {
      if (err != nullptr) *err = DumpError{no, std::move(e)};
      return false;
    }
    out.push_back(std::move(*g));
    return true;
  });
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::vector<MeterSpec>> parse_meter_dump(std::string_view text, DumpError* err) {
  // Gather each record ("meter=..." plus its "type=..." lines) into one text.
  struct Record {
    size_t line;
    std::string text;
  };
  std::vector<Record> records;
  bool ok = for_each_line(text, [&](size_t no, std::string_view line) {
    if (is_header_line(line)) return true;
    std::string_view t = trim(line);
    if (t.starts_with("meter=")) {
      records.push_back({no, std::string(t)});
    } else if (!records.empty()) {
      records.back().text += ' ';
      records.back().text += t;
    } else {
      if (err != nullptr) *err = DumpError{no, TextError{0, std::string(t), "expected meter="}};
      return false;
    }
    return true;
  });
  if (!ok) return std::nullopt;
  std::vector<MeterSpec> out;
  for (const Record& r : records) {
    TextError e;
    auto m = parse_meter(r.text, &e);
    if (!m) {
      if (err != nullptr) *err = DumpError{r.line, std::move(e)};
      return std::nullopt;
    }
    out.push_back(std::move(*m));
  }
  return out;
}

std::optional<std::vector<TlvEntry>> parse_tlv_dump(std::string_view text, DumpError* err) {
  std::vector<TlvEntry> out;
  bool in_table = false;
  bool ok = for_each_line(text, [&](size_t no, std::string_view line) {
    std::string_view t = trim(line);
    if (!in_table) {
      in_table = t.starts_with("mapping table");
      return true;
    }
    if (t.empty() || t.starts_with("class") || t.starts_with("-")) return true;
    auto items = split_key_values(t, static_cast<size_t>(t.data() - line.data()), nullptr);
    auto bad = [&](size_t col, std::string_view tok, std::string msg) {
      if (err != nullptr) *err = DumpError{no, TextError{col, std::string(tok), std::move(msg)}};
      return false;
    };
    if (!items || items->size() != 4) {
      return bad(0, t, "expected 'class type length tun_metadataN'");
    }
    const auto& it = *items;
    TlvEntry e;
    auto cls = parse_uint<uint16_t>(it[0].key, UINT16_MAX);
    auto type = parse_uint<uint8_t>(it[1].key, UINT8_MAX);
    auto len = parse_uint<uint8_t>(it[2].key, 124);
    if (!cls) return bad(it[0].key_col, it[0].key, "invalid option class");
    if (!type) return bad(it[1].key_col, it[1].key, "invalid option type");
    if (!len) return bad(it[2].key_col, it[2].key, "invalid option length");
    std::string_view f = it[3].key;
    auto idx = f.starts_with("tun_metadata") ? parse_uint<int>(f.substr(12), 63) : std::nullopt;
    if (!idx) return bad(it[3].key_col, f, "expected tun_metadataN");
    e.opt_class = *cls;
    e.opt_type = *type;
    e.length = *len;
    e.index = *idx;
    out.push_back(e);
    return true;
  });
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::vector<TlvEntry>> parse_tlv_mappings(std::string_view text, TextError* err) {
  std::vector<TlvEntry> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_delim(text[i])) ++i;
    if (i >= text.size()) break;
    if (text[i] != '{') {
      fail(err, i, text.substr(i, 1), "expected '{class=...,type=...,len=...}->tun_metadataN'");
      return std::nullopt;
    }
    size_t close = text.find('}', i);
    if (close == std::string_view::npos) {
      fail(err, i, text.substr(i), "unbalanced '{'");
      return std::nullopt;
    }
    auto items = split_key_values(text.substr(i + 1, close - i - 1), i + 1, err);
    if (!items) return std::nullopt;
    TlvEntry e;
    int seen = 0;
    for (const KeyValue& kv : *items) {
      bool ok = true;
      if (kv.key == "class") {
        ok = parse_number(kv, UINT16_MAX, &e.opt_class, err);
        seen |= 1;
      } else if (kv.key == "type") {
        ok = parse_number(kv, UINT8_MAX, &e.opt_type, err);
        seen |= 2;
      } else if (kv.key == "len") {
        ok = parse_number(kv, 124, &e.length, err);
        seen |= 4;
      } else {
        fail(err, kv.key_col, kv.key, "unknown TLV argument (expected class, type, len)");
        return std::nullopt;
      }
      if (!ok) return std::nullopt;
    }
    if (seen != 7) {
      fail(err, i, text.substr(i, close - i + 1), "class, type and len are all required");
      return std::nullopt;
    }
    size_t arrow = close + 1;
    if (text.substr(arrow, 2) != "->") {
      fail(err, arrow, text.substr(arrow), "expected '->tun_metadataN'");
      return std::nullopt;
    }
    size_t fstart = arrow + 2, fend = fstart;
    while (fend < text.size() && !is_delim(text[fend])) ++fend;
    std::string_view f = text.substr(fstart, fend - fstart);
    auto idx = f.starts_with("tun_metadata") ? parse_uint<int>(f.substr(12), 63) : std::nullopt;
    if (!idx) {
      fail(err, fstart, f, "expected tun_metadataN (N from 0 to 63)");
      return std::nullopt;
    }
    e.index = *idx;
    out.push_back(e);
    i = fend;
  }
  return out;
}

}  // namespace dpuflow::control
