// Field values in ovs-ofctl text: integers, Ethernet/IPv4/IPv6 addresses and
// OpenFlow ports (flag-like syntaxes are in field_text_flags.cc).
//
// Parsing follows OVS mf_parse(): "0x" hex of any length that fits, other
// integers in C syntax (strtoull base 0), "/mask" in the same syntaxes, "*"
// for a wildcard.  Printing follows match_format() for matches and
// mf_format() for set_field values (see field_text.h).
#include "dataplane/flow/field_text.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "dataplane/flow/field_text_internal.h"

namespace dpuflow::dataplane {

using internal::fit;
using internal::put_hex;

namespace internal {

FieldValue fit(const FieldValue& v, uint16_t n_bytes) {
  FieldValue r;
  r.n_bytes = n_bytes;
  const size_t n = std::min<size_t>(n_bytes, v.n_bytes);
  std::memcpy(r.data() + n_bytes - n, v.data() + v.n_bytes - n, n);
  return r;
}

std::string put_hex(const uint8_t* p, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (s.empty()) {
      if (p[i] != 0) s = fmt::format("0x{:x}", p[i]);
    } else {
      s += fmt::format("{:02x}", p[i]);
    }
  }
  return s.empty() ? "0" : s;
}

}  // namespace internal

namespace {

bool is_port32(FieldId id) { return id == FieldId::kInPortOxm || id == FieldId::kActsetOutput; }
uint32_t port16_to_32(uint16_t p) { return p < kOfppMax ? p : p + 0xffff0000u; }
uint16_t port32_to_16(uint32_t p) {
  if (p < kOfppMax) return static_cast<uint16_t>(p);
  if (p >= 0xffffff00u) return static_cast<uint16_t>(p - 0xffff0000u);
  return kOfppNone;
}

FieldValue and_values(const FieldValue& a, const FieldValue& b) {
  FieldValue r = a;
  for (uint16_t i = 0; i < r.n_bytes; ++i) r.bytes[i] &= b.bytes[i];
  return r;
}

bool covers(const FieldValue& mask, const FieldValue& ones) {
  for (uint16_t i = 0; i < ones.n_bytes; ++i) {
    if ((mask.bytes[i] & ones.bytes[i]) != ones.bytes[i]) return false;
  }
  return true;
}

// ---- integers ------------------------------------------------------------

// OVS parse_int_string(): parses a prefix of `s` into `n_bytes` big-endian
// bytes; returns the number of characters used, or -1 (bad syntax) / -2
// (does not fit).
int parse_int_prefix(std::string_view s, uint8_t* out, size_t n_bytes) {
  std::memset(out, 0, n_bytes);
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    size_t i = 2;
    std::string digits;
    for (; i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i])); ++i) {
      if (digits.empty() && s[i] == '0') continue;
      digits += s[i];
    }
    if (i == 2) return -1;
    if ((digits.size() + 1) / 2 > n_bytes) return -2;
    size_t pos = n_bytes;
    for (size_t d = digits.size(); d > 0;) {
      auto hexval = [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10);
      };
      uint8_t b = static_cast<uint8_t>(hexval(digits[--d]));
      if (d > 0) b |= static_cast<uint8_t>(hexval(digits[--d]) << 4);
      out[--pos] = b;
    }
    return static_cast<int>(i);
  }
  if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s[0])))) return -1;
  std::string buf(s);
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(buf.c_str(), &end, 0);
  if (end == buf.c_str()) return -1;
  if (errno == ERANGE) return -2;
  for (size_t i = n_bytes; i-- > 0; v >>= 8) out[i] = static_cast<uint8_t>(v);
  if (v != 0) return -2;
  return static_cast<int>(end - buf.c_str());
}

// ---- addresses -----------------------------------------------------------

bool parse_mac(std::string_view s, uint8_t out[6]) {
  size_t pos = 0;
  for (int i = 0; i < 6; ++i) {
    if (i > 0) {
      if (pos >= s.size() || s[pos] != ':') return false;
      ++pos;
    }
    size_t start = pos;
    unsigned v = 0;
    while (pos < s.size() && pos - start < 2 && std::isxdigit(static_cast<unsigned char>(s[pos]))) {
      const char c = s[pos++];
      v = v * 16 + (std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10);
    }
    if (pos == start) return false;
    out[i] = static_cast<uint8_t>(v);
  }
  return pos == s.size();
}

std::string format_mac(const uint8_t* p) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", p[0], p[1], p[2], p[3], p[4],
                     p[5]);
}

bool parse_ipv4(std::string_view s, uint8_t out[4]) {
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    if (i > 0) {
      if (pos >= s.size() || s[pos] != '.') return false;
      ++pos;
    }
    size_t start = pos;
    unsigned v = 0;
    while (pos < s.size() && pos - start < 3 && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      v = v * 10 + (s[pos++] - '0');
    }
    if (pos == start || v > 255) return false;
    out[i] = static_cast<uint8_t>(v);
  }
  return pos == s.size();
}

bool parse_prefix_len(std::string_view s, int max, int* out) {
  if (s.empty() || s.size() > 3) return false;
  int v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  if (v > max) return false;
  *out = v;
  return true;
}

void prefix_mask(uint8_t* mask, size_t n_bytes, int bits) {
  for (size_t i = 0; i < n_bytes; ++i) {
    const int b = std::clamp(bits - static_cast<int>(8 * i), 0, 8);
    mask[i] = static_cast<uint8_t>(0xff00 >> b);
  }
}

// Number of leading one bits if the mask is a CIDR prefix, else -1.
int cidr_bits(const uint8_t* mask, size_t n_bytes) {
  int bits = 0;
  size_t i = 0;
  for (; i < n_bytes && mask[i] == 0xff; ++i) bits += 8;
  if (i < n_bytes) {
    const uint8_t b = mask[i];
    const uint8_t inv = static_cast<uint8_t>(~b);
    if ((inv & (inv + 1)) != 0) return -1;  // not of the form 1..10..0
    bits += std::countl_one(b);
    for (++i; i < n_bytes; ++i) {
      if (mask[i] != 0) return -1;
    }
  }
  return bits;
}

std::string format_ipv4(const uint8_t* p) {
  return fmt::format("{}.{}.{}.{}", p[0], p[1], p[2], p[3]);
}

std::string format_ipv6(const uint8_t* p) {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, p, buf, sizeof buf);
  return buf;
}

std::string format_ipv4_masked(const uint8_t* v, const uint8_t* m) {
  std::string s = format_ipv4(v);
  if (cidr_bits(m, 4) == 32) return s;
  const int bits = cidr_bits(m, 4);
  return bits >= 0 ? fmt::format("{}/{}", s, bits) : fmt::format("{}/{}", s, format_ipv4(m));
}

std::string format_ipv6_masked(const uint8_t* v, const uint8_t* m) {
  std::string s = format_ipv6(v);
  const int bits = cidr_bits(m, 16);
  if (bits == 128) return s;
  return bits >= 0 ? fmt::format("{}/{}", s, bits) : fmt::format("{}/{}", s, format_ipv6(m));
}

std::string format_mac_masked(const uint8_t* v, const uint8_t* m) {
  const bool exact = std::all_of(m, m + 6, [](uint8_t b) { return b == 0xff; });
  return exact ? format_mac(v) : fmt::format("{}/{}", format_mac(v), format_mac(m));
}

// ---- per-kind parsers ----------------------------------------------------

using Result = std::optional<ParsedValue>;

Result fail(std::string* error, std::string msg) {
  if (error) *error = std::move(msg);
  return std::nullopt;
}

Result parse_integer(const ResolvedField& f, std::string_view text, std::string* error) {
  const FieldDesc& d = *f.desc;
  const uint16_t w = field_value_bytes(f);
  ParsedValue pv;
  pv.value.n_bytes = pv.mask.n_bytes = w;
  const size_t slash = text.find('/');
  std::string_view vs = text.substr(0, slash);
  int n = parse_int_prefix(vs, pv.value.data(), w);
  if (n == -2) return fail(error, fmt::format("{}: value too large for {}-byte field {}", text, w, d.name));
  if (n < 0 || static_cast<size_t>(n) != vs.size()) {
    return fail(error, fmt::format("{}: bad syntax for {} value", text, d.name));
  }
  if (slash != std::string_view::npos) {
    std::string_view ms = text.substr(slash + 1);
    n = parse_int_prefix(ms, pv.mask.data(), w);
    if (n == -2) return fail(error, fmt::format("{}: mask too large for {}-byte field {}", text, w, d.name));
    if (n < 0 || static_cast<size_t>(n) != ms.size()) {
      return fail(error, fmt::format("{}: bad syntax for {} mask", text, d.name));
    }
    pv.has_mask = true;
  }
  return pv;
}

Result parse_address(const ResolvedField& f, std::string_view text, std::string* error) {
  const FieldDesc& d = *f.desc;
  ParsedValue pv;
  const size_t slash = text.find('/');
  std::string_view vs = text.substr(0, slash);
  std::string_view ms = slash == std::string_view::npos ? "" : text.substr(slash + 1);
  pv.has_mask = slash != std::string_view::npos;
  switch (d.format) {
    case FieldFormat::kEthernet:
      pv.value.n_bytes = pv.mask.n_bytes = 6;
      if (!parse_mac(vs, pv.value.data()) || (pv.has_mask && !parse_mac(ms, pv.mask.data()))) {
        return fail(error, fmt::format("{}: invalid Ethernet address", text));
      }
      break;
    case FieldFormat::kIpv4: {
      pv.value.n_bytes = pv.mask.n_bytes = 4;
      if (!parse_ipv4(vs, pv.value.data())) return fail(error, fmt::format("{}: invalid IP address", text));
      int bits = 32;
      if (pv.has_mask && !parse_ipv4(ms, pv.mask.data())) {
        if (!parse_prefix_len(ms, 1000, &bits)) return fail(error, fmt::format("{}: invalid IP address", text));
        if (bits > 32) {
          return fail(error, fmt::format(
                                 "{}: IPv4 network prefix bits not between 0 and 32, inclusive", text));
        }
        prefix_mask(pv.mask.data(), 4, bits);
      }
      break;
    }
    case FieldFormat::kIpv6: {
      pv.value.n_bytes = pv.mask.n_bytes = 16;
      const std::string addr(vs), mask(ms);
      if (inet_pton(AF_INET6, addr.c_str(), pv.value.data()) != 1) {
        return fail(error, fmt::format("{}: invalid IPv6 address", text));
      }
      if (pv.has_mask) {
        int bits = 0;
        if (parse_prefix_len(ms, 1000, &bits)) {
          if (bits > 128) {
            return fail(error, fmt::format(
                                   "{}: IPv6 network prefix bits not between 0 and 128, inclusive",
                                   text));
          }
          prefix_mask(pv.mask.data(), 16, bits);
        } else if (inet_pton(AF_INET6, mask.c_str(), pv.mask.data()) != 1) {
          return fail(error, fmt::format("{}: Invalid IPv6 mask", text));
        }
      }
      break;
    }
    default:
      return fail(error, fmt::format("{}: not an address field", d.name));
  }
  return pv;
}

Result parse_port(const ResolvedField& f, std::string_view text, std::string* error) {
  const std::optional<uint16_t> port = parse_ofp_port(text);
  if (!port) return fail(error, fmt::format("{}: invalid or unknown port for {}", text, f.desc->name));
  ParsedValue pv;
  const uint16_t w = field_value_bytes(f);
  pv.value = FieldValue::from_u64(is_port32(f.desc->id) ? port16_to_32(*port) : *port, w);
  return pv;
}

// ---- match-style integer printing (OVS match_format) ----------------------

enum class IntStyle {
  kHex,        // "%#x" (regs, metadata, tun_id, ct_mark...) and ds_put_hex for wide ones
  kDecMasked,  // decimal when exact, else "0x%x/0x%x" (ports, ct_zone, tun_gbp_id)
  kDecimal,    // decimal, mask ignored (non-maskable decimal fields)
  kHexNoPrefix,  // "%x": tun_tos
  kHex4,       // "0x%04x": vlan_tci, dl_type
  kHex5,       // "0x%05x": ipv6_label
};

IntStyle match_int_style(const FieldDesc& d) {
  switch (d.id) {
    case FieldId::kTunTos: return IntStyle::kHexNoPrefix;
    case FieldId::kVlanTci:
    case FieldId::kEthType: return IntStyle::kHex4;
    case FieldId::kIpv6Label: return IntStyle::kHex5;
    case FieldId::kCtZone: return IntStyle::kDecMasked;
    case FieldId::kRecircId:  // decimal in ovs-fields(7), but match_format prints %#x
    case FieldId::kSkbPriority:
    case FieldId::kTunGbpFlags: return IntStyle::kHex;
    default: break;
  }
  if (d.format == FieldFormat::kHex || d.format == FieldFormat::kEthType) return IntStyle::kHex;
  return d.maskable == Maskable::kYes ? IntStyle::kDecMasked : IntStyle::kDecimal;
}

std::string format_int_match(const ResolvedField& f, const FieldValue& v, const FieldValue& m,
                             bool exact) {
  const uint64_t vi = v.to_u64(), mi = m.to_u64();
  switch (match_int_style(*f.desc)) {
    case IntStyle::kHex: {
      std::string s = put_hex(v.data(), v.n_bytes);
      return exact ? s : s + "/" + put_hex(m.data(), m.n_bytes);
    }
    case IntStyle::kDecMasked:
      return exact ? fmt::format("{}", vi) : fmt::format("0x{:x}/0x{:x}", vi, mi);
    case IntStyle::kDecimal:
      return fmt::format("{}", vi);
    case IntStyle::kHexNoPrefix:
      return fmt::format("{:x}", vi);
    case IntStyle::kHex4:
      return exact ? fmt::format("0x{:04x}", vi) : fmt::format("0x{:04x}/0x{:04x}", vi, mi);
    case IntStyle::kHex5:
      return exact ? fmt::format("0x{:05x}", vi) : fmt::format("0x{:05x}/0x{:05x}", vi, mi);
  }
  return {};
}

std::string format_int_value(const FieldDesc& d, const FieldValue& v) {
  if (d.format == FieldFormat::kDecimal && v.n_bytes <= 8) return fmt::format("{}", v.to_u64());
  return put_hex(v.data(), v.n_bytes);
}

}  // namespace

// ---- ports ---------------------------------------------------------------

namespace {
struct NamedPort {
  std::string_view name;
  uint16_t port;
};
constexpr NamedPort kNamedPorts[] = {
    {"IN_PORT", kOfppInPort}, {"TABLE", kOfppTable},         {"NORMAL", kOfppNormal},
    {"FLOOD", kOfppFlood},    {"ALL", kOfppAll},             {"CONTROLLER", kOfppController},
    {"LOCAL", kOfppLocal},    {"ANY", kOfppNone},            {"UNSET", kOfppUnset},
    {"NONE", kOfppNone},
};
}  // namespace

std::optional<uint16_t> parse_ofp_port(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    if (text.size() > 10) return std::nullopt;
    const uint64_t v = std::stoull(std::string(text));
    if (v <= 0xffff) return static_cast<uint16_t>(v);
    if (v >= 0xffffff00u && v <= 0xffffffffu) return static_cast<uint16_t>(v - 0xffff0000u);
    return std::nullopt;
  }
  for (const NamedPort& p : kNamedPorts) {
    if (p.name.size() == text.size() &&
        std::equal(text.begin(), text.end(), p.name.begin(),
                   [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == b; })) {
      return p.port;
    }
  }
  return std::nullopt;
}

std::string format_ofp_port(uint16_t port) {
  for (const NamedPort& p : kNamedPorts) {
    if (p.port == port && p.name != "NONE") return std::string(p.name);
  }
  return fmt::format("{}", port);
}

// ---- public entry points ---------------------------------------------------

std::optional<ParsedValue> parse_field_value(const ResolvedField& f, std::string_view text,
                                             std::string* error) {
  const FieldDesc& d = *f.desc;
  const uint16_t w = field_value_bytes(f);
  const FieldValue ones = field_all_ones(f);
  if (text == "*") {
    ParsedValue pv;
    pv.value.n_bytes = pv.mask.n_bytes = w;
    pv.has_mask = true;
    return pv;
  }
  if (text.empty()) return fail(error, fmt::format("{}: missing value", d.name));

  Result r;
  switch (d.format) {
    case FieldFormat::kDecimal:
    case FieldFormat::kHex:
    case FieldFormat::kEthType:
      r = parse_integer(f, text, error);
      break;
    case FieldFormat::kEthernet:
    case FieldFormat::kIpv4:
    case FieldFormat::kIpv6:
      r = parse_address(f, text, error);
      break;
    case FieldFormat::kOfpPort:
      r = parse_port(f, text, error);
      break;
    case FieldFormat::kFrag: {
      auto vm = internal::parse_frag(text, error);
      if (!vm) return std::nullopt;
      r = ParsedValue{FieldValue::from_u64(vm->first, w), FieldValue::from_u64(vm->second, w),
                      vm->second != kFragMask};
      break;
    }
    case FieldFormat::kTunFlags:
    case FieldFormat::kCtState:
    case FieldFormat::kTcpFlags: {
      const internal::FlagSet& fs = d.format == FieldFormat::kCtState   ? internal::ct_state_flags()
                                    : d.format == FieldFormat::kTcpFlags ? internal::tcp_flags_flags()
                                                                         : internal::tun_flags_flags();
      auto vm = internal::parse_flags(fs, text, error);
      if (!vm) return std::nullopt;
      if (d.format == FieldFormat::kTunFlags && vm->second == 0xffffffffu) {
        // The exact form is OpenFlow's, where OVS lets only oam be matched
        // (and matches only it); df/csum/key come in the masked megaflow form.
        if (vm->first & ~uint32_t{kTnlFOam}) {
          return fail(error, fmt::format("{}: unknown tunnel flag(s)", text));
        }
        vm->second = kTnlFOam;
      }
      const uint64_t all = ones.to_u64();
      const uint32_t mask = static_cast<uint32_t>(vm->second & all);
      r = ParsedValue{FieldValue::from_u64(vm->first, w), FieldValue::from_u64(mask, w), mask != all};
      break;
    }
    case FieldFormat::kPacketType: {
      auto pt = internal::parse_packet_type(text, error);
      if (!pt) return std::nullopt;
      r = ParsedValue{FieldValue::from_u64(*pt, w), ones, false};
      break;
    }
  }
  if (!r) return std::nullopt;
  ParsedValue& pv = *r;
  pv.value = fit(pv.value, w);
  pv.mask = pv.has_mask ? fit(pv.mask, w) : ones;

  // Values wider than the field are refused, except where OVS drops bits
  // silently: nw_tos keeps only DSCP, arp_op keeps its low byte.
  if (d.id != FieldId::kIpDscp && d.id != FieldId::kArpOp && f.n_bits < 8 * w) {
    const FieldValue all_bits = FieldValue::from_u64(f.n_bits >= 64 ? ~0ull : (1ull << f.n_bits) - 1, w);
    if (!(and_values(pv.value, all_bits) == pv.value)) {
      return fail(error, fmt::format("{}: value too large for {}-bit field {}", text, f.n_bits, d.name));
    }
  }
  // A field that is not maskable takes only an all-zero or all-ones mask
  // (all ones over its bytes, as OVS checks it: nw_ecn=1/0x3 is refused).
  if (pv.has_mask && d.maskable == Maskable::kNo && !pv.mask.is_zero() &&
      !std::all_of(pv.mask.bytes.begin(), pv.mask.bytes.begin() + w,
                   [](uint8_t b) { return b == 0xff; })) {
    return fail(error, fmt::format("{}: invalid mask for field {}", text, d.name));
  }
  if (pv.has_mask && covers(pv.mask, ones)) pv.has_mask = false;
  pv.mask = and_values(pv.mask, ones);
  pv.value = and_values(pv.value, pv.mask);
  return pv;
}

std::string format_field_value(const ResolvedField& f, const FieldValue& value_in,
                               const FieldValue& mask_in) {
  const FieldDesc& d = *f.desc;
  const uint16_t w = field_value_bytes(f);
  const FieldValue ones = field_all_ones(f);
  const FieldValue mask = and_values(fit(mask_in, w), ones);
  const FieldValue value = and_values(fit(value_in, w), mask);
  const bool exact = covers(mask, ones);
  if (mask.is_zero()) return "ANY";

  switch (d.format) {
    case FieldFormat::kEthernet:
      return format_mac_masked(value.data(), mask.data());
    case FieldFormat::kIpv4:
      return format_ipv4_masked(value.data(), mask.data());
    case FieldFormat::kIpv6:
      return format_ipv6_masked(value.data(), mask.data());
    case FieldFormat::kOfpPort: {
      const uint64_t p = value.to_u64();
      return format_ofp_port(is_port32(d.id) ? port32_to_16(static_cast<uint32_t>(p))
                                             : static_cast<uint16_t>(p));
    }
    case FieldFormat::kFrag:
      return internal::format_frag_match(static_cast<uint8_t>(value.to_u64()),
                                         static_cast<uint8_t>(mask.to_u64()));
    case FieldFormat::kCtState: {
      const uint32_t v = static_cast<uint32_t>(value.to_u64()) & 0xff;
      const uint32_t m = static_cast<uint32_t>(mask.to_u64()) & 0xff;
      if (m == 0xff) return v ? internal::format_flags(internal::ct_state_flags(), v, '|') : "0";
      return internal::format_flags_masked(internal::ct_state_flags(), v, m, 0xff);
    }
    case FieldFormat::kTcpFlags:
      return internal::format_flags_masked(internal::tcp_flags_flags(),
                                           static_cast<uint32_t>(value.to_u64()),
                                           static_cast<uint32_t>(mask.to_u64()) & 0x0fff, 0x0fff);
    case FieldFormat::kTunFlags: {
      constexpr uint32_t kAll = kTnlFOam | kTnlFDontFragment | kTnlFCsum | kTnlFKey;
      return internal::format_flags_masked(internal::tun_flags_flags(),
                                           static_cast<uint32_t>(value.to_u64()) & kAll,
                                           static_cast<uint32_t>(mask.to_u64()) & kAll, kAll);
    }
    case FieldFormat::kPacketType:
      return internal::format_packet_type(static_cast<uint32_t>(value.to_u64()),
                                          static_cast<uint32_t>(mask.to_u64()));
    case FieldFormat::kDecimal:
    case FieldFormat::kHex:
    case FieldFormat::kEthType:
      return format_int_match(f, value, mask, exact);
  }
  return {};
}

std::string format_set_field_value(const ResolvedField& f, const FieldValue& value_in,
                                   const FieldValue& mask_in) {
  const FieldDesc& d = *f.desc;
  const uint16_t w = field_value_bytes(f);
  const FieldValue ones = field_all_ones(f);
  const FieldValue mask = and_values(fit(mask_in, w), ones);
  const FieldValue value = fit(value_in, w);
  const bool exact = covers(mask, ones);
  if (mask.is_zero()) return "ANY";

  switch (d.format) {
    case FieldFormat::kEthernet:
      return format_mac_masked(value.data(), mask.data());
    case FieldFormat::kIpv4:
      return format_ipv4_masked(value.data(), mask.data());
    case FieldFormat::kIpv6:
      return format_ipv6_masked(value.data(), mask.data());
    case FieldFormat::kOfpPort:
      if (exact) {
        const uint64_t p = value.to_u64();
        return format_ofp_port(is_port32(d.id) ? port32_to_16(static_cast<uint32_t>(p))
                                               : static_cast<uint16_t>(p));
      }
      return fmt::format("{}/{}", value.to_u64(), put_hex(mask.data(), mask.n_bytes));
    case FieldFormat::kFrag:
      return internal::format_frag_value(static_cast<uint8_t>(value.to_u64()),
                                         static_cast<uint8_t>(mask.to_u64()));
    case FieldFormat::kCtState:  // read-only: only traces print it this way
      return internal::format_flags_masked(internal::ct_state_flags(),
                                           static_cast<uint32_t>(value.to_u64()) & 0xff,
                                           static_cast<uint32_t>(mask.to_u64()) & 0xff, 0xff);
    case FieldFormat::kTcpFlags:
      return internal::format_flags_masked(internal::tcp_flags_flags(),
                                           static_cast<uint32_t>(value.to_u64()),
                                           static_cast<uint32_t>(mask.to_u64()) & 0x0fff, 0x0fff);
    case FieldFormat::kTunFlags: {
      constexpr uint32_t kAll = kTnlFOam | kTnlFDontFragment | kTnlFCsum | kTnlFKey;
      return internal::format_flags_masked(internal::tun_flags_flags(),
                                           static_cast<uint32_t>(value.to_u64()) & kAll,
                                           static_cast<uint32_t>(mask.to_u64()) & kAll, kAll);
    }
    case FieldFormat::kPacketType:
      return internal::format_packet_type(static_cast<uint32_t>(value.to_u64()),
                                          static_cast<uint32_t>(mask.to_u64()));
    case FieldFormat::kDecimal:
    case FieldFormat::kHex:
    case FieldFormat::kEthType: {
      std::string s = format_int_value(d, value);
      return exact ? s : s + "/" + put_hex(mask.data(), mask.n_bytes);
    }
  }
  return {};
}

std::string format_field_value(const ResolvedField& f, const FieldValue& value) {
  return format_set_field_value(f, value, field_all_ones(f));
}

}  // namespace dpuflow::dataplane
