// GROUP_MOD and the group multipart bodies (GROUP_DESC, GROUP_FEATURES) of
// OpenFlow 1.3 and 1.5.
//
// Design note
// - Layouts: 1.3 has `ofp11_group_mod` and `ofp11_bucket` {len, weight,
//   watch_port, watch_group, actions}; 1.5 has `ofp15_group_mod` with
//   command_bucket_id, `ofp15_bucket` {len, action_array_len, bucket_id,
//   actions, properties WEIGHT / WATCH_PORT / WATCH_GROUP} and group
//   properties, of which OVS knows one: Netronome's selection method
//   (experimenter 0x154d, exp_type 1: "hash" or "dp_hash", a parameter and
//   the hash fields as mask-less OXM headers whose value is the mask).
// - Decoding follows OVS 3.1 (lib/ofp-group.c ofputil_decode_group_mod):
//   the same checks in the same order, so a client sees the error OVS
//   would send.  1.3 buckets are numbered 0, 1, 2... as OVS numbers them.
//   Where OVS's error has no OfpError yet (OFPBPC_BAD_VALUE,
//   OFPBPC_BAD_EXP_TYPE, OFPGMFC_BAD_WATCH, OFPGMFC_WATCH_UNSUPPORTED) the
//   nearest one is used and the message names OVS's.
// - Encoding is byte for byte OVS's (a 16-bit property is 8 bytes long;
//   the weight goes out for every select bucket and for any nonzero one),
//   so `ovs-ofctl dump-groups` prints our groups as it prints OVS's.  1.3
//   carries no selection method and no bucket ids.
// - Hash fields are written with all-ones masks (GroupSpec keeps no mask).
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

// The whole GROUP_MOD message, header included.
std::optional<dataplane::GroupMod> decode_group_mod(std::span<const uint8_t> msg,
                                                    const dataplane::TlvMap& tlv,
                                                    WireError* err);
// 1.3 has no bucket commands: INSERT_BUCKET / REMOVE_BUCKET keep their 1.5
// numbers there (OVS's decoder takes them; OVS's encoder would send MODIFY
// with the whole resulting bucket list, which a GroupMod does not carry).
std::vector<uint8_t> encode_group_mod(const dataplane::GroupMod& gm, uint8_t version,
                                      uint32_t xid, const dataplane::TlvMap& tlv);

// One element of a GROUP_DESC multipart reply body, appended to `out`.
void encode_group_desc_entry(const dataplane::GroupSpec& group, uint8_t version,
                             const dataplane::TlvMap& tlv, std::vector<uint8_t>& out);
// The group a GROUP_DESC request asks for: 1.5 names one (or OFPG_ALL);
// 1.3 always asks for all (dataplane::kGroupAll).  A 1.5 body too short to
// hold the id reads as all.
uint32_t decode_group_desc_request(std::span<const uint8_t> mp_body, uint8_t version);
// The GROUP_FEATURES reply body (40 bytes), as OVS's ofproto: all four
// types, select weight + liveness + chaining, OFPG_MAX groups per type.
void encode_group_features_reply(uint8_t version, std::vector<uint8_t>& out);

}  // namespace dpuflow::control
