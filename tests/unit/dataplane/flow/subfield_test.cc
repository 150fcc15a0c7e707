// Subfields: text round trips (every NXM/OXM token OVN's flows use), bounds
// errors, and bit-level reads, writes, masks and moves against the
// ovs-actions(7) register layout (xxreg0 = reg0:reg1:reg2:reg3, reg0 most
// significant; xreg4 = reg8:reg9).
#include "dataplane/flow/subfield.h"

#include <gtest/gtest.h>

#include "test_data.h"

namespace dpuflow::dataplane {
namespace {

FieldId nth(FieldId base, int i) { return static_cast<FieldId>(static_cast<int>(base) + i); }

ResolvedField rf(FieldId id, const TlvMap* tlv = nullptr) {
  auto r = resolve_field(field_desc(id), tlv);
  EXPECT_TRUE(r.has_value());
  return *r;
}

Subfield sf(std::string_view text) {
  std::string err;
  auto s = parse_subfield(text, &err);
  EXPECT_TRUE(s.has_value()) << text << ": " << err;
  return s.value_or(Subfield{});
}

TEST(SubfieldText, EveryScenarioTokenRoundTrips) {
  const auto tokens = testing::scenario_subfield_tokens("flows.txt");
  ASSERT_GT(tokens.size(), 30u);  // the scenarios use about 45 distinct ones
  for (const std::string& t : tokens) {
    std::string err;
    auto s = parse_subfield(t, &err);
    ASSERT_TRUE(s.has_value()) << t << ": " << err;
    EXPECT_EQ(format_subfield(*s), t);
  }
}

TEST(SubfieldText, ParsesOvsSpellings) {
  EXPECT_EQ(sf("NXM_NX_REG10[12]"), (Subfield{nth(FieldId::kReg0, 10), 12, 1}));
  EXPECT_EQ(sf("NXM_NX_XXREG0[96..127]"), (Subfield{FieldId::kXxreg0, 96, 32}));
  EXPECT_EQ(sf("NXM_OF_ETH_SRC[]"), (Subfield{FieldId::kEthSrc, 0, 48}));
  EXPECT_EQ(sf("OXM_OF_PKT_REG4[1]"), (Subfield{nth(FieldId::kXreg0, 4), 1, 1}));
  EXPECT_EQ(sf("reg0[0..15]"), (Subfield{FieldId::kReg0, 0, 16}));
  EXPECT_EQ(sf("tun_metadata0[16..30]"), (Subfield{FieldId::kTunMetadata0, 16, 15}));
  EXPECT_EQ(sf("NXM_NX_REG0"), (Subfield{FieldId::kReg0, 0, 32}));  // no brackets: whole field
  EXPECT_EQ(sf("NXM_NX_REG1_W[3]"), (Subfield{nth(FieldId::kReg0, 1), 3, 1}));
  EXPECT_EQ(sf("dl_vlan[]"), (Subfield{FieldId::kDlVlan, 0, 12}));
}

TEST(SubfieldText, FormatsAsOvs) {
  EXPECT_EQ(format_subfield({FieldId::kReg0, 0, 32}), "NXM_NX_REG0[]");
  EXPECT_EQ(format_subfield({FieldId::kReg0, 5, 1}), "NXM_NX_REG0[5]");
  EXPECT_EQ(format_subfield({nth(FieldId::kReg0, 13), 0, 16}), "NXM_NX_REG13[0..15]");
  EXPECT_EQ(format_subfield({FieldId::kTunMetadata0, 16, 15}), "NXM_NX_TUN_METADATA0[16..30]");
  // tun_metadata is 992 bits wide in OVS: a mapped 4-byte option is a range.
  EXPECT_EQ(format_subfield({FieldId::kTunMetadata0, 0, 32}), "NXM_NX_TUN_METADATA0[0..31]");
  EXPECT_EQ(format_subfield({FieldId::kMetadata, 0, 64}), "OXM_OF_METADATA[]");
  EXPECT_EQ(format_subfield({FieldId::kDlVlan, 0, 12}), "dl_vlan[]");
  EXPECT_EQ(format_subfield({FieldId::kInPortOxm, 0, 32}), "OXM_OF_IN_PORT[]");
}

TEST(SubfieldText, ErrorsNameTheText) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"NXM_NX_REG0[32]", "NXM_NX_REG0[32]: starting bit 32 is not valid because field is only 32 bits wide"},
      {"NXM_NX_REG0[0..32]", "NXM_NX_REG0[0..32]: ending bit 32 is not valid because field is only 32 bits wide"},
      {"reg0[5..3]", "reg0[5..3]: starting bit 5 is after ending bit 3"},
      {"NXM_NX_FOO[1]", "NXM_NX_FOO[1]: unknown field `NXM_NX_FOO'"},
      {"reg0[x]", "reg0[x]: syntax error expecting [] or [<bit>] or [<start>..<end>]"},
      {"reg0[1", "reg0[1: syntax error expecting [] or [<bit>] or [<start>..<end>]"},
      {"reg0[1]x", "reg0[1]x: unexpected input `x' following field syntax"},
      {"NXM_OF_ETH_SRC[48]", "NXM_OF_ETH_SRC[48]: starting bit 48 is not valid because field is only 48 bits wide"},
  };
  for (auto [text, want] : cases) {
    std::string err;
    EXPECT_FALSE(parse_subfield(text, &err).has_value()) << text;
    EXPECT_EQ(err, want);
  }
}

TEST(SubfieldBits, XxregAndXregViewsOfRegisters) {
  FlowKey k{};
  const ResolvedField xx0 = rf(FieldId::kXxreg0);
  write_subfield(xx0, sf("NXM_NX_XXREG0[111]"), FieldValue::from_u64(1, 1), k);
  EXPECT_EQ(get_reg(k, 0), 0x8000u);  // bit 111 = bit 15 of reg0
  for (int i = 1; i < 4; ++i) EXPECT_EQ(get_reg(k, i), 0u);

  set_reg(k, 3, 0xdeadbeef);
  EXPECT_EQ(read_subfield(xx0, sf("NXM_NX_XXREG0[0..31]"), k).to_u64(), 0xdeadbeefu);
  EXPECT_EQ(read_subfield(xx0, sf("NXM_NX_XXREG0[96..127]"), k).to_u64(), 0x8000u);

  // xxreg0[64..111]: reg1 (bits 64..95) then the low half of reg0.
  write_subfield(xx0, sf("NXM_NX_XXREG0[64..111]"), FieldValue::from_u64(0xabcd12345678, 6), k);
  EXPECT_EQ(get_reg(k, 1), 0x12345678u);
  EXPECT_EQ(get_reg(k, 0), 0xabcdu);

  const ResolvedField x4 = rf(nth(FieldId::kXreg0, 4));
  write_subfield(x4, sf("OXM_OF_PKT_REG4[1]"), FieldValue::from_u64(1, 1), k);
  EXPECT_EQ(get_reg(k, 9), 0x2u);
  EXPECT_EQ(get_reg(k, 8), 0u);
  write_subfield(x4, sf("OXM_OF_PKT_REG4[32..63]"), FieldValue::from_u64(7, 4), k);
  EXPECT_EQ(get_reg(k, 8), 7u);
  EXPECT_EQ(read_field(x4, k).to_u64(), 0x0000000700000002ull);
}

TEST(SubfieldBits, MoveAsOvnUsesIt) {
  FlowKey k{};
  set_reg(k, 10, 0x1000);
  copy_subfield(rf(nth(FieldId::kReg0, 10)), sf("NXM_NX_REG10[12]"), rf(FieldId::kXxreg0),
                sf("NXM_NX_XXREG0[111]"), k);
  EXPECT_EQ(get_reg(k, 0), 0x8000u);

  const uint8_t mac[6] = {0, 0, 0, 0, 0x01, 0x02};
  std::memcpy(k.dl_src, mac, 6);
  copy_subfield(rf(FieldId::kEthSrc), sf("NXM_OF_ETH_SRC[]"), rf(FieldId::kEthDst),
                sf("NXM_OF_ETH_DST[]"), k);
  EXPECT_EQ(std::memcmp(k.dl_dst, mac, 6), 0);

  k.tun_id = be64(0xaabbccddeeull);
  copy_subfield(rf(FieldId::kTunId), sf("NXM_NX_TUN_ID[0..23]"), rf(FieldId::kMetadata),
                sf("OXM_OF_METADATA[0..23]"), k);
  EXPECT_EQ(host64(k.metadata), 0xccddeeull);

  TlvMap tlv;
  ASSERT_EQ(tlv.add(0, 0x102, 0x80, 4), std::nullopt);
  const ResolvedField md0 = rf(FieldId::kTunMetadata0, &tlv);
  write_field(md0, FieldValue::from_u64(0x00038002, 4), k);
  EXPECT_EQ(k.tun_metadata[0], 0x00);
  EXPECT_EQ(k.tun_metadata[1], 0x03);
  EXPECT_EQ(k.tun_metadata[3], 0x02);
  copy_subfield(md0, sf("NXM_NX_TUN_METADATA0[16..30]"), rf(nth(FieldId::kReg0, 14)),
                sf("NXM_NX_REG14[0..14]"), k);
  copy_subfield(md0, sf("NXM_NX_TUN_METADATA0[0..15]"), rf(nth(FieldId::kReg0, 15)),
                sf("NXM_NX_REG15[0..15]"), k);
  EXPECT_EQ(get_reg(k, 14), 3u);
  EXPECT_EQ(get_reg(k, 15), 0x8002u);
}

TEST(SubfieldBits, NarrowAndSharedFields) {
  FlowKey k{};
  k.nw_tos = 0xb9;  // DSCP 46, ECN 1
  EXPECT_EQ(read_field(rf(FieldId::kIpDscpShifted), k).to_u64(), 46u);
  EXPECT_EQ(read_field(rf(FieldId::kIpEcn), k).to_u64(), 1u);
  EXPECT_EQ(read_field(rf(FieldId::kIpDscp), k).to_u64(), 0xb8u);  // nw_tos: DSCP bits only
  write_field(rf(FieldId::kIpDscpShifted), FieldValue::from_u64(0x3f, 1), k);
  EXPECT_EQ(k.nw_tos, 0xfd);
  write_field(rf(FieldId::kIpDscp), FieldValue::from_u64(0x07, 1), k);
  EXPECT_EQ(k.nw_tos, 0x05);  // low two bits written are ignored, ECN kept

  k.vlans[0].tci = be16(0xb005);
  EXPECT_EQ(read_field(rf(FieldId::kDlVlanPcp), k).to_u64(), 5u);
  EXPECT_EQ(read_field(rf(FieldId::kDlVlan), k).to_u64(), 5u);
  write_field(rf(FieldId::kVlanPcp), FieldValue::from_u64(2, 1), k);
  EXPECT_EQ(host16(k.vlans[0].tci), 0x5005);
  write_field(rf(FieldId::kVlanVid), FieldValue::from_u64(0xfff, 2), k);
  EXPECT_EQ(host16(k.vlans[0].tci), 0x5fff);

  // arp_op is 16 bits like OVS's but lives in the nw_proto byte.
  const ResolvedField op = rf(FieldId::kArpOp);
  write_field(op, FieldValue::from_u64(0x0102, 2), k);
  EXPECT_EQ(k.nw_proto, 2);
  const FieldValue v = read_field(op, k);
  EXPECT_EQ(v.n_bytes, 2);
  EXPECT_EQ(v.to_u64(), 2u);

  k.tp_src = be16(0x0087);
  EXPECT_EQ(read_field(rf(FieldId::kIcmpv6Type), k).to_u64(), 0x87u);

  // OpenFlow 1.1 port numbers over the 16-bit in_port.
  k.in_port = be16(kOfppLocal);
  EXPECT_EQ(read_field(rf(FieldId::kInPortOxm), k).to_u64(), 0xfffffffeu);
  write_field(rf(FieldId::kInPortOxm), FieldValue::from_u64(7, 4), k);
  EXPECT_EQ(host16(k.in_port), 7);
  write_field(rf(FieldId::kInPortOxm), FieldValue::from_u64(0xfffffffd, 4), k);
  EXPECT_EQ(host16(k.in_port), kOfppController);
}

TEST(SubfieldBits, MaskedWritesAndMasks) {
  FlowKey k{};
  const ResolvedField r10 = rf(nth(FieldId::kReg0, 10));
  set_reg(k, 10, 0xffffffff);
  write_field_masked(r10, FieldValue::from_u64(0, 4), FieldValue::from_u64(0x1000, 4), k);
  EXPECT_EQ(get_reg(k, 10), 0xffffefffu);

  // set_field:0xff01.../0xffff...->xxreg0 (the OVN "eth.dst to xxreg0" idiom).
  const ResolvedField xx0 = rf(FieldId::kXxreg0);
  FieldValue v = FieldValue::from_u64(0, 16), m = FieldValue::from_u64(0, 16);
  const uint8_t vb[6] = {0, 0, 0, 0, 0xff, 0x01};
  std::memcpy(v.data() + 2, vb, 6);  // bits 64..111
  std::memset(m.data() + 2, 0xff, 6);
  set_reg(k, 0, 0x11111111);
  set_reg(k, 1, 0x22222222);
  set_reg(k, 2, 0x33333333);
  write_field_masked(xx0, v, m, k);
  EXPECT_EQ(get_reg(k, 0), 0x11110000u);
  EXPECT_EQ(get_reg(k, 1), 0x0000ff01u);
  EXPECT_EQ(get_reg(k, 2), 0x33333333u);

  FlowMask mask{};
  mask_subfield(xx0, sf("NXM_NX_XXREG0[111]"), mask);
  EXPECT_EQ(host32(mask.regs[0]), 0x8000u);
  mask_subfield(rf(FieldId::kIpEcn), {FieldId::kIpEcn, 0, 2}, mask);
  EXPECT_EQ(mask.nw_tos, 0x03);
  or_field_mask(rf(FieldId::kIpDscpShifted), FieldValue::from_u64(0x3f, 1), mask);
  EXPECT_EQ(mask.nw_tos, 0xff);
  or_field_mask(rf(FieldId::kDlVlanPcp), field_all_ones(rf(FieldId::kDlVlanPcp)), mask);
  EXPECT_EQ(host16(mask.vlans[0].tci), 0xe000);
  or_field_mask(rf(FieldId::kInPortOxm), FieldValue::from_u64(1, 4), mask);
  EXPECT_EQ(mask.in_port, 0xffff);

  EXPECT_EQ(field_all_ones(rf(FieldId::kIpDscp)).to_u64(), 0xfcu);
  EXPECT_EQ(field_all_ones(rf(FieldId::kArpOp)).to_u64(), 0xffu);
  EXPECT_EQ(field_all_ones(rf(FieldId::kCtState)).to_u64(), 0xffu);
  EXPECT_EQ(field_all_ones(rf(FieldId::kTcpFlags)).to_u64(), 0xfffu);
  EXPECT_EQ(field_all_ones(rf(FieldId::kIpv6Label)).to_u64(), 0xfffffu);
}

TEST(SubfieldBits, TunMetadataPresence) {
  TlvMap tlv;
  ASSERT_EQ(tlv.add(2, 0x102, 0x80, 4), std::nullopt);
  const ResolvedField md2 = rf(nth(FieldId::kTunMetadata0, 2), &tlv);
  FlowKey k{};
  k.tun_metadata[3] = 0x55;  // stale bytes of an absent option
  EXPECT_TRUE(read_field(md2, k).is_zero());
  write_field(md2, FieldValue::from_u64(0x1234, 4), k);
  EXPECT_EQ(k.tun_metadata_present, 1ull << 2);
  EXPECT_EQ(read_field(md2, k).to_u64(), 0x1234u);
  FlowMask m{};
  mask_subfield(md2, {nth(FieldId::kTunMetadata0, 2), 16, 15}, m);
  EXPECT_EQ(m.tun_metadata_present, 1ull << 2);
  EXPECT_EQ(m.tun_metadata[0], 0x7f);
  EXPECT_EQ(m.tun_metadata[1], 0xff);
  EXPECT_EQ(m.tun_metadata[2], 0x00);
}

TEST(FieldValueTest, IntegersRoundTrip) {
  const FieldValue v = FieldValue::from_u64(0x0102030405060708ull, 10);
  EXPECT_EQ(v.n_bytes, 10);
  EXPECT_EQ(v.bytes[0], 0);
  EXPECT_EQ(v.bytes[9], 0x08);
  EXPECT_EQ(v.to_u64(), 0x0102030405060708ull);
  EXPECT_FALSE(v.is_zero());
  EXPECT_TRUE(FieldValue::from_u64(0, 16).is_zero());
  EXPECT_EQ(FieldValue::from_u64(0x1234, 1).to_u64(), 0x34u);
  EXPECT_FALSE(FieldValue::from_u64(1, 2) == FieldValue::from_u64(1, 4));
}

}  // namespace
}  // namespace dpuflow::dataplane
