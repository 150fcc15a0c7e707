// HeapPool and MemPort: packet buffers and a port made of plain memory, for
// unit tests and for frames that do not come from a NIC (PACKET_OUT).
//
// Design note
// - HeapPool hands out fixed-size heap buffers (kHeadroom bytes in front of
//   kDataRoom bytes of frame, as a default DPDK mbuf) from a freelist.  A
//   buffer starts with a small header naming the pool it belongs to, so
//   free() of a buffer from another HeapPool returns it to that pool: ports
//   of one datapath may use different HeapPools.  Buffers from other
//   PacketPools (mbufs) must never reach a HeapPool.
// - After reserve(n) (or once n buffers have been in use), taking and
//   freeing buffers does not allocate.  `max_buffers` bounds the pool, so a
//   test can make clone() fail (the executor's kNoBuffer path).  A pool
//   must outlive every packet taken from it.
// - MemPort receives frames pushed with push_rx() (on queue 0) and records
//   every transmitted frame as a byte vector, read with take_tx().  It
//   allocates per frame: it is not a fast-path port.
//
// Thread safety: a HeapPool is used by one thread at a time.  MemPort's rx
// and tx queues are guarded by a mutex taken once per burst (a test thread
// may push and take while a PMD thread polls); stats() reads relaxed
// atomics from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "dataplane/datapath/dp_packet.h"
#include "dataplane/datapath/execute.h"
#include "dataplane/datapath/port.h"

namespace dpuflow::dataplane {

class HeapPool final : public PacketPool {
 public:
  static constexpr uint32_t kHeadroom = 128;
  static constexpr uint32_t kDataRoom = 2048;
  static constexpr uint32_t kBufSize = kHeadroom + kDataRoom;  // per buffer, after its header

  explicit HeapPool(size_t max_buffers = SIZE_MAX);
  ~HeapPool() override;
  HeapPool(const HeapPool&) = delete;
  HeapPool& operator=(const HeapPool&) = delete;

  // A copy of `src` with the same headroom (less if the frame would not
  // fit); false when the pool is exhausted or the frame is too long.
  bool clone(const DpPacket& src, DpPacket& dst) override;
  // Returns `p`'s buffer to the HeapPool it came from.
  void free(DpPacket& p) override;

  // A packet holding a copy of `bytes` after `headroom` bytes; false when
  // the pool is exhausted or it does not fit.
  bool make(std::span<const uint8_t> bytes, DpPacket& out, uint32_t headroom = kHeadroom);
  // Allocates buffers up front, up to `n` in all (setup).
  void reserve(size_t n);

  size_t outstanding() const { return outstanding_; }  // taken, not yet freed
  size_t allocated() const { return blocks_.size(); }

 private:
  uint8_t* take();  // a buffer's frame area, or nullptr
  void give(uint8_t* block);

  size_t max_buffers_;
  std::vector<std::unique_ptr<uint8_t[]>> blocks_;
  std::vector<uint8_t*> free_;
  size_t outstanding_ = 0;
};

class MemPort final : public DpPort {
 public:
  // Packets are received into, and transmitted ones freed through, `pool`,
  // which must outlive the port.
  MemPort(std::string name, HeapPool& pool, uint16_t n_rxq = 1, uint16_t n_txq = 1);

  // ---- the test's side ---------------------------------------------------
  void push_rx(std::span<const uint8_t> frame);
  size_t rx_pending() const;
  // Frames transmitted since the last call, in order.
  std::vector<std::vector<uint8_t>> take_tx();
  void set_mac(const uint8_t m[6]);

  // ---- DpPort --------------------------------------------------------------
  const std::string& name() const override { return name_; }
  uint16_t n_rxq() const override { return n_rxq_; }
  uint16_t n_txq() const override { return n_txq_; }
  uint16_t rx_burst(uint16_t queue, DpPacket* pkts, uint16_t n) override;
  uint16_t tx_burst(uint16_t queue, DpPacket* pkts, uint16_t n) override;
  PacketPool& pool() override { return pool_; }
  PortStats stats() const override;
  const char* type() const override { return "mem"; }
  void mac(uint8_t out[6]) const override;

 private:
  struct Counter {
    std::atomic<uint64_t> v{0};
    void add(uint64_t n) {
      v.store(v.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    uint64_t get() const { return v.load(std::memory_order_relaxed); }
  };

  std::string name_;
  HeapPool& pool_;
  uint16_t n_rxq_, n_txq_;
  uint8_t mac_[6] = {};
  mutable std::mutex mutex_;
  std::deque<std::vector<uint8_t>> rx_;
  std::vector<std::vector<uint8_t>> tx_;
  Counter rx_packets_, rx_bytes_, rx_dropped_, tx_packets_, tx_bytes_;
};

}  // namespace dpuflow::dataplane
