#include "dataplane/datapath/dpdk/eal_log.h"

#include <rte_errno.h>
#include <rte_log.h>
#include <stdio.h>
#include <unistd.h>

#include <deque>
#include <mutex>
#include <utility>

namespace dpuflow::dataplane::dpdk_log {
namespace {

struct Tap {
  std::mutex mu;
  std::deque<std::pair<uint64_t, std::string>> lines;  // (seq, text), newest last
  uint64_t seq = 0;
  std::string partial;  // a line not yet ended by '\n'
  FILE* stream = nullptr;
};

Tap& tap() {
  static Tap t;  // DPDK's log stream is process-wide; so is its tap
  return t;
}

ssize_t tap_write(void*, const char* buf, size_t n) {
  for (size_t done = 0; done < n;) {
    ssize_t w = ::write(STDERR_FILENO, buf + done, n - done);
    if (w <= 0) break;
    done += static_cast<size_t>(w);
  }
  Tap& t = tap();
  std::lock_guard lock(t.mu);
  t.partial.append(buf, n);
  size_t start = 0;
  for (size_t nl; (nl = t.partial.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string line = t.partial.substr(start, nl - start);
    if (line.empty()) continue;
    t.lines.emplace_back(++t.seq, std::move(line));
    if (t.lines.size() > kKeep) t.lines.pop_front();
  }
  t.partial.erase(0, start);
  return static_cast<ssize_t>(n);
}

}  // namespace

void install() {
  Tap& t = tap();
  std::lock_guard lock(t.mu);
  if (t.stream != nullptr) return;
  cookie_io_functions_t io{};
  io.write = tap_write;
  t.stream = fopencookie(nullptr, "w", io);
  if (t.stream == nullptr) return;  // DPDK keeps its default stream
  setvbuf(t.stream, nullptr, _IOLBF, 0);
  rte_openlog_stream(t.stream);
}

uint64_t mark() {
  Tap& t = tap();
  std::lock_guard lock(t.mu);
  return t.seq;
}

std::string since(uint64_t mark) {
  constexpr size_t kQuote = 4;  // the last lines say the most; keep messages short
  Tap& t = tap();
  std::lock_guard lock(t.mu);
  std::string out;
  size_t n = 0;
  for (auto it = t.lines.rbegin(); it != t.lines.rend() && it->first > mark && n < kQuote;
       ++it, ++n) {
    out = out.empty() ? it->second : it->second + "; " + out;
  }
  return out;
}

}  // namespace dpuflow::dataplane::dpdk_log

namespace dpuflow::dataplane {

DpdkError dpdk_error(std::string op, std::string subject, int err, uint64_t log_mark) {
  DpdkError e{std::move(op), std::move(subject), err, {}};
  if (err != 0) e.detail = rte_strerror(err);
  std::string log = dpdk_log::since(log_mark);
  if (!log.empty()) e.detail += e.detail.empty() ? log : " (" + log + ")";
  return e;
}

}  // namespace dpuflow::dataplane
