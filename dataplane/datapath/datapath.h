// Datapath: the userspace datapath of one bridge, modelled on OVS's
// dpif-netdev and kept small: ports, the PMDs that poll them (pmd.h), the
// upcall translation they share, the revalidator (revalidator.h) and the
// queue of packet-ins for the controller.
//
// Design note
// - Ports carry two numbers: the OpenFlow port (what the pipeline matches
//   in in_port and outputs to; FlowKey::in_port holds it) and the datapath
//   (odp) port (what DpActions name).  odp ports are allocated from 1 and
//   index a fixed array, so the packet path maps odp -> port with one load.
// - Translation (upcalls from any PMD, revalidation) goes through
//   translate(), which serialises on one mutex because xlate writes the
//   shared RecircTable.  This is the slow path; cached packets never take it.
// - Removing a port clears its slot first and waits until every running PMD
//   has passed a quiescent point (its poll loop's epoch moved) before the
//   port object is destroyed, so a PMD never touches a freed port.
// - Packet-ins (userspace(controller) actions) are copied out of the PMD
//   into a bounded queue the control thread drains; a full queue drops and
//   counts, as OVS's upcall handler does under load.
//
// Thread safety: add_port/remove_port/config on the control thread;
// translate() and the upcall queue from any thread; port_by_odp() lock-free.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "dataplane/datapath/port.h"
#include "dataplane/odp/dp_actions.h"
#include "dataplane/pipeline/pipeline.h"
#include "dataplane/pipeline/ports.h"
#include "dataplane/pipeline/recirc.h"
#include "dataplane/pipeline/xlate.h"

namespace dpuflow::dataplane {

class Pmd;

struct DatapathConfig {
  uint32_t emc_insert_inv_prob = 100;  // OVS other_config:emc-insert-inv-prob
  bool caches = true;                  // false: every packet is translated (differential tests)
  uint64_t max_idle_ms = 10000;        // OVS other_config:max-idle
  size_t flow_limit = 200000;          // megaflows per PMD; beyond it, execute without installing
  uint32_t upcall_rate = 100000;       // upcalls per second per PMD; 0 = unlimited
  uint32_t upcall_burst = 2000;
  uint32_t max_recirc_depth = 6;       // OVS MAX_RECIRC_DEPTH
  size_t packet_in_queue = 1024;       // controller upcalls waiting for the control thread
};

inline constexpr OdpPort kMaxOdpPorts = 256;

struct DpPortEntry {
  uint16_t of_port = 0;
  OdpPort odp_port = 0;
  std::string name;
  DpPort* port = nullptr;
};

// A userspace(controller) action's packet, on its way to the control thread.
struct DpPacketIn {
  std::vector<uint8_t> packet;
  FlowKey md{};                 // the packet's datapath metadata at the action
  OdpControllerCookie cookie;
};

// What translate() returns: xlate's output plus the rules it went through
// (kept alive, for folding megaflow stats into OpenFlow rule counters).
struct DpTranslation {
  XlateOut out;
  std::vector<RulePtr> rules;
  uint64_t pipeline_seq = 0;
  bool recirc_unknown = false;  // flow.recirc_id has no frozen state (out.error says so)
};

class Datapath {
 public:
  explicit Datapath(PipelineVersions& versions, DatapathConfig cfg = {});
  ~Datapath();
  Datapath(const Datapath&) = delete;
  Datapath& operator=(const Datapath&) = delete;

  // ---- control thread -------------------------------------------------
  // Adds `port` as OpenFlow port `of_port` (0 = next free from 1), with
  // datapath port `odp` (0 = lowest free from 1).  Errors name the
  // conflict.  *odp_out receives the odp port number.
  [[nodiscard]] std::optional<std::string> add_port(std::unique_ptr<DpPort> port,
                                                    uint16_t of_port, OdpPort odp = 0,
                                                    OdpPort* odp_out = nullptr);
  [[nodiscard]] std::optional<std::string> remove_port(const std::string& name);
  std::vector<DpPortEntry> ports() const;
  // The xlate view of the ports (OpenFlow <-> odp numbers, names).
  const PortTable& xlate_ports() const { return xlate_ports_; }

  // PMDs register themselves so port removal can wait for them.
  void register_pmd(Pmd* pmd);
  void unregister_pmd(Pmd* pmd);

  // ---- any thread -------------------------------------------------------
  DpPort* port_by_odp(OdpPort p) const {
    return p < kMaxOdpPorts ? slots_[p].port.load(std::memory_order_acquire) : nullptr;
  }
  uint16_t of_port_by_odp(OdpPort p) const {
    return p < kMaxOdpPorts ? slots_[p].of_port.load(std::memory_order_relaxed) : kOfppNone;
  }
  OdpPort odp_by_of(uint16_t of_port) const;

  // Translates `flow` (datapath key: packet fields + in_port, recirc_id,
  // tunnel, ct) with the current pipeline.  Serialised (see design note).
  DpTranslation translate(const FlowKey& flow, uint32_t packet_len, bool collect_rules);

  // PACKET_OUT: `actions` run on `flow` with no table lookup first, as OVS
  // executes a packet-out's actions (resubmit and groups see the current
  // pipeline).
  DpTranslation translate_actions(const FlowKey& flow, const ActionList& actions,
                                  uint32_t packet_len);

  // The frozen state behind a recirculation id (packet-in metadata,
  // continuations); copied under the lock.
  std::optional<FrozenState> frozen(uint32_t recirc_id) const;

  // Packet-in queue: PMDs push, the control thread takes.  packet_in_fd()
  // (an eventfd) becomes readable when the queue goes from empty to not
  // empty, so the control thread's poll loop wakes for it.
  bool push_packet_in(DpPacketIn&& pin);
  std::vector<DpPacketIn> take_packet_ins();
  int packet_in_fd() const { return pin_fd_; }
  uint64_t packet_ins_dropped() const { return pin_dropped_.load(std::memory_order_relaxed); }

  // Threads that transmit (PMDs + the control thread's packet-outs).  A
  // port with fewer tx queues than that is shared: its tx bursts take
  // tx_lock(odp), as OVS locks a txq shared by several PMDs.
  void set_tx_threads(uint32_t n) { tx_threads_.store(n, std::memory_order_relaxed); }
  uint32_t tx_threads() const { return tx_threads_.load(std::memory_order_relaxed); }
  std::mutex& tx_lock(OdpPort p) { return tx_locks_[p % kMaxOdpPorts]; }

  PipelineVersions& versions() { return versions_; }
  const DatapathConfig& config() const { return cfg_; }
  uint64_t next_flow_id() { return next_flow_id_.fetch_add(1, std::memory_order_relaxed); }
  std::vector<Pmd*> pmds() const;

 private:
  struct Slot {
    std::atomic<DpPort*> port{nullptr};
    std::atomic<uint16_t> of_port{kOfppNone};
  };
  void rebuild_xlate_ports();
  // The common part of a translation's input; caller holds xlate_mutex_.
  XlateIn xlate_in(const Pipeline& pipeline, const FlowKey& flow, uint32_t packet_len);
  void wait_pmds_quiescent();

  PipelineVersions& versions_;
  DatapathConfig cfg_;
  std::array<Slot, kMaxOdpPorts> slots_;
  std::vector<std::unique_ptr<DpPort>> owned_;  // by odp port; null when free
  std::vector<DpPortEntry> entries_;
  PortTable xlate_ports_;

  mutable std::mutex xlate_mutex_;
  RecircTable recirc_{1, /*dedupe=*/true};

  mutable std::mutex pin_mutex_;
  std::vector<DpPacketIn> pins_;
  std::atomic<uint64_t> pin_dropped_{0};
  int pin_fd_ = -1;

  mutable std::mutex pmds_mutex_;
  std::vector<Pmd*> pmds_;
  std::atomic<uint64_t> next_flow_id_{1};
  std::atomic<uint32_t> tx_threads_{1};
  std::array<std::mutex, kMaxOdpPorts> tx_locks_;
};

}  // namespace dpuflow::dataplane
