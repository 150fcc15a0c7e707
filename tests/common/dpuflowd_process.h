// A dpuflowd child process for integration tests, driven with the real
// ovs-ofctl / ovs-appctl: its own run directory, dies with the test, and
// its exit is checked (a crash, a sanitizer report or a file left in the
// run directory fails the test that ran it).  Header-only; the including
// test defines DPUFLOWD (the binary's path).
#pragma once

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/common/test_util.h"

namespace dpuflow::testing {

struct Cmd {
  int rc = -1;
  std::string out;  // stdout and stderr
};

inline Cmd sh(const std::string& cmd) {
  Cmd r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = pclose(p);
  r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return r;
}

class Dpuflowd {
 public:
  // `args`: extra dpuflowd arguments (ports, PMD options).
  explicit Dpuflowd(std::vector<std::string> args = {}) {
    namespace fs = std::filesystem;
    dir_ = ::testing::TempDir() + "dpuflowd-" + std::to_string(getpid()) + "-" +
           std::to_string(counter_++);
    fs::remove_all(dir_);
    pid_ = fork();
    if (pid_ == 0) {
      // Dies with the test, even if the test is killed.
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      const std::string log = dir_ + ".log";
      freopen(log.c_str(), "w", stderr);
      std::vector<const char*> argv{DPUFLOWD, "--run-dir", dir_.c_str()};
      for (const std::string& a : args) argv.push_back(a.c_str());
      argv.push_back(nullptr);
      execv(DPUFLOWD, const_cast<char* const*>(argv.data()));
      _exit(127);
    }
    // Ready once both sockets and the pidfile exist (the control socket
    // comes last, after the datapath and its ports are up).
    for (int i = 0; i < 500 && !(fs::exists(dir_ + "/br-int.mgmt") && fs::exists(dir_ + "/dpuflowd.pid") &&
                                 fs::exists(dir_ + "/dpuflowd.ctl"));
         ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~Dpuflowd() {
    namespace fs = std::filesystem;
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int st = 0;
      waitpid(pid_, &st, 0);
      // SIGTERM is a clean exit; anything else (a crash, a sanitizer
      // report, a leak) fails the test that ran it.
      const std::string log = read_file(dir_ + ".log");
      if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
          log.find("Sanitizer") != std::string::npos || log.find("runtime error") != std::string::npos) {
        ADD_FAILURE() << "dpuflowd did not exit cleanly (status " << st << "):\n" << log;
      }
      // Its sockets, pidfile and pid link are gone.
      if (fs::exists(dir_)) {
        for (const auto& e : fs::directory_iterator(dir_)) {
          ADD_FAILURE() << "dpuflowd left " << e.path() << " behind";
        }
      }
    }
    fs::remove_all(dir_);
    fs::remove(dir_ + ".log");
  }
  // An ovs-ofctl / ovs-appctl command line with OVS_RUNDIR set.
  std::string env() const { return "OVS_RUNDIR=" + dir_ + " "; }
  Cmd ofctl(const std::string& version, const std::string& args) const {
    // OpenFlow 1.0 is what plain ovs-ofctl (no -O) speaks: test it so.
    if (version == "OpenFlow10") return sh(env() + "ovs-ofctl " + args);
    return sh(env() + "ovs-ofctl -O " + version + " " + args);
  }
  Cmd appctl(const std::string& args) const {
    return sh(env() + "ovs-appctl --timeout=20 -t dpuflowd " + args);
  }
  const std::string& dir() const { return dir_; }
  std::string file(const std::string& name, const std::string& text) const {
    const std::string p = dir_ + "-" + name;
    std::ofstream(p) << text;
    return p;
  }

 private:
  static inline int counter_ = 0;
  std::string dir_;
  pid_t pid_ = -1;
};

}  // namespace dpuflow::testing
