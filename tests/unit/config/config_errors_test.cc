// Bad configurations: each error names its key path, says what is allowed
// (values or range) and points at the offending line:column; every error of
// a file is reported.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config.h"

namespace dpuflow::config {
namespace {

struct BadCase {
  const char* name;
  const char* toml;
  const char* key;                   // the one error's key path
  std::vector<const char*> message;  // substrings of its message
  uint32_t line = 0;                 // 0: not checked
  uint32_t column = 0;
};

// One case per line reads as a table; clang-format would spread each over six.
// clang-format off
// A port table that is valid by itself, for cases about something else.
#define PORT(n, ofport) "[[ports]]\nname = \"" n "\"\ndevargs = \"net_ring_" n "\"\nofport = " #ofport "\nrole = \"representor\"\n"

const BadCase kCases[] = {
    // Wrong type.
    {"wrong_type_top", "bridge = 5\n", "bridge", {"expected a string", "got an integer", "1..64 characters"}, 1, 10},
    {"wrong_type_nested", "[pmd]\ncount = \"four\"\n", "pmd.count", {"expected an integer in 1..64", "got a string"}, 2, 9},
    {"wrong_type_float_for_integer", "[datapath]\nmax_idle_ms = 1.5\n", "datapath.max_idle_ms", {"expected an integer in 100..86400000", "got a float"}, 2, 15},
    {"wrong_type_port_field", PORT("a", 1) PORT("b", 2) "[[ports]]\nname = \"c\"\ndevargs = \"x\"\nofport = \"3\"\nrole = \"internal\"\n",
     "ports[2].ofport", {"expected an integer in 1..65279", "got a string"}, 14, 10},
    {"wrong_type_table", "eal = 3\n", "eal", {"expected a table ([eal])", "got an integer"}, 1, 7},
    {"wrong_type_ports_table", "[ports]\nname = \"p0\"\n", "ports", {"expected an array of tables", "got a table"}, 1, 1},
    {"wrong_type_ports_element", "ports = [1]\n", "ports[0]", {"expected a table", "got an integer"}, 1, 10},
    {"wrong_type_boolean", "[metrics]\nenabled = \"yes\"\n", "metrics.enabled", {"true or false", "got a string"}, 2, 11},
    {"wrong_type_args", "[eal]\nargs = \"--vdev=x\"\n", "eal.args", {"expected an array of strings", "got a string"}, 2, 8},
    {"wrong_type_args_element", "[eal]\nargs = [\"--a\", 2]\n", "eal.args[1]", {"expected a string", "got an integer"}, 2, 16},
    // Out of range.
    {"out_of_range_pmd_count", "[pmd]\ncount = 65\n", "pmd.count", {"65 is out of range", "allowed: 1..64"}, 2, 9},
    {"out_of_range_ofport", PORT("a", 1) PORT("b", 2) PORT("c", 65280), "ports[2].ofport", {"65280 is out of range", "allowed: 1..65279"}, 14, 10},
    {"out_of_range_ofport_zero", PORT("a", 0), "ports[0].ofport", {"0 is out of range", "1..65279"}, 4, 10},
    {"out_of_range_negative", "[eal]\nmemory_mb = -1\n", "eal.memory_mb", {"-1 is out of range", "64..1048576"}, 2, 13},
    {"out_of_range_burst", "[datapath]\nupcall_burst = 0\n", "datapath.upcall_burst", {"1..100000000"}, 2, 16},
    {"out_of_range_emc", "[datapath]\nemc_insert_inv_prob = 4294967296\n", "datapath.emc_insert_inv_prob", {"0..4294967295"}, 2, 23},
    {"out_of_range_sim_capacity", "[offload.sim]\ntable_capacity = 0\n", "offload.sim.table_capacity", {"1..16777216"}, 2, 18},
    {"out_of_range_pmd_core", "[pmd]\ncount = 1\ncores = [1024]\n", "pmd.cores[0]", {"0..1023", "1024"}, 3, 10},
    {"out_of_range_listen_port", "[metrics]\nlisten = \"127.0.0.1:70000\"\n", "metrics.listen", {"port in 1..65535"}, 2, 10},
    // Unknown keys, at every level.
    {"unknown_top", "brige = \"br0\"\n", "brige", {"unknown key in the top level", "allowed keys: run_dir, socket_group, bridge, eal, pmd, ports"}, 1, 1},
    {"unknown_nested", "[eal]\ncorez = \"0\"\n", "eal.corez", {"unknown key in [eal]", "allowed keys: cores, memory_mb, args, hugepages"}, 2, 1},
    {"unknown_in_port", PORT("a", 1) "mtu = 9000\n", "ports[0].mtu", {"unknown key in [ports[0]]", "name, devargs, ofport, role"}, 6, 1},
    {"unknown_two_deep", "[offload.sim]\ncapacity = 5\n", "offload.sim.capacity", {"unknown key in [offload.sim]", "allowed keys: table_capacity"}, 2, 1},
    {"unknown_table", "[offlaod]\nbackend = \"sim\"\n", "offlaod", {"unknown key in the top level", "offload"}, 1, 2},
    {"unknown_log_module", "[logging]\nofprot = \"dbg\"\n", "logging.ofprot", {"unknown log module", "dpuflowd, ofproto, ofconn, unixctl"}, 2, 1},
    {"unknown_quoted_key", "[eal]\n\"two words\" = 1\n", "eal.\"two words\"", {"unknown key in [eal]"}, 2, 1},
    // Duplicates.
    {"duplicate_ofport", PORT("a", 7) PORT("b", 7), "ports[1].ofport", {"ofport 7 is already used by ports[0]", "1..65279"}, 9, 10},
    {"duplicate_name", PORT("a", 1) PORT("a", 2), "ports[1].name", {"name \"a\" is already used by ports[0]"}, 7, 8},
    {"duplicate_pmd_core", "[pmd]\ncount = 2\ncores = [3, 3]\n", "pmd.cores[1]", {"core 3 is listed twice"}, 3, 13},
    // Missing required keys: the position is the [[ports]] header.
    {"missing_devargs", PORT("a", 1) "[[ports]]\nname = \"b\"\nrole = \"uplink\"\n", "ports[1].devargs", {"missing; required", "DPDK devargs"}, 6, 1},
    {"missing_name", "[[ports]]\ndevargs = \"net_ring0\"\nrole = \"uplink\"\n", "ports[0].name", {"missing; required"}, 1, 1},
    {"missing_role", "[[ports]]\nname = \"a\"\ndevargs = \"net_ring0\"\n", "ports[0].role", {"missing; required", "uplink, representor or internal"}, 1, 1},
    // Bad enum values: the message lists every allowed value.
    {"bad_enum_role", "[[ports]]\nname = \"a\"\ndevargs = \"d\"\nrole = \"uplnk\"\n", "ports[0].role", {"\"uplnk\" is not allowed", "allowed: uplink, representor, internal"}, 4, 8},
    {"bad_enum_hugepages", "[eal]\nhugepages = \"yes\"\n", "eal.hugepages", {"allowed: auto, on, off"}, 2, 13},
    {"bad_enum_backend", "[offload]\nbackend = \"dpdk\"\n", "offload.backend", {"allowed: sim, rteflow, mlx5dv, none"}, 2, 11},
    {"bad_enum_policy", "[offload]\npolicy = \"always\"\n", "offload.policy", {"allowed: auto, off"}, 2, 10},
    {"bad_enum_log_level", "[logging]\nofproto = \"debug\"\n", "logging.ofproto", {"allowed: emer, err, warn, info, dbg, off"}, 2, 11},
    {"bad_enum_wrong_type", "[offload]\nbackend = 1\n", "offload.backend", {"expected a string, one of: sim, rteflow, mlx5dv, none", "got an integer"}, 2, 11},
    // Bad strings: the message says what is allowed.
    {"bad_core_list", "[eal]\ncores = \"0-\"\n", "eal.cores", {"ranges N-M", "\"0,2-3\""}, 2, 9},
    {"bad_core_range", "[eal]\ncores = \"3-1\"\n", "eal.cores", {"N <= M"}, 2, 9},
    {"eal_arg_owned_by_key", "[eal]\nargs = [\"--vdev=net_ring9\", \"-l\"]\n", "eal.args[1]", {"-l/-c/--lcores (set eal.cores)"}, 2, 29},
    {"eal_arg_owned_by_key_joined", "[eal]\nargs = [\"-m512\"]\n", "eal.args[0]", {"-m (set eal.memory_mb)"}, 2, 9},
    {"pmd_cores_count_mismatch", "[pmd]\ncount = 4\ncores = [1, 2]\n", "pmd.cores", {"lists 2 cores for pmd.count = 4", "one core per PMD, or []"}, 3, 9},
    {"listen_without_port", "[metrics]\nlisten = \"localhost\"\n", "metrics.listen", {"HOST:PORT"}, 2, 10},
    {"listen_bad_ipv4", "[metrics]\nlisten = \"127.0.0.256:9477\"\n", "metrics.listen", {"IPv4 address"}, 2, 10},
    {"listen_unbracketed_ipv6", "[metrics]\nlisten = \"::1:9477\"\n", "metrics.listen", {"[IPv6 address]"}, 2, 10},
    {"relative_run_dir", "run_dir = \"run/dpuflow\"\n", "run_dir", {"absolute directory path"}, 1, 11},
    {"bridge_with_slash", "bridge = \"br/int\"\n", "bridge", {"A-Z a-z 0-9 _ . -"}, 1, 10},
    {"bridge_dotdot", "bridge = \"..\"\n", "bridge", {"not starting with ."}, 1, 10},
    {"bad_group", "socket_group = \"Wheel\"\n", "socket_group", {"[a-z_][a-z0-9_-]*"}, 1, 16},
    {"devargs_with_space", "[[ports]]\nname = \"a\"\ndevargs = \"net_ring0 x\"\nrole = \"uplink\"\n", "ports[0].devargs", {"without spaces"}, 3, 11},
    {"empty_port_name", "[[ports]]\nname = \"\"\ndevargs = \"d\"\nrole = \"uplink\"\n", "ports[0].name", {"1..64 characters"}, 2, 8},
};
#undef PORT
// clang-format on

class BadConfig : public testing::TestWithParam<BadCase> {};

TEST_P(BadConfig, NamesKeyAllowedValuesAndPosition) {
  const BadCase& c = GetParam();
  const ConfigResult r = parse_config(c.toml, "bad.toml");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1u) << format_error("bad.toml", r.errors[0]);
  const ConfigError& e = r.errors[0];
  EXPECT_EQ(e.key, c.key) << e.message;
  for (const char* part : c.message)
    EXPECT_NE(e.message.find(part), std::string::npos) << e.message << "\n  lacks: " << part;
  if (c.line != 0) {
    EXPECT_EQ(e.line, c.line) << e.message;
    EXPECT_EQ(e.column, c.column) << e.message;
  }
}

INSTANTIATE_TEST_SUITE_P(Config, BadConfig, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<BadCase>& i) { return i.param.name; });

TEST(ConfigErrors, EveryErrorIsReportedInFileOrder) {
  const char* text =
      "bridge = 7\n"         // 1: wrong type
      "colour = \"blue\"\n"  // 2: unknown top-level key
      "[eal]\n"
      "memory_mb = 1\n"  // 4: out of range
      "[[ports]]\n"
      "name = \"a\"\n"
      "devargs = \"net_ring0\"\n"
      "ofport = 1\n"
      "role = \"uplink\"\n"
      "[[ports]]\n"        // 10: ports[1] misses devargs
      "name = \"a\"\n"     // 11: duplicate name
      "ofport = 1\n"       // 12: duplicate ofport
      "role = \"host\"\n"  // 13: bad enum
      "speed = 100\n"      // 14: unknown nested key
      "[offload]\n"
      "backend = \"asic\"\n";  // 16: bad enum
  const ConfigResult r = parse_config(text, "many.toml");
  ASSERT_FALSE(r.ok());
  std::vector<std::string> keys;
  std::vector<uint32_t> lines;
  for (const ConfigError& e : r.errors) {
    keys.push_back(e.key);
    lines.push_back(e.line);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"bridge", "colour", "eal.memory_mb", "ports[1].devargs",
                                            "ports[1].name", "ports[1].ofport", "ports[1].role",
                                            "ports[1].speed", "offload.backend"}));
  EXPECT_EQ(lines, (std::vector<uint32_t>{1, 2, 4, 10, 11, 12, 13, 14, 16}));
}

// Without pmd.count the core list sets it, so it is held to count's range.
TEST(ConfigErrors, PmdCoresWithoutCountAreAtMost64) {
  std::string cores;
  for (int i = 0; i < 65; i++) cores += (i ? ", " : "") + std::to_string(i);
  const ConfigResult r = parse_config("[pmd]\ncores = [" + cores + "]\n", "pmd.toml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].key, "pmd.cores");
  EXPECT_NE(r.errors[0].message.find("at most 64"), std::string::npos) << r.errors[0].message;
}

TEST(ConfigErrors, SyntaxErrorIsOneErrorWithItsPosition) {
  const ConfigResult r = parse_config("bridge = \"br-int\"\n[eal\ncores = \"0\"\n", "syntax.toml");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].key, "");
  EXPECT_NE(r.errors[0].message.find("TOML syntax error"), std::string::npos);
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_GT(r.errors[0].column, 0u);
}

TEST(ConfigErrors, DuplicateTomlKeyIsASyntaxError) {
  const ConfigResult r = parse_config("bridge = \"a\"\nbridge = \"b\"\n", "dup.toml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_NE(r.errors[0].message.find("bridge"), std::string::npos);
}

TEST(ConfigErrors, FormatErrorIsFileLineColumnKeyMessage) {
  EXPECT_EQ(format_error("f.toml", {"ports[2].ofport", "m", 3, 10}),
            "f.toml:3:10: ports[2].ofport: m");
  EXPECT_EQ(format_error("f.toml", {"", "TOML syntax error: x", 2, 4}),
            "f.toml:2:4: TOML syntax error: x");
}

TEST(ConfigErrors, UnreadableFileIsOneError) {
  const ConfigResult r = load_config_file("/nonexistent/dpuflowd.toml");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace dpuflow::config
