// Field registry: table consistency against FlowKey and ovs-fields(7), and
// lookup by every spelling.
#include "dataplane/flow/field.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace dpuflow::dataplane {
namespace {

FieldId nth(FieldId base, int i) { return static_cast<FieldId>(static_cast<int>(base) + i); }

TEST(FieldRegistry, RowsAreInIdOrderAndInsideFlowKey) {
  ASSERT_EQ(all_fields().size(), static_cast<size_t>(kNumFields));
  for (int i = 0; i < kNumFields; ++i) {
    const FieldDesc& f = all_fields()[i];
    EXPECT_EQ(static_cast<int>(f.id), i) << f.name;
    EXPECT_EQ(&field_desc(f.id), &f);
    const size_t bytes = is_tun_metadata(f.id) ? kTunMetadataBytes : f.n_bytes;
    EXPECT_LE(f.offset + bytes, sizeof(FlowKey)) << f.name;
    if (!is_tun_metadata(f.id)) {
      EXPECT_GT(f.n_bytes, 0) << f.name;
      // The bits must start inside the bytes (arp_op is the one field whose
      // width exceeds its storage, as in OVS).
      EXPECT_LT(f.bit_shift, 8 * f.n_bytes) << f.name;
      if (f.id != FieldId::kArpOp && f.id != FieldId::kInPortOxm &&
          f.id != FieldId::kActsetOutput) {
        EXPECT_LE(f.n_bits + f.bit_shift, 8 * f.n_bytes) << f.name;
      }
    }
  }
}

TEST(FieldRegistry, AllNamesAreUniqueAndFindTheirField) {
  std::set<std::string_view> seen;
  for (const FieldDesc& f : all_fields()) {
    for (std::string_view n : {f.name, f.alias, f.nxm_name, f.oxm_name}) {
      if (n.empty()) continue;
      EXPECT_TRUE(seen.insert(n).second) << "duplicate name " << n;
      const FieldDesc* found = field_by_name(n);
      ASSERT_NE(found, nullptr) << n;
      EXPECT_EQ(found->id, f.id) << n;
    }
  }
}

TEST(FieldRegistry, HeadersRoundTrip) {
  for (const FieldDesc& f : all_fields()) {
    if (f.nxm_header) {
      const FieldDesc* g = field_by_header(f.nxm_header);
      ASSERT_NE(g, nullptr) << f.name;
      EXPECT_EQ(g->id, f.id) << f.name;
      // The has-mask bit and the length do not matter for lookup.
      g = field_by_header((f.nxm_header | 0x100) & ~0xffu);
      ASSERT_NE(g, nullptr) << f.name;
      EXPECT_EQ(g->id, f.id) << f.name;
    }
    if (f.oxm_header) {
      const FieldDesc* g = field_by_header(f.oxm_header, f.oxm_experimenter);
      ASSERT_NE(g, nullptr) << f.name;
      EXPECT_EQ(g->id, f.id) << f.name;
    }
  }
  EXPECT_EQ(field_by_header(0x0001ffff), nullptr);
}

struct Expect {
  std::string_view name;
  FieldId id;
  uint32_t nxm_header;
  uint32_t oxm_header;
  int n_bits;
};

// Codes and widths as ovs-fields(7) lists them.
TEST(FieldRegistry, CodesMatchOvsFields) {
  const Expect cases[] = {
      {"reg0", FieldId::kReg0, 0x00010004, 0, 32},
      {"reg15", FieldId::kReg15, 0x00011e04, 0, 32},
      {"eth_src", FieldId::kEthSrc, 0x00000406, 0x80000806, 48},
      {"eth_dst", FieldId::kEthDst, 0x00000206, 0x80000606, 48},
      {"in_port", FieldId::kInPort, 0x00000002, 0, 16},
      {"in_port_oxm", FieldId::kInPortOxm, 0, 0x80000004, 32},
      {"xreg4", nth(FieldId::kXreg0, 4), 0, 0x80010808, 64},
      {"xxreg0", FieldId::kXxreg0, 0x0001de10, 0, 128},
      {"xxreg3", FieldId::kXxreg3, 0x0001e410, 0, 128},
      {"ct_state", FieldId::kCtState, 0x0001d204, 0, 32},
      {"ct_label", FieldId::kCtLabel, 0x0001d810, 0, 128},
      {"tun_metadata0", FieldId::kTunMetadata0, 0x0001507c, 0, 992},
      {"tun_metadata63", FieldId::kTunMetadata63, 0x0001ce7c, 0, 992},
      {"metadata", FieldId::kMetadata, 0, 0x80000408, 64},
      {"vlan_vid", FieldId::kVlanVid, 0, 0x80000c02, 12},
      {"dl_vlan_pcp", FieldId::kDlVlanPcp, 0, 0, 3},
      {"ip_dscp", FieldId::kIpDscpShifted, 0, 0x80001001, 6},
      {"nw_ecn", FieldId::kIpEcn, 0x00013801, 0x80001201, 2},
      {"arp_op", FieldId::kArpOp, 0x00001e02, 0x80002a02, 16},
      {"tcp_flags", FieldId::kTcpFlags, 0x00014402, 0x80005402, 12},
      {"ipv6_label", FieldId::kIpv6Label, 0x00013604, 0x80003804, 20},
      {"nd_target", FieldId::kNdTarget, 0x00012e10, 0x80003e10, 128},
      {"icmp_type", FieldId::kIcmpv4Type, 0x00001a01, 0x80002601, 8},
  };
  for (const Expect& e : cases) {
    const FieldDesc* f = field_by_name(e.name);
    ASSERT_NE(f, nullptr) << e.name;
    EXPECT_EQ(f->id, e.id) << e.name;
    EXPECT_EQ(f->nxm_header, e.nxm_header) << e.name;
    EXPECT_EQ(f->oxm_header, e.oxm_header) << e.name;
    EXPECT_EQ(f->n_bits, e.n_bits) << e.name;
  }
}

TEST(FieldRegistry, AliasesAndProtocolNames) {
  const std::pair<std::string_view, FieldId> cases[] = {
      {"dl_src", FieldId::kEthSrc},          {"dl_dst", FieldId::kEthDst},
      {"dl_type", FieldId::kEthType},        {"eth_type", FieldId::kEthType},
      {"nw_src", FieldId::kIpv4Src},         {"ip_src", FieldId::kIpv4Src},
      {"nw_dst", FieldId::kIpv4Dst},         {"nw_proto", FieldId::kIpProto},
      {"ip_proto", FieldId::kIpProto},       {"nw_tos", FieldId::kIpDscp},
      {"ip_dscp", FieldId::kIpDscpShifted},  {"ip_ecn", FieldId::kIpEcn},
      {"nw_frag", FieldId::kIpFrag},         {"ip_frag", FieldId::kIpFrag},
      {"tp_src", FieldId::kTcpSrc},          {"tp_dst", FieldId::kTcpDst},
      {"tunnel_id", FieldId::kTunId},        {"NXM_NX_TUN_ID", FieldId::kTunId},
      {"OXM_OF_TUNNEL_ID", FieldId::kTunId}, {"NXM_NX_XXREG2", nth(FieldId::kXxreg0, 2)},
      {"OXM_OF_PKT_REG4", nth(FieldId::kXreg0, 4)},  {"NXM_NX_CT_STATE", FieldId::kCtState},
      {"NXM_OF_IN_PORT", FieldId::kInPort},  {"OXM_OF_IN_PORT", FieldId::kInPortOxm},
      {"NXM_NX_ND_SLL", FieldId::kNdSll},    {"ONFOXM_ET_TCP_FLAGS", FieldId::kTcpFlags},
  };
  for (auto [name, id] : cases) {
    const FieldDesc* f = field_by_name(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->id, id) << name;
  }
  // ovs-ofctl spells names exactly: no case folding, no unknown names.
  EXPECT_EQ(field_by_name("REG0"), nullptr);
  EXPECT_EQ(field_by_name("nxm_nx_reg0"), nullptr);
  EXPECT_EQ(field_by_name("reg16"), nullptr);
  EXPECT_EQ(field_by_name(""), nullptr);
}

TEST(FieldRegistry, OvsNamesOnlyForMatchKeys) {
  ASSERT_NE(field_by_ovs_name("reg0"), nullptr);
  ASSERT_NE(field_by_ovs_name("dl_src"), nullptr);
  EXPECT_EQ(field_by_ovs_name("dl_src")->id, FieldId::kEthSrc);
  EXPECT_EQ(field_by_ovs_name("NXM_NX_REG0"), nullptr);
  EXPECT_EQ(field_by_ovs_name("OXM_OF_METADATA"), nullptr);
}

TEST(FieldRegistry, SharedStorageAsOvs) {
  const FieldDesc& arp_op = field_desc(FieldId::kArpOp);
  const FieldDesc& nw_proto = field_desc(FieldId::kIpProto);
  EXPECT_EQ(arp_op.offset, nw_proto.offset);
  EXPECT_EQ(arp_op.n_bytes, 1);
  EXPECT_EQ(field_desc(FieldId::kIcmpv4Type).offset, offsetof(FlowKey, tp_src) + 1);
  EXPECT_EQ(field_desc(FieldId::kIcmpv6Code).offset, offsetof(FlowKey, tp_dst) + 1);
  EXPECT_EQ(field_desc(FieldId::kNdSll).offset, offsetof(FlowKey, arp_sha));
  EXPECT_EQ(field_desc(FieldId::kNdTll).offset, offsetof(FlowKey, arp_tha));
  EXPECT_EQ(field_desc(FieldId::kArpSpa).offset, offsetof(FlowKey, nw_src));
  // xxreg1 = reg4..reg7, xreg3 = reg6..reg7 (reg with the lower number is more significant).
  EXPECT_EQ(field_desc(nth(FieldId::kXxreg0, 1)).offset, field_desc(nth(FieldId::kReg0, 4)).offset);
  EXPECT_EQ(field_desc(nth(FieldId::kXreg0, 3)).offset, field_desc(nth(FieldId::kReg0, 6)).offset);
  const FieldDesc& pcp = field_desc(FieldId::kDlVlanPcp);
  EXPECT_EQ(pcp.bit_shift, 13);
  EXPECT_EQ(field_desc(FieldId::kIpDscpShifted).bit_shift, 2);
  EXPECT_EQ(field_desc(FieldId::kIpEcn).bit_shift, 0);
}

TEST(FieldRegistry, MaskabilityWritabilityPrereqs) {
  EXPECT_EQ(field_desc(FieldId::kReg0).maskable, Maskable::kYes);
  EXPECT_EQ(field_desc(FieldId::kIcmpv4Type).maskable, Maskable::kNo);
  EXPECT_EQ(field_desc(FieldId::kInPort).maskable, Maskable::kNo);
  EXPECT_EQ(field_desc(FieldId::kIpFrag).maskable, Maskable::kYes);
  EXPECT_FALSE(field_desc(FieldId::kCtState).writable);
  EXPECT_FALSE(field_desc(FieldId::kEthType).writable);
  EXPECT_FALSE(field_desc(FieldId::kIpProto).writable);
  EXPECT_TRUE(field_desc(FieldId::kCtMark).writable);
  EXPECT_TRUE(field_desc(FieldId::kInPort).writable);
  EXPECT_EQ(field_desc(FieldId::kTcpDst).prereq, Prereq::kTcp);
  EXPECT_EQ(field_desc(FieldId::kNdSll).prereq, Prereq::kNdSolicit);
  EXPECT_EQ(field_desc(FieldId::kNdTll).prereq, Prereq::kNdAdvert);
  EXPECT_EQ(field_desc(FieldId::kVlanPcp).prereq, Prereq::kVlan);
  EXPECT_EQ(field_desc(FieldId::kCtNwSrc).prereq, Prereq::kCtValid);
  EXPECT_EQ(field_desc(FieldId::kIpv4Src).prereq, Prereq::kIp);
  EXPECT_EQ(field_desc(FieldId::kIpTtl).prereq, Prereq::kIpAny);
}

}  // namespace
}  // namespace dpuflow::dataplane
