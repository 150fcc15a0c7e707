// The datapath core (Pmd, Datapath, Revalidator) on real OVN pipelines:
// - caches on (EMC + megaflows) and caches off (translate every packet)
//   give byte-identical output per port and identical packet-ins, for
//   thousands of random packets derived from the scenarios' trace flows;
// - after the pipeline changes, revalidation makes the cached datapath
//   agree with a fresh translation again;
// - megaflow stats fold into the OpenFlow rule counters;
// - the steady-state packet loop does not allocate.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <new>
#include <random>
#include <sstream>
#include <thread>

#include "control/trace/scenario.h"
#include "dataplane/datapath/datapath.h"
#include "dataplane/datapath/dp_flow_format.h"
#include "dataplane/datapath/mem_port.h"
#include "dataplane/datapath/pmd.h"
#include "dataplane/datapath/revalidator.h"
#include "dataplane/packet/builder.h"
#include "dataplane/packet/parse.h"
#include "tests/common/scenario_files.h"

// ---- allocation counting (for the no-allocation test) ----------------------
// The replacement operators below pair malloc/free themselves; GCC cannot
// see that through inlining and warns at every delete in this file.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
std::atomic<bool> g_count_allocs{false};
std::atomic<uint64_t> g_allocs{0};
}  // namespace

void* operator new(size_t n) {
  if (g_count_allocs.load(std::memory_order_relaxed)) g_allocs.fetch_add(1);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) { return operator new(n); }
void* operator new(size_t n, std::align_val_t a) {
  if (g_count_allocs.load(std::memory_order_relaxed)) g_allocs.fetch_add(1);
  size_t al = static_cast<size_t>(a);
  if (void* p = std::aligned_alloc(al, (n + al - 1) / al * al)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n, std::align_val_t a) { return operator new(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { std::free(p); }

namespace dpuflow::dataplane {
namespace {

// Records every frame sent (or only counts them, for the allocation test).
class RecordPort final : public DpPort {
 public:
  RecordPort(std::string name, HeapPool& pool, bool record) : name_(std::move(name)), pool_(pool), record_(record) {}
  const std::string& name() const override { return name_; }
  uint16_t n_rxq() const override { return 1; }
  uint16_t n_txq() const override { return 1; }
  uint16_t rx_burst(uint16_t, DpPacket*, uint16_t) override { return 0; }
  uint16_t tx_burst(uint16_t, DpPacket* pkts, uint16_t n) override {
    for (uint16_t i = 0; i < n; i++) {
      if (record_) frames.emplace_back(pkts[i].data, pkts[i].data + pkts[i].len);
      sent++;
      pool_.free(pkts[i]);
    }
    return n;
  }
  PacketPool& pool() override { return pool_; }
  PortStats stats() const override { return {}; }
  const char* type() const override { return "test"; }

  std::vector<std::vector<uint8_t>> frames;
  uint64_t sent = 0;

 private:
  std::string name_;
  HeapPool& pool_;
  bool record_;
};

std::string data_dir() {
  const char* d = std::getenv("DPUFLOW_TEST_DATA");
  return d ? d : "tests/data";
}

control::Scenario load(const std::string& name) {
  const control::ScenarioFiles f = testing::scenario_files(data_dir() + "/ovn-scenarios/" + name);
  std::string err;
  auto s = control::load_scenario(f, &err);
  if (!s) ADD_FAILURE() << name << ": " << err;
  return s ? std::move(*s) : control::Scenario();
}

// The trace flows of a scenario ("name | flow | args" lines).
std::vector<FlowKey> trace_flows(const control::Scenario& s, const std::string& name) {
  std::ifstream in(data_dir() + "/ovn-scenarios/" + name + "/traces.txt");
  std::vector<FlowKey> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t a = line.find('|');
    const size_t b = line.find('|', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string flow = line.substr(a + 1, b - a - 1);
    while (!flow.empty() && flow.front() == ' ') flow.erase(0, 1);
    while (!flow.empty() && flow.back() == ' ') flow.pop_back();
    std::string err;
    auto k = control::parse_trace_flow(s, flow, &err);
    if (!k) continue;  // flows with recirc_id/ct_state preconditions are not packets
    if (k->recirc_id != 0 || k->ct_state != 0) continue;
    out.push_back(*k);
  }
  return out;
}

struct Rig {
  PipelineVersions versions;
  HeapPool pool;
  std::unique_ptr<Datapath> dp;
  std::unique_ptr<Pmd> pmd;
  std::map<std::string, RecordPort*> ports;

  Rig(const control::Scenario& s, bool caches, bool record = true) {
    versions.publish(std::make_shared<const Pipeline>(*s.pipeline));
    DatapathConfig cfg;
    cfg.caches = caches;
    cfg.emc_insert_inv_prob = 1;
    cfg.upcall_rate = 0;
    dp = std::make_unique<Datapath>(versions, cfg);
    for (const XlatePort& xp : s.ports.all()) {
      if (xp.is_tunnel || xp.is_patch || xp.of_port >= kOfppMax) continue;
      auto port = std::make_unique<RecordPort>(xp.name, pool, record);
      ports[xp.name] = port.get();
      auto err = dp->add_port(std::move(port), xp.of_port, xp.odp_port);
      EXPECT_FALSE(err) << *err;
    }
    pmd = std::make_unique<Pmd>(*dp, 0);
  }
  void send(uint16_t in_port, const std::vector<std::vector<uint8_t>>& frames) {
    std::vector<DpPacket> pkts(frames.size());
    for (size_t i = 0; i < frames.size(); i++) ASSERT_TRUE(pool.make(frames[i], pkts[i]));
    pmd->process(in_port, pool, pkts.data(), pkts.size());
  }
};

// Random packets from the trace flows: same headers with random L4 ports,
// IP TTLs and payload lengths, so that megaflows (which wildcard most of
// these) are shared while EMC entries are not.
std::vector<std::pair<uint16_t, std::vector<uint8_t>>> traffic(const std::vector<FlowKey>& flows,
                                                               size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::pair<uint16_t, std::vector<uint8_t>>> out;
  for (size_t i = 0; i < n; i++) {
    FlowKey k = flows[rng() % flows.size()];
    if (is_ip_any(k) && (k.nw_proto == kIpProtoTcp || k.nw_proto == kIpProtoUdp)) {
      k.tp_src = be16(static_cast<uint16_t>(1024 + rng() % 8));
      k.tp_dst = be16(static_cast<uint16_t>(rng() % 4 == 0 ? 80 : 1024 + rng() % 4));
    }
    if (is_ip_any(k) && rng() % 2) k.nw_ttl = static_cast<uint8_t>(1 + rng() % 64);
    out.emplace_back(host16(k.in_port), compose_packet(k, rng() % 64));
  }
  return out;
}

void run(Rig& rig, const std::vector<std::pair<uint16_t, std::vector<uint8_t>>>& t) {
  // Bursts of consecutive packets from one port, as a PMD would see them.
  size_t i = 0;
  while (i < t.size()) {
    size_t j = i;
    std::vector<std::vector<uint8_t>> burst;
    while (j < t.size() && t[j].first == t[i].first && burst.size() < kBurst) burst.push_back(t[j++].second);
    rig.send(t[i].first, burst);
    i = j;
  }
}

std::string pins_text(Datapath& dp) {
  std::string s;
  for (const DpPacketIn& p : dp.take_packet_ins()) {
    s += fmt::format("reason={} cont={} cookie={:#x} recirc={} len={} in_port={}\n",
                     p.cookie.reason, p.cookie.continuation, p.cookie.rule_cookie,
                     p.cookie.recirc_id, p.packet.size(), host16(p.md.in_port));
    for (uint8_t b : p.packet) s += fmt::format("{:02x}", b);
    s += '\n';
  }
  return s;
}

void expect_same_output(Rig& on, Rig& off, const std::string& what, bool require_traffic = true) {
  size_t total = 0;
  for (auto& [name, port] : off.ports) {
    RecordPort* other = on.ports.at(name);
    const size_t n = std::min(other->frames.size(), port->frames.size());
    for (size_t i = 0; i < n; i++) {
      ASSERT_EQ(other->frames[i], port->frames[i]) << what << ": port " << name << " frame " << i;
    }
    ASSERT_EQ(other->frames.size(), port->frames.size()) << what << ": port " << name;
    total += port->frames.size();
    port->frames.clear();
    other->frames.clear();
  }
  EXPECT_EQ(pins_text(*on.dp), pins_text(*off.dp)) << what;
  if (require_traffic) {
    EXPECT_GT(total, 0u) << what << ": nothing was forwarded, the comparison proves nothing";
  }
}

class DatapathScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(DatapathScenario, CachesOnAndOffGiveIdenticalOutput) {
  const std::string name = GetParam();
  control::Scenario s = load(name);
  ASSERT_TRUE(s.pipeline);
  const std::vector<FlowKey> flows = trace_flows(s, name);
  ASSERT_FALSE(flows.empty());
  Rig on(s, true), off(s, false);
  const auto t = traffic(flows, 4000, 7);
  run(on, t);
  run(off, t);
  expect_same_output(on, off, name);

  const PmdCounters c = on.pmd->counters();
  EXPECT_EQ(c[PmdCounter::kPackets], t.size());
  EXPECT_EQ(c[PmdCounter::kPasses],
            c[PmdCounter::kEmcHit] + c[PmdCounter::kMegaflowHit] + c[PmdCounter::kMiss] +
                c[PmdCounter::kLost] + c.drop(DropReason::kMalformed));
  EXPECT_GT(c[PmdCounter::kEmcHit], 0u);
  EXPECT_GT(c[PmdCounter::kMegaflowHit], 0u);
  EXPECT_LT(c[PmdCounter::kMiss], t.size() / 4) << "megaflows are not being reused";
  const PmdCounters c_off = off.pmd->counters();
  EXPECT_EQ(c_off[PmdCounter::kEmcHit] + c_off[PmdCounter::kMegaflowHit], 0u);
  EXPECT_EQ(on.pool.outstanding(), 0u) << "packet buffers leaked";
  EXPECT_EQ(off.pool.outstanding(), 0u) << "packet buffers leaked";
}

TEST_P(DatapathScenario, RevalidationFollowsPipelineChanges) {
  const std::string name = GetParam();
  control::Scenario s = load(name);
  ASSERT_TRUE(s.pipeline);
  const std::vector<FlowKey> flows = trace_flows(s, name);
  Rig on(s, true), off(s, false);
  const auto t = traffic(flows, 1500, 11);
  run(on, t);
  run(off, t);
  expect_same_output(on, off, name + " before");
  ASSERT_GT(on.pmd->n_flows(), 0u);

  // Change the pipeline: drop the highest-priority half of table 0's
  // rules (ingress port classification), publish it to both.
  Pipeline changed(*s.pipeline);
  std::vector<RulePtr> rules = changed.table(0).rules();
  std::sort(rules.begin(), rules.end(),
            [](const RulePtr& a, const RulePtr& b) { return a->spec.priority > b->spec.priority; });
  size_t removed = 0;
  for (size_t i = 0; i < rules.size(); i += 2) {
    FlowMod fm;
    fm.command = FlowModCommand::kDeleteStrict;
    fm.spec = rules[i]->spec;
    ASSERT_FALSE(changed.apply(fm, nullptr, 0).has_value());
    removed++;
  }
  ASSERT_GT(removed, 0u);
  on.versions.publish(std::make_shared<const Pipeline>(changed));
  off.versions.publish(std::make_shared<const Pipeline>(changed));

  Revalidator reval(*on.dp);
  reval.run_once();
  on.pmd->apply_requests();
  const RevalidatorStats rs = reval.stats();
  EXPECT_GT(rs.updated + rs.deleted_changed, 0u) << "the change altered no megaflow";

  // The cached datapath forwarded before the change, so even when the
  // changed pipeline forwards nothing, stale megaflows would show here.
  run(on, t);
  run(off, t);
  expect_same_output(on, off, name + " after the change", /*require_traffic=*/false);
}

TEST_P(DatapathScenario, MegaflowStatsFoldIntoRuleCounters) {
  const std::string name = GetParam();
  control::Scenario s = load(name);
  const std::vector<FlowKey> flows = trace_flows(s, name);
  Rig on(s, true);
  const auto t = traffic(flows, 1000, 13);
  run(on, t);
  Revalidator reval(*on.dp);
  reval.run_once();
  // Every packet starts in table 0, so the table-0 rules' counters must add
  // up to the packets whose table-0 lookup finds a rule (looked up here
  // directly in the classifier, independently of the datapath).
  auto pipeline = on.versions.load();
  uint64_t sum = 0;
  for (const RulePtr& r : pipeline->table(0).rules()) sum += r->counters.n_packets.load();
  uint64_t expected = 0;
  for (const auto& [in_port, frame] : t) {
    FlowKey k{};
    k.in_port = be16(in_port);
    parse_packet(frame, k);
    expected += pipeline->table(0).lookup(k, nullptr) != nullptr;
  }
  EXPECT_GT(sum, 0u);
  EXPECT_EQ(sum, expected) << "table-0 rule counters do not add up to the packets sent";
}

INSTANTIATE_TEST_SUITE_P(Ovn, DatapathScenario,
                         // d-lb-nat sends everything through ct(), which the
                         // datapath drops until conntrack lands.
                         ::testing::Values("a-ls-portsec", "b-ls-acl", "c-router"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

TEST(DatapathLoop, SteadyStateDoesNotAllocate) {
  control::Scenario s = load("a-ls-portsec");
  const std::vector<FlowKey> flows = trace_flows(s, "a-ls-portsec");
  Rig rig(s, true, /*record=*/false);
  rig.pool.reserve(4096);
  // Packet-ins are copied out for the control thread (an allocation, on
  // the upcall side by design): use only flows without controller actions.
  std::vector<FlowKey> forwarded;
  for (const FlowKey& f : flows) {
    FlowKey k = f;
    std::vector<uint8_t> frame = compose_packet(k);
    parse_packet(frame, k);
    DpTranslation tr = rig.dp->translate(k, static_cast<uint32_t>(frame.size()), false);
    bool userspace = false;
    for (const DpAction& a : tr.out.actions) userspace |= a.type == DpActionType::kUserspace;
    if (!userspace && !tr.out.actions.empty()) forwarded.push_back(f);
  }
  ASSERT_FALSE(forwarded.empty());
  // A fixed set of packets: after the first round every flow has a
  // megaflow and an EMC entry.
  const auto t = traffic(forwarded, 64, 17);
  std::vector<std::vector<uint8_t>> frames;
  std::vector<uint16_t> in_ports;
  for (const auto& [p, f] : t) {
    in_ports.push_back(p);
    frames.push_back(f);
  }
  auto round = [&] {
    DpPacket pkts[kBurst];
    for (size_t i = 0; i < frames.size();) {
      size_t n = 0;
      const uint16_t in = in_ports[i];
      while (i < frames.size() && in_ports[i] == in && n < kBurst) rig.pool.make(frames[i++], pkts[n++]);
      rig.pmd->process(in, rig.pool, pkts, n);
    }
  };
  for (int i = 0; i < 5; i++) round();
  rig.dp->take_packet_ins();
  const uint64_t misses = rig.pmd->counters()[PmdCounter::kMiss];
  uint64_t sent_before = 0;
  for (auto& [n, p] : rig.ports) sent_before += p->sent;

  g_allocs.store(0);
  g_count_allocs.store(true);
  for (int i = 0; i < 2000; i++) round();
  g_count_allocs.store(false);

  uint64_t sent_after = 0;
  for (auto& [n, p] : rig.ports) sent_after += p->sent;
  EXPECT_EQ(rig.pmd->counters()[PmdCounter::kMiss], misses) << "steady state still upcalls";
  EXPECT_GT(sent_after, sent_before) << "nothing was forwarded";
  EXPECT_EQ(g_allocs.load(), 0u) << "the packet loop allocated in steady state";
}

}  // namespace
}  // namespace dpuflow::dataplane

namespace dpuflow::dataplane {
namespace {

// A flood of new flows is limited by the per-PMD upcall budget and counted
// as lost, while packets of flows already cached keep being forwarded.
TEST(DatapathLoop, UpcallFloodDoesNotStarveCachedTraffic) {
  control::Scenario s = load("a-ls-portsec");
  Rig rig(s, true);
  rig.pmd.reset();  // before the datapath it registered with
  rig.dp.reset();
  rig.ports.clear();
  DatapathConfig cfg;
  cfg.upcall_rate = 1;  // one upcall per second...
  cfg.upcall_burst = 4; // ...after a burst of four
  rig.dp = std::make_unique<Datapath>(rig.versions, cfg);
  for (const XlatePort& xp : s.ports.all()) {
    if (xp.of_port >= kOfppMax) continue;
    auto port = std::make_unique<RecordPort>(xp.name, rig.pool, true);
    rig.ports[xp.name] = port.get();
    ASSERT_FALSE(rig.dp->add_port(std::move(port), xp.of_port, xp.odp_port));
  }
  rig.pmd = std::make_unique<Pmd>(*rig.dp, 0);

  // vm1 -> vm2 unicast: one megaflow covers every UDP port pair.
  auto frame = [](uint16_t sport) {
    return PacketBuilder()
        .eth({0, 0, 0, 0, 1, 1}, {0, 0, 0, 0, 1, 2})
        .ipv4(0x0a00010b, 0x0a00010c)
        .udp(sport, 80)
        .build();
  };
  rig.send(1, {frame(1)});
  ASSERT_EQ(rig.ports.at("vm2")->frames.size(), 1u);
  // A flood of new flows from vm1 with new source MACs (each its own
  // megaflow) mixed with cached traffic.
  std::vector<std::vector<uint8_t>> burst;
  for (int i = 0; i < 1000; i++) {
    if (i % 2 == 0) {
      burst.push_back(frame(static_cast<uint16_t>(2 + i)));
    } else {
      burst.push_back(PacketBuilder()
                          .eth({0, 0, 0, 0x0e, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)},
                               {0, 0, 0, 0, 1, 2})
                          .ipv4(0x0a00010b, 0x0a00010c)
                          .udp(7, 7)
                          .build());
    }
  }
  rig.send(1, burst);
  const PmdCounters c = rig.pmd->counters();
  EXPECT_EQ(rig.ports.at("vm2")->frames.size(), 1u + 500u) << "cached traffic was not forwarded";
  // 500 distinct new flows against a budget of 3 tokens left (plus what
  // refills in the few milliseconds the burst takes).
  EXPECT_LE(c[PmdCounter::kMiss], 1u + 4u + 1u);
  EXPECT_GE(c[PmdCounter::kLost], 494u);
  EXPECT_EQ(c[PmdCounter::kMiss] + c[PmdCounter::kLost], 1u + 500u);
  EXPECT_EQ(c.drop(DropReason::kUpcallLimit), c[PmdCounter::kLost]);
  EXPECT_EQ(rig.pool.outstanding(), 0u);
}

// Megaflows idle for longer than max_idle_ms are deleted by the
// revalidator; the next packet upcalls again.
TEST(DatapathLoop, IdleMegaflowsExpire) {
  control::Scenario s = load("a-ls-portsec");
  const std::vector<FlowKey> flows = trace_flows(s, "a-ls-portsec");
  Rig rig(s, true);
  run(rig, traffic(flows, 200, 5));
  const size_t n = rig.pmd->n_flows();
  ASSERT_GT(n, 0u);
  Revalidator reval(*rig.dp);
  reval.run_once();  // not idle yet (max_idle 10 s)
  rig.pmd->apply_requests();
  EXPECT_EQ(rig.pmd->n_flows(), n);

  DatapathConfig cfg = rig.dp->config();
  EXPECT_EQ(cfg.max_idle_ms, 10000u);
  // A second datapath with a short idle time, same traffic.
  cfg.max_idle_ms = 50;
  cfg.upcall_rate = 0;
  Datapath dp2(rig.versions, cfg);
  for (const XlatePort& xp : s.ports.all()) {
    if (xp.of_port >= kOfppMax) continue;
    ASSERT_FALSE(dp2.add_port(std::make_unique<RecordPort>(xp.name, rig.pool, false), xp.of_port,
                              xp.odp_port));
  }
  Pmd pmd2(dp2, 0);
  const auto t = traffic(flows, 200, 5);
  for (const auto& [in, f] : t) {
    DpPacket p;
    ASSERT_TRUE(rig.pool.make(f, p));
    pmd2.process(in, rig.pool, &p, 1);
  }
  const size_t n2 = pmd2.n_flows();
  ASSERT_GT(n2, 0u);
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  Revalidator reval2(dp2);
  reval2.run_once();
  pmd2.apply_requests();
  EXPECT_EQ(pmd2.n_flows(), 0u);
  EXPECT_EQ(reval2.stats().deleted_idle, n2);
}

}  // namespace
}  // namespace dpuflow::dataplane
