// Tunnel receive: a Geneve (UDP 6081) or VXLAN (UDP 4789) packet, already
// parsed as an outer flow, becomes the tunnel metadata of the inner flow,
// as OVS's native tunnel pop does: tun_src/tun_dst/tun_tos/tun_ttl and the
// UDP ports from the outer headers, tun_id from the VNI, the "key" flag,
// "df" from the outer IPv4 header, "csum" when the UDP checksum is set, and
// Geneve options mapped to tun_metadataN through the TLV map (options not
// in the map are skipped, as OVS does for unmapped options).
//
// Thread safety: pure function.
#pragma once

#include <cstdint>
#include <span>

#include "dataplane/flow/flow_key.h"
#include "dataplane/flow/tlv_map.h"
#include "dataplane/packet/parse.h"

namespace dpuflow::dataplane {

enum class TunnelStatus : uint8_t { kOk, kNotATunnel, kTruncated, kMalformed };

// `outer` is the parse of `pkt` (parse_packet).  On kOk, `inner` holds the
// tunnel metadata and the parsed inner Ethernet frame, and *inner_ofs its
// offset in `pkt`.
TunnelStatus decode_tunnel(std::span<const uint8_t> pkt, const FlowKey& outer,
                           const ParseResult& outer_result, const TlvMap& tlv, FlowKey& inner,
                           size_t* inner_ofs);

}  // namespace dpuflow::dataplane
