// Randomized differential test of the classifier against a brute-force
// linear classifier with the same semantics, including conjunctive matches,
// and a soundness check of the megaflow: every packet inside the returned
// wildcards (key & wc) gets the same rule from the brute-force classifier.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "dataplane/pipeline/classifier.h"
#include "tests/unit/dataplane/pipeline/cls_test_util.h"

namespace dpuflow::dataplane {
namespace {

using namespace testutil;

bool matches(const Match& m, const FlowKey& k) {
  const auto* v = reinterpret_cast<const uint8_t*>(&m.value);
  const auto* mk = reinterpret_cast<const uint8_t*>(&m.mask);
  const auto* kb = reinterpret_cast<const uint8_t*>(&k);
  for (size_t i = 0; i < sizeof(FlowKey); ++i) {
    if ((kb[i] & mk[i]) != (v[i] & mk[i])) return false;
  }
  return true;
}

// Linear classifier.  Rules never share a match, hard rules have unique
// priorities, and each conjunction id has its own priority, so the result
// is unambiguous: the best hard match, unless a higher priority level of
// soft matches satisfies a conjunction, in which case the best hard match
// with conj_id set wins if there is one.
class Brute {
 public:
  std::vector<RulePtr> rules;

  const Rule* best_hard(const FlowKey& k) const {
    const Rule* best = nullptr;
    for (const RulePtr& r : rules) {
      if (r->has_conjunction || !matches(r->spec.match, k)) continue;
      if (!best || r->spec.priority > best->spec.priority) best = r.get();
    }
    return best;
  }

  const Rule* lookup(const FlowKey& k) const {
    const Rule* hard = best_hard(k);
    int hard_pri = hard ? hard->spec.priority : -1;
    std::vector<int> levels;
    for (const RulePtr& r : rules) {
      if (r->has_conjunction && r->spec.priority > hard_pri && matches(r->spec.match, k)) {
        levels.push_back(r->spec.priority);
      }
    }
    std::sort(levels.rbegin(), levels.rend());
    levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
    for (int level : levels) {
      // One conjunction id per level (by construction).
      uint32_t id = 0;
      uint64_t clauses = 0;
      int n = 0;
      for (const RulePtr& r : rules) {
        if (!r->has_conjunction || r->spec.priority != level || !matches(r->spec.match, k)) {
          continue;
        }
        const auto& c = std::get<ActConjunction>(r->spec.actions[0]);
        id = c.id;
        n = c.n_clauses;
        clauses |= uint64_t{1} << c.clause;
      }
      if (clauses == (uint64_t{1} << n) - 1) {
        FlowKey probe = k;
        probe.conj_id = be32(id);
        if (const Rule* r = best_hard(probe)) return r;
      }
    }
    return hard;
  }
};

// A small universe of values so that rules overlap often.
struct Gen {
  std::mt19937_64 rng;
  explicit Gen(uint64_t seed) : rng(seed) {}
  uint32_t pick(std::initializer_list<uint32_t> vals) {
    return *(vals.begin() + rng() % vals.size());
  }
  bool coin(int percent) { return static_cast<int>(rng() % 100) < percent; }

  uint32_t addr() {
    return pick({ip4(10, 0, 1, 0), ip4(10, 0, 2, 0), ip4(10, 1, 0, 0), ip4(192, 168, 0, 0),
                 ip4(172, 16, 5, 0)}) |
           static_cast<uint32_t>(rng() % 4);
  }

  Match match() {
    Match m;
    if (coin(40)) m_metadata(m, rng() % 3);
    if (coin(30)) m_reg(m, 14, rng() % 4, coin(50) ? ~uint32_t{0} : 0x1);
    int l3 = rng() % 4;
    if (l3 == 0) m_dl_type(m, kEthTypeArp);
    if (l3 >= 2) m_ip(m);
    if (l3 >= 1) {
      if (coin(50)) m_nw_dst(m, addr(), pick({8, 16, 23, 24, 31, 32}));
      if (coin(30)) m_nw_src(m, addr(), pick({1, 8, 24, 32}));
    }
    if (l3 == 3) {
      m_nw_proto(m, static_cast<uint8_t>(pick({kIpProtoTcp, kIpProtoUdp})));
      if (coin(60))
        m_tp_dst(m, static_cast<uint16_t>(pick({22, 80, 443, 8080})), coin(70) ? 0xffff : 0xfff0);
      if (coin(20)) m_tp_src(m, static_cast<uint16_t>(pick({1000, 1024})), 0xfc00);
      if (coin(15)) {
        m.value.tcp_flags = be16(0x002);
        m.mask.tcp_flags = be16(0x012);
      }
    }
    return m;
  }

  FlowKey key() {
    FlowKey k{};
    k.metadata = be64(rng() % 3);
    set_reg(k, 14, static_cast<uint32_t>(rng() % 4));
    k.dl_type =
        be16(static_cast<uint16_t>(pick({kEthTypeIp, kEthTypeIp, kEthTypeArp, kEthTypeIpv6})));
    k.nw_src =
        be32(coin(70) ? addr() | static_cast<uint32_t>(rng() % 256) : static_cast<uint32_t>(rng()));
    k.nw_dst =
        be32(coin(70) ? addr() | static_cast<uint32_t>(rng() % 256) : static_cast<uint32_t>(rng()));
    k.nw_proto = static_cast<uint8_t>(pick({kIpProtoTcp, kIpProtoUdp, kIpProtoIcmp}));
    k.tp_dst = be16(coin(70) ? static_cast<uint16_t>(pick({22, 80, 443, 8080, 81, 8090}))
                             : static_cast<uint16_t>(rng()));
    k.tp_src = be16(static_cast<uint16_t>(rng()));
    k.tcp_flags = be16(static_cast<uint16_t>(rng() & 0xfff));
    return k;
  }
};

RulePtr finalize(RulePtr r) {
  auto* m = const_cast<Rule*>(r.get());
  m->has_conjunction = Classifier::is_conjunctive(m->spec.actions);
  return r;
}

void run_round(uint64_t seed, int n_hard, int n_conj_ids) {
  Gen g(seed);
  Classifier cls;
  Brute brute;
  std::vector<int> used_prio;
  auto fresh_prio = [&]() {
    for (;;) {
      int p = 1 + static_cast<int>(g.rng() % 60000);
      if (std::find(used_prio.begin(), used_prio.end(), p) == used_prio.end()) {
        used_prio.push_back(p);
        return p;
      }
    }
  };
  auto add = [&](const Match& m, int prio, ActionList acts) {
    // Keep matches distinct (see Brute).
    for (const RulePtr& r : brute.rules) {
      if (r->spec.match == m) return;
    }
    RulePtr r = finalize(make_rule(m, prio, std::move(acts)));
    ASSERT_EQ(cls.insert(r), nullptr);
    brute.rules.push_back(r);
  };
  for (int i = 0; i < n_hard; ++i) add(g.match(), fresh_prio(), out(static_cast<uint16_t>(i + 1)));
  for (int id = 1; id <= n_conj_ids; ++id) {
    int level = fresh_prio();
    int n = 2 + static_cast<int>(g.rng() % 2);
    for (int k = 1; k <= n; ++k) {
      int copies = 1 + static_cast<int>(g.rng() % 3);
      for (int c = 0; c < copies; ++c) add(g.match(), level, conj(id, k, n));
    }
    if (g.coin(80)) {
      Match m;
      m_conj_id(m, id);
      if (g.coin(30)) m_metadata(m, g.rng() % 3);
      add(m, fresh_prio(), out(static_cast<uint16_t>(1000 + id)));
    }
  }
  // Remove a few rules to exercise removal paths.
  for (int i = 0; i < n_hard / 10 && !brute.rules.empty(); ++i) {
    size_t k = g.rng() % brute.rules.size();
    ASSERT_EQ(cls.remove(brute.rules[k].get()), brute.rules[k]);
    brute.rules.erase(brute.rules.begin() + k);
  }
  ASSERT_EQ(cls.size(), brute.rules.size());

  for (int q = 0; q < 300; ++q) {
    FlowKey k = g.key();
    const Rule* want = brute.lookup(k);
    ASSERT_EQ(cls.lookup(k, nullptr), want) << "seed " << seed << " query " << q;
    FlowMask wc{};
    ASSERT_EQ(cls.lookup(k, &wc), want) << "seed " << seed << " query " << q;
    ASSERT_EQ(wc.conj_id, 0u);
    // Soundness: any packet that agrees with k on the un-wildcarded bits
    // gets the same rule.
    for (int s = 0; s < 20; ++s) {
      FlowKey r = g.key();
      FlowKey k2;
      auto* o = reinterpret_cast<uint8_t*>(&k2);
      const auto* a = reinterpret_cast<const uint8_t*>(&k);
      const auto* b = reinterpret_cast<const uint8_t*>(&r);
      const auto* w = reinterpret_cast<const uint8_t*>(&wc);
      for (size_t i = 0; i < sizeof(FlowKey); ++i) o[i] = (a[i] & w[i]) | (b[i] & ~w[i]);
      ASSERT_EQ(brute.lookup(k2), want)
          << "seed " << seed << " query " << q << " unsound megaflow: " << mask_bytes(wc);
    }
  }
}

TEST(ClassifierDifferential, HardRulesOnly) {
  for (uint64_t seed = 1; seed <= 30; ++seed) run_round(seed, 60, 0);
}

TEST(ClassifierDifferential, WithConjunctions) {
  for (uint64_t seed = 100; seed <= 130; ++seed) run_round(seed, 40, 4);
}

TEST(ClassifierDifferential, ManyRules) {
  for (uint64_t seed = 500; seed <= 503; ++seed) run_round(seed, 600, 6);
}

}  // namespace
}  // namespace dpuflow::dataplane
