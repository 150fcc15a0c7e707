// Helpers shared by the classifier and pipeline tests: build matches and
// flows by writing FlowKey members directly (no text parsing).
#pragma once

#include <cstring>
#include <memory>
#include <string>

#include "dataplane/flow/flow_key.h"
#include "dataplane/flow/match.h"
#include "dataplane/pipeline/action.h"
#include "dataplane/pipeline/rule.h"

namespace dpuflow::dataplane::testutil {

inline RulePtr make_rule(const Match& m, int priority, ActionList actions = {ActOutput{1, 0}},
                         uint8_t table = 0) {
  auto r = std::make_shared<Rule>();
  r->spec.table = table;
  r->spec.priority = static_cast<uint16_t>(priority);
  r->spec.match = m;
  r->spec.actions = std::move(actions);
  return r;
}

inline ActionList conj(uint32_t id, int k, int n) {
  return {ActConjunction{id, static_cast<uint8_t>(k - 1), static_cast<uint8_t>(n)}};
}

inline ActionList out(uint16_t port) { return {ActOutput{port, 0}}; }

// Field setters on a Match (value & mask).
inline void m_dl_type(Match& m, uint16_t t) {
  m.value.dl_type = be16(t);
  m.mask.dl_type = 0xffff;
}
inline void m_ip(Match& m) { m_dl_type(m, kEthTypeIp); }
inline void m_nw_proto(Match& m, uint8_t p) {
  m.value.nw_proto = p;
  m.mask.nw_proto = 0xff;
}
inline void m_tcp(Match& m) {
  m_ip(m);
  m_nw_proto(m, kIpProtoTcp);
}
inline void m_nw_dst(Match& m, uint32_t addr, int plen) {
  uint32_t mask = plen ? ~uint32_t{0} << (32 - plen) : 0;
  m.value.nw_dst = be32(addr & mask);
  m.mask.nw_dst = be32(mask);
}
inline void m_nw_src(Match& m, uint32_t addr, int plen) {
  uint32_t mask = plen ? ~uint32_t{0} << (32 - plen) : 0;
  m.value.nw_src = be32(addr & mask);
  m.mask.nw_src = be32(mask);
}
inline void m_metadata(Match& m, uint64_t v) {
  m.value.metadata = be64(v);
  m.mask.metadata = ~uint64_t{0};
}
inline void m_reg(Match& m, int i, uint32_t v, uint32_t mask = ~uint32_t{0}) {
  m.value.regs[i] = be32(v & mask);
  m.mask.regs[i] = be32(mask);
}
inline void m_tp_dst(Match& m, uint16_t v, uint16_t mask = 0xffff) {
  m.value.tp_dst = be16(v & mask);
  m.mask.tp_dst = be16(mask);
}
inline void m_tp_src(Match& m, uint16_t v, uint16_t mask = 0xffff) {
  m.value.tp_src = be16(v & mask);
  m.mask.tp_src = be16(mask);
}
inline void m_conj_id(Match& m, uint32_t id) {
  m.value.conj_id = be32(id);
  m.mask.conj_id = ~uint32_t{0};
}

inline constexpr uint32_t ip4(int a, int b, int c, int d) {
  return (uint32_t(a) << 24) | (uint32_t(b) << 16) | (uint32_t(c) << 8) | uint32_t(d);
}

inline FlowKey ip_flow(uint32_t src, uint32_t dst, uint8_t proto = kIpProtoTcp,
                       uint16_t sport = 1000, uint16_t dport = 80) {
  FlowKey k{};
  k.dl_type = be16(kEthTypeIp);
  k.nw_src = be32(src);
  k.nw_dst = be32(dst);
  k.nw_proto = proto;
  k.tp_src = be16(sport);
  k.tp_dst = be16(dport);
  return k;
}

inline bool key_is_zero(const FlowKey& k) { return k == FlowKey{}; }

// Which bytes of a FlowMask are non-zero, as "offset:value" pairs, for
// readable failure messages.
inline std::string mask_bytes(const FlowMask& m) {
  std::string s;
  const auto* b = reinterpret_cast<const uint8_t*>(&m);
  char buf[32];
  for (size_t i = 0; i < sizeof m; ++i) {
    if (b[i]) {
      std::snprintf(buf, sizeof buf, "%zu:%02x ", i, b[i]);
      s += buf;
    }
  }
  return s.empty() ? "(none)" : s;
}

}  // namespace dpuflow::dataplane::testutil
