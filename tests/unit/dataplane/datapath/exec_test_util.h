// Helpers shared by the executor tests (dp_execute): a heap pool, packets
// from builder bytes, and DpAction constructors.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "dataplane/datapath/execute.h"
#include "dataplane/datapath/mem_port.h"
#include "dataplane/datapath/meter_bank.h"
#include "dataplane/packet/builder.h"

namespace dpuflow::dataplane::test {

inline const Mac kMacA = {0x02, 0, 0, 0, 0, 0x0a}, kMacB = {0x02, 0, 0, 0, 0, 0x0b},
                 kMacC = {0x02, 0, 0, 0, 0, 0x0c};
inline const Ip6 kIp6A = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a};
inline const Ip6 kIp6B = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b};
inline const Ip6 kIp6C = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34};

inline std::vector<uint8_t> bytes_of(const DpPacket& p) {
  return std::vector<uint8_t>(p.data, p.data + p.len);
}

// One executor run's world: a pool, an env, an ExecOut; frees everything
// the run produced on reset() and checks that no buffer leaked.
struct Rig {
  HeapPool pool;
  MeterBank meters;
  ExecOut out;
  ExecEnv env;
  FlowKey md{};

  explicit Rig(size_t max_buffers = SIZE_MAX) : pool(max_buffers) {
    env.pool = &pool;
    env.meters = &meters;
    out.reserve(16);
  }
  ~Rig() {
    reset();
    EXPECT_EQ(pool.outstanding(), 0u) << "packet buffers leaked";
  }
  DpPacket packet(const std::vector<uint8_t>& bytes, uint32_t headroom = HeapPool::kHeadroom) {
    DpPacket p;
    EXPECT_TRUE(pool.make(bytes, p, headroom));
    return p;
  }
  void run(const DpActions& acts, const std::vector<uint8_t>& bytes,
           uint32_t headroom = HeapPool::kHeadroom) {
    execute_actions(acts, packet(bytes, headroom), md, env, out);
  }
  uint64_t drops(DropReason r) const { return out.drops[static_cast<size_t>(r)]; }
  uint64_t total_drops() const {
    uint64_t n = 0;
    for (uint64_t d : out.drops) n += d;
    return n;
  }
  void reset() {
    for (ExecOutput& o : out.outputs) pool.free(o.pkt);
    for (ExecRecirc& r : out.recircs) pool.free(r.pkt);
    for (ExecUpcall& u : out.upcalls) pool.free(u.pkt);
    for (DpPacket& p : out.dropped) pool.free(p);
    out.clear();
    for (uint64_t& d : out.drops) d = 0;
  }
};

inline DpAction output(OdpPort port) {
  DpAction a;
  a.type = DpActionType::kOutput;
  a.port = port;
  return a;
}
inline DpAction tnl_pop(OdpPort port) {
  DpAction a;
  a.type = DpActionType::kTnlPop;
  a.port = port;
  return a;
}
// An action with no operand but an id (recirc, meter), or none at all.
inline DpAction simple(DpActionType t, uint32_t id = 0) {
  DpAction a;
  a.type = t;
  a.id = id;
  return a;
}
inline DpAction nested(DpActionType t, DpActions acts, DpActions acts2 = {}) {
  DpAction a;
  a.type = t;
  a.nested = std::move(acts);
  a.nested2 = std::move(acts2);
  return a;
}
inline DpAction set_action(const OdpSet& s) {
  DpAction a;
  a.type = DpActionType::kSet;
  a.set = s;
  return a;
}
inline DpAction push_vlan(uint16_t vid, uint16_t tpid = 0x8100, uint8_t pcp = 0) {
  DpAction a;
  a.type = DpActionType::kPushVlan;
  a.vlan_tpid = tpid;
  a.vlan_tci = static_cast<uint16_t>(0x1000 | pcp << 13 | vid);
  return a;
}

}  // namespace dpuflow::dataplane::test
