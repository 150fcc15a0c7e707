// The Nicira TLV table messages (NXT_TLV_TABLE_MOD / _REQUEST / _REPLY,
// experimenter 0x2320 subtypes 24 / 25 / 26): which Geneve option
// (class, type, length) each tun_metadataN names.
//
// Design note
// - Decoding follows OVS 3.1 (lib/ofp-match.c ofputil_decode_tlv_table_mod):
//   command ADD 0 / DELETE 1 / CLEAR 2, else NXTTMFC_BAD_COMMAND; an option
//   length that is not a multiple of 4 or is over 124 is NXTTMFC_BAD_OPT_LEN;
//   an index of 64 or more is NXTTMFC_BAD_FIELD_IDX; maps are 8 bytes each
//   (else OFPBRC_BAD_LEN).
// - DELETE is refused with NXTTMFC_BAD_COMMAND (after the maps are checked):
//   the pipeline's TlvMap cannot release one mapping in place yet.
// - The reply advertises what OVS does: 256 bytes of option space and 64
//   fields, then the mappings in index order.
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

// What the reply advertises (OVS: TUN_METADATA_TOT_OPT_SIZE, _NUM_OPTS).
inline constexpr uint32_t kTlvMaxOptionSpace = 256;
inline constexpr uint16_t kTlvMaxFields = 64;

// The whole NXT_TLV_TABLE_MOD message, header included.
std::optional<dataplane::TlvMod> decode_tlv_table_mod(std::span<const uint8_t> msg,
                                                      WireError* err);
std::vector<uint8_t> encode_tlv_table_mod(const dataplane::TlvMod& tm, uint8_t version,
                                          uint32_t xid);
std::vector<uint8_t> encode_tlv_table_reply(const dataplane::TlvMap& tlv, uint8_t version,
                                            uint32_t xid);
std::vector<uint8_t> encode_tlv_table_request(uint8_t version, uint32_t xid);

}  // namespace dpuflow::control
