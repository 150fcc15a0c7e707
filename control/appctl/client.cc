#include "control/appctl/client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace dpuflow::control {

std::variant<UnixctlReply, UnixctlClientError> unixctl_call(const std::string& path,
                                                            const std::string& method,
                                                            const std::vector<std::string>& params,
                                                            int timeout_ms) {
  auto fail = [&](const std::string& what) {
    return UnixctlClientError{fmt::format("{}: {}", path, what)};
  };
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return fail("socket path too long");
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return fail(fmt::format("cannot connect ({}); is dpuflowd running?", std::strerror(errno)));
  }
  nlohmann::json req = {{"id", 0}, {"method", method}, {"params", params}};
  const std::string out = req.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  for (size_t sent = 0; sent < out.size();) {
    const ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(fmt::format("send: {}", std::strerror(errno)));
    }
    sent += static_cast<size_t>(n);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string in;
  char buf[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) return fail("no reply (timed out)");
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) return fail("connection closed before the reply");
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return fail(fmt::format("read: {}", std::strerror(errno)));
    }
    in.append(buf, static_cast<size_t>(n));
    // A reply is one JSON object; parse once it is complete.
    auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) continue;
    if (!j.is_object()) return fail("reply is not a JSON object");
    const auto& result = j.contains("result") ? j["result"] : nlohmann::json();
    const auto& error = j.contains("error") ? j["error"] : nlohmann::json();
    if (result.is_string()) return UnixctlReply{true, result.get<std::string>()};
    if (error.is_string()) return UnixctlReply{false, error.get<std::string>()};
    return fail("reply has neither a result nor an error text");
  }
}

}  // namespace dpuflow::control
