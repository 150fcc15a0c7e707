// OpenFlow framing and version negotiation (the encodings themselves are
// checked against the real ovs-ofctl in tests/interop/ofp_msg_interop_test).
#include "control/openflow/ofp_msg.h"

#include <gtest/gtest.h>

namespace dpuflow::control {
namespace {

TEST(OfpMsg, HeaderNeedsEightBytes) {
  const std::vector<uint8_t> h = {0x06, 0x00, 0x00, 0x10, 0x00, 0x00, 0x01, 0x02};
  auto hdr = peek_header(h);
  ASSERT_TRUE(hdr.has_value());
  EXPECT_EQ(hdr->version, kOfp15);
  EXPECT_EQ(hdr->length, 16);
  EXPECT_EQ(hdr->xid, 0x102u);
  EXPECT_FALSE(peek_header(std::span<const uint8_t>(h).first(7)).has_value());
}

TEST(OfpMsg, VersionsFromHelloAndNegotiation) {
  // ovs-ofctl -O OpenFlow15: bitmap 0x40 (as recorded in the reference notes).
  const std::vector<uint8_t> of15 = {0x06, 0, 0, 0x10, 0, 0, 0, 1, 0, 1, 0, 8, 0, 0, 0, 0x40};
  EXPECT_EQ(hello_versions(of15), 0x40u);
  // Plain ovs-ofctl: OpenFlow 1.0 header, no bitmap: versions up to 1.0.
  const std::vector<uint8_t> of10 = {0x01, 0, 0, 0x08, 0, 0, 0, 1};
  EXPECT_EQ(hello_versions(of10), 0x02u);
  const uint32_t ours = (1u << kOfp10) | (1u << kOfp13) | (1u << kOfp15);
  EXPECT_EQ(negotiate_version(ours, hello_versions(of15)), kOfp15);
  EXPECT_EQ(negotiate_version(ours, hello_versions(of10)), kOfp10);
  EXPECT_EQ(negotiate_version(ours, 1u << 5), 0);  // 1.4 only: incompatible
  // Our own HELLO names the highest version and carries the bitmap.
  auto hello = encode_hello(ours, 7);
  EXPECT_EQ(hello[0], kOfp15);
  EXPECT_EQ(hello_versions(hello), ours);
  // A bitmap element whose length lies is ignored, not read past.
  std::vector<uint8_t> bad = of15;
  bad[11] = 0x40;
  EXPECT_EQ(hello_versions(bad), (2u << 6) - 2u);
}

TEST(OfpMsg, ErrorCarriesTheOffendingMessage) {
  const std::vector<uint8_t> msg = {0x04, 0x0e, 0x00, 0x0c, 0, 0, 0x12, 0x34, 9, 9, 9, 9};
  auto e = encode_error(kOfp13, OfpError::kMatchBadPrereq, msg);
  ASSERT_EQ(e.size(), 12u + msg.size());
  EXPECT_EQ(e[1], 1);              // OFPT_ERROR
  EXPECT_EQ(e[7], 0x34);           // the offending xid
  EXPECT_EQ(e[9], 4);              // OFPET_BAD_MATCH
  EXPECT_EQ(e[11], 9);             // OFPBMC_BAD_PREREQ
  EXPECT_EQ(e[12 + 11], 9);        // data = the whole message
  EXPECT_EQ(from_match_error(MatchError::kDupField), OfpError::kMatchDupField);
}

}  // namespace
}  // namespace dpuflow::control
