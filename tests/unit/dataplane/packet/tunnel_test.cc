// Tunnel receive: Geneve and VXLAN packets give the inner flow with OVS's
// tunnel metadata; cut or malformed tunnel headers are reported.
#include "dataplane/packet/tunnel.h"

#include <gtest/gtest.h>

#include <functional>

#include "dataplane/packet/builder.h"

namespace dpuflow::dataplane {
namespace {

const Mac kA = {0, 0, 0, 0, 1, 1}, kB = {0, 0, 0, 0, 1, 2};
const Mac kUa = {0xf2, 0xa6, 0xa4, 0xcf, 0xd3, 0x49}, kUb = {0, 0, 0, 0, 0xc0, 2};

// Outer Ethernet/IPv4 (DF set) /UDP around a tunnel header and an inner
// ICMP frame; the UDP checksum is left zero, as OVS's tunnels send it.
std::vector<uint8_t> outer_then(uint16_t dport, const std::function<void(PacketBuilder&)>& tnl) {
  PacketBuilder b;
  b.eth(kUa, kUb).ipv4(0xc0000202, 0xc0000201, 63).udp(49152, dport);
  tnl(b);
  auto p = b.eth(kA, kB).ipv4(0x0a00010b, 0x0a00010c).icmp(8, 0).build();
  p[20] |= 0x40;  // DF
  p[24] = p[25] = 0;
  p[40] = p[41] = 0;  // no UDP checksum
  return p;
}

TEST(Tunnel, GeneveWithMappedOption) {
  // Geneve: opt_len 2 words, protocol 0x6558, VNI 0x000001, one option
  // class 0x102 type 0x80 len 1 word = 0x00020003 (OVN's port tag).
  auto pkt = outer_then(6081, [](PacketBuilder& b) {
    b.geneve(1, {{0x102, 0x80, {0x00, 0x02, 0x00, 0x03}}});
  });
  FlowKey outer{};
  ParseResult r = parse_packet(pkt, outer);
  ASSERT_TRUE(r.ok()) << r.reason_name();
  TlvMap tlv;
  ASSERT_FALSE(tlv.add(0, 0x102, 0x80, 4));
  FlowKey inner{};
  size_t ofs = 0;
  ASSERT_EQ(decode_tunnel(pkt, outer, r, tlv, inner, &ofs), TunnelStatus::kOk);
  EXPECT_EQ(ofs, 14u + 20 + 8 + 16);
  EXPECT_EQ(host64(inner.tun_id), 1u);
  EXPECT_EQ(host32(inner.tun_src), 0xc0000202u);
  EXPECT_EQ(host32(inner.tun_dst), 0xc0000201u);
  EXPECT_EQ(inner.tun_ttl, 63);
  EXPECT_EQ(host16(inner.tun_tp_dst), 6081);
  EXPECT_EQ(host16(inner.tun_flags), kTnlFKey | kTnlFDontFragment);
  EXPECT_EQ(inner.tun_metadata_present, 1u);
  const uint8_t opt[4] = {0x00, 0x02, 0x00, 0x03};
  EXPECT_EQ(0, std::memcmp(inner.tun_metadata + tlv.mapping(0).offset, opt, 4));
  // The inner frame.
  EXPECT_EQ(0, std::memcmp(inner.dl_src, kA.data(), 6));
  EXPECT_EQ(inner.nw_proto, kIpProtoIcmp);
  EXPECT_EQ(host32(inner.nw_dst), 0x0a00010cu);
  // An unmapped option is skipped: no metadata present.
  TlvMap empty;
  ASSERT_EQ(decode_tunnel(pkt, outer, r, empty, inner, &ofs), TunnelStatus::kOk);
  EXPECT_EQ(inner.tun_metadata_present, 0u);
}

TEST(Tunnel, VxlanAndErrors) {
  auto pkt = outer_then(4789, [](PacketBuilder& b) { b.vxlan(0x1234); });
  FlowKey outer{};
  ParseResult r = parse_packet(pkt, outer);
  FlowKey inner{};
  size_t ofs = 0;
  ASSERT_EQ(decode_tunnel(pkt, outer, r, TlvMap{}, inner, &ofs), TunnelStatus::kOk);
  EXPECT_EQ(host64(inner.tun_id), 0x1234u);
  EXPECT_EQ(host16(inner.dl_type), kEthTypeIp);
  // Not a tunnel port.
  auto plain = PacketBuilder().eth(kA, kB).ipv4(1, 2).udp(1, 53).build();
  r = parse_packet(plain, outer);
  EXPECT_EQ(decode_tunnel(plain, outer, r, TlvMap{}, inner, &ofs), TunnelStatus::kNotATunnel);
  // A Geneve option longer than the options area is malformed.
  pkt = outer_then(6081, [](PacketBuilder& b) {
    b.geneve(1, {{0x102, 0x80, {0, 0, 0, 1}}});
  });
  // The option's length field claims 2 words, but the options area
  // (opt_len) holds only its 1: it overruns the area.
  pkt[14 + 20 + 8 + 11] = 0x02;
  r = parse_packet(pkt, outer);
  EXPECT_EQ(decode_tunnel(pkt, outer, r, TlvMap{}, inner, &ofs), TunnelStatus::kMalformed);
  // Every truncation of a Geneve packet is safe (ASan) and never kOk
  // before the whole tunnel header is there.
  auto full = outer_then(6081, [](PacketBuilder& b) {
    b.geneve(1, {{0x102, 0x80, {0x00, 0x02, 0x00, 0x03}}});
  });
  for (size_t n = 0; n < 14 + 20 + 8 + 16; ++n) {
    std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<long>(n));
    r = parse_packet(cut, outer);
    EXPECT_NE(decode_tunnel(cut, outer, r, TlvMap{}, inner, &ofs), TunnelStatus::kOk) << n;
  }
}

}  // namespace
}  // namespace dpuflow::dataplane
