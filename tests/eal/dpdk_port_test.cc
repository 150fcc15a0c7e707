// DpdkPort over virtual devices: net_pcap (files in, files out) and
// net_ring (a device whose tx ring is its rx ring: a loopback).
#include <gtest/gtest.h>

#include <cerrno>
#include <vector>

#include "dataplane/datapath/dpdk/dpdk_port.h"
#include "dataplane/datapath/dpdk/mbuf_pool.h"
#include "tests/eal/eal_env.h"
#include "tests/eal/pcap_file.h"

namespace dpuflow::dataplane {
namespace {

using test::Frame;

// Ethernet frames of distinct lengths and contents (60..1514 bytes).
std::vector<Frame> sample_frames(size_t n) {
  std::vector<Frame> frames;
  for (size_t i = 0; i < n; i++) {
    size_t len = 60 + (i * 211) % 1455;
    Frame f(len);
    for (size_t j = 0; j < len; j++) f[j] = static_cast<uint8_t>(i * 31 + j);
    // dst 02:00:00:00:00:01, src 02:00:00:00:00:02, type 0x88b5 (local experimental)
    const uint8_t hdr[14] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x88, 0xb5};
    std::copy(hdr, hdr + 14, f.begin());
    frames.push_back(std::move(f));
  }
  return frames;
}

Frame bytes_of(const DpPacket& p) { return Frame(p.data, p.data + p.len); }

class DpdkPortTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = MbufPool::create("port", 4096);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    pool_ = std::move(r).value();
  }
  void TearDown() override {
    // Ports first: the pool outlives every mbuf.
    EXPECT_EQ(pool_->available(), pool_->capacity()) << "mbufs leaked by the test";
  }

  std::unique_ptr<DpdkPort> open_ok(const std::string& name, const std::string& devargs,
                                    DpdkPort::Options options = {}) {
    auto r = DpdkPort::open(name, devargs, options, *pool_);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    return r.ok() ? std::move(r).value() : nullptr;
  }

  // Receives until the device has nothing more (several empty polls).
  std::vector<DpPacket> rx_all(DpdkPort& port, uint16_t queue = 0) {
    std::vector<DpPacket> got;
    DpPacket burst[64];
    for (int empty = 0; empty < 3;) {
      uint16_t n = port.rx_burst(queue, burst, 64);
      if (n == 0) {
        empty++;
        continue;
      }
      got.insert(got.end(), burst, burst + n);
    }
    return got;
  }

  void free_all(std::vector<DpPacket>& pkts) {
    for (DpPacket& p : pkts) pool_->free(p);
    pkts.clear();
  }

  std::unique_ptr<MbufPool> pool_;
};

TEST_F(DpdkPortTest, PcapRxThenTxReproducesTheFrames) {
  std::vector<Frame> frames = sample_frames(40);
  std::string in = test::eal_test_path("rt_in.pcap"), out = test::eal_test_path("rt_out.pcap");
  ASSERT_TRUE(test::write_pcap(in, frames));
  auto port = open_ok("p0", "net_pcap_rt0,rx_pcap=" + in + ",tx_pcap=" + out);
  ASSERT_TRUE(port);
  EXPECT_STREQ(port->type(), "dpdk");
  EXPECT_EQ(port->device_name(), "net_pcap_rt0");
  uint8_t mac[6];
  port->mac(mac);
  EXPECT_NE(Frame(mac, mac + 6), Frame(6, 0)) << "net_pcap makes up a MAC";
  EXPECT_EQ(mac[0] & 0x02, 0x02) << "a locally administered one";

  std::vector<DpPacket> got = rx_all(*port);
  ASSERT_EQ(got.size(), frames.size());
  for (size_t i = 0; i < got.size(); i++) {
    EXPECT_EQ(bytes_of(got[i]), frames[i]) << "frame " << i;
    EXPECT_EQ(got[i].headroom, MbufPool::kHeadroom);
  }
  // Past the end of the file (no infinite_rx) there is nothing more.
  DpPacket more[8];
  EXPECT_EQ(port->rx_burst(0, more, 8), 0);

  EXPECT_EQ(port->tx_burst(0, got.data(), static_cast<uint16_t>(got.size())), frames.size());
  PortStats s = port->stats();
  EXPECT_EQ(s.rx_packets, frames.size());
  EXPECT_EQ(s.tx_packets, frames.size());
  EXPECT_EQ(s.tx_dropped, 0u);
  uint64_t bytes = 0;
  for (const Frame& f : frames) bytes += f.size();
  EXPECT_EQ(s.rx_bytes, bytes);
  EXPECT_EQ(s.tx_bytes, bytes);

  DpdkStatus st = port->close();  // writes out the tx pcap
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_FALSE(port->is_open());
  EXPECT_EQ(port->stats().tx_packets, frames.size());  // kept after close
  auto written = test::read_pcap(out);
  ASSERT_TRUE(written.has_value());
  EXPECT_EQ(*written, frames);
}

TEST_F(DpdkPortTest, PcapTxAfterHeaderPushAndPullWritesTheNewFrame) {
  std::vector<Frame> frames = sample_frames(3);
  std::string in = test::eal_test_path("push_in.pcap"), out = test::eal_test_path("push_out.pcap");
  ASSERT_TRUE(test::write_pcap(in, frames));
  auto port = open_ok("p1", "net_pcap_push0,rx_pcap=" + in + ",tx_pcap=" + out);
  ASSERT_TRUE(port);
  std::vector<DpPacket> got = rx_all(*port);
  ASSERT_EQ(got.size(), 3u);
  // 0: 4 bytes pushed in front; 1: 14 pulled off; 2: cut to 60.
  std::vector<Frame> expect = frames;
  uint8_t* h = got[0].push(4);
  ASSERT_NE(h, nullptr);
  const uint8_t tag[4] = {0xde, 0xad, 0xbe, 0xef};
  std::copy(tag, tag + 4, h);
  expect[0].insert(expect[0].begin(), tag, tag + 4);
  ASSERT_TRUE(got[1].pull(14));
  expect[1].erase(expect[1].begin(), expect[1].begin() + 14);
  got[2].truncate(60);
  expect[2].resize(60);
  EXPECT_EQ(port->tx_burst(0, got.data(), 3), 3);
  ASSERT_TRUE(port->close().ok());
  auto written = test::read_pcap(out);
  ASSERT_TRUE(written.has_value());
  EXPECT_EQ(*written, expect);
}

TEST_F(DpdkPortTest, MultiSegmentFrameIsDroppedAndCounted) {
  // 3000 bytes do not fit one 2048-byte mbuf: net_pcap chains two.
  std::vector<Frame> frames = sample_frames(2);
  Frame jumbo(3000, 0x5a);
  std::vector<Frame> file = {frames[0], jumbo, frames[1]};
  std::string in = test::eal_test_path("jumbo_in.pcap");
  ASSERT_TRUE(test::write_pcap(in, file));
  auto port = open_ok(
      "p2", "net_pcap_jumbo0,rx_pcap=" + in + ",tx_pcap=" + test::eal_test_path("jumbo_out.pcap"));
  ASSERT_TRUE(port);
  std::vector<DpPacket> got = rx_all(*port);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(bytes_of(got[0]), frames[0]);
  EXPECT_EQ(bytes_of(got[1]), frames[1]);
  EXPECT_EQ(port->stats().rx_dropped, 1u);
  free_all(got);
}

TEST_F(DpdkPortTest, RingLoopsTxBackToRx) {
  auto port = open_ok("r0", "net_ring_lb0");
  ASSERT_TRUE(port);
  std::vector<Frame> frames = sample_frames(10);
  std::vector<DpPacket> pkts(frames.size());
  for (size_t i = 0; i < frames.size(); i++) ASSERT_TRUE(pool_->copy_in(frames[i], pkts[i]));
  EXPECT_EQ(port->tx_burst(0, pkts.data(), 10), 10);
  std::vector<DpPacket> got = rx_all(*port);
  ASSERT_EQ(got.size(), frames.size());
  for (size_t i = 0; i < got.size(); i++) EXPECT_EQ(bytes_of(got[i]), frames[i]) << i;
  free_all(got);
}

TEST_F(DpdkPortTest, TxOverflowFreesAndCountsTheRest) {
  auto port = open_ok("r1", "net_ring_full0");
  ASSERT_TRUE(port);
  // More than the device ring holds (net_ring's rings take 1023); nobody
  // receives meanwhile, so the rest must be dropped.
  constexpr uint16_t kN = 1500;
  Frame f = sample_frames(1)[0];
  std::vector<DpPacket> pkts(kN);
  for (DpPacket& p : pkts) ASSERT_TRUE(pool_->copy_in(f, p));
  uint16_t sent = port->tx_burst(0, pkts.data(), kN);
  EXPECT_GT(sent, 0);
  EXPECT_LT(sent, kN);
  EXPECT_EQ(port->stats().tx_dropped, uint64_t(kN - sent));
  std::vector<DpPacket> got = rx_all(*port);
  EXPECT_EQ(got.size(), sent);
  free_all(got);  // with the dropped ones freed by tx_burst, nothing leaks
}

TEST_F(DpdkPortTest, RemovedPortCanBeAddedAgainWithTheSameDevargs) {
  // net_ring's rings outlive its device (a re-add attaches to them, after
  // DPDK logs "Cannot reserve memory" for the rings it could not create):
  // close() must leave them empty, or the mbufs left there never return to
  // their pool (TearDown counts them).  Round 0 leaves one behind on purpose.
  for (int round = 0; round < 3; round++) {
    SCOPED_TRACE(round);
    auto port = open_ok("r2", "net_ring_again0");
    ASSERT_TRUE(port);
    std::vector<DpPacket> pkts(2);
    std::vector<Frame> frames = sample_frames(2);
    for (size_t i = 0; i < 2; i++) ASSERT_TRUE(pool_->copy_in(frames[i], pkts[i]));
    EXPECT_EQ(port->tx_burst(0, pkts.data(), 2), 2);
    if (round == 0) {
      DpPacket one;
      ASSERT_EQ(port->rx_burst(0, &one, 1), 1);
      pool_->free(one);
    } else {
      std::vector<DpPacket> got = rx_all(*port);
      EXPECT_EQ(got.size(), 2u) << "nothing left over from the previous round";
      free_all(got);
    }
    DpdkStatus st = port->close();
    ASSERT_TRUE(st.ok()) << st.error().to_string();
    EXPECT_TRUE(port->close().ok()) << "close is idempotent";
  }
  // Same for a pcap port, whose files are opened at probe.
  std::string in = test::eal_test_path("again_in.pcap");
  ASSERT_TRUE(test::write_pcap(in, sample_frames(5)));
  for (int round = 0; round < 2; round++) {
    auto port = open_ok("p3", "net_pcap_again0,rx_pcap=" + in +
                                  ",tx_pcap=" + test::eal_test_path("again_out.pcap"));
    ASSERT_TRUE(port);
    std::vector<DpPacket> got = rx_all(*port);
    EXPECT_EQ(got.size(), 5u) << "the file is read from its start again";
    free_all(got);
  }
}

TEST_F(DpdkPortTest, SecondOpenOfAnOpenDeviceFailsAndLeavesItWorking) {
  auto first = open_ok("r3", "net_ring_busy0");
  ASSERT_TRUE(first);
  auto second = DpdkPort::open("r3b", "net_ring_busy0", {}, *pool_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().err, EBUSY);
  EXPECT_NE(second.error().to_string().find("net_ring_busy0"), std::string::npos);
  EXPECT_NE(second.error().to_string().find("dpuflow:r3"), std::string::npos)
      << second.error().to_string();
  DpPacket p;
  ASSERT_TRUE(pool_->copy_in(sample_frames(1)[0], p));
  EXPECT_EQ(first->tx_burst(0, &p, 1), 1);
  std::vector<DpPacket> got = rx_all(*first);
  EXPECT_EQ(got.size(), 1u);
  free_all(got);
}

TEST_F(DpdkPortTest, MissingPcapFileIsAnErrorNamingTheDevargs) {
  std::string devargs = "net_pcap_bad0,rx_pcap=" + test::eal_test_path("no_such.pcap");
  auto r = DpdkPort::open("bad", devargs, {}, *pool_);
  ASSERT_FALSE(r.ok());
  std::string text = r.error().to_string();
  EXPECT_EQ(r.error().op, "rte_dev_probe");
  EXPECT_NE(text.find(devargs), std::string::npos) << text;
  EXPECT_NE(r.error().err, 0);
  // What the driver logged, through the log tap, not just "Invalid argument".
  EXPECT_NE(r.error().detail.find("no_such.pcap"), std::string::npos) << text;
  // Nothing stays plugged: the name is free for a good file.
  std::string in = test::eal_test_path("bad_then_good.pcap");
  ASSERT_TRUE(test::write_pcap(in, sample_frames(1)));
  auto port = open_ok(
      "bad", "net_pcap_bad0,rx_pcap=" + in + ",tx_pcap=" + test::eal_test_path("bad_out.pcap"));
  ASSERT_TRUE(port);
}

TEST_F(DpdkPortTest, UnknownDriverIsAnErrorNamingTheDevargs) {
  auto r = DpdkPort::open("x", "net_nosuchdriver0,foo=1", {}, *pool_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().to_string().find("net_nosuchdriver0,foo=1"), std::string::npos)
      << r.error().to_string();
  auto garbage = DpdkPort::open("y", "", {}, *pool_);
  EXPECT_FALSE(garbage.ok());
}

TEST_F(DpdkPortTest, MoreQueuesThanTheDeviceHasIsAnErrorAndUnplugs) {
  std::string in = test::eal_test_path("q_in.pcap");
  ASSERT_TRUE(test::write_pcap(in, sample_frames(1)));
  std::string devargs =
      "net_pcap_q0,rx_pcap=" + in + ",tx_pcap=" + test::eal_test_path("q_out.pcap");
  auto r = DpdkPort::open("q", devargs, {.n_rxq = 2, .n_txq = 1}, *pool_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().to_string().find(devargs), std::string::npos);
  EXPECT_NE(r.error().to_string().find("at most 1 rx"), std::string::npos) << r.error().to_string();
  auto port = open_ok("q", devargs);
  ASSERT_TRUE(port);
}

TEST_F(DpdkPortTest, RingWithSeveralQueuesKeepsThemApart) {
  auto port = open_ok("r4", "net_ring_mq0", {.n_rxq = 2, .n_txq = 2});
  ASSERT_TRUE(port);
  EXPECT_EQ(port->n_rxq(), 2);
  EXPECT_EQ(port->n_txq(), 2);
  std::vector<Frame> frames = sample_frames(3);
  std::vector<DpPacket> pkts(3);
  for (size_t i = 0; i < 3; i++) ASSERT_TRUE(pool_->copy_in(frames[i], pkts[i]));
  EXPECT_EQ(port->tx_burst(1, pkts.data(), 3), 3);
  EXPECT_EQ(rx_all(*port, 0).size(), 0u);
  std::vector<DpPacket> got = rx_all(*port, 1);
  EXPECT_EQ(got.size(), 3u);
  free_all(got);
}

}  // namespace
}  // namespace dpuflow::dataplane
