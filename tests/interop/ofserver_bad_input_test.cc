// OfServer under bad input, over a real Unix socket: an OfServer + OfSwitch
// served by a poll loop on a thread of the test, clients on the test's side.
// - A header claiming fewer than 8 bytes gets OFPBRC_BAD_LEN and that
//   connection is closed; a client connected at the same time is unaffected.
// - A client that floods 20 MB of FLOW_MODs (or echoes it never reads) does
//   not keep another client's ECHO from being answered within a second.
// - A truncated message followed by a close does not hurt the server.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "control/openflow/server.h"
#include "control/openflow/switch.h"
#include "dataplane/pipeline/pipeline.h"

namespace dpuflow::control {
namespace {

using Clock = std::chrono::steady_clock;
using Msg = std::vector<uint8_t>;

constexpr uint8_t kV = 0x06;

void put16(Msg& m, uint16_t v) {
  m.push_back(static_cast<uint8_t>(v >> 8));
  m.push_back(static_cast<uint8_t>(v));
}
void put32(Msg& m, uint32_t v) {
  put16(m, static_cast<uint16_t>(v >> 16));
  put16(m, static_cast<uint16_t>(v));
}
uint16_t rd16(const Msg& m, size_t at) { return static_cast<uint16_t>(m[at] << 8 | m[at + 1]); }
uint32_t rd32(const Msg& m, size_t at) {
  return static_cast<uint32_t>(rd16(m, at)) << 16 | rd16(m, at + 2);
}

Msg header(uint8_t type, uint32_t xid, uint16_t body_len = 0) {
  Msg m{kV, type};
  put16(m, static_cast<uint16_t>(8 + body_len));
  put32(m, xid);
  return m;
}

Msg echo_request(uint32_t xid) {
  Msg m = header(2, xid, 4);
  put32(m, 0xabcd0000u | (xid & 0xffff));
  return m;
}

// FLOW_MOD ADD table 0, priority `prio`, any match, apply_actions(output:1).
Msg flow_mod(uint32_t xid, uint16_t prio) {
  Msg m = header(14, xid, 72);
  m.insert(m.end(), 16, 0);           // cookie, cookie_mask
  put16(m, 0x0000);                   // table 0, ADD
  put32(m, 0);                        // idle, hard timeouts
  put16(m, prio);
  put32(m, 0xffffffff);               // buffer_id
  put32(m, 0xffffffff);               // out_port
  put32(m, 0xffffffff);               // out_group
  put32(m, 0);                        // flags, importance
  put32(m, 0x00010004);               // OXM match, no fields
  put32(m, 0);
  put32(m, 0x00040018);               // apply_actions
  put32(m, 0);
  put32(m, 0x00000010);               // output
  put32(m, 1);
  put16(m, 0xffff);
  m.insert(m.end(), 6, 0);
  return m;
}

// The server under test, on its own thread.
class ServerThread {
 public:
  ServerThread() {
    char tmpl[] = "/tmp/ofserver_bad_input.XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/br-int.mgmt";
    server_ = std::make_unique<OfServer>(path_, sw_);
    if (auto err = server_->start()) ADD_FAILURE() << *err;
    thread_ = std::thread([this] { loop(); });
  }
  ~ServerThread() {
    stop();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Stops the loop; the server and switch may then be read from the test.
  void stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }
  const std::string& path() const { return path_; }
  const OfServer& server() const { return *server_; }
  const OfSwitch& sw() const { return sw_; }

 private:
  void loop() {
    std::vector<pollfd> fds;
    while (!stop_.load()) {
      fds.clear();
      server_->fds(fds);
      if (::poll(fds.data(), fds.size(), 10) < 0 && errno != EINTR) break;
      for (const pollfd& p : fds) {
        if (p.revents != 0) server_->service(p);
      }
      server_->idle();
    }
  }

  std::string dir_, path_;
  dataplane::PipelineVersions versions_;
  OfSwitch sw_{"br-int", 1, versions_};
  std::unique_ptr<OfServer> server_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A blocking client socket with timed reads of whole messages.
class Client {
 public:
  explicit Client(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ADD_FAILURE() << "connect " << path << ": " << std::strerror(errno);
    }
  }
  ~Client() { close(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int fd() const { return fd_; }

  // Reads the server's HELLO and answers with one offering 1.5 only.
  void handshake() {
    auto h = recv(std::chrono::seconds(5));
    ASSERT_TRUE(h.has_value()) << "no HELLO";
    ASSERT_EQ((*h)[1], 0);
    Msg hello = header(0, 1, 8);
    put32(hello, 0x00010008);
    put32(hello, 1u << kV);
    ASSERT_TRUE(send(hello));
  }

  bool send(const Msg& m) {
    size_t off = 0;
    while (off < m.size()) {
      const ssize_t n = ::send(fd_, m.data() + off, m.size() - off, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }

  // The next whole message, or nullopt on timeout or EOF (eof() tells).
  std::optional<Msg> recv(Clock::duration timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      if (buf_.size() >= 8) {
        const size_t len = rd16(buf_, 2);
        if (len >= 8 && buf_.size() >= len) {
          Msg m(buf_.begin(), buf_.begin() + static_cast<long>(len));
          buf_.erase(buf_.begin(), buf_.begin() + static_cast<long>(len));
          return m;
        }
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      uint8_t tmp[65536];
      const ssize_t n = ::read(fd_, tmp, sizeof tmp);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        eof_ = true;
        return std::nullopt;
      }
      buf_.insert(buf_.end(), tmp, tmp + n);
    }
  }
  bool eof() const { return eof_; }

  // Sends an ECHO_REQUEST and waits for its reply; the round trip, or
  // nullopt if none came within `timeout`.
  std::optional<Clock::duration> echo(uint32_t xid, Clock::duration timeout) {
    const auto t0 = Clock::now();
    if (!send(echo_request(xid))) return std::nullopt;
    while (auto m = recv(timeout - (Clock::now() - t0))) {
      if ((*m)[1] == 3 && rd32(*m, 4) == xid) return Clock::now() - t0;
      ADD_FAILURE() << "unexpected message type " << int((*m)[1]) << " while waiting for echo";
    }
    return std::nullopt;
  }

 private:
  int fd_ = -1;
  Msg buf_;
  bool eof_ = false;
};

TEST(OfServerBadInput, HeaderLengthBelowEightClosesOnlyThatConnection) {
  ServerThread srv;
  Client bad(srv.path()), good(srv.path());
  bad.handshake();
  good.handshake();
  ASSERT_TRUE(good.echo(7, std::chrono::seconds(2)).has_value());

  Msg lie = {kV, 2, 0x00, 0x04, 0x12, 0x34, 0x56, 0x78};  // ECHO_REQUEST of "4 bytes"
  ASSERT_TRUE(bad.send(lie));
  auto err = bad.recv(std::chrono::seconds(2));
  ASSERT_TRUE(err.has_value()) << "no error before the close";
  EXPECT_EQ((*err)[0], kV);
  EXPECT_EQ((*err)[1], 1);                 // OFPT_ERROR
  EXPECT_EQ(rd32(*err, 4), 0x12345678u);   // the offending xid
  EXPECT_EQ(rd16(*err, 8), 1);             // OFPET_BAD_REQUEST
  EXPECT_EQ(rd16(*err, 10), 6);            // OFPBRC_BAD_LEN
  EXPECT_FALSE(bad.recv(std::chrono::seconds(2)).has_value());
  EXPECT_TRUE(bad.eof()) << "the connection stays open";

  // The other connection, open all along, still works.
  for (uint32_t x = 100; x < 110; ++x) {
    ASSERT_TRUE(good.echo(x, std::chrono::seconds(1)).has_value());
  }
  srv.stop();
  EXPECT_EQ(srv.server().counters().framing_errors, 1u);
  EXPECT_EQ(srv.server().n_connections(), 1u);
}

// Echo round trips of `probe` while `flood` runs; fails if any takes a
// second or more.
void expect_echoes_answered_while(Client& probe, const std::atomic<bool>& flooding) {
  uint32_t xid = 1000;
  Clock::duration worst{};
  int n = 0;
  do {
    const auto rtt = probe.echo(++xid, std::chrono::seconds(1));
    ASSERT_TRUE(rtt.has_value()) << "echo " << n << " not answered within a second";
    worst = std::max(worst, *rtt);
    ++n;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (flooding.load());
  EXPECT_GE(n, 1);
  testing::Test::RecordProperty("echoes", n);
  testing::Test::RecordProperty("worst_echo_us",
                 static_cast<int>(std::chrono::duration_cast<std::chrono::microseconds>(worst).count()));
}

TEST(OfServerBadInput, FlowModFloodDoesNotStarveAnotherClient) {
  ServerThread srv;
  Client flood(srv.path()), probe(srv.path());
  flood.handshake();
  probe.handshake();

  // 20 MB of valid FLOW_MODs, written without reading anything back.
  constexpr size_t kBytes = 20u << 20;
  Msg batch;
  uint32_t n_sent = 0;
  std::atomic<bool> flooding{true};
  std::thread writer([&] {
    size_t sent = 0;
    while (sent < kBytes) {
      batch.clear();
      for (int i = 0; i < 512; ++i) {
        ++n_sent;
        const Msg fm = flow_mod(n_sent, static_cast<uint16_t>(n_sent % 1024));
        batch.insert(batch.end(), fm.begin(), fm.end());
      }
      if (!flood.send(batch)) break;
      sent += batch.size();
    }
    flooding.store(false);
  });
  expect_echoes_answered_while(probe, flooding);
  writer.join();

  // Every FLOW_MOD was taken, none drew an error: the barrier is the first
  // and only reply.
  const Msg barrier = header(20, 0xbabe);
  ASSERT_TRUE(flood.send(barrier));
  auto r = flood.recv(std::chrono::seconds(30));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[1], 21) << "first reply is not the BARRIER_REPLY";
  EXPECT_EQ(rd32(*r, 4), 0xbabeu);
  srv.stop();
  EXPECT_EQ(srv.sw().counters().flow_mods, n_sent);
  EXPECT_EQ(srv.sw().counters().errors_sent, 0u);
}

TEST(OfServerBadInput, UnreadRepliesThrottleOnlyTheirClient) {
  ServerThread srv;
  Client flood(srv.path()), probe(srv.path());
  flood.handshake();
  probe.handshake();

  // Echoes with a 4 KiB body whose replies are never read: the server must
  // stop reading this client once its output backs up (8 MiB queued), not
  // grow without bound or stall the loop.
  std::thread writer([&] {
    Msg echo = header(2, 0, 4096);
    echo.resize(8 + 4096, 0x5a);
    for (size_t sent = 0; sent < (64u << 20); sent += echo.size()) {
      if (!flood.send(echo)) break;  // unblocked by the shutdown below
    }
  });
  const auto until = Clock::now() + std::chrono::seconds(2);
  std::atomic<bool> timed{true};
  std::thread timer([&] {
    std::this_thread::sleep_until(until);
    timed.store(false);
  });
  expect_echoes_answered_while(probe, timed);
  timer.join();
  ::shutdown(flood.fd(), SHUT_RDWR);
  writer.join();
  probe.close();
  flood.close();
  srv.stop();
  EXPECT_GT(srv.server().counters().throttled_rounds, 0u) << "back-pressure never engaged";
}

TEST(OfServerBadInput, TruncatedMessageThenCloseIsHarmless) {
  ServerThread srv;
  {
    Client c(srv.path());
    c.handshake();
    Msg partial = flow_mod(5, 1);
    partial.resize(30);  // the header promises 80 bytes
    ASSERT_TRUE(c.send(partial));
  }
  {
    Client c(srv.path());
    c.handshake();
    ASSERT_TRUE(c.send(Msg{kV, 14, 0}));  // not even a whole header
  }
  {
    Client c(srv.path());  // closes before its HELLO
  }
  Client after(srv.path());
  after.handshake();
  ASSERT_TRUE(after.echo(9, std::chrono::seconds(2)).has_value());
  // The truncated FLOW_MOD never reached the switch.
  ASSERT_TRUE(after.send(header(20, 10)));
  auto r = after.recv(std::chrono::seconds(2));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[1], 21);
  after.close();
  // Let the loop (10 ms rounds) see the last close.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  srv.stop();
  EXPECT_EQ(srv.sw().counters().flow_mods, 0u);
  EXPECT_EQ(srv.server().counters().accepted, 4u);
  EXPECT_EQ(srv.server().n_connections(), 0u);
}

}  // namespace
}  // namespace dpuflow::control
