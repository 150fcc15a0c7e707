// A fluent packet builder for tests and traffic generators:
//
//   auto pkt = PacketBuilder().eth(src, dst).vlan(10).ipv4(a, b).tcp(40000, 80, kTcpSyn)
//                  .payload(18).build();
//
// Lengths and checksums (IPv4 header, TCP, UDP, ICMP, ICMPv6) are filled in
// by build().  Addresses are given in host order (IPv4 as uint32_t, MACs
// and IPv6 as byte arrays).
//
// Thread safety: a value type.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace dpuflow::dataplane {

using Mac = std::array<uint8_t, 6>;
using Ip6 = std::array<uint8_t, 16>;

inline constexpr uint16_t kTcpFin = 0x01, kTcpSyn = 0x02, kTcpRst = 0x04, kTcpPsh = 0x08,
                          kTcpAck = 0x10;

class PacketBuilder {
 public:
  PacketBuilder& eth(const Mac& src, const Mac& dst);
  PacketBuilder& vlan(uint16_t vid, uint8_t pcp = 0, uint16_t tpid = 0x8100);
  PacketBuilder& ipv4(uint32_t src, uint32_t dst, uint8_t ttl = 64, uint8_t tos = 0);
  // Marks the IPv4 packet as a fragment (offset in 8-byte units).
  PacketBuilder& fragment(uint16_t offset8, bool more);
  PacketBuilder& ipv6(const Ip6& src, const Ip6& dst, uint8_t hlimit = 64, uint32_t label = 0);
  // An IPv6 extension header of `type` (0, 43, 60) with `len8` 8-byte units.
  PacketBuilder& ipv6_ext(uint8_t type, uint8_t len8 = 0);
  // IPv6 traffic class of the last IPv6 header.
  PacketBuilder& tclass(uint8_t tc);
  // An IPv6 fragment header (offset in 8-byte units).
  PacketBuilder& ipv6_fragment(uint16_t offset8, bool more);
  // The IP protocol number when no L4 layer follows.
  PacketBuilder& proto(uint8_t nw_proto);
  PacketBuilder& tcp(uint16_t sport, uint16_t dport, uint16_t flags = kTcpAck);
  PacketBuilder& udp(uint16_t sport, uint16_t dport);
  PacketBuilder& sctp(uint16_t sport, uint16_t dport);  // checksum left zero
  PacketBuilder& icmp(uint8_t type, uint8_t code);
  PacketBuilder& icmp6(uint8_t type, uint8_t code);
  // Neighbor solicitation (with SLL) / advertisement (with TLL).
  PacketBuilder& nd_ns(const Ip6& target, const Mac& sll);
  PacketBuilder& nd_na(const Ip6& target, const Mac& tll);
  PacketBuilder& arp(uint16_t op, const Mac& sha, uint32_t spa, const Mac& tha, uint32_t tpa);
  // Tunnel headers after a udp() layer (dport 6081 / 4789); the next layer
  // is the inner Ethernet frame.  Geneve options are {class, type, data}
  // with data a multiple of 4 bytes.
  struct GeneveOpt {
    uint16_t opt_class;
    uint8_t type;
    std::vector<uint8_t> data;
  };
  PacketBuilder& geneve(uint32_t vni, const std::vector<GeneveOpt>& opts = {});
  PacketBuilder& vxlan(uint32_t vni);
  PacketBuilder& payload(size_t n, uint8_t fill = 0);
  std::vector<uint8_t> build() const;

 private:
  enum class L : uint8_t { kEth, kVlan, kIpv4, kIpv6, kIpv6Ext, kTcp, kUdp, kIcmp, kIcmp6, kArp,
                           kSctp, kTunnel, kPayload };
  struct Layer {
    L kind;
    std::vector<uint8_t> bytes;
  };
  PacketBuilder& add(L kind, std::vector<uint8_t> bytes);
  std::vector<Layer> layers_;
};

}  // namespace dpuflow::dataplane

namespace dpuflow::dataplane {

struct FlowKey;

// A packet whose parse gives back `k`'s packet fields (OVS flow_compose()):
// Ethernet, up to two VLAN tags, then ARP, or IPv4/IPv6 (fragment bits
// honoured) with TCP/UDP/SCTP/ICMP/ICMPv6 (ND target and SLL/TLL option),
// followed by `payload` bytes (none after ND options).  Fields a packet cannot carry (metadata,
// registers, conntrack) are ignored.
std::vector<uint8_t> compose_packet(const FlowKey& k, size_t payload = 0);

}  // namespace dpuflow::dataplane
