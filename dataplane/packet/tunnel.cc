#include "dataplane/packet/tunnel.h"

#include <cstring>

namespace dpuflow::dataplane {

namespace {
constexpr uint16_t kGenevePort = 6081, kVxlanPort = 4789;
uint16_t rd16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
}  // namespace

TunnelStatus decode_tunnel(std::span<const uint8_t> pkt, const FlowKey& outer,
                           const ParseResult& r, const TlvMap& tlv, FlowKey& inner,
                           size_t* inner_ofs) {
  if (!r.ok() || !is_ip(outer) || outer.nw_proto != kIpProtoUdp || (outer.nw_frag & kFragAny)) {
    return TunnelStatus::kNotATunnel;
  }
  const uint16_t dport = host16(outer.tp_dst);
  if (dport != kGenevePort && dport != kVxlanPort) return TunnelStatus::kNotATunnel;
  size_t ofs = r.l4_ofs;
  if (ofs + 8 > pkt.size()) return TunnelStatus::kTruncated;
  const bool udp_csum = rd16(&pkt[ofs + 6]) != 0;
  // The outer IPv4 header: DF bit.
  const bool df = size_t{r.l3_ofs} + 8 <= pkt.size() && (pkt[r.l3_ofs + 6] & 0x40) != 0;
  ofs += 8;

  FlowKey md{};
  md.tun_src = outer.nw_src;
  md.tun_dst = outer.nw_dst;
  md.tun_tos = outer.nw_tos;
  md.tun_ttl = outer.nw_ttl;
  md.tun_tp_src = outer.tp_src;
  md.tun_tp_dst = outer.tp_dst;
  uint16_t flags = kTnlFKey;
  if (df) flags |= kTnlFDontFragment;
  if (udp_csum) flags |= kTnlFCsum;
  if (dport == kVxlanPort) {
    if (ofs + 8 > pkt.size()) return TunnelStatus::kTruncated;
    if ((pkt[ofs] & 0x08) == 0) return TunnelStatus::kMalformed;  // VNI flag
    const uint32_t vni = static_cast<uint32_t>(pkt[ofs + 4] << 16 | pkt[ofs + 5] << 8 | pkt[ofs + 6]);
    md.tun_id = be64(vni);
    ofs += 8;
  } else {
    if (ofs + 8 > pkt.size()) return TunnelStatus::kTruncated;
    const uint8_t ver = pkt[ofs] >> 6;
    const size_t opt_len = (pkt[ofs] & 0x3f) * 4u;
    if (ver != 0) return TunnelStatus::kMalformed;
    if (pkt[ofs + 1] & 0x80) flags |= kTnlFOam;
    if (rd16(&pkt[ofs + 2]) != 0x6558) return TunnelStatus::kMalformed;  // Ethernet payload
    const uint32_t vni = static_cast<uint32_t>(pkt[ofs + 4] << 16 | pkt[ofs + 5] << 8 | pkt[ofs + 6]);
    md.tun_id = be64(vni);
    ofs += 8;
    if (ofs + opt_len > pkt.size()) return TunnelStatus::kTruncated;
    const size_t end = ofs + opt_len;
    while (ofs < end) {
      if (ofs + 4 > end) return TunnelStatus::kMalformed;
      const uint16_t cls = rd16(&pkt[ofs]);
      const uint8_t type = pkt[ofs + 2];
      const size_t len = (pkt[ofs + 3] & 0x1f) * 4u;
      if (ofs + 4 + len > end) return TunnelStatus::kMalformed;
      const int idx = tlv.find(cls, type);
      if (idx >= 0 && tlv.mapping(idx).length == len) {
        const TlvMapping& m = tlv.mapping(idx);
        std::memcpy(md.tun_metadata + m.offset, &pkt[ofs + 4], len);
        md.tun_metadata_present |= uint64_t{1} << idx;
      }
      ofs += 4 + len;
    }
  }
  md.tun_flags = be16(flags);
  ParseResult ir = parse_packet(pkt.subspan(ofs), md);
  (void)ir;  // a malformed inner frame still has its tunnel metadata
  inner = md;
  *inner_ofs = ofs;
  return TunnelStatus::kOk;
}

}  // namespace dpuflow::dataplane
