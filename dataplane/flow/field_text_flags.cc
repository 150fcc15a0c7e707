// Flag-set values (ct_state, tcp_flags, tun_flags), nw_frag and packet_type in
// ovs-ofctl text, with OVS's flag names and printing order (lowest bit first).
#include <fmt/format.h>

#include <cstdlib>
#include <string>

#include "dataplane/flow/field_text_internal.h"

namespace dpuflow::dataplane::internal {
namespace {

const char* ct_state_bit_name(uint32_t bit) {
  switch (bit) {
    case kCsNew: return "new";
    case kCsEstablished: return "est";
    case kCsRelated: return "rel";
    case kCsReplyDir: return "rpl";
    case kCsInvalid: return "inv";
    case kCsTracked: return "trk";
    case kCsSrcNat: return "snat";
    case kCsDstNat: return "dnat";
    default: return nullptr;
  }
}

const char* tcp_flag_bit_name(uint32_t bit) {
  switch (bit) {
    case 0x001: return "fin";
    case 0x002: return "syn";
    case 0x004: return "rst";
    case 0x008: return "psh";
    case 0x010: return "ack";
    case 0x020: return "urg";
    case 0x040: return "ece";
    case 0x080: return "cwr";
    case 0x100: return "ns";
    case 0x200: return "[200]";
    case 0x400: return "[400]";
    case 0x800: return "[800]";
    default: return nullptr;
  }
}

const char* tun_flag_bit_name(uint32_t bit) {
  switch (bit) {
    case kTnlFOam: return "oam";
    case kTnlFDontFragment: return "df";
    case kTnlFCsum: return "csum";
    case kTnlFKey: return "key";
    default: return nullptr;
  }
}

// C integer syntax (strtoll base 0) at the start of s; returns chars used.
size_t scan_int(std::string_view s, long long* out) {
  std::string buf(s);
  char* end = nullptr;
  *out = std::strtoll(buf.c_str(), &end, 0);
  return static_cast<size_t>(end - buf.c_str());
}

}  // namespace

const FlagSet& ct_state_flags() {
  static constexpr FlagSet fs{"ct_state", ct_state_bit_name, 0xff};
  return fs;
}
const FlagSet& tcp_flags_flags() {
  static constexpr FlagSet fs{"TCP", tcp_flag_bit_name, 0x0fff};
  return fs;
}
const FlagSet& tun_flags_flags() {
  // OVS lets OpenFlow name only oam; the datapath flags df, csum and key are
  // accepted too so that megaflows ("tun_flags=-df-csum-key") read back.
  static constexpr FlagSet fs{"tunnel", tun_flag_bit_name,
                              kTnlFOam | kTnlFDontFragment | kTnlFCsum | kTnlFKey};
  return fs;
}

std::optional<std::pair<uint32_t, uint32_t>> parse_flags(const FlagSet& fs, std::string_view s,
                                                         std::string* error) {
  auto unknown = [&]() -> std::optional<std::pair<uint32_t, uint32_t>> {
    if (error) *error = fmt::format("{}: unknown {} flag(s)", s, fs.field);
    return std::nullopt;
  };
  // "value/mask" in numbers.
  if (const size_t slash = s.find('/'); slash != std::string_view::npos) {
    long long v = 0, m = 0;
    const std::string_view vs = s.substr(0, slash), ms = s.substr(slash + 1);
    if (vs.empty() || ms.empty() || scan_int(vs, &v) != vs.size() || scan_int(ms, &m) != ms.size()) {
      if (error) *error = fmt::format("{}: bad syntax for {} flags value/mask", s, fs.field);
      return std::nullopt;
    }
    if ((v & ~static_cast<long long>(fs.allowed)) || (m & ~static_cast<long long>(fs.allowed))) {
      return unknown();
    }
    return std::pair<uint32_t, uint32_t>(static_cast<uint32_t>(v), static_cast<uint32_t>(m));
  }
  auto match_name = [&](std::string_view rest, uint32_t* bit_out, size_t* len_out,
                        std::string_view ends) {
    for (uint32_t bit = 1; bit; bit <<= 1) {
      const char* name = fs.bit_name(bit);
      if (!name) continue;
      const std::string_view n(name);
      if (rest.starts_with(n) && (rest.size() == n.size() || ends.find(rest[n.size()]) != ends.npos)) {
        *bit_out = bit;
        *len_out = n.size();
        return true;
      }
    }
    return false;
  };
  // "+a-b": masked names.
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    uint32_t flags = 0, mask = 0;
    size_t pos = 0;
    while (pos < s.size()) {
      if (s[pos] != '+' && s[pos] != '-') {
        if (error) {
          *error = fmt::format("{}: {} must be preceded by '+' (for SET) or '-' (NOT SET)",
                               s.substr(pos), fs.field);
        }
        return std::nullopt;
      }
      const bool set = s[pos++] == '+';
      uint32_t bit = 0;
      size_t len = 0;
      if (!match_name(s.substr(pos), &bit, &len, "+-")) return unknown();
      if (mask & bit) {
        if (error) *error = fmt::format("{}: Each {} flag can be specified only once", s, fs.field);
        return std::nullopt;
      }
      if (!(bit & fs.allowed)) return unknown();
      if (set) flags |= bit;
      mask |= bit;
      pos += len;
    }
    return std::pair<uint32_t, uint32_t>(flags, mask);
  }
  // "a|b|0x10": exact.
  uint32_t flags = 0;
  size_t pos = 0;
  if (s.empty()) return unknown();
  while (pos < s.size()) {
    std::string_view rest = s.substr(pos);
    if (std::isdigit(static_cast<unsigned char>(rest[0]))) {
      long long v = 0;
      const size_t n = scan_int(rest, &v);
      if (n == 0 || (v & ~static_cast<long long>(fs.allowed))) return unknown();
      flags |= static_cast<uint32_t>(v);
      pos += n;
    } else {
      uint32_t bit = 0;
      size_t len = 0;
      if (!match_name(rest, &bit, &len, "|") || !(bit & fs.allowed)) return unknown();
      flags |= bit;
      pos += len;
    }
    if (pos < s.size()) {
      if (s[pos] != '|') return unknown();
      ++pos;
    }
  }
  return std::pair<uint32_t, uint32_t>(flags, 0xffffffffu);
}

std::string format_flags(const FlagSet& fs, uint32_t flags, char del) {
  if (!flags) return "0";
  std::string s;
  uint32_t bad = 0;
  for (uint32_t rest = flags; rest; rest &= rest - 1) {
    const uint32_t bit = rest & -rest;
    if (const char* name = fs.bit_name(bit)) {
      s += name;
      s += del;
    } else {
      bad |= bit;
    }
  }
  if (bad) s += fmt::format("0x{:x}{}", bad, del);
  s.pop_back();
  return s;
}

std::string format_flags_masked(const FlagSet& fs, uint32_t flags, uint32_t mask,
                                uint32_t max_mask) {
  if (mask == max_mask) return format_flags(fs, flags, '|');
  if (!mask) return "0/0";
  std::string s;
  for (uint32_t rest = mask; rest; rest &= rest - 1) {
    const uint32_t bit = rest & -rest;
    const char* name = fs.bit_name(bit);
    s += (flags & bit) ? '+' : '-';
    s += name ? name : "[Unknown]";
  }
  return s;
}

namespace {
struct FragName {
  std::string_view name;
  uint8_t mask;
  uint8_t value;
};
// Order matters for printing: the first row with the same (value, mask) wins.
constexpr FragName kFrags[] = {
    {"no", kFragMask, 0},          {"first", kFragMask, kFragAny},
    {"later", kFragMask, kFragMask}, {"no", kFragAny, 0},
    {"yes", kFragAny, kFragAny},   {"not_later", kFragLater, 0},
    {"later", kFragLater, kFragLater},
};
}  // namespace

std::optional<std::pair<uint8_t, uint8_t>> parse_frag(std::string_view s, std::string* error) {
  for (const FragName& f : kFrags) {
    if (f.name.size() == s.size() &&
        std::equal(s.begin(), s.end(), f.name.begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; })) {
      return std::pair<uint8_t, uint8_t>(f.value, f.mask);
    }
  }
  if (error) {
    *error = fmt::format(
        "{}: unknown fragment type (valid types are \"no\", \"yes\", \"first\", \"later\", "
        "\"not_later\")",
        s);
  }
  return std::nullopt;
}

std::string format_frag_match(uint8_t value, uint8_t mask) {
  switch (mask & kFragMask) {
    case kFragMask:
      if (value & kFragAny) return (value & kFragLater) ? "later" : "first";
      return (value & kFragLater) ? "<error>" : "no";
    case kFragAny:
      return (value & kFragAny) ? "yes" : "no";
    case kFragLater:
      return (value & kFragLater) ? "later" : "not_later";
    default:
      return "ANY";
  }
}

std::string format_frag_value(uint8_t value, uint8_t mask) {
  mask &= kFragMask;
  value &= mask;
  for (const FragName& f : kFrags) {
    if (f.value == value && f.mask == mask) return std::string(f.name);
  }
  return "<error>";
}

std::optional<uint32_t> parse_packet_type(std::string_view s, std::string* error) {
  auto fail = [&](std::string_view what) -> std::optional<uint32_t> {
    if (error) *error = fmt::format("{}: bad syntax for packet type {}", s, what);
    return std::nullopt;
  };
  if (s.size() < 2 || s.front() != '(') return fail("missing '('");
  if (s.back() != ')') return fail("missing ')'");
  const std::string_view inner = s.substr(1, s.size() - 2);
  const size_t comma = inner.find(',');
  if (comma == std::string_view::npos) return fail("missing ','");
  long long ns = 0, type = 0;
  const std::string_view a = inner.substr(0, comma), b = inner.substr(comma + 1);
  if (a.empty() || scan_int(a, &ns) != a.size() || ns < 0 || ns > 0xffff) return fail("ns");
  if (b.empty() || scan_int(b, &type) != b.size() || type < 0 || type > 0xffff) return fail("ns_type");
  return static_cast<uint32_t>(ns << 16 | type);
}

std::string format_packet_type(uint32_t value, uint32_t mask) {
  auto part = [](uint16_t v, uint16_t m) -> std::string {
    if (!m) return "*";
    std::string s = v > 9 ? fmt::format("0x{:x}", v) : fmt::format("{}", v);
    if (m != 0xffff) s += fmt::format("/0x{:x}", m);
    return s;
  };
  return fmt::format("({},{})", part(value >> 16, mask >> 16), part(value & 0xffff, mask & 0xffff));
}

}  // namespace dpuflow::dataplane::internal
