// Matches and prerequisites, checked against OVS mf_are_prereqs_ok(): which
// fields a prerequisite check consults is what it un-wildcards.
#include "dataplane/flow/match.h"

#include <gtest/gtest.h>

namespace dpuflow::dataplane {
namespace {

FieldId nth(FieldId base, int i) { return static_cast<FieldId>(static_cast<int>(base) + i); }
ResolvedField rf(FieldId id) { return *resolve_field(field_desc(id), nullptr); }

FlowKey tcp4_key() {
  FlowKey k{};
  k.dl_type = be16(kEthTypeIp);
  k.nw_proto = kIpProtoTcp;
  k.tp_dst = be16(80);
  return k;
}

TEST(MatchTest, SetFieldKeepsInvariantAndMatches) {
  Match m;
  m.set_field_masked(rf(FieldId::kReg0), FieldValue::from_u64(0x13, 4),
                     FieldValue::from_u64(0x0f, 4));
  EXPECT_EQ(get_reg(m.value, 0), 0x3u);
  EXPECT_EQ(get_reg(m.mask, 0), 0xfu);
  // Setting the field again replaces it (OVS mf_set).
  m.set_field_masked(rf(FieldId::kReg0), FieldValue::from_u64(0x20, 4),
                     FieldValue::from_u64(0xf0, 4));
  EXPECT_EQ(get_reg(m.mask, 0), 0xf0u);
  EXPECT_EQ(get_reg(m.value, 0), 0x20u);

  FlowKey k{};
  set_reg(k, 0, 0x12345627);
  EXPECT_TRUE(m.matches(k));
  set_reg(k, 0, 0x12345637);
  EXPECT_FALSE(m.matches(k));

  // ip_dscp and nw_ecn share nw_tos: setting one leaves the other.
  Match t;
  t.set_field(rf(FieldId::kIpEcn), FieldValue::from_u64(2, 1));
  t.set_field(rf(FieldId::kIpDscpShifted), FieldValue::from_u64(10, 1));
  EXPECT_EQ(t.value.nw_tos, (10 << 2) | 2);
  EXPECT_EQ(t.mask.nw_tos, 0xff);

  Match n;
  n.value.nw_ttl = 5;  // outside the mask
  n.normalize();
  EXPECT_EQ(n.value.nw_ttl, 0);
}

TEST(MaskHelpers, OrSubsetPopcountApply) {
  FlowMask a{}, b{};
  a.nw_ttl = 0xff;
  b.nw_ttl = 0x0f;
  b.regs[3] = be32(0x1);
  EXPECT_EQ(mask_popcount(a), 8);
  EXPECT_FALSE(mask_subset(b, a));
  mask_or(a, b);
  EXPECT_TRUE(mask_subset(b, a));
  EXPECT_EQ(mask_popcount(a), 9);
  FlowKey k = tcp4_key(), out{};
  k.nw_ttl = 64;
  apply_mask(k, a, out);
  EXPECT_EQ(out.nw_ttl, 64);
  EXPECT_EQ(out.tp_dst, 0);
  FlowKey k2 = k;
  k2.tp_dst = be16(81);
  EXPECT_TRUE(masked_equal(k, k2, a));
  k2.nw_ttl = 63;
  EXPECT_FALSE(masked_equal(k, k2, a));
}

TEST(Prereqs, TcpUnwildcardsDlTypeAndNwProtoOnly) {
  FlowMask wc{};
  const FlowKey k = tcp4_key();
  EXPECT_TRUE(prereqs_ok(field_desc(FieldId::kTcpDst), k, &wc));
  FlowMask want{};
  want.dl_type = 0xffff;
  want.nw_proto = 0xff;
  EXPECT_EQ(wc, want);
  EXPECT_FALSE(prereqs_ok(field_desc(FieldId::kUdpDst), k, nullptr));

  // A later fragment has no L4 header: not OK, and nw_frag stays wildcarded.
  FlowKey frag = k;
  frag.nw_frag = kFragAny | kFragLater;
  FlowMask wc2{};
  EXPECT_FALSE(prereqs_ok(field_desc(FieldId::kTcpDst), frag, &wc2));
  EXPECT_EQ(wc2.nw_frag, 0);

  // Not IP at all: only dl_type is consulted.
  FlowKey arp{};
  arp.dl_type = be16(kEthTypeArp);
  FlowMask wc3{};
  EXPECT_FALSE(prereqs_ok(field_desc(FieldId::kTcpDst), arp, &wc3));
  EXPECT_EQ(wc3.nw_proto, 0);
  EXPECT_EQ(wc3.dl_type, 0xffff);
  EXPECT_TRUE(prereqs_ok(field_desc(FieldId::kArpOp), arp, nullptr));
}

TEST(Prereqs, NdConsultsIcmpv6TypeAndCode) {
  FlowKey k{};
  k.dl_type = be16(kEthTypeIpv6);
  k.nw_proto = kIpProtoIcmpv6;
  k.tp_src = be16(135);
  FlowMask wc{};
  EXPECT_TRUE(prereqs_ok(field_desc(FieldId::kNdSll), k, &wc));
  EXPECT_EQ(wc.tp_src, 0xffff);
  EXPECT_EQ(wc.tp_dst, 0xffff);
  EXPECT_EQ(wc.nw_proto, 0xff);
  EXPECT_FALSE(prereqs_ok(field_desc(FieldId::kNdTll), k, nullptr));
  EXPECT_TRUE(prereqs_ok(field_desc(FieldId::kNdTarget), k, nullptr));

  // A nonzero ICMPv6 code fails before the type is looked at.
  k.tp_dst = be16(1);
  FlowMask wc2{};
  EXPECT_FALSE(prereqs_ok(field_desc(FieldId::kNdTarget), k, &wc2));
  EXPECT_EQ(wc2.tp_dst, 0xffff);
  EXPECT_EQ(wc2.tp_src, 0);
}

TEST(Prereqs, EthernetVlanAndCtValid) {
  FlowKey k{};
  FlowMask wc{};
  EXPECT_TRUE(prereqs_ok(field_desc(FieldId::kEthSrc), k, &wc));
  EXPECT_EQ(wc.packet_type, 0xffffffffu);
  EXPECT_EQ(wc.dl_type, 0);

  FlowMask wc2{};
  EXPECT_FALSE(prereqs_ok(field_desc(FieldId::kVlanPcp), k, &wc2));
  EXPECT_EQ(host16(wc2.vlans[0].tci), 0x1000);
  k.vlans[0].tci = be16(0x1005);
  EXPECT_TRUE(prereqs_ok(field_desc(FieldId::kVlanPcp), k, nullptr));

  FlowMask wc3{};
  k.ct_state = be32(kCsTracked | kCsEstablished);
  EXPECT_TRUE(prereqs_ok(field_desc(FieldId::kCtNwSrc), k, &wc3));
  EXPECT_EQ(host32(wc3.ct_state), uint32_t{kCsNew | kCsEstablished | kCsReplyDir});
  k.ct_state = be32(kCsTracked | kCsRelated);
  EXPECT_FALSE(prereqs_ok(field_desc(FieldId::kCtNwSrc), k, nullptr));

  // In a match, "+trk-inv" is a valid-connection prerequisite too.
  Match m;
  m.value.ct_state = be32(kCsTracked);
  m.mask.ct_state = be32(kCsTracked | kCsInvalid);
  EXPECT_TRUE(prereqs_satisfied(field_desc(FieldId::kCtTpDst), m));
  m.mask.ct_state = be32(kCsTracked);
  EXPECT_FALSE(prereqs_satisfied(field_desc(FieldId::kCtTpDst), m));

  EXPECT_TRUE(prereqs_ok(field_desc(nth(FieldId::kReg0, 3)), k, nullptr));
}

TEST(Prereqs, AddPrereqsBuildsAndChecksMatches) {
  Match m;
  ASSERT_TRUE(add_prereqs(field_desc(FieldId::kTcpDst), m));
  EXPECT_EQ(m.value.dl_type, be16(kEthTypeIp));
  EXPECT_EQ(m.mask.dl_type, 0xffff);
  EXPECT_EQ(m.value.nw_proto, kIpProtoTcp);
  EXPECT_TRUE(prereqs_satisfied(field_desc(FieldId::kTcpDst), m));
  EXPECT_FALSE(add_prereqs(field_desc(FieldId::kUdpDst), m));  // contradicts tcp
  EXPECT_FALSE(add_prereqs(field_desc(FieldId::kIpv6Src), m));

  Match v6;
  v6.value.dl_type = be16(kEthTypeIpv6);
  v6.mask.dl_type = 0xffff;
  ASSERT_TRUE(add_prereqs(field_desc(FieldId::kUdpSrc), v6));
  EXPECT_EQ(v6.value.dl_type, be16(kEthTypeIpv6));  // stays IPv6
  EXPECT_EQ(v6.value.nw_proto, kIpProtoUdp);

  Match nd;
  ASSERT_TRUE(add_prereqs(field_desc(FieldId::kNdTll), nd));
  EXPECT_EQ(nd.value.tp_src, be16(136));
  EXPECT_EQ(nd.value.nw_proto, kIpProtoIcmpv6);
  EXPECT_TRUE(prereqs_satisfied(field_desc(FieldId::kNdTarget), nd));
  Match nd2;
  EXPECT_FALSE(add_prereqs(field_desc(FieldId::kNdTarget), nd2));  // type 135 or 136: unknown

  Match vl;
  ASSERT_TRUE(add_prereqs(field_desc(FieldId::kVlanPcp), vl));
  EXPECT_EQ(host16(vl.mask.vlans[0].tci), 0x1000);
  EXPECT_EQ(host16(vl.value.vlans[0].tci), 0x1000);
}

}  // namespace
}  // namespace dpuflow::dataplane
