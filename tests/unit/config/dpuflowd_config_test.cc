// The built dpuflowd with a configuration file: --check-config prints every
// error as FILE:LINE:COL: KEY: message and exits 2 (0 when valid) without
// starting anything; --config runs the bridge the file names.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace {

struct Outcome {
  int status = -1;  // exit code, or -1 if it did not exit normally
  std::string err;
};

class DpuflowdConfig : public testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dpuflowd-config-test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  Outcome run(const std::string& args) {
    const std::string err_path = dir_ + "/stderr";
    const std::string cmd = std::string(DPUFLOWD) + " " + args + " >/dev/null 2>" + err_path;
    const int st = std::system(cmd.c_str());
    Outcome r;
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    std::ifstream in(err_path);
    std::stringstream s;
    s << in.rdbuf();
    r.err = s.str();
    return r;
  }

  std::string dir_;
};

TEST_F(DpuflowdConfig, CheckConfigReportsEveryErrorWithPositionAndKey) {
  const std::string bad = write("bad.toml",
                                "bridge = \"br-int\"\n"
                                "[[ports]]\n"
                                "name = \"a\"\n"
                                "devargs = \"net_ring0\"\n"
                                "ofport = 3\n"
                                "role = \"uplink\"\n"
                                "[[ports]]\n"
                                "name = \"b\"\n"
                                "devargs = \"net_ring1\"\n"
                                "ofport = 3\n"
                                "role = \"representor\"\n"
                                "[pmd]\n"
                                "count = 100\n"
                                "turbo = true\n");
  const Outcome r = run("--check-config " + bad);
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find(bad + ":10:10: ports[1].ofport: ofport 3 is already used by ports[0]"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(bad + ":13:9: pmd.count: 100 is out of range; allowed: 1..64"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(bad + ":14:1: pmd.turbo: unknown key in [pmd]; allowed keys: count, cores"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("3 errors"), std::string::npos) << r.err;
}

TEST_F(DpuflowdConfig, CheckConfigReportsASyntaxError) {
  const std::string bad = write("syntax.toml", "[eal\n");
  const Outcome r = run("--check-config " + bad);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(bad + ":1:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("TOML syntax error"), std::string::npos) << r.err;
}

TEST_F(DpuflowdConfig, CheckConfigAcceptsTheShippedFiles) {
  for (const char* f : {"demo.toml", "dpuflowd.toml"}) {
    const Outcome r = run(std::string("--check-config ") + DPUFLOW_CONFIG_DIR + "/" + f);
    EXPECT_EQ(r.status, 0) << f << ": " << r.err;
    EXPECT_EQ(r.err, "") << f;
  }
}

TEST_F(DpuflowdConfig, CheckConfigOnAMissingFileFails) {
  const Outcome r = run("--check-config " + dir_ + "/absent.toml");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("cannot read"), std::string::npos) << r.err;
}

TEST_F(DpuflowdConfig, ConfigWithErrorsDoesNotStart) {
  const std::string run_dir = dir_ + "/run";
  const std::string bad = write("bad.toml", "run_dir = \"" + run_dir + "\"\nbridge = 1\n");
  const Outcome r = run("--config " + bad);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(bad + ":2:10: bridge:"), std::string::npos) << r.err;
  struct stat st;
  EXPECT_NE(stat(run_dir.c_str(), &st), 0) << "the run directory was created";
}

// --config sets the run directory and the bridge: the OpenFlow socket
// appears as RUN_DIR/BRIDGE.mgmt.  SIGTERM ends it cleanly.
TEST_F(DpuflowdConfig, ConfigRunsTheBridgeItNames) {
  const std::string run_dir = dir_ + "/run";
  const std::string cfg =
      write("good.toml", "run_dir = \"" + run_dir + "\"\nbridge = \"br-cfg\"\n");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    freopen("/dev/null", "w", stderr);
    execl(DPUFLOWD, DPUFLOWD, "--config", cfg.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const std::string sock = run_dir + "/br-cfg.mgmt";
  const std::string pidfile = run_dir + "/dpuflowd.pid";
  struct stat st;
  bool up = false;
  for (int i = 0; i < 200 && !up; i++) {
    up = stat(sock.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && stat(pidfile.c_str(), &st) == 0;
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_TRUE(up) << sock;
  kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
