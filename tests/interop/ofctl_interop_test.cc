// The text codec against the real ovs-ofctl (OVS 3.1): for a corpus of flow
// texts written the many ways a user or ovn-controller writes them
// (shorthands, aliases, NXM names, load/mod_* actions, masks, CIDRs), the
// match and the actions we print after parsing must be exactly what
// `ovs-ofctl -O OpenFlow15 parse-flows` prints for the same input.  Both
// print through OVS's match_format/ofpacts_format rules, so this checks
// our normalisation, not just our round trip of already-normal dumps.
#include <gtest/gtest.h>

#include "tests/common/test_util.h"

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "control/openflow/action_text.h"
#include "control/openflow/match_text.h"
#include "control/openflow/ofctl_text.h"

namespace dpuflow::control {
namespace {

using dpuflow::testing::run_command;

// Flows OVS accepts, each on one line (no table/cookie: those print apart).
const char* const kCorpus[] = {
    "priority=100,in_port=3 actions=resubmit(,8)",
    "tcp,tp_dst=80 actions=drop",
    "ip,nw_src=10.0.0.0/255.255.255.0,nw_dst=10.1.0.0/16 actions=output:2",
    "priority=90,ip,reg14=0x2,metadata=0x2,dl_src=00:00:00:00:01:01,nw_src=10.0.1.11 "
    "actions=load:0x1->NXM_NX_REG10[12],resubmit(,9)",
    "icmp,icmp_type=8,icmp_code=0 actions=mod_dl_src:00:00:00:00:ff:01,dec_ttl,output:1",
    "icmp6,icmpv6_type=135,nd_target=fe80::1 actions=load:0x87->NXM_NX_REG0[0..7]",
    "arp,arp_op=1,arp_tpa=10.0.1.1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],"
    "set_field:00:00:00:00:ff:01->eth_src,load:0x2->NXM_OF_ARP_OP[],IN_PORT",
    "dl_vlan=10,dl_vlan_pcp=3 actions=strip_vlan,output:4",
    "vlan_tci=0x1000/0x1000 actions=pop_vlan,push_vlan:0x8100,set_field:3->vlan_pcp,LOCAL",
    "ct_state=+trk+est-rel,ip actions=ct(commit,zone=NXM_NX_REG13[0..15],"
    "exec(load:0x1->NXM_NX_CT_MARK[0])),resubmit(,10)",
    "ct_state=-trk,tcp6 actions=ct(table=15,zone=5,nat)",
    "ip,nw_dst=10.0.1.100 actions=ct(commit,nat(dst=10.0.2.13-10.0.2.14:80-81,random))",
    "tcp actions=ct(commit,force,nat(src=172.16.0.10),alg=ftp)",
    "metadata=0x1,ct_mark=0x2/0x2,ct_label=0x1/0x1 actions=ct_clear,group:7",
    "udp,udp_src=68,udp_dst=67 actions=controller(userdata=00.00.00.02.00.00.00.00,pause)",
    "ip actions=controller(reason=no_match,max_len=128,id=3)",
    "priority=0 actions=CONTROLLER:65535",
    "conj_id=100,ip actions=resubmit(,42)",
    "ip,nw_src=10.0.0.1 actions=conjunction(100,1/2),conjunction(101,2/3)",
    "tun_id=0x5,in_port=2 actions=set_field:0x1->tun_id,set_field:192.0.2.2->tun_dst,output:6",
    "tcp,tcp_flags=+syn-ack actions=clone(set_field:0x1->reg15,resubmit(,37))",
    "ip,nw_ttl=0,nw_frag=not_later actions=drop",
    "ipv6,ipv6_src=2001:db8::/32,ipv6_label=0x12345 actions=write_metadata:0x1/0xff,"
    "goto_table:5",
    "ip,ip_dscp=10,nw_ecn=1 actions=mod_nw_tos:40,mod_nw_ecn:2,note:01.02.03",
    "reg0=0x8000/0x8000,xreg1=0x5,xxreg2=0x1/0x1 actions=push:NXM_NX_REG0[],pop:NXM_NX_REG1[]",
    "ip actions=check_pkt_larger(1514)->NXM_NX_REG0[6],output:NXM_NX_REG15[]",
    "pkt_mark=0x10,dp_hash=0x3/0xf,recirc_id=2 actions=exit",
    "tcp actions=learn(table=69,delete_learned,cookie=0x1234,OXM_OF_METADATA[],eth_type=0x800,"
    "NXM_OF_IP_SRC[],ip_dst=10.0.1.100,nw_proto=6,NXM_OF_TCP_SRC[]=NXM_OF_TCP_DST[],"
    "load:0x1->NXM_NX_REG10[7])",
    "ct_state=+est+trk,sctp,sctp_dst=9 actions=resubmit(1,3,ct),resubmit:5",
    "ip,in_port=LOCAL,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 actions=meter:3,dec_ttl(1,2)",
};

TEST(OfctlInterop, OurNormalisationMatchesRealOvsOfctl) {
  if (run_command("command -v ovs-ofctl").empty()) GTEST_SKIP() << "ovs-ofctl is not installed";
  const std::vector<std::string> corpus(std::begin(kCorpus), std::end(kCorpus));
  const std::string path = ::testing::TempDir() + "/ofctl_corpus.txt";
  {
    std::ofstream f(path);
    for (const auto& s : corpus) f << s << "\n";
  }
  const std::string out = run_command("ovs-ofctl -O OpenFlow15 parse-flows " + path + " 2>&1");
  // "OFPT_FLOW_MOD (OF1.5) (xid=0x1): ADD <match> actions=<actions>"
  const std::regex line_re(R"(^OFPT_FLOW_MOD \(OF1\.5\) \(xid=0x[0-9a-f]+\): ADD (.*) actions=(.*)$)");
  std::vector<std::pair<std::string, std::string>> ovs;
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (std::regex_match(l, m, line_re)) ovs.emplace_back(m[1], m[2]);
  }
  ASSERT_EQ(ovs.size(), corpus.size()) << "ovs-ofctl did not accept the whole corpus:\n" << out;
  dataplane::TlvMap tlv;
  for (size_t i = 0; i < corpus.size(); ++i) {
    TextError e;
    auto rule = parse_flow_line(corpus[i], tlv, &e);
    ASSERT_TRUE(rule.has_value()) << corpus[i] << "\n  " << e.to_string();
    EXPECT_EQ(format_match(rule->match, tlv, rule->priority), ovs[i].first) << corpus[i];
    EXPECT_EQ(format_actions(rule->actions, tlv), ovs[i].second) << corpus[i];
  }
  std::printf("%zu flow texts normalised exactly as ovs-ofctl does\n", corpus.size());
}

}  // namespace
}  // namespace dpuflow::control
