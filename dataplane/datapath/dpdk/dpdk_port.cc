#include "dataplane/datapath/dpdk/dpdk_port.h"

#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "dataplane/datapath/dpdk/eal.h"
#include "dataplane/datapath/dpdk/eal_log.h"
#include "dataplane/datapath/dpdk/mbuf_packet.h"

namespace dpuflow::dataplane {
namespace {

// Single-writer counter bump: a plain load and store, no locked RMW.
inline void bump(std::atomic<uint64_t>& c, uint64_t n) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

// The device name of `devargs` ("net_pcap0" of "net_pcap0,rx_pcap=x").
DpdkResult<std::string> device_name_of(const std::string& devargs) {
  rte_devargs da;
  std::memset(&da, 0, sizeof da);
  uint64_t mark = dpdk_log::mark();
  int ret = rte_devargs_parse(&da, devargs.c_str());
  if (ret < 0) return dpdk_error("rte_devargs_parse", devargs, -ret, mark);
  std::string name = da.name;
  rte_devargs_reset(&da);
  if (name.empty()) return DpdkError{"rte_devargs_parse", devargs, EINVAL, "no device name"};
  return name;
}

// The ethdev port of a probed device: by name, else the first port the
// devargs match (representors, PCI devices whose ports are named otherwise).
bool find_port(const std::string& device_name, const std::string& devargs, uint16_t& port_id) {
  if (rte_eth_dev_get_port_by_name(device_name.c_str(), &port_id) == 0) return true;
  rte_dev_iterator it;
  std::memset(&it, 0, sizeof it);
  if (rte_eth_iterator_init(&it, devargs.c_str()) < 0) return false;
  uint16_t id = rte_eth_iterator_next(&it);
  bool found = id != RTE_MAX_ETHPORTS;
  if (found) {
    port_id = id;
    rte_eth_iterator_cleanup(&it);
  }
  return found;
}

// Unplugs `dev` unless another ethdev port still lives on it.
int remove_device_if_unused(rte_device* dev) {
  if (dev == nullptr) return 0;
  for (uint64_t id = rte_eth_find_next(0); id < RTE_MAX_ETHPORTS; id = rte_eth_find_next(id + 1)) {
    rte_eth_dev_info info;
    if (rte_eth_dev_info_get(static_cast<uint16_t>(id), &info) == 0 && info.device == dev) return 0;
  }
  return rte_dev_remove(dev);
}

}  // namespace

DpdkPort::DpdkPort(std::string name, std::string devargs, std::string device_name, uint16_t port_id,
                   uint16_t n_rxq, uint16_t n_txq, MbufPool& pool)
    : name_(std::move(name)),
      devargs_(std::move(devargs)),
      device_name_(std::move(device_name)),
      port_id_(port_id),
      n_rxq_(n_rxq),
      n_txq_(n_txq),
      pool_(pool),
      rxq_counters_(new QueueCounters[n_rxq]),
      txq_counters_(new QueueCounters[n_txq]) {}

DpdkResult<std::unique_ptr<DpdkPort>> DpdkPort::open(std::string name, std::string devargs,
                                                     const Options& options, MbufPool& pool) {
  if (!eal_is_up()) return DpdkError{"open port " + name, devargs, 0, "the EAL is not running"};
  if (options.n_rxq == 0 || options.n_txq == 0) {
    return DpdkError{"open port " + name, devargs, EINVAL,
                     "a port needs at least one rx and one tx queue"};
  }
  DpdkResult<std::string> dev_name = device_name_of(devargs);
  if (!dev_name) return dev_name.error();

  uint64_t mark = dpdk_log::mark();
  int ret = rte_dev_probe(devargs.c_str());
  // EEXIST: the EAL probed it at start (a PCI device) or it is plugged
  // already; ownership below tells whether someone uses it.
  bool plugged_here = ret == 0;
  if (ret < 0 && ret != -EEXIST) return dpdk_error("rte_dev_probe", devargs, -ret, mark);

  uint16_t port_id = 0;
  if (!find_port(dev_name.value(), devargs, port_id)) {
    return DpdkError{"find ethdev port", devargs, ENODEV,
                     "device " + dev_name.value() + " was probed but has no ethdev port"};
  }

  rte_device* device = nullptr;
  rte_eth_dev_owner owner;
  std::memset(&owner, 0, sizeof owner);
  bool owned = false;
  // From here on a failure undoes this call: it unplugs what it plugged and
  // gives back a device it found plugged.
  auto fail = [&](DpdkError e) -> DpdkError {
    if (owned && !plugged_here) (void)rte_eth_dev_owner_unset(port_id, owner.id);
    if (plugged_here) {
      (void)rte_eth_dev_close(port_id);
      (void)remove_device_if_unused(device);
    }
    return e;
  };

  rte_eth_dev_info info;
  mark = dpdk_log::mark();
  ret = rte_eth_dev_info_get(port_id, &info);
  if (ret < 0) return fail(dpdk_error("rte_eth_dev_info_get", devargs, -ret, mark));
  device = info.device;

  if (rte_eth_dev_owner_get(port_id, &owner) == 0 && owner.id != RTE_ETH_DEV_NO_OWNER) {
    // Someone else's port: leave it as it is.
    return DpdkError{
        "open port " + name, devargs, EBUSY,
        "ethdev port " + std::to_string(port_id) + " is in use by \"" + owner.name + "\""};
  }
  mark = dpdk_log::mark();
  ret = rte_eth_dev_owner_new(&owner.id);
  if (ret == 0) {
    std::snprintf(owner.name, sizeof owner.name, "dpuflow:%s", name.c_str());
    ret = rte_eth_dev_owner_set(port_id, &owner);
  }
  owned = ret == 0;
  if (ret < 0) return fail(dpdk_error("rte_eth_dev_owner_set", devargs, -ret, mark));

  if (options.n_rxq > info.max_rx_queues || options.n_txq > info.max_tx_queues) {
    return fail(DpdkError{"rte_eth_dev_configure", devargs, EINVAL,
                          "asked for " + std::to_string(options.n_rxq) + " rx / " +
                              std::to_string(options.n_txq) + " tx queues; " + info.driver_name +
                              " has at most " + std::to_string(info.max_rx_queues) + " rx / " +
                              std::to_string(info.max_tx_queues) + " tx"});
  }

  rte_eth_conf conf;
  std::memset(&conf, 0, sizeof conf);
  if (options.n_rxq > 1) {
    uint64_t rss_hf =
        (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP) & info.flow_type_rss_offloads;
    if (rss_hf != 0) {
      conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
      conf.rx_adv_conf.rss_conf.rss_hf = rss_hf;
    }
  }
  mark = dpdk_log::mark();
  ret = rte_eth_dev_configure(port_id, options.n_rxq, options.n_txq, &conf);
  if (ret < 0) return fail(dpdk_error("rte_eth_dev_configure", devargs, -ret, mark));

  uint16_t rx_desc = options.rx_desc, tx_desc = options.tx_desc;
  mark = dpdk_log::mark();
  ret = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &rx_desc, &tx_desc);
  if (ret < 0) return fail(dpdk_error("rte_eth_dev_adjust_nb_rx_tx_desc", devargs, -ret, mark));

  int socket = rte_eth_dev_socket_id(port_id);
  unsigned socket_id =
      socket < 0 ? static_cast<unsigned>(SOCKET_ID_ANY) : static_cast<unsigned>(socket);
  for (uint16_t q = 0; q < options.n_rxq; q++) {
    mark = dpdk_log::mark();
    ret = rte_eth_rx_queue_setup(port_id, q, rx_desc, socket_id, nullptr, pool.mempool());
    if (ret < 0) {
      return fail(dpdk_error("rte_eth_rx_queue_setup(queue " + std::to_string(q) + ")", devargs,
                             -ret, mark));
    }
  }
  for (uint16_t q = 0; q < options.n_txq; q++) {
    mark = dpdk_log::mark();
    ret = rte_eth_tx_queue_setup(port_id, q, tx_desc, socket_id, nullptr);
    if (ret < 0) {
      return fail(dpdk_error("rte_eth_tx_queue_setup(queue " + std::to_string(q) + ")", devargs,
                             -ret, mark));
    }
  }

  mark = dpdk_log::mark();
  ret = rte_eth_dev_start(port_id);
  if (ret < 0) return fail(dpdk_error("rte_eth_dev_start", devargs, -ret, mark));
  // Not every driver has promiscuous mode (ENOTSUP); a port without it
  // still works for the frames addressed to it.
  (void)rte_eth_promiscuous_enable(port_id);

  std::unique_ptr<DpdkPort> port(new DpdkPort(std::move(name), std::move(devargs),
                                              std::move(dev_name).value(), port_id, options.n_rxq,
                                              options.n_txq, pool));
  rte_ether_addr addr;
  if (rte_eth_macaddr_get(port_id, &addr) == 0) std::memcpy(port->mac_, addr.addr_bytes, 6);
  return port;
}

DpdkPort::~DpdkPort() { (void)close(); }

DpdkStatus DpdkPort::close() {
  if (!open_) return {};
  closed_stats_ = read_stats();
  open_ = false;

  std::vector<std::string> problems;
  int first_err = 0;
  auto note = [&](const char* op, int ret, uint64_t mark) {
    if (ret >= 0) return;
    DpdkError e = dpdk_error(op, "", -ret, mark);
    problems.push_back(e.to_string());
    if (first_err == 0) first_err = -ret;
  };

  rte_device* device = nullptr;
  rte_eth_dev_info info;
  if (rte_eth_dev_info_get(port_id_, &info) == 0) device = info.device;
  drain_rx();
  uint64_t mark = dpdk_log::mark();
  note("rte_eth_dev_stop", rte_eth_dev_stop(port_id_), mark);
  mark = dpdk_log::mark();
  note("rte_eth_dev_close", rte_eth_dev_close(port_id_), mark);
  mark = dpdk_log::mark();
  note("rte_dev_remove", remove_device_if_unused(device), mark);

  if (problems.empty()) return {};
  std::string detail;
  for (const std::string& p : problems) detail += (detail.empty() ? "" : "; ") + p;
  return DpdkError{"close port " + name_, devargs_, first_err, detail};
}

void DpdkPort::drain_rx() {
  // Bounded: some devices (net_null, a busy link) never run dry.
  constexpr int kMaxPolls = 256;
  rte_mbuf* mbufs[kChunk];
  for (uint16_t q = 0; q < n_rxq_; q++) {
    for (int i = 0; i < kMaxPolls; i++) {
      uint16_t got = rte_eth_rx_burst(port_id_, q, mbufs, kChunk);
      if (got == 0) break;
      rte_pktmbuf_free_bulk(mbufs, got);
    }
  }
}

uint16_t DpdkPort::rx_burst(uint16_t queue, DpPacket* pkts, uint16_t n) {
  rte_mbuf* mbufs[kChunk];
  uint16_t out = 0;
  uint64_t multiseg = 0;
  while (out < n) {
    uint16_t want = std::min<uint16_t>(kChunk, n - out);
    uint16_t got = rte_eth_rx_burst(port_id_, queue, mbufs, want);
    for (uint16_t i = 0; i < got; i++) {
      rte_mbuf* m = mbufs[i];
      if (m->nb_segs != 1) [[unlikely]] {
        rte_pktmbuf_free(m);
        multiseg++;
        continue;
      }
      mbuf_to_packet(m, pkts[out++]);
    }
    if (got < want) break;
  }
  if (multiseg != 0) [[unlikely]]
    bump(rxq_counters_[queue].rx_multiseg, multiseg);
  return out;
}

uint16_t DpdkPort::tx_burst(uint16_t queue, DpPacket* pkts, uint16_t n) {
  rte_mbuf* mbufs[kChunk];
  uint16_t sent_total = 0;
  uint64_t dropped = 0;
  for (uint16_t base = 0; base < n; base += kChunk) {
    uint16_t k = std::min<uint16_t>(kChunk, n - base);
    for (uint16_t i = 0; i < k; i++) mbufs[i] = packet_to_mbuf(pkts[base + i]);
    uint16_t sent = 0;
    // Retry while the device makes progress (its ring frees as it sends).
    while (sent < k) {
      uint16_t now = rte_eth_tx_burst(port_id_, queue, mbufs + sent, k - sent);
      if (now == 0) break;
      sent += now;
    }
    if (sent < k) [[unlikely]] {
      rte_pktmbuf_free_bulk(mbufs + sent, k - sent);
      dropped += k - sent;
    }
    sent_total += sent;
  }
  if (dropped != 0) [[unlikely]]
    bump(txq_counters_[queue].tx_dropped, dropped);
  return sent_total;
}

PortStats DpdkPort::read_stats() const {
  PortStats s;
  rte_eth_stats es;
  if (rte_eth_stats_get(port_id_, &es) == 0) {
    s.rx_packets = es.ipackets;
    s.rx_bytes = es.ibytes;
    s.rx_dropped = es.imissed + es.rx_nombuf;
    s.rx_errors = es.ierrors;
    s.tx_packets = es.opackets;
    s.tx_bytes = es.obytes;
    s.tx_errors = es.oerrors;
  }
  for (uint16_t q = 0; q < n_rxq_; q++)
    s.rx_dropped += rxq_counters_[q].rx_multiseg.load(std::memory_order_relaxed);
  for (uint16_t q = 0; q < n_txq_; q++)
    s.tx_dropped += txq_counters_[q].tx_dropped.load(std::memory_order_relaxed);
  return s;
}

PortStats DpdkPort::stats() const { return open_ ? read_stats() : closed_stats_; }

void DpdkPort::mac(uint8_t out[6]) const { std::memcpy(out, mac_, 6); }

}  // namespace dpuflow::dataplane
