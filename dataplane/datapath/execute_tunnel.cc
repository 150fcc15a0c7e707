// tnl_push / tnl_pop on packet bytes, with the semantics of OVS's native
// tunnels (netdev-native-tnl.c): see execute.h for the contract.
//
// tnl_push: the prepared header is Ethernet + IPv4 (any IHL) or IPv6 (no
// extension headers) + UDP + the Geneve/VXLAN header.  Per packet: IPv4
// total length and a fresh header checksum (the template's checksum field
// is ignored, so a template with zero or with OVS's length-less checksum
// both work), IPv6 payload length, UDP length, the UDP source port from the
// flow hash, and the UDP checksum when the template's is non-zero (OVS sets
// 0xffff there for tunnels with csum=true and computes it per packet).
// The packet is not output here: OVS's tnl_push only encapsulates, and the
// translation follows it with the output actions of the underlay bridge.
//
// tnl_pop: the outer headers are checked as OVS does before stripping: an
// IPv4 header without options and with a good checksum, a good UDP
// checksum when one is present, then the Geneve/VXLAN checks of
// decode_tunnel().  The re-entry metadata is what OVS's
// pkt_metadata_init_tnl leaves: everything zero but the tunnel fields
// (recirc_id 0, no conntrack state); the caller sets in_port.
#include <cstddef>
#include <cstring>
#include <span>

#include "dataplane/datapath/execute_internal.h"
#include "dataplane/packet/parse.h"
#include "dataplane/packet/tunnel.h"

namespace dpuflow::dataplane::exec {

namespace {

constexpr uint32_t kEthLen = 14, kIpv6Len = 40, kUdpLen = 8, kTnlHdrLen = 8;
constexpr uint8_t kIpProtoUdpByte = 17;

// Where the template's headers are: the IP header at 14, UDP at `udp`.
struct PushLayout {
  bool ipv6 = false;
  uint32_t udp = 0;
};

bool layout_of(const std::vector<uint8_t>& h, PushLayout& l) {
  if (h.size() < kEthLen) return false;
  const uint16_t type = rd16(h.data() + 12);
  if (type == 0x0800) {
    if (h.size() < kEthLen + 20) return false;
    const uint32_t ihl = (h[kEthLen] & 0x0fu) * 4;
    if ((h[kEthLen] >> 4) != 4 || ihl < 20 || h[kEthLen + 9] != kIpProtoUdpByte) return false;
    l.udp = kEthLen + ihl;
  } else if (type == 0x86dd) {
    if (h.size() < kEthLen + kIpv6Len || h[kEthLen + 6] != kIpProtoUdpByte) return false;
    l.ipv6 = true;
    l.udp = kEthLen + kIpv6Len;
  } else {
    return false;
  }
  return h.size() >= l.udp + kUdpLen + kTnlHdrLen;
}

// Sum of the IP pseudo-header for UDP of `udp_len` bytes.
uint32_t udp_pseudo_sum(const uint8_t* ip, bool ipv6, uint32_t udp_len) {
  const uint32_t addrs = ipv6 ? csum_add(ip + 8, 32) : csum_add(ip + 12, 8);
  return addrs + kIpProtoUdpByte + (udp_len >> 16) + (udp_len & 0xffff);
}

const TlvMap kEmptyTlvMap{};

}  // namespace

bool execute_tnl_push(const OdpTnlPush& t, DpPacket& pkt, uint32_t flow_hash, DropReason* why) {
  PushLayout l;
  if (!layout_of(t.header, l)) {
    *why = DropReason::kTunnelPush;
    return false;
  }
  const auto n = static_cast<uint32_t>(t.header.size());
  uint8_t* p = pkt.push(n);
  if (p == nullptr) {
    *why = DropReason::kNoHeadroom;
    return false;
  }
  std::memcpy(p, t.header.data(), n);
  uint8_t* ip = p + kEthLen;
  const uint32_t udp_len = pkt.len - l.udp;
  if (l.ipv6) {
    wr16(ip + 4, static_cast<uint16_t>(pkt.len - kEthLen - kIpv6Len));
  } else {
    const uint32_t ihl = l.udp - kEthLen;
    wr16(ip + 2, static_cast<uint16_t>(pkt.len - kEthLen));
    wr16(ip + 10, 0);
    wr16(ip + 10, csum_finish(ip, ihl, 0));
  }
  uint8_t* udp = p + l.udp;
  wr16(udp, tnl_udp_src_port(flow_hash));
  wr16(udp + 4, static_cast<uint16_t>(udp_len));
  if (rd16(udp + 6) != 0) {
    wr16(udp + 6, 0);
    uint16_t c = csum_finish(udp, udp_len, udp_pseudo_sum(ip, l.ipv6, udp_len));
    if (c == 0) c = 0xffff;
    wr16(udp + 6, c);
  }
  return true;
}

bool execute_tnl_pop(DpPacket& pkt, const TlvMap* tlv, FlowKey& md) {
  const std::span<const uint8_t> bytes(pkt.data, pkt.len);
  FlowKey outer{};
  const ParseResult r = parse_packet(bytes, outer);
  if (!r.ok() || r.l3_ofs == UINT16_MAX || r.l4_ofs == UINT16_MAX || !is_ip(outer)) return false;
  const uint8_t* ip = pkt.data + r.l3_ofs;
  if ((ip[0] & 0x0f) != 5 || csum_fold(csum_add(ip, 20)) != 0xffff) return false;
  const uint8_t* udp = pkt.data + r.l4_ofs;
  if (outer.nw_proto == kIpProtoUdp && r.l4_ofs + kUdpLen <= pkt.len && rd16(udp + 6) != 0) {
    const uint32_t udp_len = rd16(udp + 4);
    if (udp_len < kUdpLen || r.l4_ofs + udp_len > pkt.len) return false;
    if (csum_fold(csum_add(udp, udp_len, udp_pseudo_sum(ip, false, udp_len))) != 0xffff) {
      return false;
    }
  }
  FlowKey inner{};
  size_t inner_ofs = 0;
  if (decode_tunnel(bytes, outer, r, tlv != nullptr ? *tlv : kEmptyTlvMap, inner, &inner_ofs) !=
          TunnelStatus::kOk ||
      inner_ofs > pkt.len) {
    return false;
  }
  std::memset(static_cast<void*>(&md), 0, sizeof md);
  std::memcpy(static_cast<void*>(&md), &inner, offsetof(FlowKey, metadata));
  pkt.pull(static_cast<uint32_t>(inner_ofs));
  return true;
}

}  // namespace dpuflow::dataplane::exec
