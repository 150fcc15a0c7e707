#include "control/appctl/server.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <system_error>
#include <utility>

#include <fmt/format.h>

namespace dpuflow::control {

struct UnixctlServer::Connection {
  explicit Connection(int fd_) : fd(fd_) {}
  int fd;
  JsonRpcFramer framer;
  std::string out;     // reply bytes not yet written
  size_t out_off = 0;  // written prefix of `out`
  bool peer_closed = false;  // read() saw EOF
  bool unprocessed = false;  // the framer may hold complete requests

  bool output_pending() const { return out_off < out.size(); }
};

namespace {

constexpr size_t kKeepOutputCapacity = 64 * 1024;

bool make_address(const std::string& path, sockaddr_un& addr) {
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, path.data(), path.size());
  return true;
}

}  // namespace

std::string UnixctlServerError::to_string() const {
  return fmt::format("{} \"{}\": {}", op, path,
                     detail.empty() ? std::error_code(err, std::generic_category()).message()
                                    : detail);
}

UnixctlServer::UnixctlServer(std::string path, const CommandRegistry& commands)
    : path_(std::move(path)), commands_(commands), read_buf_(kReadChunk) {}

UnixctlServer::~UnixctlServer() { stop(); }

std::optional<UnixctlServerError> UnixctlServer::start() {
  if (listen_fd_ >= 0) return UnixctlServerError{"start", path_, EALREADY, "already listening"};
  sockaddr_un addr;
  if (!make_address(path_, addr)) {
    return UnixctlServerError{"bind", path_, ENAMETOOLONG,
                              fmt::format("socket path must be 1 to {} bytes long",
                                          sizeof addr.sun_path - 1)};
  }

  struct stat st;
  if (lstat(path_.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return UnixctlServerError{"bind", path_, EEXIST, "exists and is not a socket"};
    }
    // A socket file: stale (left by a crash) unless someone listens on it.
    const int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (probe < 0) return UnixctlServerError{"socket", path_, errno, {}};
    const int rc = connect(probe, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    const int connect_errno = errno;
    close(probe);
    if (rc == 0 || connect_errno == EAGAIN) {
      return UnixctlServerError{"bind", path_, EADDRINUSE, "another server is listening on it"};
    }
    if (connect_errno != ECONNREFUSED && connect_errno != ENOENT) {
      return UnixctlServerError{"connect", path_, connect_errno, {}};
    }
    if (unlink(path_.c_str()) != 0 && errno != ENOENT) {
      return UnixctlServerError{"unlink", path_, errno, {}};
    }
  } else if (errno != ENOENT) {
    return UnixctlServerError{"lstat", path_, errno, {}};
  }

  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return UnixctlServerError{"socket", path_, errno, {}};
  if (bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const int e = errno;
    close(fd);
    return UnixctlServerError{"bind", path_, e, {}};
  }
  if (listen(fd, 64) != 0) {
    const int e = errno;
    close(fd);
    unlink(path_.c_str());
    return UnixctlServerError{"listen", path_, e, {}};
  }
  if (lstat(path_.c_str(), &st) == 0) {
    socket_dev_ = st.st_dev;
    socket_ino_ = st.st_ino;
  }
  listen_fd_ = fd;
  return std::nullopt;
}

void UnixctlServer::stop() {
  for (const auto& c : conns_) close(c->fd);
  conns_.clear();
  if (listen_fd_ >= 0) {
    close(listen_fd_);
    listen_fd_ = -1;
    // Not if another server has replaced our socket file meanwhile.
    struct stat st;
    if (lstat(path_.c_str(), &st) == 0 && st.st_dev == socket_dev_ && st.st_ino == socket_ino_) {
      unlink(path_.c_str());
    }
  }
}

void UnixctlServer::fds(std::vector<pollfd>& out) const {
  if (listen_fd_ >= 0) out.push_back(pollfd{listen_fd_, POLLIN, 0});
  for (const auto& c : conns_) {
    short events = 0;
    if (c->output_pending() || c->unprocessed) {
      events = POLLOUT;  // writable: finish the reply, then the queued requests
    } else if (!c->peer_closed) {
      events = POLLIN;
    }
    out.push_back(pollfd{c->fd, events, 0});
  }
}

void UnixctlServer::service(const pollfd& p) {
  if (p.revents == 0) return;
  if (p.fd == listen_fd_ && listen_fd_ >= 0) {
    accept_all();
    return;
  }
  const auto it = std::find_if(conns_.begin(), conns_.end(),
                               [&](const auto& c) { return c->fd == p.fd; });
  if (it == conns_.end()) return;
  if (!service_connection(**it, p.revents)) {
    close((*it)->fd);
    conns_.erase(it);
  }
}

UnixctlCounters UnixctlServer::counters() const {
  constexpr auto r = std::memory_order_relaxed;
  return UnixctlCounters{counters_.connections.load(r), counters_.rejected.load(r),
                         counters_.requests.load(r), counters_.errors.load(r),
                         counters_.protocol_errors.load(r)};
}

void UnixctlServer::accept_all() {
  // Bounded, so a connection storm cannot hold the loop.
  for (int i = 0; i < 16; ++i) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN, or out of descriptors: poll will tell us again
    }
    if (conns_.size() >= kMaxConnections) {
      close(fd);
      counters_.rejected.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    conns_.push_back(std::make_unique<Connection>(fd));
    counters_.connections.fetch_add(1, std::memory_order_relaxed);
  }
}

bool UnixctlServer::service_connection(Connection& c, short revents) {
  if (revents & (POLLERR | POLLNVAL)) return false;
  if (!flush(c)) return false;
  if (c.output_pending()) return true;
  // Read only when every request read so far is answered: this bounds the
  // framer's buffer to one partial message plus one read.
  if (!c.unprocessed && !c.peer_closed && (revents & (POLLIN | POLLHUP))) {
    const ssize_t n = recv(c.fd, read_buf_.data(), read_buf_.size(), MSG_DONTWAIT);
    if (n > 0) {
      c.framer.feed(std::string_view(read_buf_.data(), static_cast<size_t>(n)));
    } else if (n == 0) {
      c.peer_closed = true;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return false;
    }
  }
  if (!process(c)) return false;
  // A peer that closed its side gets what it asked for, then we close.
  return !(c.peer_closed && !c.output_pending() && !c.unprocessed);
}

bool UnixctlServer::process(Connection& c) {
  c.unprocessed = false;
  for (int n = 0; !c.output_pending(); ++n) {
    if (n == kRequestsPerService) {
      c.unprocessed = true;
      return true;
    }
    std::optional<JsonRpcMessage> m = c.framer.next();
    if (!m) return true;
    if (const auto* req = std::get_if<JsonRpcRequest>(&*m)) {
      const CommandResult res = commands_.run(req->method, req->params);
      if (!res.ok) counters_.errors.fetch_add(1, std::memory_order_relaxed);
      c.out = res.ok ? encode_result(req->id, res.text) : encode_error(req->id, res.text);
    } else if (const auto* bad = std::get_if<JsonRpcNonStringArg>(&*m)) {
      counters_.errors.fetch_add(1, std::memory_order_relaxed);
      c.out = encode_error(bad->id, commands_.non_string_arg_error(bad->method, bad->n_params));
    } else {
      counters_.protocol_errors.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    counters_.requests.fetch_add(1, std::memory_order_relaxed);
    c.out_off = 0;
    if (!flush(c)) return false;
  }
  // Stopped on a partly written reply: requests may follow in the framer.
  c.unprocessed = true;
  return true;
}

bool UnixctlServer::flush(Connection& c) {
  while (c.output_pending()) {
    const ssize_t n = send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off,
                           MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      c.out_off += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return true;
    } else {
      return false;  // EPIPE, ECONNRESET: the client is gone
    }
  }
  if (c.out.capacity() > kKeepOutputCapacity) {
    std::string().swap(c.out);
  } else {
    c.out.clear();
  }
  c.out_off = 0;
  return true;
}

}  // namespace dpuflow::control
