// The OXM match encoder against the real ovs-ofctl: every flow of every OVN
// scenario is encoded as an OpenFlow 1.5 FLOW_MOD (match on the wire, no
// instructions) and decoded by `ovs-ofctl ofp-parse`; the match it prints
// must be the match of the dump line.
#include <gtest/gtest.h>

#include "tests/common/test_util.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "control/openflow/match_text.h"
#include "control/openflow/ofctl_text.h"
#include "control/openflow/oxm.h"

namespace dpuflow::control {
namespace {

using dpuflow::testing::read_file;
using dpuflow::testing::run_command;
using dpuflow::testing::data_dir;

void put(std::vector<uint8_t>& b, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// OFPT_FLOW_MOD (OpenFlow 1.5), ADD, no instructions.
std::vector<uint8_t> flow_mod(const dataplane::RuleSpec& r, const dataplane::TlvMap& tlv,
                              uint32_t xid) {
  std::vector<uint8_t> b;
  put(b, 0x060e0000, 4);  // version 1.5, OFPT_FLOW_MOD, length patched below
  put(b, xid, 4);
  put(b, r.cookie, 8);
  put(b, 0, 8);           // cookie mask
  put(b, r.table, 1);
  put(b, 0, 1);           // OFPFC_ADD
  put(b, r.idle_timeout, 2);
  put(b, r.hard_timeout, 2);
  put(b, r.priority, 2);
  put(b, 0xffffffff, 4);  // buffer_id
  put(b, 0xffffffff, 4);  // out_port
  put(b, 0xffffffff, 4);  // out_group
  put(b, 0, 2);           // flags
  put(b, 0, 2);           // importance
  auto m = encode_ofp_match(r.match, tlv);
  b.insert(b.end(), m.begin(), m.end());
  b[2] = static_cast<uint8_t>(b.size() >> 8);
  b[3] = static_cast<uint8_t>(b.size());
  return b;
}

TEST(OxmInterop, EveryScenarioMatchDecodesInOvsOfctl) {
  if (run_command("command -v ovs-ofctl").empty()) GTEST_SKIP() << "ovs-ofctl is not installed";
  size_t checked = 0;
  for (const auto& dir : std::filesystem::directory_iterator(data_dir() + "/ovn-scenarios")) {
    if (!dir.is_directory()) continue;
    dataplane::TlvMap tlv;
    DumpError de;
    auto entries = parse_tlv_dump(read_file(dir.path() / "tlv-map.txt"), &de);
    ASSERT_TRUE(entries.has_value()) << de.to_string();
    for (const TlvEntry& t : *entries) {
      ASSERT_FALSE(tlv.add(t.index, t.opt_class, t.opt_type, t.length));
    }
    auto rules = parse_flow_dump(read_file(dir.path() / "flows.txt"), tlv, &de);
    ASSERT_TRUE(rules.has_value()) << de.to_string();
    const std::string path = ::testing::TempDir() + "/oxm_flow_mods.bin";
    {
      std::ofstream f(path, std::ios::binary);
      for (size_t i = 0; i < rules->size(); ++i) {
        auto msg = flow_mod((*rules)[i], tlv, static_cast<uint32_t>(i + 1));
        f.write(reinterpret_cast<const char*>(msg.data()), static_cast<std::streamsize>(msg.size()));
      }
    }
    // The TLV map is switch state ovs-ofctl does not have: it prints mapped
    // options by their NXM_NX_TUN_METADATA class instead of their names, so
    // flows using them are compared by what the dump says only when unmapped.
    const std::string out = run_command("ovs-ofctl ofp-parse " + path + " 2>&1");
    // "... ADD [table:N ]<match> [cookie:0xC ]actions=drop"
    const std::regex re(
        R"(^OFPT_FLOW_MOD \(OF1\.5\) \(xid=0x([0-9a-f]+)\): ADD (table:\d+ )?(\S*?) ?(cookie:\S+ )?actions=drop$)");
    std::istringstream in(out);
    size_t seen = 0;
    std::string unmatched;
    for (std::string l; std::getline(in, l);) {
      std::smatch m;
      if (!std::regex_match(l, m, re)) {
        if (unmatched.size() < 2000) unmatched += l + "\n";
        continue;
      }
      ++seen;
      const size_t i = std::stoul(m[1].str(), nullptr, 16) - 1;
      ASSERT_LT(i, rules->size());
      const auto& r = (*rules)[i];
      const std::string ours = format_match(r.match, tlv, r.priority);
      if (ours.find("tun_metadata") != std::string::npos) continue;
      EXPECT_EQ(m[3].str(), ours) << dir.path().filename() << " flow " << i + 1;
      ++checked;
    }
    EXPECT_EQ(seen, rules->size()) << dir.path().filename()
                                   << ": ovs-ofctl did not decode every message:\n"
                                   << unmatched;
  }
  std::printf("%zu wire matches decoded by ovs-ofctl as their dump text\n", checked);
  EXPECT_GT(checked, 3000u);
}

}  // namespace
}  // namespace dpuflow::control
