// xlate on a small OVN-shaped pipeline built in code: switching, routing
// (MAC rewrite + dec_ttl), resubmit chains, drops, conntrack forks and the
// megaflow bits each examines.  Expected datapath-action texts follow the
// shapes OVS 3.1 prints for the same situations in the recorded OVN traces
// (c-router 06/14, b-ls-acl 01).
#include <gtest/gtest.h>

#include <cstring>

#include "dataplane/pipeline/pipeline.h"
#include "dataplane/pipeline/xlate.h"
#include "tests/unit/dataplane/pipeline/cls_test_util.h"

namespace dpuflow::dataplane {
namespace {

using namespace testutil;

ActSetField set_reg(int reg, uint32_t v) {
  ActSetField s;
  s.field = static_cast<FieldId>(static_cast<int>(FieldId::kReg0) + reg);
  s.value = FieldValue::from_u64(v, 4);
  s.mask = FieldValue::from_u64(0xffffffff, 4);
  return s;
}
ActSetField set_mac(FieldId f, uint8_t last) {
  ActSetField s;
  s.field = f;
  s.value.n_bytes = 6;
  s.value.bytes[5] = last;
  s.mask.n_bytes = 6;
  std::memset(s.mask.bytes.data(), 0xff, 6);
  return s;
}
ActResubmit resubmit(uint8_t t) {
  ActResubmit r;
  r.table = t;
  return r;
}

class XlateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Ports: OpenFlow 1 and 2 are datapath ports 2 and 3.
    ports_.add(XlatePort{1, 2, "vm1"});
    ports_.add(XlatePort{2, 3, "vm2"});
    // table 0: in_port=1 -> reg14=1, resubmit(,8)
    Match in1;
    in1.value.in_port = be16(1);
    in1.mask.in_port = 0xffff;
    add(0, 100, in1, {set_reg(14, 1), resubmit(8)});
    // table 8: dl_dst=..:02 -> reg15=2, resubmit(,65)
    Match l2;
    l2.value.dl_dst[5] = 2;
    std::memset(l2.mask.dl_dst, 0xff, 6);
    add(8, 50, l2, {set_reg(15, 2), resubmit(65)});
    // table 8: dl_dst=..:ff (the router), ip -> rewrite MACs, dec_ttl, reg15=2
    Match rt;
    rt.value.dl_dst[5] = 0xff;
    std::memset(rt.mask.dl_dst, 0xff, 6);
    m_ip(rt);
    add(8, 60, rt,
        {set_mac(FieldId::kEthSrc, 0xfe), set_mac(FieldId::kEthDst, 2), ActDecTtl{{0}},
         set_reg(15, 2), resubmit(65)});
    // table 8: ct lookup for TCP
    Match ct;
    ct.value.dl_dst[5] = 3;
    std::memset(ct.mask.dl_dst, 0xff, 6);
    m_ip(ct);
    ActCt a;
    a.zone_imm = 7;
    a.recirc_table = 9;
    add(8, 50, ct, {a});
    // table 8: default drop; table 65: reg15=2 -> output:2
    add(8, 0, Match{}, {});
    Match o;
    m_reg(o, 15, 2);
    add(65, 100, o, {ActOutput{2, 0}});
  }
  void add(uint8_t table, int prio, const Match& m, ActionList acts) {
    RuleSpec s;
    s.table = table;
    s.priority = static_cast<uint16_t>(prio);
    s.match = m;
    s.actions = std::move(acts);
    ASSERT_FALSE(pipeline_.add_flow(s));
  }
  FlowKey packet(uint8_t dst_last, uint8_t ttl = 64) {
    FlowKey f{};
    f.in_port = be16(1);
    f.dl_src[5] = 1;
    f.dl_dst[5] = dst_last;
    f.dl_type = be16(kEthTypeIp);
    f.nw_proto = kIpProtoIcmp;
    f.nw_src = be32(0x0a00010b);
    f.nw_dst = be32(0x0a00020d);
    f.nw_ttl = ttl;
    return f;
  }
  XlateOut run(const FlowKey& f) {
    XlateIn in;
    in.pipeline = &pipeline_;
    in.ports = &ports_;
    in.recirc = &recirc_;
    in.flow = f;
    return xlate(in);
  }
  Pipeline pipeline_;
  PortTable ports_;
  RecircTable recirc_;
};

TEST_F(XlateTest, SwitchedPacketIsOutputOnly) {
  XlateOut x = run(packet(2));
  EXPECT_EQ("3", format_dp_actions(x.actions));
  EXPECT_TRUE(x.error.empty());
  // Always-examined fields, and dl_dst from the table-8 lookup.
  EXPECT_EQ(0xffff, x.wc.in_port);
  EXPECT_EQ(0xffffffffu, x.wc.recirc_id);
  EXPECT_EQ(0xff, x.wc.dl_dst[0]);
  // Registers are not packet fields: never in a megaflow.
  EXPECT_EQ(0u, x.wc.regs[15]);
}

TEST_F(XlateTest, RoutedPacketRewritesMacsAndTtl) {
  XlateOut x = run(packet(0xff));
  EXPECT_EQ("set(eth(src=00:00:00:00:00:fe,dst=00:00:00:00:00:02)),set(ipv4(ttl=63)),3",
            format_dp_actions(x.actions));
  EXPECT_EQ(0xff, x.wc.nw_ttl);
}

TEST_F(XlateTest, TtlOneGoesToTheControllerNotOut) {
  XlateOut x = run(packet(0xff, 1));
  std::string s = format_dp_actions(x.actions);
  EXPECT_NE(std::string::npos, s.find("userspace(pid=0,controller(reason=2"));
  EXPECT_EQ(std::string::npos, s.find(",3")) << s;
}

TEST_F(XlateTest, UnknownDestinationDrops) {
  XlateOut x = run(packet(9));
  EXPECT_EQ("drop", format_dp_actions(x.actions));
}

TEST_F(XlateTest, ConntrackForksAndRecirculates) {
  XlateOut x = run(packet(3));
  EXPECT_EQ("ct(zone=7),recirc(0x1)", format_dp_actions(x.actions));
  ASSERT_EQ(1u, x.ct_forks.size());
  EXPECT_EQ(7, x.ct_forks[0].zone);
  const FrozenState* st = recirc_.find(x.ct_forks[0].recirc_id);
  ASSERT_NE(nullptr, st);
  EXPECT_EQ(9, st->table_id);
}

TEST_F(XlateTest, RecircIdWithoutStateIsAnError) {
  FlowKey f = packet(2);
  f.recirc_id = be32(42);
  XlateOut x = run(f);
  EXPECT_FALSE(x.error.empty());
  EXPECT_TRUE(x.actions.empty());
}

}  // namespace
}  // namespace dpuflow::dataplane
