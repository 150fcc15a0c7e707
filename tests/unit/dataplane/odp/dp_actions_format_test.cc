// The datapath-action printer must produce OVS's exact text: every expected
// string here is copied from a real OVS 3.1 ofproto/trace in
// tests/data/ovn-scenarios (named next to each case).
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>

#include "dataplane/flow/flow_key.h"
#include "dataplane/odp/dp_actions.h"

namespace dpuflow::dataplane {
namespace {

void mac(uint8_t* out, const char* s) {
  unsigned v[6];
  ASSERT_EQ(6, std::sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]));
  for (int i = 0; i < 6; ++i) out[i] = static_cast<uint8_t>(v[i]);
}
uint32_t ip(const char* s) {
  uint32_t a;
  inet_pton(AF_INET, s, &a);
  return a;
}

DpAction output(OdpPort p) {
  DpAction a;
  a.type = DpActionType::kOutput;
  a.port = p;
  return a;
}

TEST(DpActionsFormat, EmptyIsDrop) { EXPECT_EQ("drop", format_dp_actions({})); }

// a-ls-portsec 01-arp-req-vm1-for-vm2
TEST(DpActionsFormat, FullEthernetAndArpSets) {
  DpAction eth;
  eth.type = DpActionType::kSet;
  eth.set.attr = OdpKeyAttr::kEthernet;
  eth.set.masked = false;
  mac(eth.set.key.eth.src, "00:00:00:00:01:02");
  mac(eth.set.key.eth.dst, "00:00:00:00:01:01");
  std::memset(eth.set.mask.raw, 0xff, sizeof eth.set.mask.raw);
  DpAction arp;
  arp.type = DpActionType::kSet;
  arp.set.attr = OdpKeyAttr::kArp;
  arp.set.masked = false;
  arp.set.key.arp.sip = ip("10.0.1.12");
  arp.set.key.arp.tip = ip("10.0.1.11");
  arp.set.key.arp.op = htons(2);
  mac(arp.set.key.arp.sha, "00:00:00:00:01:02");
  mac(arp.set.key.arp.tha, "00:00:00:00:01:01");
  std::memset(arp.set.mask.raw, 0xff, sizeof arp.set.mask.raw);
  EXPECT_EQ(
      "set(eth(src=00:00:00:00:01:02,dst=00:00:00:00:01:01)),set(arp(sip=10.0.1.12,tip=10.0.1.11,"
      "op=2,sha=00:00:00:00:01:02,tha=00:00:00:00:01:01)),2",
      format_dp_actions({eth, arp, output(2)}));
}

// c-router 06-icmp-vm1-to-vm3-routed: masked IPv4 set prints only the TTL.
TEST(DpActionsFormat, MaskedIpv4SetPrintsChangedFieldsOnly) {
  DpAction a;
  a.type = DpActionType::kSet;
  a.set.attr = OdpKeyAttr::kIpv4;
  a.set.masked = true;
  a.set.key.ipv4.src = ip("10.0.1.11");
  a.set.key.ipv4.dst = ip("10.0.2.13");
  a.set.key.ipv4.proto = 1;
  a.set.key.ipv4.ttl = 63;
  a.set.mask.ipv4.ttl = 0xff;
  EXPECT_EQ("set(ipv4(ttl=63)),4", format_dp_actions({a, output(4)}));
}

// c-router 18-icmp6-vm1-to-router-ip: a plain (unmasked) ICMPv6 set prints both fields.
TEST(DpActionsFormat, PlainIcmpv6Set) {
  DpAction a;
  a.type = DpActionType::kSet;
  a.set.attr = OdpKeyAttr::kIcmpv6;
  a.set.masked = false;
  a.set.key.icmp.type = 129;
  a.set.key.icmp.code = 0;
  EXPECT_EQ("set(icmpv6(type=129,code=0))", format_dp_actions({a}));
}

// b-ls-acl 01-icmp-vm1-to-vm2-new, passes 1 and 2.
TEST(DpActionsFormat, ConntrackForms) {
  DpAction ct1;
  ct1.type = DpActionType::kCt;
  ct1.ct.zone = 2;
  DpAction rc;
  rc.type = DpActionType::kRecirc;
  rc.id = 1;
  EXPECT_EQ("ct(zone=2),recirc(0x1)", format_dp_actions({ct1, rc}));

  DpAction ct2;
  ct2.type = DpActionType::kCt;
  ct2.ct.commit = true;
  ct2.ct.zone = 2;
  ct2.ct.has_mark = true;
  ct2.ct.mark = 0;
  ct2.ct.mark_mask = 1;
  ct2.ct.nat.present = true;
  ct2.ct.nat.src = true;
  EXPECT_EQ("ct(commit,zone=2,mark=0/0x1,nat(src))", format_dp_actions({ct2}));

  // d-lb-nat 01: bare nat; d-lb-nat 08: nat with an address.
  DpAction ct3;
  ct3.type = DpActionType::kCt;
  ct3.ct.zone = 4;
  ct3.ct.nat.present = true;
  EXPECT_EQ("ct(zone=4,nat)", format_dp_actions({ct3}));
  DpAction ct4;
  ct4.type = DpActionType::kCt;
  ct4.ct.commit = true;
  ct4.ct.zone = 2;
  ct4.ct.nat.present = true;
  ct4.ct.nat.src = true;
  ct4.ct.nat.has_addr = true;
  ct4.ct.nat.ipv4_min = ntohl(ip("172.16.0.10"));
  EXPECT_EQ("ct(commit,zone=2,nat(src=172.16.0.10))", format_dp_actions({ct4}));
}

// b-ls-acl 05: a metered controller action.
TEST(DpActionsFormat, SampleMeterUserspace) {
  DpAction m;
  m.type = DpActionType::kMeter;
  m.id = 0;
  DpAction u;
  u.type = DpActionType::kUserspace;
  u.userspace.reason = 1;
  u.userspace.dont_send = true;
  u.userspace.recirc_id = 11;
  u.userspace.rule_cookie = 0x42ffe035;
  u.userspace.max_len = 65535;
  DpAction s;
  s.type = DpActionType::kSample;
  s.probability = UINT32_MAX;
  s.nested = {m, u};
  EXPECT_EQ(
      "sample(sample=100.0%,actions(meter(0),userspace(pid=0,controller(reason=1,dont_send=1,"
      "continuation=0,recirc_id=11,rule_cookie=0x42ffe035,controller_id=0,max_len=65535))))",
      format_dp_actions({s}));
}

// d-lb-nat 20 and 01.
TEST(DpActionsFormat, CheckPktLenAndHash) {
  DpAction c;
  c.type = DpActionType::kCheckPktLen;
  c.pkt_len = 1514;
  EXPECT_EQ("check_pkt_len(size=1514,gt(drop),le(drop))", format_dp_actions({c}));
  DpAction h;
  h.type = DpActionType::kHash;
  h.hash_alg = 0;
  DpAction rc;
  rc.type = DpActionType::kRecirc;
  rc.id = 2;
  EXPECT_EQ("hash(l4(0)),recirc(0x2)", format_dp_actions({h, rc}));
}

// e-remote-chassis 01: Geneve encapsulation with one option.
TEST(DpActionsFormat, TnlPushGeneve) {
  DpAction t;
  t.type = DpActionType::kTnlPush;
  t.tnl_push.tnl_port = 6;
  t.tnl_push.out_port = 2;
  t.tnl_push.tnl_type = kOdpTnlTypeGeneve;
  std::vector<uint8_t>& h = t.tnl_push.header;
  uint8_t dst[6], src[6];
  mac(dst, "00:00:00:00:c0:02");
  mac(src, "f2:a6:a4:cf:d3:49");
  h.insert(h.end(), dst, dst + 6);
  h.insert(h.end(), src, src + 6);
  h.insert(h.end(), {0x08, 0x00});
  h.insert(h.end(), {0x45, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 64, 17, 0x00, 0x00,
                     192, 0, 2, 1, 192, 0, 2, 2});
  h.insert(h.end(), {0x00, 0x00, 0x17, 0xc1, 0x00, 0x00, 0xff, 0xff});
  h.insert(h.end(), {0x02, 0x40, 0x65, 0x58, 0x00, 0x00, 0x01, 0x00});
  h.insert(h.end(), {0x01, 0x02, 0x80, 0x01, 0x00, 0x02, 0x00, 0x03});
  EXPECT_EQ(
      "tnl_push(tnl_port(6),header(size=58,type=5,eth(dst=00:00:00:00:c0:02,src=f2:a6:a4:cf:d3:49,"
      "dl_type=0x0800),ipv4(src=192.0.2.1,dst=192.0.2.2,proto=17,tos=0,ttl=64,frag=0x4000),"
      "udp(src=0,dst=6081,csum=0xffff),geneve(crit,vni=0x1,options({class=0x102,type=0x80,len=4,"
      "0x20003}))),out_port(2)),3",
      format_dp_actions({t, output(3)}));
}

}  // namespace
}  // namespace dpuflow::dataplane
