// The FLOW_MOD encoder and decoder (matches, instructions and every action
// OVN uses) against the real ovs-ofctl, for OpenFlow 1.3 and 1.5: every flow
// of every OVN scenario is encoded as an ADD, decoded by
// `ovs-ofctl ofp-parse`, and the flow it prints must be the dump line's flow;
// our own decoder must give the flow back too.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "control/openflow/action_text.h"
#include "control/openflow/ofctl_text.h"
#include "control/openflow/ofp_flow.h"
#include "control/openflow/ofp10.h"
#include "tests/common/flow_normal.h"
#include "tests/common/test_util.h"

namespace dpuflow::control {
namespace {

using dataplane::ActionList;
using dataplane::RuleSpec;
using dpuflow::testing::data_dir;
using dpuflow::testing::read_file;
using dpuflow::testing::run_command;

std::string normal_text(const RuleSpec& r, const dataplane::TlvMap& tlv) {
  return dpuflow::testing::normal_flow_text(r, tlv);
}

struct Scenario {
  std::string name;
  dataplane::TlvMap tlv;
  std::vector<RuleSpec> rules;
};

std::vector<Scenario> load_scenarios() {
  std::vector<Scenario> out;
  for (const auto& dir : std::filesystem::directory_iterator(data_dir() + "/ovn-scenarios")) {
    if (!dir.is_directory()) continue;
    Scenario s;
    s.name = dir.path().filename();
    DumpError de;
    auto entries = parse_tlv_dump(read_file(dir.path() / "tlv-map.txt"), &de);
    EXPECT_TRUE(entries.has_value()) << de.to_string();
    for (const TlvEntry& t : entries.value_or(std::vector<TlvEntry>{})) {
      EXPECT_FALSE(s.tlv.add(t.index, t.opt_class, t.opt_type, t.length));
    }
    auto rules = parse_flow_dump(read_file(dir.path() / "flows.txt"), s.tlv, &de);
    EXPECT_TRUE(rules.has_value()) << de.to_string();
    s.rules = rules.value_or(std::vector<RuleSpec>{});
    out.push_back(std::move(s));
  }
  return out;
}

class FlowModWire : public ::testing::TestWithParam<uint8_t> {};

TEST_P(FlowModWire, OurDecoderGivesEveryScenarioFlowBack) {
  const uint8_t version = GetParam();
  size_t n = 0;
  for (const Scenario& s : load_scenarios()) {
    for (const RuleSpec& r : s.rules) {
      dataplane::FlowMod fm;
      fm.spec = r;
      const auto msg = version == kOfp10 ? encode_nx_flow_mod(fm, 7, s.tlv)
                                         : encode_flow_mod(fm, version, 7, s.tlv);
      WireError err;
      auto back = version == kOfp10 ? decode_nx_flow_mod(msg, true, s.tlv, &err)
                                    : decode_flow_mod(msg, s.tlv, &err);
      ASSERT_TRUE(back.has_value()) << s.name << ": " << format_flow_line(r, s.tlv) << "\n"
                                    << ofp_error_name(err.code) << " at " << err.offset << ": "
                                    << err.message;
      EXPECT_EQ(back->command, dataplane::FlowModCommand::kAdd);
      if (version == kOfp15) {
        // 1.5 carries every action as written: the text is identical.
        EXPECT_EQ(format_flow_line(back->spec, s.tlv), format_flow_line(r, s.tlv)) << s.name;
      } else {
        EXPECT_EQ(normal_text(back->spec, s.tlv), normal_text(r, s.tlv)) << s.name;
      }
      ++n;
    }
  }
  EXPECT_EQ(n, 3582u);
}

TEST_P(FlowModWire, OvsOfctlDecodesEveryScenarioFlow) {
  if (run_command("command -v ovs-ofctl").empty()) GTEST_SKIP() << "ovs-ofctl is not installed";
  const uint8_t version = GetParam();
  const std::string vname = version == kOfp15 ? "1.5" : version == kOfp13 ? "1.3" : "1.0";
  size_t compared = 0, skipped = 0;
  for (const Scenario& s : load_scenarios()) {
    const std::string path = ::testing::TempDir() + "/flow_mods_" + s.name + ".bin";
    {
      std::ofstream f(path, std::ios::binary);
      for (size_t i = 0; i < s.rules.size(); ++i) {
        dataplane::FlowMod fm;
        fm.spec = s.rules[i];
        auto msg = version == kOfp10
                       ? encode_nx_flow_mod(fm, static_cast<uint32_t>(i + 1), s.tlv)
                       : encode_flow_mod(fm, version, static_cast<uint32_t>(i + 1), s.tlv);
        f.write(reinterpret_cast<const char*>(msg.data()), static_cast<std::streamsize>(msg.size()));
      }
    }
    const std::string out = run_command("ovs-ofctl ofp-parse " + path + " 2>&1");
    const std::regex line_re(
        version == kOfp10
            ? std::string(R"(^NXT_FLOW_MOD \(xid=0x([0-9a-f]+)\): ADD (.*)$)")
            : R"(^OFPT_FLOW_MOD \(OF)" + std::regex_replace(vname, std::regex("\\."), "\\.") +
                  R"(\) \(xid=0x([0-9a-f]+)\): ADD (.*)$)");
    const std::regex key_re(R"((^| )(table|cookie|importance):)");
    std::istringstream in(out);
    size_t seen = 0;
    std::string unexpected;
    for (std::string l; std::getline(in, l);) {
      std::smatch m;
      if (!std::regex_match(l, m, line_re)) {
        if (unexpected.size() < 2000) unexpected += l + "\n";
        continue;
      }
      ++seen;
      const size_t i = std::stoul(m[1].str(), nullptr, 16) - 1;
      ASSERT_LT(i, s.rules.size());
      const RuleSpec& r = s.rules[i];
      const std::string ours = format_flow_line(r, s.tlv);
      // ovs-ofctl has no TLV map: it names mapped options differently.
      if (ours.find("tun_metadata") != std::string::npos) {
        ++skipped;
        continue;
      }
      // "table:8 priority=...,ip cookie:0x1 actions=..." -> flow syntax.
      std::string text = std::regex_replace(m[2].str(), key_re, "$1$2=");
      TextError te;
      auto theirs = parse_flow_line(text, s.tlv, &te);
      ASSERT_TRUE(theirs.has_value()) << text << "\n" << te.message;
      EXPECT_EQ(normal_text(*theirs, s.tlv), normal_text(r, s.tlv)) << s.name << " flow " << i + 1;
      ++compared;
    }
    EXPECT_EQ(seen, s.rules.size()) << s.name << ": ovs-ofctl did not decode every message:\n"
                                    << unexpected;
  }
  std::printf("OpenFlow %s: %zu flows decoded by ovs-ofctl as their dump text (%zu use mapped "
              "tun_metadata and were left out)\n",
              vname.c_str(), compared, skipped);
  EXPECT_GT(compared, 3500u);
}

INSTANTIATE_TEST_SUITE_P(Versions, FlowModWire, ::testing::Values(kOfp10, kOfp13, kOfp15),
                         [](const auto& info) {
                           return info.param == kOfp15 ? "OF15" : info.param == kOfp13 ? "OF13" : "OF10";
                         });

}  // namespace
}  // namespace dpuflow::control
