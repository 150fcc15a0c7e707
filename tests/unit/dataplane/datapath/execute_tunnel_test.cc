// tnl_push / tnl_pop: the pushed frame equals one built from scratch by
// PacketBuilder; pop after push gives back the inner frame and the tunnel
// metadata; malformed packets and templates drop under their reasons.
#include <gtest/gtest.h>

#include "dataplane/datapath/execute_internal.h"
#include "exec_test_util.h"

namespace dpuflow::dataplane {
namespace {

using namespace test;

constexpr uint32_t kLocal = 0xc0000201, kRemote = 0xc0000202;
constexpr uint32_t kVni = 0x123456;
const Mac kUnderA = {0x0e, 0, 0, 0, 0, 1}, kUnderB = {0x0e, 0, 0, 0, 0, 2};
const PacketBuilder::GeneveOpt kOpt = {0x0102, 0x80, {0x00, 0x02, 0x00, 0x03}};

std::vector<uint8_t> inner_frame() {
  return PacketBuilder()
      .eth(kMacA, kMacB)
      .ipv4(0x0a000001, 0x0a000002)
      .tcp(1234, 80)
      .payload(30, 0xa5)
      .build();
}

// The outer headers as PacketBuilder makes them around `inner`, with the
// given UDP source port; `udp_csum` false zeroes the UDP checksum (a tunnel
// without csum=true), as OVS sends it.
std::vector<uint8_t> encapsulated(bool geneve, uint16_t sport, bool udp_csum, bool ipv6 = false) {
  PacketBuilder b;
  b.eth(kUnderA, kUnderB);
  if (ipv6) {
    b.ipv6(kIp6A, kIp6B, 64);
  } else {
    b.ipv4(kLocal, kRemote, 64, 0);
  }
  b.udp(sport, geneve ? 6081 : 4789);
  if (geneve) {
    b.geneve(kVni, {kOpt});
  } else {
    b.vxlan(kVni);
  }
  b.eth(kMacA, kMacB).ipv4(0x0a000001, 0x0a000002).tcp(1234, 80).payload(30, 0xa5);
  auto f = b.build();
  const size_t udp = ipv6 ? 14 + 40 : 14 + 20;
  if (!udp_csum) f[udp + 6] = f[udp + 7] = 0;
  return f;
}

// A tnl_push template as the translation prepares it: the outer frame's
// header bytes with zero lengths, zero IPv4 checksum and zero source port;
// UDP checksum 0xffff when the tunnel has csum=true.
OdpTnlPush push_template(bool geneve, bool udp_csum, bool ipv6 = false) {
  const auto full = encapsulated(geneve, 0, udp_csum, ipv6);
  const size_t hdr = full.size() - inner_frame().size();
  OdpTnlPush t;
  t.tnl_port = 4;
  t.out_port = 1;
  t.tnl_type = geneve ? kOdpTnlTypeGeneve : kOdpTnlTypeVxlan;
  t.header.assign(full.begin(), full.begin() + static_cast<long>(hdr));
  uint8_t* h = t.header.data();
  const size_t udp = ipv6 ? 14 + 40 : 14 + 20;
  if (ipv6) {
    h[18] = h[19] = 0;
  } else {
    h[16] = h[17] = 0;  // total length
    h[24] = h[25] = 0;  // header checksum
  }
  h[udp + 4] = h[udp + 5] = 0;  // UDP length
  h[udp + 6] = h[udp + 7] = udp_csum ? 0xff : 0;
  return t;
}

DpAction tnl_push_action(const OdpTnlPush& t) {
  DpAction a;
  a.type = DpActionType::kTnlPush;
  a.tnl_push = t;
  return a;
}

uint16_t expected_src_port(uint32_t hash) {
  return static_cast<uint16_t>(32768 + ((uint64_t{hash} * (61000 - 32768)) >> 32));
}

TEST(ExecuteTunnel, SourcePortFollowsOvsRange) {
  EXPECT_EQ(exec::tnl_udp_src_port(0), 32768);
  EXPECT_EQ(exec::tnl_udp_src_port(UINT32_MAX), 60999);
  EXPECT_EQ(exec::tnl_udp_src_port(0x80000000u), 32768 + (61000 - 32768) / 2);
}

struct PushCase {
  const char* name;
  bool geneve, csum, ipv6;
};

TEST(ExecuteTunnel, PushEqualsAFrameBuiltFromScratch) {
  for (const PushCase& c :
       {PushCase{"geneve", true, false, false}, PushCase{"geneve_csum", true, true, false},
        PushCase{"vxlan", false, false, false}, PushCase{"vxlan_ipv6_csum", false, true, true}}) {
    SCOPED_TRACE(c.name);
    Rig rig;
    rig.env.flow_hash = 0xdeadbeef;
    rig.run({tnl_push_action(push_template(c.geneve, c.csum, c.ipv6)), output(1)}, inner_frame());
    ASSERT_EQ(rig.out.outputs.size(), 1u);
    EXPECT_EQ(rig.out.outputs[0].port, 1u);
    EXPECT_EQ(bytes_of(rig.out.outputs[0].pkt),
              encapsulated(c.geneve, expected_src_port(0xdeadbeef), c.csum, c.ipv6));
  }
}

TEST(ExecuteTunnel, PushThenPopRestoresInnerFrameAndMetadata) {
  for (bool geneve : {true, false}) {
    for (bool csum : {false, true}) {
      SCOPED_TRACE(std::string(geneve ? "geneve" : "vxlan") + (csum ? " csum" : ""));
      TlvMap tlv;
      ASSERT_FALSE(tlv.add(3, kOpt.opt_class, kOpt.type, 4));
      Rig rig;
      rig.env.tlv = &tlv;
      rig.env.flow_hash = 77;
      rig.md.recirc_id = be32(5);
      rig.md.ct_state = be32(kCsTracked);
      rig.run({tnl_push_action(push_template(geneve, csum)), tnl_pop(9)}, inner_frame());
      ASSERT_EQ(rig.out.recircs.size(), 1u);
      const ExecRecirc& r = rig.out.recircs[0];
      EXPECT_EQ(bytes_of(r.pkt), inner_frame());
      EXPECT_TRUE(r.tnl_pop);
      EXPECT_EQ(r.tnl_port, 9u);
      EXPECT_EQ(r.md.tun_src, be32(kLocal));
      EXPECT_EQ(r.md.tun_dst, be32(kRemote));
      EXPECT_EQ(r.md.tun_id, be64(kVni));
      EXPECT_EQ(r.md.tun_ttl, 64);
      EXPECT_EQ(r.md.tun_tp_dst, be16(geneve ? 6081 : 4789));
      EXPECT_EQ(r.md.tun_tp_src, be16(expected_src_port(77)));
      EXPECT_EQ(host16(r.md.tun_flags), kTnlFKey | (csum ? kTnlFCsum : 0));
      if (geneve) {
        EXPECT_EQ(r.md.tun_metadata_present, uint64_t{1} << 3);
        EXPECT_EQ(0, std::memcmp(r.md.tun_metadata + tlv.mapping(3).offset, kOpt.data.data(), 4));
      } else {
        EXPECT_EQ(r.md.tun_metadata_present, 0u);
      }
      // Re-entry starts afresh: no recirc_id, no conntrack state.
      EXPECT_EQ(r.md.recirc_id, 0u);
      EXPECT_EQ(r.md.ct_state, 0u);
      EXPECT_EQ(rig.total_drops(), 0u);
    }
  }
}

TEST(ExecuteTunnel, PopWithoutTlvMapSkipsOptions) {
  Rig rig;  // env.tlv == nullptr
  rig.run({tnl_pop(9)}, encapsulated(true, 40000, false));
  ASSERT_EQ(rig.out.recircs.size(), 1u);
  EXPECT_EQ(bytes_of(rig.out.recircs[0].pkt), inner_frame());
  EXPECT_EQ(rig.out.recircs[0].md.tun_metadata_present, 0u);
}

TEST(ExecuteTunnel, PopNotLastPopsACopy) {
  Rig rig;
  const auto f = encapsulated(false, 40000, false);
  rig.run({tnl_pop(9), output(2)}, f);
  ASSERT_EQ(rig.out.recircs.size(), 1u);
  ASSERT_EQ(rig.out.outputs.size(), 1u);
  EXPECT_EQ(bytes_of(rig.out.recircs[0].pkt), inner_frame());
  EXPECT_EQ(bytes_of(rig.out.outputs[0].pkt), f);
}

TEST(ExecuteTunnel, MalformedPopDropsWithTunnelPop) {
  struct Bad {
    const char* name;
    std::vector<uint8_t> frame;
  };
  std::vector<Bad> bad;
  bad.push_back({"not_udp", inner_frame()});
  bad.push_back({"other_udp_port",
                 PacketBuilder().eth(kUnderA, kUnderB).ipv4(1, 2).udp(1, 53).payload(30).build()});
  auto cut = encapsulated(true, 40000, false);
  cut.resize(14 + 20 + 8 + 6);  // inside the Geneve header
  cut[16] = 0;
  cut[17] = static_cast<uint8_t>(cut.size() - 14);  // keep the IP length consistent
  cut[24] = cut[25] = 0;
  const uint16_t c = static_cast<uint16_t>(~exec::csum_fold(exec::csum_add(cut.data() + 14, 20)));
  exec::wr16(cut.data() + 24, c);
  bad.push_back({"truncated_geneve", cut});
  auto bad_ip = encapsulated(true, 40000, false);
  bad_ip[24] ^= 1;
  bad.push_back({"bad_ipv4_checksum", bad_ip});
  auto bad_udp = encapsulated(false, 40000, true);
  bad_udp[14 + 20 + 6] ^= 1;
  bad.push_back({"bad_udp_checksum", bad_udp});
  auto bad_proto = encapsulated(true, 40000, false);
  bad_proto[14 + 20 + 8 + 2] = 0x08;  // Geneve protocol 0x0858, not Ethernet
  bad.push_back({"geneve_not_ethernet", bad_proto});
  auto no_vni = encapsulated(false, 40000, false);
  no_vni[14 + 20 + 8] = 0;  // VXLAN I flag clear
  bad.push_back({"vxlan_without_vni_flag", no_vni});
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.name);
    Rig rig;
    rig.run({tnl_pop(9)}, b.frame);
    EXPECT_TRUE(rig.out.recircs.empty());
    EXPECT_EQ(rig.drops(DropReason::kTunnelPop), 1u);
    ASSERT_EQ(rig.out.dropped.size(), 1u);
    EXPECT_EQ(bytes_of(rig.out.dropped[0]), b.frame) << "a failed pop must not strip anything";
  }
}

TEST(ExecuteTunnel, PushWithoutHeadroomDrops) {
  Rig rig;
  rig.run({tnl_push_action(push_template(true, false)), output(1)}, inner_frame(), 40);
  EXPECT_TRUE(rig.out.outputs.empty());
  EXPECT_EQ(rig.drops(DropReason::kNoHeadroom), 1u);
}

TEST(ExecuteTunnel, MalformedTemplateDropsWithTunnelPush) {
  OdpTnlPush t = push_template(true, false);
  t.header.resize(30);  // cut inside the IPv4 header
  OdpTnlPush not_udp = push_template(false, false);
  not_udp.header[14 + 9] = 6;
  for (const OdpTnlPush& bad : {t, not_udp}) {
    Rig rig;
    rig.run({tnl_push_action(bad), output(1)}, inner_frame());
    EXPECT_TRUE(rig.out.outputs.empty());
    EXPECT_EQ(rig.drops(DropReason::kTunnelPush), 1u);
  }
}

}  // namespace
}  // namespace dpuflow::dataplane
