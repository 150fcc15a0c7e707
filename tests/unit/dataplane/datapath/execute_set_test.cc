// set / masked set: for every settable header the executor's bytes must
// equal a packet built from scratch with the new values.  PacketBuilder
// computes every checksum afresh, so equality proves the incremental
// checksum updates (RFC 1624) match a full recomputation.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "exec_test_util.h"

namespace dpuflow::dataplane {
namespace {

using namespace test;

constexpr uint32_t kIpA = 0x0a000001, kIpB = 0x0a000002, kIpC = 0xc0a80105;

OdpSet mk(OdpKeyAttr attr, bool masked = true) {
  OdpSet s;
  s.attr = attr;
  s.masked = masked;
  std::memset(static_cast<void*>(&s.key), 0, sizeof s.key);
  std::memset(static_cast<void*>(&s.mask), 0, sizeof s.mask);
  return s;
}
void put_mac(uint8_t* dst, const Mac& m) { std::memcpy(dst, m.data(), 6); }
void put_ip6(uint8_t* dst, const Ip6& a) { std::memcpy(dst, a.data(), 16); }
void ones(void* p, size_t n) { std::memset(p, 0xff, n); }

// Zeroes the UDP checksum at frame offset `at` (a sender that does not
// compute one).
std::vector<uint8_t> no_udp_csum(std::vector<uint8_t> b, size_t at) {
  b[at] = b[at + 1] = 0;
  return b;
}

struct SetCase {
  std::string name;
  std::vector<uint8_t> before;
  OdpSet set;
  std::vector<uint8_t> after;
};

std::vector<SetCase> set_cases() {
  std::vector<SetCase> cs;
  auto tcp4 = [](uint32_t s, uint32_t d, uint8_t ttl = 64, uint8_t tos = 0, Mac src = kMacA,
                 Mac dst = kMacB, uint16_t sp = 40000, uint16_t dp = 80) {
    return PacketBuilder().eth(src, dst).ipv4(s, d, ttl, tos).tcp(sp, dp).payload(13, 0x5a).build();
  };
  {
    OdpSet s = mk(OdpKeyAttr::kEthernet);
    put_mac(s.key.eth.dst, kMacC);
    ones(s.mask.eth.dst, 6);
    cs.push_back({"eth_dst_masked", tcp4(kIpA, kIpB), s, tcp4(kIpA, kIpB, 64, 0, kMacA, kMacC)});
  }
  {
    OdpSet s = mk(OdpKeyAttr::kEthernet, false);
    put_mac(s.key.eth.src, kMacC);
    put_mac(s.key.eth.dst, kMacA);
    cs.push_back({"eth_unmasked", tcp4(kIpA, kIpB), s, tcp4(kIpA, kIpB, 64, 0, kMacC, kMacA)});
  }
  {
    OdpSet s = mk(OdpKeyAttr::kIpv4);
    s.key.ipv4.src = be32(kIpC);
    s.mask.ipv4.src = 0xffffffff;
    cs.push_back({"ipv4_src_tcp", tcp4(kIpA, kIpB), s, tcp4(kIpC, kIpB)});
  }
  {
    OdpSet s = mk(OdpKeyAttr::kIpv4);
    s.key.ipv4.dst = be32(0xc0a80100);
    s.mask.ipv4.dst = be32(0xffffff00);
    cs.push_back({"ipv4_dst_prefix", tcp4(kIpA, 0x0a0000fe), s, tcp4(kIpA, 0xc0a801fe)});
  }
  {
    OdpSet s = mk(OdpKeyAttr::kIpv4);
    s.key.ipv4.tos = 0xb8;
    s.mask.ipv4.tos = 0xfc;  // DSCP only: ECN bits kept
    s.key.ipv4.ttl = 17;
    s.mask.ipv4.ttl = 0xff;
    cs.push_back({"ipv4_tos_ttl", tcp4(kIpA, kIpB, 64, 0x03), s, tcp4(kIpA, kIpB, 17, 0xbb)});
  }
  {
    OdpSet s = mk(OdpKeyAttr::kIpv4, false);
    s.key.ipv4 = {be32(kIpC), be32(kIpA), kIpProtoUdp, 0x20, 9, 3};  // proto/frag ignored
    cs.push_back({"ipv4_unmasked", tcp4(kIpA, kIpB), s, tcp4(kIpC, kIpA, 9, 0x20)});
  }
  {
    auto udp = [](uint32_t d) {
      return PacketBuilder().eth(kMacA, kMacB).ipv4(kIpA, d).udp(5000, 53).payload(20, 1).build();
    };
    OdpSet s = mk(OdpKeyAttr::kIpv4);
    s.key.ipv4.dst = be32(kIpC);
    s.mask.ipv4.dst = 0xffffffff;
    cs.push_back({"ipv4_dst_udp", udp(kIpB), s, udp(kIpC)});
    cs.push_back({"ipv4_dst_udp_zero_csum_stays_zero", no_udp_csum(udp(kIpB), 40), s,
                  no_udp_csum(udp(kIpC), 40)});
  }
  {
    auto icmp = [](uint32_t sip, uint8_t ttl) {
      return PacketBuilder().eth(kMacA, kMacB).ipv4(sip, kIpB, ttl).icmp(8, 0).payload(16).build();
    };
    OdpSet s = mk(OdpKeyAttr::kIpv4);
    s.key.ipv4.src = be32(kIpC);
    s.mask.ipv4.src = 0xffffffff;
    s.key.ipv4.ttl = 1;
    s.mask.ipv4.ttl = 0xff;
    cs.push_back({"ipv4_icmp_no_pseudo_header", icmp(kIpA, 64), s, icmp(kIpC, 1)});
  }
  {
    auto qinq = [](uint32_t sip) {
      return PacketBuilder()
          .eth(kMacA, kMacB)
          .vlan(100, 0, 0x88a8)
          .vlan(7)
          .ipv4(sip, kIpB)
          .tcp(1, 2)
          .payload(5)
          .build();
    };
    OdpSet s = mk(OdpKeyAttr::kIpv4);
    s.key.ipv4.src = be32(kIpC);
    s.mask.ipv4.src = 0xffffffff;
    cs.push_back({"ipv4_behind_two_vlan_tags", qinq(kIpA), s, qinq(kIpC)});
  }
  {
    // A later fragment has no L4 header: its bytes must stay as they are.
    auto frag = [](uint32_t sip) {
      return PacketBuilder()
          .eth(kMacA, kMacB)
          .ipv4(sip, kIpB)
          .fragment(8, false)
          .proto(6)
          .payload(24, 0x77)
          .build();
    };
    OdpSet s = mk(OdpKeyAttr::kIpv4);
    s.key.ipv4.src = be32(kIpC);
    s.mask.ipv4.src = 0xffffffff;
    cs.push_back({"ipv4_later_fragment", frag(kIpA), s, frag(kIpC)});
  }
  auto tcp6 = [](const Ip6& s, const Ip6& d, uint8_t hl = 64, uint32_t label = 0, uint8_t tc = 0) {
    return PacketBuilder()
        .eth(kMacA, kMacB)
        .ipv6(s, d, hl, label)
        .tclass(tc)
        .tcp(40000, 443)
        .payload(9)
        .build();
  };
  {
    OdpSet s = mk(OdpKeyAttr::kIpv6);
    put_ip6(s.key.ipv6.src, kIp6C);
    ones(s.mask.ipv6.src, 16);
    cs.push_back({"ipv6_src_tcp", tcp6(kIp6A, kIp6B), s, tcp6(kIp6C, kIp6B)});
  }
  {
    OdpSet s = mk(OdpKeyAttr::kIpv6);
    s.key.ipv6.label = be32(0xabcde);
    s.mask.ipv6.label = be32(0xfffff);
    s.key.ipv6.tclass = 0x28;
    s.mask.ipv6.tclass = 0xff;
    s.key.ipv6.hlimit = 3;
    s.mask.ipv6.hlimit = 0xff;
    cs.push_back({"ipv6_label_tclass_hlimit", tcp6(kIp6A, kIp6B, 64, 0x12345, 0x01), s,
                  tcp6(kIp6A, kIp6B, 3, 0xabcde, 0x28)});
  }
  {
    OdpSet s = mk(OdpKeyAttr::kIpv6, false);
    put_ip6(s.key.ipv6.src, kIp6B);
    put_ip6(s.key.ipv6.dst, kIp6C);
    s.key.ipv6.label = be32(7);
    s.key.ipv6.tclass = 4;
    s.key.ipv6.hlimit = 255;
    s.key.ipv6.proto = 17;  // ignored
    cs.push_back({"ipv6_unmasked", tcp6(kIp6A, kIp6B), s, tcp6(kIp6B, kIp6C, 255, 7, 4)});
  }
  {
    auto ext = [](const Ip6& d) {
      return PacketBuilder()
          .eth(kMacA, kMacB)
          .ipv6(kIp6A, d)
          .ipv6_ext(0)
          .ipv6_ext(60, 1)
          .udp(1000, 2000)
          .payload(7)
          .build();
    };
    OdpSet s = mk(OdpKeyAttr::kIpv6);
    put_ip6(s.key.ipv6.dst, kIp6C);
    ones(s.mask.ipv6.dst, 16);
    cs.push_back({"ipv6_dst_udp_behind_ext_headers", ext(kIp6B), s, ext(kIp6C)});
  }
  {
    auto echo = [](const Ip6& src) {
      return PacketBuilder().eth(kMacA, kMacB).ipv6(src, kIp6B).icmp6(128, 0).payload(12).build();
    };
    OdpSet s = mk(OdpKeyAttr::kIpv6);
    put_ip6(s.key.ipv6.src, kIp6C);
    ones(s.mask.ipv6.src, 16);
    cs.push_back({"ipv6_src_icmpv6_pseudo_header", echo(kIp6A), s, echo(kIp6C)});
  }
  {
    auto arp = [](uint16_t op, const Mac& sha, uint32_t spa, const Mac& tha, uint32_t tpa) {
      return PacketBuilder().eth(kMacA, kMacB).arp(op, sha, spa, tha, tpa).build();
    };
    OdpSet s = mk(OdpKeyAttr::kArp);
    s.key.arp.op = be16(2);
    s.mask.arp.op = 0xffff;
    put_mac(s.key.arp.sha, kMacC);
    ones(s.mask.arp.sha, 6);
    s.key.arp.tip = be32(kIpC);
    s.mask.arp.tip = 0xffffffff;
    cs.push_back(
        {"arp_masked", arp(1, kMacA, kIpA, Mac{}, kIpB), s, arp(2, kMacC, kIpA, Mac{}, kIpC)});
    OdpSet u = mk(OdpKeyAttr::kArp, false);
    u.key.arp = {be32(kIpB), be32(kIpA), be16(2), {}, {}};
    std::memcpy(u.key.arp.sha, kMacB.data(), 6);
    std::memcpy(u.key.arp.tha, kMacA.data(), 6);
    cs.push_back(
        {"arp_unmasked", arp(1, kMacA, kIpA, Mac{}, kIpB), u, arp(2, kMacB, kIpB, kMacA, kIpA)});
  }
  {
    OdpSet s = mk(OdpKeyAttr::kTcp);
    s.key.ports.dst = be16(8080);
    s.mask.ports.dst = 0xffff;
    cs.push_back(
        {"tcp_dst_ipv4", tcp4(kIpA, kIpB), s, tcp4(kIpA, kIpB, 64, 0, kMacA, kMacB, 40000, 8080)});
    auto t6 = [](uint16_t sp, uint16_t dp) {
      return PacketBuilder().eth(kMacA, kMacB).ipv6(kIp6A, kIp6B).tcp(sp, dp).payload(3).build();
    };
    OdpSet u = mk(OdpKeyAttr::kTcp, false);
    u.key.ports = {be16(1), be16(65535)};
    cs.push_back({"tcp_unmasked_ipv6", t6(40000, 443), u, t6(1, 65535)});
  }
  {
    auto u4 = [](uint16_t sp) {
      return PacketBuilder().eth(kMacA, kMacB).ipv4(kIpA, kIpB).udp(sp, 4789).payload(30).build();
    };
    OdpSet s = mk(OdpKeyAttr::kUdp);
    s.key.ports.src = be16(0x1200);
    s.mask.ports.src = be16(0xff00);
    cs.push_back({"udp_src_partial_mask", u4(0x3456), s, u4(0x1256)});
    cs.push_back({"udp_src_zero_csum_stays_zero", no_udp_csum(u4(0x3456), 40), s,
                  no_udp_csum(u4(0x1256), 40)});
  }
  {
    auto i4 = [](uint8_t t, uint8_t c) {
      return PacketBuilder().eth(kMacA, kMacB).ipv4(kIpA, kIpB).icmp(t, c).payload(8).build();
    };
    OdpSet s = mk(OdpKeyAttr::kIcmp);
    s.key.icmp = {0, 0};
    s.mask.icmp = {0xff, 0};
    cs.push_back({"icmp_type", i4(8, 3), s, i4(0, 3)});
    auto i6 = [](uint8_t t, uint8_t c) {
      return PacketBuilder().eth(kMacA, kMacB).ipv6(kIp6A, kIp6B).icmp6(t, c).payload(8).build();
    };
    OdpSet u = mk(OdpKeyAttr::kIcmpv6, false);
    u.key.icmp = {1, 4};
    cs.push_back({"icmpv6_unmasked", i6(128, 0), u, i6(1, 4)});
  }
  {
    auto ns = [](const Ip6& t, const Mac& sll) {
      return PacketBuilder().eth(kMacA, kMacB).ipv6(kIp6A, kIp6B, 255).nd_ns(t, sll).build();
    };
    OdpSet s = mk(OdpKeyAttr::kNd);
    put_ip6(s.key.nd.target, kIp6C);
    ones(s.mask.nd.target, 16);
    put_mac(s.key.nd.sll, kMacC);
    ones(s.mask.nd.sll, 6);
    cs.push_back({"nd_ns_target_sll", ns(kIp6B, kMacA), s, ns(kIp6C, kMacC)});
    auto na = [](const Ip6& t, const Mac& tll) {
      return PacketBuilder().eth(kMacA, kMacB).ipv6(kIp6A, kIp6B, 255).nd_na(t, tll).build();
    };
    OdpSet u = mk(OdpKeyAttr::kNd, false);
    put_ip6(u.key.nd.target, kIp6A);
    put_mac(u.key.nd.tll, kMacB);
    cs.push_back({"nd_na_unmasked", na(kIp6B, kMacA), u, na(kIp6A, kMacB)});
  }
  // A key for a header the frame does not carry leaves it unchanged.
  {
    auto u4 = PacketBuilder().eth(kMacA, kMacB).ipv4(kIpA, kIpB).udp(1, 2).payload(4).build();
    OdpSet s = mk(OdpKeyAttr::kTcp, false);
    s.key.ports = {be16(7), be16(8)};
    cs.push_back({"tcp_on_udp_is_noop", u4, s, u4});
    OdpSet v6 = mk(OdpKeyAttr::kIpv6, false);
    cs.push_back({"ipv6_on_ipv4_is_noop", u4, v6, u4});
    auto arp = PacketBuilder().eth(kMacA, kMacB).arp(1, kMacA, kIpA, Mac{}, kIpB).build();
    OdpSet v4 = mk(OdpKeyAttr::kIpv4, false);
    cs.push_back({"ipv4_on_arp_is_noop", arp, v4, arp});
  }
  return cs;
}

TEST(ExecuteSet, MatchesPacketsBuiltWithTheNewValues) {
  for (const SetCase& c : set_cases()) {
    SCOPED_TRACE(c.name);
    ASSERT_NE(c.before.size(), 0u);
    Rig rig;
    rig.run({set_action(c.set), output(1)}, c.before);
    ASSERT_EQ(rig.out.outputs.size(), 1u);
    EXPECT_EQ(bytes_of(rig.out.outputs[0].pkt), c.after);
  }
}

TEST(ExecuteSet, CasesActuallyChangeSomething) {
  // Guards the table itself: a case whose before equals its after tests
  // nothing unless it is meant as a no-op.
  for (const SetCase& c : set_cases()) {
    const bool noop = c.name.find("noop") != std::string::npos;
    EXPECT_EQ(c.before == c.after, noop) << c.name;
  }
}

TEST(ExecuteSet, OffsetsFollowVlanPushAndPop) {
  // The executor finds headers in the bytes as they are now, so a set
  // after push_vlan or pop_vlan lands on the moved header.
  OdpSet s = mk(OdpKeyAttr::kIpv4);
  s.key.ipv4.src = be32(kIpC);
  s.mask.ipv4.src = 0xffffffff;
  OdpSet t = mk(OdpKeyAttr::kTcp);
  t.key.ports.src = be16(9);
  t.mask.ports.src = 0xffff;
  auto pkt = [](bool tagged, uint32_t sip, uint16_t sp) {
    PacketBuilder b;
    b.eth(kMacA, kMacB);
    if (tagged) b.vlan(5);
    return b.ipv4(sip, kIpB).tcp(sp, 80).payload(6).build();
  };
  Rig rig;
  rig.run({push_vlan(5), set_action(s), output(1), simple(DpActionType::kPopVlan), set_action(t),
           output(2)},
          pkt(false, kIpA, 1000));
  ASSERT_EQ(rig.out.outputs.size(), 2u);
  EXPECT_EQ(bytes_of(rig.out.outputs[0].pkt), pkt(true, kIpC, 1000));
  EXPECT_EQ(bytes_of(rig.out.outputs[1].pkt), pkt(false, kIpC, 9));
}

TEST(ExecuteSet, Ipv6RoutingHeaderKeepsL4ChecksumForDestination) {
  // With segments left, the pseudo-header carries the final destination,
  // not the address in the IPv6 header: a dst rewrite must not touch L4.
  auto pkt = PacketBuilder()
                 .eth(kMacA, kMacB)
                 .ipv6(kIp6A, kIp6B)
                 .ipv6_ext(43, 2)
                 .tcp(1, 2)
                 .payload(4)
                 .build();
  pkt[14 + 40 + 3] = 1;  // segments left
  const size_t tcp_csum = 14 + 40 + 24 + 16;
  OdpSet s = mk(OdpKeyAttr::kIpv6);
  put_ip6(s.key.ipv6.dst, kIp6C);
  ones(s.mask.ipv6.dst, 16);
  Rig rig;
  rig.run({set_action(s), output(1)}, pkt);
  ASSERT_EQ(rig.out.outputs.size(), 1u);
  auto got = bytes_of(rig.out.outputs[0].pkt);
  EXPECT_EQ(0, std::memcmp(got.data() + 14 + 24, kIp6C.data(), 16));
  EXPECT_EQ(got[tcp_csum], pkt[tcp_csum]);
  EXPECT_EQ(got[tcp_csum + 1], pkt[tcp_csum + 1]);
}

// An independent bitwise CRC32c, to check the executor's table-driven one.
uint32_t crc32c_bitwise(const uint8_t* p, size_t n) {
  uint32_t c = 0xffffffff;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0x82f63b78 & (0u - (c & 1)));
  }
  return ~c;
}
std::vector<uint8_t> sctp_with_crc(uint16_t sp, uint16_t dp, bool corrupt) {
  auto b = PacketBuilder().eth(kMacA, kMacB).ipv4(kIpA, kIpB).sctp(sp, dp).payload(40, 9).build();
  const size_t l4 = 34;
  const uint32_t crc = crc32c_bitwise(b.data() + l4, b.size() - l4);
  for (int i = 0; i < 4; ++i) b[l4 + 8 + i] = static_cast<uint8_t>(crc >> (8 * i));
  if (corrupt) b[l4 + 8] ^= 0x5a;
  return b;
}

TEST(ExecuteSet, SctpPortsKeepTheCrcValidOrInvalidAsItWas) {
  OdpSet s = mk(OdpKeyAttr::kSctp, false);
  s.key.ports = {be16(1111), be16(2222)};
  for (bool corrupt : {false, true}) {
    SCOPED_TRACE(corrupt ? "bad crc stays bad" : "good crc stays good");
    Rig rig;
    rig.run({set_action(s), output(1)}, sctp_with_crc(5000, 6000, corrupt));
    ASSERT_EQ(rig.out.outputs.size(), 1u);
    EXPECT_EQ(bytes_of(rig.out.outputs[0].pkt), sctp_with_crc(1111, 2222, corrupt));
  }
}

TEST(ExecuteSet, UnchangedValueLeavesBytesAlone) {
  // Writing the value a field already has must not disturb a checksum,
  // even a wrong one (OVS writes only on change).
  auto pkt = PacketBuilder().eth(kMacA, kMacB).ipv4(kIpA, kIpB).tcp(1, 2).build();
  pkt[14 + 20 + 16] ^= 0xff;  // a bad TCP checksum
  OdpSet s = mk(OdpKeyAttr::kIpv4);
  s.key.ipv4.src = be32(kIpA);
  s.mask.ipv4.src = 0xffffffff;
  Rig rig;
  rig.run({set_action(s), output(1)}, pkt);
  ASSERT_EQ(rig.out.outputs.size(), 1u);
  EXPECT_EQ(bytes_of(rig.out.outputs[0].pkt), pkt);
}

}  // namespace
}  // namespace dpuflow::dataplane
