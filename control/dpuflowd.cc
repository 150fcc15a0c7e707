// dpuflowd: the dpuflow dataplane service.  It runs one bridge, serves
// OpenFlow on <run-dir>/<bridge>.mgmt and the ovs-appctl control socket on
// <run-dir>/dpuflowd.ctl, and forwards packets between DPDK ports given
// with --port (or added later with `ovs-appctl dpuflow/add-port`).  With no
// ports it runs the OpenFlow pipeline only and never starts DPDK.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "control/daemon.h"

int main(int argc, char** argv) {
  CLI::App app{"dpuflowd - the dpuflow dataplane service (an ovs-vswitchd for OVN on DPUs)"};
  dpuflow::control::DaemonOptions opts;
  app.add_option("--run-dir", opts.run_dir, "where the sockets and the pidfile live")
      ->capture_default_str();
  app.add_option("--bridge", opts.bridge, "the bridge to run")->capture_default_str();
  app.add_option("--unixctl", opts.unixctl, "control socket path (default RUN_DIR/dpuflowd.ctl)");
  app.add_option("--pidfile", opts.pidfile, "pidfile path (default RUN_DIR/dpuflowd.pid)");
  std::vector<std::string> ports;
  app.add_option("--port", ports,
                 "a DPDK port: NAME[@OFPORT]=DEVARGS, e.g. vm1@1=net_pcap0,rx_pcap=in.pcap "
                 "(repeatable)");
  app.add_option("--pmds", opts.n_pmds, "PMD threads")->capture_default_str()->check(CLI::Range(1, 64));
  app.add_option("--pmd-cores", opts.pmd_cores, "pin PMD i to the i-th core listed");
  app.add_option("--eal-cores", opts.eal_cores, "the EAL's -l core list")->capture_default_str();
  app.add_option("--eal-arg", opts.eal_args, "an extra EAL argument (repeatable)");
  app.set_version_flag("--version", std::string("dpuflowd ") + DPUFLOW_VERSION);
  CLI11_PARSE(app, argc, argv);
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
