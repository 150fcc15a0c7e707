#include "dataplane/datapath/dpdk/mbuf_pool.h"

#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "dataplane/datapath/dpdk/eal_log.h"
#include "dataplane/datapath/dpdk/mbuf_packet.h"

namespace dpuflow::dataplane {

static_assert(MbufPool::kHeadroom == RTE_PKTMBUF_HEADROOM);
static_assert(MbufPool::kDataRoom == RTE_MBUF_DEFAULT_BUF_SIZE);
static_assert(MbufPool::kAnySocket == SOCKET_ID_ANY);

DpdkResult<std::unique_ptr<MbufPool>> MbufPool::create(std::string_view tag, uint32_t n_mbufs,
                                                       int socket_id, uint32_t cache_size) {
  // Mempool names are global to the process; a counter keeps two pools with
  // the same tag (two datapaths in one test) apart.
  static std::atomic<uint32_t> next_id{0};
  std::string name = "dpf_" + std::string(tag.substr(0, 12)) + "_" +
                     std::to_string(next_id.fetch_add(1, std::memory_order_relaxed));
  if (name.size() >= RTE_MEMPOOL_NAMESIZE) name.resize(RTE_MEMPOOL_NAMESIZE - 1);
  cache_size = std::min<uint32_t>(
      {cache_size, RTE_MEMPOOL_CACHE_MAX_SIZE, static_cast<uint32_t>(n_mbufs / 1.5)});
  uint64_t mark = dpdk_log::mark();
  rte_mempool* mp =
      rte_pktmbuf_pool_create(name.c_str(), n_mbufs, cache_size, 0, kDataRoom, socket_id);
  if (mp == nullptr) {
    return dpdk_error("rte_pktmbuf_pool_create", name + " (" + std::to_string(n_mbufs) + " mbufs)",
                      rte_errno, mark);
  }
  return std::unique_ptr<MbufPool>(new MbufPool(mp, std::move(name)));
}

MbufPool::~MbufPool() { rte_mempool_free(mp_); }

uint32_t MbufPool::capacity() const { return mp_->size; }

uint32_t MbufPool::available() const { return rte_mempool_avail_count(mp_); }

bool MbufPool::alloc_copy(const uint8_t* bytes, uint32_t len, uint32_t headroom, DpPacket& out) {
  rte_mbuf* m = rte_pktmbuf_alloc(mp_);
  if (m == nullptr) return false;
  uint32_t room = m->buf_len;
  if (len > room) {
    rte_pktmbuf_free(m);
    return false;
  }
  headroom = std::min(headroom, room - len);
  m->data_off = static_cast<uint16_t>(headroom);
  m->data_len = static_cast<uint16_t>(len);
  m->pkt_len = len;
  std::memcpy(rte_pktmbuf_mtod(m, uint8_t*), bytes, len);
  mbuf_to_packet(m, out);
  return true;
}

bool MbufPool::clone(const DpPacket& src, DpPacket& dst) {
  return alloc_copy(src.data, src.len, src.headroom, dst);
}

void MbufPool::free(DpPacket& p) {
  rte_pktmbuf_free(static_cast<rte_mbuf*>(p.owner));
  p = DpPacket{};
}

bool MbufPool::copy_in(std::span<const uint8_t> bytes, DpPacket& out, uint32_t headroom) {
  if (bytes.size() > UINT32_MAX) return false;
  return alloc_copy(bytes.data(), static_cast<uint32_t>(bytes.size()), headroom, out);
}

}  // namespace dpuflow::dataplane
