// A switch's state as OVS dumps it, loaded for offline use: flows, groups,
// meters, the TLV map and the port map.  Used by `dpuflowctl trace` and by
// the differential tests against OVS's own traces.
//
// Thread safety: a loaded Scenario is read-only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "control/trace/port_map.h"
#include "dataplane/flow/flow_key.h"
#include "dataplane/flow/tlv_map.h"
#include "dataplane/pipeline/ports.h"

namespace dpuflow::dataplane {
class Pipeline;
}

namespace dpuflow::control {

struct ScenarioFiles {
  std::string flows;        // required: ovs-ofctl dump-flows text
  std::string groups;       // optional: dump-groups
  std::string meters;       // optional: dump-meters
  std::string tlv_map;      // optional: dump-tlv-map
  std::string dp_ports;     // optional: dpif/show
  std::string ofports;      // optional: interface map CSV (with dp_ports)
  std::string bridge = "br-int";
  std::optional<UnderlaySpec> underlay;
};

struct Scenario {
  std::unique_ptr<dataplane::Pipeline> pipeline;
  dataplane::PortTable ports;
  size_t n_flows = 0, n_groups = 0, n_meters = 0, n_tlv = 0;
  Scenario();
  ~Scenario();
  Scenario(Scenario&&) noexcept;
  Scenario& operator=(Scenario&&) noexcept;
};

// Loads every file; on error returns nullopt with "file:line:col: message".
std::optional<Scenario> load_scenario(const ScenarioFiles& files, std::string* error);

// Parses a trace flow ("in_port=1,dl_src=...,icmp,...") against the
// scenario's TLV map.
std::optional<dataplane::FlowKey> parse_trace_flow(const Scenario& s, std::string_view text,
                                                   std::string* error);
// The same against any TLV map (a running switch's).
std::optional<dataplane::FlowKey> parse_trace_flow(const dataplane::TlvMap& tlv,
                                                   std::string_view text, std::string* error);

// Parses an OVS "Megaflow:" line into a value and mask.
struct ParsedMegaflow {
  dataplane::FlowKey value{};
  dataplane::FlowMask mask{};
};
std::optional<ParsedMegaflow> parse_trace_megaflow(const Scenario& s, std::string_view text,
                                                   std::string* error);

// Reads a whole file; nullopt with a message if it cannot.
std::optional<std::string> read_text_file(const std::string& path, std::string* error);

}  // namespace dpuflow::control
