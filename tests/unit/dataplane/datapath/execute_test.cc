// The action executor's dispatch: hand-offs and their copies, nested
// lists, vlan push/pop, hash, meter, drops by reason — and that steady-
// state execution does not allocate.  Also HeapPool and MemPort.
#include "dataplane/datapath/execute.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <set>
#include <string>

#include "exec_test_util.h"

// Counts heap allocations while `g_count_allocs` is set (the whole test
// binary uses these replacements; they allocate with malloc/aligned_alloc).
namespace {
std::atomic<bool> g_count_allocs{false};
std::atomic<uint64_t> g_allocs{0};
}  // namespace

void* operator new(std::size_t n) {
  if (g_count_allocs.load(std::memory_order_relaxed)) g_allocs.fetch_add(1);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t al) {
  if (g_count_allocs.load(std::memory_order_relaxed)) g_allocs.fetch_add(1);
  const auto a = static_cast<std::size_t>(al);
  if (void* p = std::aligned_alloc(a, (n + a - 1) / a * a)) return p;
  throw std::bad_alloc();
}
// Matching deletes (sanitizers check the pairing).  GCC cannot see that
// these replace the library's pairs, hence the pragma.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace dpuflow::dataplane {
namespace {

using namespace test;

std::vector<uint8_t> tcp_frame(uint32_t s = 0x0a000001, uint32_t d = 0x0a000002, uint16_t sp = 1000,
                               uint16_t dp = 80, size_t payload = 40) {
  return PacketBuilder().eth(kMacA, kMacB).ipv4(s, d).tcp(sp, dp).payload(payload, 3).build();
}

TEST(Execute, EmptyActionsDropWithActionDrop) {
  Rig rig;
  rig.run({}, tcp_frame());
  EXPECT_EQ(rig.drops(DropReason::kActionDrop), 1u);
  EXPECT_EQ(rig.out.dropped.size(), 1u);
  EXPECT_TRUE(rig.out.outputs.empty());
}

TEST(Execute, TwoOutputsGiveACopyThenTheOriginal) {
  Rig rig;
  const auto f = tcp_frame();
  DpPacket orig = rig.packet(f);
  execute_actions({output(2), output(3)}, orig, rig.md, rig.env, rig.out);
  ASSERT_EQ(rig.out.outputs.size(), 2u);
  EXPECT_EQ(rig.out.outputs[0].port, 2u);
  EXPECT_EQ(rig.out.outputs[1].port, 3u);
  EXPECT_EQ(bytes_of(rig.out.outputs[0].pkt), f);
  EXPECT_EQ(bytes_of(rig.out.outputs[1].pkt), f);
  EXPECT_NE(rig.out.outputs[0].pkt.owner, orig.owner);
  EXPECT_EQ(rig.out.outputs[1].pkt.owner, orig.owner);
  EXPECT_EQ(rig.out.outputs[0].pkt.headroom, orig.headroom);
  EXPECT_EQ(rig.total_drops(), 0u);
  EXPECT_EQ(rig.pool.outstanding(), 2u);
}

TEST(Execute, UserspaceThenOutput) {
  Rig rig;
  set_reg(rig.md, 3, 0xfeed);
  DpAction u = simple(DpActionType::kUserspace);
  u.userspace.reason = 1;
  u.userspace.recirc_id = 77;
  const DpActions acts = {u, output(5)};
  rig.run(acts, tcp_frame());
  ASSERT_EQ(rig.out.upcalls.size(), 1u);
  ASSERT_EQ(rig.out.outputs.size(), 1u);
  EXPECT_EQ(rig.out.upcalls[0].cookie, &acts[0].userspace);
  EXPECT_EQ(get_reg(rig.out.upcalls[0].md, 3), 0xfeedu);
  EXPECT_EQ(bytes_of(rig.out.upcalls[0].pkt), tcp_frame());
  EXPECT_EQ(rig.out.outputs[0].port, 5u);
}

TEST(Execute, RecircSetsRecircIdAndKeepsMetadata) {
  Rig rig;
  rig.md.in_port = be16(7);
  rig.md.ct_state = be32(kCsTracked);
  rig.run({simple(DpActionType::kRecirc, 42)}, tcp_frame());
  ASSERT_EQ(rig.out.recircs.size(), 1u);
  const ExecRecirc& r = rig.out.recircs[0];
  EXPECT_EQ(r.md.recirc_id, be32(42));
  EXPECT_EQ(r.md.in_port, be16(7));
  EXPECT_EQ(r.md.ct_state, be32(kCsTracked));
  EXPECT_FALSE(r.tnl_pop);
}

uint32_t dp_hash_of(const std::vector<uint8_t>& f, uint32_t alg, uint32_t basis) {
  Rig rig;
  DpAction h = simple(DpActionType::kHash);
  h.hash_alg = alg;
  h.hash_basis = basis;
  rig.run({h, simple(DpActionType::kRecirc, 1)}, f);
  EXPECT_EQ(rig.out.recircs.size(), 1u);
  return rig.out.recircs.empty() ? 0 : host32(rig.out.recircs[0].md.dp_hash);
}

TEST(Execute, HashIsAStable5TupleHash) {
  const auto fwd = tcp_frame(0x0a000001, 0x0a000002, 1000, 80);
  const auto rev = tcp_frame(0x0a000002, 0x0a000001, 80, 1000);
  const auto other = tcp_frame(0x0a000001, 0x0a000002, 1001, 80);
  EXPECT_EQ(dp_hash_of(fwd, 0, 0), dp_hash_of(fwd, 0, 0));
  EXPECT_NE(dp_hash_of(fwd, 0, 0), dp_hash_of(other, 0, 0));
  EXPECT_NE(dp_hash_of(fwd, 0, 0), dp_hash_of(fwd, 0, 1));
  EXPECT_NE(dp_hash_of(fwd, 0, 0), dp_hash_of(rev, 0, 0));
  EXPECT_EQ(dp_hash_of(fwd, 1, 5), dp_hash_of(rev, 1, 5));  // symmetric
  // The payload is not part of the 5-tuple.
  EXPECT_EQ(dp_hash_of(fwd, 0, 0),
            dp_hash_of(tcp_frame(0x0a000001, 0x0a000002, 1000, 80, 3), 0, 0));
}

TEST(Execute, CloneRunsOnACopy) {
  Rig rig;
  OdpSet s;
  s.attr = OdpKeyAttr::kEthernet;
  std::memcpy(s.key.eth.dst, kMacC.data(), 6);
  std::memset(s.mask.eth.dst, 0xff, 6);
  DpAction h = simple(DpActionType::kHash);
  rig.run({nested(DpActionType::kClone,
                  {set_action(s), h, output(2), simple(DpActionType::kRecirc, 9)}),
           simple(DpActionType::kRecirc, 8)},
          tcp_frame());
  ASSERT_EQ(rig.out.outputs.size(), 1u);
  ASSERT_EQ(rig.out.recircs.size(), 2u);
  EXPECT_EQ(0, std::memcmp(rig.out.outputs[0].pkt.data, kMacC.data(), 6));
  EXPECT_EQ(bytes_of(rig.out.recircs[1].pkt), tcp_frame()) << "the clone's set leaked out";
  EXPECT_NE(rig.out.recircs[0].md.dp_hash, 0u);
  EXPECT_EQ(rig.out.recircs[1].md.dp_hash, 0u) << "the clone's hash leaked out";
  EXPECT_EQ(rig.out.recircs[1].md.recirc_id, be32(8));
}

TEST(Execute, CheckPktLenTakesTheOvsBranch) {
  const auto f = tcp_frame();  // 14 + 20 + 20 + 40 = 94 bytes
  ASSERT_EQ(f.size(), 94u);
  for (uint16_t limit : {93, 94, 95}) {
    Rig rig;
    DpAction c = nested(DpActionType::kCheckPktLen, {output(1)}, {output(2)});
    c.pkt_len = limit;
    rig.run({c}, f);
    ASSERT_EQ(rig.out.outputs.size(), 1u);
    EXPECT_EQ(rig.out.outputs[0].port, f.size() > limit ? 1u : 2u) << "pkt_len=" << limit;
  }
}

TEST(Execute, CheckPktLenIgnoresEthernetPadding) {
  auto f = PacketBuilder().eth(kMacA, kMacB).ipv4(1, 2).udp(1, 2).build();  // 42 bytes
  f.resize(60, 0);  // padded to the Ethernet minimum
  Rig rig;
  DpAction c = nested(DpActionType::kCheckPktLen, {output(1)}, {output(2)});
  c.pkt_len = 50;
  rig.run({c}, f);
  ASSERT_EQ(rig.out.outputs.size(), 1u);
  EXPECT_EQ(rig.out.outputs[0].port, 2u);
}

TEST(Execute, CheckPktLenNotLastWorksOnACopy) {
  Rig rig;
  DpAction c = nested(DpActionType::kCheckPktLen, {push_vlan(5), output(1)}, {output(9)});
  c.pkt_len = 10;
  rig.run({c, output(2)}, tcp_frame());
  ASSERT_EQ(rig.out.outputs.size(), 2u);
  EXPECT_EQ(rig.out.outputs[0].port, 1u);
  EXPECT_EQ(rig.out.outputs[0].pkt.len, tcp_frame().size() + 4);
  EXPECT_EQ(bytes_of(rig.out.outputs[1].pkt), tcp_frame());
}

TEST(Execute, SampleProbability) {
  {
    Rig rig;
    DpAction s = nested(DpActionType::kSample, {output(1)});
    s.probability = 0;
    rig.run({s, output(2)}, tcp_frame());
    ASSERT_EQ(rig.out.outputs.size(), 1u);
    EXPECT_EQ(rig.out.outputs[0].port, 2u);
    EXPECT_EQ(rig.total_drops(), 0u);
  }
  {
    Rig rig;
    DpAction s = nested(DpActionType::kSample, {output(1)});
    s.probability = 0;
    rig.run({s}, tcp_frame());
    EXPECT_EQ(rig.drops(DropReason::kActionDrop), 1u);
  }
  {
    Rig rig;
    DpAction s = nested(DpActionType::kSample, {output(1)});
    s.probability = UINT32_MAX / 2;
    for (int i = 0; i < 1000; ++i) rig.run({s}, tcp_frame());
    EXPECT_GT(rig.out.outputs.size(), 400u);
    EXPECT_LT(rig.out.outputs.size(), 600u);
    EXPECT_EQ(rig.out.outputs.size() + rig.drops(DropReason::kActionDrop), 1000u);
  }
}

TEST(Execute, PushPopVlanRoundTrip) {
  const auto f = tcp_frame();
  Rig rig;
  rig.run({push_vlan(10, 0x88a8, 0), push_vlan(20, 0x8100, 5), output(1),
           simple(DpActionType::kPopVlan), simple(DpActionType::kPopVlan),
           simple(DpActionType::kPopVlan), output(2)},
          f);
  ASSERT_EQ(rig.out.outputs.size(), 2u);
  const auto tagged = PacketBuilder()
                          .eth(kMacA, kMacB)
                          .vlan(20, 5, 0x8100)
                          .vlan(10, 0, 0x88a8)
                          .ipv4(0x0a000001, 0x0a000002)
                          .tcp(1000, 80)
                          .payload(40, 3)
                          .build();
  EXPECT_EQ(bytes_of(rig.out.outputs[0].pkt), tagged) << "the CFI/present bit must not be sent";
  EXPECT_EQ(bytes_of(rig.out.outputs[1].pkt), f) << "pop on an untagged frame is a no-op";
}

TEST(Execute, PushVlanWithoutHeadroomDrops) {
  Rig rig;
  rig.run({push_vlan(1), output(1)}, tcp_frame(), /*headroom=*/2);
  EXPECT_TRUE(rig.out.outputs.empty());
  EXPECT_EQ(rig.drops(DropReason::kNoHeadroom), 1u);
  EXPECT_EQ(rig.out.dropped.size(), 1u);
}

TEST(Execute, CtIsNeverForwarded) {
  for (DpActionType t : {DpActionType::kCt, DpActionType::kCtClear}) {
    Rig rig;
    rig.run({output(1), simple(t), simple(DpActionType::kRecirc, 3)}, tcp_frame());
    EXPECT_EQ(rig.out.outputs.size(), 1u);  // the copy before ct went out
    EXPECT_TRUE(rig.out.recircs.empty());
    EXPECT_EQ(rig.drops(DropReason::kCtUnsupported), 1u);
  }
}

TEST(Execute, MeterDropsOverRate) {
  Rig rig;
  MeterSpec m;
  m.flags = MeterSpec::kPktps | MeterSpec::kBurst;
  m.bands = {MeterBand{MeterBand::Type::kDrop, 1, 2, 0}};
  rig.meters.configure(3, m);
  for (int i = 0; i < 5; ++i) rig.run({simple(DpActionType::kMeter, 3), output(1)}, tcp_frame());
  EXPECT_EQ(rig.out.outputs.size(), 2u);  // the burst of 2; no time passes
  EXPECT_EQ(rig.drops(DropReason::kMeter), 3u);
  // An unconfigured meter, and no MeterBank at all, pass everything.
  rig.run({simple(DpActionType::kMeter, 4), output(1)}, tcp_frame());
  rig.env.meters = nullptr;
  rig.run({simple(DpActionType::kMeter, 3), output(1)}, tcp_frame());
  EXPECT_EQ(rig.out.outputs.size(), 4u);
}

TEST(Execute, CopyFailureCountsNoBufferAndSkipsThatHandOff) {
  Rig rig(/*max_buffers=*/1);
  rig.run({output(2), output(3)}, tcp_frame());
  ASSERT_EQ(rig.out.outputs.size(), 1u);
  EXPECT_EQ(rig.out.outputs[0].port, 3u);
  EXPECT_EQ(rig.drops(DropReason::kNoBuffer), 1u);
  EXPECT_TRUE(rig.out.dropped.empty());
}

TEST(Execute, EveryBufferEndsInExactlyOnePlace) {
  Rig rig(/*max_buffers=*/3);
  DpAction ck = nested(DpActionType::kCheckPktLen, {output(4)}, {});
  ck.pkt_len = 1;
  const DpActions acts = {output(1),
                          nested(DpActionType::kClone, {simple(DpActionType::kCt)}),
                          nested(DpActionType::kClone, {}),
                          ck,
                          output(2),
                          output(3)};
  rig.run(acts, tcp_frame());
  const size_t placed = rig.out.outputs.size() + rig.out.recircs.size() + rig.out.upcalls.size() +
                        rig.out.dropped.size();
  EXPECT_EQ(rig.total_drops(), rig.out.dropped.size() + rig.drops(DropReason::kNoBuffer));
  EXPECT_EQ(placed, rig.pool.outstanding());
  EXPECT_GT(rig.drops(DropReason::kNoBuffer), 0u);  // the pool of 3 ran dry
  ASSERT_FALSE(rig.out.outputs.empty());
  EXPECT_EQ(rig.out.outputs.back().port, 3u);  // the original always goes last
}

TEST(Execute, DropReasonNamesAreDistinct) {
  std::set<std::string> names;
  for (size_t i = 0; i < static_cast<size_t>(DropReason::kCount); ++i) {
    const std::string n = dp_drop_reason_name(static_cast<DropReason>(i));
    EXPECT_NE(n, "unknown");
    names.insert(n);
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(DropReason::kCount));
  EXPECT_STREQ(dp_drop_reason_name(DropReason::kCtUnsupported), "ct-unsupported");
}

TEST(Execute, SteadyStateDoesNotAllocate) {
  Rig rig;
  rig.pool.reserve(64);
  rig.out.reserve(64);
  MeterSpec m;
  m.flags = MeterSpec::kPktps;
  m.bands = {MeterBand{MeterBand::Type::kDrop, 1000000, 0, 0}};
  rig.meters.configure(1, m);
  TlvMap tlv;
  rig.env.tlv = &tlv;
  OdpSet s;
  s.attr = OdpKeyAttr::kIpv4;
  s.key.ipv4.ttl = 9;
  s.mask.ipv4.ttl = 0xff;
  DpAction ck = nested(DpActionType::kCheckPktLen, {output(7)}, {output(8)});
  ck.pkt_len = 60;
  DpAction h = simple(DpActionType::kHash);
  DpAction u = simple(DpActionType::kUserspace);
  const DpActions acts = {simple(DpActionType::kMeter, 1),
                          set_action(s),
                          h,
                          output(1),
                          push_vlan(3),
                          nested(DpActionType::kClone, {simple(DpActionType::kPopVlan), output(2)}),
                          u,
                          ck,
                          tnl_pop(4),
                          simple(DpActionType::kRecirc, 5)};
  const auto f = tcp_frame();
  auto once = [&] {
    rig.run(acts, f);
    rig.reset();
  };
  for (int i = 0; i < 10; ++i) once();  // warm-up
  g_allocs = 0;
  g_count_allocs = true;
  for (int i = 0; i < 1000; ++i) once();
  g_count_allocs = false;
  EXPECT_EQ(g_allocs.load(), 0u);
  // It did run: the last iteration's outputs are still counted.
  rig.run(acts, f);
  EXPECT_EQ(rig.out.outputs.size(), 3u);
  EXPECT_EQ(rig.out.upcalls.size(), 1u);
  EXPECT_EQ(rig.drops(DropReason::kTunnelPop), 1u);  // not a tunnel packet
  EXPECT_EQ(rig.out.recircs.size(), 1u);
}

// ---- HeapPool and MemPort ------------------------------------------------------

TEST(HeapPool, CloneKeepsBytesAndHeadroom) {
  HeapPool pool;
  DpPacket a, b;
  const std::vector<uint8_t> f = {1, 2, 3, 4, 5};
  ASSERT_TRUE(pool.make(f, a, 40));
  ASSERT_TRUE(pool.clone(a, b));
  EXPECT_EQ(bytes_of(b), f);
  EXPECT_EQ(b.headroom, 40u);
  EXPECT_EQ(b.tailroom, HeapPool::kBufSize - 40 - 5);
  EXPECT_NE(a.data, b.data);
  EXPECT_EQ(pool.outstanding(), 2u);
  pool.free(a);
  pool.free(b);
  EXPECT_EQ(pool.outstanding(), 0u);
}

TEST(HeapPool, BoundedAndFreesToTheOwningPool) {
  HeapPool small(1), other;
  DpPacket a, b;
  ASSERT_TRUE(small.make(std::vector<uint8_t>(10), a));
  EXPECT_FALSE(small.clone(a, b));
  EXPECT_FALSE(other.make(std::vector<uint8_t>(HeapPool::kBufSize + 1), b));
  other.free(a);  // a belongs to `small`
  EXPECT_EQ(small.outstanding(), 0u);
  EXPECT_TRUE(small.make(std::vector<uint8_t>(10), a));
  small.free(a);
}

TEST(MemPort, ReceivesPushedFramesAndRecordsTransmitted) {
  HeapPool pool;
  MemPort port("p0", pool);
  EXPECT_STREQ(port.type(), "mem");
  const auto f1 = tcp_frame(), f2 = tcp_frame(1, 2);
  port.push_rx(f1);
  port.push_rx(f2);
  DpPacket pkts[4];
  ASSERT_EQ(port.rx_burst(0, pkts, 4), 2);
  EXPECT_EQ(bytes_of(pkts[0]), f1);
  EXPECT_EQ(port.rx_burst(0, pkts + 2, 4), 0);
  EXPECT_EQ(port.tx_burst(0, pkts, 2), 2);
  EXPECT_EQ(pool.outstanding(), 0u);
  const auto sent = port.take_tx();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1], f2);
  EXPECT_TRUE(port.take_tx().empty());
  const PortStats st = port.stats();
  EXPECT_EQ(st.rx_packets, 2u);
  EXPECT_EQ(st.tx_packets, 2u);
  EXPECT_EQ(st.tx_bytes, f1.size() + f2.size());
}

}  // namespace
}  // namespace dpuflow::dataplane
