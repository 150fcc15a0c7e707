// End to end through DPDK: dpuflowd with net_pcap ports, the OVN pipelines
// of scenarios a and c loaded with the real ovs-ofctl, the scenarios'
// trace packets replayed from a pcap, and every port's output pcap compared
// byte for byte with the frames the OVS oracle says come out.
//
// The expected frames are derived from the oracle alone: each trace's
// "Datapath actions:" (from a real OVS 3.1) name the output ports and the
// header rewrites; the test applies the rewrites to the trace's flow and
// builds the frame from scratch (PacketBuilder computes fresh checksums),
// so the datapath's executor (incremental checksums) is checked against an
// independent construction.  Traces whose actions are not plain rewrites
// and outputs (packet-ins, recirculation, conntrack) are not replayed.
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <thread>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include "control/trace/scenario.h"
#include "dataplane/packet/builder.h"
#include "tests/common/dpuflowd_process.h"
#include "tests/eal/pcap_file.h"

namespace dpuflow::dataplane {
namespace {

using testing::Cmd;
using testing::Dpuflowd;
using testing::read_file;
using testing::sh;
namespace fs = std::filesystem;

std::string data_dir() {
  const char* d = std::getenv("DPUFLOW_TEST_DATA");
  return d ? d : DPUFLOW_TEST_DATA_DEFAULT;
}

std::string hex(const test::Frame& f) {
  std::string s;
  char b[3];
  for (uint8_t c : f) {
    std::snprintf(b, sizeof b, "%02x", c);
    s += b;
  }
  return s;
}

// An ICMPv4 checksum of 0xffff as 0x0000.  Both are the one's-complement
// zero; OVS's incremental update (RFC 1624 eqn. 3, as the datapath does)
// yields 0x0000 where a fresh computation (the expected frame) yields
// 0xffff, e.g. for an echo reply with an all-zero header.
test::Frame canonical_icmp_csum(test::Frame f) {
  if (f.size() >= 14 + 20 + 4 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 1) {
    const size_t l4 = 14 + (f[14] & 0x0f) * 4u;
    if (f.size() >= l4 + 4 && f[l4 + 2] == 0xff && f[l4 + 3] == 0xff) f[l4 + 2] = f[l4 + 3] = 0;
  }
  return f;
}

// Top-level comma split, respecting parentheses.
std::vector<std::string> split_top(const std::string& s) {
  std::vector<std::string> out;
  int depth = 0;
  std::string cur;
  for (char c : s) {
    if (c == '(') depth++;
    if (c == ')') depth--;
    if (c == ',' && depth == 0) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool parse_mac(const std::string& s, uint8_t* out) {
  unsigned v[6];
  if (std::sscanf(s.c_str(), "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
    return false;
  for (int i = 0; i < 6; i++) out[i] = static_cast<uint8_t>(v[i]);
  return true;
}

// Applies one "set(KIND(f=v,...))" to `k`; false for what this test does
// not model.
bool apply_set(const std::string& item, FlowKey& k) {
  static const std::regex re(R"(set\((\w+)\((.*)\)\))");
  std::smatch m;
  if (!std::regex_match(item, m, re)) return false;
  const std::string kind = m[1];
  for (const std::string& f : split_top(m[2])) {
    const size_t eq = f.find('=');
    if (eq == std::string::npos) return false;
    const std::string n = f.substr(0, eq), v = f.substr(eq + 1);
    if (kind == "eth" && n == "src") {
      if (!parse_mac(v, k.dl_src)) return false;
    } else if (kind == "eth" && n == "dst") {
      if (!parse_mac(v, k.dl_dst)) return false;
    } else if ((kind == "ipv4" || kind == "arp") && (n == "src" || n == "sip")) {
      if (inet_pton(AF_INET, v.c_str(), &k.nw_src) != 1) return false;
    } else if ((kind == "ipv4" || kind == "arp") && (n == "dst" || n == "tip")) {
      if (inet_pton(AF_INET, v.c_str(), &k.nw_dst) != 1) return false;
    } else if ((kind == "ipv4" && n == "ttl") || (kind == "ipv6" && n == "hlimit")) {
      k.nw_ttl = static_cast<uint8_t>(std::stoi(v));
    } else if (kind == "ipv6" && n == "src") {
      if (inet_pton(AF_INET6, v.c_str(), k.ipv6_src) != 1) return false;
    } else if (kind == "ipv6" && n == "dst") {
      if (inet_pton(AF_INET6, v.c_str(), k.ipv6_dst) != 1) return false;
    } else if (kind == "arp" && n == "op") {
      k.nw_proto = static_cast<uint8_t>(std::stoi(v));
    } else if (kind == "arp" && n == "sha") {
      if (!parse_mac(v, k.arp_sha)) return false;
    } else if (kind == "arp" && n == "tha") {
      if (!parse_mac(v, k.arp_tha)) return false;
    } else if ((kind == "icmp" || kind == "icmpv6") && n == "type") {
      k.tp_src = be16(static_cast<uint16_t>(std::stoi(v)));
    } else if ((kind == "icmp" || kind == "icmpv6") && n == "code") {
      k.tp_dst = be16(static_cast<uint16_t>(std::stoi(v)));
    } else {
      return false;
    }
  }
  return true;
}

struct Case {
  std::string name;
  uint16_t in_port = 0;                 // OpenFlow
  test::Frame input;
  std::vector<std::pair<uint32_t, test::Frame>> outputs;  // (OVS odp port, frame)
};

// The replayable traces of a scenario and what the oracle says they give.
std::vector<Case> cases(const control::Scenario& s, const std::string& dir) {
  std::vector<Case> out;
  std::istringstream lines(read_file(dir + "/traces.txt"));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto parts = [&] {
      std::vector<std::string> p;
      std::stringstream ss(line);
      for (std::string x; std::getline(ss, x, '|');) {
        x.erase(0, x.find_first_not_of(' '));
        x.erase(x.find_last_not_of(' ') + 1);
        p.push_back(x);
      }
      return p;
    }();
    if (parts.size() < 2 || (parts.size() > 2 && !parts[2].empty())) continue;
    std::string trace;
    for (const auto& e : fs::directory_iterator(dir + "/traces")) {
      const std::string f = e.path().filename();
      if (f.size() > parts[0].size() + 4 && f.substr(f.size() - parts[0].size() - 5) == "-" + parts[0] + ".txt")
        trace = read_file(e.path());
    }
    std::smatch m;
    static const std::regex actions_re(R"(\nDatapath actions: (.*)\n)");
    if (std::count(trace.begin(), trace.end(), '\n') == 0 ||
        !std::regex_search(trace, m, actions_re) || trace.find("Datapath actions:", m.position(0) + 2) != std::string::npos)
      continue;  // none, or several passes (recirculation)
    std::string err;
    auto key = control::parse_trace_flow(s, parts[1], &err);
    if (!key || key->recirc_id != 0 || key->ct_state != 0) continue;
    Case c;
    c.name = parts[0];
    c.in_port = host16(key->in_port);
    c.input = compose_packet(*key);
    FlowKey k = *key;
    bool ok = true;
    for (const std::string& a : split_top(m[1])) {
      if (a == "drop") continue;
      if (!a.empty() && std::all_of(a.begin(), a.end(), ::isdigit)) {
        c.outputs.emplace_back(std::stoul(a), compose_packet(k));
      } else if (!apply_set(a, k)) {
        ok = false;
      }
    }
    if (ok) out.push_back(std::move(c));
  }
  return out;
}

class PcapScenario : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (sh("command -v ovs-ofctl && command -v ovs-appctl").rc != 0)
      GTEST_SKIP() << "ovs-ofctl/ovs-appctl are not installed";
  }
};

TEST_P(PcapScenario, OutputPcapsEqualTheOracle) {
  const std::string name = GetParam();
  const std::string dir = data_dir() + "/ovn-scenarios/" + name;
  control::ScenarioFiles f;
  f.flows = dir + "/flows.txt";
  f.dp_ports = dir + "/dp-ports.txt";
  f.ofports = dir + "/ofport-iface-map.csv";
  std::string err;
  auto s = control::load_scenario(f, &err);
  ASSERT_TRUE(s) << err;
  const std::vector<Case> all = cases(*s, dir);
  ASSERT_GE(all.size(), 5u) << "too few replayable traces to mean anything";

  // VIF ports of the bridge: OVS odp number -> (name, OpenFlow port).
  std::map<uint32_t, std::pair<std::string, uint16_t>> vifs;
  for (const XlatePort& p : s->ports.all()) {
    if (p.of_port >= kOfppMax || p.is_tunnel || p.is_patch) continue;
    vifs[p.odp_port] = {p.name, p.of_port};
  }
  std::map<uint16_t, std::string> name_of;
  for (auto& [odp, v] : vifs) name_of[v.second] = v.first;

  Dpuflowd d;
  Cmd load = d.ofctl("OpenFlow15", "add-flows br-int " + dir + "/flows.txt");
  ASSERT_EQ(load.rc, 0) << load.out;

  // One phase per input port: every other port is added for output only,
  // then the input port with its pcap (it starts receiving at once).
  // Traffic enters on VIF ports (a trace from LOCAL has no pcap port).
  std::set<uint16_t> in_ports;
  for (const Case& c : all)
    if (name_of.count(c.in_port)) in_ports.insert(c.in_port);
  constexpr int kRepeat = 3;  // each packet 3 times: upcall, then cache hits
  int dev = 0;
  size_t checked_frames = 0;
  for (uint16_t in : in_ports) {
    std::vector<test::Frame> input;
    std::map<std::string, std::vector<test::Frame>> want;
    for (const Case& c : all) {
      if (c.in_port != in) continue;
      for (int r = 0; r < kRepeat; r++) {
        input.push_back(c.input);
        for (const auto& [odp, frame] : c.outputs) want[vifs.at(odp).first].push_back(frame);
      }
    }
    const std::string base = d.dir() + "-" + std::to_string(in) + "-";
    ASSERT_TRUE(test::write_pcap(base + "in.pcap", input));
    std::vector<std::string> order;
    for (auto& [of, n] : name_of)
      if (of != in) order.push_back(n);
    order.push_back(name_of.at(in));
    for (const std::string& n : order) {
      std::string devargs = "net_pcap" + std::to_string(dev++) + ",tx_pcap=" + base + n + ".pcap";
      if (n == name_of.at(in)) devargs += ",rx_pcap=" + base + "in.pcap";
      uint16_t of = 0;
      for (auto& [o, nn] : name_of)
        if (nn == n) of = o;
      Cmd add = d.appctl("dpuflow/add-port " + n + " '" + devargs + "' " + std::to_string(of));
      ASSERT_EQ(add.rc, 0) << add.out;
    }
    // Wait until every packet was received (the pcap is read once).
    const std::regex rx(R"(packets received: (\d+))");
    for (int i = 0; i < 500; i++) {
      Cmd st = d.appctl("dpif-netdev/pmd-stats-show");
      std::smatch m;
      uint64_t total = 0;
      for (auto it = std::sregex_iterator(st.out.begin(), st.out.end(), rx); it != std::sregex_iterator(); ++it)
        total += std::stoull((*it)[1]);
      if (total >= input.size()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    d.appctl("dpif-netdev/pmd-stats-clear");
    for (const std::string& n : order) {
      Cmd del = d.appctl("dpuflow/del-port " + n);  // closing writes the tx pcap
      ASSERT_EQ(del.rc, 0) << del.out;
    }
    for (const std::string& n : order) {
      auto got = test::read_pcap(base + n + ".pcap");
      ASSERT_TRUE(got) << base + n + ".pcap";
      const std::vector<test::Frame>& w = want[n];
      ASSERT_EQ(got->size(), w.size()) << name << ": in_port " << in << " -> " << n;
      for (size_t i = 0; i < w.size(); i++) {
        EXPECT_EQ(hex(canonical_icmp_csum((*got)[i])), hex(canonical_icmp_csum(w[i]))) << name << ": in_port " << in << " -> " << n << " frame " << i;
      }
      checked_frames += w.size();
      fs::remove(base + n + ".pcap");
    }
    fs::remove(base + "in.pcap");
  }
  EXPECT_GT(checked_frames, 0u);
  const size_t replayed = static_cast<size_t>(
      std::count_if(all.begin(), all.end(), [&](const Case& c) { return name_of.count(c.in_port) != 0; }));
  std::printf("%s: %zu traces replayed x%d, %zu output frames equal the oracle's\n", name.c_str(),
              replayed, kRepeat, checked_frames);
}

// Ports given at start and added/removed at run time show in
// dump-ports-desc, dump-ports and dpif/show; a bad port is refused with
// DPDK's reason and the daemon goes on.
TEST(DpuflowdPorts, AddedAndRemovedAtRunTimeAndShownAsOvsShowsThem) {
  if (sh("command -v ovs-ofctl && command -v ovs-appctl").rc != 0) GTEST_SKIP();
  Dpuflowd d({"--port", "uplink@9=net_null0"});
  Cmd add = d.appctl("dpuflow/add-port vm1 net_ring0 1");
  ASSERT_EQ(add.rc, 0) << add.out;
  Cmd desc = d.ofctl("OpenFlow15", "dump-ports-desc br-int");
  EXPECT_NE(desc.out.find(" 9(uplink): addr:"), std::string::npos) << desc.out;
  EXPECT_NE(desc.out.find(" 1(vm1): addr:"), std::string::npos) << desc.out;
  EXPECT_NE(desc.out.find("LOCAL(br-int)"), std::string::npos) << desc.out;
  Cmd desc10 = d.ofctl("OpenFlow10", "dump-ports-desc br-int");
  EXPECT_NE(desc10.out.find(" 9(uplink): addr:"), std::string::npos) << desc10.out;
  Cmd show = d.appctl("dpif/show");
  EXPECT_TRUE(std::regex_search(show.out, std::regex(R"(\n    uplink 9/\d+: \(dpdk\)\n)"))) << show.out;
  EXPECT_TRUE(std::regex_search(show.out, std::regex(R"(\n    vm1 1/\d+: \(dpdk\)\n)"))) << show.out;
  Cmd stats = d.ofctl("OpenFlow13", "dump-ports br-int 9");
  EXPECT_NE(stats.out.find("port  9: rx pkts="), std::string::npos) << stats.out;

  Cmd dup = d.appctl("dpuflow/add-port vm1 net_ring1 5");
  EXPECT_EQ(dup.rc, 2);
  EXPECT_NE(dup.out.find("port vm1 already exists"), std::string::npos) << dup.out;
  Cmd bad = d.appctl("dpuflow/add-port vm2 'net_pcap9,rx_pcap=/nonexistent.pcap' 2");
  EXPECT_EQ(bad.rc, 2);
  EXPECT_NE(bad.out.find("/nonexistent.pcap"), std::string::npos) << bad.out;

  Cmd del = d.appctl("dpuflow/del-port vm1");
  ASSERT_EQ(del.rc, 0) << del.out;
  desc = d.ofctl("OpenFlow15", "dump-ports-desc br-int");
  EXPECT_EQ(desc.out.find("(vm1)"), std::string::npos) << desc.out;
  Cmd readd = d.appctl("dpuflow/add-port vm1 net_ring0 1");
  EXPECT_EQ(readd.rc, 0) << readd.out;
  Cmd gone = d.appctl("dpuflow/del-port nosuch");
  EXPECT_EQ(gone.rc, 2);
  EXPECT_NE(gone.out.find("no port named nosuch"), std::string::npos) << gone.out;
}

INSTANTIATE_TEST_SUITE_P(Ovn, PcapScenario, ::testing::Values("a-ls-portsec", "c-router"),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
}  // namespace dpuflow::dataplane
