#include "config/config_check.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <string>

namespace dpuflow::config {
namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

// 1..64 of [A-Za-z0-9_.-], not starting with '.' (a bridge name is part of a
// socket path; "." and ".." must not be).
bool ok_name(std::string_view s) {
  return !s.empty() && s.size() <= 64 && s[0] != '.' && std::all_of(s.begin(), s.end(), name_char);
}

bool ok_run_dir(std::string_view s) {
  return s.size() >= 1 && s[0] == '/' && s.find('\0') == std::string_view::npos;
}

// POSIX-portable group names, as useradd(8) accepts them by default.
bool ok_group(std::string_view s) {
  if (s.empty()) return true;
  if (s.size() > 32 || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

bool ok_devargs(std::string_view s) {
  return !s.empty() &&
         std::none_of(s.begin(), s.end(), [](char c) { return c <= ' ' || c == 0x7f; });
}

bool parse_num(std::string_view s, int64_t lo, int64_t hi, int64_t* out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && *out >= lo && *out <= hi;
}

// DPDK's -l syntax: "0", "0-3", "0,2,4-5".
bool ok_core_list(std::string_view s) {
  if (s.empty()) return false;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = std::min(s.find(',', start), s.size());
    const std::string_view item = s.substr(start, comma - start);
    const size_t dash = item.find('-');
    int64_t a = 0;
    int64_t b = 0;
    if (dash == std::string_view::npos) {
      if (!parse_num(item, 0, kMaxCore, &a)) return false;
    } else if (!parse_num(item.substr(0, dash), 0, kMaxCore, &a) ||
               !parse_num(item.substr(dash + 1), 0, kMaxCore, &b) || a > b) {
      return false;
    }
    start = comma + 1;
  }
  return true;
}

// The options dpuflowd derives from other keys must come from those keys.
bool ok_eal_arg(std::string_view s) {
  if (s.empty()) return false;
  for (std::string_view own : {"-l", "-c", "--lcores", "-m", "--no-huge", "--file-prefix"}) {
    if (s == own || (s.size() > own.size() && s.substr(0, own.size()) == own &&
                     (own.size() == 2 || s[own.size()] == '='))) {
      return false;
    }
  }
  return true;
}

bool ok_listen(std::string_view s) {
  const size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  int64_t port = 0;
  if (!parse_num(s.substr(colon + 1), 1, 65535, &port)) return false;
  const std::string host(s.substr(0, colon));
  unsigned char buf[16];
  if (host.front() == '[') {
    return host.size() > 2 && host.back() == ']' &&
           inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), buf) == 1;
  }
  if (inet_pton(AF_INET, host.c_str(), buf) == 1) return true;
  // A host name; all-digit-and-dot text that is not an address is a typo.
  const bool numeric = std::all_of(host.begin(), host.end(),
                                   [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
  return !numeric && host.size() <= 253 && std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-';
  });
}

}  // namespace

const StringRule kRunDir{"an absolute directory path (starting with /)", ok_run_dir};
const StringRule kGroup{
    "\"\" (the daemon's own group) or a group name: [a-z_][a-z0-9_-]*, at most 32 characters",
    ok_group};
const StringRule kBridge{
    "1..64 characters from A-Z a-z 0-9 _ . - not starting with . (it names the socket "
    "RUN_DIR/BRIDGE.mgmt)",
    ok_name};
const StringRule kPortName{"1..64 characters from A-Z a-z 0-9 _ . - not starting with .", ok_name};
const StringRule kDevargs{
    "non-empty DPDK devargs without spaces, e.g. \"net_ring0\" or "
    "\"0000:03:00.0,representor=[0-3]\"",
    ok_devargs};
const StringRule kCoreList{
    "core numbers 0..1023 and ranges N-M (N <= M), comma-separated, e.g. \"0\" or \"0,2-3\"",
    ok_core_list};
const StringRule kEalArg{
    "a non-empty EAL argument other than -l/-c/--lcores (set eal.cores), -m (set "
    "eal.memory_mb), --no-huge (set eal.hugepages) and --file-prefix (dpuflowd sets it)",
    ok_eal_arg};
const StringRule kListen{
    "HOST:PORT with an IPv4 address, a host name or [IPv6 address] and a port in 1..65535, "
    "e.g. \"127.0.0.1:9477\"",
    ok_listen};

}  // namespace dpuflow::config
