// set / masked set on packet bytes, with incremental checksum updates, as
// OVS's odp_execute_set_action / odp_execute_masked_set_action do.
//
// Each field is merged as (key & mask) | (old & ~mask) (an unmasked set
// uses an all-ones mask) and written only when it changes; the checksums
// covering it are then adjusted by the difference of the 16-bit words it
// spans (execute_internal.h).  Fields that are not settable (IPv4/IPv6
// proto and frag) are ignored.
//
// Where this differs from OVS on odd packets (documented, deliberate):
// - IPv6 with a routing header that has segments left: OVS skips the L4
//   checksum update for the source address as well; here the source
//   address (which is in the pseudo-header) is still accounted for, and
//   only the destination (replaced by the final hop in the pseudo-header)
//   is not.
// - An IPv6 atomic fragment (offset 0, M=0): OVS leaves the L4 checksum
//   alone; here it is updated since the L4 header is present.
#include <cstring>

#include "dataplane/datapath/execute_internal.h"

namespace dpuflow::dataplane::exec {

namespace {

constexpr uint16_t kEthIp = 0x0800, kEthIpv6 = 0x86dd, kEthArp = 0x0806, kEthRarp = 0x8035;

bool is_vlan_tpid(uint16_t t) { return t == 0x8100 || t == 0x88a8; }

void walk_ipv4(const uint8_t* p, uint32_t len, uint32_t ofs, FrameLayout& fl) {
  if (ofs + 20 > len) return;
  const uint8_t* ip = p + ofs;
  const uint32_t ihl = (ip[0] & 0x0fu) * 4;
  const uint32_t tot = rd16(ip + 2);
  if ((ip[0] >> 4) != 4 || ihl < 20 || ofs + ihl > len || tot < ihl || ofs + tot > len) return;
  fl.l3_ofs = static_cast<uint16_t>(ofs);
  fl.l3_end = ofs + tot;
  fl.nw_proto = ip[9];
  if ((rd16(ip + 6) & 0x1fff) == 0) fl.l4_ofs = static_cast<uint16_t>(ofs + ihl);
}

void walk_ipv6(const uint8_t* p, uint32_t len, uint32_t ofs, FrameLayout& fl) {
  if (ofs + 40 > len) return;
  const uint8_t* ip = p + ofs;
  const uint32_t end = ofs + 40 + rd16(ip + 4);
  if ((ip[0] >> 4) != 6 || end > len) return;
  fl.l3_ofs = static_cast<uint16_t>(ofs);
  fl.l3_end = end;
  uint8_t nh = ip[6];
  uint32_t cur = ofs + 40;
  for (;;) {
    if (nh != 0 && nh != 43 && nh != 60 && nh != 44 && nh != 51) break;
    if (cur + 8 > end) {  // a cut extension header: no L4
      fl.nw_proto = nh;
      return;
    }
    const uint8_t next = p[cur];
    uint32_t hlen = 8;
    if (nh == 44) {
      if ((rd16(p + cur + 2) >> 3) != 0) {  // a later fragment
        fl.nw_proto = next;
        return;
      }
    } else if (nh == 51) {
      hlen = (p[cur + 1] + 2u) * 4;
    } else {
      hlen = (p[cur + 1] + 1u) * 8;
      if (nh == 43 && p[cur + 3] != 0) fl.ipv6_routing = true;
    }
    if (cur + hlen > end) {
      fl.nw_proto = nh;
      return;
    }
    cur += hlen;
    nh = next;
  }
  fl.nw_proto = nh;
  fl.l4_ofs = static_cast<uint16_t>(cur);
}

// A checksum field to adjust: `udp` keeps a zero (absent) checksum zero
// and turns a computed zero into 0xffff.
struct CsumRef {
  uint8_t* at = nullptr;
  bool udp = false;
};

void fix(CsumRef c, uint32_t old_sum, uint32_t new_sum) {
  if (c.at == nullptr || (c.udp && rd16(c.at) == 0)) return;
  csum_replace(c.at, old_sum, new_sum);
  if (c.udp && rd16(c.at) == 0) wr16(c.at, 0xffff);
}

// Writes `n` bytes `nv` at `field`; [span, span + span_n) are the
// checksummed words containing the field (aligned within the checksummed
// data), re-summed for `a` and `b`.
void rewrite(uint8_t* span, size_t span_n, uint8_t* field, const uint8_t* nv, size_t n, CsumRef a,
             CsumRef b = {}) {
  const uint32_t old_sum = csum_add(span, span_n);
  std::memcpy(field, nv, n);
  const uint32_t new_sum = csum_add(span, span_n);
  fix(a, old_sum, new_sum);
  fix(b, old_sum, new_sum);
}

// new = (key & mask) | (old & ~mask) into `out`; true when it differs.
bool merge(const uint8_t* old, const uint8_t* key, const uint8_t* mask, size_t n, uint8_t* out) {
  bool diff = false;
  for (size_t i = 0; i < n; ++i) {
    out[i] = static_cast<uint8_t>((key[i] & mask[i]) | (old[i] & ~mask[i]));
    diff |= out[i] != old[i];
  }
  return diff;
}

// Merges and rewrites a field that is its own checksum span.
void set_field(uint8_t* field, const uint8_t* key, const uint8_t* mask, size_t n, CsumRef a,
               CsumRef b = {}) {
  uint8_t nv[16];
  if (merge(field, key, mask, n, nv)) rewrite(field, n, field, nv, n, a, b);
}

// A one-byte field in the 16-bit word at `word` (its byte `which`, 0 or 1).
void set_byte(uint8_t* word, int which, uint8_t key, uint8_t mask, CsumRef a) {
  uint8_t nv;
  if (merge(word + which, &key, &mask, 1, &nv)) rewrite(word, 2, word + which, &nv, 1, a);
}

// The frame and where its headers are.
struct Frame {
  uint8_t* p;
  uint32_t len;
  FrameLayout fl;

  bool ipv4() const { return fl.eth_type == kEthIp && fl.l3_ofs != kNoOfs; }
  bool ipv6() const { return fl.eth_type == kEthIpv6 && fl.l3_ofs != kNoOfs; }
  uint32_t l4_len() const { return fl.l4_ofs == kNoOfs ? 0 : fl.l3_end - fl.l4_ofs; }
  uint8_t* l3() const { return p + fl.l3_ofs; }
  uint8_t* l4() const { return p + fl.l4_ofs; }
  // The L4 checksum that covers the IP pseudo-header, if there is one.
  CsumRef pseudo_csum() const {
    const uint32_t n = l4_len();
    if (fl.nw_proto == 6 && n >= 20) return {l4() + 16, false};
    if (fl.nw_proto == 17 && n >= 8) return {l4() + 6, true};
    if (fl.nw_proto == 58 && ipv6() && n >= 4) return {l4() + 2, false};
    return {};
  }
};

const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }

void set_eth(Frame& f, const OdpKeyEthernet& k, const OdpKeyEthernet& m) {
  if (f.len < 12) return;
  uint8_t nv[6];
  if (merge(f.p, k.dst, m.dst, 6, nv)) std::memcpy(f.p, nv, 6);
  if (merge(f.p + 6, k.src, m.src, 6, nv)) std::memcpy(f.p + 6, nv, 6);
}

void set_ipv4(Frame& f, const OdpKeyIpv4& k, const OdpKeyIpv4& m) {
  if (!f.ipv4()) return;
  uint8_t* ip = f.l3();
  const CsumRef ip_csum{ip + 10, false};
  const CsumRef l4 = f.pseudo_csum();
  set_field(ip + 12, bytes(&k.src), bytes(&m.src), 4, ip_csum, l4);
  set_field(ip + 16, bytes(&k.dst), bytes(&m.dst), 4, ip_csum, l4);
  set_byte(ip, 1, k.tos, m.tos, ip_csum);
  set_byte(ip + 8, 0, k.ttl, m.ttl, ip_csum);
}

void set_ipv6(Frame& f, const OdpKeyIpv6& k, const OdpKeyIpv6& m) {
  if (!f.ipv6()) return;
  uint8_t* ip = f.l3();
  const CsumRef l4 = f.pseudo_csum();
  set_field(ip + 8, k.src, m.src, 16, l4);
  set_field(ip + 24, k.dst, m.dst, 16, f.fl.ipv6_routing ? CsumRef{} : l4);
  // Traffic class: bits 4..11 of the first word.
  const uint8_t old_tc = static_cast<uint8_t>((ip[0] & 0x0f) << 4 | ip[1] >> 4);
  uint8_t tc;
  if (merge(&old_tc, &k.tclass, &m.tclass, 1, &tc)) {
    ip[0] = static_cast<uint8_t>((ip[0] & 0xf0) | tc >> 4);
    ip[1] = static_cast<uint8_t>((ip[1] & 0x0f) | (tc & 0x0f) << 4);
  }
  // Flow label: the low 20 bits of the first word (be32 in the key).
  uint8_t lmask[4];
  std::memcpy(lmask, &m.label, 4);
  lmask[0] = 0;
  lmask[1] &= 0x0f;
  uint8_t nv[4];
  if (merge(ip, bytes(&k.label), lmask, 4, nv)) std::memcpy(ip, nv, 4);
  uint8_t hl;
  if (merge(ip + 7, &k.hlimit, &m.hlimit, 1, &hl)) ip[7] = hl;
}

void set_arp(Frame& f, const OdpKeyArp& k, const OdpKeyArp& m) {
  if ((f.fl.eth_type != kEthArp && f.fl.eth_type != kEthRarp) || f.fl.l3_ofs == kNoOfs) return;
  uint8_t* a = f.l3();
  set_field(a + 6, bytes(&k.op), bytes(&m.op), 2, {});
  set_field(a + 8, k.sha, m.sha, 6, {});
  set_field(a + 14, bytes(&k.sip), bytes(&m.sip), 4, {});
  set_field(a + 18, k.tha, m.tha, 6, {});
  set_field(a + 24, bytes(&k.tip), bytes(&m.tip), 4, {});
}

void set_ports(Frame& f, const OdpKeyPorts& k, const OdpKeyPorts& m, CsumRef c) {
  set_field(f.l4(), bytes(&k.src), bytes(&m.src), 2, c);
  set_field(f.l4() + 2, bytes(&k.dst), bytes(&m.dst), 2, c);
}

void set_tcp(Frame& f, const OdpKeyPorts& k, const OdpKeyPorts& m) {
  if (!(f.ipv4() || f.ipv6()) || f.fl.nw_proto != 6 || f.l4_len() < 20) return;
  const uint32_t doff = (f.l4()[12] >> 4) * 4u;
  if (doff < 20 || doff > f.l4_len()) return;
  set_ports(f, k, m, {f.l4() + 16, false});
}

void set_udp(Frame& f, const OdpKeyPorts& k, const OdpKeyPorts& m) {
  if (!(f.ipv4() || f.ipv6()) || f.fl.nw_proto != 17 || f.l4_len() < 8) return;
  set_ports(f, k, m, {f.l4() + 6, true});
}

// CRC32c (Castagnoli, reflected), as SCTP uses (RFC 9260 appendix A).
struct Crc32cTable {
  uint32_t t[256];
  constexpr Crc32cTable() : t() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int j = 0; j < 8; ++j) c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
      t[i] = c;
    }
  }
};
constexpr Crc32cTable kCrc32c;

uint32_t crc32c(const uint8_t* p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; ++i) c = kCrc32c.t[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return ~c;
}

// SCTP: OVS keeps the checksum as wrong as it was: new = old ^ crc(before)
// ^ crc(after), with the CRC stored least significant byte first.
void set_sctp(Frame& f, const OdpKeyPorts& k, const OdpKeyPorts& m) {
  if (!(f.ipv4() || f.ipv6()) || f.fl.nw_proto != 132 || f.l4_len() < 12) return;
  uint8_t* s = f.l4();
  uint8_t ns[4];
  const bool d1 = merge(s, bytes(&k.src), bytes(&m.src), 2, ns);
  const bool d2 = merge(s + 2, bytes(&k.dst), bytes(&m.dst), 2, ns + 2);
  if (!d1 && !d2) return;
  uint8_t old_csum[4];
  std::memcpy(old_csum, s + 8, 4);
  std::memset(s + 8, 0, 4);
  const uint32_t before = crc32c(s, f.l4_len());
  std::memcpy(s, ns, 4);
  const uint32_t after = crc32c(s, f.l4_len());
  const uint32_t delta = before ^ after;
  for (int i = 0; i < 4; ++i) s[8 + i] = static_cast<uint8_t>(old_csum[i] ^ (delta >> (8 * i)));
}

void set_icmp(Frame& f, const OdpKeyIcmp& k, const OdpKeyIcmp& m, bool v6) {
  if (v6 ? (!f.ipv6() || f.fl.nw_proto != 58) : (!f.ipv4() || f.fl.nw_proto != 1)) return;
  if (f.l4_len() < 8) return;
  uint8_t* h = f.l4();
  const uint8_t key[2] = {k.type, k.code}, mask[2] = {m.type, m.code};
  set_field(h, key, mask, 2, {h + 2, false});
}

void set_nd(Frame& f, const OdpKeyNd& k, const OdpKeyNd& m) {
  if (!f.ipv6() || f.fl.nw_proto != 58 || f.l4_len() < 24) return;
  uint8_t* h = f.l4();
  if ((h[0] != 135 && h[0] != 136) || h[1] != 0) return;
  const CsumRef c{h + 2, false};
  set_field(h + 8, k.target, m.target, 16, c);
  // The first source or target link-layer address option (OVS rewrites
  // only that one: a packet carries at most one).
  uint32_t at = f.fl.l4_ofs + 24u;
  while (at + 8 <= f.fl.l3_end && f.p[at + 1] != 0) {
    uint8_t* opt = f.p + at;
    if (opt[1] == 1 && (opt[0] == 1 || opt[0] == 2)) {
      set_field(opt + 2, opt[0] == 1 ? k.sll : k.tll, opt[0] == 1 ? m.sll : m.tll, 6, c);
      break;
    }
    at += opt[1] * 8u;
  }
}

OdpKey all_ones() {
  OdpKey k;
  std::memset(&k, 0xff, sizeof k);
  return k;
}
const OdpKey kAllOnes = all_ones();  // the mask of an unmasked set

}  // namespace

void walk_frame(const uint8_t* p, uint32_t len, FrameLayout& fl) {
  fl = FrameLayout{};
  if (len < 14 || len > UINT16_MAX) return;
  uint32_t ofs = 12;  // at the Ethertype
  uint16_t type = rd16(p + ofs);
  for (int i = 0; i < 2 && is_vlan_tpid(type); ++i) {
    if (ofs + 6 > len) return;
    ofs += 4;
    type = rd16(p + ofs);
  }
  ofs += 2;
  if (type < 0x600 || is_vlan_tpid(type)) return;
  fl.eth_type = type;
  if (type == kEthIp) {
    walk_ipv4(p, len, ofs, fl);
  } else if (type == kEthIpv6) {
    walk_ipv6(p, len, ofs, fl);
  } else if (type == kEthArp || type == kEthRarp) {
    const uint8_t* a = p + ofs;
    if (ofs + 28 <= len && rd16(a) == 1 && rd16(a + 2) == kEthIp && a[4] == 6 && a[5] == 4) {
      fl.l3_ofs = static_cast<uint16_t>(ofs);
      fl.l3_end = ofs + 28;
    }
  }
}

void execute_set(const OdpSet& s, DpPacket& pkt) {
  Frame f{pkt.data, pkt.len, {}};
  walk_frame(f.p, f.len, f.fl);
  const OdpKey& k = s.key;
  const OdpKey& m = s.masked ? s.mask : kAllOnes;
  switch (s.attr) {
    case OdpKeyAttr::kEthernet:
      set_eth(f, k.eth, m.eth);
      break;
    case OdpKeyAttr::kIpv4:
      set_ipv4(f, k.ipv4, m.ipv4);
      break;
    case OdpKeyAttr::kIpv6:
      set_ipv6(f, k.ipv6, m.ipv6);
      break;
    case OdpKeyAttr::kArp:
      set_arp(f, k.arp, m.arp);
      break;
    case OdpKeyAttr::kTcp:
      set_tcp(f, k.ports, m.ports);
      break;
    case OdpKeyAttr::kUdp:
      set_udp(f, k.ports, m.ports);
      break;
    case OdpKeyAttr::kSctp:
      set_sctp(f, k.ports, m.ports);
      break;
    case OdpKeyAttr::kIcmp:
      set_icmp(f, k.icmp, m.icmp, false);
      break;
    case OdpKeyAttr::kIcmpv6:
      set_icmp(f, k.icmp, m.icmp, true);
      break;
    case OdpKeyAttr::kNd:
      set_nd(f, k.nd, m.nd);
      break;
  }
}

}  // namespace dpuflow::dataplane::exec
