// MbufPool (clone, copy_in, free) and the DpPacket <-> mbuf conversions.
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "dataplane/datapath/dpdk/mbuf_packet.h"
#include "dataplane/datapath/dpdk/mbuf_pool.h"

namespace dpuflow::dataplane {
namespace {

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  std::iota(v.begin(), v.end(), seed);
  return v;
}

std::unique_ptr<MbufPool> make_pool(uint32_t n, uint32_t cache = 256) {
  auto r = MbufPool::create("test", n, MbufPool::kAnySocket, cache);
  EXPECT_TRUE(r.ok()) << r.error().to_string();
  return r.ok() ? std::move(r).value() : nullptr;
}

TEST(MbufPool, NamesAreUniqueAndCapacityIsAsAsked) {
  auto a = make_pool(512), b = make_pool(256);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->name(), b->name());
  EXPECT_EQ(a->capacity(), 512u);
  EXPECT_EQ(b->available(), 256u);
}

TEST(MbufPool, CopyInPlacesBytesAfterHeadroom) {
  auto pool = make_pool(64);
  ASSERT_TRUE(pool);
  std::vector<uint8_t> bytes = pattern(100, 7);
  DpPacket p;
  ASSERT_TRUE(pool->copy_in(bytes, p));
  EXPECT_EQ(p.headroom, MbufPool::kHeadroom);
  EXPECT_EQ(p.len, 100u);
  EXPECT_EQ(p.tailroom, MbufPool::kDataRoom - MbufPool::kHeadroom - 100u);
  EXPECT_EQ(std::vector<uint8_t>(p.data, p.data + p.len), bytes);
  auto* m = static_cast<rte_mbuf*>(p.owner);
  EXPECT_EQ(m->pkt_len, 100u);
  EXPECT_EQ(m->data_len, 100u);
  EXPECT_EQ(m->nb_segs, 1);
  pool->free(p);
  EXPECT_EQ(p.owner, nullptr);
  EXPECT_EQ(pool->available(), 64u);
}

TEST(MbufPool, CloneKeepsBytesAndHeadroom) {
  auto pool = make_pool(64);
  ASSERT_TRUE(pool);
  std::vector<uint8_t> bytes = pattern(200, 1);
  DpPacket src;
  ASSERT_TRUE(pool->copy_in(bytes, src));
  ASSERT_TRUE(src.pull(18));  // e.g. after pop_vlan-like moves: headroom 146
  DpPacket dst;
  ASSERT_TRUE(pool->clone(src, dst));
  EXPECT_NE(dst.owner, src.owner);
  EXPECT_NE(dst.data, src.data);
  EXPECT_EQ(dst.headroom, src.headroom);
  EXPECT_EQ(dst.headroom, MbufPool::kHeadroom + 18u);
  EXPECT_EQ(dst.len, src.len);
  EXPECT_EQ(dst.tailroom, src.tailroom);
  EXPECT_EQ(std::vector<uint8_t>(dst.data, dst.data + dst.len),
            std::vector<uint8_t>(bytes.begin() + 18, bytes.end()));
  // The copy is independent.
  dst.data[0] ^= 0xff;
  EXPECT_EQ(src.data[0], bytes[18]);
  pool->free(src);
  pool->free(dst);
  EXPECT_EQ(pool->available(), 64u);
}

TEST(MbufPool, CloneFailsWhenPoolIsEmpty) {
  auto pool = make_pool(4, 0);
  ASSERT_TRUE(pool);
  std::vector<uint8_t> bytes = pattern(60, 0);
  std::vector<DpPacket> held(4);
  for (DpPacket& p : held) ASSERT_TRUE(pool->copy_in(bytes, p));
  DpPacket extra;
  EXPECT_FALSE(pool->clone(held[0], extra));
  EXPECT_FALSE(pool->copy_in(bytes, extra));
  pool->free(held[3]);
  EXPECT_TRUE(pool->clone(held[0], extra));
  pool->free(extra);
  for (int i = 0; i < 3; i++) pool->free(held[i]);
  EXPECT_EQ(pool->available(), 4u);
}

TEST(MbufPool, FrameLargerThanAnMbufIsRefused) {
  auto pool = make_pool(8);
  ASSERT_TRUE(pool);
  DpPacket p;
  EXPECT_FALSE(pool->copy_in(pattern(MbufPool::kDataRoom + 1, 0), p));
  EXPECT_EQ(pool->available(), 8u);  // the mbuf it tried is back
}

TEST(MbufPool, CloneOfLargeFrameShrinksHeadroomToFit) {
  auto pool = make_pool(8);
  ASSERT_TRUE(pool);
  // A 2100-byte frame fits only with 76 bytes in front.
  DpPacket src;
  ASSERT_TRUE(pool->copy_in(pattern(2100, 3), src, 0));
  src.headroom = 200;  // as if it came from a buffer with more room
  DpPacket dst;
  ASSERT_TRUE(pool->clone(src, dst));
  EXPECT_EQ(dst.headroom, MbufPool::kDataRoom - 2100u);
  EXPECT_EQ(dst.tailroom, 0u);
  src.headroom = 0;
  pool->free(src);
  pool->free(dst);
}

TEST(MbufPacket, BackConversionFollowsPushPullAndTruncate) {
  auto pool = make_pool(8);
  ASSERT_TRUE(pool);
  DpPacket p;
  ASSERT_TRUE(pool->copy_in(pattern(100, 0), p));
  ASSERT_NE(p.push(4), nullptr);  // a VLAN tag in front
  p.truncate(90);
  rte_mbuf* m = packet_to_mbuf(p);
  EXPECT_EQ(m->data_off, MbufPool::kHeadroom - 4);
  EXPECT_EQ(m->data_len, 90);
  EXPECT_EQ(m->pkt_len, 90u);
  DpPacket again;
  mbuf_to_packet(m, again);
  EXPECT_EQ(again.data, p.data);
  EXPECT_EQ(again.len, p.len);
  EXPECT_EQ(again.headroom, p.headroom);
  EXPECT_EQ(again.tailroom, p.tailroom);
  EXPECT_EQ(again.owner, p.owner);
  pool->free(p);
}

}  // namespace
}  // namespace dpuflow::dataplane
