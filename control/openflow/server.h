// The OpenFlow listener of a bridge: `punix:<rundir>/<bridge>.mgmt`, as
// ovs-vswitchd serves it to ovs-ofctl and ovn-controller.
//
// Design note
// - Many simultaneous connections, each with its own OfSession; the server
//   owns the sockets and byte buffers, OfSwitch owns the meaning.
// - It has no thread: the owner's poll loop asks for fds() and calls
//   service() for each ready one, then idle() once per round.
// - Fairness and flooding: each readable connection gets one read of at most
//   64 KiB per round, so a client that floods cannot starve the others; a
//   client that does not read its replies stops being read once 8 MiB of
//   output is queued for it (back-pressure, as OVS's rconn backlog).
// - Framing never trusts a length: a header claiming fewer than 8 bytes gets
//   OFPBRC_BAD_LEN and the connection is closed (the stream cannot be
//   resynchronised); everything else is answered per message.
//
// Thread safety: single-threaded (the control thread).
#pragma once

#include <poll.h>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "control/openflow/switch.h"

namespace dpuflow::control {

struct OfServerCounters {
  uint64_t accepted = 0;
  uint64_t closed = 0;
  uint64_t rx_bytes = 0;
  uint64_t tx_bytes = 0;
  uint64_t framing_errors = 0;
  uint64_t throttled_rounds = 0;  // rounds a connection was not read (back-pressure)
  uint64_t async_sent = 0;
  uint64_t async_dropped = 0;      // the connection's output queue was full
};

class OfServer {
 public:
  OfServer(std::string path, OfSwitch& sw);
  ~OfServer();
  OfServer(const OfServer&) = delete;
  OfServer& operator=(const OfServer&) = delete;

  // Binds and listens (removing a stale socket file).  Error text on failure.
  [[nodiscard]] std::optional<std::string> start();
  void stop();

  void fds(std::vector<pollfd>& out) const;
  void service(const pollfd& p);
  // Once per poll round: publishes staged changes that have waited long enough.
  void idle();

  // An asynchronous message (packet-in) for every connection `make` gives
  // one for (it sees the session: version, formats, controller id).  A
  // connection already at its output limit misses it (counted in
  // async_dropped), as OVS drops packet-ins to a slow controller.
  void send_async(const std::function<std::optional<std::vector<uint8_t>>(const OfSession&)>& make);

  void set_log(OfLogSink sink) { log_ = std::move(sink); }
  const std::string& path() const { return path_; }
  size_t n_connections() const { return conns_.size(); }
  const OfServerCounters& counters() const { return counters_; }

 private:
  struct Conn {
    OfSession session;
    std::vector<uint8_t> rx;
    std::deque<std::vector<uint8_t>> tx;
    size_t tx_off = 0;
    size_t tx_bytes = 0;
    bool closing = false;
  };
  void accept_all();
  void on_readable(int fd, Conn& c);
  void process(int fd, Conn& c);
  void flush_tx(int fd, Conn& c);
  void close_conn(int fd);

  std::string path_;
  OfSwitch& sw_;
  int listen_fd_ = -1;
  std::map<int, Conn> conns_;
  OfSwitch::Clock::time_point last_input_{};
  OfServerCounters counters_;
  OfLogSink log_;
};

}  // namespace dpuflow::control
