// METER_MOD and the meter multipart bodies (METER_CONFIG, METER_FEATURES)
// of OpenFlow 1.3 and 1.5 (the layouts are the same in both).
//
// Design note
// - Decoding follows OVS 3.1 (lib/ofp-meter.c ofputil_decode_meter_mod):
//   command ADD/MODIFY/DELETE else OFPMMFC_BAD_COMMAND; a DELETE's flags and
//   bands are ignored; kbps together with pktps is OFPMMFC_BAD_FLAGS; every
//   band is 16 bytes (else OFPBRC_BAD_LEN) of type drop or dscp_remark (else
//   OFPMMFC_BAD_BAND).  Unknown flag bits are kept, as OVS keeps them.
//   Meter-id rules (0, OFPM13_ALL...) belong to the pipeline.
// - Encoding is byte for byte OVS's: bands are `ofp13_meter_band_dscp_remark`
//   (prec_level 0 for drop).
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

// The whole METER_MOD message, header included.
std::optional<dataplane::MeterMod> decode_meter_mod(std::span<const uint8_t> msg,
                                                    WireError* err);
std::vector<uint8_t> encode_meter_mod(const dataplane::MeterMod& mm, uint8_t version,
                                      uint32_t xid);

// One element of a METER_CONFIG multipart reply body, appended to `out`.
void encode_meter_config_entry(const dataplane::MeterSpec& meter, std::vector<uint8_t>& out);
// The meter a METER / METER_CONFIG request names (dataplane::kMeterAll:
// all); a body too short to hold it reads as all.
uint32_t decode_meter_request(std::span<const uint8_t> mp_body);
// The METER_FEATURES reply body (16 bytes): band types drop and
// dscp_remark, capabilities kbps|pktps|burst|stats, kMeterMaxBands bands,
// max_color 0 (as OVS's userspace datapath).
inline constexpr uint8_t kMeterMaxBands = 8;
void encode_meter_features_reply(uint32_t max_meter, std::vector<uint8_t>& out);

}  // namespace dpuflow::control
