// dpuflowd driven by the real ovs-ofctl and ovs-appctl (Debian's
// openvswitch-common 3.1), exactly as an operator or ovn-controller's
// scripts would: OVS_RUNDIR points at the daemon's run directory and the
// bridge is named, so ovs-ofctl connects to <run-dir>/br-int.mgmt and
// ovs-appctl -t dpuflowd finds the control socket through the pidfile.
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "control/openflow/ofctl_text.h"
#include "tests/common/dpuflowd_process.h"
#include "tests/common/flow_normal.h"
#include "tests/common/test_util.h"

namespace dpuflow::control {
namespace {

using dpuflow::testing::Cmd;
using dpuflow::testing::Dpuflowd;
using dpuflow::testing::sh;

using dpuflow::testing::data_dir;
using dpuflow::testing::read_file;
namespace fs = std::filesystem;

// What `got` lacks and what it has too much of, for a readable failure.
std::string set_diff(const std::vector<std::string>& got, const std::vector<std::string>& want) {
  std::vector<std::string> missing, extra;
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
  std::string out;
  for (size_t i = 0; i < missing.size() && i < 5; ++i) out += "missing: " + missing[i] + "\n";
  for (size_t i = 0; i < extra.size() && i < 5; ++i) out += "extra:   " + extra[i] + "\n";
  if (missing.size() + extra.size() > 10) out += "...\n";
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) out.push_back(l);
  }
  return out;
}

// The flow lines of a dump (leading space, no reply header), sorted.
std::vector<std::string> flow_lines(const std::string& text) {
  std::vector<std::string> out;
  for (auto& l : lines_of(text)) {
    if (l.rfind(" cookie=", 0) == 0 || l.rfind(" table=", 0) == 0 || l.rfind(" priority=", 0) == 0 ||
        l.rfind(" actions=", 0) == 0) {
      out.push_back(l);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool have_ovs_tools() { return sh("command -v ovs-ofctl && command -v ovs-appctl").rc == 0; }

std::string scenario(const std::string& name) { return data_dir() + "/ovn-scenarios/" + name; }

// add-tlv-map syntax from a dump-tlv-map file.
std::string tlv_mappings(const std::string& dir) {
  DumpError de;
  auto entries = parse_tlv_dump(read_file(dir + "/tlv-map.txt"), &de);
  std::string s;
  for (const TlvEntry& t : entries.value_or(std::vector<TlvEntry>{})) {
    if (!s.empty()) s += ",";
    s += "{class=" + std::to_string(t.opt_class) + ",type=" + std::to_string(t.opt_type) +
         ",len=" + std::to_string(t.length) + "}->tun_metadata" + std::to_string(t.index);
  }
  return s;
}

// Groups, meters and TLV maps do not exist in OpenFlow 1.0 (ovs-ofctl
// refuses them without -O); a 1.0 test sets them up over 1.5.
std::string aux(const std::string& version) {
  return version == "OpenFlow10" ? "OpenFlow15" : version;
}

// Loads a scenario's TLV map, meters, groups and flows into the daemon.
void load(const Dpuflowd& d, const std::string& version, const std::string& name,
          bool bundle = false) {
  const std::string dir = scenario(name);
  const std::string tlv = tlv_mappings(dir);
  if (!tlv.empty()) {
    Cmd r = d.ofctl(aux(version), "add-tlv-map br-int '" + tlv + "'");
    ASSERT_EQ(r.rc, 0) << r.out;
  }
  DumpError de;
  auto meters = parse_meter_dump(read_file(dir + "/meters.txt"), &de);
  ASSERT_TRUE(meters.has_value()) << de.to_string();
  for (const auto& m : *meters) {
    std::string text = format_meter(m);
    std::replace(text.begin(), text.end(), '\n', ' ');
    Cmd r = d.ofctl(aux(version), "add-meter br-int '" + text + "'");
    ASSERT_EQ(r.rc, 0) << text << "\n" << r.out;
  }
  std::string groups;
  for (auto& l : lines_of(read_file(dir + "/groups.txt"))) {
    if (l.find("group_id=") != std::string::npos) groups += l + "\n";
  }
  if (!groups.empty()) {
    Cmd r = d.ofctl(aux(version), "add-groups br-int " + d.file(name + "-groups", groups));
    ASSERT_EQ(r.rc, 0) << r.out;
  }
  Cmd r = d.ofctl(version, std::string(bundle ? "--bundle " : "") + "add-flows br-int " + dir +
                               "/flows.txt");
  ASSERT_EQ(r.rc, 0) << r.out;
}

const char* const kScenarios[] = {"a-ls-portsec", "b-ls-acl", "c-router",
                                  "capture-state", "d-lb-nat", "e-remote-chassis"};

class DpuflowdOfctl : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!have_ovs_tools()) GTEST_SKIP() << "ovs-ofctl/ovs-appctl are not installed";
  }
};

// add-flows of every scenario, then dump-flows gives the same flows back.
// In OpenFlow 1.5 the dump is OVS's own dump, byte for byte; in 1.3
// ovs-ofctl prints a masked set_field as load: (that is how 1.3 carries it),
// so there the lines are compared as flows.
TEST_P(DpuflowdOfctl, AddFlowsOfEveryScenarioDumpsTheSameFlows) {
  const std::string version = GetParam();
  for (const char* name : kScenarios) {
    Dpuflowd d;
    load(d, version, name);
    Cmd dump = d.ofctl(version, "dump-flows --no-stats br-int");
    ASSERT_EQ(dump.rc, 0) << dump.out;
    const auto got = flow_lines(dump.out);
    // ovs-ofctl itself reads OVN's "dec_ttl()" as plain dec_ttl (one
    // packet-in to controller 0) and sends OFPAT_DEC_NW_TTL, so that is
    // what a switch holds after add-flows of a dump (OVS too); ovn-
    // controller's NX form is kept as is (flow_mod_interop checks it).
    auto want = flow_lines(std::regex_replace(read_file(scenario(name) + "/flows.txt"),
                                              std::regex(R"(dec_ttl\(\))"), "dec_ttl"));
    ASSERT_EQ(got.size(), want.size()) << name;
    if (version == "OpenFlow15") {
      EXPECT_TRUE(got == want) << name << "\n" << set_diff(got, want);
    } else {
      dataplane::TlvMap tlv;
      DumpError de;
      for (const TlvEntry& t : parse_tlv_dump(read_file(scenario(name) + "/tlv-map.txt"), &de)
                                   .value_or(std::vector<TlvEntry>{})) {
        ASSERT_FALSE(tlv.add(t.index, t.opt_class, t.opt_type, t.length));
      }
      auto normal = [&](const std::vector<std::string>& ls) {
        std::vector<std::string> out;
        for (const auto& l : ls) {
          TextError te;
          auto r = parse_flow_line(l, tlv, &te);
          EXPECT_TRUE(r.has_value()) << l << "\n" << te.message;
          if (!r) continue;
          out.push_back(dpuflow::testing::normal_flow_text(*r, tlv));
        }
        std::sort(out.begin(), out.end());
        return out;
      };
      EXPECT_TRUE(normal(got) == normal(want)) << name << "\n" << set_diff(normal(got), normal(want));
    }
    // Groups and the TLV map come back as they were given.
    Cmd g = d.ofctl(aux(version), "dump-groups br-int");
    ASSERT_EQ(g.rc, 0) << g.out;
    std::vector<std::string> want_groups, got_groups;
    for (auto& l : lines_of(read_file(scenario(name) + "/groups.txt"))) {
      if (l.find("group_id=") != std::string::npos) want_groups.push_back(l);
    }
    for (auto& l : lines_of(g.out)) {
      if (l.find("group_id=") != std::string::npos) got_groups.push_back(l);
    }
    std::sort(want_groups.begin(), want_groups.end());
    std::sort(got_groups.begin(), got_groups.end());
    if (aux(version) == "OpenFlow15") {
      EXPECT_TRUE(got_groups == want_groups) << name << "\n" << set_diff(got_groups, want_groups);
    } else {
      EXPECT_EQ(got_groups.size(), want_groups.size()) << name;
    }
    // Meters too (a 1.3+ feature).
    Cmd mt = d.ofctl(aux(version), "dump-meters br-int");
    ASSERT_EQ(mt.rc, 0) << mt.out;
    const auto want_meters = lines_of(read_file(scenario(name) + "/meters.txt"));
    const auto got_meters = lines_of(mt.out);
    ASSERT_EQ(got_meters.size(), want_meters.size()) << mt.out;
    for (size_t i = 1; i < got_meters.size(); ++i) EXPECT_EQ(got_meters[i], want_meters[i]) << name;
    Cmd t = d.ofctl(aux(version), "dump-tlv-map br-int");
    ASSERT_EQ(t.rc, 0) << t.out;
    const auto want_tlv = lines_of(read_file(scenario(name) + "/tlv-map.txt"));
    const auto got_tlv = lines_of(t.out);
    ASSERT_EQ(got_tlv.size(), want_tlv.size()) << t.out;
    for (size_t i = 1; i < got_tlv.size(); ++i) EXPECT_EQ(got_tlv[i], want_tlv[i]) << name;
  }
}

// --bundle add-flows: the 1.4+ bundle messages in 1.5, the ONF extension in 1.3.
TEST_P(DpuflowdOfctl, BundleAddFlowsLoadsEveryFlow) {
  const std::string version = GetParam();
  if (version == "OpenFlow10") GTEST_SKIP() << "bundles need OpenFlow 1.3 or later";
  Dpuflowd d;
  load(d, version, "d-lb-nat", /*bundle=*/true);
  Cmd dump = d.ofctl(version, "dump-flows --no-stats br-int");
  ASSERT_EQ(dump.rc, 0) << dump.out;
  EXPECT_EQ(flow_lines(dump.out).size(),
            flow_lines(read_file(scenario("d-lb-nat") + "/flows.txt")).size());
}

// A bundle with one bad flow changes nothing and says which flow failed.
TEST_P(DpuflowdOfctl, FailedBundleChangesNothing) {
  const std::string version = GetParam();
  if (version == "OpenFlow10") GTEST_SKIP() << "bundles need OpenFlow 1.3 or later";
  Dpuflowd d;
  const std::string f = d.file("bad-bundle", "table=1,priority=1,actions=drop\n"
                                             "table=2,priority=1,actions=group:77\n"
                                             "table=3,priority=1,actions=drop\n");
  Cmd r = d.ofctl(version, "--bundle add-flows br-int " + f);
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("OFPBAC_BAD_OUT_GROUP"), std::string::npos) << r.out;
  Cmd dump = d.ofctl(version, "dump-flows --no-stats br-int");
  EXPECT_TRUE(flow_lines(dump.out).empty()) << dump.out;
}

TEST_P(DpuflowdOfctl, DelFlowsHonoursTableCookieOutPortAndStrict) {
  const std::string version = GetParam();
  Dpuflowd d;
  load(d, version, "c-router");
  const auto all = flow_lines(read_file(scenario("c-router") + "/flows.txt"));
  auto count = [&](const std::vector<std::string>& ls, const std::regex& re) {
    return static_cast<size_t>(std::count_if(ls.begin(), ls.end(), [&](const std::string& l) {
      return std::regex_search(l, re);
    }));
  };
  auto dump = [&] { return flow_lines(d.ofctl(version, "dump-flows --no-stats br-int").out); };
  // table filter
  ASSERT_EQ(d.ofctl(version, "del-flows br-int table=8").rc, 0);
  auto now = dump();
  const std::regex t8(R"( table=8,)");
  EXPECT_EQ(count(now, t8), 0u);
  EXPECT_EQ(now.size(), all.size() - count(all, t8));
  // cookie filter: every flow of one cookie
  std::smatch m;
  ASSERT_TRUE(std::regex_search(now[0], m, std::regex(R"(cookie=(0x[0-9a-f]+))")));
  const std::string cookie = m[1].str();
  const std::regex with_cookie(" cookie=" + cookie + ",");
  const size_t n_cookie = count(now, with_cookie);
  ASSERT_GT(n_cookie, 0u);
  ASSERT_EQ(d.ofctl(version, "del-flows br-int cookie=" + cookie + "/-1").rc, 0);
  auto after_cookie = dump();
  EXPECT_EQ(count(after_cookie, with_cookie), 0u);
  EXPECT_EQ(after_cookie.size(), now.size() - n_cookie);
  // out_port filter: the flows that output to port 2 (directly or in a clone)
  const std::regex out2(R"(output:2([,)]|$))");
  const size_t n_out2 = count(after_cookie, out2);
  ASSERT_GT(n_out2, 0u);
  ASSERT_EQ(d.ofctl(version, "del-flows br-int out_port=2").rc, 0);
  auto after_out = dump();
  EXPECT_EQ(count(after_out, out2), 0u);
  EXPECT_EQ(after_out.size(), after_cookie.size() - n_out2);
  // --strict: exactly one flow, named by table, priority and match
  const std::string victim = after_out[after_out.size() / 2];
  TextError te;
  dataplane::TlvMap tlv;
  auto r = parse_flow_line(victim, tlv, &te);
  ASSERT_TRUE(r.has_value()) << te.message;
  std::string spec = victim.substr(victim.find("table="));
  spec = spec.substr(0, spec.find(" actions="));
  ASSERT_EQ(d.ofctl(version, "--strict del-flows br-int '" + spec + "'").rc, 0);
  auto after_strict = dump();
  EXPECT_EQ(after_strict.size(), after_out.size() - 1);
  EXPECT_EQ(std::count(after_strict.begin(), after_strict.end(), victim), 0);
}

TEST_P(DpuflowdOfctl, ModFlowsReplacesActions) {
  const std::string version = GetParam();
  Dpuflowd d;
  load(d, version, "a-ls-portsec");
  ASSERT_EQ(d.ofctl(version, "mod-flows br-int 'table=8,actions=drop'").rc, 0);
  size_t n8 = 0;
  for (const auto& l : flow_lines(d.ofctl(version, "dump-flows --no-stats br-int table=8").out)) {
    ++n8;
    EXPECT_NE(l.find("actions=drop"), std::string::npos) << l;
  }
  EXPECT_GT(n8, 0u);
}

TEST_P(DpuflowdOfctl, ReplaceFlowsThenDiffFlowsIsEmpty) {
  const std::string version = GetParam();
  if (version == "OpenFlow10") {
    // Plain ovs-ofctl gives up before asking the switch anything: flows with
    // table ids need NXM+table_id, which is not among its flow-dump formats.
    GTEST_SKIP() << "ovs-ofctl without -O cannot replace-flows with table ids";
  }
  Dpuflowd d;
  load(d, version, "a-ls-portsec");
  const std::string other = scenario("b-ls-acl") + "/flows.txt";
  // b's flows use b's meter.
  ASSERT_EQ(d.ofctl(aux(version), "add-meter br-int 'meter=1 pktps stats bands=type=drop rate=10'").rc,
            0);
  Cmd r = d.ofctl(version, "replace-flows br-int " + other);
  ASSERT_EQ(r.rc, 0) << r.out;
  // diff-flows compares flows as text.  In 1.5 the switch's flows print as
  // the file wrote them; in 1.3 a masked set_field comes back as load: (the
  // 1.3 wire form, OVS prints it so too), so there the switch is compared
  // with its own dump.
  if (version == "OpenFlow15") {
    Cmd diff = d.ofctl(version, "diff-flows br-int " + other);
    EXPECT_EQ(diff.rc, 0) << diff.out;
    EXPECT_EQ(diff.out, "");
  }
  std::string own_text;
  for (const auto& l : flow_lines(d.ofctl(version, "dump-flows --no-stats br-int").out)) {
    own_text += l + "\n";
  }
  const std::string own = d.file("own-dump", own_text);
  Cmd diff_own = d.ofctl(version, "diff-flows br-int " + own);
  EXPECT_EQ(diff_own.rc, 0) << diff_own.out;
  EXPECT_EQ(diff_own.out, "");
  EXPECT_EQ(flow_lines(d.ofctl(version, "dump-flows --no-stats br-int").out).size(),
            flow_lines(read_file(other)).size());
  Cmd diff_a = d.ofctl(version, "diff-flows br-int " + scenario("a-ls-portsec") + "/flows.txt");
  EXPECT_NE(diff_a.out, "");
}

TEST_P(DpuflowdOfctl, ShowPortsDescAndTables) {
  const std::string version = GetParam();
  Dpuflowd d;
  Cmd show = d.ofctl(version, "show br-int");
  ASSERT_EQ(show.rc, 0) << show.out;
  EXPECT_NE(show.out.find("LOCAL(br-int)"), std::string::npos) << show.out;
  Cmd ports = d.ofctl(version, "dump-ports-desc br-int");
  ASSERT_EQ(ports.rc, 0) << ports.out;
  EXPECT_NE(ports.out.find("LOCAL(br-int)"), std::string::npos) << ports.out;
  ASSERT_EQ(d.ofctl(version, "add-flow br-int 'table=3,priority=5,ip,actions=drop'").rc, 0);
  Cmd tables = d.ofctl(version, "dump-tables br-int");
  ASSERT_EQ(tables.rc, 0) << tables.out;
  EXPECT_NE(tables.out.find("table 3"), std::string::npos) << tables.out;
  EXPECT_NE(tables.out.find("active=1"), std::string::npos) << tables.out;
}

TEST_P(DpuflowdOfctl, RefusedFlowGetsOvsErrorAndTheSwitchGoesOn) {
  const std::string version = GetParam();
  Dpuflowd d;
  Cmd r = d.ofctl(version, "add-flow br-int 'table=1,actions=group:5'");
  EXPECT_NE(r.rc, 0);
  // OpenFlow 1.0 has no code for OFPBAC_BAD_OUT_GROUP: OVS sends
  // NXBRC_UNENCODABLE_ERROR there.
  EXPECT_NE(r.out.find(version == "OpenFlow10" ? "NXBRC_UNENCODABLE_ERROR" : "OFPBAC_BAD_OUT_GROUP"),
            std::string::npos)
      << r.out;
  ASSERT_EQ(d.ofctl(version, "add-flow br-int 'table=1,actions=drop'").rc, 0);
  EXPECT_EQ(flow_lines(d.ofctl(version, "dump-flows --no-stats br-int").out).size(), 1u);
}

// The statistics and description commands an operator runs.
TEST_P(DpuflowdOfctl, StatsAndDescriptionCommands) {
  const std::string version = GetParam();
  Dpuflowd d;
  ASSERT_EQ(d.ofctl(aux(version), "add-group br-int 'group_id=7,type=select,bucket=output:1,bucket=output:2'").rc, 0);
  ASSERT_EQ(d.ofctl(aux(version), "add-flow br-int 'actions=group:7'").rc, 0);
  Cmd desc = d.ofctl(version, "dump-desc br-int");
  EXPECT_EQ(desc.rc, 0);
  EXPECT_NE(desc.out.find("Manufacturer: dpuflow"), std::string::npos) << desc.out;
  Cmd ports = d.ofctl(version, "dump-ports br-int");
  EXPECT_EQ(ports.rc, 0);
  EXPECT_NE(ports.out.find("port LOCAL: rx pkts=0"), std::string::npos) << ports.out;
  Cmd agg = d.ofctl(version, "dump-aggregate br-int");
  EXPECT_EQ(agg.rc, 0);
  EXPECT_NE(agg.out.find("flow_count=1"), std::string::npos) << agg.out;
  if (version == "OpenFlow10") return;  // groups and meters need 1.1+/1.3+
  Cmd gs = d.ofctl(version, "dump-group-stats br-int");
  EXPECT_EQ(gs.rc, 0);
  EXPECT_NE(gs.out.find("group_id=7,duration=0s,ref_count=1,packet_count=0,byte_count=0,"
                        "bucket0:packet_count=0,byte_count=0,bucket1:packet_count=0,byte_count=0"),
            std::string::npos)
      << gs.out;
  Cmd mf = d.ofctl(version, "meter-features br-int");
  EXPECT_EQ(mf.rc, 0);
  EXPECT_NE(mf.out.find("band_types: drop dscp_remark"), std::string::npos) << mf.out;
}

// ovs-ofctl packet-out runs through the datapath: a controller action in
// it comes back as a packet-in to an `ovs-ofctl monitor` connection (which
// asks for NXT_PACKET_IN2 and a miss_send_len, as ovn-controller does),
// with the userdata and the packet; a bad packet-out gets OVS's error.
TEST_P(DpuflowdOfctl, PacketOutRunsAndItsPacketInReachesTheMonitor) {
  const std::string version = GetParam();
  Dpuflowd d;
  const std::string mon = d.file("monitor", "");
  Cmd bg = sh(d.env() + "timeout 20 ovs-ofctl " +
              (version == "OpenFlow10" ? std::string() : "-O " + version + " ") +
              "monitor br-int 65534 > " + mon + " 2>&1 & echo started");
  ASSERT_EQ(bg.rc, 0) << bg.out;
  // The monitor is connected once the daemon has accepted it.
  for (int i = 0; i < 200; ++i) {
    Cmd cov = d.appctl("coverage/show");
    if (std::regex_search(cov.out, std::regex(R"(\nofconn_accepted +total: [1-9])"))) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // its SET_CONFIG and format
  const std::string arp =
      "ffffffffffff000000000101080600010800060400010000000001010a00010b0000000000000a000101";
  Cmd ok = d.ofctl(version, "packet-out br-int 'in_port=CONTROLLER packet=" + arp +
                                " actions=set_field:0x5->reg14,controller(userdata=01.02.03.04)'");
  EXPECT_EQ(ok.rc, 0) << ok.out;
  std::string got;
  for (int i = 0; i < 200 && got.find("userdata=01.02.03.04") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    got = read_file(mon);
  }
  sh("pkill -f 'monitor br-int 65534' || true");
  EXPECT_NE(got.find("NXT_PACKET_IN2"), std::string::npos) << got;
  EXPECT_NE(got.find("total_len=42"), std::string::npos) << got;
  EXPECT_NE(got.find("reg14=0x5"), std::string::npos) << got;
  EXPECT_NE(got.find("userdata=01.02.03.04"), std::string::npos) << got;
  EXPECT_NE(got.find("arp,vlan_tci=0x0000,dl_src=00:00:00:00:01:01,dl_dst=ff:ff:ff:ff:ff:ff"),
            std::string::npos)
      << got;
  Cmd cov = d.appctl("coverage/show");
  EXPECT_TRUE(std::regex_search(cov.out, std::regex(R"(\nofproto_packet_out +total: 1\n)"))) << cov.out;
  EXPECT_TRUE(std::regex_search(cov.out, std::regex(R"(\nofconn_async_sent +total: 1\n)"))) << cov.out;
  EXPECT_TRUE(std::regex_search(cov.out, std::regex(R"(\nofproto_error_sent +total: 0\n)"))) << cov.out;
}

// controller(pause): the packet-in carries a continuation; `ovs-ofctl
// monitor ... resume` (OVS's own test mode) sends it back as NXT_RESUME and
// the rest of the actions run: the second controller action's packet-in
// shows both register writes.
TEST_P(DpuflowdOfctl, PausedControllerActionResumesThroughNxtResume) {
  const std::string version = GetParam();
  Dpuflowd d;
  const std::string mon = d.file("monitor", "");
  Cmd bg = sh(d.env() + "timeout 20 ovs-ofctl " +
              (version == "OpenFlow10" ? std::string() : "-O " + version + " ") +
              "monitor br-int 65534 resume > " + mon + " 2>&1 & echo started");
  ASSERT_EQ(bg.rc, 0) << bg.out;
  for (int i = 0; i < 200; ++i) {
    Cmd cov = d.appctl("coverage/show");
    if (std::regex_search(cov.out, std::regex(R"(\nofconn_accepted +total: [1-9])"))) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::string arp =
      "ffffffffffff000000000101080600010800060400010000000001010a00010b0000000000000a000101";
  Cmd ok = d.ofctl(version, "packet-out br-int 'in_port=CONTROLLER packet=" + arp +
                                " actions=set_field:0x7->reg3,controller(pause,userdata=01),"
                                "set_field:0x9->reg4,controller(userdata=02)'");
  EXPECT_EQ(ok.rc, 0) << ok.out;
  std::string got;
  for (int i = 0; i < 200 && got.find("userdata=02") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    got = read_file(mon);
  }
  sh("pkill -f 'monitor br-int 65534 resume' || true");
  EXPECT_NE(got.find("userdata=01\n continuation."), std::string::npos) << got;
  EXPECT_NE(got.find("send: NXT_RESUME"), std::string::npos) << got;
  EXPECT_NE(got.find("reg3=0x7,reg4=0x9,in_port=CONTROLLER"), std::string::npos) << got;
  Cmd cov = d.appctl("coverage/show");
  EXPECT_TRUE(std::regex_search(cov.out, std::regex(R"(\nofproto_resume +total: 1\n)"))) << cov.out;
  EXPECT_TRUE(std::regex_search(cov.out, std::regex(R"(\nofproto_error_sent +total: 0\n)"))) << cov.out;
}

INSTANTIATE_TEST_SUITE_P(Versions, DpuflowdOfctl,
                         ::testing::Values(std::string("OpenFlow10"), std::string("OpenFlow13"),
                                           std::string("OpenFlow15")));

class DpuflowdAppctl : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_ovs_tools()) GTEST_SKIP() << "ovs-ofctl/ovs-appctl are not installed";
  }
};

TEST_F(DpuflowdAppctl, ListCommandsVersionAndUnknownCommand) {
  Dpuflowd d;
  Cmd list = d.appctl("list-commands");
  ASSERT_EQ(list.rc, 0) << list.out;
  EXPECT_EQ(list.out.rfind("The available commands are:\n", 0), 0u) << list.out;
  for (const char* cmd : {"ofproto/trace", "bridge/dump-flows", "dpif/show", "dpctl/dump-flows",
                          "ofproto/list", "memory/show", "coverage/show", "vlog/list", "exit"}) {
    EXPECT_NE(list.out.find(std::string("  ") + cmd + " "), std::string::npos) << cmd;
  }
  Cmd version = d.appctl("version");
  EXPECT_EQ(version.rc, 0);
  EXPECT_EQ(version.out, std::string("dpuflowd (dpuflow) ") + DPUFLOW_VERSION + "\n");
  Cmd bad = d.appctl("no/such-command");
  EXPECT_EQ(bad.rc, 2);
  EXPECT_NE(bad.out.find("\"no/such-command\" is not a valid command (use \"list-commands\" to see "
                         "a list of valid commands)"),
            std::string::npos)
      << bad.out;
  EXPECT_NE(bad.out.find("server returned an error"), std::string::npos) << bad.out;
  // -t with the socket path works as well as -t NAME.
  Cmd by_path = sh("ovs-appctl --timeout=20 -t " + d.dir() + "/dpuflowd.ctl ofproto/list");
  EXPECT_EQ(by_path.rc, 0);
  EXPECT_EQ(by_path.out, "br-int\n");
}

// ofproto/trace on the running switch prints what the offline trace of the
// same flows prints.
TEST_F(DpuflowdAppctl, OfprotoTraceEqualsTheOfflineTrace) {
  Dpuflowd d;
  load(d, "OpenFlow15", "d-lb-nat");
  const std::string dir = scenario("d-lb-nat");
  // The switch holds what ovs-ofctl sent: "dec_ttl()" read as dec_ttl (see
  // above).  The offline trace gets the same table.
  const std::string flows = d.file(
      "trace-flows", std::regex_replace(read_file(dir + "/flows.txt"),
                                        std::regex(R"(dec_ttl\(\))"), "dec_ttl"));
  size_t compared = 0;
  for (const auto& l : lines_of(read_file(dir + "/traces.txt"))) {
    if (l[0] == '#') continue;
    std::vector<std::string> parts;
    std::stringstream ss(l);
    for (std::string p; std::getline(ss, p, '|');) {
      p.erase(0, p.find_first_not_of(' '));
      p.erase(p.find_last_not_of(' ') + 1);
      parts.push_back(p);
    }
    if (parts.size() < 2 || (parts.size() > 3 && !parts[3].empty())) continue;  // packets: later
    const std::string extra = parts.size() > 2 ? parts[2] : "";
    Cmd live = d.appctl("ofproto/trace br-int '" + parts[1] + "' " + extra);
    Cmd offline = sh(std::string(DPUFLOWCTL) + " trace --flows " + flows + " --groups " +
                     dir + "/groups.txt --meters " + dir + "/meters.txt --tlv-map " + dir +
                     "/tlv-map.txt '" + parts[1] + "' " + extra);
    ASSERT_EQ(offline.rc, 0) << offline.out;
    EXPECT_EQ(live.rc, 0) << live.out;
    EXPECT_EQ(live.out, offline.out) << parts[0];
    ++compared;
  }
  EXPECT_GT(compared, 10u);
}

}  // namespace
}  // namespace dpuflow::control

namespace dpuflow::control {
namespace {

// dpuflowctl is the friendly client of the same control socket.
TEST_F(DpuflowdAppctl, DpuflowctlTalksToTheRunningDaemon) {
  Dpuflowd d;
  ASSERT_EQ(d.ofctl("OpenFlow15", "add-flow br-int 'table=0,priority=10,in_port=1,actions=output:2'").rc, 0);
  const std::string ctl = std::string(DPUFLOWCTL) + " --run-dir " + d.dir() + " ";
  Cmd version = sh(ctl + "version");
  EXPECT_EQ(version.rc, 0);
  EXPECT_EQ(version.out, std::string("dpuflowctl ") + DPUFLOW_VERSION + "\ndpuflowd (dpuflow) " +
                             DPUFLOW_VERSION + "\n");
  Cmd flows = sh(ctl + "flows");
  EXPECT_EQ(flows.rc, 0);
  EXPECT_NE(flows.out.find("priority=10,in_port=1,actions=output:2"), std::string::npos) << flows.out;
  // The live trace is ofproto/trace's.
  Cmd live = sh(ctl + "trace 'in_port=1,tcp'");
  Cmd appctl = d.appctl("ofproto/trace br-int 'in_port=1,tcp'");
  EXPECT_EQ(live.rc, 0);
  EXPECT_EQ(live.out, appctl.out);
  Cmd bad = sh(ctl + "call no/such-command");
  EXPECT_EQ(bad.rc, 2);
  EXPECT_NE(bad.out.find("is not a valid command"), std::string::npos);
  Cmd gone = sh(std::string(DPUFLOWCTL) + " --run-dir /nonexistent version");
  EXPECT_EQ(gone.rc, 1);
  EXPECT_NE(gone.out.find("is dpuflowd running?"), std::string::npos) << gone.out;
}

}  // namespace
}  // namespace dpuflow::control
