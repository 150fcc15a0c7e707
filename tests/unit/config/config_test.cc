// Good configurations: defaults, values, round trips through
// format_config(), the shipped files, and the [logging] module list
// against the daemon's.
#include <gtest/gtest.h>

#include "config/config.h"
#include "control/daemon.h"

namespace dpuflow::config {
namespace {

Config parse_ok(std::string_view text) {
  ConfigResult r = parse_config(text, "test.toml");
  for (const ConfigError& e : r.errors) ADD_FAILURE() << format_error("test.toml", e);
  return r.ok() ? *r.config : Config{};
}

// Every field away from its default, and strings that need escaping.
Config unusual_config() {
  Config c;
  c.run_dir = "/var/run/dpu flow/\"q\"\\ é";
  c.socket_group = "ovn_ctl-1";
  c.bridge = "br-ex.1";
  c.eal.cores = "0,2-3";
  c.eal.memory_mb = 4096;
  c.eal.args = {"--vdev=net_ring9", "--log-level=lib.eal:debug", "--x=\"a\tb\\c\""};
  c.eal.hugepages = Hugepages::kOff;
  c.pmd.count = 3;
  c.pmd.cores = {5, 7, 6};
  c.ports = {{"p0", "0000:03:00.0", 1, PortRole::kUplink},
             {"pf0vf0", "0000:03:00.0,representor=[0-3]", 0, PortRole::kRepresentor},
             {"int_1", "net_null0", 65279, PortRole::kInternal}};
  c.datapath = {0, 500, 1, 0, 1};
  c.offload = {OffloadBackend::kMlx5dv, OffloadPolicy::kOff, 1};
  c.metrics = {false, "[::1]:9100"};
  c.logging = {
      {"dpuflowd", LogLevel::kDbg}, {"ofconn", LogLevel::kOff}, {"ofproto", LogLevel::kEmer}};
  return c;
}

TEST(Config, EmptyFileIsTheDefaults) {
  EXPECT_EQ(parse_ok(""), Config{});
  const Config c;
  EXPECT_EQ(c.run_dir, "/run/dpuflow");
  EXPECT_EQ(c.bridge, "br-int");
  EXPECT_EQ(c.metrics.listen, "127.0.0.1:9477");
  EXPECT_EQ(c.offload.backend, OffloadBackend::kSim);
}

// The defaults are the daemon's own: a file that says nothing changes nothing.
TEST(Config, DefaultsMatchTheDaemon) {
  const Config c;
  const control::DaemonOptions o;
  EXPECT_EQ(c.run_dir, o.run_dir);
  EXPECT_EQ(c.bridge, o.bridge);
  EXPECT_EQ(c.pmd.count, o.n_pmds);
  EXPECT_EQ(c.eal.cores, o.eal_cores);
  EXPECT_EQ(c.eal.memory_mb, o.eal_memory_mb);
  EXPECT_EQ(c.datapath.emc_insert_inv_prob, o.datapath.emc_insert_inv_prob);
  EXPECT_EQ(c.datapath.max_idle_ms, o.datapath.max_idle_ms);
  EXPECT_EQ(c.datapath.flow_limit, o.datapath.flow_limit);
  EXPECT_EQ(c.datapath.upcall_rate, o.datapath.upcall_rate);
  EXPECT_EQ(c.datapath.upcall_burst, o.datapath.upcall_burst);
}

TEST(Config, ReadsEveryField) {
  const Config c = parse_ok(R"(
run_dir = "/tmp/d"
socket_group = "dpuflow"
bridge = "br0"
[eal]
cores = "0-1"
memory_mb = 512
args = ["--vdev=net_null0"]
hugepages = "on"
[pmd]
count = 2
cores = [2, 3]
[[ports]]
name = "up"
devargs = "net_ring0"
ofport = 5
role = "uplink"
[[ports]]
name = "vm"
devargs = "net_ring1"
role = "internal"
[datapath]
emc_insert_inv_prob = 1
max_idle_ms = 2000
flow_limit = 10
upcall_rate = 0
upcall_burst = 7
[offload]
backend = "rteflow"
policy = "off"
sim.table_capacity = 9
[metrics]
enabled = false
listen = "metrics.example:9000"
[logging]
ofproto = "dbg"
unixctl = "off"
)");
  EXPECT_EQ(c.run_dir, "/tmp/d");
  EXPECT_EQ(c.socket_group, "dpuflow");
  EXPECT_EQ(c.bridge, "br0");
  EXPECT_EQ(c.eal, (EalConfig{"0-1", 512, {"--vdev=net_null0"}, Hugepages::kOn}));
  EXPECT_EQ(c.pmd, (PmdConfig{2, {2, 3}}));
  ASSERT_EQ(c.ports.size(), 2u);
  EXPECT_EQ(c.ports[0], (PortConfig{"up", "net_ring0", 5, PortRole::kUplink}));
  EXPECT_EQ(c.ports[1], (PortConfig{"vm", "net_ring1", 0, PortRole::kInternal}));
  EXPECT_EQ(c.datapath, (DatapathLimits{1, 2000, 10, 0, 7}));
  EXPECT_EQ(c.offload, (OffloadConfig{OffloadBackend::kRteflow, OffloadPolicy::kOff, 9}));
  EXPECT_EQ(c.metrics, (MetricsConfig{false, "metrics.example:9000"}));
  EXPECT_EQ(c.logging, (std::map<std::string, LogLevel>{{"ofproto", LogLevel::kDbg},
                                                        {"unixctl", LogLevel::kOff}}));
}

TEST(Config, PmdCountFollowsTheCoresWhenNotGiven) {
  EXPECT_EQ(parse_ok("[pmd]\ncores = [4, 5, 6]\n").pmd, (PmdConfig{3, {4, 5, 6}}));
  EXPECT_EQ(parse_ok("[pmd]\ncount = 2\ncores = []\n").pmd, (PmdConfig{2, {}}));
}

TEST(Config, AcceptsListenAddressForms) {
  for (const char* l :
       {"127.0.0.1:9477", "0.0.0.0:1", "[::]:65535", "[fe80::1]:9477", "localhost:9477"}) {
    EXPECT_EQ(parse_ok(std::string("[metrics]\nlisten = \"") + l + "\"\n").metrics.listen, l);
  }
}

TEST(Config, RoundTripsTheDefaults) { EXPECT_EQ(parse_ok(format_config(Config{})), Config{}); }

TEST(Config, RoundTripsEveryFieldAndEscapes) {
  const Config c = unusual_config();
  const std::string text = format_config(c);
  EXPECT_EQ(parse_ok(text), c) << text;
  // Formatting is a function of the Config: format(parse(format(c))) == format(c).
  EXPECT_EQ(format_config(parse_ok(text)), text);
}

TEST(Config, RoundTripIsNotVacuous) {
  Config a = unusual_config();
  Config b = a;
  b.ports[1].role = PortRole::kUplink;
  EXPECT_NE(parse_ok(format_config(a)), parse_ok(format_config(b)));
}

class ShippedConfig : public testing::TestWithParam<const char*> {};

TEST_P(ShippedConfig, ParsesAndRoundTrips) {
  const std::string path = std::string(DPUFLOW_CONFIG_DIR) + "/" + GetParam();
  const ConfigResult r = load_config_file(path);
  for (const ConfigError& e : r.errors) ADD_FAILURE() << format_error(path, e);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(parse_ok(format_config(*r.config)), *r.config);
}

INSTANTIATE_TEST_SUITE_P(Config, ShippedConfig, testing::Values("dpuflowd.toml", "demo.toml"),
                         [](const auto& i) {
                           std::string n = i.param;
                           return n.substr(0, n.find('.'));
                         });

TEST(Config, ProductionExampleIsABlueField2) {
  const ConfigResult r = load_config_file(std::string(DPUFLOW_CONFIG_DIR) + "/dpuflowd.toml");
  ASSERT_TRUE(r.ok());
  const Config& c = *r.config;
  EXPECT_EQ(c.pmd, (PmdConfig{4, {1, 2, 3, 4}}));
  ASSERT_GE(c.ports.size(), 2u);
  EXPECT_EQ(c.ports[0].name, "p0");
  EXPECT_EQ(c.ports[0].role, PortRole::kUplink);
  for (size_t i = 1; i < c.ports.size(); i++) EXPECT_EQ(c.ports[i].role, PortRole::kRepresentor);
  EXPECT_EQ(c.offload.backend, OffloadBackend::kRteflow);
}

TEST(Config, DemoNeedsNoHardware) {
  const ConfigResult r = load_config_file(std::string(DPUFLOW_CONFIG_DIR) + "/demo.toml");
  ASSERT_TRUE(r.ok());
  const Config& c = *r.config;
  EXPECT_EQ(c.offload.backend, OffloadBackend::kSim);
  EXPECT_EQ(c.eal.hugepages, Hugepages::kAuto);
  ASSERT_FALSE(c.ports.empty());
  for (const PortConfig& p : c.ports) EXPECT_EQ(p.devargs.rfind("net_", 0), 0u) << p.devargs;
}

// [logging] accepts exactly the modules dpuflowd logs under.
TEST(Config, LogModulesAreTheDaemons) {
  control::Daemon d(control::DaemonOptions{});
  EXPECT_EQ(d.vlog().modules(),
            std::vector<std::string>(std::begin(kLogModules), std::end(kLogModules)));
}

}  // namespace
}  // namespace dpuflow::config
