#include "dataplane/datapath/mem_port.h"

#include <algorithm>
#include <cstring>

namespace dpuflow::dataplane {

namespace {

// Every buffer: a header naming its pool, then kBufSize bytes.  The
// header is a cache line so the frame area keeps the block's alignment.
constexpr size_t kBlockHeader = 64;
constexpr size_t kBlockSize = kBlockHeader + HeapPool::kBufSize;

struct BlockHeader {
  HeapPool* pool;
  uint64_t magic;
};
constexpr uint64_t kMagic = 0x6470666c6f77686bULL;  // "dpflowhk"
static_assert(sizeof(BlockHeader) <= kBlockHeader);

BlockHeader* header_of(void* owner) { return static_cast<BlockHeader*>(owner); }

}  // namespace

HeapPool::HeapPool(size_t max_buffers) : max_buffers_(max_buffers) {}

HeapPool::~HeapPool() = default;

void HeapPool::reserve(size_t n) {
  n = std::min(n, max_buffers_);
  blocks_.reserve(n);
  free_.reserve(n);
  while (blocks_.size() < n) {
    blocks_.push_back(std::make_unique<uint8_t[]>(kBlockSize));
    uint8_t* b = blocks_.back().get();
    *header_of(b) = BlockHeader{this, kMagic};
    free_.push_back(b);
  }
}

uint8_t* HeapPool::take() {
  if (free_.empty()) {
    if (blocks_.size() >= max_buffers_) return nullptr;
    reserve(std::max<size_t>(16, blocks_.size() * 2));  // geometric: amortised growth
  }
  uint8_t* b = free_.back();
  free_.pop_back();
  outstanding_++;
  return b;
}

void HeapPool::give(uint8_t* block) {
  free_.push_back(block);
  outstanding_--;
}

bool HeapPool::make(std::span<const uint8_t> bytes, DpPacket& out, uint32_t headroom) {
  if (headroom > kBufSize || bytes.size() > kBufSize - headroom) return false;
  uint8_t* b = take();
  if (b == nullptr) return false;
  out.owner = b;
  out.headroom = headroom;
  out.data = b + kBlockHeader + headroom;
  out.len = static_cast<uint32_t>(bytes.size());
  out.tailroom = kBufSize - headroom - out.len;
  if (!bytes.empty()) std::memcpy(out.data, bytes.data(), bytes.size());
  return true;
}

bool HeapPool::clone(const DpPacket& src, DpPacket& dst) {
  if (src.len > kBufSize) return false;
  return make(std::span<const uint8_t>(src.data, src.len), dst,
              std::min(src.headroom, kBufSize - src.len));
}

void HeapPool::free(DpPacket& p) {
  if (p.owner == nullptr) return;
  BlockHeader* h = header_of(p.owner);
  if (h->magic != kMagic) __builtin_trap();  // not a HeapPool buffer: a caller bug
  h->pool->give(static_cast<uint8_t*>(p.owner));
  p = DpPacket{};
}

// ---- MemPort ------------------------------------------------------------------

MemPort::MemPort(std::string name, HeapPool& pool, uint16_t n_rxq, uint16_t n_txq)
    : name_(std::move(name)), pool_(pool), n_rxq_(n_rxq), n_txq_(n_txq) {}

void MemPort::push_rx(std::span<const uint8_t> frame) {
  std::lock_guard lock(mutex_);
  rx_.emplace_back(frame.begin(), frame.end());
}

size_t MemPort::rx_pending() const {
  std::lock_guard lock(mutex_);
  return rx_.size();
}

std::vector<std::vector<uint8_t>> MemPort::take_tx() {
  std::lock_guard lock(mutex_);
  std::vector<std::vector<uint8_t>> out;
  out.swap(tx_);
  return out;
}

void MemPort::set_mac(const uint8_t m[6]) { std::memcpy(mac_, m, 6); }

void MemPort::mac(uint8_t out[6]) const { std::memcpy(out, mac_, 6); }

uint16_t MemPort::rx_burst(uint16_t queue, DpPacket* pkts, uint16_t n) {
  if (queue != 0) return 0;
  std::lock_guard lock(mutex_);
  uint16_t got = 0;
  uint64_t bytes = 0, dropped = 0;
  while (got < n && !rx_.empty()) {
    const std::vector<uint8_t>& f = rx_.front();
    if (pool_.make(f, pkts[got])) {
      bytes += f.size();
      got++;
    } else {
      dropped++;
    }
    rx_.pop_front();
  }
  rx_packets_.add(got);
  rx_bytes_.add(bytes);
  rx_dropped_.add(dropped);
  return got;
}

uint16_t MemPort::tx_burst(uint16_t /*queue*/, DpPacket* pkts, uint16_t n) {
  std::lock_guard lock(mutex_);
  uint64_t bytes = 0;
  for (uint16_t i = 0; i < n; ++i) {
    tx_.emplace_back(pkts[i].data, pkts[i].data + pkts[i].len);
    bytes += pkts[i].len;
    pool_.free(pkts[i]);
  }
  tx_packets_.add(n);
  tx_bytes_.add(bytes);
  return n;
}

PortStats MemPort::stats() const {
  PortStats s;
  s.rx_packets = rx_packets_.get();
  s.rx_bytes = rx_bytes_.get();
  s.rx_dropped = rx_dropped_.get();
  s.tx_packets = tx_packets_.get();
  s.tx_bytes = tx_bytes_.get();
  return s;
}

}  // namespace dpuflow::dataplane
