// Classifier behaviour: priorities, replacement, removal, and the megaflow
// wildcards OVS 3.1's classifier produces (staged lookup, prefix tries,
// ports trie), plus conjunctive matches.  Expected wildcards are derived by
// hand from OVS's algorithm (lib/classifier.c), as the comments explain.
#include "dataplane/pipeline/classifier.h"

#include <gtest/gtest.h>

#include "tests/unit/dataplane/pipeline/cls_test_util.h"

namespace dpuflow::dataplane {
namespace {

using namespace testutil;

Match catchall() { return Match{}; }

uint16_t out_port_of(const Rule* r) {
  if (!r || r->spec.actions.empty()) return 0;
  const auto* o = std::get_if<ActOutput>(&r->spec.actions[0]);
  return o ? o->port : 0;
}

// ---- priorities, replacement, removal ------------------------------------------

TEST(Classifier, HighestPriorityWins) {
  Classifier cls;
  Match a;
  m_ip(a);
  m_nw_dst(a, ip4(10, 0, 0, 0), 8);
  Match b;
  m_ip(b);
  m_nw_dst(b, ip4(10, 1, 0, 0), 16);
  cls.insert(make_rule(a, 100, out(1)));
  cls.insert(make_rule(b, 200, out(2)));
  cls.insert(make_rule(catchall(), 0, out(3)));
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(1, ip4(10, 1, 2, 3)), nullptr)), 2);
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(1, ip4(10, 2, 2, 3)), nullptr)), 1);
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(1, ip4(11, 2, 2, 3)), nullptr)), 3);
  EXPECT_EQ(cls.size(), 3u);
  EXPECT_EQ(cls.n_subtables(), 3u);
}

TEST(Classifier, LowerPriorityMoreSpecificRuleIsShadowed) {
  Classifier cls;
  Match a;
  m_ip(a);
  m_nw_dst(a, ip4(10, 0, 0, 0), 8);
  Match b;
  m_ip(b);
  m_nw_dst(b, ip4(10, 1, 0, 0), 16);
  cls.insert(make_rule(a, 300, out(1)));
  cls.insert(make_rule(b, 200, out(2)));
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(1, ip4(10, 1, 2, 3)), nullptr)), 1);
}

TEST(Classifier, IdenticalMatchAndPriorityReplaces) {
  Classifier cls;
  Match a;
  m_metadata(a, 7);
  RulePtr r1 = make_rule(a, 10, out(1));
  RulePtr r2 = make_rule(a, 10, out(2));
  EXPECT_EQ(cls.insert(r1), nullptr);
  EXPECT_EQ(cls.insert(r2), r1);
  EXPECT_EQ(cls.size(), 1u);
  FlowKey k{};
  k.metadata = be64(7);
  EXPECT_EQ(cls.lookup(k, nullptr), r2.get());
  EXPECT_EQ(cls.find_exactly(a, 10), r2.get());
  EXPECT_EQ(cls.find_exactly(a, 11), nullptr);
}

TEST(Classifier, IdenticalMatchDifferentPrioritiesChain) {
  Classifier cls;
  Match a;
  m_metadata(a, 7);
  RulePtr lo = make_rule(a, 10, out(1));
  RulePtr hi = make_rule(a, 20, out(2));
  cls.insert(lo);
  cls.insert(hi);
  EXPECT_EQ(cls.size(), 2u);
  EXPECT_EQ(cls.n_subtables(), 1u);
  FlowKey k{};
  k.metadata = be64(7);
  EXPECT_EQ(cls.lookup(k, nullptr), hi.get());
  EXPECT_EQ(cls.remove(hi.get()), hi);
  EXPECT_EQ(cls.lookup(k, nullptr), lo.get());
  EXPECT_EQ(cls.remove(hi.get()), nullptr);
  EXPECT_EQ(cls.remove(lo.get()), lo);
  EXPECT_EQ(cls.lookup(k, nullptr), nullptr);
  EXPECT_EQ(cls.n_subtables(), 0u);
  EXPECT_TRUE(cls.empty());
}

TEST(Classifier, MaskedRegisterMatch) {
  Classifier cls;
  Match a;
  m_reg(a, 10, 0x2, 0x2);  // reg10[1] = 1
  cls.insert(make_rule(a, 50, out(1)));
  FlowKey k{};
  set_reg(k, 10, 0x3);
  EXPECT_NE(cls.lookup(k, nullptr), nullptr);
  set_reg(k, 10, 0x1);
  EXPECT_EQ(cls.lookup(k, nullptr), nullptr);
}

TEST(Classifier, ValueBitsOutsideTheMaskAreIgnored) {
  Classifier cls;
  Match a;
  m_reg(a, 0, 0x10, 0xf0);
  a.value.regs[0] = be32(0x1f);  // stray bits outside the mask
  RulePtr r = make_rule(a, 5, out(1));
  cls.insert(r);
  FlowKey k{};
  set_reg(k, 0, 0x12);
  EXPECT_EQ(cls.lookup(k, nullptr), r.get());
  EXPECT_EQ(cls.remove(r.get()), r);
}

TEST(Classifier, SubtableOrderFollowsMaxPriorityAfterRemoval) {
  Classifier cls;
  Match a;
  m_metadata(a, 1);
  Match b;
  m_reg(b, 0, 1);
  RulePtr a_hi = make_rule(a, 100, out(1));
  RulePtr b_mid = make_rule(b, 50, out(2));
  Match a2;
  m_metadata(a2, 2);
  RulePtr a_lo = make_rule(a2, 10, out(3));
  cls.insert(a_hi);
  cls.insert(b_mid);
  cls.insert(a_lo);
  FlowKey k{};
  k.metadata = be64(2);
  set_reg(k, 0, 1);
  EXPECT_EQ(cls.lookup(k, nullptr), b_mid.get());
  // With a_hi gone, the metadata subtable's max drops to 10: the reg
  // subtable is visited first and its hit stops the search, so metadata is
  // never examined.
  cls.remove(a_hi.get());
  FlowMask wc{};
  EXPECT_EQ(cls.lookup(k, &wc), b_mid.get());
  EXPECT_EQ(wc.metadata, 0u);
  EXPECT_EQ(wc.regs[0], ~uint32_t{0});
}

// ---- staged lookup ------------------------------------------------------------------

// A rule over metadata (stage 0), dl_type (stage 1) and nw_dst (stage 2).
Classifier staged_table() {
  Classifier cls;
  Match a;
  m_metadata(a, 1);
  m_ip(a);
  m_nw_dst(a, ip4(10, 0, 0, 1), 32);
  cls.insert(make_rule(a, 100, out(1)));
  cls.insert(make_rule(catchall(), 0, out(9)));
  return cls;
}

TEST(ClassifierWildcards, MissInMetadataStageLeavesLaterStagesWildcarded) {
  Classifier cls = staged_table();
  FlowKey k = ip_flow(ip4(1, 1, 1, 1), ip4(10, 0, 0, 1));
  k.metadata = be64(2);
  FlowMask wc{};
  EXPECT_EQ(out_port_of(cls.lookup(k, &wc)), 9);
  FlowMask want{};
  want.metadata = ~uint64_t{0};
  EXPECT_EQ(wc, want) << mask_bytes(wc);
}

TEST(ClassifierWildcards, MissInL2StageUnwildcardsMetadataAndL2Only) {
  Classifier cls = staged_table();
  FlowKey k{};
  k.metadata = be64(1);
  k.dl_type = be16(kEthTypeArp);
  k.nw_dst = be32(ip4(10, 0, 0, 1));
  FlowMask wc{};
  EXPECT_EQ(out_port_of(cls.lookup(k, &wc)), 9);
  FlowMask want{};
  want.metadata = ~uint64_t{0};
  want.dl_type = 0xffff;
  EXPECT_EQ(wc, want) << mask_bytes(wc);
}

TEST(ClassifierWildcards, HitUnwildcardsTheWholeSubtableMask) {
  Classifier cls = staged_table();
  FlowKey k = ip_flow(ip4(1, 1, 1, 1), ip4(10, 0, 0, 1));
  k.metadata = be64(1);
  FlowMask wc{};
  EXPECT_EQ(out_port_of(cls.lookup(k, &wc)), 1);
  FlowMask want{};
  want.metadata = ~uint64_t{0};
  want.dl_type = 0xffff;
  want.nw_dst = ~uint32_t{0};
  EXPECT_EQ(wc, want) << mask_bytes(wc);
}

TEST(ClassifierWildcards, MissInFinalStageWithoutTrieUsesWholeMask) {
  // nw_dst is a trie field; with /32 rules at 10.0.0.1 and a packet to
  // 10.0.0.3 the trie needs 31 bits (<= 32): the trie, not the hash,
  // decides, and the last bit stays wildcarded.
  Classifier cls = staged_table();
  FlowKey k = ip_flow(ip4(1, 1, 1, 1), ip4(10, 0, 0, 3));
  k.metadata = be64(1);
  FlowMask wc{};
  EXPECT_EQ(out_port_of(cls.lookup(k, &wc)), 9);
  FlowMask want{};
  want.metadata = ~uint64_t{0};
  want.dl_type = 0xffff;
  want.nw_dst = be32(0xfffffffe);
  EXPECT_EQ(wc, want) << mask_bytes(wc);

  // Without tries the final-stage hash miss un-wildcards all of nw_dst.
  ASSERT_TRUE(cls.set_prefix_fields({}));
  FlowMask wc2{};
  EXPECT_EQ(out_port_of(cls.lookup(k, &wc2)), 9);
  want.nw_dst = ~uint32_t{0};
  EXPECT_EQ(wc2, want) << mask_bytes(wc2);
}

// ---- prefix tries ----------------------------------------------------------------------

Classifier two_subnets() {
  Classifier cls;
  Match a;
  m_ip(a);
  m_nw_dst(a, ip4(10, 0, 1, 0), 24);
  Match b;
  m_ip(b);
  m_nw_dst(b, ip4(10, 0, 2, 0), 24);
  cls.insert(make_rule(a, 100, out(1)));
  cls.insert(make_rule(b, 100, out(2)));
  cls.insert(make_rule(catchall(), 0, out(9)));
  return cls;
}

TEST(ClassifierWildcards, TrieNeedsOnlyTheLeadingBitForAFarAddress) {
  // Both rules start with bit 0 = 0 (10.x); 192.168.99.1 starts with 1, so
  // one bit tells it apart: the megaflow is nw_dst=128.0.0.0/1.
  Classifier cls = two_subnets();
  FlowMask wc{};
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(ip4(1, 2, 3, 4), ip4(192, 168, 99, 1)), &wc)), 9);
  FlowMask want{};
  want.dl_type = 0xffff;
  want.nw_dst = be32(0x80000000);
  EXPECT_EQ(wc, want) << mask_bytes(wc);
}

TEST(ClassifierWildcards, TrieStopsWhereTheAddressLeavesThePrefixes) {
  Classifier cls = two_subnets();
  FlowMask wc{};
  // 10.1.x leaves 10.0.x at bit 15: nw_dst=10.0.0.0/16 style, 16 bits.
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(ip4(1, 2, 3, 4), ip4(10, 1, 0, 1)), &wc)), 9);
  EXPECT_EQ(wc.nw_dst, be32(0xffff0000));
  // 10.0.3.x shares 23 bits with 10.0.2.0/24: all 24 bits are needed.
  FlowMask wc2{};
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(ip4(1, 2, 3, 4), ip4(10, 0, 3, 1)), &wc2)), 9);
  EXPECT_EQ(wc2.nw_dst, be32(0xffffff00));
  // A hit un-wildcards the subtable mask.
  FlowMask wc3{};
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(ip4(1, 2, 3, 4), ip4(10, 0, 2, 9)), &wc3)), 2);
  EXPECT_EQ(wc3.nw_dst, be32(0xffffff00));
  EXPECT_EQ(wc3.nw_src, 0u);
}

TEST(ClassifierWildcards, TriesForSourceAndDestination) {
  Classifier cls;
  Match a;
  m_ip(a);
  m_nw_src(a, ip4(10, 0, 0, 0), 8);
  m_nw_dst(a, ip4(20, 0, 0, 0), 8);
  cls.insert(make_rule(a, 100, out(1)));
  cls.insert(make_rule(catchall(), 0, out(9)));
  // The nw_dst trie (first) matches; the nw_src trie rejects after 8 bits.
  FlowMask wc{};
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(ip4(11, 0, 0, 1), ip4(20, 1, 1, 1)), &wc)), 9);
  FlowMask want{};
  want.dl_type = 0xffff;
  want.nw_src = be32(0xff000000);
  EXPECT_EQ(wc, want) << mask_bytes(wc);
  // The nw_dst trie rejects first: nw_src stays wildcarded.
  FlowMask wc2{};
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(ip4(10, 0, 0, 1), ip4(21, 1, 1, 1)), &wc2)), 9);
  want.nw_src = 0;
  want.nw_dst = be32(0xff000000);
  EXPECT_EQ(wc2, want) << mask_bytes(wc2);
}

TEST(ClassifierWildcards, TrieDoesNotApplyToArp) {
  // arp_tpa shares storage with nw_dst, but OVS's nw_dst trie requires
  // IPv4, so an ARP lookup falls back to hashing: all 24 bits.
  Classifier cls;
  Match a;
  m_dl_type(a, kEthTypeArp);
  m_nw_dst(a, ip4(10, 0, 1, 0), 24);
  cls.insert(make_rule(a, 100, out(1)));
  cls.insert(make_rule(catchall(), 0, out(9)));
  FlowKey k{};
  k.dl_type = be16(kEthTypeArp);
  k.nw_dst = be32(ip4(192, 168, 0, 1));
  FlowMask wc{};
  EXPECT_EQ(out_port_of(cls.lookup(k, &wc)), 9);
  FlowMask want{};
  want.dl_type = 0xffff;
  want.nw_dst = be32(0xffffff00);
  EXPECT_EQ(wc, want) << mask_bytes(wc);
}

TEST(ClassifierWildcards, TrieSkipDoesNotAddBitsAlreadyDecided) {
  // Two subtables with nw_dst prefixes: /24 (priority 100) and /8
  // (priority 50).  10.0.3.7 leaves 10.0.1.0/24 at bit 22: the /24
  // subtable is skipped with 23 bits; the /8 subtable is not skipped (the
  // trie found rules at /8 on the packet's path), matches, and adds its 8
  // bits, already covered.
  Classifier cls;
  Match a;
  m_ip(a);
  m_nw_dst(a, ip4(10, 0, 1, 0), 24);
  Match b;
  m_ip(b);
  m_nw_dst(b, ip4(10, 0, 0, 0), 8);
  cls.insert(make_rule(a, 100, out(1)));
  cls.insert(make_rule(b, 50, out(2)));
  FlowMask wc{};
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(1, ip4(10, 0, 3, 7)), &wc)), 2);
  EXPECT_EQ(wc.nw_dst, be32(0xfffffe00));
}

// ---- ports trie ------------------------------------------------------------------------

TEST(ClassifierWildcards, PortsTrieNarrowsTheL4Miss) {
  Classifier cls;
  Match a;
  m_tcp(a);
  m_tp_dst(a, 80);
  cls.insert(make_rule(a, 100, out(1)));
  cls.insert(make_rule(catchall(), 0, out(9)));
  FlowMask wc{};
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(1, 2, kIpProtoTcp, 1000, 22), &wc)), 9);
  // 80 = 0x50 and 22 = 0x16 first differ at bit 9 of tp_dst (counting from
  // its MSB), i.e. bit 25 of the ports word: 26 bits -> tp_dst mask 0xffc0.
  FlowMask want{};
  want.dl_type = 0xffff;
  want.nw_proto = 0xff;
  want.tp_dst = be16(0xffc0);
  EXPECT_EQ(wc, want) << mask_bytes(wc);
}

TEST(ClassifierWildcards, FinalStageMissKeepsOtherL4Bits) {
  // OVS >= 3.1.1: a final-stage miss un-wildcards the whole final stage
  // (here tcp_flags) and only the ports trie's share of the ports.
  Classifier cls;
  Match a;
  m_tcp(a);
  m_tp_dst(a, 80);
  a.value.tcp_flags = be16(0x008);
  a.mask.tcp_flags = be16(0x008);
  cls.insert(make_rule(a, 100, out(1)));
  cls.insert(make_rule(catchall(), 0, out(9)));
  FlowKey k = ip_flow(1, 2, kIpProtoTcp, 1000, 80);
  k.tcp_flags = be16(0x002);
  FlowMask wc{};
  EXPECT_EQ(out_port_of(cls.lookup(k, &wc)), 9);
  FlowMask want{};
  want.dl_type = 0xffff;
  want.nw_proto = 0xff;
  want.tp_dst = 0xffff;
  want.tcp_flags = be16(0x008);
  EXPECT_EQ(wc, want) << mask_bytes(wc);
}

// ---- conjunctive matches ---------------------------------------------------------------

// conjunction(1, 1/2): nw_src in {10.0.0.1, 10.0.0.2}; (1, 2/2): tp_dst in
// {22, 80}; conj_id=1 -> output 2.  A hard rule at priority 50 -> output 3.
Classifier conj_table(int conj_rule_priority = 100) {
  Classifier cls;
  for (uint32_t src : {ip4(10, 0, 0, 1), ip4(10, 0, 0, 2)}) {
    Match m;
    m_ip(m);
    m_nw_src(m, src, 32);
    cls.insert(make_rule(m, 100, conj(1, 1, 2)));
  }
  for (uint16_t port : {22, 80}) {
    Match m;
    m_tcp(m);
    m_tp_dst(m, port);
    cls.insert(make_rule(m, 100, conj(1, 2, 2)));
  }
  Match c;
  m_conj_id(c, 1);
  if (conj_rule_priority >= 0) cls.insert(make_rule(c, conj_rule_priority, out(2)));
  Match h;
  m_ip(h);
  cls.insert(make_rule(h, 50, out(3)));
  return cls;
}

TEST(ClassifierConjunction, TwoClausesSatisfied) {
  Classifier cls = conj_table();
  FlowMask wc{};
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(ip4(10, 0, 0, 2), 5, kIpProtoTcp, 9, 80), &wc)), 2);
  EXPECT_EQ(wc.conj_id, 0u);
  EXPECT_EQ(wc.nw_src, ~uint32_t{0});
  EXPECT_EQ(wc.tp_dst, 0xffff);
}

TEST(ClassifierConjunction, FailingClauseFallsBackToHardMatch) {
  Classifier cls = conj_table();
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(ip4(10, 0, 0, 3), 5, kIpProtoTcp, 9, 80), nullptr)), 3);
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(ip4(10, 0, 0, 1), 5, kIpProtoTcp, 9, 443), nullptr)), 3);
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(ip4(10, 0, 0, 1), 5, kIpProtoUdp, 9, 80), nullptr)), 3);
}

TEST(ClassifierConjunction, HigherPriorityHardMatchWins) {
  Classifier cls = conj_table();
  Match h;
  m_ip(h);
  m_nw_dst(h, 5, 32);
  cls.insert(make_rule(h, 200, out(4)));
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(ip4(10, 0, 0, 2), 5, kIpProtoTcp, 9, 80), nullptr)), 4);
}

TEST(ClassifierConjunction, MissingConjIdRuleFallsBackToHardMatch) {
  Classifier cls = conj_table(-1);
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(ip4(10, 0, 0, 2), 5, kIpProtoTcp, 9, 80), nullptr)), 3);
}

TEST(ClassifierConjunction, ConjIdRuleBelowHardMatchLoses) {
  // The second lookup (with conj_id set) returns the best rule overall, and
  // the hard match at 50 beats the conj_id rule at 10.
  Classifier cls = conj_table(10);
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(ip4(10, 0, 0, 2), 5, kIpProtoTcp, 9, 80), nullptr)), 3);
}

TEST(ClassifierConjunction, ThreeClauses) {
  Classifier cls;
  Match c1;
  m_ip(c1);
  m_nw_src(c1, ip4(10, 0, 0, 0), 24);
  cls.insert(make_rule(c1, 500, conj(7, 1, 3)));
  Match c2;
  m_ip(c2);
  m_nw_dst(c2, ip4(20, 0, 0, 0), 24);
  cls.insert(make_rule(c2, 500, conj(7, 2, 3)));
  Match c3;
  m_tcp(c3);
  m_tp_dst(c3, 443);
  cls.insert(make_rule(c3, 500, conj(7, 3, 3)));
  Match c;
  m_conj_id(c, 7);
  cls.insert(make_rule(c, 500, out(7)));
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(ip4(10, 0, 0, 9), ip4(20, 0, 0, 9), kIpProtoTcp, 1, 443),
                                   nullptr)),
            7);
  EXPECT_EQ(cls.lookup(ip_flow(ip4(10, 0, 0, 9), ip4(20, 0, 1, 9), kIpProtoTcp, 1, 443), nullptr),
            nullptr);
  EXPECT_EQ(cls.lookup(ip_flow(ip4(10, 0, 0, 9), ip4(20, 0, 0, 9), kIpProtoTcp, 1, 80), nullptr),
            nullptr);
}

TEST(ClassifierConjunction, ClausesAtDifferentPrioritiesDoNotCombine) {
  Classifier cls;
  Match c1;
  m_ip(c1);
  m_nw_src(c1, ip4(10, 0, 0, 1), 32);
  cls.insert(make_rule(c1, 100, conj(1, 1, 2)));
  Match c2;
  m_tcp(c2);
  m_tp_dst(c2, 80);
  cls.insert(make_rule(c2, 90, conj(1, 2, 2)));
  Match c;
  m_conj_id(c, 1);
  cls.insert(make_rule(c, 100, out(2)));
  EXPECT_EQ(cls.lookup(ip_flow(ip4(10, 0, 0, 1), 5, kIpProtoTcp, 9, 80), nullptr), nullptr);
}

TEST(ClassifierConjunction, LowerPriorityIdenticalHardRuleBehindSoftRule) {
  // OVS keeps identical matches in one chain; when the soft head's
  // conjunction fails, the next rule of the chain (hard, 80) is used.
  Classifier cls;
  Match x;
  m_ip(x);
  m_nw_src(x, ip4(10, 0, 0, 1), 32);
  cls.insert(make_rule(x, 100, conj(1, 1, 2)));
  cls.insert(make_rule(x, 80, out(8)));
  Match h;
  m_ip(h);
  cls.insert(make_rule(h, 50, out(5)));
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(ip4(10, 0, 0, 1), 5), nullptr)), 8);
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(ip4(10, 0, 0, 2), 5), nullptr)), 5);
}

TEST(ClassifierConjunction, ConjIdNeverReachesTheMegaflow) {
  Classifier cls = conj_table();
  FlowMask wc{};
  cls.lookup(ip_flow(ip4(10, 0, 0, 1), 5, kIpProtoTcp, 9, 22), &wc);
  EXPECT_EQ(wc.conj_id, 0u);
}

// ---- exact finds, overlap, loose iteration --------------------------------------------

TEST(Classifier, OverlapNeedsSamePriorityAndCompatibleValues) {
  Classifier cls;
  Match a;
  m_ip(a);
  m_nw_dst(a, ip4(10, 0, 0, 0), 8);
  cls.insert(make_rule(a, 100, out(1)));
  Match b;
  m_ip(b);
  m_nw_src(b, ip4(1, 1, 1, 1), 32);
  EXPECT_TRUE(cls.overlaps(b, 100));  // a packet can match both
  EXPECT_FALSE(cls.overlaps(b, 99));  // other priority
  Match c;
  m_ip(c);
  m_nw_dst(c, ip4(11, 0, 0, 0), 8);
  EXPECT_FALSE(cls.overlaps(c, 100));  // disjoint
  Match d;
  m_dl_type(d, kEthTypeArp);
  EXPECT_FALSE(cls.overlaps(d, 100));
}

TEST(Classifier, LooseIterationSelectsEqualOrMoreSpecificRules) {
  Classifier cls;
  Match a;
  m_ip(a);
  m_nw_dst(a, ip4(10, 0, 0, 0), 8);
  Match b;
  m_ip(b);
  m_nw_dst(b, ip4(10, 0, 0, 0), 8);
  m_nw_src(b, 1, 32);
  Match c;
  m_dl_type(c, kEthTypeArp);
  Match ip_only;
  m_ip(ip_only);
  cls.insert(make_rule(a, 1, out(1)));
  cls.insert(make_rule(b, 2, out(2)));
  cls.insert(make_rule(c, 3, out(3)));
  cls.insert(make_rule(ip_only, 4, out(4)));
  std::vector<uint16_t> got;
  cls.for_each_loose(a, [&](const RulePtr& r) { got.push_back(out_port_of(r.get())); });
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<uint16_t>{1, 2}));
  got.clear();
  cls.for_each_loose(Match{}, [&](const RulePtr& r) { got.push_back(out_port_of(r.get())); });
  EXPECT_EQ(got.size(), 4u);
}

TEST(Classifier, CopyIsIndependent) {
  Classifier cls = two_subnets();
  Classifier copy = cls;
  Match a;
  m_ip(a);
  m_nw_dst(a, ip4(192, 168, 0, 0), 16);
  copy.insert(make_rule(a, 100, out(5)));
  EXPECT_EQ(out_port_of(copy.lookup(ip_flow(1, ip4(192, 168, 99, 1)), nullptr)), 5);
  EXPECT_EQ(out_port_of(cls.lookup(ip_flow(1, ip4(192, 168, 99, 1)), nullptr)), 9);
  // The original's trie does not know the copy's prefix.
  FlowMask wc{};
  cls.lookup(ip_flow(1, ip4(192, 168, 99, 1)), &wc);
  EXPECT_EQ(wc.nw_dst, be32(0x80000000));
}

// ---- scale ----------------------------------------------------------------------------------

TEST(ClassifierScale, HundredThousandRules) {
  Classifier cls;
  std::vector<RulePtr> rules;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    Match m;
    m_metadata(m, i % 100);
    m_reg(m, 15, i);
    if (i % 2) {
      m_ip(m);
      m_nw_dst(m, ip4(10, (i >> 8) & 0xff, i & 0xff, 0), 24);
    }
    rules.push_back(make_rule(m, 100 + (i % 2), out(static_cast<uint16_t>(i % 60000))));
    ASSERT_EQ(cls.insert(rules.back()), nullptr);
  }
  EXPECT_EQ(cls.size(), static_cast<size_t>(n));
  for (int i = 0; i < n; i += 7) {
    FlowKey k = ip_flow(1, ip4(10, (i >> 8) & 0xff, i & 0xff, 9));
    k.metadata = be64(i % 100);
    set_reg(k, 15, i);
    ASSERT_EQ(cls.lookup(k, nullptr), rules[i].get()) << i;
    FlowMask wc{};
    ASSERT_EQ(cls.lookup(k, &wc), rules[i].get()) << i;
  }
  for (int i = 0; i < n; i += 2) ASSERT_EQ(cls.remove(rules[i].get()), rules[i]);
  EXPECT_EQ(cls.size(), static_cast<size_t>(n / 2));
  for (int i = 0; i < n; i += 5) {
    FlowKey k = ip_flow(1, ip4(10, (i >> 8) & 0xff, i & 0xff, 9));
    k.metadata = be64(i % 100);
    set_reg(k, 15, i);
    ASSERT_EQ(cls.lookup(k, nullptr), i % 2 ? rules[i].get() : nullptr) << i;
  }
}

}  // namespace
}  // namespace dpuflow::dataplane
