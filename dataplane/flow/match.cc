// Matches, masked-key helpers and field prerequisites.
//
// Prerequisites follow OVS mf_are_prereqs_ok(): the fields consulted are
// un-wildcarded in `wc` (packet_type for Ethernet fields, the VLAN CFI bit,
// nw_proto for L4 fields, ICMPv6 type and code for ND fields, the valid
// ct_state bits for ct_* tuple fields).  In addition dl_type is
// un-wildcarded whenever a prerequisite depends on it: OVS's xlate always
// un-wildcards dl_type, so this never makes a megaflow narrower than OVS's.
#include "dataplane/flow/match.h"

#include <bit>
#include <cstring>

namespace dpuflow::dataplane {
namespace {

constexpr size_t kWords = sizeof(FlowKey) / 8;
static_assert(sizeof(FlowKey) % 8 == 0);

inline uint64_t word(const FlowKey& k, size_t i) {
  uint64_t w;
  std::memcpy(&w, reinterpret_cast<const uint8_t*>(&k) + 8 * i, 8);
  return w;
}
inline void set_word(FlowKey& k, size_t i, uint64_t w) {
  std::memcpy(reinterpret_cast<uint8_t*>(&k) + 8 * i, &w, 8);
}

constexpr uint16_t kNdSolicitType = 135;
constexpr uint16_t kNdAdvertType = 136;
constexpr uint16_t kOfphtnEthertype = 1;  // packet_type namespace of Ethertypes
constexpr uint32_t kCsValidMask = kCsNew | kCsEstablished | kCsReplyDir;

// OVS get_dl_type(): the Ethertype, also for non-Ethernet packet types.
uint16_t get_dl_type(const FlowKey& k) {
  const uint32_t pt = host32(k.packet_type);
  if (pt == kPtEth) return host16(k.dl_type);
  if (pt >> 16 == kOfphtnEthertype) return static_cast<uint16_t>(pt);
  return kEthTypeNone;
}

bool dl_type_is(const FlowKey& k, FlowMask* wc, bool (*pred)(uint16_t)) {
  if (wc) wc->dl_type = 0xffff;
  return pred(get_dl_type(k));
}
bool is_ipv4_type(uint16_t t) { return t == kEthTypeIp; }
bool is_ipv6_type(uint16_t t) { return t == kEthTypeIpv6; }
bool is_ip_any_type(uint16_t t) { return t == kEthTypeIp || t == kEthTypeIpv6; }
bool is_arp_type(uint16_t t) { return t == kEthTypeArp || t == kEthTypeRarp; }

bool is_ethernet(const FlowKey& k, FlowMask* wc) {
  if (wc) wc->packet_type = 0xffffffff;
  return k.packet_type == be32(kPtEth);
}

bool is_ip_proto(const FlowKey& k, uint8_t proto, FlowMask* wc) {
  if (!dl_type_is(k, wc, is_ip_any_type)) return false;
  if (wc) wc->nw_proto = 0xff;
  return k.nw_proto == proto;
}

bool is_icmp(const FlowKey& k, bool (*pred)(uint16_t), uint8_t proto, FlowMask* wc) {
  if (!dl_type_is(k, wc, pred)) return false;
  if (wc) wc->nw_proto = 0xff;
  return k.nw_proto == proto;
}

bool is_nd(const FlowKey& k, FlowMask* wc) {
  if (!is_icmp(k, is_ipv6_type, kIpProtoIcmpv6, wc)) return false;
  if (wc) wc->tp_dst = 0xffff;
  if (k.tp_dst != 0) return false;
  if (wc) wc->tp_src = 0xffff;
  return k.tp_src == be16(kNdSolicitType) || k.tp_src == be16(kNdAdvertType);
}

// The check itself; `match_mask` is set when checking a Match (OVS
// mf_are_match_prereqs_ok), which changes only the ct_state rule.
bool check_prereqs(const FieldDesc& f, const FlowKey& k, const FlowMask* match_mask,
                   FlowMask* wc) {
  const bool not_later = !(k.nw_frag & kFragLater);
  switch (f.prereq) {
    case Prereq::kNone: return true;
    case Prereq::kEthernet: return is_ethernet(k, wc);
    case Prereq::kVlan:
      if (!is_ethernet(k, wc)) return false;
      if (wc) wc->vlans[0].tci |= be16(0x1000);
      return (k.vlans[0].tci & be16(0x1000)) != 0;
    case Prereq::kArp: return dl_type_is(k, wc, is_arp_type);
    case Prereq::kIp: return dl_type_is(k, wc, is_ipv4_type);
    case Prereq::kIpv6: return dl_type_is(k, wc, is_ipv6_type);
    case Prereq::kIpAny: return dl_type_is(k, wc, is_ip_any_type);
    // Like OVS, "not a later fragment" is checked but not un-wildcarded.
    case Prereq::kTcp: return is_ip_proto(k, kIpProtoTcp, wc) && not_later;
    case Prereq::kUdp: return is_ip_proto(k, kIpProtoUdp, wc) && not_later;
    case Prereq::kSctp: return is_ip_proto(k, kIpProtoSctp, wc) && not_later;
    case Prereq::kIcmpv4: return is_icmp(k, is_ipv4_type, kIpProtoIcmp, wc);
    case Prereq::kIcmpv6: return is_icmp(k, is_ipv6_type, kIpProtoIcmpv6, wc);
    case Prereq::kNd: return is_nd(k, wc);
    case Prereq::kNdSolicit: return is_nd(k, wc) && k.tp_src == be16(kNdSolicitType);
    case Prereq::kNdAdvert: return is_nd(k, wc) && k.tp_src == be16(kNdAdvertType);
    case Prereq::kCtValid: {
      const uint32_t cs = host32(k.ct_state);
      if (match_mask && !wc) {
        // A match must name a state that implies a connection, or an
        // explicit tracked-and-not-invalid.
        const uint32_t mask = host32(match_mask->ct_state);
        return (cs & (kCsNew | kCsEstablished | kCsRelated | kCsReplyDir | kCsSrcNat |
                      kCsDstNat)) ||
               ((cs & kCsTracked) && (mask & kCsInvalid) && !(cs & kCsInvalid));
      }
      if (wc) wc->ct_state |= be32(kCsValidMask);
      return (cs & kCsValidMask) != 0;
    }
  }
  return false;
}

// Sets an exact 16-bit dl_type (or checks an existing one).
bool require_dl_type(Match& m, bool (*pred)(uint16_t), uint16_t preferred) {
  if (m.mask.dl_type == 0xffff) return pred(host16(m.value.dl_type));
  if (m.mask.dl_type != 0) return false;
  m.value.dl_type = be16(preferred);
  m.mask.dl_type = 0xffff;
  return true;
}

bool require_nw_proto(Match& m, uint8_t proto) {
  if (m.mask.nw_proto == 0xff) return m.value.nw_proto == proto;
  if (m.mask.nw_proto != 0) return false;
  m.value.nw_proto = proto;
  m.mask.nw_proto = 0xff;
  return true;
}

bool require_tp_src(Match& m, uint16_t v) {
  if (m.mask.tp_src == 0xffff) return m.value.tp_src == be16(v);
  if (m.mask.tp_src != 0) return false;
  m.value.tp_src = be16(v);
  m.mask.tp_src = 0xffff;
  return true;
}

// IPv4 unless the match already says IPv6.
uint16_t preferred_ip(const Match& m) {
  return m.mask.dl_type == 0xffff && m.value.dl_type == be16(kEthTypeIpv6) ? kEthTypeIpv6
                                                                           : kEthTypeIp;
}

}  // namespace

// ---- Match ---------------------------------------------------------------

void Match::set_field_masked(const ResolvedField& f, const FieldValue& v, const FieldValue& m) {
  FieldValue val = v;
  const uint16_t n = std::min(val.n_bytes, m.n_bytes);
  for (uint16_t i = 0; i < n; ++i) {
    val.bytes[val.n_bytes - 1 - i] &= m.bytes[m.n_bytes - 1 - i];
  }
  for (uint16_t i = n; i < val.n_bytes; ++i) val.bytes[val.n_bytes - 1 - i] = 0;
  write_field(f, m, mask);
  write_field(f, val, value);
  if (is_tun_metadata(f.desc->id) && m.is_zero()) {
    // A wildcarded option does not require the option to be present.
    const uint64_t bit = 1ull << (static_cast<int>(f.desc->id) -
                                  static_cast<int>(FieldId::kTunMetadata0));
    mask.tun_metadata_present &= ~bit;
  }
  // Storage bits outside the field's mask (shared bytes, e.g. nw_tos) stay as
  // they were; keep the invariant for this field's bits.
  normalize();
}

void Match::set_field(const ResolvedField& f, const FieldValue& v) {
  set_field_masked(f, v, field_all_ones(f));
}

bool Match::matches(const FlowKey& k) const { return masked_equal(k, value, mask); }

void Match::normalize() {
  for (size_t i = 0; i < kWords; ++i) set_word(value, i, word(value, i) & word(mask, i));
}

// ---- masked keys ---------------------------------------------------------

void apply_mask(const FlowKey& k, const FlowMask& m, FlowKey& out) {
  for (size_t i = 0; i < kWords; ++i) set_word(out, i, word(k, i) & word(m, i));
}

bool masked_equal(const FlowKey& a, const FlowKey& b, const FlowMask& m) {
  uint64_t diff = 0;
  for (size_t i = 0; i < kWords; ++i) diff |= (word(a, i) ^ word(b, i)) & word(m, i);
  return diff == 0;
}

void mask_or(FlowMask& m, const FlowMask& other) {
  for (size_t i = 0; i < kWords; ++i) set_word(m, i, word(m, i) | word(other, i));
}

bool mask_subset(const FlowMask& a, const FlowMask& b) {
  for (size_t i = 0; i < kWords; ++i) {
    if (word(a, i) & ~word(b, i)) return false;
  }
  return true;
}

int mask_popcount(const FlowMask& m) {
  int n = 0;
  for (size_t i = 0; i < kWords; ++i) n += std::popcount(word(m, i));
  return n;
}

// ---- prerequisites ---------------------------------------------------------

bool prereqs_ok(const FieldDesc& f, const FlowKey& k, FlowMask* wc) {
  return check_prereqs(f, k, nullptr, wc);
}

bool prereqs_satisfied(const FieldDesc& f, const Match& m) {
  return check_prereqs(f, m.value, &m.mask, nullptr);
}

bool add_prereqs(const FieldDesc& f, Match& m) {
  switch (f.prereq) {
    case Prereq::kNone:
      return true;
    case Prereq::kEthernet:
      // OVS leaves packet_type at its default (Ethernet) in a parsed match;
      // only a match that names another packet type contradicts.
      return m.mask.packet_type == 0 || m.value.packet_type == be32(kPtEth);
    case Prereq::kVlan:
      if ((m.mask.vlans[0].tci & be16(0x1000)) && !(m.value.vlans[0].tci & be16(0x1000))) {
        return false;
      }
      m.mask.vlans[0].tci |= be16(0x1000);
      m.value.vlans[0].tci |= be16(0x1000);
      return true;
    case Prereq::kArp: return require_dl_type(m, is_arp_type, kEthTypeArp);
    case Prereq::kIp: return require_dl_type(m, is_ipv4_type, kEthTypeIp);
    case Prereq::kIpv6: return require_dl_type(m, is_ipv6_type, kEthTypeIpv6);
    case Prereq::kIpAny: return require_dl_type(m, is_ip_any_type, preferred_ip(m));
    case Prereq::kTcp:
      return require_dl_type(m, is_ip_any_type, preferred_ip(m)) && require_nw_proto(m, kIpProtoTcp);
    case Prereq::kUdp:
      return require_dl_type(m, is_ip_any_type, preferred_ip(m)) && require_nw_proto(m, kIpProtoUdp);
    case Prereq::kSctp:
      return require_dl_type(m, is_ip_any_type, preferred_ip(m)) &&
             require_nw_proto(m, kIpProtoSctp);
    case Prereq::kIcmpv4:
      return require_dl_type(m, is_ipv4_type, kEthTypeIp) && require_nw_proto(m, kIpProtoIcmp);
    case Prereq::kIcmpv6:
      return require_dl_type(m, is_ipv6_type, kEthTypeIpv6) &&
             require_nw_proto(m, kIpProtoIcmpv6);
    case Prereq::kNd:
      // Either ND type will do; it cannot be chosen here, so it must be there.
      return require_dl_type(m, is_ipv6_type, kEthTypeIpv6) &&
             require_nw_proto(m, kIpProtoIcmpv6) && m.mask.tp_src == 0xffff &&
             (m.value.tp_src == be16(kNdSolicitType) || m.value.tp_src == be16(kNdAdvertType));
    case Prereq::kNdSolicit:
      return require_dl_type(m, is_ipv6_type, kEthTypeIpv6) &&
             require_nw_proto(m, kIpProtoIcmpv6) && require_tp_src(m, kNdSolicitType);
    case Prereq::kNdAdvert:
      return require_dl_type(m, is_ipv6_type, kEthTypeIpv6) &&
             require_nw_proto(m, kIpProtoIcmpv6) && require_tp_src(m, kNdAdvertType);
    case Prereq::kCtValid:
      return prereqs_satisfied(f, m);
  }
  return false;
}

}  // namespace dpuflow::dataplane
