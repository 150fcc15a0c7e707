// TLV map: allocation, refusals that name the clash, and resolve_field().
#include "dataplane/flow/tlv_map.h"

#include <gtest/gtest.h>

namespace dpuflow::dataplane {
namespace {

FieldId tm(int i) { return static_cast<FieldId>(static_cast<int>(FieldId::kTunMetadata0) + i); }

TEST(TlvMap, FirstFitAllocationAndResolve) {
  TlvMap map;
  ASSERT_EQ(map.add(0, 0x102, 0x80, 4), std::nullopt);  // OVN's mapping
  ASSERT_EQ(map.add(5, 0x102, 0x81, 8), std::nullopt);
  EXPECT_EQ(map.mapping(0).offset, 0);
  EXPECT_EQ(map.mapping(5).offset, 4);
  EXPECT_EQ(map.find(0x102, 0x80), 0);
  EXPECT_EQ(map.find(0x102, 0x81), 5);
  EXPECT_EQ(map.find(0x102, 0x82), -1);

  auto r = resolve_field(field_desc(tm(5)), &map);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->offset, offsetof(FlowKey, tun_metadata) + 4);
  EXPECT_EQ(r->n_bytes, 8);
  EXPECT_EQ(r->n_bits, 64);
  EXPECT_FALSE(resolve_field(field_desc(tm(1)), &map).has_value());
  EXPECT_FALSE(resolve_field(field_desc(tm(0)), nullptr).has_value());

  auto reg = resolve_field(field_desc(FieldId::kReg0), nullptr);
  ASSERT_TRUE(reg.has_value());
  EXPECT_EQ(reg->offset, offsetof(FlowKey, regs));
  EXPECT_EQ(reg->n_bits, 32);
}

TEST(TlvMap, ReusesFreedGapAfterClear) {
  TlvMap map;
  ASSERT_EQ(map.add(1, 1, 1, 60), std::nullopt);
  auto err = map.add(2, 1, 2, 8);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->find("no room for 8 bytes"), std::string::npos) << *err;
  EXPECT_NE(err->find("60 of 64"), std::string::npos) << *err;
  EXPECT_FALSE(map.mapped(2));
  ASSERT_EQ(map.add(2, 1, 2, 4), std::nullopt);
  EXPECT_EQ(map.mapping(2).offset, 60);
  map.clear();
  EXPECT_FALSE(map.mapped(1));
  ASSERT_EQ(map.add(2, 1, 2, 64), std::nullopt);
}

TEST(TlvMap, RefusalsNameTheClash) {
  TlvMap map;
  ASSERT_EQ(map.add(0, 0x102, 0x80, 4), std::nullopt);
  auto e1 = map.add(0, 0x103, 0x1, 4);
  ASSERT_TRUE(e1);
  EXPECT_NE(e1->find("tun_metadata0 is already mapped to option class 0x102 type 0x80"),
            std::string::npos)
      << *e1;
  auto e2 = map.add(3, 0x102, 0x80, 4);
  ASSERT_TRUE(e2);
  EXPECT_NE(e2->find("already mapped to tun_metadata0"), std::string::npos) << *e2;
  auto e3 = map.add(3, 0x1, 0x1, 6);
  ASSERT_TRUE(e3);
  EXPECT_NE(e3->find("length 6 is invalid"), std::string::npos) << *e3;
  auto e4 = map.add(64, 0x1, 0x1, 4);
  ASSERT_TRUE(e4);
  EXPECT_NE(e4->find("tun_metadata64"), std::string::npos) << *e4;
  EXPECT_FALSE(map.mapped(3));
}

}  // namespace
}  // namespace dpuflow::dataplane
