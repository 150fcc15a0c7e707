// The text side of Config: enum names, error lines, format_config() and
// reading a file.
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/config.h"

namespace dpuflow::config {

std::string_view to_string(Hugepages v) {
  switch (v) {
    case Hugepages::kAuto:
      return "auto";
    case Hugepages::kOn:
      return "on";
    case Hugepages::kOff:
      return "off";
  }
  return "?";
}

std::string_view to_string(PortRole v) {
  switch (v) {
    case PortRole::kUplink:
      return "uplink";
    case PortRole::kRepresentor:
      return "representor";
    case PortRole::kInternal:
      return "internal";
  }
  return "?";
}

std::string_view to_string(OffloadBackend v) {
  switch (v) {
    case OffloadBackend::kSim:
      return "sim";
    case OffloadBackend::kRteflow:
      return "rteflow";
    case OffloadBackend::kMlx5dv:
      return "mlx5dv";
    case OffloadBackend::kNone:
      return "none";
  }
  return "?";
}

std::string_view to_string(OffloadPolicy v) {
  switch (v) {
    case OffloadPolicy::kAuto:
      return "auto";
    case OffloadPolicy::kOff:
      return "off";
  }
  return "?";
}

std::string_view to_string(LogLevel v) {
  switch (v) {
    case LogLevel::kOff:
      return "off";
    case LogLevel::kEmer:
      return "emer";
    case LogLevel::kErr:
      return "err";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kDbg:
      return "dbg";
  }
  return "?";
}

std::string format_error(std::string_view source_name, const ConfigError& e) {
  if (e.key.empty()) return fmt::format("{}:{}:{}: {}", source_name, e.line, e.column, e.message);
  return fmt::format("{}:{}:{}: {}: {}", source_name, e.line, e.column, e.key, e.message);
}

ConfigResult load_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ConfigResult r;
    r.errors.push_back({"", fmt::format("cannot read the file: {}", std::strerror(errno)), 0, 0});
    return r;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

namespace {

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\u{:04X}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

template <class T>
std::string array(const std::vector<T>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); i++) {
    if (i) out += ", ";
    if constexpr (std::is_same_v<T, std::string>) {
      out += quote(v[i]);
    } else {
      out += std::to_string(v[i]);
    }
  }
  return out + "]";
}

}  // namespace

std::string format_config(const Config& c) {
  std::string o;
  auto line = [&o](std::string_view key, const std::string& value) {
    o += fmt::format("{} = {}\n", key, value);
  };
  line("run_dir", quote(c.run_dir));
  line("socket_group", quote(c.socket_group));
  line("bridge", quote(c.bridge));
  o += "\n[eal]\n";
  line("cores", quote(c.eal.cores));
  line("memory_mb", std::to_string(c.eal.memory_mb));
  line("args", array(c.eal.args));
  line("hugepages", quote(to_string(c.eal.hugepages)));
  o += "\n[pmd]\n";
  line("count", std::to_string(c.pmd.count));
  line("cores", array(c.pmd.cores));
  for (const PortConfig& p : c.ports) {
    o += "\n[[ports]]\n";
    line("name", quote(p.name));
    line("devargs", quote(p.devargs));
    if (p.ofport != 0) line("ofport", std::to_string(p.ofport));
    line("role", quote(to_string(p.role)));
  }
  o += "\n[datapath]\n";
  line("emc_insert_inv_prob", std::to_string(c.datapath.emc_insert_inv_prob));
  line("max_idle_ms", std::to_string(c.datapath.max_idle_ms));
  line("flow_limit", std::to_string(c.datapath.flow_limit));
  line("upcall_rate", std::to_string(c.datapath.upcall_rate));
  line("upcall_burst", std::to_string(c.datapath.upcall_burst));
  o += "\n[offload]\n";
  line("backend", quote(to_string(c.offload.backend)));
  line("policy", quote(to_string(c.offload.policy)));
  o += "\n[offload.sim]\n";
  line("table_capacity", std::to_string(c.offload.sim_table_capacity));
  o += "\n[metrics]\n";
  line("enabled", c.metrics.enabled ? "true" : "false");
  line("listen", quote(c.metrics.listen));
  o += "\n[logging]\n";
  for (const auto& [module, level] : c.logging) line(module, quote(to_string(level)));
  return o;
}

}  // namespace dpuflow::config
