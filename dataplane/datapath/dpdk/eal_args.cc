// eal.h's pure half: hugepage detection and argv building (no DPDK).
#include <charconv>
#include <fstream>
#include <sstream>

#include "dataplane/datapath/dpdk/eal.h"

namespace dpuflow::dataplane {
namespace {

// The number after "key:" on the line that starts with `key`, or nullopt.
std::optional<uint64_t> meminfo_value(std::string_view text, std::string_view key) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != ':')
      continue;
    std::string_view rest = line.substr(key.size() + 1);
    size_t digit = rest.find_first_not_of(" \t");
    if (digit == std::string_view::npos) return std::nullopt;
    rest = rest.substr(digit);
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), v);
    if (ec != std::errc()) return std::nullopt;
    return v;
  }
  return std::nullopt;
}

// /proc/mounts: "source mountpoint fstype options 0 0".
bool has_hugetlbfs_mount(std::string_view mounts) {
  size_t pos = 0;
  while (pos < mounts.size()) {
    size_t end = mounts.find('\n', pos);
    if (end == std::string_view::npos) end = mounts.size();
    std::string_view line = mounts.substr(pos, end - pos);
    pos = end + 1;
    size_t f1 = line.find(' ');
    if (f1 == std::string_view::npos) continue;
    size_t f2 = line.find(' ', f1 + 1);
    if (f2 == std::string_view::npos) continue;
    size_t f3 = line.find(' ', f2 + 1);
    std::string_view fstype = line.substr(f2 + 1, f3 == std::string_view::npos ? f3 : f3 - f2 - 1);
    if (fstype == "hugetlbfs") return true;
  }
  return false;
}

std::string slurp(const char* path) {
  std::ifstream in(path);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

HugepageInfo parse_hugepage_info(std::string_view meminfo, std::string_view mounts) {
  HugepageInfo info;
  info.free_pages = meminfo_value(meminfo, "HugePages_Free").value_or(0);
  info.page_kb = meminfo_value(meminfo, "Hugepagesize").value_or(0);
  info.hugetlbfs_mounted = has_hugetlbfs_mount(mounts);
  return info;
}

HugepageInfo read_hugepage_info() {
  return parse_hugepage_info(slurp("/proc/meminfo"), slurp("/proc/mounts"));
}

std::vector<std::string> eal_argv(const EalConfig& config, const HugepageInfo& huge) {
  std::vector<std::string> argv;
  argv.push_back(config.program.empty() ? std::string("dpuflowd") : config.program);
  if (!config.cores.empty()) {
    argv.push_back("-l");
    argv.push_back(config.cores);
  }
  bool no_huge = config.no_huge.value_or(!huge.usable());
  if (no_huge) argv.push_back("--no-huge");
  if (config.memory_mb > 0) {
    argv.push_back("-m");
    argv.push_back(std::to_string(config.memory_mb));
  }
  // DPDK refuses --in-memory with --no-huge (which implies legacy memory);
  // without hugepages there are no page files anyway, and --no-shconf is
  // the rest of what --in-memory means.
  if (config.in_memory) argv.push_back(no_huge ? "--no-shconf" : "--in-memory");
  if (!config.file_prefix.empty()) argv.push_back("--file-prefix=" + config.file_prefix);
  argv.insert(argv.end(), config.extra_args.begin(), config.extra_args.end());
  return argv;
}

std::vector<std::string> eal_argv(const EalConfig& config) {
  return eal_argv(config, read_hugepage_info());
}

std::string join_argv(const std::vector<std::string>& argv) {
  std::string s;
  for (const std::string& a : argv) {
    if (!s.empty()) s += ' ';
    s += a;
  }
  return s;
}

}  // namespace dpuflow::dataplane
