#include "dataplane/pipeline/prefix_trie.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>
#include <vector>

namespace dpuflow::dataplane {
namespace {

std::array<uint8_t, 4> be(uint32_t v) {
  return {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
}
constexpr uint32_t ip4(int a, int b, int c, int d) {
  return (uint32_t(a) << 24) | (uint32_t(b) << 16) | (uint32_t(c) << 8) | uint32_t(d);
}

unsigned lookup(const PrefixTrie& t, uint32_t v, PrefixLens* plens) {
  auto b = be(v);
  *plens = PrefixLens{};
  return t.lookup(b.data(), 32, plens);
}

void insert(PrefixTrie& t, uint32_t v, unsigned plen) {
  auto b = be(v);
  t.insert(b.data(), plen);
}

TEST(PrefixTrie, EmptyTrieNeedsNoBits) {
  PrefixTrie t;
  PrefixLens p;
  EXPECT_EQ(lookup(t, ip4(1, 2, 3, 4), &p), 0u);
  EXPECT_EQ(p.bits[0], 0u);
  EXPECT_TRUE(t.empty());
}

TEST(PrefixTrie, MatchingLeafPrefix) {
  PrefixTrie t;
  insert(t, ip4(10, 0, 1, 0), 24);
  PrefixLens p;
  // Fully matches a leaf: only the 24 prefix bits matter.
  EXPECT_EQ(lookup(t, ip4(10, 0, 1, 77), &p), 24u);
  EXPECT_TRUE(p.has(24));
  EXPECT_FALSE(p.has(23));
}

TEST(PrefixTrie, MismatchInsideAnEdgeIncludesTheDifferingBit) {
  PrefixTrie t;
  insert(t, ip4(10, 0, 1, 0), 24);
  PrefixLens p;
  // 10.0.1.x vs 10.0.2.x first differ at bit 22 (0-based): 23 bits decide.
  EXPECT_EQ(lookup(t, ip4(10, 0, 2, 1), &p), 23u);
  EXPECT_FALSE(p.has(24));
}

TEST(PrefixTrie, FirstBitDecidesForAFarAwayAddress) {
  PrefixTrie t;
  insert(t, ip4(10, 0, 1, 0), 24);
  insert(t, ip4(10, 0, 2, 0), 24);
  PrefixLens p;
  EXPECT_EQ(lookup(t, ip4(192, 168, 99, 1), &p), 1u);
  EXPECT_EQ(p.bits[0], 0u);
}

TEST(PrefixTrie, NestedPrefixes) {
  PrefixTrie t;
  insert(t, ip4(10, 0, 0, 0), 8);
  insert(t, ip4(10, 1, 0, 0), 16);
  PrefixLens p;
  EXPECT_EQ(lookup(t, ip4(10, 1, 2, 3), &p), 16u);
  EXPECT_TRUE(p.has(8));
  EXPECT_TRUE(p.has(16));
  // 10.2 leaves the /16 branch at bit 14: 15 bits; the /8 matches.
  EXPECT_EQ(lookup(t, ip4(10, 2, 0, 0), &p), 15u);
  EXPECT_TRUE(p.has(8));
  EXPECT_FALSE(p.has(16));
}

TEST(PrefixTrie, HostRouteReturnsFullWidth) {
  PrefixTrie t;
  insert(t, ip4(10, 0, 0, 1), 32);
  PrefixLens p;
  EXPECT_EQ(lookup(t, ip4(10, 0, 0, 1), &p), 32u);
  EXPECT_TRUE(p.has(32));
  EXPECT_EQ(lookup(t, ip4(10, 0, 0, 3), &p), 31u);
  EXPECT_FALSE(p.has(32));
}

TEST(PrefixTrie, RemoveCountsAndPrunes) {
  PrefixTrie t;
  insert(t, ip4(10, 0, 1, 0), 24);
  insert(t, ip4(10, 0, 1, 0), 24);
  insert(t, ip4(10, 0, 0, 0), 16);
  auto b24 = be(ip4(10, 0, 1, 0));
  EXPECT_TRUE(t.remove(b24.data(), 24));
  PrefixLens p;
  lookup(t, ip4(10, 0, 1, 5), &p);
  EXPECT_TRUE(p.has(24));
  EXPECT_TRUE(t.remove(b24.data(), 24));
  EXPECT_FALSE(t.remove(b24.data(), 24));
  // Only the /16 is left, and it is a leaf again.
  EXPECT_EQ(lookup(t, ip4(10, 0, 1, 5), &p), 16u);
  EXPECT_TRUE(p.has(16));
  EXPECT_FALSE(p.has(24));
  auto b16 = be(ip4(10, 0, 0, 0));
  EXPECT_TRUE(t.remove(b16.data(), 16));
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.n_prefixes(), 0u);
}

TEST(PrefixTrie, Ipv6Width) {
  PrefixTrie t;
  uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8};
  t.insert(a, 64);
  uint8_t v[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
  PrefixLens p;
  EXPECT_EQ(t.lookup(v, 128, &p), 64u);
  EXPECT_TRUE(p.has(64));
  uint8_t w[16] = {0x20, 0x01, 0x0d, 0xb9};
  p = PrefixLens{};
  EXPECT_EQ(t.lookup(w, 128, &p), 32u);  // differs at bit 31
  EXPECT_FALSE(p.has(64));
}

// Reference: the result rules stated over the set of prefixes, without a
// tree: follow the value as deep as any prefix agrees with it; one more bit
// is needed when some longer prefix shares that path.
struct Ref {
  std::vector<std::pair<uint32_t, unsigned>> prefixes;
  static unsigned lcp(uint32_t a, uint32_t b, unsigned limit) {
    unsigned n = 0;
    while (n < limit && ((a >> (31 - n)) & 1) == ((b >> (31 - n)) & 1)) ++n;
    return n;
  }
  unsigned lookup(uint32_t v, PrefixLens* plens) const {
    unsigned d = 0;
    for (auto [p, len] : prefixes) {
      unsigned l = lcp(v, p, len);
      d = std::max(d, l);
      if (l == len) plens->set(len);
    }
    if (d == 32) return 32;
    for (auto [p, len] : prefixes) {
      if (len > d && lcp(v, p, d) == d) return d + 1;
    }
    return d;
  }
};

TEST(PrefixTrie, RandomAgainstReference) {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    PrefixTrie t;
    Ref ref;
    int n = 1 + rng() % 20;
    for (int i = 0; i < n; ++i) {
      // Few distinct high bits so that prefixes share paths.
      uint32_t v = (rng() % 4) << 30 | (rng() % 4) << 20 | (rng() & 0xff);
      unsigned len = 1 + rng() % 32;
      uint32_t masked = v & (~uint32_t{0} << (32 - len));
      insert(t, masked, len);
      ref.prefixes.push_back({masked, len});
    }
    // Remove a few.
    for (int i = 0; i < n / 3; ++i) {
      size_t k = rng() % ref.prefixes.size();
      auto b = be(ref.prefixes[k].first);
      ASSERT_TRUE(t.remove(b.data(), ref.prefixes[k].second));
      ref.prefixes.erase(ref.prefixes.begin() + k);
    }
    for (int q = 0; q < 200; ++q) {
      uint32_t v = (rng() % 4) << 30 | (rng() % 4) << 20 | (rng() & 0xfff);
      if (q % 3 == 0 && !ref.prefixes.empty()) v = ref.prefixes[rng() % ref.prefixes.size()].first;
      PrefixLens got, want;
      unsigned g = lookup(t, v, &got);
      unsigned w = ref.lookup(v, &want);
      ASSERT_EQ(g, w) << "value " << std::hex << v;
      ASSERT_EQ(got.bits[0], want.bits[0]) << "value " << std::hex << v;
    }
  }
}

}  // namespace
}  // namespace dpuflow::dataplane
