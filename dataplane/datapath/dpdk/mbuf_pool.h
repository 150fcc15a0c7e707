// MbufPool: a PacketPool over a DPDK mempool of single-segment mbufs.
//
// Design note
// - One rte_mempool per MbufPool, made by rte_pktmbuf_pool_create under a
//   name unique in the process ("dpf_<tag>_<n>": DPDK mempool names are
//   global and at most RTE_MEMPOOL_NAMESIZE-1 characters).  Every mbuf has
//   kDataRoom bytes: 2048 for the frame plus 128 of headroom, so a
//   standard frame fits in one segment.
// - Ports receive into it (DpdkPort gives it to rte_eth_rx_queue_setup) and
//   the executor copies packets with clone(): a fresh mbuf with the same
//   bytes and the same headroom (capped at what the buffer allows).  copy_in
//   makes an mbuf packet from plain bytes (PACKET_OUT, MemPort packets going
//   to a DPDK port): a DpdkPort transmits mbuf-owned packets only.
// - The pool must outlive every mbuf taken from it: close the ports that
//   use it, and free the packets in flight, before destroying it.
//
// Thread safety: clone/free/copy_in may run on several threads at once
// (the mempool's per-lcore caches serve EAL threads; other threads share
// its ring).  create and destruction are setup work.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "dataplane/datapath/dp_packet.h"
#include "dataplane/datapath/dpdk/dpdk_error.h"
#include "dataplane/datapath/execute.h"

struct rte_mempool;

namespace dpuflow::dataplane {

class MbufPool final : public PacketPool {
 public:
  static constexpr uint16_t kHeadroom = 128;               // RTE_PKTMBUF_HEADROOM
  static constexpr uint16_t kDataRoom = 2048 + kHeadroom;  // RTE_MBUF_DEFAULT_BUF_SIZE
  static constexpr int kAnySocket = -1;                    // SOCKET_ID_ANY

  // `n_mbufs` buffers on NUMA node `socket_id`; `tag` goes into the name
  // (first 12 characters).  The per-lcore cache is capped as DPDK requires
  // (at most n_mbufs / 1.5).
  [[nodiscard]] static DpdkResult<std::unique_ptr<MbufPool>> create(std::string_view tag,
                                                                    uint32_t n_mbufs,
                                                                    int socket_id = kAnySocket,
                                                                    uint32_t cache_size = 256);
  ~MbufPool() override;
  MbufPool(const MbufPool&) = delete;
  MbufPool& operator=(const MbufPool&) = delete;

  // PacketPool.  clone fails (false) when the pool is empty or the frame
  // does not fit one mbuf.
  bool clone(const DpPacket& src, DpPacket& dst) override;
  void free(DpPacket& p) override;

  // An mbuf packet holding a copy of `bytes` after `headroom` bytes; false
  // when the pool is empty or it does not fit.
  bool copy_in(std::span<const uint8_t> bytes, DpPacket& out, uint32_t headroom = kHeadroom);

  rte_mempool* mempool() const { return mp_; }
  const std::string& name() const { return name_; }
  uint32_t capacity() const;
  uint32_t available() const;  // mbufs in the pool (ring and caches)

 private:
  MbufPool(rte_mempool* mp, std::string name) : mp_(mp), name_(std::move(name)) {}
  bool alloc_copy(const uint8_t* bytes, uint32_t len, uint32_t headroom, DpPacket& out);

  rte_mempool* mp_;
  std::string name_;
};

}  // namespace dpuflow::dataplane
