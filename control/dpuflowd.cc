// dpuflowd: the dpuflow dataplane service.  In this version it runs one
// bridge with no ports (the OpenFlow pipeline only), serves OpenFlow on
// <run-dir>/<bridge>.mgmt and the ovs-appctl control socket on
// <run-dir>/dpuflowd.ctl.
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
  app.set_version_flag("--version", std::string("dpuflowd ") + DPUFLOW_VERSION);
  CLI11_PARSE(app, argc, argv);

  dpuflow::control::Daemon d(opts);
  if (auto err = d.start()) {
    fmt::print(stderr, "dpuflowd: {}\n", *err);
    return 1;
  }
  dpuflow::control::exit_on_signals(d);
  d.vlog().log(d.vlog().module_index("dpuflowd"), dpuflow::control::VlogLevel::kInfo,
               fmt::format("dpuflowd {} started: bridge {} on {}/{}.mgmt, control socket {}",
                           DPUFLOW_VERSION, opts.bridge, opts.run_dir, opts.bridge,
                           opts.unixctl.empty() ? opts.run_dir + "/dpuflowd.ctl" : opts.unixctl));
  return d.run();
}
