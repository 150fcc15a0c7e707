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
#include "dataplane/datapath/datapath.h"
#include "dataplane/datapath/mem_port.h"
#include "dataplane/pipeline/pipeline.h"

namespace dpuflow::dataplane {
class MbufPool;
class Pmd;
class Revalidator;
}  // namespace dpuflow::dataplane

namespace dpuflow::control {

// A datapath port: NAME[@OFPORT]=DEVARGS on the command line.
struct PortSpec {
  std::string name;
  std::string devargs;   // DPDK devargs: "net_pcap0,rx_pcap=in.pcap", "0000:03:00.0,representor=[0-3]"
  uint16_t of_port = 0;  // 0: the lowest free
};
// Parses NAME[@OFPORT]=DEVARGS; nullopt with a message naming the problem.
std::optional<PortSpec> parse_port_spec(const std::string& text, std::string* error);

struct DaemonOptions {
  std::string run_dir = "/run/dpuflow";
  std::string bridge = "br-int";
  std::string unixctl;  // default <run_dir>/dpuflowd.ctl
  std::string pidfile;  // default <run_dir>/dpuflowd.pid
  std::vector<PortSpec> ports;          // added at start (more: dpuflow/add-port)
  unsigned n_pmds = 1;                  // PMD threads
  std::vector<int> pmd_cores;           // pin PMD i to pmd_cores[i] (unpinned when absent)
  std::string eal_cores = "0";          // EAL -l
  std::vector<std::string> eal_args;    // extra EAL arguments
  uint32_t n_mbufs = 8192;
  size_t eal_memory_mb = 256;           // EAL -m (without hugepages it is heap memory)
  dataplane::DatapathConfig datapath;   // caches, idle time, flow limit, upcall rate
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
  void register_datapath_commands();
  void stop();
  // The datapath (daemon_datapath.cc): PACKET_OUT/NXT_RESUME in, packet-ins out.
  [[nodiscard]] std::optional<std::string> start_datapath();
  void stop_datapath();
  std::optional<OfpError> run_controller_packet(const dataplane::Match& metadata, uint16_t in_port,
                                                const std::vector<uint8_t>& packet,
                                                const dataplane::ActionList* actions,
                                                uint32_t resume_id);
  void send_packet_ins();
  // Ports and PMDs (daemon_ports.cc).
  [[nodiscard]] std::optional<std::string> ensure_eal();
  [[nodiscard]] std::optional<std::string> add_port(const PortSpec& spec);
  [[nodiscard]] std::optional<std::string> del_port(const std::string& name);
  void register_port_commands();
  void pause_pmds();
  void resume_pmds();

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
  std::unique_ptr<dataplane::Datapath> dp_;
  std::unique_ptr<dataplane::HeapPool> pool_;
  std::unique_ptr<dataplane::MbufPool> mbuf_pool_;  // once the EAL is up
  std::unique_ptr<dataplane::Pmd> main_pmd_;  // the control thread's (packet-outs)
  std::vector<std::unique_ptr<dataplane::Pmd>> pmds_;
  std::unique_ptr<dataplane::Revalidator> reval_;
  uint64_t packet_ins_unencodable_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

// Aborts with the registry's message: registering a command can fail only
// by a programming error (a duplicate name).
void must(std::optional<std::string> err);

// An OfLogSink writing to `module` of `vlog`.
OfLogSink log_sink(Vlog& vlog, std::string_view module);

// Exit on SIGTERM/SIGINT: installs handlers that ask `d` to exit.
void exit_on_signals(Daemon& d);

}  // namespace dpuflow::control
