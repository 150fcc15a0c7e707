// Actions and instructions on the wire: an ActionList (dataplane/pipeline/
// action.h) as OpenFlow 1.3 / 1.5 instructions with standard and Nicira
// actions, and back.
//
// Design note
// - Encoding follows what OVS 3.1 sends for the same action in the same
//   version, so that `ovs-ofctl dump-flows` prints our flows as it prints
//   OVS's: set_field is OFPAT_SET_FIELD (masked in 1.5; a masked one in 1.3
//   goes out as NXAST_REG_LOAD per contiguous run of bits, as OVS does),
//   `load:` stays NXAST_REG_LOAD below 1.5, move is OFPAT_COPY_FIELD in 1.5
//   and NXAST_REG_MOVE below, output:CONTROLLER without options is a plain
//   OFPAT_OUTPUT and controller(...) with userdata/pause/meter is
//   NXAST_CONTROLLER2.
// - Field headers: a field is named by its OXM header where it has one,
//   else by its Nicira (NXM) header; learn specs and the stack actions use
//   the NXM header first, as OVS does.  Decoding accepts either for every
//   field (and the xreg/xxreg views of the registers).
// - Instructions are derived from the flattened list: meter (an instruction
//   in 1.3, an action in 1.5), apply-actions, write-metadata, goto-table, in
//   OpenFlow's required order.  Decoding checks that order and refuses
//   duplicates, as OVS does.
// - Every decode error is an OVS error name (OfpError) plus a message
//   naming the offending action and its offset.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "control/openflow/ofp_msg.h"
#include "dataplane/flow/tlv_map.h"
#include "dataplane/pipeline/action.h"

namespace dpuflow::control {

// Port numbers: OpenFlow 1.1+ carries 32-bit ports; OVS keeps 16-bit ones
// and maps 0xff00..0xffff to 0xffffff00..0xffffffff.
uint32_t port_to_ofp11(uint16_t port);
// nullopt for a 32-bit port that has no 16-bit form (OFPBAC_BAD_OUT_PORT).
std::optional<uint16_t> port_from_ofp11(uint32_t port);

// Actions only (OFPAT_* / NXAST_*), for packet-out, group buckets and nested
// lists.  Instructions in the list (goto_table, write_metadata) are not
// encoded here; meter is OFPAT_METER (1.5 only).
void encode_actions(const dataplane::ActionList& actions, uint8_t version,
                    const dataplane::TlvMap& tlv, std::vector<uint8_t>& out);
// Instructions of a flow (1.1+).
void encode_instructions(const dataplane::ActionList& actions, uint8_t version,
                         const dataplane::TlvMap& tlv, std::vector<uint8_t>& out);

struct WireError {
  OfpError code = OfpError::kBadLen;
  size_t offset = 0;  // within the bytes given to the decoder
  std::string message;
};

// `nw_proto`: the flow's exact nw_proto, if any; OpenFlow 1.0's
// mod_tp_src/mod_tp_dst set the TCP, UDP or SCTP port according to it.
std::optional<dataplane::ActionList> decode_actions(std::span<const uint8_t> in, uint8_t version,
                                                    const dataplane::TlvMap& tlv,
                                                    WireError* err, uint8_t nw_proto = 0);
std::optional<dataplane::ActionList> decode_instructions(std::span<const uint8_t> in,
                                                         uint8_t version,
                                                         const dataplane::TlvMap& tlv,
                                                         WireError* err);

}  // namespace dpuflow::control
