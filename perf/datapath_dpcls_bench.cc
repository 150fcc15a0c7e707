// Megaflow cache lookups: Dpcls (one key, and bursts of 32 through
// lookup_batch) with 1, 10 and 100 subtables at 1k and 100k megaflows, all
// hits, subtables ranked once as the PMD does every second; EMC hits;
// flow_key_hash.  Baseline: a linear scan over the megaflows (1k).
//
// Masks are OVN-like: metadata (the logical datapath) and dl_type always,
// plus an nw_dst prefix of 0-32 bits, a tp_dst mask (none, full, upper
// byte) and reg14 or not; 100 subtables use 100 of these combinations.
// Traffic spreads evenly over the megaflows, so with many subtables a
// lookup probes half of them on average: this is the tuple-space worst
// case, the one the EMC and ranking exist for.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "dataplane/datapath/dpcls.h"
#include "dataplane/datapath/emc.h"

namespace dpuflow::dataplane {
namespace {

constexpr size_t kWords = sizeof(FlowKey) / 8;
constexpr size_t kBurst = 32;

uint64_t word(const FlowKey& k, size_t i) {
  uint64_t w;
  std::memcpy(&w, reinterpret_cast<const unsigned char*>(&k) + i * 8, 8);
  return w;
}

FlowMask ovn_mask(int m) {
  FlowMask mask{};
  mask.metadata = ~uint64_t{0};
  mask.dl_type = 0xffff;
  int plen = m % 33;
  mask.nw_dst = be32(plen == 0 ? 0 : ~uint32_t{0} << (32 - plen));
  static constexpr uint16_t kTp[3] = {0, 0xffff, 0xff00};
  mask.tp_dst = be16(kTp[(m / 33) % 3]);
  if ((m / 99) % 2 == 1) mask.regs[14] = ~uint32_t{0};
  return mask;
}

struct Flows {
  std::vector<std::unique_ptr<Megaflow>> mfs;
  std::vector<FlowKey> keys;  // packets, each hitting one megaflow; power-of-two count
};

Flows build(int n_masks, int n_flows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Flows f;
  for (int i = 0; i < n_flows; ++i) {
    FlowKey pkt{};
    pkt.metadata = be64(static_cast<uint64_t>(i));  // unique: megaflows never overlap
    pkt.dl_type = be16(kEthTypeIp);
    pkt.nw_proto = kIpProtoTcp;
    pkt.nw_src = static_cast<uint32_t>(rng());
    pkt.nw_dst = static_cast<uint32_t>(rng());
    pkt.tp_src = static_cast<uint16_t>(rng());
    pkt.tp_dst = static_cast<uint16_t>(rng());
    pkt.regs[14] = static_cast<uint32_t>(rng() % 64);
    pkt.in_port = be16(static_cast<uint16_t>(1 + rng() % 8));
    auto mf = std::make_unique<Megaflow>();
    mf->mask = ovn_mask(i % n_masks);
    for (size_t w = 0; w < kWords; ++w) {
      uint64_t v = word(pkt, w) & word(mf->mask, w);
      std::memcpy(reinterpret_cast<unsigned char*>(&mf->key) + w * 8, &v, 8);
    }
    f.mfs.push_back(std::move(mf));
    if (f.keys.size() < 65536) f.keys.push_back(pkt);
  }
  std::shuffle(f.keys.begin(), f.keys.end(), rng);
  size_t n = 1;
  while (n * 2 <= f.keys.size()) n *= 2;
  f.keys.resize(n);
  return f;
}

void fill(Dpcls& cls, const Flows& f) {
  for (const auto& mf : f.mfs) cls.insert(mf.get());
  for (const FlowKey& k : f.keys) benchmark::DoNotOptimize(cls.lookup(k));
  cls.rank();
}

void BM_DpclsLookup(benchmark::State& state) {
  Flows f = build(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)), 42);
  Dpcls cls;
  fill(cls, f);
  size_t i = 0, hits = 0;
  uint64_t probed = 0;
  for (auto _ : state) {
    uint32_t searched;
    Megaflow* mf = cls.lookup(f.keys[i++ & (f.keys.size() - 1)], &searched);
    hits += mf != nullptr;
    probed += searched;
    benchmark::DoNotOptimize(mf);
  }
  const double iters = static_cast<double>(std::max<int64_t>(1, state.iterations()));
  state.SetItemsProcessed(state.iterations());
  state.counters["subtables"] = static_cast<double>(cls.n_subtables());
  state.counters["hit_ratio"] = static_cast<double>(hits) / iters;
  state.counters["probed"] = static_cast<double>(probed) / iters;
}

void BM_DpclsLookupBatch(benchmark::State& state) {
  Flows f = build(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)), 42);
  Dpcls cls;
  fill(cls, f);
  std::vector<const FlowKey*> ptrs;
  for (const FlowKey& k : f.keys) ptrs.push_back(&k);
  Megaflow* out[kBurst];
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    hits += cls.lookup_batch(ptrs.data() + (i & (ptrs.size() - 1)), kBurst, out);
    i += kBurst;
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * kBurst);
  state.counters["hit_ratio"] = static_cast<double>(hits) / static_cast<double>(std::max<int64_t>(
                                                                1, state.iterations() * kBurst));
}

// Baseline: every megaflow in turn, first masked match wins.
void BM_LinearScan(benchmark::State& state) {
  Flows f = build(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)), 42);
  size_t i = 0;
  for (auto _ : state) {
    const FlowKey& k = f.keys[i++ & (f.keys.size() - 1)];
    const Megaflow* found = nullptr;
    for (const auto& mf : f.mfs) {
      bool ok = true;
      for (size_t w = 0; w < kWords && ok; ++w) {
        ok = (word(k, w) & word(mf->mask, w)) == word(mf->key, w);
      }
      if (ok) {
        found = mf.get();
        break;
      }
    }
    benchmark::DoNotOptimize(found);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_EmcLookupHit(benchmark::State& state) {
  Flows f = build(10, static_cast<int>(state.range(0)), 42);
  Emc emc(1);
  std::vector<uint32_t> hashes;
  for (size_t j = 0; j < f.keys.size(); ++j) {
    hashes.push_back(flow_key_hash(f.keys[j]));
    emc.insert(f.keys[j], hashes[j], f.mfs[j % f.mfs.size()].get());
  }
  // Keep only the keys that stayed cached, so every lookup hits.
  std::vector<FlowKey> keys;
  std::vector<uint32_t> kept;
  for (size_t j = 0; j < f.keys.size(); ++j) {
    if (emc.lookup(f.keys[j], hashes[j]) != nullptr) {
      keys.push_back(f.keys[j]);
      kept.push_back(hashes[j]);
    }
  }
  size_t i = 0;
  for (auto _ : state) {
    size_t j = i++ % keys.size();
    benchmark::DoNotOptimize(emc.lookup(keys[j], kept[j]));
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["cached"] = static_cast<double>(keys.size());
}

void BM_FlowKeyHash(benchmark::State& state) {
  Flows f = build(1, 1024, 42);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(flow_key_hash(f.keys[i++ & (f.keys.size() - 1)]));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(sizeof(FlowKey)));
}

// The EMC's hash: only the words packets differ in.
void BM_FlowKeyPacketHash(benchmark::State& state) {
  Flows f = build(1, 1024, 42);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(flow_key_packet_hash(f.keys[i++ & (f.keys.size() - 1)]));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(sizeof(FlowKey)));
}

BENCHMARK(BM_DpclsLookup)
    ->ArgNames({"subtables", "flows"})
    ->ArgsProduct({{1, 10, 100}, {1000, 100000}});
BENCHMARK(BM_DpclsLookupBatch)
    ->ArgNames({"subtables", "flows"})
    ->ArgsProduct({{1, 10, 100}, {1000, 100000}});
BENCHMARK(BM_LinearScan)->ArgNames({"subtables", "flows"})->Args({1, 1000})->Args({10, 1000});
BENCHMARK(BM_EmcLookupHit)->ArgName("keys")->Arg(1024)->Arg(8192);
BENCHMARK(BM_FlowKeyHash);
BENCHMARK(BM_FlowKeyPacketHash);

}  // namespace
}  // namespace dpuflow::dataplane

BENCHMARK_MAIN();
