#include "control/trace/port_map.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <cstdio>
#include <map>
#include <sstream>
#include <vector>

namespace dpuflow::control {
namespace {

using dataplane::OdpPort;
using dataplane::PortTable;
using dataplane::XlatePort;

// Splits one CSV line (RFC 4180 quoting, "" inside quotes).
std::vector<std::string> split_csv(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cur += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// Parses an OVSDB map as ovs-vsctl prints it: {k=v, k2="v2"}.
std::map<std::string, std::string> parse_ovsdb_map(std::string_view s) {
  std::map<std::string, std::string> m;
  if (s.size() < 2 || s.front() != '{') return m;
  s = s.substr(1, s.size() - 2);
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',')) ++i;
    size_t eq = s.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string key(s.substr(i, eq - i));
    i = eq + 1;
    std::string val;
    if (i < s.size() && s[i] == '"') {
      ++i;
      while (i < s.size() && s[i] != '"') val += s[i++];
      ++i;
    } else {
      while (i < s.size() && s[i] != ',') val += s[i++];
    }
    m[key] = val;
  }
  return m;
}

bool parse_mac(const std::string& s, uint8_t out[6]) {
  unsigned v[6];
  char extra;
  if (std::sscanf(s.c_str(), "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                  &extra) != 6)
    return false;
  for (int i = 0; i < 6; ++i) {
    if (v[i] > 0xff) return false;
    out[i] = static_cast<uint8_t>(v[i]);
  }
  return true;
}

}  // namespace

std::optional<UnderlaySpec> parse_underlay_spec(std::string_view text, std::string* error) {
  UnderlaySpec u;
  std::stringstream ss{std::string(text)};
  std::string item;
  while (std::getline(ss, item, ',')) {
    size_t eq = item.find('=');
    if (eq == std::string::npos) {
      *error = fmt::format("underlay: \"{}\" is not key=value", item);
      return std::nullopt;
    }
    std::string k = item.substr(0, eq), v = item.substr(eq + 1);
    if (k == "local_ip") u.local_ip = v;
    else if (k == "src_mac") u.src_mac = v;
    else if (k == "dst_mac") u.dst_mac = v;
    else if (k == "bridge") u.bridge_port = v;
    else if (k == "out") u.out_port = v;
    else {
      *error = fmt::format("underlay: unknown key \"{}\" (allowed: local_ip, src_mac, dst_mac, "
                           "bridge, out)",
                           k);
      return std::nullopt;
    }
  }
  if (u.local_ip.empty() || u.src_mac.empty() || u.dst_mac.empty() || u.bridge_port.empty() ||
      u.out_port.empty()) {
    *error = "underlay: local_ip, src_mac, dst_mac, bridge and out are all required";
    return std::nullopt;
  }
  return u;
}

std::optional<PortTable> load_ovs_port_map(std::string_view dp_ports_text,
                                           std::string_view iface_csv_text,
                                           const std::string& bridge,
                                           const std::optional<UnderlaySpec>& underlay,
                                           std::string* error) {
  // Datapath ports: "  port N: NAME (type...)".
  std::map<std::string, OdpPort> odp;
  {
    std::stringstream ss{std::string(dp_ports_text)};
    std::string line;
    int lineno = 0;
    while (std::getline(ss, line)) {
      ++lineno;
      size_t p = line.find("port ");
      if (p == std::string::npos || line.find(':', p) == std::string::npos) continue;
      unsigned n;
      char name[256];
      if (std::sscanf(line.c_str() + p, "port %u: %255s", &n, name) == 2) {
        odp[name] = n;
      } else {
        *error = fmt::format("dp-ports line {}: cannot parse \"{}\"", lineno, line);
        return std::nullopt;
      }
    }
  }
  struct Row {
    std::string bridge, name, type;
    uint32_t ofport;
    std::map<std::string, std::string> options;
  };
  std::vector<Row> rows;
  {
    std::stringstream ss{std::string(iface_csv_text)};
    std::string line;
    int lineno = 0;
    while (std::getline(ss, line)) {
      ++lineno;
      if (lineno == 1 || line.empty()) continue;  // header
      auto f = split_csv(line);
      if (f.size() < 5) {
        *error = fmt::format("interface map line {}: expected bridge,ofport,name,type,options",
                             lineno);
        return std::nullopt;
      }
      Row r;
      r.bridge = f[0];
      r.ofport = static_cast<uint32_t>(std::strtoul(f[1].c_str(), nullptr, 10));
      r.name = f[2];
      r.type = f[3];
      r.options = parse_ovsdb_map(f[4]);
      rows.push_back(std::move(r));
    }
  }
  PortTable table;
  for (const Row& r : rows) {
    if (r.bridge != bridge) continue;
    XlatePort p;
    p.of_port = r.ofport == 65534 ? dataplane::kOfppLocal : static_cast<uint16_t>(r.ofport);
    p.name = r.name;
    if (r.type == "geneve" || r.type == "vxlan") {
      bool geneve = r.type == "geneve";
      p.is_tunnel = true;
      auto& t = p.tunnel;
      t.type = geneve ? dataplane::kOdpTnlTypeGeneve : dataplane::kOdpTnlTypeVxlan;
      t.dst_port = geneve ? 6081 : 4789;
      auto vp = odp.find(geneve ? "genev_sys_6081" : "vxlan_sys_4789");
      if (vp != odp.end()) t.tnl_odp_port = vp->second;
      p.odp_port = t.tnl_odp_port;
      auto it = r.options.find("remote_ip");
      if (it != r.options.end()) inet_pton(AF_INET, it->second.c_str(), &t.remote_ip);
      it = r.options.find("csum");
      t.csum = it != r.options.end() && it->second == "true";
      it = r.options.find("key");
      t.key_flow = it == r.options.end() || it->second == "flow";
      if (!t.key_flow) t.out_key = std::strtoull(it->second.c_str(), nullptr, 0);
      if (underlay) {
        inet_pton(AF_INET, underlay->local_ip.c_str(), &t.local_ip);
        if (!parse_mac(underlay->src_mac, t.src_mac) || !parse_mac(underlay->dst_mac, t.dst_mac)) {
          *error = "underlay: bad MAC address";
          return std::nullopt;
        }
        auto b = odp.find(underlay->bridge_port);
        auto o = odp.find(underlay->out_port);
        if (b == odp.end() || o == odp.end()) {
          *error = fmt::format("underlay: ports {} and {} must be datapath ports",
                               underlay->bridge_port, underlay->out_port);
          return std::nullopt;
        }
        t.bridge_odp_port = b->second;
        t.underlay_out.push_back(o->second);
        t.underlay_known = true;
        t.underlay_bridge = underlay->bridge_port;
      }
    } else if (r.type == "patch") {
      p.is_patch = true;
      auto it = r.options.find("peer");
      std::string peer = it == r.options.end() ? "" : it->second;
      for (const Row& q : rows) {
        if (q.name == peer) p.peer_bridge = q.bridge;
      }
      // NORMAL on the peer with an empty MAC table floods to its other
      // ports (the peer port itself excluded; patch ports lead elsewhere).
      for (const Row& q : rows) {
        if (q.bridge != p.peer_bridge || q.name == peer || q.type == "patch") continue;
        auto o = odp.find(q.name);
        if (o != odp.end()) p.peer_flood.push_back(o->second);
      }
    } else {
      auto o = odp.find(r.name);
      if (o == odp.end()) {
        *error = fmt::format("port {} of bridge {} is not a datapath port", r.name, bridge);
        return std::nullopt;
      }
      p.odp_port = o->second;
    }
    table.add(std::move(p));
  }
  return table;
}

}  // namespace dpuflow::control
