#include "dataplane/datapath/pmd.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <span>

#include "dataplane/packet/parse.h"

namespace dpuflow::dataplane {

namespace {

uint64_t cycles() {
#if defined(__x86_64__)
  return __builtin_ia32_rdtsc();
#elif defined(__aarch64__)
  uint64_t v;
  asm volatile("mrs %0, cntvct_el0" : "=r"(v));
  return v;
#else
  return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

void mask_key(const FlowKey& key, const FlowMask& mask, FlowKey& out) {
  const auto* k = reinterpret_cast<const uint64_t*>(&key);
  const auto* m = reinterpret_cast<const uint64_t*>(&mask);
  auto* o = reinterpret_cast<uint64_t*>(&out);
  for (size_t i = 0; i < sizeof(FlowKey) / 8; i++) o[i] = k[i] & m[i];
}

// The VLAN headers a packet has are part of its datapath key's shape, as
// in OVS's ODP keys (an untagged eth_type(0x0800) megaflow never matches a
// tagged frame): match the tags' presence, and the TPID of those present.
void match_vlan_headers(const FlowKey& key, FlowMask& mask) {
  constexpr uint16_t kCfi = be16(0x1000);
  for (int i = 0; i < 2; i++) {
    mask.vlans[i].tci |= kCfi;
    if ((key.vlans[i].tci & kCfi) == 0) break;
    mask.vlans[i].tpid = 0xffff;
  }
}

// Clears the metadata stage (the parser owns the packet stages).
void init_metadata(FlowKey& k, uint16_t in_port) {
  std::memset(&k, 0, kStage1Begin);
  k.in_port = be16(in_port);
}

}  // namespace

Pmd::Pmd(Datapath& dp, unsigned id, int core)
    : dp_(dp), id_(id), core_(core), emc_(dp.config().emc_insert_inv_prob) {
  out_.reserve(kBurst * 4);
  tx_.resize(kMaxOdpPorts);
  tx_dirty_.reserve(kMaxOdpPorts);
  const size_t depths = dp.config().max_recirc_depth + 1;
  depth_keys_ = std::make_unique<FlowKey[]>(depths * kBurst);
  depth_pkts_ = std::make_unique<DpPacket[]>(depths * kBurst);
  recirc_stage_.resize(depths);
  for (auto& v : recirc_stage_) v.reserve(kBurst * 4);
  upcall_tokens_ = dp.config().upcall_burst;
  dp_.register_pmd(this);
}

Pmd::~Pmd() {
  stop();
  dp_.unregister_pmd(this);
}

uint64_t Pmd::now_ns() const {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

// ---- thread -------------------------------------------------------------------

void Pmd::start() {
  if (running_.load()) return;
  stop_.store(false);
  running_.store(true, std::memory_order_release);
  thread_ = std::thread([this] {
    if (core_ >= 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(core_, &set);
      pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    }
    while (!stop_.load(std::memory_order_relaxed)) {
      if (poll_once() == 0 && rxqs_.empty()) {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
    }
  });
}

void Pmd::stop() {
  if (!thread_.joinable()) return;
  stop_.store(true);
  thread_.join();
  running_.store(false, std::memory_order_release);
  apply_requests();
}

// ---- the loop ---------------------------------------------------------------

void Pmd::refresh_pipeline() {
  const uint64_t seq = dp_.versions().seq();
  if (pipeline_ && seq == pipeline_seq_) return;
  pipeline_ = dp_.versions().load();
  pipeline_seq_ = seq;
  std::vector<uint32_t> now_ids;
  for (const MeterSpec* m : pipeline_->meters()) {
    const uint32_t dp_id = pipeline_->meter_provider_id(m->meter_id);
    if (dp_id == kMeterNone) continue;
    meters_.configure(dp_id, *m);
    now_ids.push_back(dp_id);
  }
  for (uint32_t id : meter_ids_) {
    if (std::find(now_ids.begin(), now_ids.end(), id) == now_ids.end()) meters_.remove(id);
  }
  meter_ids_ = std::move(now_ids);
}

size_t Pmd::poll_once() {
  const uint64_t t0 = cycles();
  epoch_.fetch_add(1, std::memory_order_release);
  if (has_requests_.load(std::memory_order_acquire)) apply_requests();
  size_t total = 0;
  DpPacket pkts[kBurst];
  for (const RxqRef& q : rxqs_) {
    const uint16_t n = q.port->rx_burst(q.queue, pkts, kBurst);
    if (n == 0) continue;
    process(q.of_port, q.port->pool(), pkts, n);
    total += n;
  }
  // Re-rank the megaflow subtables by recent hits about once a second.
  if ((++polls_ & 1023) == 0) {
    const uint64_t now = now_ns();
    if (now - last_rank_ns_ > 1000000000ull) {
      dpcls_.rank();
      last_rank_ns_ = now;
    }
  }
  count(total != 0 ? PmdCounter::kBusyCycles : PmdCounter::kIdleCycles, cycles() - t0);
  return total;
}

void Pmd::process(uint16_t in_port, PacketPool& pool, DpPacket* pkts, size_t n) {
  refresh_pipeline();
  pool_ = &pool;
  while (n > 0) {
    const size_t m = std::min(n, kBurst);
    count(PmdCounter::kPackets, m);
    FlowKey* keys = depth_keys_.get();
    for (size_t i = 0; i < m; i++) init_metadata(keys[i], in_port);
    run_pass(pkts, keys, m, 0);
    pkts += m;
    n -= m;
  }
}

void Pmd::execute(const DpActions& acts, PacketPool& pool, DpPacket pkt, const FlowKey& md) {
  refresh_pipeline();
  pool_ = &pool;
  ExecEnv env{&pool, &meters_, &pipeline_->tlv_map(), now_ns(), flow_key_packet_hash(md)};
  execute_actions(acts, pkt, md, env, out_);
  handle_exec_out(0);
}

void Pmd::run_pass(DpPacket* pkts, FlowKey* keys, size_t n, uint32_t depth) {
  count(PmdCounter::kPasses, n);
  const bool caches = dp_.config().caches;
  const uint64_t now = now_ns();
  Megaflow* mfs[kBurst];
  uint32_t hashes[kBurst];
  bool alive[kBurst];

  // Phase 1: parse and hash.
  for (size_t i = 0; i < n; i++) {
    const ParseResult pr = parse_packet(std::span<const uint8_t>(pkts[i].data, pkts[i].len), keys[i]);
    alive[i] = pr.status != ParseStatus::kTruncatedL2;
    if (!alive[i]) drop(pkts[i], DropReason::kMalformed);
    hashes[i] = flow_key_packet_hash(keys[i]);
    mfs[i] = nullptr;
  }

  // Phase 2: EMC, then the megaflow classifier for the EMC's misses.
  if (caches) {
    const FlowKey* miss_keys[kBurst];
    Megaflow* found[kBurst];
    size_t miss_idx[kBurst];
    size_t n_miss = 0;
    for (size_t i = 0; i < n; i++) {
      if (!alive[i]) continue;
      mfs[i] = emc_.lookup(keys[i], hashes[i]);
      if (mfs[i] != nullptr) {
        count(PmdCounter::kEmcHit);
      } else {
        miss_keys[n_miss] = &keys[i];
        miss_idx[n_miss++] = i;
      }
    }
    if (n_miss != 0) {
      uint64_t probes = 0;
      if (dpcls_.lookup_batch(miss_keys, n_miss, found, &probes) != 0) {
        count(PmdCounter::kSubtablesSearched, probes);
      }
      for (size_t j = 0; j < n_miss; j++) {
        if (found[j] == nullptr) continue;
        const size_t i = miss_idx[j];
        mfs[i] = found[j];
        count(PmdCounter::kMegaflowHit);
        emc_.insert(keys[i], hashes[i], found[j]);
      }
    }
  }

  // Phase 3: upcalls for what is left (re-checking the classifier, since
  // an earlier packet of this burst may have installed the megaflow).
  for (size_t i = 0; i < n; i++) {
    if (!alive[i] || mfs[i] != nullptr) continue;
    if (caches) {
      uint32_t searched = 0;
      mfs[i] = dpcls_.lookup(keys[i], &searched);
      if (mfs[i] != nullptr) {
        count(PmdCounter::kMegaflowHit);
        count(PmdCounter::kSubtablesSearched, searched);
        continue;
      }
    }
    mfs[i] = upcall(keys[i], pkts[i], now);
    if (mfs[i] == nullptr) {
      alive[i] = false;
      // upcall() counted the packet as lost and named the reason.
      drop(pkts[i], last_upcall_drop_);
    }
  }

  // Phase 4: execute.
  for (size_t i = 0; i < n; i++) {
    if (!alive[i]) continue;
    Megaflow* mf = mfs[i];
    mf->hit(1, pkts[i].len, host16(keys[i].tcp_flags), now);
    ExecEnv env{pool_, &meters_, &pipeline_->tlv_map(), now, hashes[i]};
    execute_actions(mf->actions, pkts[i], keys[i], env, out_);
  }
  handle_exec_out(depth);
  uninstalled_.clear();
}

Megaflow* Pmd::upcall(const FlowKey& key, const DpPacket& pkt, uint64_t now) {
  if (!upcall_allowed(now)) {
    count(PmdCounter::kLost);
    last_upcall_drop_ = DropReason::kUpcallLimit;
    return nullptr;
  }
  DpTranslation t = dp_.translate(key, pkt.len, false);
  if (t.recirc_unknown) {
    count(PmdCounter::kLost);
    last_upcall_drop_ = DropReason::kRecircUnknown;
    return nullptr;
  }
  count(PmdCounter::kMiss);
  auto mf = std::make_unique<Megaflow>();
  mf->mask = t.out.wc;
  match_vlan_headers(key, mf->mask);
  mask_key(key, mf->mask, mf->key);
  mf->flow = key;
  mf->actions = std::move(t.out.actions);
  mf->id = dp_.next_flow_id();
  mf->created_ns = now;
  Megaflow* raw = mf.get();
  if (!dp_.config().caches || flows_.size() >= dp_.config().flow_limit) {
    uninstalled_.push_back(std::move(mf));
    return raw;
  }
  std::lock_guard lock(flow_mutex_);
  raw->slot = static_cast<uint32_t>(flows_.size());
  flows_.push_back(std::move(mf));
  dpcls_.insert(raw);
  return raw;
}

bool Pmd::upcall_allowed(uint64_t now) {
  const uint32_t rate = dp_.config().upcall_rate;
  if (rate == 0) return true;
  if (upcall_last_ns_ != 0 && now > upcall_last_ns_) {
    upcall_tokens_ += static_cast<double>(now - upcall_last_ns_) * rate / 1e9;
    upcall_tokens_ = std::min<double>(upcall_tokens_, dp_.config().upcall_burst);
  }
  upcall_last_ns_ = now;
  if (upcall_tokens_ < 1.0) return false;
  upcall_tokens_ -= 1.0;
  return true;
}

void Pmd::handle_exec_out(uint32_t depth) {
  for (size_t r = 0; r < kNumDropReasons; r++) {
    if (out_.drops[r] != 0) count_drop(static_cast<DropReason>(r), out_.drops[r]);
    out_.drops[r] = 0;
  }
  for (DpPacket& p : out_.dropped) free_packet(p);
  for (ExecOutput& o : out_.outputs) {
    if (dp_.port_by_odp(o.port) == nullptr) {
      drop(o.pkt, DropReason::kNoPort);
      continue;
    }
    std::vector<DpPacket>& q = tx_[o.port];
    if (q.empty()) tx_dirty_.push_back(o.port);
    q.push_back(o.pkt);
  }
  for (ExecUpcall& u : out_.upcalls) {
    if (!u.cookie->dont_send) {
      DpPacketIn pin;
      pin.packet.assign(u.pkt.data, u.pkt.data + u.pkt.len);
      pin.md = u.md;
      pin.cookie = *u.cookie;
      dp_.push_packet_in(std::move(pin));
      count(PmdCounter::kPacketIns);
    }
    free_packet(u.pkt);
  }
  std::vector<ExecRecirc>& stage = recirc_stage_[depth];
  stage.swap(out_.recircs);
  out_.clear();
  flush_tx();

  if (stage.empty()) return;
  const uint32_t next = depth + 1;
  if (next > dp_.config().max_recirc_depth) {
    for (ExecRecirc& r : stage) drop(r.pkt, DropReason::kRecircDepth);
    stage.clear();
    return;
  }
  FlowKey* keys = depth_keys_.get() + next * kBurst;
  DpPacket* pkts = depth_pkts_.get() + next * kBurst;
  size_t pos = 0;
  while (pos < stage.size()) {
    const size_t m = std::min(stage.size() - pos, kBurst);
    for (size_t j = 0; j < m; j++) {
      ExecRecirc& r = stage[pos + j];
      std::memcpy(&keys[j], &r.md, kStage1Begin);
      if (r.tnl_pop) {
        keys[j].in_port = be16(dp_.of_port_by_odp(r.tnl_port));
        keys[j].recirc_id = 0;
      }
      pkts[j] = r.pkt;
    }
    count(PmdCounter::kRecirc, m);
    run_pass(pkts, keys, m, next);
    pos += m;
  }
  stage.clear();
}

void Pmd::flush_tx() {
  const uint16_t queue_hint = static_cast<uint16_t>(id_);
  for (OdpPort odp : tx_dirty_) {
    std::vector<DpPacket>& q = tx_[odp];
    DpPort* port = dp_.port_by_odp(odp);
    if (port == nullptr) {
      for (DpPacket& p : q) drop(p, DropReason::kNoPort);
    } else {
      // A queue shared with other transmitting threads is locked.
      std::unique_lock<std::mutex> lock;
      if (port->n_txq() < dp_.tx_threads()) lock = std::unique_lock(dp_.tx_lock(odp));
      size_t pos = 0;
      while (pos < q.size()) {
        const uint16_t m = static_cast<uint16_t>(std::min<size_t>(q.size() - pos, kBurst));
        const uint16_t sent = port->tx_burst(queue_hint % port->n_txq(), q.data() + pos, m);
        if (sent < m) count_drop(DropReason::kTxFull, m - sent);
        pos += m;
      }
    }
    q.clear();
  }
  tx_dirty_.clear();
}

void Pmd::free_packet(DpPacket& p) { pool_->free(p); }

void Pmd::drop(DpPacket& p, DropReason r) {
  count_drop(r);
  free_packet(p);
}

}  // namespace dpuflow::dataplane
