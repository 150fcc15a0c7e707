// The client side of the control socket: one JSON-RPC request, one reply,
// as ovs-appctl does it.  Used by dpuflowctl to talk to a running dpuflowd.
//
// Thread safety: pure function (blocking I/O on its own socket).
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace dpuflow::control {

struct UnixctlReply {
  bool ok = true;     // "result" (true) or "error" (false)
  std::string text;
};
struct UnixctlClientError {
  std::string message;  // names the socket and what failed
};

// Connects to `socket_path`, sends {"id":0,"method":..,"params":[..]}, and
// waits at most `timeout_ms` for the reply.
std::variant<UnixctlReply, UnixctlClientError> unixctl_call(
    const std::string& socket_path, const std::string& method,
    const std::vector<std::string>& params, int timeout_ms = 30000);

}  // namespace dpuflow::control
