#include "dataplane/packet/parse.h"

#include <cstring>

namespace dpuflow::dataplane {

namespace {

// A bounds-checked reader over the packet.
class Cursor {
 public:
  explicit Cursor(std::span<const uint8_t> p) : p_(p) {}
  size_t ofs() const { return ofs_; }
  size_t left() const { return p_.size() - ofs_; }
  bool has(size_t n) const { return left() >= n; }
  const uint8_t* at(size_t rel = 0) const { return p_.data() + ofs_ + rel; }
  void skip(size_t n) { ofs_ += n; }
  uint16_t be16_at(size_t rel) const { return static_cast<uint16_t>(at(rel)[0] << 8 | at(rel)[1]); }
  // Limits the readable bytes to `n` from the current offset (IP lengths).
  void limit(size_t n) { p_ = p_.first(ofs_ + n); }

 private:
  std::span<const uint8_t> p_;
  size_t ofs_ = 0;
};

uint16_t raw16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;  // stays in network order
}
uint32_t raw32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

constexpr uint8_t kIpProtoHopOpts = 0, kIpProtoRouting = 43, kIpProtoFragment = 44,
                  kIpProtoAh = 51, kIpProtoDstOpts = 60;

ParseStatus parse_l4(Cursor& c, FlowKey& k) {
  switch (k.nw_proto) {
    case kIpProtoTcp: {
      if (!c.has(20)) return ParseStatus::kTruncatedL4;
      const size_t off = (c.at()[12] >> 4) * 4u;
      if (off < 20 || off > c.left()) return ParseStatus::kMalformedL4;
      k.tp_src = raw16(c.at(0));
      k.tp_dst = raw16(c.at(2));
      k.tcp_flags = be16(c.be16_at(12) & 0x0fff);
      return ParseStatus::kOk;
    }
    case kIpProtoUdp:
    case kIpProtoSctp: {
      const size_t need = k.nw_proto == kIpProtoUdp ? 8 : 12;
      if (!c.has(need)) return ParseStatus::kTruncatedL4;
      k.tp_src = raw16(c.at(0));
      k.tp_dst = raw16(c.at(2));
      return ParseStatus::kOk;
    }
    case kIpProtoIcmp:
      if (!c.has(8)) return ParseStatus::kTruncatedL4;
      k.tp_src = be16(c.at()[0]);
      k.tp_dst = be16(c.at()[1]);
      return ParseStatus::kOk;
    case kIpProtoIcmpv6: {
      if (!is_ipv6(k)) return ParseStatus::kOk;
      if (!c.has(8)) return ParseStatus::kTruncatedL4;
      const uint8_t type = c.at()[0], code = c.at()[1];
      k.tp_src = be16(type);
      k.tp_dst = be16(code);
      if (code != 0 || (type != 135 && type != 136)) return ParseStatus::kOk;
      // Neighbor discovery: target, then options.
      if (!c.has(24)) return ParseStatus::kTruncatedL4;
      std::memcpy(k.nd_target, c.at(8), 16);
      c.skip(24);
      bool sll = false, tll = false;
      while (c.left() >= 8) {
        const uint8_t opt = c.at()[0];
        const size_t len = c.at()[1] * 8u;
        if (len == 0 || len > c.left()) goto invalid;
        if (opt == 1 && len == 8 && type == 135) {
          if (sll) goto invalid;
          sll = true;
          std::memcpy(k.arp_sha, c.at(2), 6);
        } else if (opt == 2 && len == 8 && type == 136) {
          if (tll) goto invalid;
          tll = true;
          std::memcpy(k.arp_tha, c.at(2), 6);
        }
        c.skip(len);
      }
      return ParseStatus::kOk;
    invalid:
      std::memset(k.nd_target, 0, 16);
      std::memset(k.arp_sha, 0, 6);
      std::memset(k.arp_tha, 0, 6);
      return ParseStatus::kMalformedL4;
    }
    default:
      return ParseStatus::kOk;
  }
}

}  // namespace

const char* ParseResult::reason_name() const {
  switch (status) {
    case ParseStatus::kOk: return "ok";
    case ParseStatus::kTruncatedL2: return "truncated-l2";
    case ParseStatus::kTruncatedVlan: return "truncated-vlan";
    case ParseStatus::kTruncatedL3: return "truncated-l3";
    case ParseStatus::kMalformedL3: return "malformed-l3";
    case ParseStatus::kTruncatedL4: return "truncated-l4";
    case ParseStatus::kMalformedL4: return "malformed-l4";
  }
  return "unknown";
}

ParseResult parse_packet(std::span<const uint8_t> pkt, FlowKey& k) {
  std::memset(reinterpret_cast<uint8_t*>(&k) + kStage1Begin, 0, sizeof k - kStage1Begin);
  k.packet_type = be32(kPtEth);
  ParseResult r;
  Cursor c(pkt);
  if (!c.has(14)) {
    r.status = ParseStatus::kTruncatedL2;
    return r;
  }
  std::memcpy(k.dl_dst, c.at(0), 6);
  std::memcpy(k.dl_src, c.at(6), 6);
  c.skip(12);
  uint16_t type = c.be16_at(0);
  for (int i = 0; i < 2 && (type == kEthTypeVlan8021Q || type == kEthTypeVlan8021AD); ++i) {
    if (!c.has(6)) {
      r.status = ParseStatus::kTruncatedVlan;
      return r;
    }
    k.vlans[i].tpid = be16(type);
    k.vlans[i].tci = be16(c.be16_at(2) | 0x1000);
    c.skip(4);
    type = c.be16_at(0);
  }
  c.skip(2);
  if (type < 0x600) {
    // 802.3: an LLC/SNAP header with a zero OUI carries an Ethertype.
    if (c.has(8) && c.at()[0] == 0xaa && c.at()[1] == 0xaa && c.at()[2] == 0x03 &&
        c.at()[3] == 0 && c.at()[4] == 0 && c.at()[5] == 0) {
      type = c.be16_at(6);
      c.skip(8);
    } else {
      type = kEthTypeNone;
    }
  }
  k.dl_type = be16(type);
  r.l3_ofs = static_cast<uint16_t>(c.ofs());

  if (type == kEthTypeIp) {
    if (!c.has(20)) {
      r.status = ParseStatus::kTruncatedL3;
      return r;
    }
    const size_t ihl = (c.at()[0] & 0x0f) * 4u;
    const size_t tot_len = c.be16_at(2);
    if (ihl < 20 || ihl > c.left() || tot_len < ihl || tot_len > c.left()) {
      r.status = ParseStatus::kMalformedL3;
      return r;
    }
    c.limit(tot_len);  // Ethernet padding is not L4 payload
    k.nw_src = raw32(c.at(12));
    k.nw_dst = raw32(c.at(16));
    k.nw_tos = c.at()[1];
    k.nw_ttl = c.at()[8];
    k.nw_proto = c.at()[9];
    const uint16_t frag = c.be16_at(6);
    if ((frag & 0x3fff) != 0) {  // MF or an offset
      k.nw_frag = kFragAny;
      if ((frag & 0x1fff) != 0) k.nw_frag |= kFragLater;
    }
    c.skip(ihl);
  } else if (type == kEthTypeIpv6) {
    if (!c.has(40)) {
      r.status = ParseStatus::kTruncatedL3;
      return r;
    }
    const size_t plen = c.be16_at(4);
    if (plen > c.left() - 40) {
      r.status = ParseStatus::kMalformedL3;
      return r;
    }
    c.limit(40 + plen);
    const uint32_t vtcfl = c.be16_at(0) << 16 | c.be16_at(2);
    k.nw_tos = static_cast<uint8_t>(vtcfl >> 20);
    k.ipv6_label = be32(vtcfl & 0x000fffff);
    k.nw_ttl = c.at()[7];
    std::memcpy(k.ipv6_src, c.at(8), 16);
    std::memcpy(k.ipv6_dst, c.at(24), 16);
    uint8_t next = c.at()[6];
    c.skip(40);
    // Extension headers, at most a reasonable number of them.
    for (int n = 0; n < 16; ++n) {
      if (next != kIpProtoHopOpts && next != kIpProtoRouting && next != kIpProtoDstOpts &&
          next != kIpProtoAh && next != kIpProtoFragment) {
        break;
      }
      if (!c.has(8)) {
        k.nw_proto = next;
        r.status = ParseStatus::kTruncatedL3;
        return r;
      }
      const uint8_t hdr_next = c.at()[0];
      if (next == kIpProtoFragment) {
        const uint16_t off = c.be16_at(2);
        k.nw_frag = kFragAny;
        if ((off & 0xfff8) != 0) k.nw_frag |= kFragLater;
        c.skip(8);
        next = hdr_next;
        if (k.nw_frag & kFragLater) break;
        continue;
      }
      const size_t len = next == kIpProtoAh ? (c.at()[1] + 2u) * 4u : (c.at()[1] + 1u) * 8u;
      if (len > c.left()) {
        k.nw_proto = next;
        r.status = ParseStatus::kTruncatedL3;
        return r;
      }
      c.skip(len);
      next = hdr_next;
    }
    k.nw_proto = next;
  } else if (type == kEthTypeArp || type == kEthTypeRarp) {
    if (!c.has(28)) {
      r.status = ParseStatus::kTruncatedL3;
      return r;
    }
    // Ethernet/IPv4 ARP only.
    if (c.be16_at(0) == 1 && c.be16_at(2) == kEthTypeIp && c.at()[4] == 6 && c.at()[5] == 4) {
      const uint16_t op = c.be16_at(6);
      if (op <= 0xff) k.nw_proto = static_cast<uint8_t>(op);
      std::memcpy(k.arp_sha, c.at(8), 6);
      k.nw_src = raw32(c.at(14));
      std::memcpy(k.arp_tha, c.at(18), 6);
      k.nw_dst = raw32(c.at(24));
    }
    return r;
  } else {
    return r;
  }
  if (k.nw_frag & kFragLater) return r;  // no L4 header in later fragments
  r.l4_ofs = static_cast<uint16_t>(c.ofs());
  r.status = parse_l4(c, k);
  return r;
}

}  // namespace dpuflow::dataplane
