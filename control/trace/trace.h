// Offline and online ofproto/trace: follows a flow through the pipeline,
// one translation pass per recirculation, continuing conntrack forks with
// the next `--ct-next` state (default trk|new) exactly as OVS's
// ofproto/trace does, and prints the result in OVS's layout:
//
//   Flow: ...
//   bridge("br-int") / table entries / actions
//   Final flow: ...
//   Megaflow: ...
//   Datapath actions: ...
//   ===... recirc(0x1) - resume conntrack with ... ===...
//
// Thread safety: run_trace() uses its own RecircTable; the pipeline and
// ports are read only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dataplane/flow/flow_key.h"
#include "dataplane/odp/dp_actions.h"
#include "dataplane/pipeline/ports.h"
#include "dataplane/pipeline/recirc.h"

namespace dpuflow::dataplane {
class Pipeline;
}

namespace dpuflow::control {

struct TraceOptions {
  std::vector<uint32_t> ct_next;     // host-order ct_state values, consumed in order
  std::string bridge = "br-int";
  uint32_t first_recirc_id = 1;
  // A real packet of this length is traced (side effects allowed, as OVS
  // does when ofproto/trace is given packet bytes); 0 for a flow only.
  uint32_t packet_len = 0;
};

struct TracePass {
  uint32_t recirc_id = 0;            // 0 for the first pass
  dataplane::FlowKey flow{};
  dataplane::FlowMask megaflow{};
  dataplane::DpActions actions;
  std::string actions_text;
  std::string megaflow_text;
  std::string error;
  // To re-translate this pass (property tests): the frozen state it thawed
  // and the first recirculation id it allocated.
  bool has_frozen = false;
  dataplane::FrozenState frozen;
  uint32_t first_recirc_id = 0;
  bool allow_side_effects = false;
};

struct TraceResult {
  std::vector<TracePass> passes;
  std::string text;                  // the whole ofproto/trace-style output
};

TraceResult run_trace(const dataplane::Pipeline& pipeline, const dataplane::PortTable& ports,
                      const dataplane::FlowKey& flow, const TraceOptions& opts);

// Parses --ct-next flags: "trk,est,rpl", "trk|new", "+trk+new" or a number.
std::optional<uint32_t> parse_ct_state_flags(std::string_view text, std::string* error);
// Formats ct_state flags as OVS does in trace headers: "trk|new".
std::string format_ct_state_flags(uint32_t state, char sep);

}  // namespace dpuflow::control
