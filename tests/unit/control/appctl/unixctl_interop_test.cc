// The unixctl server against the real ovs-appctl (OVS 3.1): the server
// runs in a thread of this process, driven by a poll loop as a daemon's
// main loop would, and ovs-appctl is run as a child.  Checks what operators
// and scripts see: stdout, stderr and the exit status, by socket path and
// by name through the pidfile.
#include <gtest/gtest.h>

#include <poll.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "control/appctl/commands.h"
#include "control/appctl/pidfile.h"
#include "control/appctl/server.h"
#include "tests/common/test_util.h"

namespace dpuflow::control {
namespace {

namespace fs = std::filesystem;

struct AppctlRun {
  int rc = -1;
  std::string out, err;
};

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

class AppctlInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::run_command("command -v ovs-appctl").empty()) {
      GTEST_SKIP() << "ovs-appctl is not installed";
    }
    char tmpl[] = "/tmp/unixctl_interop.XXXXXX";
    const char* d = mkdtemp(tmpl);
    ASSERT_NE(d, nullptr);
    dir_ = d;
    // What an OVS daemon named ovs-vswitchd uses with OVS_RUNDIR=dir_.
    auto pf = Pidfile::create(dir_ + "/ovs-vswitchd.pid");
    ASSERT_TRUE(std::holds_alternative<Pidfile>(pf)) << std::get<PidfileError>(pf).to_string();
    pidfile_.emplace(std::move(std::get<Pidfile>(pf)));
    socket_ = dir_ + "/ovs-vswitchd." + std::to_string(getpid()) + ".ctl";

    ASSERT_FALSE(registry_.add("test/echo", "[ARG...]", 0, 10, [](auto args) {
      std::string s;
      for (const auto& a : args) s += (s.empty() ? "" : "|") + a;
      return CommandResult::success(s);
    }));
    ASSERT_FALSE(registry_.add("test/fail", "", 0, 0, [](auto) {
      return CommandResult::failure("no such bridge");
    }));
    ASSERT_FALSE(registry_.add("test/big", "N", 1, 1, [](auto args) {
      std::string s;
      for (size_t i = 0, n = std::stoul(args[0]); i < n; ++i) s += "line " + std::to_string(i) + "\n";
      return CommandResult::success(s);
    }));
    server_ = std::make_unique<UnixctlServer>(socket_, registry_);
    const auto err = server_->start();
    ASSERT_FALSE(err) << err->to_string();
    loop_ = std::thread([this] {
      std::vector<pollfd> fds;
      while (!stop_.load()) {
        fds.clear();
        server_->fds(fds);
        if (poll(fds.data(), fds.size(), 20) <= 0) continue;
        for (const auto& p : fds) server_->service(p);
      }
    });
  }

  void TearDown() override {
    stop_ = true;
    if (loop_.joinable()) loop_.join();
    server_.reset();
    pidfile_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // ovs-appctl with `args` (already quoted), under `env`.
  AppctlRun appctl(const std::string& args, const std::string& env = "") {
    const std::string err_file = dir_ + "/stderr";
    const std::string cmd = env + " ovs-appctl --timeout=10 " + args + " 2>" + err_file;
    AppctlRun r;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return r;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    const int status = pclose(p);
    r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.err = testing::read_file(err_file);
    return r;
  }
  AppctlRun appctl_path(const std::string& args) { return appctl("-t " + socket_ + " " + args); }

  std::string dir_, socket_;
  std::optional<Pidfile> pidfile_;
  CommandRegistry registry_{"ovs-vswitchd", "0.1.0"};
  std::unique_ptr<UnixctlServer> server_;
  std::thread loop_;
  std::atomic<bool> stop_{false};
};

TEST_F(AppctlInterop, ListCommands) {
  const AppctlRun r = appctl_path("list-commands");
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out,
            "The available commands are:\n"
            "  list-commands           \n"
            "  test/big                N\n"
            "  test/echo               [ARG...]\n"
            "  test/fail               \n"
            "  version                 \n");
  EXPECT_EQ(r.err, "");
}

TEST_F(AppctlInterop, Version) {
  const AppctlRun r = appctl_path("version");
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, "ovs-vswitchd (dpuflow) 0.1.0\n");
}

TEST_F(AppctlInterop, ArgumentsArriveVerbatim) {
  const AppctlRun r = appctl_path("test/echo a " + shell_quote("b c") + " " +
                            shell_quote("ünï\"q\\ {}") + " ''");
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, "a|b c|ünï\"q\\ {}|\n");
}

TEST_F(AppctlInterop, LargeOutputArrivesWhole) {
  // As big as a dump-flows of a large OVN deployment: many socket buffers.
  const AppctlRun r = appctl_path("test/big 200000");
  EXPECT_EQ(r.rc, 0) << r.err;
  std::string want;
  for (int i = 0; i < 200000; ++i) want += "line " + std::to_string(i) + "\n";
  EXPECT_EQ(r.out.size(), want.size());
  EXPECT_TRUE(r.out == want);
}

TEST_F(AppctlInterop, UnknownCommandExitsTwoWithOvsText) {
  const AppctlRun r = appctl_path("no/such");
  EXPECT_EQ(r.rc, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("\"no/such\" is not a valid command (use \"list-commands\" to see a list "
                       "of valid commands)\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("server returned an error"), std::string::npos) << r.err;
}

TEST_F(AppctlInterop, CommandErrorsAndArgumentCounts) {
  AppctlRun r = appctl_path("test/fail");
  EXPECT_EQ(r.rc, 2);
  EXPECT_EQ(r.err.rfind("no such bridge\n", 0), 0u) << r.err;
  r = appctl_path("version extra");
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("\"version\" command takes at most 0 arguments\n"), std::string::npos)
      << r.err;
}

TEST_F(AppctlInterop, TargetByNameThroughThePidfile) {
  const std::string env = "OVS_RUNDIR=" + shell_quote(dir_);
  AppctlRun r = appctl("-t ovs-vswitchd test/echo by-name", env);
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, "by-name\n");
  // No -t: ovs-vswitchd is the default target.
  r = appctl("version", env);
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, "ovs-vswitchd (dpuflow) 0.1.0\n");
}

TEST_F(AppctlInterop, UnlockedPidfileIsNotEnough) {
  // The same pid in an unlocked pidfile: ovs-appctl treats it as stale.
  std::ofstream(dir_ + "/unlocked.pid") << getpid() << "\n";
  const AppctlRun r = appctl("-t unlocked version", "OVS_RUNDIR=" + shell_quote(dir_));
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("cannot read pidfile"), std::string::npos) << r.err;
}

TEST_F(AppctlInterop, ManyInvocationsAreCounted) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(appctl_path("test/echo " + std::to_string(i)).rc, 0);
  EXPECT_EQ(appctl_path("no/such").rc, 2);
  const auto c = server_->counters();
  EXPECT_EQ(c.requests, 6u);
  EXPECT_EQ(c.errors, 1u);
  EXPECT_EQ(c.protocol_errors, 0u);
  EXPECT_EQ(c.connections, 6u);
}

}  // namespace
}  // namespace dpuflow::control
