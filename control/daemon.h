// dpuflowd's wiring: one bridge (an OfSwitch over a PipelineVersions), its
// OpenFlow listener `<run_dir>/<bridge>.mgmt`, the control socket
// `<run_dir>/dpuflowd.ctl` (plus `dpuflowd.<pid>.ctl`, where
// `ovs-appctl -t dpuflowd` looks for it) with its commands, and the locked
// pidfile `<run_dir>/dpuflowd.pid`, all driven by one poll loop on the
// control thread.
//
// Design note
// - Start-up either completes or fails with a message naming what could not
//   be done (a socket path, a pidfile held by another pid); nothing is left
//   behind on failure.
// - The loop polls every socket, services what is ready, then lets the
//   OpenFlow server publish staged pipeline changes when its input is idle.
//   SIGTERM/SIGINT and `ovs-appctl exit` end the loop; everything is
//   unlinked on the way out.
// - Later issues add ports, the fast path and the config file here; the
//   minimal form (no ports, pipeline only) keeps working.
//
// Thread safety: a Daemon lives on the thread that calls run().
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "control/openflow/server.h"
#include "control/openflow/switch.h"
#include "control/appctl/commands.h"
#include "control/appctl/pidfile.h"
#include "control/appctl/server.h"
#include "control/vlog.h"
#include "dataplane/pipeline/pipeline.h"

namespace dpuflow::control {

struct DaemonOptions {
  std::string run_dir = "/run/dpuflow";
  std::string bridge = "br-int";
  std::string unixctl;  // default <run_dir>/dpuflowd.ctl
  std::string pidfile;  // default <run_dir>/dpuflowd.pid
};

class Daemon {
 public:
  explicit Daemon(DaemonOptions opts);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Creates the run directory, takes the pidfile and opens both sockets.
  [[nodiscard]] std::optional<std::string> start();
  // Serves until exit is requested.  Returns the process exit code.
  int run();
  void request_exit() { exit_.store(true); }

  OfSwitch& of_switch() { return *switch_; }
  Vlog& vlog() { return vlog_; }

 private:
  void register_commands();
  void stop();

  DaemonOptions opts_;
  dataplane::PipelineVersions versions_;
  std::unique_ptr<OfSwitch> switch_;
  std::unique_ptr<OfServer> of_server_;
  CommandRegistry commands_{"dpuflowd", DPUFLOW_VERSION};
  std::unique_ptr<UnixctlServer> unixctl_;
  std::optional<Pidfile> pidfile_;
  std::string pid_ctl_link_;
  Vlog vlog_{{"dpuflowd", "ofproto", "ofconn", "unixctl"}};
  std::atomic<bool> exit_{false};
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

// An OfLogSink writing to `module` of `vlog`.
OfLogSink log_sink(Vlog& vlog, std::string_view module);

// Exit on SIGTERM/SIGINT: installs handlers that ask `d` to exit.
void exit_on_signals(Daemon& d);

}  // namespace dpuflow::control
