// dpuflowd: the dpuflow dataplane service.  It runs one bridge, serves
// OpenFlow on <run-dir>/<bridge>.mgmt and the ovs-appctl control socket on
// <run-dir>/dpuflowd.ctl, and forwards packets between DPDK ports given
// with --port (or added later with `ovs-appctl dpuflow/add-port`).  With no
// ports it runs the OpenFlow pipeline only and never starts DPDK.
//
// --config FILE takes the options from a TOML file (config/dpuflowd.toml
// shows every key); options also given on the command line override the
// file's, and --port adds ports after the file's.  --check-config FILE
// validates a file, prints every error and starts nothing.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "config/config.h"
#include "control/daemon.h"

namespace {

using dpuflow::config::Config;
using dpuflow::control::DaemonOptions;

// The part of a Config the daemon uses today; the rest (offload, metrics,
// logging, socket group, port roles, hugepages) is validated and waits for
// the issues that add those parts (config/README.md).
DaemonOptions options_from(const Config& c) {
  DaemonOptions o;
  o.run_dir = c.run_dir;
  o.bridge = c.bridge;
  for (const auto& p : c.ports) o.ports.push_back({p.name, p.devargs, p.ofport});
  o.n_pmds = c.pmd.count;
  o.pmd_cores.assign(c.pmd.cores.begin(), c.pmd.cores.end());
  o.eal_cores = c.eal.cores;
  o.eal_args = c.eal.args;
  o.eal_memory_mb = c.eal.memory_mb;
  o.datapath.emc_insert_inv_prob = c.datapath.emc_insert_inv_prob;
  o.datapath.max_idle_ms = c.datapath.max_idle_ms;
  o.datapath.flow_limit = c.datapath.flow_limit;
  o.datapath.upcall_rate = c.datapath.upcall_rate;
  o.datapath.upcall_burst = c.datapath.upcall_burst;
  return o;
}

// Prints every error as FILE:LINE:COL: KEY: message; false if there were any.
bool load(const std::string& path, Config* out) {
  dpuflow::config::ConfigResult r = dpuflow::config::load_config_file(path);
  for (const auto& e : r.errors) fmt::print(stderr, "{}\n", dpuflow::config::format_error(path, e));
  if (!r.ok()) {
    fmt::print(stderr, "dpuflowd: {}: {} error{}\n", path, r.errors.size(),
               r.errors.size() == 1 ? "" : "s");
    return false;
  }
  *out = *r.config;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dpuflowd - the dpuflow dataplane service (an ovs-vswitchd for OVN on DPUs)"};
  DaemonOptions opts;
  std::string config_path;
  std::string check_path;
  auto* config_opt = app.add_option("--config", config_path,
                                    "take the options from this TOML file (config/dpuflowd.toml); "
                                    "options given here override it")
                         ->type_name("FILE");
  app.add_option("--check-config", check_path,
                 "validate this TOML file, print every error, exit 0 if valid else 2")
      ->type_name("FILE")
      ->excludes(config_opt);
  app.add_option("--run-dir", opts.run_dir, "where the sockets and the pidfile live")
      ->capture_default_str();
  app.add_option("--bridge", opts.bridge, "the bridge to run")->capture_default_str();
  app.add_option("--unixctl", opts.unixctl, "control socket path (default RUN_DIR/dpuflowd.ctl)");
  app.add_option("--pidfile", opts.pidfile, "pidfile path (default RUN_DIR/dpuflowd.pid)");
  std::vector<std::string> ports;
  app.add_option("--port", ports,
                 "a DPDK port: NAME[@OFPORT]=DEVARGS, e.g. vm1@1=net_pcap0,rx_pcap=in.pcap "
                 "(repeatable)");
  app.add_option("--pmds", opts.n_pmds, "PMD threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--pmd-cores", opts.pmd_cores, "pin PMD i to the i-th core listed");
  app.add_option("--eal-cores", opts.eal_cores, "the EAL's -l core list")->capture_default_str();
  app.add_option("--eal-arg", opts.eal_args, "an extra EAL argument (repeatable)");
  app.add_option("--mbufs", opts.n_mbufs,
                 "packet buffers in the pool (a net_pcap port with infinite_rx needs one per "
                 "frame of its file)")
      ->capture_default_str()
      ->check(CLI::Range(1024u, 16u * 1024u * 1024u));
  app.add_option("--upcall-rate", opts.datapath.upcall_rate,
                 "upcalls per second per PMD (0: unlimited)")
      ->capture_default_str();
  app.add_option("--max-idle", opts.datapath.max_idle_ms, "ms before an idle megaflow expires")
      ->capture_default_str();
  app.set_version_flag("--version", std::string("dpuflowd ") + DPUFLOW_VERSION);
  CLI11_PARSE(app, argc, argv);

  if (!check_path.empty()) {
    Config unused;
    return load(check_path, &unused) ? 0 : 2;
  }
  if (!config_path.empty()) {
    Config cfg;
    if (!load(config_path, &cfg)) return 2;
    DaemonOptions file = options_from(cfg);
    auto given = [&app](const char* name) { return app.count(name) > 0; };
    if (given("--run-dir")) file.run_dir = opts.run_dir;
    if (given("--bridge")) file.bridge = opts.bridge;
    if (given("--pmds")) file.n_pmds = opts.n_pmds;
    if (given("--pmd-cores")) file.pmd_cores = opts.pmd_cores;
    if (given("--eal-cores")) file.eal_cores = opts.eal_cores;
    if (given("--eal-arg")) file.eal_args = opts.eal_args;
    if (given("--mbufs")) file.n_mbufs = opts.n_mbufs;
    if (given("--upcall-rate")) file.datapath.upcall_rate = opts.datapath.upcall_rate;
    if (given("--max-idle")) file.datapath.max_idle_ms = opts.datapath.max_idle_ms;
    file.unixctl = opts.unixctl;
    file.pidfile = opts.pidfile;
    opts = std::move(file);
  }
  for (const std::string& p : ports) {
    std::string err;
    auto spec = dpuflow::control::parse_port_spec(p, &err);
    if (!spec) {
      fmt::print(stderr, "dpuflowd: --port: {}\n", err);
      return 2;
    }
    opts.ports.push_back(*spec);
  }

  dpuflow::control::Daemon d(opts);
  // Before start(): a SIGTERM while ports come up still ends cleanly.
  dpuflow::control::exit_on_signals(d);
  if (auto err = d.start()) {
    fmt::print(stderr, "dpuflowd: {}\n", *err);
    return 1;
  }
  d.vlog().log(d.vlog().module_index("dpuflowd"), dpuflow::control::VlogLevel::kInfo,
               fmt::format("dpuflowd {} started: bridge {} on {}/{}.mgmt, control socket {}",
                           DPUFLOW_VERSION, opts.bridge, opts.run_dir, opts.bridge,
                           opts.unixctl.empty() ? opts.run_dir + "/dpuflowd.ctl" : opts.unixctl));
  return d.run();
}
