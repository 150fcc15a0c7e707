// Packet bytes -> FlowKey, with the semantics of OVS 3.1 miniflow_extract():
// the fields a packet has are filled, a header that is cut short or
// malformed stops extraction at that layer (the fields above stay zero),
// and the parser never reads past the buffer.
//
// Design note
// - Only packet-derived fields are written (L2..L4 and packet_type); the
//   caller owns metadata (in_port, registers, tunnel, recirc_id, ct_*).
//   The packet stages of `key` are cleared first.
// - Malformed input is not an error for the flow (OVS still forwards what
//   it could parse), but the status says what was wrong so the datapath
//   can count it by reason ("truncated-l4", ...).
// - Covered: Ethernet II and 802.3 LLC/SNAP, up to two VLAN tags (802.1Q,
//   802.1ad), ARP/RARP, IPv4 with options and fragments, IPv6 with
//   hop-by-hop, routing, destination, AH and fragment headers, TCP, UDP,
//   SCTP, ICMPv4, ICMPv6 with ND target and SLL/TLL options.  Geneve and
//   VXLAN receive (outer headers -> tunnel metadata) is in tunnel.h.
//
// Thread safety: pure function.
#pragma once

#include <cstdint>
#include <span>

#include "dataplane/flow/flow_key.h"

namespace dpuflow::dataplane {

enum class ParseStatus : uint8_t {
  kOk,
  kTruncatedL2,   // shorter than an Ethernet header
  kTruncatedVlan,
  kTruncatedL3,   // IP/ARP header cut short
  kMalformedL3,   // bad IPv4 IHL/total length, IPv6 payload length
  kTruncatedL4,
  kMalformedL4,   // bad TCP data offset, ND option length...
};

struct ParseResult {
  ParseStatus status = ParseStatus::kOk;
  uint16_t l3_ofs = UINT16_MAX;  // offset of the L3 header, if any
  uint16_t l4_ofs = UINT16_MAX;  // offset of the L4 header, if any
  bool ok() const { return status == ParseStatus::kOk; }
  // Stable names, used as metric labels: "ok", "truncated-l2", ...
  const char* reason_name() const;
};

ParseResult parse_packet(std::span<const uint8_t> pkt, FlowKey& key);

}  // namespace dpuflow::dataplane
