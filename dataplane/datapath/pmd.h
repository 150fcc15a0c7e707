// Pmd: one poll-mode thread of the datapath and everything it owns — its
// receive queues, its EMC, its megaflow classifier and megaflows, its
// counters — as OVS's dp_netdev_pmd_thread.
//
// Design note
// - The packet loop works in phases over a burst (up to kBurst): parse all
//   and hash, EMC for all, dpcls for the EMC misses in one batch, upcall
//   for what is left (re-checking dpcls first, so one burst's packets of a
//   new flow upcall once), execute, then transmit once per output port.
//   Recirculated packets (recirc, tnl_pop) run again as a new pass, up to
//   DatapathConfig::max_recirc_depth passes.
// - Every packet received is counted exactly once as an EMC hit, a
//   megaflow hit, a miss (upcall) or lost (upcall refused by the rate
//   limit or failed), per pass, as OVS's pmd-stats-show counts.
// - Nothing on the packet path allocates after warm-up: key arrays and
//   ExecOut are members, tx staging vectors are reserved at start, and
//   vectors grow only on the upcall path.
// - Other threads change this PMD only through requests (megaflow action
//   replacements and deletions from the revalidator) which the PMD applies
//   between bursts in apply_requests(); it holds flow_mutex while it
//   inserts or changes megaflows, so the revalidator and dump commands can
//   walk the flow list under the same mutex.  Dead megaflows are parked
//   until the EMC is swept and then until the revalidator (which may hold
//   pointers to them from its last snapshot) frees them.
//
// Thread safety: poll_once()/process() on the PMD thread (or a test's
// thread while no PMD thread runs); the rest as marked.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "dataplane/datapath/datapath.h"
#include "dataplane/datapath/dpcls.h"
#include "dataplane/datapath/emc.h"
#include "dataplane/datapath/execute.h"
#include "dataplane/datapath/megaflow.h"
#include "dataplane/datapath/meter_bank.h"

namespace dpuflow::dataplane {

inline constexpr size_t kBurst = 32;

// Counters of one PMD (pmd-stats-show).  Written by the PMD only, with
// relaxed load+store (plain adds on every target), read by any thread.
enum class PmdCounter : uint8_t {
  kPackets,            // packets received (each counted once)
  kPasses,             // lookups: packets + recirculations
  kRecirc,
  kEmcHit,
  kMegaflowHit,
  kMiss,               // upcalls that installed or executed
  kLost,               // upcalls refused (rate limit) or failed
  kSubtablesSearched,  // summed over megaflow hits
  kBusyCycles,
  kIdleCycles,
  kPacketIns,
  kCount,
};
inline constexpr size_t kNumPmdCounters = static_cast<size_t>(PmdCounter::kCount);
inline constexpr size_t kNumDropReasons = static_cast<size_t>(DropReason::kCount);

struct PmdCounters {
  uint64_t v[kNumPmdCounters] = {};
  uint64_t drops[kNumDropReasons] = {};
  uint64_t operator[](PmdCounter c) const { return v[static_cast<size_t>(c)]; }
  uint64_t drop(DropReason r) const { return drops[static_cast<size_t>(r)]; }
};

struct RxqRef {
  DpPort* port = nullptr;
  uint16_t queue = 0;
  uint16_t of_port = 0;
};

class Pmd {
 public:
  Pmd(Datapath& dp, unsigned id, int core = -1);
  ~Pmd();
  Pmd(const Pmd&) = delete;
  Pmd& operator=(const Pmd&) = delete;

  unsigned id() const { return id_; }
  int core() const { return core_; }

  // ---- setup (PMD not running) ------------------------------------------
  void add_rxq(RxqRef rxq) { rxqs_.push_back(rxq); }
  void clear_rxqs() { rxqs_.clear(); }
  const std::vector<RxqRef>& rxqs() const { return rxqs_; }

  // ---- thread control (control thread) ----------------------------------
  void start();
  void stop();
  bool running() const { return running_.load(std::memory_order_acquire); }
  uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }

  // ---- PMD thread --------------------------------------------------------
  // One pass over the rx queues; returns packets processed.
  size_t poll_once();
  // Runs `n` packets received on OpenFlow port `in_port` through the
  // datapath (takes ownership).  Also used for PACKET_OUT (in_port may be
  // OFPP_CONTROLLER/NONE) and by tests.
  // `pool` is where the packets' buffers return and copies come from.
  void process(uint16_t in_port, PacketPool& pool, DpPacket* pkts, size_t n);
  // Runs given actions on one packet (PACKET_OUT after translation), with
  // its outputs, recirculations and packet-ins handled as for any packet.
  void execute(const DpActions& acts, PacketPool& pool, DpPacket pkt, const FlowKey& md);
  // Applies queued revalidator requests.
  void apply_requests();

  // ---- any thread ---------------------------------------------------------
  PmdCounters counters() const;   // a snapshot
  void clear_counters();          // stores a baseline
  // Calls fn for every live megaflow, under the flow mutex.
  void for_each_flow(const std::function<void(const Megaflow&)>& fn) const;
  size_t n_flows() const;
  // A copy of a live megaflow's actions, under the flow mutex.
  DpActions actions_of(const Megaflow* mf) const;
  // Pointers to the live megaflows (revalidator); frees the parked dead
  // ones first (the caller promises it no longer holds older pointers).
  std::vector<Megaflow*> snapshot_flows_and_reap();

  // Revalidator requests (any thread; applied by the PMD).
  struct Request {
    Megaflow* mf = nullptr;
    bool remove = false;
    DpActions actions;  // when !remove: the new actions
  };
  void post(std::vector<Request> reqs);
  // Deletes every megaflow (dpctl/del-flows); applied like other requests.
  void post_flush();

  MeterBank& meters() { return meters_; }

 private:
  void refresh_pipeline();
  void run_pass(DpPacket* pkts, FlowKey* keys, size_t n, uint32_t depth);
  Megaflow* upcall(const FlowKey& key, const DpPacket& pkt, uint64_t now);
  void handle_exec_out(uint32_t depth);
  void flush_tx();
  void free_packet(DpPacket& p);
  void drop(DpPacket& p, DropReason r);
  bool upcall_allowed(uint64_t now_ns);
  void remove_flow_locked(Megaflow* mf);
  uint64_t now_ns() const;

  Datapath& dp_;
  unsigned id_;
  int core_;
  std::vector<RxqRef> rxqs_;

  Emc emc_;
  Dpcls dpcls_;
  MeterBank meters_;

  mutable std::mutex flow_mutex_;
  std::vector<std::unique_ptr<Megaflow>> flows_;
  std::vector<std::unique_ptr<Megaflow>> dead_;      // parked, EMC not yet swept
  std::vector<std::unique_ptr<Megaflow>> reapable_;  // EMC swept; freed at next snapshot

  std::mutex req_mutex_;
  std::vector<Request> requests_;
  bool flush_requested_ = false;
  std::atomic<bool> has_requests_{false};

  // The pipeline version meters and the TLV map come from (refreshed when
  // the pipeline's seq moves).
  std::shared_ptr<const Pipeline> pipeline_;
  uint64_t pipeline_seq_ = 0;
  std::vector<uint32_t> meter_ids_;

  // Per-pass scratch, reused (no allocation after warm-up): keys and
  // packets for each recirculation depth, the executor's output, the
  // recirculations waiting at each depth, tx staging by odp port.
  std::unique_ptr<FlowKey[]> depth_keys_;
  std::unique_ptr<DpPacket[]> depth_pkts_;
  std::vector<std::vector<ExecRecirc>> recirc_stage_;
  ExecOut out_;
  std::vector<std::vector<DpPacket>> tx_;
  std::vector<OdpPort> tx_dirty_;
  std::vector<std::unique_ptr<Megaflow>> uninstalled_;  // translated, not cached (limit, caches off)
  PacketPool* pool_ = nullptr;
  DropReason last_upcall_drop_ = DropReason::kUpcallError;

  uint64_t polls_ = 0;
  uint64_t last_rank_ns_ = 0;

  // Upcall rate limit (token bucket, in packets).
  double upcall_tokens_ = 0;
  uint64_t upcall_last_ns_ = 0;

  void count(PmdCounter c, uint64_t n = 1) {
    auto& a = c_[static_cast<size_t>(c)];
    a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void count_drop(DropReason r, uint64_t n = 1) {
    auto& a = drops_[static_cast<size_t>(r)];
    a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  std::atomic<uint64_t> c_[kNumPmdCounters] = {};
  std::atomic<uint64_t> drops_[kNumDropReasons] = {};
  PmdCounters baseline_;
  mutable std::mutex baseline_mutex_;

  std::atomic<bool> running_{false};
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> epoch_{0};
  std::thread thread_;
};

}  // namespace dpuflow::dataplane
