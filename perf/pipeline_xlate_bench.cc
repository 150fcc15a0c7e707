// xlate per packet on the largest OVN scenario with recorded traces
// (d-lb-nat: 909 flows, load balancers, NAT, routers).  Each iteration
// translates the first pass of one of the scenario's trace flows, round
// robin, as the slow path does on an upcall: table walk, megaflow
// wildcards, datapath actions.  The same loop without wildcard tracking is
// not offered: OVS always tracks them, so that is the figure that matters.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "control/trace/scenario.h"
#include "dataplane/pipeline/pipeline.h"
#include "dataplane/pipeline/xlate.h"

namespace dpuflow {
namespace {

using namespace dataplane;

struct Loaded {
  control::Scenario scenario;
  std::vector<FlowKey> flows;
};

std::string data_dir() {
  const char* env = std::getenv("DPUFLOW_TEST_DATA");
  return env != nullptr ? env : DPUFLOW_TEST_DATA_DEFAULT;
}

const Loaded& loaded() {
  static Loaded* l = [] {
    auto* out = new Loaded;
    const std::string d = data_dir() + "/ovn-scenarios/d-lb-nat/";
    control::ScenarioFiles f;
    f.flows = d + "flows.txt";
    f.groups = d + "groups.txt";
    f.meters = d + "meters.txt";
    f.tlv_map = d + "tlv-map.txt";
    f.dp_ports = d + "dp-ports.txt";
    f.ofports = d + "ofport-iface-map.csv";
    std::string err;
    auto s = control::load_scenario(f, &err);
    if (!s) {
      std::fprintf(stderr, "cannot load %s: %s\n", d.c_str(), err.c_str());
      std::exit(1);
    }
    out->scenario = std::move(*s);
    for (const auto& e : std::filesystem::directory_iterator(d + "traces")) {
      std::ifstream in(e.path());
      std::string first;
      std::getline(in, first);
      size_t a = first.find('\''), b = first.rfind('\'');
      if (a == std::string::npos || b <= a) continue;
      auto k = control::parse_trace_flow(out->scenario, first.substr(a + 1, b - a - 1), &err);
      if (k) out->flows.push_back(*k);
    }
    return out;
  }();
  return *l;
}

void BM_XlateLargestScenario(benchmark::State& state) {
  const Loaded& l = loaded();
  XlateIn in;
  in.pipeline = l.scenario.pipeline.get();
  in.ports = &l.scenario.ports;
  size_t i = 0;
  for (auto _ : state) {
    // A fresh table each time: frozen states (ct, dp_hash) are allocated
    // per translation and freed, so memory stays flat over millions of runs.
    RecircTable recirc(1);
    in.recirc = &recirc;
    in.flow = l.flows[i++ % l.flows.size()];
    XlateOut out = xlate(in);
    benchmark::DoNotOptimize(out.actions);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["rules"] = static_cast<double>(l.scenario.n_flows);
  state.counters["flows"] = static_cast<double>(l.flows.size());
}
BENCHMARK(BM_XlateLargestScenario);

}  // namespace
}  // namespace dpuflow

BENCHMARK_MAIN();
