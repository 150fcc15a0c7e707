#include "control/vlog.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include <fmt/format.h>

namespace dpuflow::control {

namespace {

constexpr std::string_view kLevelNames[] = {"OFF", "EMER", "ERR", "WARN", "INFO", "DBG"};
constexpr std::string_view kLevelSpecs[] = {"off", "emer", "err", "warn", "info", "dbg"};
constexpr std::string_view kDestNames[] = {"console", "syslog", "file"};
constexpr size_t kDests = static_cast<size_t>(VlogDest::kCount);

std::optional<VlogLevel> level_of(std::string_view s) {
  for (size_t i = 0; i < std::size(kLevelSpecs); ++i) {
    if (s == kLevelSpecs[i]) return static_cast<VlogLevel>(i);
  }
  return std::nullopt;
}

}  // namespace

Vlog::Vlog(std::vector<std::string> modules) : modules_(std::move(modules)) {
  levels_.assign(modules_.size(), {VlogLevel::kInfo, VlogLevel::kErr, VlogLevel::kInfo});
}

bool Vlog::enabled(size_t module, VlogLevel level) const {
  if (module >= levels_.size() || level == VlogLevel::kOff) return false;
  // Only the console writes today (see the design note).
  return level <= levels_[module][static_cast<size_t>(VlogDest::kConsole)];
}

void Vlog::log(size_t module, VlogLevel level, std::string_view text) {
  if (!enabled(module, level)) return;
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char ts[32];
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  fmt::print(stderr, "{}|{:05}|{}|{}|{}\n", ts, ++seq_, modules_[module],
             kLevelNames[static_cast<size_t>(level)], text);
}

size_t Vlog::module_index(std::string_view name) const {
  for (size_t i = 0; i < modules_.size(); ++i) {
    if (modules_[i] == name) return i;
  }
  return modules_.size();
}

std::string Vlog::list() const {
  std::string out = "                 console    syslog    file\n"
                    "                 -------    ------    ------\n";
  for (size_t m = 0; m < modules_.size(); ++m) {
    out += fmt::format("{:<19}{:<11}{:<10}{}\n", modules_[m],
                       kLevelNames[static_cast<size_t>(levels_[m][0])],
                       kLevelNames[static_cast<size_t>(levels_[m][1])],
                       kLevelNames[static_cast<size_t>(levels_[m][2])]);
  }
  out += "(only the console destination writes: dpuflowd logs to stderr)\n";
  return out;
}

std::optional<std::string> Vlog::set(std::string_view spec) {
  // Words separated by ':' in any order, as OVS accepts them: a module, a
  // destination and a level; each absent or "ANY" means all.
  std::optional<size_t> module;
  std::optional<size_t> dest;
  std::optional<VlogLevel> level;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t end = spec.find(':', start);
    if (end == std::string_view::npos) end = spec.size();
    const std::string_view w = spec.substr(start, end - start);
    start = end + 1;
    if (w.empty() || w == "ANY" || w == "any") continue;
    if (auto l = level_of(w)) {
      level = l;
      continue;
    }
    bool found = false;
    for (size_t d = 0; d < kDests; ++d) {
      if (w == kDestNames[d]) {
        dest = d;
        found = true;
      }
    }
    if (found) continue;
    const size_t m = module_index(w);
    if (m == modules_.size()) {
      std::string known;
      for (const auto& n : modules_) known += (known.empty() ? "" : ", ") + n;
      return fmt::format("unknown module, destination or level \"{}\" (modules: {}; "
                         "destinations: console, syslog, file; levels: off, emer, err, warn, "
                         "info, dbg)",
                         w, known);
    }
    module = m;
  }
  const VlogLevel l = level.value_or(VlogLevel::kDbg);  // OVS: no level means dbg
  for (size_t m = 0; m < modules_.size(); ++m) {
    if (module && *module != m) continue;
    for (size_t d = 0; d < kDests; ++d) {
      if (dest && *dest != d) continue;
      levels_[m][d] = l;
    }
  }
  return std::nullopt;
}

}  // namespace dpuflow::control
