// OXM/NXM matches on the wire: every OVN scenario match survives encode and
// decode; malformed TLVs get the OFPBMC error OVS would send.  (The encoder
// is checked against the real ovs-ofctl in tests/interop/oxm_interop_test.)
#include "control/openflow/oxm.h"

#include <gtest/gtest.h>

#include "tests/common/test_util.h"

#include <filesystem>
#include <random>
#include <fstream>
#include <sstream>

#include "control/openflow/match_text.h"
#include "control/openflow/ofctl_text.h"

namespace dpuflow::control {
namespace {

using dpuflow::testing::read_file;
using dpuflow::testing::data_dir;

using namespace dataplane;

TEST(Oxm, EveryScenarioMatchRoundTrips) {
  size_t checked = 0;
  for (const auto& dir : std::filesystem::directory_iterator(data_dir() + "/ovn-scenarios")) {
    if (!dir.is_directory()) continue;
    TlvMap tlv;
    DumpError de;
    auto entries = parse_tlv_dump(read_file(dir.path() / "tlv-map.txt"), &de);
    ASSERT_TRUE(entries.has_value());
    for (const TlvEntry& t : *entries) ASSERT_FALSE(tlv.add(t.index, t.opt_class, t.opt_type, t.length));
    auto rules = parse_flow_dump(read_file(dir.path() / "flows.txt"), tlv, &de);
    ASSERT_TRUE(rules.has_value()) << de.to_string();
    for (const RuleSpec& r : *rules) {
      const auto wire = encode_oxm_tlvs(r.match, tlv);
      MatchDecodeError e;
      auto m = decode_oxm_tlvs(wire, tlv, &e);
      ASSERT_TRUE(m.has_value()) << format_match(r.match, tlv) << ": "
                                 << match_error_name(e.code) << " " << e.message;
      EXPECT_EQ(format_match(*m, tlv), format_match(r.match, tlv));
      ++checked;
    }
  }
  EXPECT_GT(checked, 3000u);
}

TEST(Oxm, OfpMatchIsPaddedWithItsLength) {
  TlvMap tlv;
  TextError te;
  auto m = parse_match("in_port=3", tlv, &te);
  ASSERT_TRUE(m.has_value());
  auto b = encode_ofp_match(*m, tlv);
  // type OFPMT_OXM, length 4 + 6 (NXM_OF_IN_PORT), padded to 16.
  ASSERT_EQ(b.size(), 16u);
  EXPECT_EQ(b[1], 1);
  EXPECT_EQ(b[3], 10);
  EXPECT_EQ(b[4], 0x00);  // NXM_OF_IN_PORT = 0x00000002
  EXPECT_EQ(b[7], 0x02);
  EXPECT_EQ(b[9], 3);
}

TEST(Oxm, MalformedTlvsGetOvsErrors) {
  TlvMap tlv;
  MatchDecodeError e;
  // Truncated header.
  const std::vector<uint8_t> trunc = {0x80, 0x00};
  EXPECT_FALSE(decode_oxm_tlvs(trunc, tlv, &e));
  EXPECT_EQ(e.code, MatchError::kBadLen);
  // Length lies (claims 8 bytes, 2 present).
  const std::vector<uint8_t> lies = {0x80, 0x00, 0x0a, 0x08, 0x08, 0x00};
  EXPECT_FALSE(decode_oxm_tlvs(lies, tlv, &e));
  EXPECT_EQ(e.code, MatchError::kBadLen);
  // Unknown field (OXM basic field 127).
  const std::vector<uint8_t> unknown = {0x80, 0x00, 0xfe, 0x01, 0x00};
  EXPECT_FALSE(decode_oxm_tlvs(unknown, tlv, &e));
  EXPECT_EQ(e.code, MatchError::kBadField);
  // tcp_dst (OXM 14) before eth_type/ip_proto.
  const std::vector<uint8_t> prereq = {0x80, 0x00, 0x1c, 0x02, 0x00, 0x50};
  EXPECT_FALSE(decode_oxm_tlvs(prereq, tlv, &e));
  EXPECT_EQ(e.code, MatchError::kBadPrereq);
  // eth_type twice.
  const std::vector<uint8_t> dup = {0x80, 0x00, 0x0a, 0x02, 0x08, 0x00,
                                    0x80, 0x00, 0x0a, 0x02, 0x08, 0x00};
  EXPECT_FALSE(decode_oxm_tlvs(dup, tlv, &e));
  EXPECT_EQ(e.code, MatchError::kDupField);
  EXPECT_EQ(e.offset, 6u);
  // A mask on eth_type, which takes none but all-zeros or all-ones.
  const std::vector<uint8_t> mask = {0x80, 0x00, 0x0b, 0x04, 0x08, 0x00, 0xff, 0x00};
  EXPECT_FALSE(decode_oxm_tlvs(mask, tlv, &e));
  EXPECT_EQ(e.code, MatchError::kBadMask);
  // tun_metadata0 that the TLV map lacks (OVS: NXFMFC_INVALID_TLV_FIELD).
  const std::vector<uint8_t> unmapped = {0x00, 0x01, 0x50, 0x04, 0, 0, 0, 1};
  EXPECT_FALSE(decode_oxm_tlvs(unmapped, tlv, &e));
  EXPECT_EQ(e.code, MatchError::kInvalidTlvField);
  // And a good one: eth_type=0x0800, ip_proto=6, tcp_dst=80.
  const std::vector<uint8_t> ok = {0x80, 0x00, 0x0a, 0x02, 0x08, 0x00, 0x80, 0x00, 0x14,
                                   0x01, 0x06, 0x80, 0x00, 0x1c, 0x02, 0x00, 0x50};
  auto m = decode_oxm_tlvs(ok, tlv, &e);
  ASSERT_TRUE(m.has_value()) << e.message;
  EXPECT_EQ(format_match(*m, tlv), "tcp,tp_dst=80");
}

// OVS's reading of masks and lengths (nx_pull_entry__(), mf_is_mask_valid(),
// mf_set()), each checked against `ovs-ofctl ofp-parse` on the same TLVs.
TEST(Oxm, MasksAndLengthsAsOvsReadsThem) {
  TlvMap tlv;
  MatchDecodeError e;
  auto decode = [&](std::vector<uint8_t> b) { return decode_oxm_tlvs(b, tlv, &e); };
  // in_port (OXM_OF_IN_PORT, not maskable) with an all-ones mask is in_port=1.
  auto exact = decode({0x80, 0x00, 0x00, 0x04, 0, 0, 0, 1});
  auto ones = decode({0x80, 0x00, 0x01, 0x08, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff});
  ASSERT_TRUE(exact && ones) << e.message;
  EXPECT_EQ(*ones, *exact);
  EXPECT_EQ(format_match(*ones, tlv), "in_port=1");
  // ... and with an all-zeros mask it stays wild.
  auto zeros = decode({0x80, 0x00, 0x01, 0x08, 0, 0, 0, 0, 0, 0, 0, 0});
  ASSERT_TRUE(zeros) << e.message;
  EXPECT_EQ(*zeros, Match{});
  // Value 1-bits outside the mask: OFPBMC_BAD_WILDCARDS, known field or not.
  EXPECT_FALSE(decode({0x80, 0x00, 0x01, 0x08, 0, 0, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(e.code, MatchError::kBadWildcards);
  EXPECT_FALSE(decode({0x80, 0x00, 0xff, 0x04, 0x00, 0x01, 0x00, 0x00}));
  EXPECT_EQ(e.code, MatchError::kBadWildcards);
  // eth_type with a 4-byte value is no known field.
  EXPECT_FALSE(decode({0x80, 0x00, 0x0a, 0x04, 0, 0, 0x08, 0x00}));
  EXPECT_EQ(e.code, MatchError::kBadField);
  // A masked eth_type of 5 bytes is read as 2 + 2 (the odd byte ignored).
  auto odd = decode({0x80, 0x00, 0x0b, 0x05, 0x08, 0x00, 0xff, 0xff, 0x00});
  ASSERT_TRUE(odd) << e.message;
  EXPECT_EQ(format_match(*odd, tlv), "ip");
}

TEST(Oxm, RandomBytesNeverCrash) {
  // Valid-looking headers with random lengths and payloads; run under ASan.
  TlvMap tlv;
  ASSERT_FALSE(tlv.add(0, 0x102, 0x80, 4));
  std::mt19937 rng(3);
  int accepted = 0;
  for (int i = 0; i < 100000; ++i) {
    std::vector<uint8_t> b(rng() % 40);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    if (b.size() >= 4 && i % 2) {
      static constexpr uint16_t kClasses[] = {0x0000, 0x0001, 0x8000, 0xffff};
      const uint16_t c = kClasses[rng() % 4];
      b[0] = static_cast<uint8_t>(c >> 8);
      b[1] = static_cast<uint8_t>(c);
      b[3] = static_cast<uint8_t>(b.size() - 4);
    }
    MatchDecodeError e;
    accepted += decode_oxm_tlvs(b, tlv, &e).has_value();
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace dpuflow::control

namespace dpuflow::control {
namespace {

using namespace dataplane;

std::string decoded(std::vector<uint8_t> tlvs, const TlvMap& tlv = TlvMap{}) {
  MatchDecodeError e;
  auto m = decode_oxm_tlvs(tlvs, tlv, &e);
  if (!m) return std::string("error: ") + match_error_name(e.code);
  return format_match(*m, tlv);
}

// What ovs-ofctl sends for vlan matches in OXM: OXM_OF_VLAN_VID, 13 bits
// with OFPVID_PRESENT (0x1000) as vlan_tci's CFI bit.
TEST(Oxm, OxmVlanVidMapsOntoVlanTci) {
  EXPECT_EQ(decoded({0x80, 0x00, 0x0d, 0x04, 0x10, 0x00, 0x10, 0x00}), "vlan_tci=0x1000/0x1000");
  EXPECT_EQ(decoded({0x80, 0x00, 0x0c, 0x02, 0x10, 0x64}), "dl_vlan=100");
  EXPECT_EQ(decoded({0x80, 0x00, 0x0c, 0x02, 0x00, 0x00}), "vlan_tci=0x0000/0x1fff");
}

// ovs-ofctl has no TLV map and writes a tun_metadata value in the bytes it
// needs; the switch reads it into the mapped option.
TEST(Oxm, ShortTunMetadataValueFillsTheMappedOption) {
  TlvMap tlv;
  ASSERT_FALSE(tlv.add(0, 0x102, 0x80, 4));
  EXPECT_EQ(decoded({0x00, 0x01, 0x50, 0x01, 0x04}, tlv), "tun_metadata0=0x4");
  // Longer than the mapping: refused.
  EXPECT_EQ(decoded({0x00, 0x01, 0x50, 0x05, 1, 2, 3, 4, 5}, tlv), "error: OFPBMC_BAD_LEN");
}

}  // namespace
}  // namespace dpuflow::control
