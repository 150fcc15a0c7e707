// MeterBank: token buckets with OVS's dpif-netdev arithmetic, driven by a
// clock the test controls.
#include "dataplane/datapath/meter_bank.h"

#include <gtest/gtest.h>

namespace dpuflow::dataplane {
namespace {

constexpr uint64_t kMs = 1'000'000, kUs = 1'000;

MeterSpec spec(uint16_t flags, std::vector<std::pair<uint32_t, uint32_t>> rate_burst) {
  MeterSpec m;
  m.flags = flags;
  for (auto [rate, burst] : rate_burst) m.bands.push_back({MeterBand::Type::kDrop, rate, burst, 0});
  return m;
}

// Offers one packet of `bytes` every `step_ns` from 0 to `until_ns`
// inclusive; returns how many passed.
uint64_t offer(MeterBank& mb, uint32_t id, uint32_t bytes, uint64_t step_ns, uint64_t until_ns,
               uint64_t start_ns = 0) {
  uint64_t passed = 0;
  for (uint64_t t = start_ns; t <= until_ns; t += step_ns) passed += mb.admit(id, bytes, t);
  return passed;
}

TEST(MeterBank, PktpsPassesBurstPlusRateOverASecond) {
  // 1000 pkt/s with a burst of 100, offered 10000 pkt/s: the full bucket
  // gives 100, then each millisecond adds exactly one packet: 1000 more by
  // t = 1 s.
  MeterBank mb;
  mb.configure(7, spec(MeterSpec::kPktps | MeterSpec::kBurst, {{1000, 100}}));
  EXPECT_EQ(offer(mb, 7, 64, 100 * kUs, 1000 * kMs), 1100u);
  MeterStats st;
  ASSERT_TRUE(mb.stats(7, st));
  EXPECT_EQ(st.packets_in, 10001u);
  EXPECT_EQ(st.bytes_in, 10001u * 64);
  EXPECT_EQ(st.n_bands, 1u);
  EXPECT_EQ(st.band_packets[0], 10001u - 1100);
}

TEST(MeterBank, PktpsUnderRatePassesEverything) {
  MeterBank mb;
  mb.configure(1, spec(MeterSpec::kPktps, {{1000, 0}}));
  EXPECT_EQ(offer(mb, 1, 64, 1 * kMs, 2000 * kMs), 2001u);
}

TEST(MeterBank, KbpsCountsBits) {
  // 1000 kbit/s = 1000 bits per ms; 125-byte packets are 1000 bits.  Burst
  // 100 kbit = 100 packets; offered twice the rate for one second.
  MeterBank mb;
  mb.configure(2, spec(MeterSpec::kKbps | MeterSpec::kBurst, {{1000, 100}}));
  EXPECT_EQ(offer(mb, 2, 125, 500 * kUs, 1000 * kMs), 1100u);
}

TEST(MeterBank, DefaultBurstIsOneSecondOfRate) {
  // Without kBurst (or with burst_size 0) the bucket holds `rate`.
  for (uint16_t flags :
       {uint16_t{MeterSpec::kPktps}, uint16_t{MeterSpec::kPktps | MeterSpec::kBurst}}) {
    MeterBank mb;
    mb.configure(3, spec(flags, {{50, flags & MeterSpec::kBurst ? 0u : 7u}}));
    EXPECT_EQ(offer(mb, 3, 64, 1, 199), 50u) << "flags " << flags;  // 200 at once
  }
}

TEST(MeterBank, IdleTimeRefillsOnlyUpToTheBurst) {
  MeterBank mb;
  mb.configure(4, spec(MeterSpec::kPktps | MeterSpec::kBurst, {{10, 5}}));
  EXPECT_EQ(offer(mb, 4, 64, 1, 9), 5u);
  const uint64_t hour = 3600ull * 1000 * kMs;
  EXPECT_EQ(offer(mb, 4, 64, 1, hour + 9, hour), 5u);
}

TEST(MeterBank, HighestRateExceededBandFires) {
  // Band 0: 100 pkt/s, burst 100; band 1: 1000 pkt/s, burst 1000.  2000
  // packets at once: 100 pass; the next 900 exceed band 0 only; the last
  // 1000 exceed both, and band 1 (the higher rate) takes them.
  MeterBank mb;
  mb.configure(5, spec(MeterSpec::kPktps | MeterSpec::kBurst, {{100, 100}, {1000, 1000}}));
  EXPECT_EQ(offer(mb, 5, 64, 1, 1999), 100u);
  MeterStats st;
  ASSERT_TRUE(mb.stats(5, st));
  EXPECT_EQ(st.band_packets[0], 900u);
  EXPECT_EQ(st.band_packets[1], 1000u);
  EXPECT_EQ(st.band_bytes[1], 1000u * 64);
}

TEST(MeterBank, UnconfiguredRemovedAndOutOfRangeIdsPass) {
  MeterBank mb;
  EXPECT_TRUE(mb.admit(9, 64, 0));
  mb.configure(9, spec(MeterSpec::kPktps | MeterSpec::kBurst, {{1, 1}}));
  EXPECT_TRUE(mb.admit(9, 64, 0));
  EXPECT_FALSE(mb.admit(9, 64, 0));
  mb.remove(9);
  EXPECT_FALSE(mb.configured(9));
  EXPECT_TRUE(mb.admit(9, 64, 0));
  mb.configure(MeterBank::kMaxMeters, spec(MeterSpec::kPktps, {{1, 1}}));
  EXPECT_FALSE(mb.configured(MeterBank::kMaxMeters));
  EXPECT_TRUE(mb.admit(MeterBank::kMaxMeters, 64, 0));
  MeterStats st;
  EXPECT_FALSE(mb.stats(MeterBank::kMaxMeters, st));
}

TEST(MeterBank, ReconfigureKeepsStateOnlyWhenUnchanged) {
  MeterBank mb;
  const MeterSpec m = spec(MeterSpec::kPktps | MeterSpec::kBurst, {{1, 2}});
  mb.configure(6, m);
  EXPECT_EQ(offer(mb, 6, 64, 1, 4), 2u);
  mb.configure(6, m);  // the same spec again (a pipeline refresh)
  EXPECT_FALSE(mb.admit(6, 64, 5)) << "an unchanged meter must keep its drained bucket";
  MeterStats st;
  ASSERT_TRUE(mb.stats(6, st));
  EXPECT_EQ(st.packets_in, 6u);
  mb.configure(6, spec(MeterSpec::kPktps | MeterSpec::kBurst, {{1, 3}}));
  EXPECT_EQ(offer(mb, 6, 64, 1, 4), 3u) << "a changed meter starts full";
}

TEST(MeterBank, RemarkAndZeroRateBandsDoNotDrop) {
  MeterBank mb;
  MeterSpec m;
  m.flags = MeterSpec::kPktps | MeterSpec::kBurst;
  m.bands = {{MeterBand::Type::kDscpRemark, 1, 1, 1}, {MeterBand::Type::kDrop, 0, 0, 0}};
  mb.configure(8, m);
  EXPECT_EQ(offer(mb, 8, 64, 1, 99), 100u);
}

}  // namespace
}  // namespace dpuflow::dataplane
