// pipeline_demo: the embedded-default demo of milestone 1.  Builds a small
// OVN-shaped pipeline in code (port security, a logical switch, a router
// hop, a stateful ACL), then translates a few packets through it and prints,
// for each, what the datapath would do and how wide the megaflow is.
// Nothing external is needed: no NIC, no hugepages, no daemon.
#include <fmt/format.h>

#include <cstdio>
#include <cstring>

#include "dataplane/pipeline/pipeline.h"
#include "dataplane/pipeline/xlate.h"

namespace {

using namespace dpuflow::dataplane;

ActSetField set_reg(int reg, uint32_t v) {
  ActSetField s;
  s.field = static_cast<FieldId>(static_cast<int>(FieldId::kReg0) + reg);
  s.value = FieldValue::from_u64(v, 4);
  s.mask = FieldValue::from_u64(0xffffffff, 4);
  return s;
}
ActSetField set_mac(FieldId f, uint8_t last) {
  ActSetField s;
  s.field = f;
  s.value.n_bytes = 6;
  s.value.bytes[4] = 0xff;
  s.value.bytes[5] = last;
  s.mask.n_bytes = 6;
  std::memset(s.mask.bytes.data(), 0xff, 6);
  return s;
}
ActResubmit resubmit(uint8_t t) {
  ActResubmit r;
  r.table = t;
  return r;
}

int add(Pipeline& p, uint8_t table, int prio, const Match& m, ActionList acts) {
  RuleSpec s;
  s.table = table;
  s.priority = static_cast<uint16_t>(prio);
  s.match = m;
  s.actions = std::move(acts);
  if (auto err = p.add_flow(s)) {
    std::fprintf(stderr, "pipeline_demo: rule refused\n");
    return 1;
  }
  return 0;
}

int popcount(const FlowMask& m) {
  const auto* b = reinterpret_cast<const uint8_t*>(&m);
  int n = 0;
  for (size_t i = 0; i < sizeof m; ++i) n += __builtin_popcount(b[i]);
  return n;
}

}  // namespace

int main() {
  Pipeline p;
  PortTable ports;
  for (uint16_t i = 1; i <= 3; ++i) ports.add(XlatePort{i, OdpPort{i + 1u}, fmt::format("vm{}", i)});
  int rc = 0;
  // table 0: port security on vm1 (source MAC) -> logical ingress.
  Match ps;
  ps.value.in_port = be16(1);
  ps.mask.in_port = 0xffff;
  ps.value.dl_src[5] = 1;
  std::memset(ps.mask.dl_src, 0xff, 6);
  rc |= add(p, 0, 100, ps, {set_reg(14, 1), resubmit(8)});
  rc |= add(p, 0, 0, Match{}, {});
  // table 8: L2 lookup, router MAC, stateful ACL for TCP.
  Match l2;
  l2.value.dl_dst[5] = 2;
  std::memset(l2.mask.dl_dst, 0xff, 6);
  rc |= add(p, 8, 50, l2, {set_reg(15, 2), resubmit(65)});
  Match rt;
  rt.value.dl_dst[4] = 0xff;
  rt.value.dl_dst[5] = 1;
  std::memset(rt.mask.dl_dst, 0xff, 6);
  rt.value.dl_type = be16(kEthTypeIp);
  rt.mask.dl_type = 0xffff;
  rc |= add(p, 8, 60, rt,
            {set_mac(FieldId::kEthSrc, 2), set_mac(FieldId::kEthDst, 3), ActDecTtl{},
             set_reg(15, 3), resubmit(65)});
  Match acl = l2;
  acl.value.dl_type = be16(kEthTypeIp);
  acl.mask.dl_type = 0xffff;
  acl.value.nw_proto = kIpProtoTcp;
  acl.mask.nw_proto = 0xff;
  ActCt ct;
  ct.zone_imm = 5;
  ct.recirc_table = 9;
  rc |= add(p, 8, 70, acl, {ct});
  // table 65: logical output port -> physical port.
  for (uint32_t o = 2; o <= 3; ++o) {
    Match m;
    m.value.regs[15] = be32(o);
    m.mask.regs[15] = 0xffffffff;
    rc |= add(p, 65, 100, m, {ActOutput{static_cast<uint16_t>(o), 0}});
  }
  if (rc) return rc;

  struct Case {
    const char* what;
    uint8_t dst_hi, dst_lo, src_lo, proto;
  } cases[] = {
      {"vm1 -> vm2, ICMP, same logical switch", 0, 2, 1, kIpProtoIcmp},
      {"vm1 -> router -> vm3, ICMP (MACs rewritten, TTL decremented)", 0xff, 1, 1, kIpProtoIcmp},
      {"vm1 -> vm2, TCP (stateful ACL: conntrack, then recirculation)", 0, 2, 1, kIpProtoTcp},
      {"spoofed source MAC on vm1 (port security drops it)", 0, 2, 9, kIpProtoIcmp},
  };
  RecircTable recirc;
  for (const Case& c : cases) {
    FlowKey f{};
    f.in_port = be16(1);
    f.dl_src[5] = c.src_lo;
    f.dl_dst[4] = c.dst_hi;
    f.dl_dst[5] = c.dst_lo;
    f.dl_type = be16(kEthTypeIp);
    f.nw_proto = c.proto;
    f.nw_src = be32(0x0a00010b);
    f.nw_dst = be32(0x0a00020d);
    f.nw_ttl = 64;
    XlateIn in;
    in.pipeline = &p;
    in.ports = &ports;
    in.recirc = &recirc;
    in.flow = f;
    XlateOut x = xlate(in);
    std::printf("%s\n  Datapath actions: %s\n  Megaflow: %d of %zu key bits examined\n\n", c.what,
                format_dp_actions(x.actions).c_str(), popcount(x.wc), sizeof(FlowKey) * 8);
  }
  return 0;
}
