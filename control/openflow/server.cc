#include "control/openflow/server.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "control/openflow/ofp_msg.h"

namespace dpuflow::control {

namespace {

constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kMaxQueuedOutput = 8 * 1024 * 1024;

void set_nonblocking(int fd) {
  const int fl = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

}  // namespace

OfServer::OfServer(std::string path, OfSwitch& sw) : path_(std::move(path)), sw_(sw) {}

OfServer::~OfServer() { stop(); }

std::optional<std::string> OfServer::start() {
  sockaddr_un addr{};
  if (path_.size() >= sizeof addr.sun_path) {
    return fmt::format("{}: socket path longer than {} bytes", path_, sizeof addr.sun_path - 1);
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
  listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return fmt::format("{}: socket: {}", path_, std::strerror(errno));
  ::unlink(path_.c_str());
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 64) != 0) {
    const std::string e = fmt::format("{}: {}", path_, std::strerror(errno));
    ::close(listen_fd_);
    listen_fd_ = -1;
    return e;
  }
  set_nonblocking(listen_fd_);
  return std::nullopt;
}

void OfServer::stop() {
  while (!conns_.empty()) close_conn(conns_.begin()->first);
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
    ::unlink(path_.c_str());
  }
}

void OfServer::fds(std::vector<pollfd>& out) const {
  if (listen_fd_ >= 0) out.push_back(pollfd{listen_fd_, POLLIN, 0});
  for (const auto& [fd, c] : conns_) {
    short ev = 0;
    if (!c.closing && c.tx_bytes < kMaxQueuedOutput) ev |= POLLIN;
    if (!c.tx.empty()) ev |= POLLOUT;
    out.push_back(pollfd{fd, ev, 0});
  }
}

void OfServer::service(const pollfd& p) {
  if (p.fd == listen_fd_) {
    if (p.revents & POLLIN) accept_all();
    return;
  }
  auto it = conns_.find(p.fd);
  if (it == conns_.end()) return;
  Conn& c = it->second;
  if (p.revents & POLLOUT) flush_tx(p.fd, c);
  if (conns_.count(p.fd) == 0) return;
  if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
    if (c.tx_bytes >= kMaxQueuedOutput) {
      ++counters_.throttled_rounds;
      return;
    }
    on_readable(p.fd, c);
  }
}

void OfServer::accept_all() {
  for (;;) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return;
    ++counters_.accepted;
    if (log_) log_(OfLogLevel::kDbg, fmt::format("{}: connection {} accepted", path_, fd));
    Conn& c = conns_[fd];
    // Both sides send HELLO at once (OpenFlow 1.3 section 7.5.1).
    c.tx.push_back(encode_hello(OfSwitch::kVersions, 0));
    c.tx_bytes += c.tx.back().size();
    flush_tx(fd, c);
  }
}

void OfServer::on_readable(int fd, Conn& c) {
  uint8_t buf[kReadChunk];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    close_conn(fd);
    return;
  }
  if (n < 0) return;
  counters_.rx_bytes += static_cast<uint64_t>(n);
  last_input_ = OfSwitch::Clock::now();
  c.rx.insert(c.rx.end(), buf, buf + n);
  process(fd, c);
}

void OfServer::process(int fd, Conn& c) {
  size_t ofs = 0;
  std::vector<std::vector<uint8_t>> out;
  while (!c.closing && c.rx.size() - ofs >= kOfpHeaderLen) {
    const auto h = peek_header(std::span(c.rx).subspan(ofs));
    if (h->length < kOfpHeaderLen) {
      ++counters_.framing_errors;
      if (log_) {
        log_(OfLogLevel::kWarn, fmt::format("{}: connection {} sent a header of length {}; "
                                            "closing it (the stream cannot be resynchronised)",
                                            path_, fd, h->length));
      }
      out.push_back(encode_error(c.session.version != 0 ? c.session.version : kOfp15,
                                 OfpError::kBadLen,
                                 std::span(c.rx).subspan(ofs, kOfpHeaderLen)));
      c.closing = true;
      break;
    }
    if (c.rx.size() - ofs < h->length) break;
    if (!sw_.handle(c.session, std::span(c.rx).subspan(ofs, h->length), out)) c.closing = true;
    ofs += h->length;
  }
  c.rx.erase(c.rx.begin(), c.rx.begin() + static_cast<long>(ofs));
  for (auto& m : out) {
    c.tx_bytes += m.size();
    c.tx.push_back(std::move(m));
  }
  flush_tx(fd, c);
}

void OfServer::flush_tx(int fd, Conn& c) {
  while (!c.tx.empty()) {
    const auto& m = c.tx.front();
    const ssize_t n = ::send(fd, m.data() + c.tx_off, m.size() - c.tx_off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return;
      close_conn(fd);
      return;
    }
    counters_.tx_bytes += static_cast<uint64_t>(n);
    c.tx_off += static_cast<size_t>(n);
    if (c.tx_off == m.size()) {
      c.tx_bytes -= m.size();
      c.tx.pop_front();
      c.tx_off = 0;
    }
  }
  if (c.closing) close_conn(fd);
}

void OfServer::send_async(
    const std::function<std::optional<std::vector<uint8_t>>(const OfSession&)>& make) {
  std::vector<int> fds;
  fds.reserve(conns_.size());
  for (const auto& [fd, c] : conns_) fds.push_back(fd);
  for (int fd : fds) {
    auto it = conns_.find(fd);
    if (it == conns_.end() || it->second.closing) continue;
    Conn& c = it->second;
    std::optional<std::vector<uint8_t>> m = make(c.session);
    if (!m) continue;
    if (c.tx_bytes + m->size() > kMaxQueuedOutput) {
      ++counters_.async_dropped;
      continue;
    }
    ++counters_.async_sent;
    c.tx_bytes += m->size();
    c.tx.push_back(std::move(*m));
    flush_tx(fd, c);
  }
}

void OfServer::close_conn(int fd) {
  if (log_) log_(OfLogLevel::kDbg, fmt::format("{}: connection {} closed", path_, fd));
  ::close(fd);
  conns_.erase(fd);
  ++counters_.closed;
}

void OfServer::idle() {
  // Publish once the input has paused for 100 ms (reads and bundle commits
  // publish at once): a stream of flow_mods is published when it ends.
  if (OfSwitch::Clock::now() - last_input_ >= std::chrono::milliseconds(100)) {
    sw_.flush_if_older(std::chrono::milliseconds(0));
  }
}

}  // namespace dpuflow::control
