#include "control/daemon.h"

#include "dataplane/datapath/dpdk/mbuf_pool.h"
#include "dataplane/datapath/pmd.h"
#include "dataplane/datapath/revalidator.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <variant>

#include <fmt/format.h>

namespace dpuflow::control {

namespace {

Daemon* g_signal_target = nullptr;  // only for the async-signal handler

void on_signal(int) {
  if (g_signal_target != nullptr) g_signal_target->request_exit();
}

// A datapath id derived from the bridge name, stable across restarts.
uint64_t datapath_id_for(const std::string& bridge) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bridge) h = (h ^ c) * 1099511628211ull;
  return h & 0x0000ffffffffffffull;
}

}  // namespace

void exit_on_signals(Daemon& d) {
  g_signal_target = &d;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

Daemon::Daemon(DaemonOptions opts) : opts_(std::move(opts)) {
  if (opts_.unixctl.empty()) opts_.unixctl = opts_.run_dir + "/dpuflowd.ctl";
  if (opts_.pidfile.empty()) opts_.pidfile = opts_.run_dir + "/dpuflowd.pid";
  switch_ = std::make_unique<OfSwitch>(opts_.bridge, datapath_id_for(opts_.bridge), versions_);
  switch_->set_log(log_sink(vlog_, "ofproto"));
}

OfLogSink log_sink(Vlog& vlog, std::string_view module) {
  const size_t m = vlog.module_index(module);
  return [&vlog, m](OfLogLevel level, std::string_view text) {
    vlog.log(m,
             level == OfLogLevel::kWarn   ? VlogLevel::kWarn
             : level == OfLogLevel::kInfo ? VlogLevel::kInfo
                                          : VlogLevel::kDbg,
             text);
  };
}

Daemon::~Daemon() { stop(); }

std::optional<std::string> Daemon::start() {
  std::error_code ec;
  std::filesystem::create_directories(opts_.run_dir, ec);
  if (ec) return fmt::format("run directory {}: {}", opts_.run_dir, ec.message());
  auto pf = Pidfile::create(opts_.pidfile);
  if (auto* e = std::get_if<PidfileError>(&pf)) return e->to_string();
  pidfile_.emplace(std::move(std::get<Pidfile>(pf)));

  of_server_ = std::make_unique<OfServer>(opts_.run_dir + "/" + opts_.bridge + ".mgmt", *switch_);
  of_server_->set_log(log_sink(vlog_, "ofconn"));
  if (auto e = of_server_->start()) {
    stop();
    return "OpenFlow socket " + *e;
  }
  if (auto e = start_datapath()) {
    stop();
    return "datapath: " + *e;
  }
  register_commands();
  register_datapath_commands();
  register_port_commands();
  unixctl_ = std::make_unique<UnixctlServer>(opts_.unixctl, commands_);
  if (auto e = unixctl_->start()) {
    stop();
    return "control socket " + e->to_string();
  }
  // ovs-appctl -t dpuflowd reads the pidfile, then connects to
  // <rundir>/dpuflowd.<pid>.ctl.
  pid_ctl_link_ = fmt::format("{}/dpuflowd.{}.ctl", opts_.run_dir, getpid());
  ::unlink(pid_ctl_link_.c_str());
  if (::symlink(opts_.unixctl.c_str(), pid_ctl_link_.c_str()) != 0) {
    const std::string e = fmt::format("{}: {}", pid_ctl_link_, std::strerror(errno));
    stop();
    return e;
  }
  return std::nullopt;
}

void Daemon::stop() {
  stop_datapath();
  if (unixctl_) unixctl_->stop();
  unixctl_.reset();
  if (of_server_) of_server_->stop();
  of_server_.reset();
  if (!pid_ctl_link_.empty()) ::unlink(pid_ctl_link_.c_str());
  pid_ctl_link_.clear();
  pidfile_.reset();
}

int Daemon::run() {
  std::vector<pollfd> fds;
  while (!exit_.load()) {
    fds.clear();
    of_server_->fds(fds);
    const size_t n_of = fds.size();
    unixctl_->fds(fds);
    const size_t n_ctl = fds.size();
    if (dp_) fds.push_back(pollfd{dp_->packet_in_fd(), POLLIN, 0});
    const int n = ::poll(fds.data(), fds.size(), 100);
    if (n < 0 && errno != EINTR) {
      fmt::print(stderr, "dpuflowd: poll: {}\n", std::strerror(errno));
      return 1;
    }
    for (size_t i = 0; n > 0 && i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      if (i < n_of) {
        of_server_->service(fds[i]);
      } else if (i < n_ctl) {
        unixctl_->service(fds[i]);
      }
    }
    send_packet_ins();
    // The control thread's own PMD (packet-outs) applies the revalidator's
    // requests here, as a PMD thread does between bursts.
    if (main_pmd_) main_pmd_->apply_requests();
    of_server_->idle();
  }
  switch_->flush();
  stop();
  return 0;
}

}  // namespace dpuflow::control
