// compose_packet(): for many flows of every shape the parser knows, the
// packet built from the flow parses back to the same packet fields.
#include <gtest/gtest.h>

#include <random>

#include "dataplane/packet/builder.h"
#include "dataplane/packet/parse.h"

namespace dpuflow::dataplane {
namespace {

void rand_bytes(std::mt19937& rng, uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(rng());
}

// A random flow that a packet can carry: its fields are consistent with
// each other the way the parser fills them.
FlowKey random_flow(std::mt19937& rng) {
  FlowKey k{};
  k.packet_type = be32(kPtEth);
  rand_bytes(rng, k.dl_src, 6);
  rand_bytes(rng, k.dl_dst, 6);
  const int tags = static_cast<int>(rng() % 3);
  for (int i = 0; i < tags; ++i) {
    k.vlans[i].tpid = be16(i == 0 && tags == 2 ? kEthTypeVlan8021AD : kEthTypeVlan8021Q);
    k.vlans[i].tci = be16(static_cast<uint16_t>((rng() & 0xefff) | 0x1000));
  }
  switch (rng() % 3) {
    case 0:
      k.dl_type = be16(kEthTypeArp);
      k.nw_proto = static_cast<uint8_t>(1 + rng() % 2);
      k.nw_src = static_cast<uint32_t>(rng());
      k.nw_dst = static_cast<uint32_t>(rng());
      rand_bytes(rng, k.arp_sha, 6);
      rand_bytes(rng, k.arp_tha, 6);
      return k;
    case 1:
      k.dl_type = be16(kEthTypeIp);
      k.nw_src = static_cast<uint32_t>(rng());
      k.nw_dst = static_cast<uint32_t>(rng());
      break;
    default:
      k.dl_type = be16(kEthTypeIpv6);
      rand_bytes(rng, k.ipv6_src, 16);
      rand_bytes(rng, k.ipv6_dst, 16);
      k.ipv6_label = be32(static_cast<uint32_t>(rng() & 0xfffff));
      break;
  }
  const bool v6 = is_ipv6(k);
  k.nw_ttl = static_cast<uint8_t>(rng());
  k.nw_tos = static_cast<uint8_t>(rng());
  const int frag = static_cast<int>(rng() % 4);
  if (frag == 1) k.nw_frag = kFragAny;
  if (frag == 2) k.nw_frag = kFragAny | kFragLater;
  static constexpr uint8_t kProtos[] = {kIpProtoTcp, kIpProtoUdp, kIpProtoSctp, 1, 58, 47};
  uint8_t proto = kProtos[rng() % 6];
  if (proto == 1 && v6) proto = kIpProtoIcmpv6;
  if (proto == 58 && !v6) proto = kIpProtoIcmp;
  k.nw_proto = proto;
  if (k.nw_frag & kFragLater) return k;
  if (proto == kIpProtoTcp || proto == kIpProtoUdp || proto == kIpProtoSctp) {
    k.tp_src = static_cast<uint16_t>(rng());
    k.tp_dst = static_cast<uint16_t>(rng());
    if (proto == kIpProtoTcp) k.tcp_flags = be16(static_cast<uint16_t>(rng() & 0x0fff));
  } else if (proto == kIpProtoIcmp || proto == kIpProtoIcmpv6) {
    uint8_t type = static_cast<uint8_t>(rng());
    if (v6 && rng() % 2) type = static_cast<uint8_t>(135 + rng() % 2);
    k.tp_src = be16(type);
    const bool nd = v6 && (type == 135 || type == 136);
    k.tp_dst = be16(nd ? 0 : static_cast<uint8_t>(rng()));
    if (nd) {
      rand_bytes(rng, k.nd_target, 16);
      rand_bytes(rng, type == 135 ? k.arp_sha : k.arp_tha, 6);
    }
  }
  return k;
}

TEST(ComposePacket, ParsesBackToTheFlow) {
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    const FlowKey k = random_flow(rng);
    const auto pkt = compose_packet(k, rng() % 3 == 0 ? 20 : 0);
    FlowKey got{};
    ParseResult r = parse_packet(pkt, got);
    ASSERT_TRUE(r.ok()) << i << ": " << r.reason_name() << " dl_type 0x" << std::hex
                        << host16(k.dl_type) << std::dec << " proto " << int{k.nw_proto}
                        << " frag " << int{k.nw_frag} << " tp_src " << host16(k.tp_src);
    ASSERT_EQ(0, std::memcmp(reinterpret_cast<const uint8_t*>(&got) + kStage1Begin,
                             reinterpret_cast<const uint8_t*>(&k) + kStage1Begin,
                             sizeof k - kStage1Begin))
        << "flow " << i << " (dl_type 0x" << std::hex << host16(k.dl_type) << ", proto "
        << std::dec << int{k.nw_proto} << ", frag " << int{k.nw_frag} << ")";
    EXPECT_EQ(got.packet_type, k.packet_type);
  }
}

}  // namespace
}  // namespace dpuflow::dataplane
