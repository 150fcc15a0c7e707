// Packets between switch and controller: OFPT_PACKET_OUT (1.0, 1.3, 1.5),
// NXT_PACKET_IN2 and NXT_RESUME (Nicira, what ovn-controller's pinctrl
// uses), all as OVS 3.1 lays them out (lib/ofp-packet.c).
//
// Design note
// - PACKET_OUT carries its pipeline metadata differently per version: an
//   in_port field (1.0: 16 bits, 1.3: 32 bits), or a whole match of
//   pipeline fields (1.5: in_port, metadata, registers, tunnel metadata...).
//   All decode into a Match whose value holds the metadata.
// - NXT_PACKET_IN2 and NXT_RESUME are property lists (type, length, value,
//   padded to 8; 64-bit values after 4 bytes of padding).  The
//   continuation is opaque to the controller, which hands it back in
//   NXT_RESUME: here it is a property list of our own (a token and the
//   table/cookie), well formed so that a strict decoder accepts it.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "control/openflow/ofp_actions.h"
#include "dataplane/flow/match.h"

namespace dpuflow::control {

struct PacketOut {
  uint16_t in_port = 0xfffd;    // OFPP_CONTROLLER unless given
  dataplane::Match metadata;    // pipeline fields (in_port included)
  dataplane::ActionList actions;
  std::vector<uint8_t> packet;
};
std::optional<PacketOut> decode_packet_out(std::span<const uint8_t> msg,
                                           const dataplane::TlvMap& tlv, WireError* err);
std::vector<uint8_t> encode_packet_out(const PacketOut& po, uint8_t version, uint32_t xid,
                                       const dataplane::TlvMap& tlv);

struct PacketIn2 {
  std::vector<uint8_t> packet;  // what is sent (may be truncated to max_len)
  uint32_t full_len = 0;        // the packet's length before truncation
  uint8_t table_id = 0;
  uint64_t cookie = 0;
  uint8_t reason = 1;           // OFPR_ACTION
  dataplane::Match metadata;    // pipeline fields, exact values
  std::vector<uint8_t> userdata;
  // Present for a paused controller action: opaque to the controller.
  std::optional<uint64_t> continuation_token;
};
std::vector<uint8_t> encode_packet_in2(const PacketIn2& pin, uint8_t version,
                                       const dataplane::TlvMap& tlv);

struct Resume {
  std::vector<uint8_t> packet;
  dataplane::Match metadata;
  uint64_t continuation_token = 0;
  uint8_t table_id = 0;
  uint64_t cookie = 0;
};
std::optional<Resume> decode_resume(std::span<const uint8_t> msg, const dataplane::TlvMap& tlv,
                                    WireError* err);

}  // namespace dpuflow::control
