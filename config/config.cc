// parse_config(): toml++ parses the text; Reader walks the tree once,
// copying what is valid into a Config and recording every problem with its
// key path and position (config.h has the contract).
#include "config/config.h"

#include <fmt/format.h>
#include <toml++/toml.h>
#include <algorithm>
#include <initializer_list>

#include "config/config_check.h"

namespace dpuflow::config {
namespace {

std::string key_text(std::string_view k) {
  const bool bare = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
  return bare ? std::string(k) : fmt::format("\"{}\"", k);
}

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? key_text(key) : path + "." + key_text(key);
}

std::string_view type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    default:
      return "a date/time";
  }
}

std::string list(std::initializer_list<std::string_view> names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

template <class E, size_t N>
std::string enum_list(const E (&values)[N]) {
  std::string s;
  for (size_t i = 0; i < N; i++) s += (i ? ", " : "") + std::string(to_string(values[i]));
  return s;
}

constexpr Hugepages kHugepages[] = {Hugepages::kAuto, Hugepages::kOn, Hugepages::kOff};
constexpr PortRole kRoles[] = {PortRole::kUplink, PortRole::kRepresentor, PortRole::kInternal};
constexpr OffloadBackend kBackends[] = {OffloadBackend::kSim, OffloadBackend::kRteflow,
                                        OffloadBackend::kMlx5dv, OffloadBackend::kNone};
constexpr OffloadPolicy kPolicies[] = {OffloadPolicy::kAuto, OffloadPolicy::kOff};
constexpr LogLevel kLevels[] = {LogLevel::kEmer, LogLevel::kErr, LogLevel::kWarn,
                                LogLevel::kInfo, LogLevel::kDbg, LogLevel::kOff};

class Reader {
 public:
  std::vector<ConfigError> errors;

  void error(std::string key, const toml::source_region& where, std::string message) {
    errors.push_back({std::move(key), std::move(message), where.begin.line, where.begin.column});
  }

  void check_keys(const toml::table& t, const std::string& path,
                  std::initializer_list<std::string_view> allowed) {
    for (auto&& [k, v] : t) {
      if (std::find(allowed.begin(), allowed.end(), k.str()) != allowed.end()) continue;
      error(join(path, k.str()), k.source(),
            fmt::format("unknown key in {}; allowed keys: {}",
                        path.empty() ? "the top level" : "[" + path + "]", list(allowed)));
    }
  }

  // t[key] as an integer in lo..hi; true if it was there and valid.
  template <class T>
  bool integer(const toml::table& t, const std::string& path, std::string_view key, int64_t lo,
               int64_t hi, T* out) {
    const toml::node* n = t.get(key);
    if (!n) return false;
    const std::string k = join(path, key);
    const auto* v = n->as_integer();
    if (!v) {
      error(k, n->source(),
            fmt::format("expected an integer in {}..{}, got {}", lo, hi, type_name(*n)));
      return false;
    }
    if (v->get() < lo || v->get() > hi) {
      error(k, n->source(), fmt::format("{} is out of range; allowed: {}..{}", v->get(), lo, hi));
      return false;
    }
    *out = static_cast<T>(v->get());
    return true;
  }

  void boolean(const toml::table& t, const std::string& path, std::string_view key, bool* out) {
    const toml::node* n = t.get(key);
    if (!n) return;
    if (const auto* v = n->as_boolean()) {
      *out = v->get();
    } else {
      error(join(path, key), n->source(),
            fmt::format("expected a boolean (true or false), got {}", type_name(*n)));
    }
  }

  // t[key] as a string that `check` accepts (it returns what is allowed).
  void string(const toml::table& t, const std::string& path, std::string_view key, std::string* out,
              const StringRule& rule) {
    const toml::node* n = t.get(key);
    if (!n) return;
    if (auto s = string_node(*n, join(path, key), rule)) *out = *s;
  }

  std::optional<std::string> string_node(const toml::node& n, const std::string& k,
                                         const StringRule& rule) {
    const auto* v = n.as_string();
    if (!v) {
      error(k, n.source(),
            fmt::format("expected a string ({}), got {}", rule.allowed, type_name(n)));
      return std::nullopt;
    }
    if (!rule.ok(v->get())) {
      error(k, n.source(),
            fmt::format("\"{}\" is not allowed; allowed: {}", v->get(), rule.allowed));
      return std::nullopt;
    }
    return v->get();
  }

  template <class E, size_t N>
  bool enumeration(const toml::table& t, const std::string& path, std::string_view key,
                   const E (&values)[N], E* out) {
    const toml::node* n = t.get(key);
    if (!n) return false;
    return enum_node(*n, join(path, key), values, out);
  }

  template <class E, size_t N>
  bool enum_node(const toml::node& n, const std::string& k, const E (&values)[N], E* out) {
    const auto* v = n.as_string();
    if (!v) {
      error(k, n.source(),
            fmt::format("expected a string, one of: {}; got {}", enum_list(values), type_name(n)));
      return false;
    }
    for (E e : values) {
      if (to_string(e) == v->get()) {
        *out = e;
        return true;
      }
    }
    error(k, n.source(),
          fmt::format("\"{}\" is not allowed; allowed: {}", v->get(), enum_list(values)));
    return false;
  }

  // t[key] as a table; wrong type: reported, nullptr.
  const toml::table* table(const toml::table& t, const std::string& path, std::string_view key) {
    const toml::node* n = t.get(key);
    if (!n) return nullptr;
    if (const auto* sub = n->as_table()) return sub;
    error(join(path, key), n->source(),
          fmt::format("expected a table ([{}]), got {}", join(path, key), type_name(*n)));
    return nullptr;
  }

  const toml::array* array(const toml::table& t, const std::string& path, std::string_view key,
                           std::string_view what) {
    const toml::node* n = t.get(key);
    if (!n) return nullptr;
    if (const auto* a = n->as_array()) return a;
    error(join(path, key), n->source(),
          fmt::format("expected an array of {}, got {}", what, type_name(*n)));
    return nullptr;
  }

  void require(const toml::table& t, const std::string& path, std::string_view key,
               std::string_view what) {
    if (t.contains(key)) return;
    error(join(path, key), t.source(), fmt::format("missing; required: {}", what));
  }

  void read_eal(const toml::table& t, EalConfig* c);
  void read_pmd(const toml::table& t, PmdConfig* c);
  void read_ports(const toml::array& a, std::vector<PortConfig>* ports);
  void read_datapath(const toml::table& t, DatapathLimits* c);
  void read_offload(const toml::table& t, OffloadConfig* c);
  void read_metrics(const toml::table& t, MetricsConfig* c);
  void read_logging(const toml::table& t, std::map<std::string, LogLevel>* c);
};

void Reader::read_eal(const toml::table& t, EalConfig* c) {
  const std::string p = "eal";
  check_keys(t, p, {"cores", "memory_mb", "args", "hugepages"});
  string(t, p, "cores", &c->cores, kCoreList);
  integer(t, p, "memory_mb", 64, 1048576, &c->memory_mb);
  enumeration(t, p, "hugepages", kHugepages, &c->hugepages);
  if (const toml::array* a = array(t, p, "args", "strings (extra EAL arguments)")) {
    c->args.clear();
    for (size_t i = 0; i < a->size(); i++) {
      if (auto s = string_node(*a->get(i), fmt::format("eal.args[{}]", i), kEalArg)) {
        c->args.push_back(*s);
      }
    }
  }
}

void Reader::read_pmd(const toml::table& t, PmdConfig* c) {
  const std::string p = "pmd";
  check_keys(t, p, {"count", "cores"});
  const bool has_count = integer(t, p, "count", 1, 64, &c->count);
  const toml::array* a = array(t, p, "cores", "integers (CPU cores, one per PMD)");
  if (!a) return;
  c->cores.clear();
  for (size_t i = 0; i < a->size(); i++) {
    const toml::node& n = *a->get(i);
    const std::string k = fmt::format("pmd.cores[{}]", i);
    const auto* v = n.as_integer();
    if (!v || v->get() < 0 || v->get() > kMaxCore) {
      error(k, n.source(),
            fmt::format("expected a CPU core number in 0..{}, got {}", kMaxCore,
                        v ? std::to_string(v->get()) : std::string(type_name(n))));
      continue;
    }
    const auto core = static_cast<uint32_t>(v->get());
    if (std::find(c->cores.begin(), c->cores.end(), core) != c->cores.end()) {
      error(k, n.source(), fmt::format("core {} is listed twice; allowed: one PMD per core", core));
      continue;
    }
    c->cores.push_back(core);
  }
  if (!t.contains("count")) {
    if (a->size() > 64) {
      error("pmd.cores", a->source(),
            fmt::format("lists {} cores; allowed: at most 64 (one per PMD)", a->size()));
    } else if (!a->empty()) {
      c->count = static_cast<uint32_t>(a->size());
    }
  } else if (has_count && !a->empty() && a->size() != c->count) {
    error("pmd.cores", a->source(),
          fmt::format("lists {} cores for pmd.count = {}; allowed: one core per PMD, or [] "
                      "(unpinned)",
                      a->size(), c->count));
  }
}

void Reader::read_ports(const toml::array& a, std::vector<PortConfig>* ports) {
  std::map<std::string, size_t> names;  // name -> index
  std::map<uint16_t, size_t> ofports;   // ofport -> index
  for (size_t i = 0; i < a.size(); i++) {
    const std::string p = fmt::format("ports[{}]", i);
    const toml::table* t = a.get(i)->as_table();
    if (!t) {
      error(p, a.get(i)->source(),
            fmt::format("expected a table (a [[ports]] entry), got {}", type_name(*a.get(i))));
      continue;
    }
    PortConfig port;
    check_keys(*t, p, {"name", "devargs", "ofport", "role"});
    require(*t, p, "name", "the port's name, e.g. \"p0\"");
    require(*t, p, "devargs", "the DPDK devargs, e.g. \"0000:03:00.0\" or \"net_ring0\"");
    require(*t, p, "role", "uplink, representor or internal");
    string(*t, p, "name", &port.name, kPortName);
    string(*t, p, "devargs", &port.devargs, kDevargs);
    enumeration(*t, p, "role", kRoles, &port.role);
    if (integer(*t, p, "ofport", 1, 65279, &port.ofport)) {
      auto [it, fresh] = ofports.emplace(port.ofport, i);
      if (!fresh) {
        error(p + ".ofport", t->get("ofport")->source(),
              fmt::format("ofport {} is already used by ports[{}]; allowed: a number in 1..65279 "
                          "used by no other port, or none (the lowest free)",
                          port.ofport, it->second));
      }
    }
    if (!port.name.empty()) {
      auto [it, fresh] = names.emplace(port.name, i);
      if (!fresh) {
        error(p + ".name", t->get("name")->source(),
              fmt::format("name \"{}\" is already used by ports[{}]; allowed: a name no other "
                          "port has",
                          port.name, it->second));
      }
    }
    ports->push_back(std::move(port));
  }
}

void Reader::read_datapath(const toml::table& t, DatapathLimits* c) {
  const std::string p = "datapath";
  check_keys(t, p,
             {"emc_insert_inv_prob", "max_idle_ms", "flow_limit", "upcall_rate", "upcall_burst"});
  integer(t, p, "emc_insert_inv_prob", 0, UINT32_MAX, &c->emc_insert_inv_prob);
  integer(t, p, "max_idle_ms", 100, 86400000, &c->max_idle_ms);
  integer(t, p, "flow_limit", 1, 100000000, &c->flow_limit);
  integer(t, p, "upcall_rate", 0, 100000000, &c->upcall_rate);
  integer(t, p, "upcall_burst", 1, 100000000, &c->upcall_burst);
}

void Reader::read_offload(const toml::table& t, OffloadConfig* c) {
  const std::string p = "offload";
  check_keys(t, p, {"backend", "policy", "sim"});
  enumeration(t, p, "backend", kBackends, &c->backend);
  enumeration(t, p, "policy", kPolicies, &c->policy);
  if (const toml::table* sim = table(t, p, "sim")) {
    check_keys(*sim, "offload.sim", {"table_capacity"});
    integer(*sim, "offload.sim", "table_capacity", 1, 16777216, &c->sim_table_capacity);
  }
}

void Reader::read_metrics(const toml::table& t, MetricsConfig* c) {
  check_keys(t, "metrics", {"enabled", "listen"});
  boolean(t, "metrics", "enabled", &c->enabled);
  string(t, "metrics", "listen", &c->listen, kListen);
}

void Reader::read_logging(const toml::table& t, std::map<std::string, LogLevel>* c) {
  std::string modules;
  for (std::string_view m : kLogModules) modules += (modules.empty() ? "" : ", ") + std::string(m);
  for (auto&& [k, v] : t) {
    const std::string key = join("logging", k.str());
    if (std::find(std::begin(kLogModules), std::end(kLogModules), k.str()) ==
        std::end(kLogModules)) {
      error(key, k.source(), fmt::format("unknown log module; allowed keys: {}", modules));
      continue;
    }
    LogLevel level{};
    if (enum_node(v, key, kLevels, &level)) (*c)[std::string(k.str())] = level;
  }
}

}  // namespace

ConfigResult parse_config(std::string_view toml_text, std::string_view source_name) {
  ConfigResult result;
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    result.errors.push_back({"", fmt::format("TOML syntax error: {}", e.description()),
                             e.source().begin.line, e.source().begin.column});
    return result;
  }
  Reader r;
  Config c;
  const std::string top;
  r.check_keys(root, top,
               {"run_dir", "socket_group", "bridge", "eal", "pmd", "ports", "datapath", "offload",
                "metrics", "logging"});
  r.string(root, top, "run_dir", &c.run_dir, kRunDir);
  r.string(root, top, "socket_group", &c.socket_group, kGroup);
  r.string(root, top, "bridge", &c.bridge, kBridge);
  if (const toml::table* t = r.table(root, top, "eal")) r.read_eal(*t, &c.eal);
  if (const toml::table* t = r.table(root, top, "pmd")) r.read_pmd(*t, &c.pmd);
  if (const toml::array* a = r.array(root, top, "ports", "tables ([[ports]] entries)")) {
    r.read_ports(*a, &c.ports);
  }
  if (const toml::table* t = r.table(root, top, "datapath")) r.read_datapath(*t, &c.datapath);
  if (const toml::table* t = r.table(root, top, "offload")) r.read_offload(*t, &c.offload);
  if (const toml::table* t = r.table(root, top, "metrics")) r.read_metrics(*t, &c.metrics);
  if (const toml::table* t = r.table(root, top, "logging")) r.read_logging(*t, &c.logging);
  if (r.errors.empty()) {
    result.config = std::move(c);
  } else {
    std::stable_sort(r.errors.begin(), r.errors.end(), [](const auto& a, const auto& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    result.errors = std::move(r.errors);
  }
  return result;
}

}  // namespace dpuflow::config
