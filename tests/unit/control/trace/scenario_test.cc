// Every OVN scenario recorded from OVS 3.1 loads completely: each flow,
// group, meter and TLV mapping of its dumps ends up in the pipeline.
#include "control/trace/scenario.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "control/trace/trace.h"
#include "dataplane/pipeline/pipeline.h"

namespace dpuflow::control {
namespace {

std::string data_dir() {
  const char* env = std::getenv("DPUFLOW_TEST_DATA");
  return env != nullptr ? env : DPUFLOW_TEST_DATA_DEFAULT;
}

// Counts the lines of a dump that are records (not OVS's reply headers).
size_t count_records(const std::string& path, std::string_view prefix = "") {
  std::ifstream in(path);
  size_t n = 0;
  for (std::string l; std::getline(in, l);) {
    if (l.empty() || l.starts_with("OFPST_") || l.starts_with("NXST_")) continue;
    if (!prefix.empty() && !l.starts_with(prefix)) continue;
    ++n;
  }
  return n;
}

size_t count_tlv_rows(const std::string& path) {
  std::ifstream in(path);
  size_t n = 0;
  for (std::string l; std::getline(in, l);) {
    if (l.find("tun_metadata") != std::string::npos) ++n;
  }
  return n;
}

class ScenarioLoad : public ::testing::TestWithParam<std::string> {};

TEST_P(ScenarioLoad, LoadsCompletely) {
  const std::string d = data_dir() + "/ovn-scenarios/" + GetParam() + "/";
  ScenarioFiles f;
  f.flows = d + "flows.txt";
  f.groups = d + "groups.txt";
  f.meters = d + "meters.txt";
  f.tlv_map = d + "tlv-map.txt";
  f.dp_ports = d + "dp-ports.txt";
  f.ofports = d + "ofport-iface-map.csv";
  std::string err;
  if (std::filesystem::exists(d + "underlay.txt")) {
    std::ifstream in(d + "underlay.txt");
    for (std::string l; std::getline(in, l);) {
      if (!l.empty() && l[0] != '#') f.underlay = parse_underlay_spec(l, &err);
    }
    ASSERT_TRUE(f.underlay.has_value()) << err;
  }
  auto s = load_scenario(f, &err);
  ASSERT_TRUE(s.has_value()) << err;
  const size_t flows = count_records(f.flows);
  const size_t groups = count_records(f.groups);
  const size_t meters = count_records(f.meters, "meter=");
  const size_t tlvs = count_tlv_rows(f.tlv_map);
  EXPECT_EQ(s->n_flows, flows);
  EXPECT_EQ(s->pipeline->n_rules(), flows);
  EXPECT_EQ(s->n_groups, groups);
  EXPECT_EQ(s->pipeline->groups().size(), groups);
  EXPECT_EQ(s->n_meters, meters);
  EXPECT_EQ(s->pipeline->meters().size(), meters);
  EXPECT_EQ(s->n_tlv, tlvs);
  for (int i = 0; i < static_cast<int>(tlvs); ++i) EXPECT_TRUE(s->pipeline->tlv_map().mapped(i));
  EXPECT_FALSE(s->ports.all().empty());
  std::printf("%s: %zu flows, %zu groups, %zu meters, %zu TLV mappings, %zu ports\n",
              GetParam().c_str(), flows, groups, meters, tlvs, s->ports.all().size());
}

std::vector<std::string> scenario_names() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(data_dir() + "/ovn-scenarios")) {
    if (e.is_directory()) out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Ovn, ScenarioLoad, ::testing::ValuesIn(scenario_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

TEST(ScenarioLoad, ErrorsNameFileLineAndColumn) {
  const std::string path = ::testing::TempDir() + "/bad-flows.txt";
  {
    std::ofstream out(path);
    out << "OFPST_FLOW reply (OF1.5) (xid=0x2):\n"
        << " priority=100,in_port=1 actions=drop\n"
        << " priority=100,in_port=2,nw_srcc=1 actions=drop\n";
  }
  ScenarioFiles f;
  f.flows = path;
  std::string err;
  EXPECT_FALSE(load_scenario(f, &err).has_value());
  EXPECT_NE(err.find(path + ":3:25:"), std::string::npos) << err;
  EXPECT_NE(err.find("nw_srcc"), std::string::npos) << err;
  f.flows = ::testing::TempDir() + "/does-not-exist.txt";
  EXPECT_FALSE(load_scenario(f, &err).has_value());
  EXPECT_NE(err.find("cannot open"), std::string::npos) << err;
}

}  // namespace
}  // namespace dpuflow::control
