// commit_odp_actions(): the set/push/pop actions that bring the datapath's
// packet in line with the OpenFlow flow, and the megaflow bits they imply,
// as OVS's commit_odp_actions produces them.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>

#include "dataplane/pipeline/commit.h"

namespace dpuflow::dataplane {
namespace {

FlowKey icmp_flow() {
  FlowKey f{};
  f.dl_type = be16(kEthTypeIp);
  f.nw_proto = kIpProtoIcmp;
  inet_pton(AF_INET, "10.0.1.11", &f.nw_src);
  inet_pton(AF_INET, "10.0.2.13", &f.nw_dst);
  f.nw_ttl = 64;
  f.tp_src = be16(8);
  const uint8_t src[6] = {0, 0, 0, 0, 1, 1}, dst[6] = {0, 0, 0, 0, 0xff, 1};
  std::memcpy(f.dl_src, src, 6);
  std::memcpy(f.dl_dst, dst, 6);
  return f;
}

TEST(Commit, NothingChangedEmitsNothing) {
  FlowKey f = icmp_flow(), base = f;
  FlowMask wc{};
  DpActions out;
  EXPECT_EQ(0u, commit_odp_actions(f, base, wc, out));
  EXPECT_TRUE(out.empty());
  FlowMask zero{};
  EXPECT_EQ(zero, wc);
}

// A routed packet: both MACs rewritten (fully examined by set_field), TTL
// decremented: OVS prints set(eth(src,dst)),set(ipv4(ttl=63)).
TEST(Commit, RoutedPacket) {
  FlowKey f = icmp_flow(), base = f;
  FlowMask wc{};
  const uint8_t nsrc[6] = {0, 0, 0, 0, 0xff, 2}, ndst[6] = {0, 0, 0, 0, 2, 3};
  std::memcpy(f.dl_src, nsrc, 6);
  std::memcpy(f.dl_dst, ndst, 6);
  std::memset(wc.dl_src, 0xff, 6);
  std::memset(wc.dl_dst, 0xff, 6);
  f.nw_ttl = 63;
  wc.nw_ttl = 0xff;
  wc.nw_src = 0xffffffff;  // examined but unchanged: must not appear in the set
  DpActions out;
  commit_odp_actions(f, base, wc, out);
  EXPECT_EQ("set(eth(src=00:00:00:00:ff:02,dst=00:00:00:00:02:03)),set(ipv4(ttl=63))",
            format_dp_actions(out));
  EXPECT_EQ(f, base) << "base must now equal the flow";
  // A second commit has nothing left to do.
  DpActions again;
  commit_odp_actions(f, base, wc, again);
  EXPECT_TRUE(again.empty());
}

// ICMP rewrites use a plain set (both fields, and both un-wildcarded).
TEST(Commit, IcmpTypeChangeIsPlainSetAndSlow) {
  FlowKey f = icmp_flow(), base = f;
  FlowMask wc{};
  f.tp_src = be16(0);
  wc.tp_src = be16(0xff);
  DpActions out;
  uint32_t slow = commit_odp_actions(f, base, wc, out);
  EXPECT_NE(0u, slow);
  EXPECT_EQ("set(icmp(type=0,code=0))", format_dp_actions(out));
  EXPECT_EQ(be16(0xff), wc.tp_dst) << "the code byte is committed, so it is examined";
}

// Only some bits of a changed field were examined: a masked set with that
// mask (OVS keeps the wildcard mask for changed fields).
TEST(Commit, PartialMaskGivesMaskedValue) {
  FlowKey f = icmp_flow(), base = f;
  FlowMask wc{};
  f.nw_tos = 0x04;
  wc.nw_tos = 0xfc;
  DpActions out;
  commit_odp_actions(f, base, wc, out);
  EXPECT_EQ("set(ipv4(tos=0x4/0xfc))", format_dp_actions(out));
}

TEST(Commit, VlanPushAndPop) {
  FlowKey f = icmp_flow(), base = f;
  FlowMask wc{};
  f.vlans[0].tpid = be16(0x8100);
  f.vlans[0].tci = be16(0x1000 | 10);
  DpActions out;
  commit_odp_actions(f, base, wc, out);
  EXPECT_EQ("push_vlan(vid=10,pcp=0)", format_dp_actions(out));
  FlowKey g = base;
  g.vlans[0] = VlanHdr{0, 0};
  DpActions pop;
  commit_odp_actions(g, base, wc, pop);
  EXPECT_EQ("pop_vlan", format_dp_actions(pop));
  EXPECT_EQ(0xffff, wc.vlans[0].tci);
}

}  // namespace
}  // namespace dpuflow::dataplane
