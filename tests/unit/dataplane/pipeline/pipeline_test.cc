// Pipeline: flow_mod / group_mod / meter_mod semantics (OVS 3.1 ofproto.c)
// and copy-on-write versions.
#include "dataplane/pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/unit/dataplane/pipeline/cls_test_util.h"

namespace dpuflow::dataplane {
namespace {

using namespace testutil;

RuleSpec spec(uint8_t table, int priority, const Match& m, ActionList acts, uint64_t cookie = 0) {
  RuleSpec s;
  s.table = table;
  s.priority = static_cast<uint16_t>(priority);
  s.match = m;
  s.actions = std::move(acts);
  s.cookie = cookie;
  return s;
}

Match dst(uint32_t a, int plen = 32) {
  Match m;
  m_ip(m);
  m_nw_dst(m, a, plen);
  return m;
}

uint16_t port_of(const Rule* r) {
  if (!r || r->spec.actions.empty()) return 0;
  const auto* o = std::get_if<ActOutput>(&r->spec.actions[0]);
  return o ? o->port : 0;
}

FlowMod mod(FlowModCommand cmd, uint8_t table, const Match& m, ActionList acts = {},
            int priority = 0x8000) {
  FlowMod fm;
  fm.command = cmd;
  fm.spec = spec(table, priority, m, std::move(acts));
  return fm;
}

TEST(PipelineFlowMod, AddAndLookupPerTable) {
  Pipeline p;
  ASSERT_FALSE(p.add_flow(spec(0, 10, dst(ip4(1, 1, 1, 1)), out(1))));
  ASSERT_FALSE(p.add_flow(spec(3, 10, dst(ip4(1, 1, 1, 1)), out(3))));
  FlowKey k = ip_flow(9, ip4(1, 1, 1, 1));
  EXPECT_EQ(port_of(p.lookup(0, k, nullptr)), 1);
  EXPECT_EQ(port_of(p.lookup(3, k, nullptr)), 3);
  EXPECT_EQ(p.lookup(4, k, nullptr), nullptr);  // table miss is xlate's business
  EXPECT_EQ(p.n_rules(), 2u);
  EXPECT_EQ(p.table(3).size(), 1u);
}

TEST(PipelineFlowMod, AddToTableAllGoesToTableZero) {
  Pipeline p;
  ASSERT_FALSE(p.add_flow(spec(kTableAll, 10, dst(1), out(1))));
  EXPECT_EQ(p.table(0).size(), 1u);
  EXPECT_EQ(p.table(0).rules()[0]->spec.table, 0);
}

TEST(PipelineFlowMod, IdenticalAddReplacesKeepingCounters) {
  Pipeline p;
  FlowModResult r1;
  ASSERT_FALSE(p.add_flow(spec(0, 10, dst(1), out(1), 0x11), &r1));
  r1.added[0]->counters.n_packets = 5;
  FlowModResult r2;
  ASSERT_FALSE(p.add_flow(spec(0, 10, dst(1), out(2), 0x22), &r2));
  ASSERT_EQ(r2.removed.size(), 1u);
  EXPECT_EQ(r2.removed[0], r1.added[0]);
  const Rule* now = p.lookup(0, ip_flow(0, 1), nullptr);
  EXPECT_EQ(port_of(now), 2);
  EXPECT_EQ(now->spec.cookie, 0x22u);
  EXPECT_EQ(now->counters.n_packets.load(), 5u);
  EXPECT_EQ(p.n_rules(), 1u);

  // reset_counts starts from zero.
  RuleSpec s = spec(0, 10, dst(1), out(3));
  s.flags = kFlagResetCounts;
  ASSERT_FALSE(p.add_flow(s));
  EXPECT_EQ(p.lookup(0, ip_flow(0, 1), nullptr)->counters.n_packets.load(), 0u);
}

TEST(PipelineFlowMod, DifferentPriorityIsANewRule) {
  Pipeline p;
  ASSERT_FALSE(p.add_flow(spec(0, 10, dst(1), out(1))));
  ASSERT_FALSE(p.add_flow(spec(0, 20, dst(1), out(2))));
  EXPECT_EQ(p.n_rules(), 2u);
  EXPECT_EQ(port_of(p.lookup(0, ip_flow(0, 1), nullptr)), 2);
}

TEST(PipelineFlowMod, CheckOverlap) {
  Pipeline p;
  ASSERT_FALSE(p.add_flow(spec(0, 10, dst(ip4(10, 0, 0, 0), 8), out(1))));
  RuleSpec s = spec(0, 10, dst(ip4(10, 1, 0, 0), 16), out(2));
  s.flags = kFlagCheckOverlap;
  auto err = p.add_flow(s);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, OfpErr::kOverlap);
  EXPECT_STREQ(ofp_err_name(err->code), "OFPFMFC_OVERLAP");
  EXPECT_EQ(p.n_rules(), 1u);
  s.priority = 11;  // other priority: no overlap
  EXPECT_FALSE(p.add_flow(s));
  // An identical rule is a replacement, not an overlap.
  RuleSpec same = spec(0, 10, dst(ip4(10, 0, 0, 0), 8), out(3));
  same.flags = kFlagCheckOverlap;
  EXPECT_FALSE(p.add_flow(same));
}

TEST(PipelineFlowMod, ConjunctionMixedWithOtherActionsIsRefused) {
  Pipeline p;
  ActionList acts = conj(1, 1, 2);
  acts.push_back(ActOutput{1, 0});
  auto err = p.add_flow(spec(0, 10, dst(1), acts));
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, OfpErr::kBadConjunction);
  ActionList ok = conj(1, 1, 2);
  ok.push_back(ActNote{{1, 2}});
  FlowModResult r;
  EXPECT_FALSE(p.add_flow(spec(0, 10, dst(1), ok), &r));
  EXPECT_TRUE(r.added[0]->has_conjunction);
}

TEST(PipelineFlowMod, ModifyLooseKeepsMatchTimeoutsAndCookie) {
  Pipeline p;
  RuleSpec a = spec(1, 10, dst(ip4(10, 0, 0, 1)), out(1), 0xa);
  a.idle_timeout = 30;
  ASSERT_FALSE(p.add_flow(a, nullptr, 1000));
  ASSERT_FALSE(p.add_flow(spec(1, 20, dst(ip4(10, 0, 0, 2)), out(1), 0xb)));
  ASSERT_FALSE(p.add_flow(spec(1, 30, dst(ip4(11, 0, 0, 2)), out(1), 0xc)));
  Match target;
  m_ip(target);
  m_nw_dst(target, ip4(10, 0, 0, 0), 8);
  FlowMod fm = mod(FlowModCommand::kModify, 1, target, out(7));
  fm.spec.cookie = 0x99;
  fm.spec.idle_timeout = 5;
  FlowModResult res;
  ASSERT_FALSE(p.apply(fm, &res, 2000));
  EXPECT_EQ(res.added.size(), 2u);
  EXPECT_EQ(res.removed.size(), 2u);
  const Rule* r = p.lookup(1, ip_flow(0, ip4(10, 0, 0, 1)), nullptr);
  EXPECT_EQ(port_of(r), 7);
  EXPECT_EQ(r->spec.cookie, 0xau);  // no modify_cookie
  EXPECT_EQ(r->spec.idle_timeout, 30);
  EXPECT_EQ(r->spec.priority, 10);
  EXPECT_EQ(r->created_ms, 1000);
  EXPECT_EQ(port_of(p.lookup(1, ip_flow(0, ip4(11, 0, 0, 2)), nullptr)), 1);
  EXPECT_EQ(p.n_rules(), 3u);

  fm.modify_cookie = true;
  ASSERT_FALSE(p.apply(fm));
  EXPECT_EQ(p.lookup(1, ip_flow(0, ip4(10, 0, 0, 1)), nullptr)->spec.cookie, 0x99u);
}

TEST(PipelineFlowMod, ModifyStrictNeedsPriorityAndMatch) {
  Pipeline p;
  ASSERT_FALSE(p.add_flow(spec(0, 10, dst(1), out(1))));
  ASSERT_FALSE(p.add_flow(spec(0, 20, dst(1), out(2))));
  FlowMod fm = mod(FlowModCommand::kModifyStrict, 0, dst(1), out(5), 10);
  ASSERT_FALSE(p.apply(fm));
  EXPECT_EQ(port_of(p.table(0).find_exactly(dst(1), 10)), 5);
  EXPECT_EQ(port_of(p.table(0).find_exactly(dst(1), 20)), 2);
}

TEST(PipelineFlowMod, ModifyWithoutMatchAddsUnlessCookieFiltered) {
  Pipeline p;
  FlowMod fm = mod(FlowModCommand::kModify, 2, dst(1), out(4), 10);
  ASSERT_FALSE(p.apply(fm));
  EXPECT_EQ(port_of(p.lookup(2, ip_flow(0, 1), nullptr)), 4);
  FlowMod filtered = mod(FlowModCommand::kModify, 2, dst(2), out(4), 10);
  filtered.cookie = 1;
  filtered.cookie_mask = ~uint64_t{0};
  ASSERT_FALSE(p.apply(filtered));
  EXPECT_EQ(p.lookup(2, ip_flow(0, 2), nullptr), nullptr);
}

TEST(PipelineFlowMod, ModifyCookieFilter) {
  Pipeline p;
  ASSERT_FALSE(p.add_flow(spec(0, 10, dst(1), out(1), 0x100)));
  ASSERT_FALSE(p.add_flow(spec(0, 10, dst(2), out(1), 0x200)));
  FlowMod fm = mod(FlowModCommand::kModify, kTableAll, Match{}, out(9));
  fm.cookie = 0x100;
  fm.cookie_mask = 0xf00;
  ASSERT_FALSE(p.apply(fm));
  EXPECT_EQ(port_of(p.lookup(0, ip_flow(0, 1), nullptr)), 9);
  EXPECT_EQ(port_of(p.lookup(0, ip_flow(0, 2), nullptr)), 1);
}

TEST(PipelineFlowMod, DeleteLooseStrictAndFilters) {
  Pipeline p;
  ASSERT_FALSE(p.add_flow(spec(0, 10, dst(1), out(1), 0x1)));
  ASSERT_FALSE(p.add_flow(spec(0, 20, dst(1), out(2), 0x2)));
  ASSERT_FALSE(p.add_flow(spec(5, 10, dst(1), out(2), 0x2)));
  ASSERT_FALSE(p.add_flow(spec(5, 10, dst(ip4(10, 0, 0, 0), 8), {ActClone{out(3)}}, 0x3)));

  // Strict: only priority 20 in table 0.
  FlowModResult r;
  ASSERT_FALSE(p.apply(mod(FlowModCommand::kDeleteStrict, 0, dst(1), {}, 20), &r));
  EXPECT_EQ(r.removed.size(), 1u);
  EXPECT_EQ(p.n_rules(), 3u);

  // out_port filter looks inside clone().
  FlowMod d = mod(FlowModCommand::kDelete, kTableAll, Match{});
  d.out_port = 3;
  r = {};
  ASSERT_FALSE(p.apply(d, &r));
  ASSERT_EQ(r.removed.size(), 1u);
  EXPECT_EQ(r.removed[0]->spec.cookie, 0x3u);

  // Cookie filter across all tables.
  FlowMod c = mod(FlowModCommand::kDelete, kTableAll, Match{});
  c.cookie = 0x2;
  c.cookie_mask = ~uint64_t{0};
  ASSERT_FALSE(p.apply(c));
  EXPECT_EQ(p.n_rules(), 1u);
  EXPECT_EQ(port_of(p.lookup(0, ip_flow(0, 1), nullptr)), 1);

  // Loose delete of a more general match removes the more specific rule.
  Match ip_only;
  m_ip(ip_only);
  ASSERT_FALSE(p.apply(mod(FlowModCommand::kDelete, 0, ip_only)));
  EXPECT_EQ(p.n_rules(), 0u);
}

// ---- groups --------------------------------------------------------------------

GroupMod group_mod(GroupModCommand cmd, uint32_t id, GroupType type = GroupType::kAll) {
  GroupMod gm;
  gm.command = cmd;
  gm.group.group_id = id;
  gm.group.type = type;
  Bucket b;
  b.actions = out(1);
  gm.group.buckets.push_back(b);
  return gm;
}

TEST(PipelineGroups, AddModifyDelete) {
  Pipeline p;
  ASSERT_FALSE(p.apply(group_mod(GroupModCommand::kAdd, 1)));
  auto err = p.apply(group_mod(GroupModCommand::kAdd, 1));
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, OfpErr::kGroupExists);
  err = p.apply(group_mod(GroupModCommand::kModify, 2));
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, OfpErr::kUnknownGroup);
  err = p.apply(group_mod(GroupModCommand::kAdd, kGroupMax + 1));
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, OfpErr::kInvalidGroup);
  ASSERT_FALSE(p.apply(group_mod(GroupModCommand::kModify, 1, GroupType::kSelect)));
  EXPECT_EQ(p.group(1)->type, GroupType::kSelect);
  ASSERT_FALSE(p.apply(group_mod(GroupModCommand::kAddOrModify, 2)));
  EXPECT_EQ(p.groups().size(), 2u);
  ASSERT_FALSE(p.apply(group_mod(GroupModCommand::kDelete, kGroupAll)));
  EXPECT_TRUE(p.groups().empty());
}

TEST(PipelineGroups, FlowsNeedTheGroupAndDieWithIt) {
  Pipeline p;
  auto err = p.add_flow(spec(0, 10, dst(1), {ActGroup{7}}));
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, OfpErr::kBadOutGroup);
  ASSERT_FALSE(p.apply(group_mod(GroupModCommand::kAdd, 7)));
  ASSERT_FALSE(p.add_flow(spec(0, 10, dst(1), {ActGroup{7}})));
  ASSERT_FALSE(p.add_flow(spec(0, 10, dst(2), out(1))));
  FlowModResult r;
  ASSERT_FALSE(p.apply(group_mod(GroupModCommand::kDelete, 7), &r));
  EXPECT_EQ(r.removed.size(), 1u);
  EXPECT_EQ(p.n_rules(), 1u);
  EXPECT_EQ(p.group(7), nullptr);
}

TEST(PipelineGroups, DeleteByOutGroup) {
  Pipeline p;
  ASSERT_FALSE(p.apply(group_mod(GroupModCommand::kAdd, 1)));
  ASSERT_FALSE(p.apply(group_mod(GroupModCommand::kAdd, 2)));
  ASSERT_FALSE(p.add_flow(spec(0, 10, dst(1), {ActGroup{1}})));
  ASSERT_FALSE(p.add_flow(spec(0, 10, dst(2), {ActGroup{2}})));
  FlowMod d = mod(FlowModCommand::kDelete, kTableAll, Match{});
  d.out_group = 2;
  ASSERT_FALSE(p.apply(d));
  EXPECT_NE(p.lookup(0, ip_flow(0, 1), nullptr), nullptr);
  EXPECT_EQ(p.lookup(0, ip_flow(0, 2), nullptr), nullptr);
}

// ---- meters ----------------------------------------------------------------------

MeterMod meter_mod(MeterModCommand cmd, uint32_t id) {
  MeterMod mm;
  mm.command = cmd;
  mm.meter.meter_id = id;
  mm.meter.flags = MeterSpec::kPktps;
  mm.meter.bands.push_back(MeterBand{MeterBand::Type::kDrop, 10, 0, 0});
  return mm;
}

TEST(PipelineMeters, ProviderIdsAndErrors) {
  Pipeline p;
  ASSERT_FALSE(p.apply(meter_mod(MeterModCommand::kAdd, 1)));
  ASSERT_FALSE(p.apply(meter_mod(MeterModCommand::kAdd, 5)));
  EXPECT_EQ(p.meter_provider_id(1), 0u);
  EXPECT_EQ(p.meter_provider_id(5), 1u);
  EXPECT_EQ(p.meter_provider_id(9), kMeterNone);
  EXPECT_EQ(p.apply(meter_mod(MeterModCommand::kAdd, 1))->code, OfpErr::kMeterExists);
  EXPECT_EQ(p.apply(meter_mod(MeterModCommand::kModify, 2))->code, OfpErr::kUnknownMeter);
  EXPECT_EQ(p.apply(meter_mod(MeterModCommand::kAdd, 0))->code, OfpErr::kInvalidMeter);
  ASSERT_FALSE(p.apply(meter_mod(MeterModCommand::kModify, 5)));
  EXPECT_EQ(p.meter_provider_id(5), 1u);
  // Freed ids are reused, lowest first.
  ASSERT_FALSE(p.apply(meter_mod(MeterModCommand::kDelete, 1)));
  ASSERT_FALSE(p.apply(meter_mod(MeterModCommand::kAdd, 3)));
  EXPECT_EQ(p.meter_provider_id(3), 0u);
  ASSERT_FALSE(p.apply(meter_mod(MeterModCommand::kAdd, 4)));
  EXPECT_EQ(p.meter_provider_id(4), 2u);
}

TEST(PipelineMeters, FlowsNeedTheMeterAndDieWithIt) {
  Pipeline p;
  EXPECT_EQ(p.add_flow(spec(0, 10, dst(1), {ActMeter{1}, ActOutput{1, 0}}))->code,
            OfpErr::kInvalidMeter);
  ASSERT_FALSE(p.apply(meter_mod(MeterModCommand::kAdd, 1)));
  ASSERT_FALSE(p.add_flow(spec(0, 10, dst(1), {ActMeter{1}, ActOutput{1, 0}})));
  FlowModResult r;
  ASSERT_FALSE(p.apply(meter_mod(MeterModCommand::kDelete, kMeterAll), &r));
  EXPECT_EQ(r.removed.size(), 1u);
  EXPECT_EQ(p.n_rules(), 0u);
  EXPECT_TRUE(p.meters().empty());
}

// ---- TLV map ---------------------------------------------------------------------

TEST(PipelineTlv, AddIsAllOrNothing) {
  Pipeline p;
  TlvMod add{TlvModCommand::kAdd, {{0, 0x102, 0x80, 4}}};
  ASSERT_FALSE(p.apply(add));
  EXPECT_TRUE(p.tlv_map().mapped(0));
  EXPECT_EQ(p.tlv_map().find(0x102, 0x80), 0);
  // Index 0 taken: the whole mod fails, index 1 stays unmapped.
  TlvMod again{TlvModCommand::kAdd, {{1, 0x102, 0x81, 4}, {0, 0x102, 0x82, 4}}};
  auto err = p.apply(again);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, OfpErr::kTlvAlreadyMapped);
  EXPECT_FALSE(p.tlv_map().mapped(1));
  TlvMod dup{TlvModCommand::kAdd, {{2, 0x102, 0x80, 8}}};
  EXPECT_EQ(p.apply(dup)->code, OfpErr::kTlvDupEntry);
  Pipeline before = p;
  ASSERT_FALSE(p.apply(TlvMod{TlvModCommand::kClear, {}}));
  EXPECT_FALSE(p.tlv_map().mapped(0));
  EXPECT_TRUE(before.tlv_map().mapped(0));
}

// ---- versions --------------------------------------------------------------------

TEST(PipelineVersions, CopiesAreIndependentAndShareUntouchedTables) {
  Pipeline v1;
  ASSERT_FALSE(v1.add_flow(spec(0, 10, dst(1), out(1))));
  ASSERT_FALSE(v1.add_flow(spec(1, 10, dst(1), out(1))));
  Pipeline v2 = v1;
  ASSERT_FALSE(v2.add_flow(spec(0, 10, dst(2), out(2))));
  ASSERT_FALSE(v2.apply(mod(FlowModCommand::kDelete, 1, Match{})));
  EXPECT_EQ(v1.n_rules(), 2u);
  EXPECT_EQ(v2.n_rules(), 1u + 1u);
  EXPECT_EQ(v1.lookup(0, ip_flow(0, 2), nullptr), nullptr);
  EXPECT_NE(v2.lookup(0, ip_flow(0, 2), nullptr), nullptr);
  EXPECT_NE(v1.lookup(1, ip_flow(0, 1), nullptr), nullptr);
  EXPECT_EQ(v2.lookup(1, ip_flow(0, 1), nullptr), nullptr);
  // Changing the original after a copy leaves the copy alone too.
  ASSERT_FALSE(v1.add_flow(spec(0, 10, dst(3), out(3))));
  EXPECT_EQ(v2.lookup(0, ip_flow(0, 3), nullptr), nullptr);
  // Untouched tables are shared: same Classifier object.
  EXPECT_EQ(&v1.table(7), &v2.table(7));
}

TEST(PipelineVersions, ReadersNeverSeeHalfABundle) {
  PipelineVersions versions;
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::thread reader([&] {
    while (!stop.load()) {
      auto snap = versions.load();
      // Each bundle adds its rule to table 0 and table 1 together.
      size_t a = snap->table(0).size();
      size_t b = snap->table(1).size();
      if (a != b) ++torn;
    }
  });
  for (int i = 0; i < 200; ++i) {
    Pipeline next = versions.copy();
    ASSERT_FALSE(next.add_flow(spec(0, 10, dst(static_cast<uint32_t>(i)), out(1))));
    ASSERT_FALSE(next.add_flow(spec(1, 10, dst(static_cast<uint32_t>(i)), out(1))));
    versions.publish(std::make_shared<const Pipeline>(std::move(next)));
  }
  stop = true;
  reader.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(versions.load()->n_rules(), 400u);
}

}  // namespace
}  // namespace dpuflow::dataplane
