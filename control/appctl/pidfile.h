// The daemon's pidfile, written the way `ovs-appctl -t NAME` reads it:
// `$OVS_RUNDIR/NAME.pid` holds "<pid>\n" and is write-locked (POSIX record
// lock over the whole file) by that pid; ovs-appctl then connects to
// `$OVS_RUNDIR/NAME.<pid>.ctl`.  An unlocked pidfile is treated as stale by
// ovs-appctl ("No such process"), so the lock is the liveness signal.
//
// Design note
// - create() opens or creates the file, takes the lock with
//   fcntl(F_SETLK, F_WRLCK, start 0, len 0) without waiting, and only then
//   truncates and writes, so a second instance fails with the running
//   one's pid and leaves its pidfile alone.  The lock lives as long as the
//   Pidfile: the descriptor stays open; destruction unlinks the file, then
//   closes it.
// - POSIX locks belong to the process, not the descriptor: closing ANY
//   descriptor of this file in the owning process drops the lock.  So do
//   not open the pidfile elsewhere in the daemon (read it from another
//   process), and keep one Pidfile per path per process (a second create()
//   in the same process would succeed, since a process never conflicts
//   with itself).  Locks are not inherited across fork().
//
// Thread safety: a value owned by one thread; create() is start-up work.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <variant>

namespace dpuflow::control {

struct PidfileError {
  std::string op;  // "open", "lock", "write"
  std::string path;
  int err = 0;       // errno of the failed call
  pid_t holder = 0;  // the pid holding the lock, when that is the cause

  // `pidfile "/run/x.pid" is locked: already running as pid 1234`, or
  // `open pidfile "/run/x.pid": Permission denied`
  std::string to_string() const;
};

class Pidfile {
 public:
  // Creates and locks `path` for the calling process.
  [[nodiscard]] static std::variant<Pidfile, PidfileError> create(std::string path);

  Pidfile(Pidfile&& other) noexcept;
  Pidfile& operator=(Pidfile&& other) noexcept;
  Pidfile(const Pidfile&) = delete;
  Pidfile& operator=(const Pidfile&) = delete;
  ~Pidfile();

  const std::string& path() const { return path_; }
  pid_t pid() const { return pid_; }

 private:
  Pidfile(std::string path, int fd, pid_t pid) : path_(std::move(path)), fd_(fd), pid_(pid) {}
  void release();

  std::string path_;
  int fd_ = -1;
  pid_t pid_ = 0;
};

}  // namespace dpuflow::control
