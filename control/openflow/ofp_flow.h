// FLOW_MOD and the flow statistics messages (multipart FLOW / FLOW_DESC
// and AGGREGATE) of OpenFlow 1.3 and 1.5.
//
// Design note
// - A FLOW_MOD decodes into the pipeline's FlowMod (dataplane/pipeline/
//   pipeline.h) with OVS's reading of the fields: ADD takes the cookie as
//   the new cookie; MODIFY/DELETE use cookie/cookie_mask as a filter and
//   never change the cookie (OpenFlow 1.2+); table 255 is "all tables" for
//   MODIFY/DELETE and refused for ADD; out_port/out_group filter DELETE.
// - Flow entries are encoded as OVS encodes them: `ofp11_flow_stats` in 1.3,
//   `ofp15_flow_desc` with an OXS statistics block in 1.5.
// - Errors are (OfpError, message), the error going back to the client.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "control/openflow/ofp_actions.h"
#include "dataplane/pipeline/pipeline.h"

namespace dpuflow::control {

// The whole message, header included.
std::optional<dataplane::FlowMod> decode_flow_mod(std::span<const uint8_t> msg,
                                                  const dataplane::TlvMap& tlv, WireError* err);
std::vector<uint8_t> encode_flow_mod(const dataplane::FlowMod& fm, uint8_t version, uint32_t xid,
                                     const dataplane::TlvMap& tlv);

// Multipart FLOW / AGGREGATE request body (after the 16-byte multipart header).
struct FlowStatsRequest {
  uint8_t table = dataplane::kTableAll;
  uint16_t out_port = dataplane::kOfppNone;
  uint32_t out_group = dataplane::kGroupAny;
  uint64_t cookie = 0;
  uint64_t cookie_mask = 0;
  dataplane::Match match;
};
std::optional<FlowStatsRequest> decode_flow_stats_request(std::span<const uint8_t> body,
                                                          const dataplane::TlvMap& tlv,
                                                          WireError* err);
std::vector<uint8_t> encode_flow_stats_request(const FlowStatsRequest& r, uint8_t version,
                                               bool aggregate, uint32_t xid,
                                               const dataplane::TlvMap& tlv);

struct FlowStats {
  uint32_t duration_sec = 0;
  uint32_t duration_nsec = 0;
  uint32_t idle_age_sec = 0;
  uint64_t n_packets = 0;
  uint64_t n_bytes = 0;
};
// Appends one flow entry (the reply body element) to `out`.
void encode_flow_stats_entry(const dataplane::RuleSpec& rule, const FlowStats& stats,
                             uint8_t version, const dataplane::TlvMap& tlv,
                             std::vector<uint8_t>& out);
// The AGGREGATE reply body.
void encode_aggregate_reply(uint64_t packets, uint64_t bytes, uint32_t flows, uint8_t version,
                            std::vector<uint8_t>& out);

}  // namespace dpuflow::control
