// Matches on the wire: a Match as the NXM/OXM TLVs of an OpenFlow 1.2+
// `ofp_match` (OFPMT_OXM), the first piece of the wire codec.
//
// Design note
// - Each storage area of FlowKey is written once, through the field whose
//   prerequisites the match satisfies (tcp_src or udp_src or icmp_type for
//   the transport port word; arp_spa or ip_src for nw_src...), with the
//   Nicira (NXM) header where the field has one, else the OXM basic header;
//   OVS reads either kind in an OXM match.
// - Fields come in prerequisite order (metadata, Ethernet, L3, L4), because
//   OVS checks each field's prerequisites as it reads it.
// - tun_metadataN takes its length from the TLV map.
// - Decoding checks each TLV in the order of OVS's nx_pull_entry__() and
//   nx_pull_raw(), so a TLV with several faults gets OVS's error: header
//   length, field (looked up with its length, so a known field of another
//   length is unknown), payload length, mask consistency, mask validity,
//   prerequisites, duplicates.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dataplane/flow/match.h"
#include "dataplane/flow/tlv_map.h"

namespace dpuflow::control {

// The TLVs only (no ofp_match header, no padding).
std::vector<uint8_t> encode_oxm_tlvs(const dataplane::Match& m, const dataplane::TlvMap& tlv);
// A whole `ofp_match` of type OFPMT_OXM, padded to a multiple of 8 bytes.
std::vector<uint8_t> encode_ofp_match(const dataplane::Match& m, const dataplane::TlvMap& tlv);

// Why a match on the wire was refused, as OVS's OFPERR_OFPBMC_* codes (the
// connection code maps them to type/code per OpenFlow version).
enum class MatchError : uint8_t {
  kBadLen,     // OFPBMC_BAD_LEN: a TLV or the match length does not add up
  kBadWildcards,  // OFPBMC_BAD_WILDCARDS: value 1-bits where the mask has 0-bits
  kBadField,   // OFPBMC_BAD_FIELD: unknown field, or a known one with another length
  kBadMask,    // OFPBMC_BAD_MASK: a mask other than all-0s/all-1s on a field that takes none
  kBadPrereq,  // OFPBMC_BAD_PREREQ: a field before its prerequisites
  kDupField,   // OFPBMC_DUP_FIELD: a field twice
  kInvalidTlvField,  // NXFMFC_INVALID_TLV_FIELD: a tun_metadataN the TLV map lacks
};
struct MatchDecodeError {
  MatchError code = MatchError::kBadLen;
  size_t offset = 0;     // of the offending TLV in the input
  std::string message;
};
const char* match_error_name(MatchError e);  // "OFPBMC_BAD_PREREQ"...

// NXM/OXM TLVs -> Match, with OVS's checks, in order.
std::optional<dataplane::Match> decode_oxm_tlvs(std::span<const uint8_t> tlvs,
                                                const dataplane::TlvMap& tlv,
                                                MatchDecodeError* err);

}  // namespace dpuflow::control
