// Packet parser: each protocol built with the PacketBuilder parses into the
// FlowKey fields OVS's miniflow_extract() would give (expected values come
// from what the test built, not from the parser); every truncation of a
// packet parses without reading past the buffer (ASan in CI) and with a
// non-ok status; malformed headers stop extraction at their layer.
#include "dataplane/packet/parse.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <random>

#include "dataplane/packet/builder.h"

namespace dpuflow::dataplane {
namespace {

const Mac kA = {0, 0, 0, 0, 1, 1}, kB = {0, 0, 0, 0, 1, 2};
const Ip6 k6A = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11};
const Ip6 k6B = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12};
constexpr uint32_t kIpA = 0x0a00010b, kIpB = 0x0a00010c;  // 10.0.1.11, 10.0.1.12

FlowKey parse(const std::vector<uint8_t>& p, ParseResult* r = nullptr) {
  FlowKey k{};
  ParseResult res = parse_packet(p, k);
  if (r != nullptr) *r = res;
  return k;
}

TEST(PacketParse, EthernetIpv4Tcp) {
  auto p = PacketBuilder().eth(kA, kB).ipv4(kIpA, kIpB, 64, 0x2e).tcp(40000, 80, kTcpSyn)
               .payload(10).build();
  ASSERT_EQ(p.size(), 14u + 20 + 20 + 10);
  ParseResult r;
  FlowKey k = parse(p, &r);
  EXPECT_TRUE(r.ok()) << r.reason_name();
  EXPECT_EQ(0, std::memcmp(k.dl_src, kA.data(), 6));
  EXPECT_EQ(0, std::memcmp(k.dl_dst, kB.data(), 6));
  EXPECT_EQ(host16(k.dl_type), kEthTypeIp);
  EXPECT_EQ(host32(k.nw_src), kIpA);
  EXPECT_EQ(host32(k.nw_dst), kIpB);
  EXPECT_EQ(k.nw_proto, kIpProtoTcp);
  EXPECT_EQ(k.nw_ttl, 64);
  EXPECT_EQ(k.nw_tos, 0x2e);
  EXPECT_EQ(k.nw_frag, 0);
  EXPECT_EQ(host16(k.tp_src), 40000);
  EXPECT_EQ(host16(k.tp_dst), 80);
  EXPECT_EQ(host16(k.tcp_flags), kTcpSyn);
  EXPECT_EQ(r.l3_ofs, 14);
  EXPECT_EQ(r.l4_ofs, 34);
}

TEST(PacketParse, Ipv4HeaderChecksumIsValid) {
  auto p = PacketBuilder().eth(kA, kB).ipv4(kIpA, kIpB).udp(1, 2).payload(3).build();
  uint32_t sum = 0;
  for (int i = 14; i < 34; i += 2) sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  EXPECT_EQ(sum, 0xffffu);
}

TEST(PacketParse, DoubleVlanAndUdp6) {
  auto p = PacketBuilder().eth(kA, kB).vlan(100, 3, 0x88a8).vlan(10, 5).ipv6(k6A, k6B, 7, 0x12345)
               .udp(5000, 53).build();
  ParseResult r;
  FlowKey k = parse(p, &r);
  EXPECT_TRUE(r.ok()) << r.reason_name();
  EXPECT_EQ(host16(k.vlans[0].tpid), 0x88a8);
  EXPECT_EQ(host16(k.vlans[0].tci), 0x1000 | 3 << 13 | 100);
  EXPECT_EQ(host16(k.vlans[1].tpid), 0x8100);
  EXPECT_EQ(host16(k.vlans[1].tci), 0x1000 | 5 << 13 | 10);
  EXPECT_EQ(host16(k.dl_type), kEthTypeIpv6);
  EXPECT_EQ(0, std::memcmp(k.ipv6_src, k6A.data(), 16));
  EXPECT_EQ(0, std::memcmp(k.ipv6_dst, k6B.data(), 16));
  EXPECT_EQ(host32(k.ipv6_label), 0x12345u);
  EXPECT_EQ(k.nw_ttl, 7);
  EXPECT_EQ(k.nw_proto, kIpProtoUdp);
  EXPECT_EQ(host16(k.tp_dst), 53);
}

TEST(PacketParse, Ipv6ExtensionHeadersAndFragments) {
  auto p = PacketBuilder().eth(kA, kB).ipv6(k6A, k6B).ipv6_ext(0, 0).ipv6_ext(60, 1)
               .tcp(1, 2).build();
  ParseResult r;
  FlowKey k = parse(p, &r);
  EXPECT_TRUE(r.ok()) << r.reason_name();
  EXPECT_EQ(k.nw_proto, kIpProtoTcp);
  EXPECT_EQ(host16(k.tp_dst), 2);
  // A later IPv4 fragment has no L4 header.
  auto f = PacketBuilder().eth(kA, kB).ipv4(kIpA, kIpB).udp(7, 8).build();
  auto later = PacketBuilder().eth(kA, kB).ipv4(kIpA, kIpB).fragment(100, false).udp(7, 8).build();
  auto first = PacketBuilder().eth(kA, kB).ipv4(kIpA, kIpB).fragment(0, true).udp(7, 8).build();
  EXPECT_EQ(parse(f).nw_frag, 0);
  FlowKey kl = parse(later);
  EXPECT_EQ(kl.nw_frag, kFragAny | kFragLater);
  EXPECT_EQ(kl.tp_src, 0);
  FlowKey kf = parse(first);
  EXPECT_EQ(kf.nw_frag, kFragAny);
  EXPECT_EQ(host16(kf.tp_src), 7);
}

TEST(PacketParse, ArpAndNeighborDiscovery) {
  auto a = PacketBuilder().eth(kA, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
               .arp(1, kA, kIpA, {}, kIpB).build();
  FlowKey k = parse(a);
  EXPECT_EQ(host16(k.dl_type), kEthTypeArp);
  EXPECT_EQ(k.nw_proto, 1);
  EXPECT_EQ(host32(k.nw_src), kIpA);
  EXPECT_EQ(host32(k.nw_dst), kIpB);
  EXPECT_EQ(0, std::memcmp(k.arp_sha, kA.data(), 6));
  auto ns = PacketBuilder().eth(kA, kB).ipv6(k6A, k6B, 255).nd_ns(k6B, kA).build();
  ParseResult r;
  k = parse(ns, &r);
  EXPECT_TRUE(r.ok()) << r.reason_name();
  EXPECT_EQ(k.nw_proto, kIpProtoIcmpv6);
  EXPECT_EQ(host16(k.tp_src), 135);
  EXPECT_EQ(0, std::memcmp(k.nd_target, k6B.data(), 16));
  EXPECT_EQ(0, std::memcmp(k.arp_sha, kA.data(), 6));
  auto na = PacketBuilder().eth(kA, kB).ipv6(k6A, k6B, 255).nd_na(k6A, kB).build();
  k = parse(na);
  EXPECT_EQ(host16(k.tp_src), 136);
  EXPECT_EQ(0, std::memcmp(k.arp_tha, kB.data(), 6));
  // An option of length 0 is malformed: OVS clears the ND fields.
  auto bad = ns;
  bad[bad.size() - 7] = 0;
  k = parse(bad, &r);
  EXPECT_EQ(r.status, ParseStatus::kMalformedL4);
  const uint8_t zero[16] = {};
  EXPECT_EQ(0, std::memcmp(k.nd_target, zero, 16));
}

TEST(PacketParse, Icmp) {
  auto p = PacketBuilder().eth(kA, kB).ipv4(kIpA, kIpB).icmp(8, 0).payload(56).build();
  FlowKey k = parse(p);
  EXPECT_EQ(k.nw_proto, kIpProtoIcmp);
  EXPECT_EQ(host16(k.tp_src), 8);
  EXPECT_EQ(host16(k.tp_dst), 0);
}

TEST(PacketParse, MalformedIpv4StopsAtL3) {
  auto p = PacketBuilder().eth(kA, kB).ipv4(kIpA, kIpB).tcp(1, 2).build();
  auto bad_ihl = p;
  bad_ihl[14] = 0x44;  // IHL 4 < 5
  ParseResult r;
  FlowKey k = parse(bad_ihl, &r);
  EXPECT_EQ(r.status, ParseStatus::kMalformedL3);
  EXPECT_EQ(host16(k.dl_type), kEthTypeIp);
  EXPECT_EQ(k.nw_src, 0u);
  auto long_len = p;
  long_len[16] = 0x7f;  // total length beyond the buffer
  parse(long_len, &r);
  EXPECT_EQ(r.status, ParseStatus::kMalformedL3);
  // Ethernet padding after a short IPv4 packet is not L4.
  auto padded = PacketBuilder().eth(kA, kB).ipv4(kIpA, kIpB).payload(0).build();
  padded.resize(60, 0xee);
  k = parse(padded, &r);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(k.nw_proto, 0);
}

TEST(PacketParse, EveryTruncationIsSafeAndReported) {
  const std::vector<std::vector<uint8_t>> packets = {
      PacketBuilder().eth(kA, kB).vlan(5).ipv4(kIpA, kIpB).tcp(1, 2).build(),
      PacketBuilder().eth(kA, kB).ipv6(k6A, k6B).ipv6_ext(0, 1).udp(1, 2).build(),
      PacketBuilder().eth(kA, kB).ipv6(k6A, k6B, 255).nd_ns(k6B, kA).build(),
      PacketBuilder().eth(kA, kB).arp(2, kA, kIpA, kB, kIpB).build(),
  };
  for (const auto& p : packets) {
    ParseResult full;
    parse(p, &full);
    ASSERT_TRUE(full.ok()) << full.reason_name();
    for (size_t n = 0; n < p.size(); ++n) {
      // A copy of exactly n bytes, so ASan catches any read past the end.
      std::vector<uint8_t> cut(p.begin(), p.begin() + static_cast<long>(n));
      ParseResult r;
      FlowKey k = parse(cut, &r);
      if (n < 14) {
        EXPECT_EQ(r.status, ParseStatus::kTruncatedL2) << n;
        EXPECT_EQ(k.dl_type, 0) << n;
      }
      // Cutting inside the headers is reported (IP lengths then exceed the
      // buffer); ARP is complete only at 42 bytes.
      if (n < p.size()) {
        EXPECT_FALSE(r.ok()) << "length " << n << " of " << p.size();
      }
    }
  }
}

TEST(PacketParse, RandomBytesNeverCrash) {
  std::mt19937 rng(42);
  std::vector<uint8_t> buf;
  int ok = 0;
  for (int i = 0; i < 100000; ++i) {
    buf.resize(rng() % 128);
    for (auto& b : buf) b = static_cast<uint8_t>(rng());
    // Steer some toward interesting Ethertypes.
    if (buf.size() >= 14 && i % 2) {
      static constexpr uint16_t kTypes[] = {0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8};
      const uint16_t t = kTypes[rng() % 5];
      buf[12] = static_cast<uint8_t>(t >> 8);
      buf[13] = static_cast<uint8_t>(t);
    }
    FlowKey k{};
    ok += parse_packet(buf, k).ok();
  }
  EXPECT_GT(ok, 0);
}

}  // namespace
}  // namespace dpuflow::dataplane
