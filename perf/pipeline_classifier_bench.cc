// Classifier lookup throughput on OVN-like tables (exact metadata + register
// matches, plus prefix and L4 matches), with and without megaflow wildcard
// tracking, at 1k and 100k rules; baseline: a priority-sorted linear scan
// at 1k rules.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <random>
#include <vector>

#include "dataplane/pipeline/classifier.h"

namespace dpuflow::dataplane {
namespace {

struct Table {
  std::vector<RulePtr> rules;
  std::vector<FlowKey> keys;
};

// OVN-like mix.  Datapaths are `metadata`; ports are reg14/reg15.
//  50%: metadata + reg14 (ingress port checks), 4 priorities
//  20%: metadata + reg15 + dl_dst-free exact (egress port)
//  20%: metadata + ip + nw_dst /16, /24 or /32 (routing / ACL)
//  10%: metadata + tcp + nw_src /24 + tp_dst (ACL)
Table build(int n_rules, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Table t;
  const int n_dp = std::max(4, n_rules / 200);
  const uint16_t prios[] = {50, 100, 110, 120, 1000, 2000};
  for (int i = 0; i < n_rules; ++i) {
    auto r = std::make_shared<Rule>();
    Match& m = r->spec.match;
    FlowKey k{};
    uint64_t dp = rng() % n_dp;
    m.value.metadata = be64(dp);
    m.mask.metadata = ~uint64_t{0};
    k.metadata = be64(dp);
    k.dl_type = be16(kEthTypeIp);
    k.nw_proto = kIpProtoTcp;
    int kind = static_cast<int>(rng() % 10);
    uint32_t port = static_cast<uint32_t>(i);
    if (kind < 5) {
      m.value.regs[14] = be32(port);
      m.mask.regs[14] = ~uint32_t{0};
      k.regs[14] = be32(port);
    } else if (kind < 7) {
      m.value.regs[15] = be32(port);
      m.mask.regs[15] = ~uint32_t{0};
      k.regs[15] = be32(port);
    } else if (kind < 9) {
      int plen = kind == 7 ? 24 : (rng() % 2 ? 16 : 32);
      uint32_t addr = static_cast<uint32_t>(0x0a000000 | (i << 8) | (rng() & 0xff));
      uint32_t mask = ~uint32_t{0} << (32 - plen);
      m.value.dl_type = be16(kEthTypeIp);
      m.mask.dl_type = 0xffff;
      m.value.nw_dst = be32(addr & mask);
      m.mask.nw_dst = be32(mask);
      k.nw_dst = be32(addr);
    } else {
      uint32_t src = static_cast<uint32_t>(0xac100000 | ((i & 0xffff) << 8));
      uint16_t dport = static_cast<uint16_t>(1 + rng() % 1024);
      m.value.dl_type = be16(kEthTypeIp);
      m.mask.dl_type = 0xffff;
      m.value.nw_proto = kIpProtoTcp;
      m.mask.nw_proto = 0xff;
      m.value.nw_src = be32(src);
      m.mask.nw_src = be32(0xffffff00);
      m.value.tp_dst = be16(dport);
      m.mask.tp_dst = 0xffff;
      k.nw_src = be32(src | 7);
      k.tp_dst = be16(dport);
    }
    r->spec.priority = prios[rng() % 6];
    r->spec.actions.push_back(ActOutput{static_cast<uint16_t>(i % 1000), 0});
    t.rules.push_back(std::move(r));
    // 3 of 4 keys hit a rule; the others are perturbed to mostly miss.
    if (t.keys.size() < 8192) {
      if (rng() % 4 == 0) {
        k.regs[14] ^= be32(0x40000000);
        k.nw_dst ^= be32(0x00800000);
      }
      t.keys.push_back(k);
    }
  }
  std::shuffle(t.keys.begin(), t.keys.end(), rng);
  // A power of two, so the benchmarks can index keys with a mask.
  size_t n = 1;
  while (n * 2 <= t.keys.size()) n *= 2;
  t.keys.resize(n);
  return t;
}

void bm_lookup(benchmark::State& state, bool with_wc) {
  Table t = build(static_cast<int>(state.range(0)), 42);
  Classifier cls;
  for (const RulePtr& r : t.rules) cls.insert(r);
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    const FlowKey& k = t.keys[i++ & (t.keys.size() - 1)];
    const Rule* r;
    if (with_wc) {
      FlowMask wc{};
      r = cls.lookup(k, &wc);
      benchmark::DoNotOptimize(wc);
    } else {
      r = cls.lookup(k, nullptr);
    }
    hits += r != nullptr;
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["subtables"] = static_cast<double>(cls.n_subtables());
  state.counters["hit_ratio"] =
      static_cast<double>(hits) / static_cast<double>(std::max<int64_t>(1, state.iterations()));
}

void BM_ClassifierLookup(benchmark::State& state) { bm_lookup(state, false); }
void BM_ClassifierLookupWc(benchmark::State& state) { bm_lookup(state, true); }

// Baseline: rules sorted by priority, first full match wins.
void BM_LinearScan(benchmark::State& state) {
  Table t = build(static_cast<int>(state.range(0)), 42);
  std::vector<const Rule*> sorted;
  for (const RulePtr& r : t.rules) sorted.push_back(r.get());
  std::stable_sort(sorted.begin(), sorted.end(), [](const Rule* a, const Rule* b) {
    return a->spec.priority > b->spec.priority;
  });
  size_t i = 0;
  for (auto _ : state) {
    const FlowKey& k = t.keys[i++ & (t.keys.size() - 1)];
    const auto* kw = reinterpret_cast<const uint64_t*>(&k);
    const Rule* found = nullptr;
    for (const Rule* r : sorted) {
      const auto* v = reinterpret_cast<const uint64_t*>(&r->spec.match.value);
      const auto* m = reinterpret_cast<const uint64_t*>(&r->spec.match.mask);
      bool ok = true;
      for (size_t w = 0; w < sizeof(FlowKey) / 8 && ok; ++w) ok = ((kw[w] ^ v[w]) & m[w]) == 0;
      if (ok) {
        found = r;
        break;
      }
    }
    benchmark::DoNotOptimize(found);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ClassifierInsert(benchmark::State& state) {
  Table t = build(static_cast<int>(state.range(0)), 7);
  for (auto _ : state) {
    Classifier cls;
    for (const RulePtr& r : t.rules) cls.insert(r);
    benchmark::DoNotOptimize(cls.size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_ClassifierLookup)->Arg(1000)->Arg(100000);
BENCHMARK(BM_ClassifierLookupWc)->Arg(1000)->Arg(100000);
BENCHMARK(BM_LinearScan)->Arg(1000);
BENCHMARK(BM_ClassifierInsert)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace dpuflow::dataplane

BENCHMARK_MAIN();
