// Field value text: every value form in the OVN scenario flows, set_field
// actions and ofproto/trace megaflows parses and prints back exactly as OVS
// printed it; specific OVS printing rules; errors that name the text.
#include "dataplane/flow/field_text.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>

#include "dataplane/flow/tlv_map.h"
#include "test_data.h"

namespace dpuflow::dataplane {
namespace {

// The TLV map OVN installs in every scenario (tlv-map.txt), read from the files.
TlvMap scenario_tlv_map() {
  TlvMap map;
  for (const std::string& text : testing::scenario_files("tlv-map.txt")) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      unsigned opt_class = 0, opt_type = 0, length = 0;
      int index = -1;
      if (std::sscanf(line.c_str(), " 0x%x 0x%x %u tun_metadata%d", &opt_class, &opt_type,
                      &length, &index) != 4 || map.mapped(index)) {
        continue;
      }
      EXPECT_EQ(map.add(index, static_cast<uint16_t>(opt_class), static_cast<uint8_t>(opt_type),
                        static_cast<uint8_t>(length)),
                std::nullopt);
    }
  }
  EXPECT_TRUE(map.mapped(0));  // OVN maps tun_metadata0 in every scenario
  return map;
}

std::vector<std::string> split(std::string_view s, std::string_view sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    const size_t next = s.find(sep, pos);
    out.emplace_back(s.substr(pos, next - pos));
    if (next == std::string_view::npos) break;
    pos = next + sep.size();
  }
  return out;
}

ResolvedField rf(std::string_view name, const TlvMap* tlv) {
  const FieldDesc* f = field_by_name(name);
  EXPECT_NE(f, nullptr) << name;
  auto r = resolve_field(*f, tlv);
  EXPECT_TRUE(r.has_value()) << name;
  return *r;
}

// Parses `name=value` and prints it back in match style.
std::string match_round_trip(std::string_view name, std::string_view value, const TlvMap* tlv) {
  const ResolvedField f = rf(name, tlv);
  std::string err;
  auto pv = parse_field_value(f, value, &err);
  if (!pv) return "error: " + err;
  return format_field_value(f, pv->value, pv->mask);
}

TEST(FieldTextScenarios, EveryMatchValueInFlowsPrintsBack) {
  const TlvMap tlv = scenario_tlv_map();
  int checked = 0;
  for (const std::string& text : testing::scenario_files("flows.txt")) {
    for (const std::string& line : split(text, "\n")) {
      const size_t actions = line.find(" actions=");
      if (actions == std::string::npos) continue;
      for (std::string tok : split(std::string_view(line).substr(0, actions), ",")) {
        tok.erase(0, tok.find_first_not_of(' '));
        const size_t eq = tok.find('=');
        if (eq == std::string::npos) continue;  // ip, tcp6, arp...: the lead's shorthands
        const std::string name = tok.substr(0, eq), value = tok.substr(eq + 1);
        if (name == "cookie" || name == "table" || name == "priority") continue;
        EXPECT_EQ(match_round_trip(name, value, &tlv), value) << tok;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 10000);
}

TEST(FieldTextScenarios, EverySetFieldValuePrintsBack) {
  const TlvMap tlv = scenario_tlv_map();
  const auto tokens = testing::scenario_set_field_tokens("flows.txt");
  ASSERT_GT(tokens.size(), 50u);
  for (const std::string& tok : tokens) {
    const size_t arrow = tok.find("->");
    const std::string value = tok.substr(10, arrow - 10), name = tok.substr(arrow + 2);
    const ResolvedField f = rf(name, &tlv);
    std::string err;
    auto pv = parse_field_value(f, value, &err);
    ASSERT_TRUE(pv.has_value()) << tok << ": " << err;
    EXPECT_EQ(format_set_field_value(f, pv->value, pv->mask), value) << tok;
    if (!pv->has_mask) {
      EXPECT_EQ(format_field_value(f, pv->value), value) << tok;
    }
  }
}

// Megaflow lines of ofproto/trace.  OVS prints ICMP type/code there from the
// 16-bit tp_src/tp_dst ("icmp_type=0x8/0xff"), and "tun_metadata0=NP" is the
// "option not present" form, which is no value: both are the text codec's.
TEST(FieldTextScenarios, EveryMegaflowValuePrintsBack) {
  const TlvMap tlv = scenario_tlv_map();
  int checked = 0;
  for (const std::string& text : testing::scenario_files("traces/index.tsv")) {
    for (const std::string& line : split(text, "\n")) {
      const auto cols = split(line, "\t");
      if (cols.size() < 6 || cols[0] == "n") continue;
      for (const std::string& megaflow : split(cols[5], " => ")) {
        for (const std::string& tok : split(megaflow, ",")) {
          const size_t eq = tok.find('=');
          if (eq == std::string::npos) continue;
          std::string name = tok.substr(0, eq);
          const std::string value = tok.substr(eq + 1);
          if (value == "NP") continue;
          if (name == "icmp_type") name = "tp_src";
          if (name == "icmp_code") name = "tp_dst";
          EXPECT_EQ(match_round_trip(name, value, &tlv), value) << tok;
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 1000);
}

// The flows given to ofproto/trace use input-only forms (tcp_flags=syn,
// decimal tun_metadata0, tun_id=1): they must all parse.
TEST(FieldTextScenarios, EveryTraceInputValueParses) {
  const TlvMap tlv = scenario_tlv_map();
  int checked = 0;
  for (const std::string& text : testing::scenario_files("traces/index.tsv")) {
    for (const std::string& line : split(text, "\n")) {
      const auto cols = split(line, "\t");
      if (cols.size() < 6 || cols[0] == "n") continue;
      for (const std::string& tok : split(cols[3], ",")) {
        const size_t eq = tok.find('=');
        if (eq == std::string::npos) continue;
        std::string err;
        const ResolvedField f = rf(tok.substr(0, eq), &tlv);
        EXPECT_TRUE(parse_field_value(f, tok.substr(eq + 1), &err).has_value()) << tok << ": " << err;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 500);
}

struct Case {
  std::string_view field;
  std::string_view in;
  std::string_view out;  // match style, as ovs-ofctl parse-flow prints it
};

// Results of `ovs-ofctl parse-flow` (OVS 3.1) for these inputs.
TEST(FieldTextRules, MatchPrintingAsOvsOfctl) {
  TlvMap tlv;
  ASSERT_EQ(tlv.add(0, 0x102, 0x80, 4), std::nullopt);
  const Case cases[] = {
      {"reg0", "5/0xf", "0x5/0xf"},
      {"reg0", "1", "0x1"},
      {"reg8", "0/0xffff", "0/0xffff"},
      {"xxreg1", "0x1/0x1", "0x1/0x1"},
      {"tunnel_id", "5", "0x5"},
      {"tun_id", "0x5/0xff", "0x5/0xff"},
      {"recirc_id", "5", "0x5"},
      {"dp_hash", "0x5/0xf", "0x5/0xf"},
      {"conj_id", "3278756831", "3278756831"},
      {"ct_zone", "5", "5"},
      {"ct_label", "0x1/0x1", "0x1/0x1"},
      {"ct_label", "0x20010db8000100000000000000000001", "0x20010db8000100000000000000000001"},
      {"ct_mark", "0/0xf", "0/0xf"},
      {"ct_state", "+trk-new", "-new+trk"},
      {"ct_state", "0x21/0x21", "+new+trk"},
      {"ct_state", "0x21/0xff", "new|trk"},
      {"ct_state", "new|trk", "new|trk"},
      {"ct_state", "0", "0"},
      {"tcp_flags", "+syn-ack", "+syn-ack"},
      {"tcp_flags", "0x12", "syn|ack"},
      {"tcp_flags", "0x12/0xfff", "syn|ack"},
      {"tcp_flags", "0x12/0x12", "+syn+ack"},
      {"tun_flags", "oam", "+oam"},
      {"tun_flags", "0x1/0x1", "+oam"},
      {"tun_flags", "-df-csum-key", "-df-csum-key"},
      {"ip_frag", "first", "first"},
      {"nw_frag", "yes", "yes"},
      {"nw_frag", "later", "later"},
      {"nw_frag", "not_later", "not_later"},
      {"nw_tos", "5", "4"},
      {"nw_ecn", "1", "1"},
      {"arp_op", "0x102", "2"},
      {"ipv6_label", "0x12", "0x00012"},
      {"dl_type", "0x800", "0x0800"},
      {"in_port", "LOCAL", "LOCAL"},
      {"in_port", "none", "ANY"},
      {"in_port", "65535", "ANY"},
      {"in_port", "4294967294", "LOCAL"},
      {"in_port_oxm", "3", "3"},
      {"actset_output", "5", "5"},
      {"tp_src", "0x10/0xfff0", "0x10/0xfff0"},
      {"tcp_src", "80", "80"},
      {"tun_gbp_flags", "1", "0x1"},
      {"tun_tos", "26", "1a"},
      {"tun_metadata0", "0x1234", "0x1234"},
      {"tun_metadata0", "196610", "0x30002"},
      {"tun_metadata0", "0x10002/0x7fffffff", "0x10002/0x7fffffff"},
      {"nw_src", "10.0.0.0/255.0.255.0", "10.0.0.0/255.0.255.0"},
      {"nw_src", "10.0.0.7/255.255.255.0", "10.0.0.0/24"},
      {"ipv6_src", "::1/::ffff", "::1/::ffff"},
      {"ipv6_src", "fe80::1/10", "fe80::/10"},
      {"dl_src", "01:00:00:00:00:00/01:00:00:00:00:00", "01:00:00:00:00:00/01:00:00:00:00:00"},
      {"dl_src", "0:1:2:a:B:ff", "00:01:02:0a:0b:ff"},
      {"vlan_tci", "0x1000/0x1000", "0x1000/0x1000"},
      {"vlan_tci", "0", "0x0000"},
      {"dl_vlan", "0", "0"},
      {"dl_vlan_pcp", "5", "5"},
      {"packet_type", "(0,0x800)", "(0,0x800)"},
      {"packet_type", "(1,0x86dd)", "(1,0x86dd)"},
      {"icmp_type", "3", "3"},
      {"reg0", "*", "ANY"},
      {"metadata", "0x1/0x1", "0x1/0x1"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(match_round_trip(c.field, c.in, &tlv), c.out) << c.field << "=" << c.in;
  }
}

// set_field text (OVS mf_format): decimal fields print decimal, masks in hex.
TEST(FieldTextRules, SetFieldPrinting) {
  auto set_fmt = [](std::string_view name, uint64_t v, uint64_t m) {
    const ResolvedField f = rf(name, nullptr);
    const uint16_t w = field_value_bytes(f);
    return format_set_field_value(f, FieldValue::from_u64(v, w), FieldValue::from_u64(m, w));
  };
  EXPECT_EQ(set_fmt("tcp_dst", 80, 0xfff0), "80/0xfff0");
  EXPECT_EQ(set_fmt("reg10", 0, 0x1000), "0/0x1000");
  EXPECT_EQ(set_fmt("reg10", 0, 0), "ANY");
  EXPECT_EQ(set_fmt("in_port", 0xffff, 0xffff), "ANY");
  EXPECT_EQ(set_fmt("in_port", 0xfff8, 0xffff), "IN_PORT");
  EXPECT_EQ(set_fmt("in_port_oxm", 0xfffffffd, 0xffffffff), "CONTROLLER");
  EXPECT_EQ(set_fmt("ipv6_label", 0x12345, 0xfffff), "0x12345");
  EXPECT_EQ(set_fmt("dl_type", 0x800, 0xffff), "0x800");
  EXPECT_EQ(set_fmt("nw_frag", 1, 3), "first");
  EXPECT_EQ(set_fmt("tcp_flags", 0x12, 0xfff), "syn|ack");
  EXPECT_EQ(set_fmt("ct_state", 0x22, 0xff), "est|trk");
  EXPECT_EQ(set_fmt("ct_state", 0x22, 0x23), "-new+est+trk");
}

TEST(FieldTextRules, ZeroMaskOnFlagsAndZeroValues) {
  const ResolvedField f = rf("ct_state", nullptr);
  EXPECT_EQ(format_field_value(f, FieldValue::from_u64(0, 4), FieldValue::from_u64(0x20, 4)),
            "-trk");
  EXPECT_EQ(format_field_value(rf("reg9", nullptr), FieldValue::from_u64(0, 4),
                               FieldValue::from_u64(0x1, 4)),
            "0/0x1");
  EXPECT_EQ(format_field_value(rf("ct_mark", nullptr), FieldValue::from_u64(0, 4),
                               FieldValue::from_u64(0xf, 4)),
            "0/0xf");
}

TEST(FieldTextErrors, NameTheText) {
  const std::pair<Case, std::string_view> cases[] = {
      {{"nw_src", "10.0.0.300", ""}, "10.0.0.300: invalid IP address"},
      {{"nw_src", "10.0.0.1/33", ""}, "10.0.0.1/33: IPv4 network prefix bits not between 0 and 32, inclusive"},
      {{"ipv6_src", "fe80:::1", ""}, "fe80:::1: invalid IPv6 address"},
      {{"ipv6_src", "fe80::1/200", ""}, "fe80::1/200: IPv6 network prefix bits not between 0 and 128, inclusive"},
      {{"dl_src", "00:00:00:00:01", ""}, "00:00:00:00:01: invalid Ethernet address"},
      {{"reg0", "0x123456789", ""}, "0x123456789: value too large for 4-byte field reg0"},
      {{"reg0", "0x1/zz", ""}, "0x1/zz: bad syntax for reg0 mask"},
      {{"reg0", "12ab", ""}, "12ab: bad syntax for reg0 value"},
      {{"icmp_type", "3/0xf", ""}, "3/0xf: invalid mask for field icmp_type"},
      {{"dl_vlan", "5000", ""}, "5000: value too large for 12-bit field dl_vlan"},
      {{"nw_frag", "maybe", ""}, "maybe: unknown fragment type (valid types are \"no\", \"yes\", \"first\", \"later\", \"not_later\")"},
      {{"ct_state", "+foo", ""}, "+foo: unknown ct_state flag(s)"},
      {{"ct_state", "+trk+trk", ""}, "+trk+trk: Each ct_state flag can be specified only once"},
      {{"tcp_flags", "syn+ack", ""}, "syn+ack: unknown TCP flag(s)"},
      {{"in_port", "eth0", ""}, "eth0: invalid or unknown port for in_port"},
      {{"in_port", "70000", ""}, "70000: invalid or unknown port for in_port"},
      {{"packet_type", "(0,0x800", ""}, "(0,0x800: bad syntax for packet type missing ')'"},
      {{"tun_flags", "df", ""}, "df: unknown tunnel flag(s)"},  // as ovs-ofctl says
      {{"nw_ecn", "1/0x3", ""}, "1/0x3: invalid mask for field nw_ecn"},
      {{"in_port_oxm", "0xfffffffd", ""}, "0xfffffffd: invalid or unknown port for in_port_oxm"},
  };
  for (const auto& [c, want] : cases) {
    std::string err;
    EXPECT_FALSE(parse_field_value(rf(c.field, nullptr), c.in, &err).has_value()) << c.in;
    EXPECT_EQ(err, want);
  }
}

TEST(FieldTextRules, ParsedValuesAndMasks) {
  std::string err;
  auto pv = parse_field_value(rf("ipv6_dst", nullptr), "ff02::/16", &err);
  ASSERT_TRUE(pv);
  EXPECT_TRUE(pv->has_mask);
  EXPECT_EQ(pv->value.bytes[0], 0xff);
  EXPECT_EQ(pv->mask.bytes[1], 0xff);
  EXPECT_EQ(pv->mask.bytes[2], 0x00);
  pv = parse_field_value(rf("reg0", nullptr), "0x10/0xffffffff", &err);
  ASSERT_TRUE(pv);
  EXPECT_FALSE(pv->has_mask);  // an all-ones mask is no mask
  pv = parse_field_value(rf("tcp_dst", nullptr), "010", &err);  // C syntax: octal
  ASSERT_TRUE(pv);
  EXPECT_EQ(pv->value.to_u64(), 8u);
  pv = parse_field_value(rf("ct_state", nullptr), "+est-rel+trk", &err);
  ASSERT_TRUE(pv);
  EXPECT_EQ(pv->value.to_u64(), uint64_t{kCsEstablished | kCsTracked});
  EXPECT_EQ(pv->mask.to_u64(), uint64_t{kCsEstablished | kCsRelated | kCsTracked});
  pv = parse_field_value(rf("in_port_oxm", nullptr), "LOCAL", &err);
  ASSERT_TRUE(pv);
  EXPECT_EQ(pv->value.to_u64(), 0xfffffffeu);
  EXPECT_EQ(parse_ofp_port("controller"), kOfppController);
  EXPECT_EQ(format_ofp_port(kOfppUnset), "UNSET");
  EXPECT_EQ(format_ofp_port(42), "42");
}

}  // namespace
}  // namespace dpuflow::dataplane
