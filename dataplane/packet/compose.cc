#include <cstring>

#include "dataplane/flow/flow_key.h"
#include "dataplane/packet/builder.h"

namespace dpuflow::dataplane {

namespace {

Mac mac(const uint8_t* p) {
  Mac m;
  std::memcpy(m.data(), p, 6);
  return m;
}
Ip6 ip6(const uint8_t* p) {
  Ip6 a;
  std::memcpy(a.data(), p, 16);
  return a;
}

}  // namespace

std::vector<uint8_t> compose_packet(const FlowKey& k, size_t payload) {
  PacketBuilder b;
  b.eth(mac(k.dl_src), mac(k.dl_dst));
  for (const VlanHdr& v : k.vlans) {
    if ((v.tci & be16(0x1000)) == 0) break;
    const uint16_t tci = host16(v.tci);
    b.vlan(tci & 0x0fff, static_cast<uint8_t>(tci >> 13),
           v.tpid != 0 ? host16(v.tpid) : kEthTypeVlan8021Q);
  }
  const uint16_t type = host16(k.dl_type);
  const bool later = (k.nw_frag & kFragLater) != 0;
  if (type == kEthTypeArp || type == kEthTypeRarp) {
    b.arp(k.nw_proto, mac(k.arp_sha), host32(k.nw_src), mac(k.arp_tha), host32(k.nw_dst));
  } else if (type == kEthTypeIp) {
    b.ipv4(host32(k.nw_src), host32(k.nw_dst), k.nw_ttl, k.nw_tos);
    if (k.nw_frag & kFragAny) b.fragment(later ? 1 : 0, !later);
  } else if (type == kEthTypeIpv6) {
    b.ipv6(ip6(k.ipv6_src), ip6(k.ipv6_dst), k.nw_ttl, host32(k.ipv6_label));
    b.tclass(k.nw_tos);
    if (k.nw_frag & kFragAny) b.ipv6_fragment(later ? 1 : 0, !later);
  }
  const bool l3 = type == kEthTypeIp || type == kEthTypeIpv6;
  if (l3 && !later) {
    switch (k.nw_proto) {
      case kIpProtoTcp:
        b.tcp(host16(k.tp_src), host16(k.tp_dst), host16(k.tcp_flags));
        break;
      case kIpProtoUdp:
        b.udp(host16(k.tp_src), host16(k.tp_dst));
        break;
      case kIpProtoSctp:
        b.sctp(host16(k.tp_src), host16(k.tp_dst));
        break;
      case kIpProtoIcmp:
        b.icmp(static_cast<uint8_t>(host16(k.tp_src)), static_cast<uint8_t>(host16(k.tp_dst)));
        break;
      case kIpProtoIcmpv6: {
        const auto t = static_cast<uint8_t>(host16(k.tp_src));
        const auto c = static_cast<uint8_t>(host16(k.tp_dst));
        if (type == kEthTypeIpv6 && c == 0 && t == 135) {
          b.nd_ns(ip6(k.nd_target), mac(k.arp_sha));
          payload = 0;  // bytes after the options would parse as a bad option
        } else if (type == kEthTypeIpv6 && c == 0 && t == 136) {
          b.nd_na(ip6(k.nd_target), mac(k.arp_tha));
          payload = 0;
        } else {
          b.icmp6(t, c);
        }
        break;
      }
      default:
        b.proto(k.nw_proto);
        break;
    }
  } else if (l3) {
    b.proto(k.nw_proto);
  }
  if (payload != 0) b.payload(payload);
  return b.build();
}

}  // namespace dpuflow::dataplane
