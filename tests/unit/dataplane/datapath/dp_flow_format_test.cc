// dpctl/dump-flows text against real OVS 3.1 output.  The reference lines
// (tests/data/dpctl/ovs-3.1-dump-flows-m.txt) are OVS's verbose dump
// (`dpctl/dump-flows -m --names`); the plain dump OVS prints is the same
// with every fully wildcarded field ("x/0") and every attribute left empty
// by that removed, which is what to_plain() does.  The megaflows are built
// by hand to hold what each line says.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

#include "dataplane/datapath/dp_flow_format.h"

namespace dpuflow::dataplane {
namespace {

std::string data_dir() {
  const char* d = std::getenv("DPUFLOW_TEST_DATA");
  return d ? d : "tests/data";
}

// The key of the OVS line with this ufid prefix, as the plain dump shows it.
std::string ovs_plain_key(const std::string& ufid_prefix) {
  std::ifstream in(data_dir() + "/dpctl/ovs-3.1-dump-flows-m.txt");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("ufid:" + ufid_prefix, 0) != 0) continue;
    const size_t a = line.find(", ") + 2;
    const size_t b = line.find(", packets:");
    std::string key = line.substr(a, b - a);
    // Drop "field=value/0" inside attributes and "attr(value/0)" whole.
    key = std::regex_replace(key, std::regex(R"(([a-z_0-9]+)=[^,()]*/(0|0\.0\.0\.0|::)(?=[,)]))"), "");
    key = std::regex_replace(key, std::regex(R"(\(,+)"), "(");
    key = std::regex_replace(key, std::regex(R"(,+\))"), ")");
    key = std::regex_replace(key, std::regex(R"(,,+)"), ",");
    key = std::regex_replace(key, std::regex(R"(\b[a-z_0-9]+\([^()=]*/0\),?)"), "");
    key = std::regex_replace(key, std::regex(R"(\b[a-z_0-9]+\(\),?)"), "");
    if (!key.empty() && key.back() == ',') key.pop_back();
    EXPECT_NE(key.find("eth_type(0x0800)"), std::string::npos) << key;
    std::printf("OVS plain: %s\n", key.c_str());
    return key;
  }
  ADD_FAILURE() << "no OVS line with ufid " << ufid_prefix;
  return "";
}

void mac(uint8_t* out, const char* s) {
  unsigned v[6];
  ASSERT_EQ(std::sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]), 6);
  for (int i = 0; i < 6; i++) out[i] = static_cast<uint8_t>(v[i]);
}
uint32_t ip(const char* s) {
  uint32_t v = 0;
  inet_pton(AF_INET, s, &v);
  return v;
}

// Fields every IPv4 megaflow has exact: recirc_id, in_port, packet_type,
// dl_type, nw_frag; plus the Ethernet addresses these lines match.
void base(FlowKey& k, FlowMask& m, const char* src, const char* dst) {
  std::memset(&k, 0, sizeof k);
  std::memset(&m, 0, sizeof m);
  m.recirc_id = 0xffffffff;
  m.in_port = 0xffff;
  m.packet_type = 0xffffffff;
  k.dl_type = be16(kEthTypeIp);
  m.dl_type = 0xffff;
  m.nw_frag = kFragMask;
  mac(k.dl_src, src);
  mac(k.dl_dst, dst);
  std::memset(m.dl_src, 0xff, 6);
  std::memset(m.dl_dst, 0xff, 6);
}

TEST(DpFlowFormat, TcpWithPartialDestinationEqualsOvs) {
  // ufid:55986698: recirc 0, ipv4 src exact, dst /23, tcp fields wildcarded.
  FlowKey k;
  FlowMask m;
  base(k, m, "00:00:00:00:01:01", "00:00:00:00:ff:01");
  k.nw_src = ip("10.0.1.11");
  m.nw_src = 0xffffffff;
  k.nw_dst = ip("10.0.2.13");
  m.nw_dst = ip("255.255.254.0");
  k.nw_proto = kIpProtoTcp;
  k.nw_ttl = 64;
  k.tp_src = be16(40010);
  k.tp_dst = be16(22);
  EXPECT_EQ(format_dp_match(k, m, 2),
            std::regex_replace(ovs_plain_key("55986698"), std::regex(R"(in_port\(vm1\))"), "in_port(2)"));
}

TEST(DpFlowFormat, ConntrackedIcmpEqualsOvs) {
  // ufid:1720c5cb: after ct(zone=1,nat): ct_state 0x61/0x3f, ct_mark 0/0xf,
  // recirc 0x3, ipv4 src /29, dst, proto and ttl exact, icmp wildcarded.
  FlowKey k;
  FlowMask m;
  base(k, m, "00:00:00:00:01:01", "00:00:00:00:ff:01");
  k.ct_state = be32(0x61);
  m.ct_state = be32(0x3f);
  k.ct_zone = be16(1);
  m.ct_mark = be32(0xf);
  k.recirc_id = be32(3);
  k.nw_src = ip("10.0.1.11");
  m.nw_src = ip("255.255.255.248");
  k.nw_dst = ip("10.0.2.13");
  m.nw_dst = 0xffffffff;
  k.nw_proto = kIpProtoIcmp;
  m.nw_proto = 0xff;
  k.nw_ttl = 64;
  m.nw_ttl = 0xff;
  k.tp_src = be16(8);
  EXPECT_EQ(format_dp_match(k, m, 2),
            std::regex_replace(ovs_plain_key("1720c5cb"), std::regex(R"(in_port\(vm1\))"), "in_port(2)"));
}

TEST(DpFlowFormat, UdpWithPortAndCountersEqualsOvsShape) {
  // ufid:cc3d24ef-like: tcp dst exact; and the stats tail.
  FlowKey k;
  FlowMask m;
  base(k, m, "00:00:00:00:ff:02", "00:00:00:00:02:03");
  k.ct_state = be32(0x21);
  m.ct_state = be32(0x3f);
  k.ct_zone = be16(9);
  m.ct_mark = be32(0x1);
  k.recirc_id = be32(4);
  k.nw_src = ip("10.0.1.11");
  k.nw_dst = ip("10.0.2.13");
  m.nw_dst = 0xffffffff;
  k.nw_proto = kIpProtoTcp;
  m.nw_proto = 0xff;
  k.nw_ttl = 63;
  k.tp_src = be16(40010);
  k.tp_dst = be16(22);
  m.tp_dst = 0xffff;
  EXPECT_EQ(format_dp_match(k, m, 2),
            std::regex_replace(ovs_plain_key("cc3d24ef"), std::regex(R"(in_port\(vm1\))"), "in_port(2)"));

  Megaflow mf;
  mf.flow = k;
  mf.mask = m;
  mf.n_packets = 3;
  mf.n_bytes = 180;
  mf.used_ns = 1'000'000'000;
  mf.tcp_flags = 0x12;  // SYN|ACK
  DpActions acts(1);
  acts[0].type = DpActionType::kOutput;
  acts[0].port = 3;
  const std::string line = format_megaflow(mf, acts, 2, 1'512'000'000);
  EXPECT_NE(line.find(", packets:3, bytes:180, used:0.512s, flags:S., actions:3"), std::string::npos)
      << line;
  mf.used_ns = 0;
  mf.tcp_flags = 0;
  EXPECT_NE(format_megaflow(mf, {}, 2, 5).find(", used:never, actions:drop"), std::string::npos);
}

}  // namespace
}  // namespace dpuflow::dataplane
