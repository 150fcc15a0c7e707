// The unixctl server: the AF_UNIX stream socket that `ovs-appctl` connects
// to, answering JSON-RPC requests with the commands of a CommandRegistry.
//
// Design note
// - No threads of its own.  The owner's poll loop asks for the descriptors
//   to watch (fds() appends the listener and every connection) and hands
//   back each ready one (service()).  Everything is non-blocking.
// - Per connection: bytes go through a JsonRpcFramer; requests are answered
//   one at a time, in order (OVS allows several sequential requests on one
//   connection).  While a reply is not fully written the connection is not
//   read, so a client that does not read its replies is throttled by the
//   kernel instead of growing our buffers: input is bounded by the framer's
//   message cap plus one read, output by one reply.  At most
//   kRequestsPerService requests are answered per service() call; the rest
//   wait for the next call (POLLOUT is asked for meanwhile), so one busy
//   client cannot starve the loop.
// - A protocol error (not JSON, not a request, oversized) closes that
//   connection only and is counted; the daemon goes on.  A peer that shuts
//   down its sending side still gets the replies to what it sent.
// - start() refuses to steal a socket another server is listening on and
//   never unlinks a path that is not a socket; a stale socket file (left by
//   a crash) is replaced.  stop() and the destructor unlink the path.
//
// Thread safety: everything but counters() runs on the owner's loop thread.
// counters() may be called from any thread (a metrics scrape): the counters
// are written by the loop thread only, as relaxed atomics.
#pragma once

#include <poll.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/appctl/commands.h"
#include "control/appctl/json_rpc.h"

namespace dpuflow::control {

// What failed in start(), on which path, with the errno.
struct UnixctlServerError {
  std::string op;  // "bind", "listen", "socket", "lstat", "unlink", ...
  std::string path;
  int err = 0;
  std::string detail;  // extra cause, e.g. "exists and is not a socket"

  // `bind "/run/x.ctl": Permission denied`
  std::string to_string() const;
};

struct UnixctlCounters {
  uint64_t connections = 0;      // accepted
  uint64_t rejected = 0;         // closed at once: kMaxConnections reached
  uint64_t requests = 0;         // answered, successfully or not
  uint64_t errors = 0;           // answered with an error reply
  uint64_t protocol_errors = 0;  // connections closed for a protocol error
};

class UnixctlServer {
 public:
  static constexpr size_t kMaxConnections = 256;
  static constexpr int kRequestsPerService = 10;
  static constexpr size_t kReadChunk = 64 * 1024;

  UnixctlServer(std::string path, const CommandRegistry& commands);
  ~UnixctlServer();
  UnixctlServer(const UnixctlServer&) = delete;
  UnixctlServer& operator=(const UnixctlServer&) = delete;

  // -- Loop thread --
  // Binds and listens on the path.
  [[nodiscard]] std::optional<UnixctlServerError> start();
  // Appends the descriptors to poll with their events.
  void fds(std::vector<pollfd>& out) const;
  // Handles one ready descriptor from fds(); other descriptors are ignored.
  void service(const pollfd& p);
  // Closes every connection and the listener, unlinks the path.  Idempotent.
  void stop();

  const std::string& path() const { return path_; }
  bool listening() const { return listen_fd_ >= 0; }
  size_t connection_count() const { return conns_.size(); }

  // -- Any thread --
  UnixctlCounters counters() const;

 private:
  struct Connection;
  struct Counters {
    std::atomic<uint64_t> connections{0}, rejected{0}, requests{0}, errors{0},
        protocol_errors{0};
  };

  void accept_all();
  // Returns false when the connection must be closed.
  bool service_connection(Connection& c, short revents);
  bool flush(Connection& c);
  bool process(Connection& c);

  std::string path_;
  const CommandRegistry& commands_;
  int listen_fd_ = -1;
  uint64_t socket_dev_ = 0, socket_ino_ = 0;  // the file we bound; stop() unlinks only it
  std::vector<std::unique_ptr<Connection>> conns_;
  std::vector<char> read_buf_;
  Counters counters_;
};

}  // namespace dpuflow::control
