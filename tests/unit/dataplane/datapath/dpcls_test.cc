// Dpcls behaviour: lookup by mask (eth-only, ip-only, 5-tuple), removal and
// empty-subtable reclaim, growth to 100k flows and removal of them all,
// a differential check against a brute-force scan (lookup and
// lookup_batch), subtable ranking as seen through n_searched; and
// flow_key_hash's determinism and spread.
#include "dataplane/datapath/dpcls.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <set>
#include <vector>

namespace dpuflow::dataplane {
namespace {

constexpr size_t kWords = sizeof(FlowKey) / 8;

uint64_t word(const FlowKey& k, size_t i) {
  uint64_t w;
  std::memcpy(&w, reinterpret_cast<const unsigned char*>(&k) + i * 8, 8);
  return w;
}
void set_word(FlowKey& k, size_t i, uint64_t w) {
  std::memcpy(reinterpret_cast<unsigned char*>(&k) + i * 8, &w, 8);
}

FlowKey masked(const FlowKey& k, const FlowMask& m) {
  FlowKey out{};
  for (size_t i = 0; i < kWords; ++i) set_word(out, i, word(k, i) & word(m, i));
  return out;
}

bool brute_matches(const FlowKey& k, const Megaflow& mf) {
  for (size_t i = 0; i < kWords; ++i) {
    if ((word(k, i) & word(mf.mask, i)) != word(mf.key, i)) return false;
  }
  return true;
}

std::unique_ptr<Megaflow> make_mf(const FlowKey& k, const FlowMask& m, uint64_t id = 0) {
  auto mf = std::make_unique<Megaflow>();
  mf->mask = m;
  mf->key = masked(k, m);
  mf->id = id;
  return mf;
}

uint32_t ip4(int a, int b, int c, int d) {
  return static_cast<uint32_t>(a << 24 | b << 16 | c << 8 | d);
}

FlowKey eth_key(uint8_t dst_last) {
  FlowKey k{};
  const uint8_t dst[6] = {0xaa, 0, 0, 0, 0, dst_last};
  std::memcpy(k.dl_dst, dst, 6);
  k.dl_type = be16(kEthTypeIp);
  return k;
}

FlowKey tcp_key(uint8_t dst_last, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport) {
  FlowKey k = eth_key(dst_last);
  k.nw_proto = kIpProtoTcp;
  k.nw_src = be32(src);
  k.nw_dst = be32(dst);
  k.tp_src = be16(sport);
  k.tp_dst = be16(dport);
  return k;
}

FlowMask eth_mask() {
  FlowMask m{};
  std::memset(m.dl_dst, 0xff, 6);
  return m;
}
FlowMask ip_dst_mask(int plen) {
  FlowMask m{};
  m.dl_type = 0xffff;
  m.nw_dst = be32(plen == 0 ? 0 : ~uint32_t{0} << (32 - plen));
  return m;
}
FlowMask five_tuple_mask() {
  FlowMask m{};
  m.dl_type = 0xffff;
  m.nw_proto = 0xff;
  m.nw_src = 0xffffffff;
  m.nw_dst = 0xffffffff;
  m.tp_src = 0xffff;
  m.tp_dst = 0xffff;
  return m;
}

// Three megaflows that do not overlap for the keys below.
struct ThreeFlows {
  std::unique_ptr<Megaflow> eth = make_mf(eth_key(1), eth_mask(), 1);
  std::unique_ptr<Megaflow> ip = make_mf(tcp_key(0, 0, ip4(10, 0, 1, 0), 0, 0), ip_dst_mask(24), 2);
  std::unique_ptr<Megaflow> tcp =
      make_mf(tcp_key(0, ip4(1, 1, 1, 1), ip4(10, 0, 0, 3), 1234, 80), five_tuple_mask(), 3);
  Dpcls cls;
  ThreeFlows() {
    cls.insert(eth.get());
    cls.insert(ip.get());
    cls.insert(tcp.get());
  }
};

TEST(Dpcls, EmptyClassifierMisses) {
  Dpcls cls;
  uint32_t searched = 99;
  EXPECT_EQ(cls.lookup(eth_key(1), &searched), nullptr);
  EXPECT_EQ(searched, 0u);
  EXPECT_EQ(cls.n_subtables(), 0u);
  EXPECT_EQ(cls.n_flows(), 0u);
}

TEST(Dpcls, FindsMegaflowOfEachMask) {
  ThreeFlows t;
  EXPECT_EQ(t.cls.n_flows(), 3u);
  EXPECT_EQ(t.cls.n_subtables(), 3u);
  // eth-only: any L3 content.
  EXPECT_EQ(t.cls.lookup(tcp_key(1, ip4(9, 9, 9, 9), ip4(10, 0, 9, 5), 1, 2)), t.eth.get());
  // ip-only /24: the host bits of nw_dst and all of L4 are ignored.
  EXPECT_EQ(t.cls.lookup(tcp_key(2, ip4(9, 9, 9, 9), ip4(10, 0, 1, 77), 5, 6)), t.ip.get());
  // 5-tuple.
  EXPECT_EQ(t.cls.lookup(tcp_key(2, ip4(1, 1, 1, 1), ip4(10, 0, 0, 3), 1234, 80)), t.tcp.get());
}

TEST(Dpcls, NonMatchingKeysMiss) {
  ThreeFlows t;
  uint32_t searched = 0;
  // One bit off in each field the megaflows look at.
  EXPECT_EQ(t.cls.lookup(tcp_key(2, ip4(1, 1, 1, 1), ip4(10, 0, 0, 3), 1234, 81), &searched),
            nullptr);
  EXPECT_EQ(searched, 3u);
  EXPECT_EQ(t.cls.lookup(tcp_key(2, ip4(1, 1, 1, 0), ip4(10, 0, 0, 3), 1234, 80)), nullptr);
  EXPECT_EQ(t.cls.lookup(tcp_key(2, ip4(9, 9, 9, 9), ip4(10, 0, 2, 77), 5, 6)), nullptr);
  FlowKey udp = tcp_key(2, ip4(1, 1, 1, 1), ip4(10, 0, 0, 3), 1234, 80);
  udp.nw_proto = kIpProtoUdp;
  EXPECT_EQ(t.cls.lookup(udp), nullptr);
  FlowKey arp = tcp_key(2, ip4(1, 1, 1, 1), ip4(10, 0, 1, 3), 1234, 80);
  arp.dl_type = be16(kEthTypeArp);
  EXPECT_EQ(t.cls.lookup(arp), nullptr);
}

TEST(Dpcls, RemoveDropsFlowAndReclaimsEmptySubtable) {
  ThreeFlows t;
  auto ip2 = make_mf(tcp_key(0, 0, ip4(10, 0, 2, 0), 0, 0), ip_dst_mask(24), 4);
  t.cls.insert(ip2.get());
  EXPECT_EQ(t.cls.n_flows(), 4u);
  EXPECT_EQ(t.cls.n_subtables(), 3u);  // same mask, same subtable

  EXPECT_TRUE(t.cls.remove(t.ip.get()));
  EXPECT_EQ(t.cls.n_flows(), 3u);
  EXPECT_EQ(t.cls.n_subtables(), 3u);
  EXPECT_EQ(t.cls.lookup(tcp_key(2, 0, ip4(10, 0, 1, 7), 0, 0)), nullptr);
  EXPECT_EQ(t.cls.lookup(tcp_key(2, 0, ip4(10, 0, 2, 7), 0, 0)), ip2.get());

  EXPECT_TRUE(t.cls.remove(ip2.get()));
  EXPECT_EQ(t.cls.n_subtables(), 2u);
  EXPECT_EQ(t.cls.lookup(tcp_key(2, 0, ip4(10, 0, 2, 7), 0, 0)), nullptr);

  EXPECT_FALSE(t.cls.remove(ip2.get()));  // already gone
  auto never = make_mf(eth_key(9), eth_mask());
  EXPECT_FALSE(t.cls.remove(never.get()));  // existing mask, not inserted
  EXPECT_EQ(t.cls.n_flows(), 2u);
  // The others are untouched.
  EXPECT_EQ(t.cls.lookup(eth_key(1)), t.eth.get());
  EXPECT_EQ(t.cls.lookup(tcp_key(2, ip4(1, 1, 1, 1), ip4(10, 0, 0, 3), 1234, 80)), t.tcp.get());
}

TEST(Dpcls, InsertingTheSameMegaflowTwiceKeepsOne) {
  auto mf = make_mf(eth_key(1), eth_mask());
  Dpcls cls;
  cls.insert(mf.get());
  cls.insert(mf.get());
  EXPECT_EQ(cls.n_flows(), 1u);
  EXPECT_TRUE(cls.remove(mf.get()));
  EXPECT_EQ(cls.lookup(eth_key(1)), nullptr);
  EXPECT_EQ(cls.n_subtables(), 0u);
}

TEST(Dpcls, AllZeroMaskMatchesEverything) {
  auto any = make_mf(eth_key(1), FlowMask{});
  Dpcls cls;
  cls.insert(any.get());
  EXPECT_EQ(cls.lookup(tcp_key(7, 1, 2, 3, 4)), any.get());
}

// 20 masks, each with one full word at a distinct index plus 0-3 partial
// words, 5,000 random flows per mask.
struct RandomFlows {
  std::vector<FlowMask> masks;
  std::vector<std::unique_ptr<Megaflow>> flows;

  RandomFlows(std::mt19937_64& rng, size_t n_masks, size_t per_mask) {
    for (size_t m = 0; m < n_masks; ++m) {
      FlowMask mask{};
      set_word(mask, (m * 3) % kWords, ~uint64_t{0});
      size_t extra = rng() % 4;
      for (size_t e = 0; e < extra; ++e) set_word(mask, rng() % kWords, rng() | 1);
      masks.push_back(mask);
    }
    for (size_t m = 0; m < n_masks; ++m) {
      for (size_t i = 0; i < per_mask; ++i) {
        FlowKey k{};
        for (size_t w = 0; w < kWords; ++w) set_word(k, w, rng());
        flows.push_back(make_mf(k, masks[m], flows.size()));
      }
    }
  }
};

// A packet key that `mf` matches: its masked bits, random elsewhere.
FlowKey packet_for(const Megaflow& mf, std::mt19937_64& rng) {
  FlowKey k{};
  for (size_t w = 0; w < kWords; ++w) {
    set_word(k, w, (rng() & ~word(mf.mask, w)) | word(mf.key, w));
  }
  return k;
}

TEST(Dpcls, HundredThousandFlowsOverTwentyMasks) {
  std::mt19937_64 rng(42);
  RandomFlows rf(rng, 20, 5000);
  Dpcls cls;
  for (auto& mf : rf.flows) cls.insert(mf.get());
  ASSERT_EQ(cls.n_flows(), rf.flows.size());
  ASSERT_EQ(cls.n_subtables(), 20u);

  size_t wrong = 0;
  for (auto& mf : rf.flows) wrong += cls.lookup(packet_for(*mf, rng)) != mf.get();
  EXPECT_EQ(wrong, 0u);

  // Remove half in random order: the rest must stay reachable (this is what
  // backward-shift deletion has to get right), the removed must be gone.
  std::vector<Megaflow*> order;
  for (auto& mf : rf.flows) order.push_back(mf.get());
  std::shuffle(order.begin(), order.end(), rng);
  const size_t half = order.size() / 2;
  size_t not_removed = 0;
  for (size_t i = 0; i < half; ++i) not_removed += !cls.remove(order[i]);
  EXPECT_EQ(not_removed, 0u);
  EXPECT_EQ(cls.n_flows(), order.size() - half);
  size_t found_removed = 0, lost_kept = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    Megaflow* got = cls.lookup(packet_for(*order[i], rng));
    if (i < half) {
      found_removed += got != nullptr;
    } else {
      lost_kept += got != order[i];
    }
  }
  EXPECT_EQ(found_removed, 0u);
  EXPECT_EQ(lost_kept, 0u);

  for (size_t i = half; i < order.size(); ++i) not_removed += !cls.remove(order[i]);
  EXPECT_EQ(not_removed, 0u);
  EXPECT_EQ(cls.n_flows(), 0u);
  EXPECT_EQ(cls.n_subtables(), 0u);
  for (auto& mf : rf.flows) found_removed += cls.lookup(packet_for(*mf, rng)) != nullptr;
  EXPECT_EQ(found_removed, 0u);
}

// Small value domains so random keys hit often and megaflows overlap.  The
// contract checked: a returned megaflow matches the key, and nullptr is
// returned only when no megaflow matches; lookup_batch agrees with lookup.
TEST(Dpcls, AgreesWithBruteForceScan) {
  std::mt19937_64 rng(7);
  const size_t kFieldWords[] = {0, 35, 40, 63};
  const uint64_t kMaskChoices[] = {0, 0xff, 0xffff, 0x0300};
  auto small_key = [&] {
    FlowKey k{};
    for (size_t w : kFieldWords) set_word(k, w, (rng() & 3) | (rng() & 3) << 8);
    return k;
  };
  std::vector<FlowMask> masks;
  for (int i = 0; i < 10; ++i) {
    FlowMask m{};
    for (size_t w : kFieldWords) set_word(m, w, kMaskChoices[rng() % 4]);
    masks.push_back(m);
  }
  std::vector<std::unique_ptr<Megaflow>> flows;
  for (int i = 0; i < 300; ++i) flows.push_back(make_mf(small_key(), masks[rng() % 10], i));

  Dpcls cls;
  std::vector<bool> present(flows.size(), true);
  for (auto& mf : flows) cls.insert(mf.get());

  auto check = [&](int round) {
    std::vector<FlowKey> keys;
    for (int i = 0; i < 5000; ++i) keys.push_back(small_key());
    size_t bad = 0, hits = 0;
    std::vector<Megaflow*> single;
    for (const FlowKey& k : keys) {
      Megaflow* got = cls.lookup(k);
      single.push_back(got);
      bool any = false;
      for (size_t f = 0; f < flows.size(); ++f) any |= present[f] && brute_matches(k, *flows[f]);
      if (got != nullptr) {
        ++hits;
        bad += !brute_matches(k, *got) || !present[got->id];
      } else {
        bad += any;
      }
    }
    EXPECT_EQ(bad, 0u) << "round " << round;
    EXPECT_GT(hits, keys.size() / 10) << "round " << round << ": the check needs hits";
    std::vector<const FlowKey*> ptrs;
    for (const FlowKey& k : keys) ptrs.push_back(&k);
    std::vector<Megaflow*> batch(keys.size());
    EXPECT_EQ(cls.lookup_batch(ptrs.data(), ptrs.size(), batch.data()), hits);
    EXPECT_EQ(batch, single) << "round " << round;
  };
  check(0);
  for (size_t f = 0; f < flows.size(); f += 3) {
    EXPECT_TRUE(cls.remove(flows[f].get()));
    present[f] = false;
  }
  check(1);
  cls.rank();
  check(2);
}

TEST(Dpcls, LookupBatchHandlesMoreThanOneChunk) {
  ThreeFlows t;
  std::vector<FlowKey> keys;
  for (int i = 0; i < 150; ++i) {
    switch (i % 4) {
      case 0:
        keys.push_back(eth_key(1));
        break;
      case 1:
        keys.push_back(tcp_key(2, 0, ip4(10, 0, 1, i), 0, 0));
        break;
      case 2:
        keys.push_back(tcp_key(2, ip4(1, 1, 1, 1), ip4(10, 0, 0, 3), 1234, 80));
        break;
      default:
        keys.push_back(tcp_key(2, 0, ip4(10, 0, 9, i), 0, 0));
        break;  // miss
    }
  }
  std::vector<const FlowKey*> ptrs;
  for (const FlowKey& k : keys) ptrs.push_back(&k);
  std::vector<Megaflow*> out(keys.size(), reinterpret_cast<Megaflow*>(1));
  EXPECT_EQ(t.cls.lookup_batch(ptrs.data(), ptrs.size(), out.data()), 150u - 150u / 4);
  for (size_t i = 0; i < keys.size(); ++i) {
    Megaflow* want = i % 4 == 0   ? t.eth.get()
                     : i % 4 == 1 ? t.ip.get()
                     : i % 4 == 2 ? t.tcp.get()
                                  : nullptr;
    EXPECT_EQ(out[i], want) << i;
  }
}

TEST(Dpcls, RankPutsHotSubtableFirst) {
  ThreeFlows t;  // subtables in insertion order: eth, ip, tcp
  const FlowKey tcp_pkt = tcp_key(2, ip4(1, 1, 1, 1), ip4(10, 0, 0, 3), 1234, 80);
  const FlowKey ip_pkt = tcp_key(2, 0, ip4(10, 0, 1, 1), 0, 0);
  uint32_t searched = 0;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(t.cls.lookup(tcp_pkt, &searched), t.tcp.get());
  EXPECT_EQ(searched, 3u);
  for (int i = 0; i < 5; ++i) t.cls.lookup(ip_pkt);
  t.cls.rank();  // tcp (10) > ip (5) > eth (0)
  EXPECT_EQ(t.cls.lookup(tcp_pkt, &searched), t.tcp.get());
  EXPECT_EQ(searched, 1u);
  EXPECT_EQ(t.cls.lookup(ip_pkt, &searched), t.ip.get());
  EXPECT_EQ(searched, 2u);
  EXPECT_EQ(t.cls.lookup(eth_key(1), &searched), t.eth.get());
  EXPECT_EQ(searched, 3u);

  // Hits were reset by rank(); batch hits count too.
  const FlowKey eth_pkt = eth_key(1);
  const FlowKey* batch[3] = {&eth_pkt, &eth_pkt, &eth_pkt};
  Megaflow* out[3];
  EXPECT_EQ(t.cls.lookup_batch(batch, 3, out), 3u);
  t.cls.rank();  // eth (3 + 1 above) first
  EXPECT_EQ(t.cls.lookup(eth_key(1), &searched), t.eth.get());
  EXPECT_EQ(searched, 1u);
}

TEST(FlowKeyHash, DeterministicAndBasisDependent) {
  FlowKey k = tcp_key(2, ip4(1, 1, 1, 1), ip4(10, 0, 0, 3), 1234, 80);
  FlowKey copy = k;
  EXPECT_EQ(flow_key_hash(k), flow_key_hash(copy));
  EXPECT_EQ(flow_key_hash(k, 5), flow_key_hash(copy, 5));
  EXPECT_NE(flow_key_hash(k, 0), flow_key_hash(k, 1));
}

TEST(FlowKeyHash, EverySingleBitFlipChangesTheHash) {
  FlowKey k = tcp_key(2, ip4(1, 1, 1, 1), ip4(10, 0, 0, 3), 1234, 80);
  const uint32_t h = flow_key_hash(k);
  std::set<uint32_t> seen{h};
  auto* bytes = reinterpret_cast<unsigned char*>(&k);
  for (size_t bit = 0; bit < sizeof k * 8; ++bit) {
    bytes[bit / 8] ^= static_cast<unsigned char>(1u << (bit % 8));
    seen.insert(flow_key_hash(k));
    bytes[bit / 8] ^= static_cast<unsigned char>(1u << (bit % 8));
  }
  EXPECT_EQ(seen.size(), sizeof k * 8 + 1);
}

// Keys that differ only in one small field (a port) must still spread over
// both EMC slot ranges (bits 0-12 and 13-25): no slot gets more than a few
// times its fair share.
// The packet hash changes with every field packets differ in, and only
// depends on the key (two equal keys, equal hashes).
TEST(FlowKeyHash, PacketHashCoversTheFieldsPacketsDifferIn) {
  FlowKey base{};
  base.in_port = be16(1);
  base.dl_type = be16(kEthTypeIp);
  base.nw_src = be32(0x0a000001);
  base.nw_dst = be32(0x0a000002);
  base.nw_proto = kIpProtoTcp;
  base.tp_src = be16(1000);
  base.tp_dst = be16(80);
  const uint32_t h = flow_key_packet_hash(base);
  FlowKey same = base;
  EXPECT_EQ(flow_key_packet_hash(same), h);
  using Mut = void (*)(FlowKey&);
  const std::pair<const char*, Mut> muts[] = {
      {"in_port", [](FlowKey& k) { k.in_port = be16(2); }},
      {"recirc_id", [](FlowKey& k) { k.recirc_id = be32(7); }},
      {"dp_hash", [](FlowKey& k) { k.dp_hash = be32(9); }},
      {"ct_state", [](FlowKey& k) { k.ct_state = be32(kCsTracked | kCsEstablished); }},
      {"ct_zone", [](FlowKey& k) { k.ct_zone = be16(3); }},
      {"tun_id", [](FlowKey& k) { k.tun_id = be64(5); }},
      {"tun_src", [](FlowKey& k) { k.tun_src = be32(0xc0a80001); }},
      {"dl_src", [](FlowKey& k) { k.dl_src[5] = 1; }},
      {"dl_dst", [](FlowKey& k) { k.dl_dst[0] = 1; }},
      {"vlan", [](FlowKey& k) { k.vlans[0].tci = be16(0x1000 | 10); }},
      {"nw_src", [](FlowKey& k) { k.nw_src = be32(0x0a000009); }},
      {"nw_dst", [](FlowKey& k) { k.nw_dst = be32(0x0a000009); }},
      {"ipv6_dst", [](FlowKey& k) { k.ipv6_dst[15] = 1; }},
      {"nw_proto", [](FlowKey& k) { k.nw_proto = kIpProtoUdp; }},
      {"nw_ttl", [](FlowKey& k) { k.nw_ttl = 3; }},
      {"nd_target", [](FlowKey& k) { k.nd_target[0] = 0xfe; }},
      {"tp_src", [](FlowKey& k) { k.tp_src = be16(1001); }},
      {"tp_dst", [](FlowKey& k) { k.tp_dst = be16(81); }},
  };
  for (const auto& [name, mut] : muts) {
    FlowKey k = base;
    mut(k);
    EXPECT_NE(flow_key_packet_hash(k), h) << name;
  }
}

TEST(FlowKeyHash, SequentialPortsSpreadOverSlots) {
  constexpr size_t kSlots = 8192;
  std::vector<uint32_t> lo(kSlots), hi(kSlots);
  FlowKey k = tcp_key(2, ip4(1, 1, 1, 1), ip4(10, 0, 0, 3), 0, 80);
  for (uint32_t p = 0; p < 65536; ++p) {
    k.tp_src = be16(static_cast<uint16_t>(p));
    uint32_t h = flow_key_hash(k);
    ++lo[h % kSlots];
    ++hi[(h >> 13) % kSlots];
  }
  // 8 per slot on average; a uniform hash's maximum is about 20.
  EXPECT_LE(*std::max_element(lo.begin(), lo.end()), 32u);
  EXPECT_LE(*std::max_element(hi.begin(), hi.end()), 32u);
}

}  // namespace
}  // namespace dpuflow::dataplane
