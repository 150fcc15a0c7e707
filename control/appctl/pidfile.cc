#include "control/appctl/pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <system_error>
#include <utility>

#include <fmt/format.h>

namespace dpuflow::control {

namespace {

struct flock whole_file_lock(short type) {
  struct flock lk{};
  lk.l_type = type;
  lk.l_whence = SEEK_SET;
  lk.l_start = 0;
  lk.l_len = 0;  // to the end of the file, however long it grows
  return lk;
}

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// True if `path` still names the file open on `fd`.
bool path_names_fd(const std::string& path, int fd) {
  struct stat by_fd, by_path;
  return fstat(fd, &by_fd) == 0 && stat(path.c_str(), &by_path) == 0 &&
         same_file(by_fd, by_path);
}

}  // namespace

std::string PidfileError::to_string() const {
  if (holder > 0) return fmt::format("pidfile \"{}\" is locked: already running as pid {}", path,
                                     holder);
  return fmt::format("{} pidfile \"{}\": {}", op, path,
                     std::error_code(err, std::generic_category()).message());
}

std::variant<Pidfile, PidfileError> Pidfile::create(std::string path) {
  // A few rounds: the file we opened may be unlinked by its exiting owner
  // between our open() and our lock; then we locked a file nobody sees.
  for (int round = 0; round < 5; ++round) {
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return PidfileError{"open", path, errno, 0};

    struct flock lk = whole_file_lock(F_WRLCK);
    if (fcntl(fd, F_SETLK, &lk) != 0) {
      const int e = errno;
      if (e != EAGAIN && e != EACCES) {
        close(fd);
        return PidfileError{"lock", path, e, 0};
      }
      struct flock who = whole_file_lock(F_WRLCK);
      const bool known = fcntl(fd, F_GETLK, &who) == 0 && who.l_type != F_UNLCK;
      close(fd);
      if (known) return PidfileError{"lock", path, e, who.l_pid};
      continue;  // released in between: try again
    }
    if (!path_names_fd(path, fd)) {
      close(fd);
      continue;
    }

    const pid_t pid = getpid();
    const std::string text = fmt::format("{}\n", pid);
    if (ftruncate(fd, 0) != 0 ||
        pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
      const int e = errno;
      unlink(path.c_str());
      close(fd);
      return PidfileError{"write", path, e, 0};
    }
    return Pidfile(std::move(path), fd, pid);
  }
  return PidfileError{"lock", path, EAGAIN, 0};
}

Pidfile::Pidfile(Pidfile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), pid_(other.pid_) {}

Pidfile& Pidfile::operator=(Pidfile&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    pid_ = other.pid_;
  }
  return *this;
}

Pidfile::~Pidfile() { release(); }

void Pidfile::release() {
  if (fd_ < 0) return;
  // Unlink before closing: the file never exists unlocked.  Leave a file
  // that is no longer ours (removed and re-created by someone) in place.
  if (path_names_fd(path_, fd_)) unlink(path_.c_str());
  close(fd_);
  fd_ = -1;
}

}  // namespace dpuflow::control
