#include "control/trace/scenario.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "control/openflow/match_text.h"
#include "control/openflow/ofctl_text.h"
#include "dataplane/pipeline/pipeline.h"

namespace dpuflow::control {

using namespace dataplane;

Scenario::Scenario() : pipeline(std::make_unique<Pipeline>()) {}
Scenario::~Scenario() = default;
Scenario::Scenario(Scenario&&) noexcept = default;
Scenario& Scenario::operator=(Scenario&&) noexcept = default;

std::optional<std::string> read_text_file(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = fmt::format("{}: cannot open for reading", path);
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    *error = fmt::format("{}: read error", path);
    return std::nullopt;
  }
  return ss.str();
}

namespace {

bool load_file(const std::string& path, std::string* text, std::string* error) {
  auto t = read_text_file(path, error);
  if (!t) return false;
  *text = std::move(*t);
  return true;
}

std::string dump_error(const std::string& path, const DumpError& e) {
  return fmt::format("{}:{}:{}: {}{}", path, e.line, e.error.column + 1,
                     e.error.token.empty() ? "" : fmt::format("'{}': ", e.error.token),
                     e.error.message);
}

}  // namespace

std::optional<Scenario> load_scenario(const ScenarioFiles& files, std::string* error) {
  Scenario s;
  std::string text;

  // The TLV map first: flows and groups name tun_metadataN.
  if (!files.tlv_map.empty()) {
    if (!load_file(files.tlv_map, &text, error)) return std::nullopt;
    DumpError e;
    auto entries = parse_tlv_dump(text, &e);
    if (!entries) {
      *error = dump_error(files.tlv_map, e);
      return std::nullopt;
    }
    TlvMod mod;
    for (const TlvEntry& t : *entries) {
      mod.mappings.push_back(TlvModEntry{t.index, t.opt_class, t.opt_type, t.length});
    }
    if (auto st = s.pipeline->apply(mod)) {
      *error = fmt::format("{}: {}", files.tlv_map, st->message);
      return std::nullopt;
    }
    s.n_tlv = entries->size();
  }
  const TlvMap& tlv = s.pipeline->tlv_map();

  // Meters and groups before flows: flows refer to them.
  if (!files.meters.empty()) {
    if (!load_file(files.meters, &text, error)) return std::nullopt;
    DumpError e;
    auto meters = parse_meter_dump(text, &e);
    if (!meters) {
      *error = dump_error(files.meters, e);
      return std::nullopt;
    }
    for (MeterSpec& m : *meters) {
      uint32_t id = m.meter_id;
      if (auto st = s.pipeline->apply(MeterMod{MeterModCommand::kAdd, std::move(m)})) {
        *error = fmt::format("{}: meter {}: {}", files.meters, id, st->message);
        return std::nullopt;
      }
    }
    s.n_meters = meters->size();
  }
  if (!files.groups.empty()) {
    if (!load_file(files.groups, &text, error)) return std::nullopt;
    DumpError e;
    auto groups = parse_group_dump(text, tlv, &e);
    if (!groups) {
      *error = dump_error(files.groups, e);
      return std::nullopt;
    }
    for (GroupSpec& g : *groups) {
      uint32_t id = g.group_id;
      if (auto st = s.pipeline->apply(GroupMod{GroupModCommand::kAdd, std::move(g)})) {
        *error = fmt::format("{}: group {}: {}", files.groups, id, st->message);
        return std::nullopt;
      }
    }
    s.n_groups = groups->size();
  }
  if (files.flows.empty()) {
    *error = "no flow dump given";
    return std::nullopt;
  }
  if (!load_file(files.flows, &text, error)) return std::nullopt;
  DumpError e;
  auto flows = parse_flow_dump(text, tlv, &e);
  if (!flows) {
    *error = dump_error(files.flows, e);
    return std::nullopt;
  }
  for (size_t i = 0; i < flows->size(); ++i) {
    if (auto st = s.pipeline->add_flow((*flows)[i])) {
      *error = fmt::format("{}: flow {}: {}", files.flows, i + 1, st->message);
      return std::nullopt;
    }
  }
  s.n_flows = flows->size();

  if (!files.dp_ports.empty()) {
    std::string dp, csv;
    if (!load_file(files.dp_ports, &dp, error)) return std::nullopt;
    if (!files.ofports.empty() && !load_file(files.ofports, &csv, error)) return std::nullopt;
    auto ports = load_ovs_port_map(dp, csv, files.bridge, files.underlay, error);
    if (!ports) return std::nullopt;
    s.ports = std::move(*ports);
  }
  return s;
}

std::optional<FlowKey> parse_trace_flow(const Scenario& s, std::string_view text,
                                        std::string* error) {
  return parse_trace_flow(s.pipeline->tlv_map(), text, error);
}

std::optional<FlowKey> parse_trace_flow(const TlvMap& tlv, std::string_view text,
                                        std::string* error) {
  TextError e;
  auto m = parse_match(text, tlv, &e);
  if (!m) {
    *error = fmt::format("flow: {}", e.to_string());
    return std::nullopt;
  }
  // As OVS's flow_fix_vlan_tpid(): a tag given by its TCI is an 802.1Q tag.
  FlowKey k = m->value;
  for (VlanHdr& v : k.vlans) {
    if ((v.tci & be16(0x1000)) != 0 && v.tpid == 0) v.tpid = be16(kEthTypeVlan8021Q);
  }
  return k;
}

std::optional<ParsedMegaflow> parse_trace_megaflow(const Scenario& s, std::string_view text,
                                                   std::string* error) {
  TextError e;
  auto m = parse_match(text, s.pipeline->tlv_map(), &e, /*check_prereqs=*/false);
  if (!m) {
    *error = fmt::format("megaflow: {}", e.to_string());
    return std::nullopt;
  }
  return ParsedMegaflow{m->value, m->mask};
}

}  // namespace dpuflow::control
