#include "dataplane/packet/builder.h"

#include <cstring>

namespace dpuflow::dataplane {

namespace {

void put16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}
void put32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  put16(b, at, static_cast<uint16_t>(v >> 16));
  put16(b, at + 2, static_cast<uint16_t>(v));
}
uint32_t sum16(const uint8_t* p, size_t n, uint32_t acc = 0) {
  for (size_t i = 0; i + 1 < n; i += 2) acc += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (n % 2) acc += static_cast<uint32_t>(p[n - 1] << 8);
  return acc;
}
uint16_t fold(uint32_t acc) {
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<uint16_t>(~acc);
}

}  // namespace

PacketBuilder& PacketBuilder::add(L kind, std::vector<uint8_t> bytes) {
  layers_.push_back(Layer{kind, std::move(bytes)});
  return *this;
}

PacketBuilder& PacketBuilder::eth(const Mac& src, const Mac& dst) {
  std::vector<uint8_t> b(14);
  std::memcpy(b.data(), dst.data(), 6);
  std::memcpy(b.data() + 6, src.data(), 6);
  return add(L::kEth, b);  // the Ethertype is filled by build()
}

PacketBuilder& PacketBuilder::vlan(uint16_t vid, uint8_t pcp, uint16_t tpid) {
  std::vector<uint8_t> b(4);
  put16(b, 0, tpid);
  put16(b, 2, static_cast<uint16_t>(pcp << 13 | (vid & 0x0fff)));
  return add(L::kVlan, b);
}

PacketBuilder& PacketBuilder::ipv4(uint32_t src, uint32_t dst, uint8_t ttl, uint8_t tos) {
  std::vector<uint8_t> b(20);
  b[0] = 0x45;
  b[1] = tos;
  b[8] = ttl;
  put32(b, 12, src);
  put32(b, 16, dst);
  return add(L::kIpv4, b);
}

PacketBuilder& PacketBuilder::fragment(uint16_t offset8, bool more) {
  for (auto it = layers_.rbegin(); it != layers_.rend(); ++it) {
    if (it->kind == L::kIpv4) {
      put16(it->bytes, 6, static_cast<uint16_t>((more ? 0x2000 : 0) | (offset8 & 0x1fff)));
      break;
    }
  }
  return *this;
}

PacketBuilder& PacketBuilder::ipv6(const Ip6& src, const Ip6& dst, uint8_t hlimit,
                                   uint32_t label) {
  std::vector<uint8_t> b(40);
  put32(b, 0, 0x60000000u | (label & 0xfffff));
  b[7] = hlimit;
  std::memcpy(b.data() + 8, src.data(), 16);
  std::memcpy(b.data() + 24, dst.data(), 16);
  return add(L::kIpv6, b);
}

PacketBuilder& PacketBuilder::ipv6_ext(uint8_t type, uint8_t len8) {
  std::vector<uint8_t> b(8 * (len8 + 1u));
  b[1] = len8;
  Layer l{L::kIpv6Ext, b};
  l.bytes.push_back(type);  // remembered in a trailing byte, removed by build()
  layers_.push_back(std::move(l));
  return *this;
}

PacketBuilder& PacketBuilder::tclass(uint8_t tc) {
  for (auto it = layers_.rbegin(); it != layers_.rend(); ++it) {
    if (it->kind == L::kIpv6) {
      it->bytes[0] = static_cast<uint8_t>(0x60 | tc >> 4);
      it->bytes[1] = static_cast<uint8_t>((tc & 0x0f) << 4 | (it->bytes[1] & 0x0f));
      break;
    }
  }
  return *this;
}

PacketBuilder& PacketBuilder::ipv6_fragment(uint16_t offset8, bool more) {
  ipv6_ext(44, 0);
  put16(layers_.back().bytes, 2, static_cast<uint16_t>(offset8 << 3 | (more ? 1 : 0)));
  return *this;
}

PacketBuilder& PacketBuilder::proto(uint8_t nw_proto) {
  for (auto it = layers_.rbegin(); it != layers_.rend(); ++it) {
    if (it->kind == L::kIpv4) {
      it->bytes[9] = nw_proto;
      break;
    }
    if (it->kind == L::kIpv6) {
      it->bytes[6] = nw_proto;
      break;
    }
    if (it->kind == L::kIpv6Ext) {
      it->bytes[0] = nw_proto;
      break;
    }
  }
  return *this;
}

PacketBuilder& PacketBuilder::tcp(uint16_t sport, uint16_t dport, uint16_t flags) {
  std::vector<uint8_t> b(20);
  put16(b, 0, sport);
  put16(b, 2, dport);
  put16(b, 12, static_cast<uint16_t>(5 << 12 | (flags & 0x0fff)));
  put16(b, 14, 65535);
  return add(L::kTcp, b);
}

PacketBuilder& PacketBuilder::udp(uint16_t sport, uint16_t dport) {
  std::vector<uint8_t> b(8);
  put16(b, 0, sport);
  put16(b, 2, dport);
  return add(L::kUdp, b);
}

PacketBuilder& PacketBuilder::sctp(uint16_t sport, uint16_t dport) {
  std::vector<uint8_t> b(12);
  put16(b, 0, sport);
  put16(b, 2, dport);
  return add(L::kSctp, b);
}

PacketBuilder& PacketBuilder::icmp(uint8_t type, uint8_t code) {
  std::vector<uint8_t> b(8);
  b[0] = type;
  b[1] = code;
  return add(L::kIcmp, b);
}

PacketBuilder& PacketBuilder::icmp6(uint8_t type, uint8_t code) {
  std::vector<uint8_t> b(8);
  b[0] = type;
  b[1] = code;
  return add(L::kIcmp6, b);
}

PacketBuilder& PacketBuilder::nd_ns(const Ip6& target, const Mac& sll) {
  std::vector<uint8_t> b(32);
  b[0] = 135;
  std::memcpy(b.data() + 8, target.data(), 16);
  b[24] = 1;
  b[25] = 1;
  std::memcpy(b.data() + 26, sll.data(), 6);
  return add(L::kIcmp6, b);
}

PacketBuilder& PacketBuilder::nd_na(const Ip6& target, const Mac& tll) {
  std::vector<uint8_t> b(32);
  b[0] = 136;
  b[4] = 0x60;  // solicited, override
  std::memcpy(b.data() + 8, target.data(), 16);
  b[24] = 2;
  b[25] = 1;
  std::memcpy(b.data() + 26, tll.data(), 6);
  return add(L::kIcmp6, b);
}

PacketBuilder& PacketBuilder::arp(uint16_t op, const Mac& sha, uint32_t spa, const Mac& tha,
                                  uint32_t tpa) {
  std::vector<uint8_t> b(28);
  put16(b, 0, 1);
  put16(b, 2, 0x0800);
  b[4] = 6;
  b[5] = 4;
  put16(b, 6, op);
  std::memcpy(b.data() + 8, sha.data(), 6);
  put32(b, 14, spa);
  std::memcpy(b.data() + 18, tha.data(), 6);
  put32(b, 24, tpa);
  return add(L::kArp, b);
}

PacketBuilder& PacketBuilder::geneve(uint32_t vni, const std::vector<GeneveOpt>& opts) {
  std::vector<uint8_t> b(8);
  size_t opt_len = 0;
  for (const GeneveOpt& o : opts) opt_len += 4 + o.data.size();
  b[0] = static_cast<uint8_t>(opt_len / 4);  // version 0
  put16(b, 2, 0x6558);                       // Ethernet payload
  put32(b, 4, vni << 8);
  for (const GeneveOpt& o : opts) {
    const size_t at = b.size();
    b.resize(at + 4 + o.data.size());
    put16(b, at, o.opt_class);
    b[at + 2] = o.type;
    b[at + 3] = static_cast<uint8_t>(o.data.size() / 4);
    std::memcpy(b.data() + at + 4, o.data.data(), o.data.size());
  }
  return add(L::kTunnel, b);
}

PacketBuilder& PacketBuilder::vxlan(uint32_t vni) {
  std::vector<uint8_t> b(8);
  b[0] = 0x08;  // VNI present
  put32(b, 4, vni << 8);
  return add(L::kTunnel, b);
}

PacketBuilder& PacketBuilder::payload(size_t n, uint8_t fill) {
  return add(L::kPayload, std::vector<uint8_t>(n, fill));
}

std::vector<uint8_t> PacketBuilder::build() const {
  std::vector<Layer> ls = layers_;
  // Link each header to the next: Ethertypes, IP protocols.
  auto proto_of = [](const Layer& l) -> int {
    switch (l.kind) {
      case L::kTcp: return 6;
      case L::kUdp: return 17;
      case L::kSctp: return 132;
      case L::kIcmp: return 1;
      case L::kIcmp6: return 58;
      case L::kIpv6Ext: return l.bytes.back();
      default: return -1;
    }
  };
  for (size_t i = 0; i < ls.size(); ++i) {
    const Layer* next = i + 1 < ls.size() ? &ls[i + 1] : nullptr;
    uint16_t ethertype = 0;
    if (next != nullptr) {
      if (next->kind == L::kVlan) ethertype = static_cast<uint16_t>(next->bytes[0] << 8 | next->bytes[1]);
      if (next->kind == L::kIpv4) ethertype = 0x0800;
      if (next->kind == L::kIpv6) ethertype = 0x86dd;
      if (next->kind == L::kArp) ethertype = 0x0806;
    }
    if (ls[i].kind == L::kEth && ethertype != 0) put16(ls[i].bytes, 12, ethertype);
    if (ls[i].kind == L::kVlan) {
      // A tag's own TPID was written by vlan(); it carries the next type.
      std::vector<uint8_t> tci(ls[i].bytes.begin() + 2, ls[i].bytes.end());
      ls[i].bytes = {tci[0], tci[1], static_cast<uint8_t>(ethertype >> 8),
                     static_cast<uint8_t>(ethertype)};
    }
    if (next != nullptr && proto_of(*next) >= 0) {
      const uint8_t p = static_cast<uint8_t>(proto_of(*next));
      if (ls[i].kind == L::kIpv4) ls[i].bytes[9] = p;
      if (ls[i].kind == L::kIpv6) ls[i].bytes[6] = p;
      if (ls[i].kind == L::kIpv6Ext) ls[i].bytes[0] = p;
    }
  }
  for (Layer& l : ls) {
    if (l.kind == L::kIpv6Ext) l.bytes.pop_back();
  }
  std::vector<uint8_t> out;
  std::vector<size_t> start(ls.size());
  for (size_t i = 0; i < ls.size(); ++i) {
    start[i] = out.size();
    out.insert(out.end(), ls[i].bytes.begin(), ls[i].bytes.end());
  }
  // Lengths and checksums, innermost first.
  for (size_t i = ls.size(); i-- > 0;) {
    const size_t s = start[i], len = out.size() - s;
    uint8_t* h = out.data() + s;
    auto ip_pseudo = [&](uint8_t proto) -> uint32_t {
      for (size_t j = i; j-- > 0;) {
        const uint8_t* ip = out.data() + start[j];
        if (ls[j].kind == L::kIpv4) {
          return sum16(ip + 12, 8) + proto + static_cast<uint32_t>(len);
        }
        if (ls[j].kind == L::kIpv6) {
          return sum16(ip + 8, 32) + proto + static_cast<uint32_t>(len);
        }
      }
      return 0;
    };
    switch (ls[i].kind) {
      case L::kIpv4: {
        h[2] = static_cast<uint8_t>(len >> 8);
        h[3] = static_cast<uint8_t>(len);
        h[10] = h[11] = 0;
        const uint16_t c = fold(sum16(h, 20));
        h[10] = static_cast<uint8_t>(c >> 8);
        h[11] = static_cast<uint8_t>(c);
        break;
      }
      case L::kIpv6:
        h[4] = static_cast<uint8_t>((len - 40) >> 8);
        h[5] = static_cast<uint8_t>(len - 40);
        break;
      case L::kUdp:
      case L::kTcp:
      case L::kIcmp:
      case L::kIcmp6: {
        const bool udp = ls[i].kind == L::kUdp;
        const size_t csum_at = udp ? 6 : ls[i].kind == L::kTcp ? 16 : 2;
        if (udp) {
          h[4] = static_cast<uint8_t>(len >> 8);
          h[5] = static_cast<uint8_t>(len);
        }
        h[csum_at] = h[csum_at + 1] = 0;
        const uint32_t pseudo =
            ls[i].kind == L::kIcmp ? 0 : ip_pseudo(static_cast<uint8_t>(proto_of(ls[i])));
        uint16_t c = fold(sum16(h, len, pseudo));
        if (udp && c == 0) c = 0xffff;
        h[csum_at] = static_cast<uint8_t>(c >> 8);
        h[csum_at + 1] = static_cast<uint8_t>(c);
        break;
      }
      default:
        break;
    }
  }
  return out;
}

}  // namespace dpuflow::dataplane
