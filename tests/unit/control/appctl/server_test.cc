// The unixctl server driven by the test's own poll loop, with raw client
// sockets: framing over a real stream, exact reply bytes, several requests
// per connection, protocol errors closing only the offending connection,
// large replies under back-pressure, and the socket file's life cycle.
#include "control/appctl/server.h"

#include <gtest/gtest.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dpuflow::control {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string make_temp_dir() {
  char tmpl[] = "/tmp/unixctl_test.XXXXXX";
  const char* d = mkdtemp(tmpl);
  return d != nullptr ? d : "";
}

// Splits the first complete top-level JSON object off `buf` (the client's
// side of the framing, kept separate from the code under test).
std::optional<std::string> take_object(std::string& buf) {
  int depth = 0;
  bool in_str = false, esc = false, started = false;
  for (size_t i = 0; i < buf.size(); ++i) {
    const char c = buf[i];
    if (in_str) {
      if (esc) esc = false;
      else if (c == '\\') esc = true;
      else if (c == '"') in_str = false;
      continue;
    }
    if (c == '"') in_str = true;
    if (c == '{') { ++depth; started = true; }
    if (c == '}' && --depth == 0 && started) {
      std::string obj = buf.substr(0, i + 1);
      buf.erase(0, i + 1);
      return obj;
    }
  }
  return std::nullopt;
}

std::string request(const std::string& id, const std::string& method,
                    const std::string& params_json = "[]") {
  return "{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params_json + "}";
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir();
    ASSERT_FALSE(dir_.empty());
    path_ = dir_ + "/dpuflow.ctl";
    ASSERT_FALSE(registry_.add("test/echo", "[ARG...]", 0, 100, [](auto args) {
      std::string s;
      for (const auto& a : args) s += (s.empty() ? "" : " ") + a;
      return CommandResult::success(s);
    }));
    ASSERT_FALSE(registry_.add("test/big", "N", 1, 1, [](auto args) {
      return CommandResult::success(std::string(std::stoul(args[0]), 'x'));
    }));
    server_ = std::make_unique<UnixctlServer>(path_, registry_);
    const auto err = server_->start();
    ASSERT_FALSE(err) << err->to_string();
  }

  void TearDown() override {
    for (const auto& [fd, buf] : pending_) close(fd);
    server_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // One round of the owner's poll loop.
  void pump(int timeout_ms = 10) { pump(*server_, timeout_ms); }
  static void pump(UnixctlServer& server, int timeout_ms) {
    std::vector<pollfd> fds;
    server.fds(fds);
    if (poll(fds.data(), fds.size(), timeout_ms) <= 0) return;
    for (const auto& p : fds) server.service(p);
  }

  int connect_client(const std::string& path) {
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(fd);
      return -1;
    }
    pending_[fd];
    return fd;
  }
  int connect_client() { return connect_client(path_); }

  void close_client(int fd) {
    close(fd);
    pending_.erase(fd);
  }

  // Sends everything, pumping the server while the socket is full.  False
  // if the server closed the connection first.
  bool send_all(int fd, const std::string& bytes) {
    size_t off = 0;
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (off < bytes.size() && Clock::now() < deadline) {
      const ssize_t n =
          send(fd, bytes.data() + off, bytes.size() - off, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) {
        off += static_cast<size_t>(n);
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        pump(1);
      } else {
        return false;
      }
    }
    return off == bytes.size();
  }

  // The next reply on `fd`, pumping the server meanwhile; nullopt on EOF
  // or after 10 s.
  std::optional<std::string> read_reply(int fd) {
    std::string& buf = pending_[fd];
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < deadline) {
      if (auto obj = take_object(buf)) return obj;
      char tmp[65536];
      const ssize_t n = recv(fd, tmp, sizeof tmp, MSG_DONTWAIT);
      if (n > 0) {
        buf.append(tmp, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
        return std::nullopt;
      } else {
        pump(5);
      }
    }
    return std::nullopt;
  }

  // True once the server has closed `fd` (EOF or reset) with nothing unread.
  bool closed_by_server(int fd) {
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < deadline) {
      char tmp[4096];
      const ssize_t n = recv(fd, tmp, sizeof tmp, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) return true;
      if (n > 0) return false;  // a reply: not what a closed connection sends
      pump(5);
    }
    return false;
  }

  std::string roundtrip(const std::string& req) {
    const int fd = connect_client();
    EXPECT_GE(fd, 0);
    EXPECT_TRUE(send_all(fd, req));
    auto reply = read_reply(fd);
    close_client(fd);
    return reply.value_or("<no reply>");
  }

  std::string dir_, path_;
  CommandRegistry registry_{"ovs-vswitchd", "0.1.0"};
  std::unique_ptr<UnixctlServer> server_;
  std::map<int, std::string> pending_;  // client fd -> bytes read, not yet a reply
};

TEST_F(ServerTest, RequestGetsTheExactReply) {
  EXPECT_EQ(roundtrip(R"({"id":0,"method":"test/echo","params":["a","b c"]})"),
            R"({"result":"a b c\n","error":null,"id":0})");
  const auto c = server_->counters();
  EXPECT_EQ(c.connections, 1u);
  EXPECT_EQ(c.requests, 1u);
  EXPECT_EQ(c.errors, 0u);
}

TEST_F(ServerTest, DribbledOneByteAtATime) {
  const std::string req = R"({"id":0,"method":"test/echo","params":["x}\"{"]})";
  const int fd = connect_client();
  for (char c : req) {
    ASSERT_TRUE(send_all(fd, std::string(1, c)));
    pump(0);
  }
  EXPECT_EQ(read_reply(fd), R"({"result":"x}\"{\n","error":null,"id":0})");
}

TEST_F(ServerTest, TwoRequestsInOneWriteGetTwoRepliesInOrder) {
  const int fd = connect_client();
  ASSERT_TRUE(send_all(fd, request("1", "test/echo", R"(["one"])") +
                               request("2", "test/echo", R"(["two"])")));
  EXPECT_EQ(read_reply(fd), R"({"result":"one\n","error":null,"id":1})");
  EXPECT_EQ(read_reply(fd), R"({"result":"two\n","error":null,"id":2})");
}

TEST_F(ServerTest, SequentialRequestsOnOneConnection) {
  const int fd = connect_client();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(send_all(fd, request(std::to_string(i), "version")));
    EXPECT_EQ(read_reply(fd), "{\"result\":\"ovs-vswitchd (dpuflow) 0.1.0\\n\",\"error\":null,"
                              "\"id\":" + std::to_string(i) + "}");
  }
  EXPECT_EQ(server_->connection_count(), 1u);
}

TEST_F(ServerTest, ManyRequestsInOneWriteAreAllAnswered) {
  // More than kRequestsPerService: the rest are answered on later rounds.
  std::string reqs;
  for (int i = 0; i < 50; ++i) reqs += request(std::to_string(i), "test/echo", R"(["r"])");
  const int fd = connect_client();
  ASSERT_TRUE(send_all(fd, reqs));
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(read_reply(fd), "{\"result\":\"r\\n\",\"error\":null,\"id\":" +
                                  std::to_string(i) + "}");
  }
}

TEST_F(ServerTest, PrettyPrintedRequest) {
  EXPECT_EQ(roundtrip("\n{\n  \"id\": 5,\n  \"method\": \"test/echo\",\n  \"params\": [\n"
                      "    \"x\"\n  ]\n}\n\n"),
            R"({"result":"x\n","error":null,"id":5})");
}

TEST_F(ServerTest, IdIsEchoedWithItsType) {
  EXPECT_EQ(roundtrip(request("0", "test/echo")), R"({"result":"","error":null,"id":0})");
  EXPECT_EQ(roundtrip(request("\"abc\"", "test/echo")),
            R"({"result":"","error":null,"id":"abc"})");
  EXPECT_EQ(roundtrip(request("7.5", "test/echo")), R"({"result":"","error":null,"id":7.5})");
}

TEST_F(ServerTest, ErrorTexts) {
  EXPECT_EQ(roundtrip(request("0", "test/echo", R"(["a",1])")),
            R"({"result":null,"error":"\"test/echo\" command has non-string argument\n","id":0})");
  EXPECT_EQ(roundtrip(request("0", "no/such")),
            R"j({"result":null,"error":"\"no/such\" is not a valid command (use \"list-commands\")j"
            R"j( to see a list of valid commands)\n","id":0})j");
  EXPECT_EQ(roundtrip(request("0", "test/big")),
            R"({"result":null,"error":"\"test/big\" command requires at least 1 arguments\n",)"
            R"("id":0})");
  EXPECT_EQ(roundtrip(request("0", "test/big", R"(["1","2"])")),
            R"({"result":null,"error":"\"test/big\" command takes at most 1 arguments\n","id":0})");
  const auto c = server_->counters();
  EXPECT_EQ(c.requests, 4u);
  EXPECT_EQ(c.errors, 4u);
  EXPECT_EQ(c.protocol_errors, 0u);
}

TEST_F(ServerTest, ListCommands) {
  EXPECT_EQ(roundtrip(request("0", "list-commands")),
            R"({"result":"The available commands are:\n)"
            R"(  list-commands           \n)"
            R"(  test/big                N\n)"
            R"(  test/echo               [ARG...]\n)"
            R"(  version                 \n","error":null,"id":0})");
}

TEST_F(ServerTest, MalformedJsonClosesOnlyThatConnection) {
  const int good = connect_client();
  const int bad = connect_client();
  ASSERT_TRUE(send_all(bad, R"({"id":0,"method":})"));
  EXPECT_TRUE(closed_by_server(bad));
  EXPECT_EQ(server_->counters().protocol_errors, 1u);
  // The connection opened before still works, and so does a new one.
  ASSERT_TRUE(send_all(good, request("1", "test/echo", R"(["still"])")));
  EXPECT_EQ(read_reply(good), R"({"result":"still\n","error":null,"id":1})");
  EXPECT_EQ(roundtrip(request("2", "test/echo", R"(["new"])")),
            R"({"result":"new\n","error":null,"id":2})");
}

TEST_F(ServerTest, GarbageAndNonRequestsClose) {
  for (const std::string junk : {"GET / HTTP/1.0\r\n\r\n",
                                 R"({"jsonrpc":"2.0","id":0,"method":"version","params":[]})",
                                 R"({"id":null,"method":"version","params":[]})",
                                 R"({"result":"x","error":null,"id":0})"}) {
    const int fd = connect_client();
    ASSERT_TRUE(send_all(fd, junk));
    EXPECT_TRUE(closed_by_server(fd)) << junk;
    close_client(fd);
  }
  EXPECT_EQ(server_->counters().protocol_errors, 4u);
  EXPECT_EQ(server_->connection_count(), 0u);
}

TEST_F(ServerTest, OversizedMessageClosesTheConnection) {
  const int fd = connect_client();
  std::string huge = R"({"id":0,"method":"test/echo","params":[")";
  huge.append(kJsonRpcMaxMessage + 1024, 'a');
  send_all(fd, huge);  // may stop early: the server closes mid-way
  EXPECT_TRUE(closed_by_server(fd));
  EXPECT_EQ(server_->counters().protocol_errors, 1u);
  EXPECT_EQ(roundtrip(request("0", "test/echo")), R"({"result":"","error":null,"id":0})");
}

TEST_F(ServerTest, LargeReplyThenTheNextRequest) {
  // Far more than a socket buffer: written over many rounds while the
  // request queued behind it waits.
  const size_t n = 4 << 20;
  const int fd = connect_client();
  ASSERT_TRUE(send_all(fd, request("1", "test/big", "[\"" + std::to_string(n) + "\"]") +
                               request("2", "test/echo", R"(["after"])")));
  const auto big = read_reply(fd);
  ASSERT_TRUE(big.has_value());
  EXPECT_EQ(*big, R"({"result":")" + std::string(n, 'x') + R"(\n","error":null,"id":1})");
  EXPECT_EQ(read_reply(fd), R"({"result":"after\n","error":null,"id":2})");
}

TEST_F(ServerTest, HalfClosedPeerStillGetsItsReplies) {
  const int fd = connect_client();
  ASSERT_TRUE(send_all(fd, request("1", "test/echo", R"(["a"])") +
                               request("2", "test/echo", R"(["b"])")));
  ASSERT_EQ(shutdown(fd, SHUT_WR), 0);
  EXPECT_EQ(read_reply(fd), R"({"result":"a\n","error":null,"id":1})");
  EXPECT_EQ(read_reply(fd), R"({"result":"b\n","error":null,"id":2})");
  EXPECT_TRUE(closed_by_server(fd));
  EXPECT_EQ(server_->connection_count(), 0u);
}

TEST_F(ServerTest, ClientVanishingMidReplyDoesNotStopTheServer) {
  const int fd = connect_client();
  ASSERT_TRUE(send_all(fd, request("1", "test/big", R"(["8000000"])")));
  for (int i = 0; i < 5; ++i) pump(5);
  close_client(fd);
  for (int i = 0; i < 5 && server_->connection_count() > 0; ++i) pump(5);
  EXPECT_EQ(server_->connection_count(), 0u);
  EXPECT_EQ(roundtrip(request("0", "test/echo")), R"({"result":"","error":null,"id":0})");
}

TEST_F(ServerTest, StopUnlinksTheSocketAndIsIdempotent) {
  ASSERT_TRUE(fs::exists(path_));
  const int fd = connect_client();
  pump(5);
  server_->stop();
  EXPECT_FALSE(fs::exists(path_));
  EXPECT_FALSE(server_->listening());
  std::vector<pollfd> fds;
  server_->fds(fds);
  EXPECT_TRUE(fds.empty());
  EXPECT_TRUE(closed_by_server(fd));
  server_->stop();
}

TEST_F(ServerTest, StaleSocketFileIsReplaced) {
  // A socket file nobody listens on, as a crashed daemon leaves behind.
  const std::string stale = dir_ + "/stale.ctl";
  {
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, stale.c_str(), sizeof addr.sun_path - 1);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    close(fd);
  }
  ASSERT_TRUE(fs::is_socket(stale));
  UnixctlServer second(stale, registry_);
  const auto err = second.start();
  ASSERT_FALSE(err) << err->to_string();
  const int fd = connect_client(stale);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, request("0", "version")));
  for (int i = 0; i < 20 && !second.counters().requests; ++i) pump(second, 5);
  EXPECT_EQ(second.counters().requests, 1u);
}

TEST_F(ServerTest, RefusesALiveSocket) {
  UnixctlServer second(path_, registry_);
  const auto err = second.start();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->err, EADDRINUSE);
  EXPECT_EQ(err->to_string(), "bind \"" + path_ + "\": another server is listening on it");
  // The first server keeps its socket, even after the second is gone.
  second.stop();
  EXPECT_TRUE(fs::is_socket(path_));
  EXPECT_EQ(roundtrip(request("0", "test/echo")), R"({"result":"","error":null,"id":0})");
}

TEST_F(ServerTest, RefusesAPathThatIsNotASocket) {
  const std::string file = dir_ + "/regular";
  std::ofstream(file) << "keep me";
  UnixctlServer second(file, registry_);
  const auto err = second.start();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->to_string(), "bind \"" + file + "\": exists and is not a socket");
  EXPECT_TRUE(fs::is_regular_file(file));
}

TEST_F(ServerTest, BindErrorsNameThePathAndCause) {
  UnixctlServer nodir(dir_ + "/no/such/dir/x.ctl", registry_);
  auto err = nodir.start();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->to_string(), "bind \"" + dir_ + "/no/such/dir/x.ctl\": No such file or directory");
  UnixctlServer too_long(dir_ + "/" + std::string(200, 'l'), registry_);
  err = too_long.start();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->err, ENAMETOOLONG);
}

}  // namespace
}  // namespace dpuflow::control
