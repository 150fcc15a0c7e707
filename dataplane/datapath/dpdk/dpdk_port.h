// DpdkPort: a DpPort over a DPDK ethdev — a virtual device in tests
// (net_pcap, net_ring, net_null, net_tap, ...), an uplink or a representor
// on a DPU.
//
// Design note
// - open() hot-plugs the device its devargs describe (rte_dev_probe, so
//   ports come and go at run time: "net_pcap0,rx_pcap=in.pcap,
//   tx_pcap=out.pcap", "net_ring0", a PCI address), finds its ethdev port,
//   takes ownership of it (rte_eth_dev_owner_set: a second open of the same
//   device fails instead of sharing queues), configures n_rxq/n_txq queues
//   (RSS when n_rxq > 1; no scatter: one mbuf per frame), starts it and
//   turns on promiscuous mode where the driver has it.  A device the EAL
//   probed at start (a PCI NIC) is taken as it is.
// - close() empties the rx queues (a bounded number of polls; net_ring's
//   rings outlive the device and would hand stale mbufs to the next port
//   of the same name), then stops, closes and hot-unplugs the device
//   (rte_dev_remove), so the same devargs can be opened again; net_pcap
//   writes its tx_pcap out here.  Stats are snapshotted first and stay
//   readable.  The destructor closes a port that is still open.
// - rx_burst/tx_burst are the packet path: they convert between mbufs and
//   DpPackets in place (mbuf_packet.h), in chunks of kChunk through an
//   array on the stack; no allocation, no lock, no syscall, no log.
//   tx_burst retries while the device makes progress, then frees what it
//   would not take and counts it as tx_dropped.  Packets given to tx_burst
//   must be mbuf-owned (from a MbufPool; see MbufPool::copy_in).
// - A chained (multi-segment) mbuf, which a driver may produce despite no
//   scatter being asked for, is freed on rx and counted as rx_dropped.
// - stats() = rte_eth_stats_get plus the port's own drop counters:
//   rx_dropped = imissed + rx_nombuf + multi-segment drops, tx_dropped =
//   packets the device did not take, tx_errors = oerrors.
// - Errors name the devargs and carry DPDK's error text and log lines.
//
// Thread safety: open/close are setup work on one thread, and close()
// must not run while another thread polls or reads stats.  A queue is
// polled by one thread at a time; different queues may be polled in
// parallel.  stats() may be read from any thread (per-queue counters are
// relaxed atomics written only by the queue's thread).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "dataplane/datapath/dpdk/dpdk_error.h"
#include "dataplane/datapath/dpdk/mbuf_pool.h"
#include "dataplane/datapath/port.h"

namespace dpuflow::dataplane {

class DpdkPort final : public DpPort {
 public:
  static constexpr uint16_t kChunk = 32;  // mbufs converted per rte_eth_*_burst call

  struct Options {
    uint16_t n_rxq = 1;
    uint16_t n_txq = 1;
    uint16_t rx_desc = 1024;  // adjusted to the driver's limits
    uint16_t tx_desc = 1024;
  };

  // `name` is the port's datapath name (dpif/show); `devargs` what to plug.
  [[nodiscard]] static DpdkResult<std::unique_ptr<DpdkPort>> open(std::string name,
                                                                  std::string devargs,
                                                                  const Options& options,
                                                                  MbufPool& pool);
  ~DpdkPort() override;
  DpdkPort(const DpdkPort&) = delete;
  DpdkPort& operator=(const DpdkPort&) = delete;

  // Stops, closes and unplugs the device; idempotent.  Every error on the way
  // is reported (the steps still run).
  [[nodiscard]] DpdkStatus close();
  bool is_open() const { return open_; }

  // DpPort.
  const std::string& name() const override { return name_; }
  uint16_t n_rxq() const override { return n_rxq_; }
  uint16_t n_txq() const override { return n_txq_; }
  uint16_t rx_burst(uint16_t queue, DpPacket* pkts, uint16_t n) override;
  uint16_t tx_burst(uint16_t queue, DpPacket* pkts, uint16_t n) override;
  PacketPool& pool() override { return pool_; }
  PortStats stats() const override;
  const char* type() const override { return "dpdk"; }
  void mac(uint8_t out[6]) const override;

  const std::string& devargs() const { return devargs_; }
  const std::string& device_name() const { return device_name_; }  // "net_pcap0"
  uint16_t port_id() const { return port_id_; }

 private:
  // Written by the queue's polling thread only (load + store, no RMW).
  struct alignas(64) QueueCounters {
    std::atomic<uint64_t> rx_multiseg{0};
    std::atomic<uint64_t> tx_dropped{0};
  };

  DpdkPort(std::string name, std::string devargs, std::string device_name, uint16_t port_id,
           uint16_t n_rxq, uint16_t n_txq, MbufPool& pool);
  PortStats read_stats() const;
  void drain_rx();

  std::string name_;
  std::string devargs_;
  std::string device_name_;
  uint16_t port_id_;
  uint16_t n_rxq_;
  uint16_t n_txq_;
  MbufPool& pool_;
  bool open_ = true;
  uint8_t mac_[6] = {};
  std::unique_ptr<QueueCounters[]> rxq_counters_;
  std::unique_ptr<QueueCounters[]> txq_counters_;
  PortStats closed_stats_;  // the last stats, once closed
};

}  // namespace dpuflow::dataplane
