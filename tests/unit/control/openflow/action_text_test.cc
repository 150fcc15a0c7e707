// Action text: what parsing produces (the structs xlate executes), OVS's
// printing rules, and errors that name the token and column.  (Every action
// list of the OVN scenario dumps is round-tripped by ofctl_text_test.)
#include "control/openflow/action_text.h"

#include <gtest/gtest.h>

namespace dpuflow::control {
namespace {

using namespace dataplane;

ActionList parse_ok(std::string_view text) {
  TlvMap tlv;
  TextError e;
  auto a = parse_actions(text, tlv, &e);
  EXPECT_TRUE(a.has_value()) << text << ": " << e.to_string();
  return a.value_or(ActionList{});
}

TEST(ActionText, CtWithNatRangeAndExec) {
  ActionList a = parse_ok(
      "ct(commit,table=21,zone=NXM_NX_REG13[0..15],nat(dst=10.0.2.13-10.0.2.14:8080-8081,"
      "random),exec(set_field:0x2/0x2->ct_mark))");
  ASSERT_EQ(a.size(), 1u);
  const auto& ct = std::get<ActCt>(a[0]);
  EXPECT_TRUE(ct.commit);
  EXPECT_EQ(ct.recirc_table, 21);
  EXPECT_EQ(ct.zone_src.field, static_cast<FieldId>(static_cast<int>(FieldId::kReg0) + 13));
  EXPECT_EQ(ct.zone_src.n_bits, 16);
  ASSERT_TRUE(ct.has_nat);
  EXPECT_EQ(ct.nat.flags, ActNat::kDst | ActNat::kRandom);
  EXPECT_EQ(ct.nat.ipv4_min, 0x0a00020du);
  EXPECT_EQ(ct.nat.ipv4_max, 0x0a00020eu);
  EXPECT_EQ(ct.nat.port_min, 8080);
  EXPECT_EQ(ct.nat.port_max, 8081);
  ASSERT_EQ(ct.exec.size(), 1u);
  EXPECT_EQ(std::get<ActSetField>(ct.exec[0]).field, FieldId::kCtMark);
  EXPECT_EQ(format_actions(a, TlvMap{}),
            "ct(commit,table=21,zone=NXM_NX_REG13[0..15],nat(dst=10.0.2.13-10.0.2.14:8080-8081,"
            "random),exec(set_field:0x2/0x2->ct_mark))");
}

TEST(ActionText, LoadBecomesAMaskedSetField) {
  ActionList a = parse_ok("load:0x5->NXM_NX_REG0[4..7]");
  const auto& sf = std::get<ActSetField>(a[0]);
  EXPECT_EQ(sf.field, FieldId::kReg0);
  EXPECT_EQ(sf.value.to_u64(), 0x50u);
  EXPECT_EQ(sf.mask.to_u64(), 0xf0u);
  // OVS prints it back as set_field after an OpenFlow 1.5 round trip.
  EXPECT_EQ(format_actions(a, TlvMap{}), "set_field:0x50/0xf0->reg0");
  TextError e;
  EXPECT_FALSE(parse_actions("load:0x50->NXM_NX_REG0[4..7]", TlvMap{}, &e));
  EXPECT_NE(e.message.find("does not fit"), std::string::npos) << e.message;
}

TEST(ActionText, ControllerUserdataAndForms) {
  ActionList a = parse_ok("controller(userdata=00.00.00.0b.00,pause,meter_id=3)");
  const auto& c = std::get<ActController>(a[0]);
  EXPECT_EQ(c.userdata, (std::vector<uint8_t>{0, 0, 0, 0x0b, 0}));
  EXPECT_TRUE(c.pause);
  EXPECT_EQ(c.meter_id, 3u);
  EXPECT_EQ(format_actions(parse_ok("controller"), TlvMap{}), "CONTROLLER:65535");
  // Checked against `ovs-ofctl -O OpenFlow15 parse-flow`: plain arguments
  // print in the short form.
  EXPECT_EQ(format_actions(parse_ok("controller(max_len=128)"), TlvMap{}), "CONTROLLER:128");
}

TEST(ActionText, LearnSpecs) {
  ActionList a = parse_ok(
      "learn(table=69,delete_learned,cookie=0xd561403a,OXM_OF_METADATA[],eth_type=0x800,"
      "NXM_OF_IP_SRC[],ip_dst=10.0.1.100,nw_proto=6,NXM_OF_TCP_SRC[]=NXM_OF_TCP_DST[],"
      "load:0x1->NXM_NX_REG10[7])");
  const auto& l = std::get<ActLearn>(a[0]);
  EXPECT_EQ(l.table, 69);
  EXPECT_EQ(l.flags, ActLearn::kDeleteLearned);
  EXPECT_EQ(l.cookie, 0xd561403au);
  ASSERT_EQ(l.specs.size(), 7u);
  EXPECT_EQ(l.specs[0].kind, LearnSpec::Kind::kMatch);
  EXPECT_FALSE(l.specs[0].src_is_value);
  EXPECT_TRUE(l.specs[1].src_is_value);
  EXPECT_EQ(l.specs[1].src_value.to_u64(), 0x800u);
  EXPECT_EQ(l.specs[5].src.field, FieldId::kTcpDst);
  EXPECT_EQ(l.specs[5].dst.field, FieldId::kTcpSrc);
  EXPECT_EQ(l.specs[6].kind, LearnSpec::Kind::kLoad);
  EXPECT_EQ(l.specs[6].dst.ofs, 7);
}

TEST(ActionText, MiscFormsPrintAsOvs) {
  EXPECT_EQ(format_actions(parse_ok("dec_ttl"), TlvMap{}), "dec_ttl");
  EXPECT_EQ(format_actions(parse_ok("dec_ttl()"), TlvMap{}), "dec_ttl()");
  EXPECT_EQ(format_actions(parse_ok("resubmit(,8),resubmit(3,9,ct),resubmit:4"), TlvMap{}),
            "resubmit(,8),resubmit(3,9,ct),resubmit:4");
  EXPECT_EQ(format_actions(parse_ok("1,LOCAL,in_port,output:NXM_NX_REG15[]"), TlvMap{}),
            "output:1,LOCAL,IN_PORT,output:NXM_NX_REG15[]");
  EXPECT_EQ(format_actions(parse_ok("drop"), TlvMap{}), "drop");
  EXPECT_EQ(format_actions(parse_ok("check_pkt_larger(1514)->NXM_NX_REG0[1]"), TlvMap{}),
            "check_pkt_larger(1514)->NXM_NX_REG0[1]");
  EXPECT_EQ(format_actions(parse_ok("conjunction(7,2/3),write_metadata:0x1/0xff,goto_table:9"),
                           TlvMap{}),
            "conjunction(7,2/3),write_metadata:0x1/0xff,goto_table:9");
}

TEST(ActionText, ErrorsNameTokenAndColumn) {
  TlvMap tlv;
  TextError e;
  EXPECT_FALSE(parse_actions("resubmit(,8),frobnicate:1", tlv, &e));
  EXPECT_EQ(e.column, 13u);
  EXPECT_EQ(e.token, "frobnicate");
  EXPECT_FALSE(parse_actions("clone(output:1", tlv, &e));
  EXPECT_NE(e.message.find("unbalanced"), std::string::npos);
  EXPECT_FALSE(parse_actions("set_field:0x1->nosuchfield", tlv, &e));
  EXPECT_EQ(e.column, 15u);
  EXPECT_EQ(e.token, "nosuchfield");
  EXPECT_FALSE(parse_actions("move:NXM_NX_REG0[]->NXM_NX_REG1[0..7]", tlv, &e));
  EXPECT_NE(e.message.find("32 bits"), std::string::npos) << e.message;
  EXPECT_FALSE(parse_actions("ct(table=300)", tlv, &e));
  EXPECT_EQ(e.token, "300");
  EXPECT_FALSE(parse_actions("conjunction(1,3/2)", tlv, &e));
  EXPECT_FALSE(parse_actions("drop,output:1", tlv, &e));
}

}  // namespace
}  // namespace dpuflow::control
