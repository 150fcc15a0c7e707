// dpuflowd's configuration file: one TOML document (toml++) holding
// everything the daemon takes at start — run directory and socket group,
// bridge, EAL, PMDs, ports, datapath limits, offload, metrics, log levels.
//
// Design note
// - parse_config() is a pure function of the text: no file system, no
//   environment, no process state.  It validates everything it can without
//   the machine (types, ranges, enum values, unknown keys, duplicates,
//   cross-field rules); what needs the machine (does the group exist, is the
//   core online, does the device probe) is checked when the daemon starts.
// - Every error is reported, not the first only: each names the key path
//   (`ports[2].ofport`, `eal.hugepages`), what is allowed (the values or the
//   range) and the line:column of the offending key or value.  Errors come
//   sorted by position.  A TOML syntax error stops parsing and is the only
//   error, with its position.
// - Unknown keys are errors at every level (a typo must not be ignored).
//   Omitted keys take the defaults below, which are the daemon's own.
// - format_config() writes every field, so parse(format(c)) == c for every
//   valid c (tests/unit/config round-trips it).
// - Some fields are validated and kept but not used by dpuflowd yet (see
//   config/README.md: offload, metrics, logging, socket_group, role,
//   hugepages); they take effect with the issues that add those parts.
//
// Thread safety: plain values and pure functions; no shared state.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dpuflow::config {

enum class Hugepages : uint8_t { kAuto, kOn, kOff };
enum class PortRole : uint8_t { kUplink, kRepresentor, kInternal };
enum class OffloadBackend : uint8_t { kSim, kRteflow, kMlx5dv, kNone };
// auto: offload every megaflow the backend can express, keep the rest in
// software; off: everything in software (the backend is not opened).
enum class OffloadPolicy : uint8_t { kAuto, kOff };
// OVS vlog levels (ovs-appctl vlog/set), plus off.
enum class LogLevel : uint8_t { kOff, kEmer, kErr, kWarn, kInfo, kDbg };

// The names the file uses, in the order error messages list them.
std::string_view to_string(Hugepages v);
std::string_view to_string(PortRole v);
std::string_view to_string(OffloadBackend v);
std::string_view to_string(OffloadPolicy v);
std::string_view to_string(LogLevel v);

// The vlog modules of dpuflowd, the keys [logging] accepts.  Must equal the
// daemon's Vlog module list (tests/unit/config checks it).
inline constexpr std::string_view kLogModules[] = {"dpuflowd", "ofproto", "ofconn", "unixctl"};

struct EalConfig {
  std::string cores = "0";                 // EAL -l: "0", "0-3", "0,2,4-5"
  uint32_t memory_mb = 256;                // EAL -m
  std::vector<std::string> args;           // extra EAL arguments, verbatim
  Hugepages hugepages = Hugepages::kAuto;  // auto: when hugetlbfs is mounted with free pages
  bool operator==(const EalConfig&) const = default;
};

struct PmdConfig {
  uint32_t count = 1;           // PMD threads, 1..64
  std::vector<uint32_t> cores;  // empty: unpinned; else one core per PMD
  bool operator==(const PmdConfig&) const = default;
};

struct PortConfig {
  std::string name;
  std::string devargs;                     // DPDK devargs, required
  uint16_t ofport = 0;                     // 1..65279; 0 (omitted): the lowest free
  PortRole role = PortRole::kRepresentor;  // required in the file
  bool operator==(const PortConfig&) const = default;
};

struct DatapathLimits {
  uint32_t emc_insert_inv_prob = 100;  // 0: never insert into the EMC
  uint64_t max_idle_ms = 10000;
  uint64_t flow_limit = 200000;   // megaflows per PMD
  uint32_t upcall_rate = 100000;  // per second per PMD; 0: unlimited
  uint32_t upcall_burst = 2000;
  bool operator==(const DatapathLimits&) const = default;
};

struct OffloadConfig {
  OffloadBackend backend = OffloadBackend::kSim;
  OffloadPolicy policy = OffloadPolicy::kAuto;
  uint32_t sim_table_capacity = 65536;  // [offload.sim] rules per emulated table
  bool operator==(const OffloadConfig&) const = default;
};

struct MetricsConfig {
  bool enabled = true;
  std::string listen = "127.0.0.1:9477";  // HOST:PORT or [IPV6]:PORT
  bool operator==(const MetricsConfig&) const = default;
};

struct Config {
  std::string run_dir = "/run/dpuflow";
  std::string socket_group;  // empty: the daemon's own group
  std::string bridge = "br-int";
  EalConfig eal;
  PmdConfig pmd;
  std::vector<PortConfig> ports;
  DatapathLimits datapath;
  OffloadConfig offload;
  MetricsConfig metrics;
  std::map<std::string, LogLevel> logging;  // module -> console level; absent: the default (info)
  bool operator==(const Config&) const = default;
};

struct ConfigError {
  std::string key;      // `ports[2].ofport`; empty for a TOML syntax error
  std::string message;  // names the allowed values or range
  uint32_t line = 0;    // 1-based; 0 when unknown
  uint32_t column = 0;
  bool operator==(const ConfigError&) const = default;
};

// Either a config (errors empty) or every error found.
struct ConfigResult {
  std::optional<Config> config;
  std::vector<ConfigError> errors;
  bool ok() const { return config.has_value(); }
};

// Parses and validates `toml_text`; `source_name` (a file name) only labels
// positions in toml++'s messages.
[[nodiscard]] ConfigResult parse_config(std::string_view toml_text, std::string_view source_name);

// Reads the file and parses it; an unreadable file is one error (key empty).
[[nodiscard]] ConfigResult load_config_file(const std::string& path);

// `FILE:LINE:COL: KEY: message` (the KEY part left out for syntax errors).
std::string format_error(std::string_view source_name, const ConfigError& e);

// TOML that parse_config() reads back to `c` (every field written).
std::string format_config(const Config& c);

}  // namespace dpuflow::config
