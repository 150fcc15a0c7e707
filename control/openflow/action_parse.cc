// Parsing of ovs-ofctl action lists (see action_text.h).
#include <fmt/format.h>

#include <arpa/inet.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "control/openflow/action_text.h"
#include "dataplane/flow/field_text.h"
#include "dataplane/flow/subfield.h"

namespace dpuflow::control {

using namespace dataplane;

namespace {

struct Item {
  std::string_view text;  // the whole item, e.g. "set_field:0x1->reg15"
  size_t col;             // its column in the top-level text
};

// An argument inside parentheses: "key=value" or a bare "key".
struct Arg {
  std::string_view key;
  std::string_view value;  // empty when there is no '='
  bool has_value;
  size_t value_col;
};
Arg split_arg(const Item& it) {
  const size_t eq = it.text.find('=');
  if (eq == std::string_view::npos) return Arg{it.text, {}, false, it.col + it.text.size()};
  return Arg{it.text.substr(0, eq), it.text.substr(eq + 1), true, it.col + eq + 1};
}

class Parser {
 public:
  Parser(const TlvMap& tlv, TextError* err) : tlv_(tlv), err_(err) {}

  bool parse_list(std::string_view text, size_t col, ActionList* out);

 private:
  bool fail(size_t col, std::string_view token, std::string message) {
    if (err_ != nullptr) *err_ = TextError{col, std::string(token), std::move(message)};
    return false;
  }
  bool split(std::string_view text, size_t col, std::vector<Item>* items);
  bool parse_item(const Item& it, ActionList* out);
  // "(args)" right after the name: the inside, or fails.
  bool paren_args(const Item& it, size_t name_len, std::string_view* args, size_t* args_col,
                  std::string_view* rest);
  bool parse_u64(std::string_view s, size_t col, uint64_t max, uint64_t* out,
                 std::string_view what);
  bool parse_port(std::string_view s, size_t col, uint16_t* out);
  bool parse_sub(std::string_view s, size_t col, Subfield* sf, ResolvedField* rf = nullptr);
  bool parse_set_field(std::string_view arg, size_t col, ActSetField* a);
  bool parse_load(std::string_view arg, size_t col, ActSetField* a);
  bool parse_legacy_set(FieldId id, std::string_view arg, size_t col, ActionList* out);
  bool parse_controller(std::string_view args, size_t col, ActController* a);
  bool parse_ct(std::string_view args, size_t col, ActCt* a);
  bool parse_nat(std::string_view args, size_t col, ActNat* n);
  bool parse_learn(std::string_view args, size_t col, ActLearn* a);
  bool parse_hex_bytes(std::string_view s, size_t col, std::vector<uint8_t>* out);

  const TlvMap& tlv_;
  TextError* err_;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

bool Parser::split(std::string_view text, size_t col, std::vector<Item>* items) {
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ',';
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) return fail(col + i, ")", "unbalanced ')'");
    if ((c == ',' && depth == 0) || i == text.size()) {
      size_t b = start, e = i;
      while (b < e && is_space(text[b])) ++b;
      while (e > b && is_space(text[e - 1])) --e;
      if (b < e) items->push_back(Item{text.substr(b, e - b), col + b});
      start = i + 1;
    }
  }
  if (depth != 0) return fail(col, text, "unbalanced '(': no matching ')'");
  return true;
}

bool Parser::parse_list(std::string_view text, size_t col, ActionList* out) {
  std::vector<Item> items;
  if (!split(text, col, &items)) return false;
  if (items.size() == 1 && items[0].text == "drop") return true;
  for (const Item& it : items) {
    if (it.text == "drop") {
      return fail(it.col, it.text, "drop must be the only action");
    }
    if (!parse_item(it, out)) return false;
  }
  return true;
}

bool Parser::paren_args(const Item& it, size_t name_len, std::string_view* args,
                        size_t* args_col, std::string_view* rest) {
  std::string_view t = it.text;
  if (name_len >= t.size() || t[name_len] != '(') {
    return fail(it.col, t, fmt::format("{} needs arguments in parentheses", t.substr(0, name_len)));
  }
  int depth = 0;
  for (size_t i = name_len; i < t.size(); ++i) {
    if (t[i] == '(') ++depth;
    if (t[i] == ')' && --depth == 0) {
      *args = t.substr(name_len + 1, i - name_len - 1);
      *args_col = it.col + name_len + 1;
      *rest = t.substr(i + 1);
      return true;
    }
  }
  return fail(it.col, t, "unbalanced '(': no matching ')'");
}

bool Parser::parse_u64(std::string_view s, size_t col, uint64_t max, uint64_t* out,
                       std::string_view what) {
  const std::string str(s);
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(str.c_str(), &end, 0);
  if (str.empty() || str[0] == '-' || errno != 0 || *end != '\0' || v > max) {
    return fail(col, s, fmt::format("invalid {} (expected an integer from 0 to {})", what, max));
  }
  *out = v;
  return true;
}

bool Parser::parse_port(std::string_view s, size_t col, uint16_t* out) {
  auto p = parse_ofp_port(s);
  if (!p) return fail(col, s, "invalid OpenFlow port (a number or LOCAL, IN_PORT, CONTROLLER...)");
  *out = *p;
  return true;
}

bool Parser::parse_sub(std::string_view s, size_t col, Subfield* sf, ResolvedField* rf) {
  std::string e;
  auto p = parse_subfield(s, &e);
  if (!p) return fail(col, s, e);
  auto r = resolve_field(field_desc(p->field), &tlv_);
  if (!r) return fail(col, s, "field is not mapped in the TLV map");
  *sf = *p;
  if (rf != nullptr) *rf = *r;
  return true;
}

bool Parser::parse_set_field(std::string_view arg, size_t col, ActSetField* a) {
  const size_t arrow = arg.rfind("->");
  if (arrow == std::string_view::npos) {
    return fail(col, arg, "set_field needs VALUE->FIELD");
  }
  std::string_view name = arg.substr(arrow + 2);
  const FieldDesc* d = field_by_name(name);
  if (d == nullptr) return fail(col + arrow + 2, name, "unknown field");
  auto rf = resolve_field(*d, &tlv_);
  if (!rf) return fail(col + arrow + 2, name, "field is not mapped in the TLV map");
  if (!d->writable) return fail(col + arrow + 2, name, "field is read-only");
  std::string e;
  auto pv = parse_field_value(*rf, arg.substr(0, arrow), &e);
  if (!pv) return fail(col, arg.substr(0, arrow), e);
  a->field = d->id;
  a->value = pv->value;
  a->mask = pv->mask;
  return true;
}

bool Parser::parse_load(std::string_view arg, size_t col, ActSetField* a) {
  const size_t arrow = arg.find("->");
  if (arrow == std::string_view::npos) return fail(col, arg, "load needs VALUE->DST[]");
  Subfield sf;
  ResolvedField rf;
  if (!parse_sub(arg.substr(arrow + 2), col + arrow + 2, &sf, &rf)) return false;
  if (!rf.desc->writable) return fail(col + arrow + 2, arg.substr(arrow + 2), "read-only field");
  std::string_view v = arg.substr(0, arrow);
  FieldValue value;
  if (v.starts_with("0x") || v.starts_with("0X")) {
    // Hex of any width (xxreg loads are 128 bits).
    std::string_view h = v.substr(2);
    if (h.empty() || h.size() > 2 * kMaxFieldBytes) return fail(col, v, "invalid value");
    value.n_bytes = static_cast<uint16_t>((h.size() + 1) / 2);
    for (size_t i = 0; i < h.size(); ++i) {
      const char c = h[h.size() - 1 - i];
      int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
              : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
              : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                          : -1;
      if (d < 0) return fail(col, v, "invalid hexadecimal value");
      value.bytes[value.n_bytes - 1 - i / 2] |= static_cast<uint8_t>(d << (4 * (i % 2)));
    }
  } else {
    uint64_t n = 0;
    if (!parse_u64(v, col, UINT64_MAX, &n, "value")) return false;
    value = FieldValue::from_u64(n, 8);
  }
  // The value must fit the subfield.
  for (int bit = 0; bit < value.n_bytes * 8; ++bit) {
    const bool set = (value.bytes[value.n_bytes - 1 - bit / 8] >> (bit % 8)) & 1;
    if (set && bit >= sf.n_bits) {
      return fail(col, v, fmt::format("value does not fit in {} bits", sf.n_bits));
    }
  }
  FlowKey k{};
  FlowMask m{};
  write_subfield(rf, sf, value, k);
  mask_subfield(rf, sf, m);
  a->field = rf.desc->id;
  a->value = read_field(rf, k);
  a->mask = read_field(rf, m);
  a->from_load = true;
  return true;
}

bool Parser::parse_legacy_set(FieldId id, std::string_view arg, size_t col, ActionList* out) {
  auto rf = resolve_field(field_desc(id), &tlv_);
  std::string e;
  auto pv = parse_field_value(*rf, arg, &e);
  if (!pv) return fail(col, arg, e);
  ActSetField a;
  a.field = id;
  a.value = pv->value;
  a.mask = field_all_ones(*rf);
  out->push_back(a);
  return true;
}

bool Parser::parse_hex_bytes(std::string_view s, size_t col, std::vector<uint8_t>* out) {
  out->clear();
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '.') {
      ++i;
      continue;
    }
    if (i + 1 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 1]))) {
      return fail(col + i, s.substr(i), "expected hex bytes (e.g. 00.01.ab)");
    }
    out->push_back(static_cast<uint8_t>(std::stoul(std::string(s.substr(i, 2)), nullptr, 16)));
    i += 2;
  }
  return true;
}

bool Parser::parse_controller(std::string_view args, size_t col, ActController* a) {
  std::vector<Item> items;
  if (!split(args, col, &items)) return false;
  a->has_userdata_syntax = true;
  for (const Item& it : items) {
    const auto [k, v, has_value, vcol] = split_arg(it);
    uint64_t n = 0;
    if (k == "max_len") {
      if (!parse_u64(v, vcol, UINT16_MAX, &n, "max_len")) return false;
      a->max_len = static_cast<uint16_t>(n);
    } else if (k == "id") {
      if (!parse_u64(v, vcol, UINT16_MAX, &n, "controller id")) return false;
      a->controller_id = static_cast<uint16_t>(n);
    } else if (k == "reason") {
      static constexpr std::string_view kReasons[] = {"no_match", "action", "invalid_ttl",
                                                      "action_set", "group", "packet_out"};
      bool found = false;
      for (size_t r = 0; r < std::size(kReasons); ++r) {
        if (v == kReasons[r]) {
          a->reason = static_cast<uint8_t>(r);
          found = true;
        }
      }
      if (!found) return fail(vcol, v, "unknown packet-in reason");
    } else if (k == "userdata") {
      if (!parse_hex_bytes(v, vcol, &a->userdata)) return false;
    } else if (k == "pause" && !has_value) {
      a->pause = true;
    } else if (k == "meter_id") {
      if (!parse_u64(v, vcol, UINT32_MAX, &n, "meter_id")) return false;
      a->meter_id = static_cast<uint32_t>(n);
    } else {
      return fail(it.col, it.text, "unknown controller argument (expected max_len, id, "
                                   "reason, userdata, pause or meter_id)");
    }
  }
  return true;
}

// "10.0.0.1-10.0.0.9:1000-2000", "[fe80::1]-[fe80::9]:80".
bool Parser::parse_nat(std::string_view args, size_t col, ActNat* n) {
  std::vector<Item> items;
  if (!split(args, col, &items)) return false;
  for (const Item& it : items) {
    std::string_view t = it.text;
    if (t == "persistent") {
      n->flags |= ActNat::kPersistent;
      continue;
    }
    if (t == "hash") {
      n->flags |= ActNat::kHash;
      continue;
    }
    if (t == "random") {
      n->flags |= ActNat::kRandom;
      continue;
    }
    std::string_view kind = t.substr(0, t.find('='));
    if (kind != "src" && kind != "dst") {
      return fail(it.col, t, "unknown nat argument (expected src, dst, persistent, hash, random)");
    }
    if ((n->flags & (ActNat::kSrc | ActNat::kDst)) != 0) {
      return fail(it.col, t, "nat takes only one of src and dst");
    }
    n->flags |= kind == "src" ? ActNat::kSrc : ActNat::kDst;
    if (t.size() == kind.size()) continue;
    std::string_view r = t.substr(kind.size() + 1);
    const size_t rcol = it.col + kind.size() + 1;
    n->has_range = true;
    std::string_view addrs = r, ports;
    if (!r.empty() && r[0] == '[') {
      n->ipv6 = true;
      // [a]-[b]:p-q
      const size_t close = r.rfind(']');
      if (close == std::string_view::npos) return fail(rcol, r, "missing ']'");
      addrs = r.substr(0, close + 1);
      if (close + 1 < r.size()) {
        if (r[close + 1] != ':') return fail(rcol + close + 1, r.substr(close + 1), "expected ':'");
        ports = r.substr(close + 2);
      }
      const size_t dash = addrs.find("]-[");
      std::string a1(addrs.substr(1, (dash == std::string_view::npos ? addrs.size() - 1 : dash) - 1));
      std::string a2 = dash == std::string_view::npos
                           ? a1
                           : std::string(addrs.substr(dash + 3, addrs.size() - dash - 4));
      if (inet_pton(AF_INET6, a1.c_str(), n->ipv6_min) != 1 ||
          inet_pton(AF_INET6, a2.c_str(), n->ipv6_max) != 1) {
        return fail(rcol, addrs, "invalid IPv6 address range");
      }
      if (dash == std::string_view::npos) std::memset(n->ipv6_max, 0, 16);
    } else {
      const size_t colon = r.find(':');
      addrs = r.substr(0, colon);
      if (colon != std::string_view::npos) ports = r.substr(colon + 1);
      const size_t dash = addrs.find('-');
      std::string a1(addrs.substr(0, dash));
      std::string a2 = dash == std::string_view::npos ? "" : std::string(addrs.substr(dash + 1));
      in_addr x{}, y{};
      if (inet_pton(AF_INET, a1.c_str(), &x) != 1 ||
          (!a2.empty() && inet_pton(AF_INET, a2.c_str(), &y) != 1)) {
        return fail(rcol, addrs, "invalid IPv4 address range");
      }
      n->ipv4_min = ntohl(x.s_addr);
      n->ipv4_max = a2.empty() ? 0 : ntohl(y.s_addr);
    }
    if (!ports.empty()) {
      const size_t pcol = rcol + static_cast<size_t>(ports.data() - r.data());
      const size_t dash = ports.find('-');
      uint64_t p1 = 0, p2 = 0;
      if (!parse_u64(ports.substr(0, dash), pcol, UINT16_MAX, &p1, "port")) return false;
      if (dash != std::string_view::npos &&
          !parse_u64(ports.substr(dash + 1), pcol + dash + 1, UINT16_MAX, &p2, "port")) {
        return false;
      }
      n->port_min = static_cast<uint16_t>(p1);
      n->port_max = static_cast<uint16_t>(p2);
    }
  }
  return true;
}

bool Parser::parse_ct(std::string_view args, size_t col, ActCt* a) {
  std::vector<Item> items;
  if (!split(args, col, &items)) return false;
  for (const Item& it : items) {
    std::string_view t = it.text;
    const auto [k, v, has_value, vcol] = split_arg(it);
    uint64_t n = 0;
    if (t == "commit") {
      a->commit = true;
    } else if (t == "force") {
      a->force = true;
      a->commit = true;
    } else if (k == "table") {
      if (!parse_u64(v, vcol, 254, &n, "table")) return false;
      a->recirc_table = static_cast<uint8_t>(n);
    } else if (k == "zone") {
      if (v.find('[') != std::string_view::npos) {
        if (!parse_sub(v, vcol, &a->zone_src)) return false;
        if (a->zone_src.n_bits != 16) return fail(vcol, v, "zone must be a 16-bit subfield");
      } else {
        if (!parse_u64(v, vcol, UINT16_MAX, &n, "zone")) return false;
        a->zone_imm = static_cast<uint16_t>(n);
      }
    } else if (k == "alg") {
      if (v == "ftp") {
        a->alg = 21;
      } else if (v == "tftp") {
        a->alg = 69;
      } else {
        if (!parse_u64(v, vcol, UINT16_MAX, &n, "alg")) return false;
        a->alg = static_cast<uint16_t>(n);
      }
    } else if (t == "nat" || t.starts_with("nat(")) {
      a->has_nat = true;
      if (t.size() > 3) {
        std::string_view inner, rest;
        size_t icol = 0;
        if (!paren_args(it, 3, &inner, &icol, &rest)) return false;
        if (!rest.empty()) return fail(it.col, t, "unexpected text after nat(...)");
        if (!parse_nat(inner, icol, &a->nat)) return false;
      }
    } else if (t.starts_with("exec(")) {
      std::string_view inner, rest;
      size_t icol = 0;
      if (!paren_args(it, 4, &inner, &icol, &rest)) return false;
      if (!rest.empty()) return fail(it.col, t, "unexpected text after exec(...)");
      if (!parse_list(inner, icol, &a->exec)) return false;
      for (const Action& x : a->exec) {
        const ActSetField* sf = std::get_if<ActSetField>(&x);
        const ActRegMove* mv = std::get_if<ActRegMove>(&x);
        const bool ok = (sf != nullptr && (sf->field == FieldId::kCtMark ||
                                           sf->field == FieldId::kCtLabel)) ||
                        (mv != nullptr && (mv->dst.field == FieldId::kCtMark ||
                                           mv->dst.field == FieldId::kCtLabel));
        if (!ok) return fail(icol, inner, "ct exec may only set ct_mark or ct_label");
      }
    } else {
      return fail(it.col, t, "unknown ct argument (expected commit, force, table, zone, "
                             "nat, exec or alg)");
    }
  }
  return true;
}

bool Parser::parse_learn(std::string_view args, size_t col, ActLearn* a) {
  std::vector<Item> items;
  if (!split(args, col, &items)) return false;
  for (const Item& it : items) {
    std::string_view t = it.text;
    const auto [k, v, has_value, vcol] = split_arg(it);
    uint64_t n = 0;
    auto num = [&](uint64_t max, auto* field) {
      if (!parse_u64(v, vcol, max, &n, k)) return false;
      *field = static_cast<std::remove_pointer_t<decltype(field)>>(n);
      return true;
    };
    if (k == "table" && has_value) {
      if (!num(254, &a->table)) return false;
    } else if (k == "idle_timeout") {
      if (!num(UINT16_MAX, &a->idle_timeout)) return false;
    } else if (k == "hard_timeout") {
      if (!num(UINT16_MAX, &a->hard_timeout)) return false;
    } else if (k == "fin_idle_timeout") {
      if (!num(UINT16_MAX, &a->fin_idle_timeout)) return false;
    } else if (k == "fin_hard_timeout") {
      if (!num(UINT16_MAX, &a->fin_hard_timeout)) return false;
    } else if (k == "priority") {
      if (!num(UINT16_MAX, &a->priority)) return false;
    } else if (k == "cookie") {
      if (!num(UINT64_MAX, &a->cookie)) return false;
    } else if (k == "limit") {
      if (!num(UINT32_MAX, &a->limit)) return false;
    } else if (t == "send_flow_rem") {
      a->flags |= ActLearn::kSendFlowRem;
    } else if (t == "delete_learned") {
      a->flags |= ActLearn::kDeleteLearned;
    } else if (k == "result_dst") {
      if (!parse_sub(v, vcol, &a->result_dst)) return false;
      a->flags |= ActLearn::kWriteResult;
    } else if (t.starts_with("load:") || t.starts_with("output:")) {
      LearnSpec s;
      const bool load = t.starts_with("load:");
      std::string_view body = t.substr(load ? 5 : 7);
      const size_t bcol = it.col + (load ? 5 : 7);
      if (!load) {
        s.kind = LearnSpec::Kind::kOutput;
        if (!parse_sub(body, bcol, &s.src)) return false;
        s.n_bits = s.src.n_bits;
      } else {
        s.kind = LearnSpec::Kind::kLoad;
        const size_t arrow = body.find("->");
        if (arrow == std::string_view::npos) return fail(bcol, body, "load needs SRC->DST");
        if (!parse_sub(body.substr(arrow + 2), bcol + arrow + 2, &s.dst)) return false;
        s.n_bits = s.dst.n_bits;
        std::string_view src = body.substr(0, arrow);
        if (src.find('[') != std::string_view::npos) {
          if (!parse_sub(src, bcol, &s.src)) return false;
          if (s.src.n_bits != s.dst.n_bits) return fail(bcol, body, "widths differ");
        } else {
          uint64_t x = 0;
          if (!parse_u64(src, bcol, UINT64_MAX, &x, "value")) return false;
          if (s.n_bits < 64 && (x >> s.n_bits) != 0) {
            return fail(bcol, src, fmt::format("value does not fit in {} bits", s.n_bits));
          }
          s.src_is_value = true;
          s.src_value = FieldValue::from_u64(x, static_cast<uint16_t>((s.n_bits + 7) / 8));
        }
      }
      a->specs.push_back(s);
    } else {
      // A match element: DST[] alone, DST[]=SRC[], FIELD=value or DST[..]=0xN.
      LearnSpec s;
      s.kind = LearnSpec::Kind::kMatch;
      if (k.find('[') != std::string_view::npos) {
        if (!parse_sub(k, it.col, &s.dst)) return false;
      } else {
        const FieldDesc* d = field_by_name(k);
        if (d == nullptr) return fail(it.col, k, "unknown field in learn");
        auto rf = resolve_field(*d, &tlv_);
        if (!rf) return fail(it.col, k, "field is not mapped in the TLV map");
        s.dst = Subfield{d->id, 0, rf->n_bits};
      }
      s.n_bits = s.dst.n_bits;
      if (!has_value) {
        s.src = s.dst;
      } else if (v.find('[') != std::string_view::npos) {
        if (!parse_sub(v, vcol, &s.src)) return false;
        if (s.src.n_bits != s.dst.n_bits) return fail(vcol, v, "widths differ");
      } else {
        auto rf = resolve_field(field_desc(s.dst.field), &tlv_);
        s.src_is_value = true;
        if (s.dst.ofs == 0 && s.dst.n_bits == rf->n_bits) {
          std::string e;
          auto pv = parse_field_value(*rf, v, &e);
          if (!pv) return fail(vcol, v, e);
          s.src_value = pv->value;
        } else {
          uint64_t x = 0;
          if (!parse_u64(v, vcol, UINT64_MAX, &x, "value")) return false;
          s.src_value = FieldValue::from_u64(x, static_cast<uint16_t>((s.n_bits + 7) / 8));
        }
      }
      a->specs.push_back(s);
    }
  }
  return true;
}

bool Parser::parse_item(const Item& it, ActionList* out) {
  std::string_view t = it.text;
  size_t name_len = 0;
  while (name_len < t.size() && (std::isalnum(static_cast<unsigned char>(t[name_len])) ||
                                 t[name_len] == '_')) {
    ++name_len;
  }
  const std::string name = lower(t.substr(0, name_len));
  const char delim = name_len < t.size() ? t[name_len] : '\0';
  std::string_view arg = delim == ':' || delim == '=' ? t.substr(name_len + 1) : "";
  const size_t acol = it.col + name_len + 1;
  std::string_view args, rest;
  size_t args_col = 0;
  uint64_t n = 0;

  if (name == "output" && delim == '(') {
    if (!paren_args(it, name_len, &args, &args_col, &rest)) return false;
    std::vector<Item> items;
    if (!split(args, args_col, &items)) return false;
    ActOutput o;
    ActOutputReg r;
    bool is_reg = false;
    for (const Item& x : items) {
      const auto [k, v, has_value, vcol] = split_arg(x);
      if (k == "port") {
        if (v.find('[') != std::string_view::npos) {
          is_reg = true;
          if (!parse_sub(v, vcol, &r.src)) return false;
        } else if (!parse_port(v, vcol, &o.port)) {
          return false;
        }
      } else if (k == "max_len") {
        if (!parse_u64(v, vcol, UINT16_MAX, &n, "max_len")) return false;
        o.max_len = r.max_len = static_cast<uint16_t>(n);
      } else {
        return fail(x.col, x.text, "unknown output argument (expected port or max_len)");
      }
    }
    if (is_reg) {
      out->push_back(r);
    } else {
      out->push_back(o);
    }
    return true;
  }
  if (name == "output" && delim == ':') {
    if (arg.find('[') != std::string_view::npos) {
      ActOutputReg r;
      if (!parse_sub(arg, acol, &r.src)) return false;
      out->push_back(r);
      return true;
    }
    ActOutput o;
    if (!parse_port(arg, acol, &o.port)) return false;
    if (o.port == kOfppController) {
      out->push_back(ActController{});
    } else {
      out->push_back(o);
    }
    return true;
  }
  if (name == "controller") {
    ActController c;
    if (delim == '(') {
      if (!paren_args(it, name_len, &args, &args_col, &rest)) return false;
      if (!parse_controller(args, args_col, &c)) return false;
    } else if (delim == ':') {
      if (!parse_u64(arg, acol, UINT16_MAX, &n, "max_len")) return false;
      c.max_len = static_cast<uint16_t>(n);
    } else if (delim != '\0') {
      return fail(it.col, t, "expected controller, controller:MAX_LEN or controller(...)");
    }
    out->push_back(c);
    return true;
  }
  if (name == "resubmit") {
    ActResubmit r;
    if (delim == ':') {
      if (!parse_port(arg, acol, &r.in_port)) return false;
    } else {
      if (!paren_args(it, name_len, &args, &args_col, &rest)) return false;
      std::vector<std::string_view> parts;
      size_t start = 0;
      for (size_t i = 0; i <= args.size(); ++i) {
        if (i == args.size() || args[i] == ',') {
          parts.push_back(args.substr(start, i - start));
          start = i + 1;
        }
      }
      if (parts.size() > 3) return fail(args_col, args, "resubmit takes (port,table[,ct])");
      if (!parts[0].empty() && !parse_port(parts[0], args_col, &r.in_port)) return false;
      const size_t tcol = args_col + parts[0].size() + 1;
      if (parts.size() > 1 && !parts[1].empty()) {
        if (!parse_u64(parts[1], tcol, 254, &n, "table")) return false;
        r.table = static_cast<uint8_t>(n);
      }
      if (parts.size() > 2) {
        if (parts[2] != "ct") return fail(tcol + parts[1].size() + 1, parts[2], "expected ct");
        r.with_ct_orig = true;
      }
      if (parts.size() == 1 || (parts[0].empty() && r.table == kTableNone)) {
        return fail(args_col, args, "resubmit needs a port or a table");
      }
    }
    out->push_back(r);
    return true;
  }
  if (name == "set_field" && delim == ':') {
    ActSetField a;
    if (!parse_set_field(arg, acol, &a)) return false;
    out->push_back(a);
    return true;
  }
  if (name == "load" && delim == ':') {
    ActSetField a;
    if (!parse_load(arg, acol, &a)) return false;
    out->push_back(a);
    return true;
  }
  if (name == "move" && delim == ':') {
    const size_t arrow = arg.find("->");
    if (arrow == std::string_view::npos) return fail(acol, arg, "move needs SRC[]->DST[]");
    ActRegMove m;
    ResolvedField dst_rf;
    if (!parse_sub(arg.substr(0, arrow), acol, &m.src)) return false;
    if (!parse_sub(arg.substr(arrow + 2), acol + arrow + 2, &m.dst, &dst_rf)) return false;
    if (m.src.n_bits != m.dst.n_bits) {
      return fail(acol, arg, fmt::format("source is {} bits but destination is {} bits",
                                         m.src.n_bits, m.dst.n_bits));
    }
    if (!dst_rf.desc->writable) return fail(acol + arrow + 2, arg.substr(arrow + 2),
                                            "destination field is read-only");
    out->push_back(m);
    return true;
  }
  if ((name == "push" || name == "pop") && delim == ':') {
    Subfield sf;
    if (!parse_sub(arg, acol, &sf)) return false;
    if (name == "push") {
      out->push_back(ActStackPush{sf});
    } else {
      out->push_back(ActStackPop{sf});
    }
    return true;
  }
  if (name == "dec_ttl") {
    ActDecTtl d;
    if (delim == '(') {
      if (!paren_args(it, name_len, &args, &args_col, &rest)) return false;
      std::vector<Item> ids;
      if (!split(args, args_col, &ids)) return false;
      for (const Item& x : ids) {
        if (!parse_u64(x.text, x.col, UINT16_MAX, &n, "controller id")) return false;
        d.controller_ids.push_back(static_cast<uint16_t>(n));
      }
    } else {
      d.controller_ids = {0};
    }
    out->push_back(d);
    return true;
  }
  if (name == "push_vlan" && delim == ':') {
    if (!parse_u64(arg, acol, UINT16_MAX, &n, "ethertype")) return false;
    if (n != 0x8100 && n != 0x88a8) return fail(acol, arg, "ethertype must be 0x8100 or 0x88a8");
    out->push_back(ActPushVlan{static_cast<uint16_t>(n)});
    return true;
  }
  if ((name == "pop_vlan" || name == "strip_vlan") && delim == '\0') {
    out->push_back(ActPopVlan{});
    return true;
  }
  if (name == "clone" && delim == '(') {
    if (!paren_args(it, name_len, &args, &args_col, &rest)) return false;
    ActClone c;
    if (!parse_list(args, args_col, &c.actions)) return false;
    out->push_back(std::move(c));
    return true;
  }
  if ((name == "group" || name == "meter" || name == "goto_table") && delim == ':') {
    const uint64_t max = name == "goto_table" ? 254 : UINT32_MAX;
    if (!parse_u64(arg, acol, max, &n, name)) return false;
    if (name == "group") {
      out->push_back(ActGroup{static_cast<uint32_t>(n)});
    } else if (name == "meter") {
      out->push_back(ActMeter{static_cast<uint32_t>(n)});
    } else {
      out->push_back(ActGotoTable{static_cast<uint8_t>(n)});
    }
    return true;
  }
  if (name == "write_metadata" && delim == ':') {
    ActWriteMetadata w;
    const size_t slash = arg.find('/');
    if (!parse_u64(arg.substr(0, slash), acol, UINT64_MAX, &w.value, "metadata")) return false;
    if (slash != std::string_view::npos &&
        !parse_u64(arg.substr(slash + 1), acol + slash + 1, UINT64_MAX, &w.mask, "mask")) {
      return false;
    }
    w.value &= w.mask;
    out->push_back(w);
    return true;
  }
  if (name == "ct" && delim == '(') {
    if (!paren_args(it, name_len, &args, &args_col, &rest)) return false;
    ActCt c;
    if (!parse_ct(args, args_col, &c)) return false;
    out->push_back(std::move(c));
    return true;
  }
  if (name == "ct" && delim == '\0') {
    out->push_back(ActCt{});
    return true;
  }
  if (name == "ct_clear" && delim == '\0') {
    out->push_back(ActCtClear{});
    return true;
  }
  if (name == "exit" && delim == '\0') {
    out->push_back(ActExit{});
    return true;
  }
  if (name == "note" && delim == ':') {
    ActNote note;
    if (!parse_hex_bytes(arg, acol, &note.data)) return false;
    // NXAST_NOTE is 10 bytes of header plus the note, padded with zeros to
    // a multiple of 8; the switch keeps (and dumps) the padding.
    note.data.resize((10 + note.data.size() + 7) / 8 * 8 - 10, 0);
    out->push_back(note);
    return true;
  }
  if (name == "check_pkt_larger" && delim == '(') {
    if (!paren_args(it, name_len, &args, &args_col, &rest)) return false;
    ActCheckPktLarger c;
    if (!parse_u64(args, args_col, UINT16_MAX, &n, "packet length")) return false;
    c.pkt_len = static_cast<uint16_t>(n);
    if (!rest.starts_with("->")) {
      return fail(args_col + args.size() + 1, rest, "check_pkt_larger needs ->DST[bit]");
    }
    const size_t dcol = args_col + args.size() + 3;
    if (!parse_sub(rest.substr(2), dcol, &c.dst)) return false;
    if (c.dst.n_bits != 1) return fail(dcol, rest.substr(2), "destination must be 1 bit");
    out->push_back(c);
    return true;
  }
  if (name == "conjunction" && delim == '(') {
    if (!paren_args(it, name_len, &args, &args_col, &rest)) return false;
    const size_t comma = args.find(',');
    const size_t slash = args.find('/');
    if (comma == std::string_view::npos || slash == std::string_view::npos || slash < comma) {
      return fail(args_col, args, "conjunction takes (id,k/n)");
    }
    ActConjunction c;
    uint64_t k = 0, nn = 0;
    if (!parse_u64(args.substr(0, comma), args_col, UINT32_MAX, &n, "conjunction id") ||
        !parse_u64(args.substr(comma + 1, slash - comma - 1), args_col + comma + 1, 64, &k,
                   "clause") ||
        !parse_u64(args.substr(slash + 1), args_col + slash + 1, 64, &nn, "number of clauses")) {
      return false;
    }
    if (nn < 2 || k < 1 || k > nn) {
      return fail(args_col, args, "conjunction needs 2 <= n <= 64 and 1 <= k <= n");
    }
    c.id = static_cast<uint32_t>(n);
    c.clause = static_cast<uint8_t>(k - 1);
    c.n_clauses = static_cast<uint8_t>(nn);
    out->push_back(c);
    return true;
  }
  if (name == "learn" && delim == '(') {
    if (!paren_args(it, name_len, &args, &args_col, &rest)) return false;
    ActLearn l;
    if (!parse_learn(args, args_col, &l)) return false;
    out->push_back(std::move(l));
    return true;
  }
  // Legacy setters: what OVS prints back as set_field.
  static constexpr std::pair<std::string_view, FieldId> kLegacy[] = {
      {"mod_dl_src", FieldId::kEthSrc},   {"mod_dl_dst", FieldId::kEthDst},
      {"mod_nw_src", FieldId::kIpv4Src},  {"mod_nw_dst", FieldId::kIpv4Dst},
      {"mod_tp_src", FieldId::kTcpSrc},   {"mod_tp_dst", FieldId::kTcpDst},
      {"mod_nw_ttl", FieldId::kIpTtl},    {"mod_nw_ecn", FieldId::kIpEcn},
      {"set_tunnel", FieldId::kTunId},
      {"set_tunnel64", FieldId::kTunId},  {"mod_vlan_vid", FieldId::kVlanVid},
      {"mod_vlan_pcp", FieldId::kVlanPcp},
  };
  if (name == "mod_nw_tos" && delim == ':') {
    // DSCP in the upper six bits of the TOS byte: set_field on ip_dscp.
    if (!parse_u64(arg, acol, 255, &n, "TOS")) return false;
    if ((n & 3) != 0) return fail(acol, arg, "mod_nw_tos needs the low 2 (ECN) bits zero");
    ActSetField a;
    a.field = FieldId::kIpDscpShifted;
    a.value = FieldValue::from_u64(n >> 2, 1);
    a.mask = FieldValue::from_u64(0x3f, 1);
    out->push_back(a);
    return true;
  }
  for (const auto& [lname, id] : kLegacy) {
    if (name == lname && delim == ':') return parse_legacy_set(id, arg, acol, out);
  }
  // A bare port: "1", "LOCAL", "IN_PORT", "CONTROLLER", "NORMAL"...
  if (delim == '\0' || (delim == ':' && name == "controller")) {
    if (auto p = parse_ofp_port(t)) {
      if (*p == kOfppController) {
        out->push_back(ActController{});
      } else {
        out->push_back(ActOutput{*p, 0});
      }
      return true;
    }
  }
  return fail(it.col, t.substr(0, std::max<size_t>(name_len, 1)),
              fmt::format("unknown action {}", t.substr(0, name_len)));
}

}  // namespace

std::optional<ActionList> parse_actions(std::string_view text, const TlvMap& tlv,
                                        TextError* err) {
  Parser p(tlv, err);
  ActionList out;
  if (!p.parse_list(text, 0, &out)) return std::nullopt;
  return out;
}

}  // namespace dpuflow::control
