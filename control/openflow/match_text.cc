#include "control/openflow/match_text.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "control/openflow/ofctl_text.h"
#include "dataplane/flow/field_text.h"
#include "dataplane/flow/subfield.h"

namespace dpuflow::control {

using namespace dataplane;

namespace {

bool fail(TextError* err, size_t col, std::string_view token, std::string message) {
  if (err != nullptr) *err = TextError{col, std::string(token), std::move(message)};
  return false;
}

struct Protocol {
  std::string_view name;
  uint16_t dl_type;
  uint8_t nw_proto;  // 0: none
};
constexpr Protocol kProtocols[] = {
    {"ip", kEthTypeIp, 0},          {"ipv4", kEthTypeIp, 0},
    {"ip4", kEthTypeIp, 0},         {"arp", kEthTypeArp, 0},
    {"icmp", kEthTypeIp, kIpProtoIcmp}, {"tcp", kEthTypeIp, kIpProtoTcp},
    {"udp", kEthTypeIp, kIpProtoUdp},   {"sctp", kEthTypeIp, kIpProtoSctp},
    {"ipv6", kEthTypeIpv6, 0},      {"ip6", kEthTypeIpv6, 0},
    {"icmp6", kEthTypeIpv6, kIpProtoIcmpv6}, {"tcp6", kEthTypeIpv6, kIpProtoTcp},
    {"udp6", kEthTypeIpv6, kIpProtoUdp},     {"sctp6", kEthTypeIpv6, kIpProtoSctp},
    {"rarp", kEthTypeRarp, 0},      {"mpls", kEthTypeMpls, 0},
    {"mplsm", kEthTypeMplsMcast, 0},
};

// OVS match_set_default_packet_type(): a match on anything with a
// prerequisite implies Ethernet, unless packet_type is already matched.
void set_default_packet_type(Match& m) {
  if (m.mask.packet_type == 0) {
    m.mask.packet_type = 0xffffffff;
    m.value.packet_type = be32(kPtEth);
  }
}

ResolvedField fixed(FieldId id) { return *resolve_field(field_desc(id), nullptr); }

// "0x1f" as C's "%#x" prints it: plain "0" for zero.
std::string c_hex(uint64_t v) { return v == 0 ? std::string("0") : fmt::format("{:#x}", v); }

// OVS ds_put_hex(): big-endian bytes, leading zero bytes skipped.
std::string put_hex(const uint8_t* b, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (s.empty() && b[i] == 0) continue;
    s += s.empty() ? fmt::format("0x{:x}", b[i]) : fmt::format("{:02x}", b[i]);
  }
  return s.empty() ? "0" : s;
}

template <typename T>
bool all_zero(const T& v) {
  T z{};
  return std::memcmp(&v, &z, sizeof v) == 0;
}

class Printer {
 public:
  Printer(const Match& m, const TlvMap& tlv) : v_(m.value), w_(m.mask), tlv_(tlv) {}
  void raw(std::string_view s) {
    out_ += s;
    out_ += ',';
  }
  void kv(std::string_view name, std::string_view value) {
    out_ += name;
    out_ += '=';
    out_ += value;
    out_ += ',';
  }
  // format_uint32_masked / format_be64_masked: "%#x" and "/%#x".
  void hex_masked(std::string_view name, uint64_t value, uint64_t mask, uint64_t all) {
    if (mask == 0) return;
    kv(name, mask == all ? c_hex(value) : c_hex(value) + "/" + c_hex(mask));
  }
  // format_be16_masked / format_uint16_masked: decimal when exact.
  void u16_masked(std::string_view name, uint16_t value, uint16_t mask) {
    if (mask == 0) return;
    kv(name, mask == 0xffff ? fmt::format("{}", value)
                            : fmt::format("0x{:x}/0x{:x}", value, mask));
  }
  // A field through the registry's formatter (addresses, flags, ports).
  void field(std::string_view name, FieldId id) {
    const ResolvedField rf = fixed(id);
    const FieldValue mask = read_field(rf, w_);
    if (mask.is_zero()) return;
    kv(name, format_field_value(rf, read_field(rf, v_), mask));
  }
  void tun_metadata() {
    for (int i = 0; i < kNumTunMetadata; ++i) {
      const uint64_t bit = uint64_t{1} << i;
      if ((w_.tun_metadata_present & bit) == 0 || !tlv_.mapped(i)) continue;
      const TlvMapping& loc = tlv_.mapping(i);
      out_ += fmt::format("tun_metadata{}", i);
      const uint8_t* mv = w_.tun_metadata + loc.offset;
      bool mask_zero = true, mask_ones = true;
      for (int b = 0; b < loc.length; ++b) {
        mask_zero &= mv[b] == 0;
        mask_ones &= mv[b] == 0xff;
      }
      if ((v_.tun_metadata_present & bit) == 0) {
        out_ += "=NP";
      } else if (!mask_zero) {
        out_ += '=' + put_hex(v_.tun_metadata + loc.offset, loc.length);
        if (!mask_ones) out_ += '/' + put_hex(mv, loc.length);
      }
      out_ += ',';
    }
  }
  std::string finish() {
    if (!out_.empty() && out_.back() == ',') out_.pop_back();
    return std::move(out_);
  }

 private:
  const FlowKey& v_;
  const FlowMask& w_;
  const TlvMap& tlv_;
  std::string out_;
};

}  // namespace

bool apply_match_item(Match& m, std::string_view key, std::optional<std::string_view> value,
                      const TlvMap& tlv, TextError* err) {
  const size_t value_col = key.size() + 1;
  for (const Protocol& p : kProtocols) {
    if (key != p.name) continue;
    if (value && !value->empty()) {
      return fail(err, value_col, *value, fmt::format("{} takes no value", key));
    }
    m.set_field(fixed(FieldId::kEthType), FieldValue::from_u64(p.dl_type, 2));
    if (p.nw_proto != 0) m.set_field(fixed(FieldId::kIpProto), FieldValue::from_u64(p.nw_proto, 1));
    set_default_packet_type(m);
    return true;
  }
  if (key == "eth") {
    m.mask.packet_type = 0xffffffff;
    m.value.packet_type = be32(kPtEth);
    return true;
  }
  if (key.find('[') != std::string_view::npos) {
    // A subfield match: "reg0[0..7]=5".
    std::string e;
    auto sf = parse_subfield(key, &e);
    if (!sf) return fail(err, 0, key, e);
    auto rf = resolve_field(field_desc(sf->field), &tlv);
    if (!rf) return fail(err, 0, key, "field is not mapped in the TLV map");
    if (sf->n_bits > 64) return fail(err, 0, key, "subfield matches wider than 64 bits");
    if (!value || value->empty()) return fail(err, 0, key, "subfield match needs a value");
    const std::string text(*value);
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 0);
    if (errno != 0 || *end != '\0' || (sf->n_bits < 64 && (v >> sf->n_bits) != 0)) {
      return fail(err, value_col, *value,
                  fmt::format("invalid value for a {}-bit subfield", sf->n_bits));
    }
    FlowKey bits{};
    FlowMask mask{};
    write_subfield(*rf, *sf, FieldValue::from_u64(v, 8), bits);
    mask_subfield(*rf, *sf, mask);
    const FieldValue fm = read_field(*rf, mask);
    FieldValue merged_mask = read_field(*rf, m.mask);
    FieldValue merged_value = read_field(*rf, m.value);
    const FieldValue nv = read_field(*rf, bits);
    for (uint16_t i = 0; i < fm.n_bytes; ++i) {
      merged_mask.bytes[i] |= fm.bytes[i];
      merged_value.bytes[i] = static_cast<uint8_t>((merged_value.bytes[i] & ~fm.bytes[i]) |
                                                   (nv.bytes[i] & fm.bytes[i]));
    }
    m.set_field_masked(*rf, merged_value, merged_mask);
    if (rf->desc->prereq != Prereq::kNone) set_default_packet_type(m);
    return true;
  }
  const FieldDesc* d = field_by_ovs_name(key);
  if (d == nullptr) return fail(err, 0, key, fmt::format("unknown keyword {}", key));
  auto rf = resolve_field(*d, &tlv);
  if (!rf) {
    return fail(err, 0, key,
                fmt::format("{} is not mapped (add it to the TLV map first)", key));
  }
  if (!value || value->empty()) {
    // Like OVS, a field without a value only implies its protocol.
    if (d->prereq != Prereq::kNone) set_default_packet_type(m);
    return true;
  }
  if (d->id == FieldId::kIcmpv4Type || d->id == FieldId::kIcmpv6Type ||
      d->id == FieldId::kIcmpv4Code || d->id == FieldId::kIcmpv6Code) {
    // OVS keeps ICMP type and code in the 16-bit transport port words and
    // matches all 16 bits (match_set_icmp_type); megaflows print them
    // masked as port words ("icmp_type=0x80/0xf8").
    const std::string text(*value);
    const size_t slash = text.find('/');
    char* end = nullptr;
    errno = 0;
    const unsigned long v = std::strtoul(text.c_str(), &end, 0);
    unsigned long mask = 0xffff;
    bool bad = errno != 0 || end == text.c_str() || v > 0xff;
    if (!bad && slash != std::string::npos) {
      bad = end != text.c_str() + slash;
      mask = std::strtoul(text.c_str() + slash + 1, &end, 0);
      bad = bad || mask > 0xffff;
    }
    if (bad || *end != '\0') {
      return fail(err, value_col, *value, fmt::format("{}: expected a number from 0 to 255", key));
    }
    const bool type = d->id == FieldId::kIcmpv4Type || d->id == FieldId::kIcmpv6Type;
    uint16_t& vw = type ? m.value.tp_src : m.value.tp_dst;
    uint16_t& mw = type ? m.mask.tp_src : m.mask.tp_dst;
    mw = be16(static_cast<uint16_t>(mask));
    vw = be16(static_cast<uint16_t>(v & mask));
    set_default_packet_type(m);
    return true;
  }
  if (is_tun_metadata(d->id) && *value == "NP") {
    // Matches packets without the option (OVS prints this in megaflows).
    const uint64_t bit = uint64_t{1} << (static_cast<int>(d->id) -
                                         static_cast<int>(FieldId::kTunMetadata0));
    m.mask.tun_metadata_present |= bit;
    m.value.tun_metadata_present &= ~bit;
    return true;
  }
  std::string e;
  auto pv = parse_field_value(*rf, *value, &e);
  if (!pv) return fail(err, value_col, *value, e);
  if (pv->has_mask && d->maskable == Maskable::kNo) {
    return fail(err, value_col, *value, fmt::format("{} cannot be masked", key));
  }
  m.set_field_masked(*rf, pv->value, pv->mask);
  // dl_vlan and dl_vlan_pcp (OpenFlow 1.0 fields) imply a tag is present
  // (OVS match_set_dl_vlan: the CFI bit is matched too).
  if (d->id == FieldId::kDlVlan || d->id == FieldId::kDlVlanPcp) {
    m.mask.vlans[0].tci |= be16(0x1000);
    m.value.vlans[0].tci |= be16(0x1000);
  }
  if (d->prereq != Prereq::kNone) set_default_packet_type(m);
  return true;
}

bool check_match_prereqs(const Match& m, TextError* err) {
  for (const FieldDesc& d : all_fields()) {
    if (d.n_bytes == 0 || d.prereq == Prereq::kNone) continue;
    const ResolvedField rf = fixed(d.id);
    if (read_field(rf, m.mask).is_zero() || prereqs_satisfied(d, m)) continue;
    // The bits may belong to another field sharing the storage (nw_src is
    // ip_src and arp_spa; tp_src is tcp_src, udp_src and icmp_type).
    bool other_ok = false;
    for (const FieldDesc& o : all_fields()) {
      const bool overlap = o.offset < d.offset + d.n_bytes && d.offset < o.offset + o.n_bytes;
      if (o.id == d.id || o.n_bytes == 0 || !overlap) continue;
      if (!read_field(fixed(o.id), m.mask).is_zero() && prereqs_satisfied(o, m)) other_ok = true;
    }
    if (!other_ok) {
      return fail(err, 0, d.name,
                  fmt::format("{}: prerequisites not met (match the protocol first, e.g. "
                              "tcp for tcp_dst)",
                              d.name));
    }
  }
  return true;
}

std::optional<Match> parse_match(std::string_view text, const TlvMap& tlv, TextError* err,
                                 bool check_prereqs) {
  auto items = split_key_values(text, 0, err);
  if (!items) return std::nullopt;
  Match m;
  for (const KeyValue& kv : *items) {
    TextError e;
    if (!apply_match_item(m, kv.key, kv.value, tlv, &e)) {
      e.column += kv.key_col;
      if (err != nullptr) *err = std::move(e);
      return std::nullopt;
    }
  }
  if (check_prereqs && !check_match_prereqs(m, err)) return std::nullopt;
  return m;
}

std::string format_match(const Match& m, const TlvMap& tlv, int priority) {
  const FlowKey& f = m.value;
  const FlowMask& w = m.mask;
  Printer p(m, tlv);
  if (priority != kNoPriority && priority != kDefaultPriority) {
    p.kv("priority", fmt::format("{}", priority));
  }
  p.hex_masked("pkt_mark", host32(f.pkt_mark), host32(w.pkt_mark), 0xffffffff);
  const bool is_megaflow = w.recirc_id != 0;
  p.hex_masked("recirc_id", host32(f.recirc_id), host32(w.recirc_id), 0xffffffff);
  p.hex_masked("dp_hash", host32(f.dp_hash), host32(w.dp_hash), 0xffffffff);
  if (w.conj_id != 0) p.kv("conj_id", fmt::format("{}", host32(f.conj_id)));
  if (w.skb_priority != 0) p.kv("skb_priority", c_hex(host32(f.skb_priority)));
  if (w.actset_output != 0) p.kv("actset_output", format_ofp_port(host16(f.actset_output)));
  p.field("ct_state", FieldId::kCtState);
  p.u16_masked("ct_zone", host16(f.ct_zone), host16(w.ct_zone));
  p.hex_masked("ct_mark", host32(f.ct_mark), host32(w.ct_mark), 0xffffffff);
  if (!all_zero(w.ct_label)) {
    bool ones = true;
    for (uint8_t b : w.ct_label) ones &= b == 0xff;
    std::string s = put_hex(f.ct_label, 16);
    if (!ones) s += "/" + put_hex(w.ct_label, 16);
    p.kv("ct_label", s);
  }
  p.field("ct_nw_src", FieldId::kCtNwSrc);
  p.field("ct_ipv6_src", FieldId::kCtIpv6Src);
  p.field("ct_nw_dst", FieldId::kCtNwDst);
  p.field("ct_ipv6_dst", FieldId::kCtIpv6Dst);
  if (w.ct_nw_proto != 0) {
    p.kv("ct_nw_proto", fmt::format("{}", f.ct_nw_proto));
    p.u16_masked("ct_tp_src", host16(f.ct_tp_src), host16(w.ct_tp_src));
    p.u16_masked("ct_tp_dst", host16(f.ct_tp_dst), host16(w.ct_tp_dst));
  }
  uint16_t dl_type = host16(f.dl_type);
  const bool default_pt = f.packet_type == be32(kPtEth) && w.packet_type == 0xffffffff;
  if (w.packet_type != 0 && (!default_pt || is_megaflow)) {
    if (default_pt) {
      p.raw("eth");
    } else {
      p.field("packet_type", FieldId::kPacketType);
      if ((host32(f.packet_type) >> 16) == 1) dl_type = host32(f.packet_type) & 0xffff;
    }
  }
  bool skip_type = false, skip_proto = false;
  if (w.dl_type != 0) {
    skip_type = true;
    auto proto_name = [&](bool v6) -> std::string_view {
      switch (f.nw_proto) {
        case kIpProtoIcmp: return v6 ? "" : "icmp";
        case kIpProtoIcmpv6: return v6 ? "icmp6" : "";
        case kIpProtoTcp: return v6 ? "tcp6" : "tcp";
        case kIpProtoUdp: return v6 ? "udp6" : "udp";
        case kIpProtoSctp: return v6 ? "sctp6" : "sctp";
        default: return "";
      }
    };
    if (dl_type == kEthTypeIp || dl_type == kEthTypeIpv6) {
      const bool v6 = dl_type == kEthTypeIpv6;
      std::string_view name = w.nw_proto != 0 ? proto_name(v6) : "";
      skip_proto = !name.empty();
      p.raw(name.empty() ? (v6 ? "ipv6" : "ip") : name);
    } else if (dl_type == kEthTypeArp) {
      p.raw("arp");
    } else if (dl_type == kEthTypeRarp) {
      p.raw("rarp");
    } else if (dl_type == kEthTypeMpls) {
      p.raw("mpls");
    } else if (dl_type == kEthTypeMplsMcast) {
      p.raw("mplsm");
    } else {
      skip_type = false;
    }
  }
  for (int i = 0; i < kNumRegs; ++i) {
    p.hex_masked(fmt::format("reg{}", i), host32(f.regs[i]), host32(w.regs[i]), 0xffffffff);
  }
  // Tunnel.
  p.hex_masked("tun_id", host64(f.tun_id), host64(w.tun_id), ~uint64_t{0});
  p.field("tun_src", FieldId::kTunSrc);
  p.field("tun_dst", FieldId::kTunDst);
  p.field("tun_ipv6_src", FieldId::kTunIpv6Src);
  p.field("tun_ipv6_dst", FieldId::kTunIpv6Dst);
  if (w.tun_gbp_id != 0) p.u16_masked("tun_gbp_id", host16(f.tun_gbp_id), host16(w.tun_gbp_id));
  if (w.tun_gbp_flags != 0) p.kv("tun_gbp_flags", c_hex(f.tun_gbp_flags));
  if (w.tun_tos != 0) p.kv("tun_tos", fmt::format("{:x}", f.tun_tos));
  if (w.tun_ttl != 0) p.kv("tun_ttl", fmt::format("{}", f.tun_ttl));
  if ((host16(w.tun_flags) & 0xf) != 0) p.field("tun_flags", FieldId::kTunFlags);
  p.tun_metadata();
  p.hex_masked("metadata", host64(f.metadata), host64(w.metadata), ~uint64_t{0});
  if (w.in_port != 0) p.kv("in_port", format_ofp_port(host16(f.in_port)));
  for (int i = 0; i < 2; ++i) {
    const uint16_t tci_mask = host16(w.vlans[i].tci);
    if (tci_mask == 0) break;
    const uint16_t tci = host16(f.vlans[i].tci);
    const std::string suffix = i == 0 ? "" : fmt::format("{}", i);
    const uint16_t vid_mask = tci_mask & 0x0fff, pcp_mask = tci_mask & 0xe000;
    const bool cfi = (tci_mask & 0x1000) != 0;
    if (cfi && (tci & 0x1000) != 0 && (vid_mask == 0 || vid_mask == 0x0fff) &&
        (pcp_mask == 0 || pcp_mask == 0xe000) && (vid_mask != 0 || pcp_mask != 0)) {
      if (vid_mask != 0) p.kv("dl_vlan" + suffix, fmt::format("{}", tci & 0x0fff));
      if (pcp_mask != 0) p.kv("dl_vlan_pcp" + suffix, fmt::format("{}", tci >> 13));
    } else if (tci_mask == 0xffff) {
      p.kv("vlan_tci" + suffix, fmt::format("0x{:04x}", tci));
    } else {
      p.kv("vlan_tci" + suffix, fmt::format("0x{:04x}/0x{:04x}", tci, tci_mask));
    }
  }
  p.field("dl_src", FieldId::kEthSrc);
  p.field("dl_dst", FieldId::kEthDst);
  if (!skip_type && w.dl_type != 0) p.kv("dl_type", fmt::format("0x{:04x}", dl_type));
  const bool arp = dl_type == kEthTypeArp || dl_type == kEthTypeRarp;
  if (dl_type == kEthTypeIpv6) {
    p.field("ipv6_src", FieldId::kIpv6Src);
    p.field("ipv6_dst", FieldId::kIpv6Dst);
    if (w.ipv6_label != 0) {
      const uint32_t lm = host32(w.ipv6_label);
      const uint32_t lv = host32(f.ipv6_label);
      p.kv("ipv6_label", (lm == 0xffffffff || lm == 0x000fffff)
                             ? fmt::format("0x{:05x}", lv)
                             : fmt::format("0x{:05x}/0x{:05x}", lv, lm));
    }
  } else if (arp) {
    p.field("arp_spa", FieldId::kArpSpa);
    p.field("arp_tpa", FieldId::kArpTpa);
  } else {
    p.field("nw_src", FieldId::kIpv4Src);
    p.field("nw_dst", FieldId::kIpv4Dst);
  }
  if (!skip_proto && w.nw_proto != 0) {
    p.kv(arp ? "arp_op" : "nw_proto", fmt::format("{}", f.nw_proto));
  }
  if (arp) {
    p.field("arp_sha", FieldId::kArpSha);
    p.field("arp_tha", FieldId::kArpTha);
  }
  if ((w.nw_tos & 0xfc) != 0) p.kv("nw_tos", fmt::format("{}", f.nw_tos & 0xfc));
  if ((w.nw_tos & 0x03) != 0) p.kv("nw_ecn", fmt::format("{}", f.nw_tos & 0x03));
  if (w.nw_ttl != 0) p.kv("nw_ttl", fmt::format("{}", f.nw_ttl));
  switch (w.nw_frag & kFragMask) {
    case kFragAny | kFragLater:
      p.kv("nw_frag", (f.nw_frag & kFragAny) != 0
                          ? ((f.nw_frag & kFragLater) != 0 ? "later" : "first")
                          : ((f.nw_frag & kFragLater) != 0 ? "<error>" : "no"));
      break;
    case kFragAny:
      p.kv("nw_frag", (f.nw_frag & kFragAny) != 0 ? "yes" : "no");
      break;
    case kFragLater:
      p.kv("nw_frag", (f.nw_frag & kFragLater) != 0 ? "later" : "not_later");
      break;
    default:
      break;
  }
  if (dl_type == kEthTypeIp && f.nw_proto == kIpProtoIcmp) {
    p.u16_masked("icmp_type", host16(f.tp_src), host16(w.tp_src));
    p.u16_masked("icmp_code", host16(f.tp_dst), host16(w.tp_dst));
  } else if (dl_type == kEthTypeIpv6 && f.nw_proto == kIpProtoIcmpv6) {
    p.u16_masked("icmp_type", host16(f.tp_src), host16(w.tp_src));
    p.u16_masked("icmp_code", host16(f.tp_dst), host16(w.tp_dst));
    p.field("nd_target", FieldId::kNdTarget);
    p.field("nd_sll", FieldId::kNdSll);
    p.field("nd_tll", FieldId::kNdTll);
  } else {
    p.u16_masked("tp_src", host16(f.tp_src), host16(w.tp_src));
    p.u16_masked("tp_dst", host16(f.tp_dst), host16(w.tp_dst));
  }
  if ((dl_type == kEthTypeIp || dl_type == kEthTypeIpv6) && f.nw_proto == kIpProtoTcp &&
      w.tcp_flags != 0) {
    p.field("tcp_flags", FieldId::kTcpFlags);
  }
  return p.finish();
}

}  // namespace dpuflow::control
