// Emc behaviour: hit after insert, dead megaflows never returned and
// swept, clear, the insertion probability (0, 1, 1/100), key comparison
// on slot and full-hash collisions, and the documented replacement choice.
#include "dataplane/datapath/emc.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <vector>

#include "dataplane/datapath/dpcls.h"

namespace dpuflow::dataplane {
namespace {

constexpr uint32_t kSlotMask = Emc::kEntries - 1;

FlowKey key_n(uint32_t n) {
  FlowKey k{};
  k.dl_type = be16(kEthTypeIp);
  k.nw_proto = kIpProtoUdp;
  k.nw_src = be32(0x0a000000 | n);
  k.nw_dst = be32(0x0a010000 | (n >> 16));
  k.tp_src = be16(static_cast<uint16_t>(n));
  return k;
}

FlowKey random_key(std::mt19937_64& rng) {
  FlowKey k = key_n(static_cast<uint32_t>(rng()));
  k.metadata = rng();
  k.regs[14] = static_cast<uint32_t>(rng());
  return k;
}

// Two slot indexes sharing a synthetic hash (the EMC takes the hash as given).
uint32_t synthetic_hash(uint32_t slot0, uint32_t slot1, uint32_t high) {
  return (slot0 & kSlotMask) | (slot1 & kSlotMask) << 13 | high << 26;
}

TEST(Emc, InsertAlwaysThenHit) {
  Emc emc(1);
  Megaflow mf;
  const FlowKey k = key_n(1);
  const uint32_t h = flow_key_hash(k);
  EXPECT_EQ(emc.lookup(k, h), nullptr);
  emc.insert(k, h, &mf);
  EXPECT_EQ(emc.lookup(k, h), &mf);
  EXPECT_EQ(emc.n_entries(), 1u);
  const FlowKey other = key_n(2);
  EXPECT_EQ(emc.lookup(other, flow_key_hash(other)), nullptr);
}

TEST(Emc, ReinsertingAKeyUpdatesItsEntry) {
  Emc emc(1);
  Megaflow a, b;
  const FlowKey k = key_n(1);
  const uint32_t h = flow_key_hash(k);
  emc.insert(k, h, &a);
  emc.insert(k, h, &b);
  EXPECT_EQ(emc.lookup(k, h), &b);
  EXPECT_EQ(emc.n_entries(), 1u);  // not cached twice
}

TEST(Emc, DeadMegaflowIsNotReturnedAndItsEntryIsCleared) {
  Emc emc(1);
  Megaflow mf;
  const FlowKey k = key_n(1);
  const uint32_t h = flow_key_hash(k);
  emc.insert(k, h, &mf);
  mf.dead = true;
  EXPECT_EQ(emc.lookup(k, h), nullptr);
  EXPECT_EQ(emc.n_entries(), 0u);
  // Revive it: the entry must be gone, not merely hidden.
  mf.dead = false;
  EXPECT_EQ(emc.lookup(k, h), nullptr);
}

TEST(Emc, SweepDeadClearsOnlyDeadEntries) {
  Emc emc(1);
  Megaflow alive, doomed;
  std::vector<FlowKey> keys;
  for (uint32_t i = 0; i < 200; ++i) keys.push_back(key_n(i));
  for (uint32_t i = 0; i < keys.size(); ++i) {
    emc.insert(keys[i], flow_key_hash(keys[i]), i % 2 ? &doomed : &alive);
  }
  size_t cached = 0;
  for (uint32_t i = 0; i < keys.size(); ++i) {
    cached += emc.lookup(keys[i], flow_key_hash(keys[i])) == (i % 2 ? &doomed : &alive);
  }
  ASSERT_EQ(cached, keys.size());  // 200 keys in 8192 slots: no eviction
  doomed.dead = true;
  emc.sweep_dead();
  doomed.dead = false;  // swept entries stay gone even if it came back
  EXPECT_EQ(emc.n_entries(), 100u);
  for (uint32_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(emc.lookup(keys[i], flow_key_hash(keys[i])), i % 2 ? nullptr : &alive) << i;
  }
}

TEST(Emc, ClearEmptiesTheCache) {
  Emc emc(1);
  Megaflow mf;
  for (uint32_t i = 0; i < 100; ++i) emc.insert(key_n(i), flow_key_hash(key_n(i)), &mf);
  EXPECT_GT(emc.n_entries(), 90u);
  emc.clear();
  EXPECT_EQ(emc.n_entries(), 0u);
  EXPECT_EQ(emc.lookup(key_n(5), flow_key_hash(key_n(5))), nullptr);
}

TEST(Emc, InvProbZeroNeverInserts) {
  Emc emc(0);
  Megaflow mf;
  for (uint32_t i = 0; i < 10000; ++i) emc.insert(key_n(i), flow_key_hash(key_n(i)), &mf);
  EXPECT_EQ(emc.n_entries(), 0u);
  EXPECT_EQ(emc.insert_inv_prob(), 0u);
}

// Inserts one key `trials` times into an empty slot; counts the successes.
size_t count_inserts(Emc& emc, size_t trials) {
  Megaflow mf;
  const FlowKey k = key_n(7);
  const uint32_t h = flow_key_hash(k);
  size_t n = 0;
  for (size_t t = 0; t < trials; ++t) {
    emc.insert(k, h, &mf);
    if (emc.lookup(k, h) == &mf) {
      ++n;
      mf.dead = true;  // the next lookup clears the entry
      EXPECT_EQ(emc.lookup(k, h), nullptr);
      mf.dead = false;
    }
  }
  return n;
}

TEST(Emc, InvProbOneAlwaysInserts) {
  Emc emc(1);
  EXPECT_EQ(count_inserts(emc, 1000), 1000u);
}

TEST(Emc, InvProbHundredInsertsAboutOnePercent) {
  Emc emc;  // default 100, as OVS's emc-insert-inv-prob
  EXPECT_EQ(emc.insert_inv_prob(), 100u);
  const size_t n = count_inserts(emc, 100000);
  EXPECT_GE(n, 500u);
  EXPECT_LE(n, 1500u);
  emc.set_insert_inv_prob(0);
  EXPECT_EQ(count_inserts(emc, 1000), 0u);
  emc.set_insert_inv_prob(1);
  EXPECT_EQ(count_inserts(emc, 1000), 1000u);
}

// Two real keys whose flow_key_hash shares the first slot: both are cached
// (the second in its other slot) and each finds its own megaflow.
TEST(Emc, KeysSharingASlotDoNotFalseHit) {
  std::mt19937_64 rng(3);
  const FlowKey a = random_key(rng);
  const uint32_t ha = flow_key_hash(a);
  FlowKey b{};
  uint32_t hb = 0;
  for (int tries = 0;; ++tries) {
    ASSERT_LT(tries, 1000000) << "no slot collision found";
    b = random_key(rng);
    hb = flow_key_hash(b);
    if ((hb & kSlotMask) == (ha & kSlotMask) && !(b == a)) break;
  }
  Emc emc(1);
  Megaflow ma, mb;
  emc.insert(a, ha, &ma);
  EXPECT_EQ(emc.lookup(b, hb), nullptr);
  emc.insert(b, hb, &mb);
  EXPECT_EQ(emc.lookup(a, ha), &ma);
  EXPECT_EQ(emc.lookup(b, hb), &mb);
  EXPECT_EQ(emc.n_entries(), 2u);
}

// Same hash, different key: only the full key comparison can tell them apart.
TEST(Emc, FullHashCollisionComparesTheKey) {
  Emc emc(1);
  Megaflow ma, mb;
  const FlowKey a = key_n(1);
  FlowKey b = a;
  b.pad9 = 1;  // differs in the last word only
  const uint32_t h = synthetic_hash(5, 9, 1);
  emc.insert(a, h, &ma);
  EXPECT_EQ(emc.lookup(b, h), nullptr);
  emc.insert(b, h, &mb);
  EXPECT_EQ(emc.lookup(a, h), &ma);
  EXPECT_EQ(emc.lookup(b, h), &mb);
}

// Both candidates taken by live entries: the one with the lower stored hash
// is evicted.
TEST(Emc, ReplacesTheLowerHashWhenBothSlotsAreLive) {
  Emc emc(1);
  Megaflow ma, mb, mc;
  const FlowKey a = key_n(1), b = key_n(2), c = key_n(3);
  const uint32_t ha = synthetic_hash(5, 9, 1), hb = synthetic_hash(5, 9, 2),
                 hc = synthetic_hash(5, 9, 3);
  emc.insert(a, ha, &ma);  // slot 5
  emc.insert(b, hb, &mb);  // slot 9
  emc.insert(c, hc, &mc);  // evicts a (ha < hb)
  EXPECT_EQ(emc.lookup(a, ha), nullptr);
  EXPECT_EQ(emc.lookup(b, hb), &mb);
  EXPECT_EQ(emc.lookup(c, hc), &mc);

  // Now the lower one sits in slot 9 (b < c), and is evicted next.
  const FlowKey d = key_n(4);
  const uint32_t hd = synthetic_hash(5, 9, 4);
  emc.insert(d, hd, &ma);
  EXPECT_EQ(emc.lookup(b, hb), nullptr);
  EXPECT_EQ(emc.lookup(c, hc), &mc);
  EXPECT_EQ(emc.lookup(d, hd), &ma);
}

TEST(Emc, ReplacesADeadEntryFirst) {
  Emc emc(1);
  Megaflow ma, mb, mc;
  const FlowKey a = key_n(1), b = key_n(2), c = key_n(3);
  const uint32_t ha = synthetic_hash(5, 9, 1), hb = synthetic_hash(5, 9, 2),
                 hc = synthetic_hash(5, 9, 3);
  emc.insert(a, ha, &ma);
  emc.insert(b, hb, &mb);
  mb.dead = true;  // the policy alone would evict a
  emc.insert(c, hc, &mc);
  mb.dead = false;
  EXPECT_EQ(emc.lookup(a, ha), &ma);
  EXPECT_EQ(emc.lookup(b, hb), nullptr);
  EXPECT_EQ(emc.lookup(c, hc), &mc);
}

}  // namespace
}  // namespace dpuflow::dataplane
