// DpPort: a datapath port as the PMD loop sees it — bursts of DpPackets in
// and out of numbered queues, and the buffer pool its packets come from.
//
// Design note
// - Implementations: DpdkPort (dataplane/datapath/dpdk/, a DPDK ethdev: a
//   virtual device here, a representor or uplink on a DPU) and MemPort
//   (mem_port.h: byte vectors in and out, for tests and PACKET_OUT).
// - One virtual call per burst, never per packet.
// - tx_burst takes ownership of all `n` packets: what the device does not
//   take is freed and counted as tx drops by the port, and the return value
//   says how many were sent.
// - Port numbers: every port has an OpenFlow port number (what the pipeline
//   matches in in_port and outputs to) and a datapath (odp) port number
//   (what DpActions name); the datapath maps between them.
//
// Thread safety: a queue is used by one thread at a time (the PMD it is
// assigned to); stats() may be read from any thread (relaxed counters).
#pragma once

#include <cstdint>
#include <string>

#include "dataplane/datapath/dp_packet.h"
#include "dataplane/datapath/execute.h"

namespace dpuflow::dataplane {

struct PortStats {
  uint64_t rx_packets = 0, rx_bytes = 0, rx_dropped = 0, rx_errors = 0;
  uint64_t tx_packets = 0, tx_bytes = 0, tx_dropped = 0, tx_errors = 0;
};

class DpPort {
 public:
  virtual ~DpPort() = default;
  virtual const std::string& name() const = 0;
  virtual uint16_t n_rxq() const = 0;
  virtual uint16_t n_txq() const = 0;
  // Up to `n` received packets into `pkts`; returns how many.
  virtual uint16_t rx_burst(uint16_t queue, DpPacket* pkts, uint16_t n) = 0;
  // Sends `pkts[0..n)`; see the design note.  Returns how many were sent.
  virtual uint16_t tx_burst(uint16_t queue, DpPacket* pkts, uint16_t n) = 0;
  // The pool copies of this port's packets are made from.
  virtual PacketPool& pool() = 0;
  virtual PortStats stats() const = 0;
  // "dpdk", "mem", ... (dpif/show's type column).
  virtual const char* type() const = 0;
  // The port's MAC address, for dump-ports-desc.
  virtual void mac(uint8_t out[6]) const { for (int i = 0; i < 6; i++) out[i] = 0; }
};

}  // namespace dpuflow::dataplane
