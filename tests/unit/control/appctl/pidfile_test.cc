// The pidfile as ovs-appctl -t NAME checks it: "<pid>\n", write-locked by
// that pid for as long as the Pidfile lives.  POSIX locks are per process,
// so every check of the lock, and every read of the file while this process
// holds it (a close() would drop the lock), runs in a forked child.
#include "control/appctl/pidfile.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

namespace dpuflow::control {
namespace {

namespace fs = std::filesystem;

// Runs `body` in a child process; returns what it wrote to the pipe.
std::string in_child(const std::function<std::string()>& body) {
  int p[2];
  if (pipe(p) != 0) return "pipe failed";
  const pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    const std::string out = body();
    const ssize_t n = write(p[1], out.data(), out.size());
    _exit(n == static_cast<ssize_t>(out.size()) ? 0 : 1);
  }
  close(p[1]);
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = read(p[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(p[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return out;
}

// What ovs-appctl's pidfile check sees, from another process: the pid of
// the write lock's holder (0 if unlocked) and the file's text.
std::string observe(const std::string& path) {
  return in_child([&] {
    const int fd = open(path.c_str(), O_RDONLY);
    if (fd < 0) return std::string("cannot open");
    struct flock lk{};
    lk.l_type = F_WRLCK;
    lk.l_whence = SEEK_SET;
    const int rc = fcntl(fd, F_GETLK, &lk);
    char buf[64];
    const ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    const pid_t holder = rc == 0 && lk.l_type != F_UNLCK ? lk.l_pid : 0;
    return "locked by " + std::to_string(holder) + ", text " +
           std::string(buf, n > 0 ? static_cast<size_t>(n) : 0);
  });
}

class PidfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pidfile_test.XXXXXX";
    const char* d = mkdtemp(tmpl);
    ASSERT_NE(d, nullptr);
    dir_ = d;
    path_ = dir_ + "/ovs-vswitchd.pid";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string dir_, path_;
};

TEST_F(PidfileTest, WritesOurPidLockedAndUnlinksOnDestruction) {
  {
    auto r = Pidfile::create(path_);
    ASSERT_TRUE(std::holds_alternative<Pidfile>(r)) << std::get<PidfileError>(r).to_string();
    const Pidfile& pf = std::get<Pidfile>(r);
    EXPECT_EQ(pf.pid(), getpid());
    EXPECT_EQ(pf.path(), path_);
    const std::string me = std::to_string(getpid());
    EXPECT_EQ(observe(path_), "locked by " + me + ", text " + me + "\n");
  }
  EXPECT_FALSE(fs::exists(path_));
}

TEST_F(PidfileTest, SecondInstanceFailsNamingTheRunningPid) {
  auto r = Pidfile::create(path_);
  ASSERT_TRUE(std::holds_alternative<Pidfile>(r));
  const std::string me = std::to_string(getpid());
  const std::string child = in_child([&] {
    auto second = Pidfile::create(path_);
    if (std::holds_alternative<Pidfile>(second)) return std::string("second create succeeded");
    const auto& e = std::get<PidfileError>(second);
    return std::to_string(e.holder) + "|" + e.to_string();
  });
  EXPECT_EQ(child, me + "|pidfile \"" + path_ + "\" is locked: already running as pid " + me);
  // The running instance's pidfile is untouched.
  EXPECT_EQ(observe(path_), "locked by " + me + ", text " + me + "\n");
}

TEST_F(PidfileTest, LockHeldByAnotherProcessThenReleased) {
  // A child takes the pidfile, reports, waits for us, and dies without
  // cleaning up: its file stays, unlocked, with its pid in it.
  int ready[2], go[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(go), 0);
  const pid_t child = fork();
  if (child == 0) {
    auto r = Pidfile::create(path_);
    const char ok = std::holds_alternative<Pidfile>(r) ? 'y' : 'n';
    if (write(ready[1], &ok, 1) != 1) _exit(2);
    char c;
    if (read(go[0], &c, 1) != 1) _exit(3);
    _exit(0);  // no destructor: a crash, as far as the file is concerned
  }
  char ok = 0;
  ASSERT_EQ(read(ready[0], &ok, 1), 1);
  ASSERT_EQ(ok, 'y');

  auto busy = Pidfile::create(path_);
  ASSERT_TRUE(std::holds_alternative<PidfileError>(busy));
  EXPECT_EQ(std::get<PidfileError>(busy).holder, child);

  ASSERT_EQ(write(go[1], "x", 1), 1);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_EQ(observe(path_), "locked by 0, text " + std::to_string(child) + "\n");

  // Stale now: taken over, rewritten with our pid.
  auto ours = Pidfile::create(path_);
  ASSERT_TRUE(std::holds_alternative<Pidfile>(ours)) << std::get<PidfileError>(ours).to_string();
  const std::string me = std::to_string(getpid());
  EXPECT_EQ(observe(path_), "locked by " + me + ", text " + me + "\n");
  for (int fd : {ready[0], ready[1], go[0], go[1]}) close(fd);
}

TEST_F(PidfileTest, LongerStaleContentIsTruncated) {
  std::ofstream(path_) << "1234567890123\nleftover\n";
  auto r = Pidfile::create(path_);
  ASSERT_TRUE(std::holds_alternative<Pidfile>(r));
  const std::string me = std::to_string(getpid());
  EXPECT_EQ(observe(path_), "locked by " + me + ", text " + me + "\n");
}

TEST_F(PidfileTest, MovedPidfileKeepsTheLock) {
  auto r = Pidfile::create(path_);
  ASSERT_TRUE(std::holds_alternative<Pidfile>(r));
  {
    Pidfile moved = std::move(std::get<Pidfile>(r));
    EXPECT_EQ(observe(path_).substr(0, 10), "locked by ");
    EXPECT_NE(observe(path_), "locked by 0, text " + std::to_string(getpid()) + "\n");
  }
  EXPECT_FALSE(fs::exists(path_));
}

TEST_F(PidfileTest, OpenErrorNamesThePath) {
  const std::string bad = dir_ + "/no/such/dir/x.pid";
  auto r = Pidfile::create(bad);
  ASSERT_TRUE(std::holds_alternative<PidfileError>(r));
  const auto& e = std::get<PidfileError>(r);
  EXPECT_EQ(e.err, ENOENT);
  EXPECT_EQ(e.holder, 0);
  EXPECT_EQ(e.to_string(), "open pidfile \"" + bad + "\": No such file or directory");
}

}  // namespace
}  // namespace dpuflow::control
