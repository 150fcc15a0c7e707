// Match text: OVS's own "Megaflow:" lines (ofproto/trace of OVS 3.1 on the
// OVN scenarios) parse and print back byte for byte; shorthands, ICMP and
// VLAN special cases follow OVS; errors name the token and column.  (Flow
// lines, which also go through this code, are round-tripped by
// ofctl_text_test.)
#include "control/openflow/match_text.h"

#include <gtest/gtest.h>

#include "tests/common/test_util.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "control/openflow/ofctl_text.h"

namespace dpuflow::control {
namespace {

using dpuflow::testing::read_file;
using dpuflow::testing::data_dir;

using namespace dataplane;

TEST(MatchText, EveryOvsMegaflowLineRoundTrips) {
  size_t checked = 0;
  for (const auto& dir : std::filesystem::directory_iterator(data_dir() + "/ovn-scenarios")) {
    if (!std::filesystem::exists(dir.path() / "traces")) continue;
    TlvMap tlv;
    DumpError de;
    auto entries = parse_tlv_dump(read_file(dir.path() / "tlv-map.txt"), &de);
    ASSERT_TRUE(entries.has_value()) << de.to_string();
    for (const TlvEntry& t : *entries) ASSERT_FALSE(tlv.add(t.index, t.opt_class, t.opt_type, t.length));
    for (const auto& f : std::filesystem::directory_iterator(dir.path() / "traces")) {
      std::istringstream in(read_file(f.path()));
      for (std::string line; std::getline(in, line);) {
        if (!line.starts_with("Megaflow: ")) continue;
        const std::string text = line.substr(10);
        TextError e;
        auto m = parse_match(text, tlv, &e, /*check_prereqs=*/false);
        ASSERT_TRUE(m.has_value()) << f.path() << ": " << e.to_string() << "\n  " << text;
        EXPECT_EQ(format_match(*m, tlv), text) << f.path();
        ++checked;
      }
    }
  }
  std::printf("megaflow lines round-tripped: %zu\n", checked);
  EXPECT_GT(checked, 150u);
}

TEST(MatchText, ShorthandsSetTypeAndProtocol) {
  TlvMap tlv;
  TextError e;
  auto m = parse_match("tcp6,tp_dst=443", tlv, &e);
  ASSERT_TRUE(m.has_value()) << e.to_string();
  EXPECT_EQ(host16(m->value.dl_type), kEthTypeIpv6);
  EXPECT_EQ(m->value.nw_proto, kIpProtoTcp);
  EXPECT_EQ(m->mask.nw_proto, 0xff);
  EXPECT_EQ(host16(m->value.tp_dst), 443);
  EXPECT_EQ(format_match(*m, tlv, 100), "priority=100,tcp6,tp_dst=443");
  EXPECT_EQ(format_match(*m, tlv, kDefaultPriority), "tcp6,tp_dst=443");
}

TEST(MatchText, IcmpTypeMatchesTheWholePortWord) {
  TlvMap tlv;
  TextError e;
  auto m = parse_match("icmp,icmp_type=8", tlv, &e);
  ASSERT_TRUE(m.has_value()) << e.to_string();
  EXPECT_EQ(m->mask.tp_src, 0xffff);
  EXPECT_EQ(host16(m->value.tp_src), 8);
  EXPECT_EQ(format_match(*m, tlv), "icmp,icmp_type=8");
}

TEST(MatchText, DlVlanImpliesATag) {
  TlvMap tlv;
  TextError e;
  auto m = parse_match("dl_vlan=10", tlv, &e);
  ASSERT_TRUE(m.has_value()) << e.to_string();
  EXPECT_EQ(host16(m->value.vlans[0].tci), 0x100a);
  EXPECT_EQ(host16(m->mask.vlans[0].tci), 0x1fff);
  EXPECT_EQ(format_match(*m, tlv), "dl_vlan=10");
}

TEST(MatchText, ErrorsNameTokenAndColumn) {
  TlvMap tlv;
  TextError e;
  EXPECT_FALSE(parse_match("ip,nw_srcc=1", tlv, &e));
  EXPECT_EQ(e.column, 3u);
  EXPECT_EQ(e.token, "nw_srcc");
  EXPECT_FALSE(parse_match("ip,nw_src=10.0.0.300", tlv, &e));
  EXPECT_EQ(e.column, 10u);
  EXPECT_EQ(e.token, "10.0.0.300");
  EXPECT_FALSE(parse_match("tcp_dst=80", tlv, &e));
  EXPECT_NE(e.message.find("prerequisites"), std::string::npos) << e.message;
  EXPECT_FALSE(parse_match("tun_metadata3=1", tlv, &e));
  EXPECT_NE(e.message.find("not mapped"), std::string::npos) << e.message;
  EXPECT_FALSE(parse_match("ip,icmp_type=300", tlv, &e));
  EXPECT_EQ(e.token, "300");
}

}  // namespace
}  // namespace dpuflow::control
