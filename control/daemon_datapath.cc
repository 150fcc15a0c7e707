// Daemon <-> datapath: PACKET_OUT and NXT_RESUME into the datapath,
// packet-ins out to the OpenFlow connections that asked for them, and the
// datapath's control-socket commands (dpctl/*, dpif-netdev/*, upcall/show,
// dpif/show).
//
// The control thread has its own Pmd (OVS's "main thread" non-PMD): it runs
// packet-outs and resumes and owns the megaflows they install, so no other
// thread's caches are touched from here.
#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <span>

#include "control/daemon.h"
#include "control/openflow/ofp_packet.h"
#include "dataplane/datapath/dp_flow_format.h"
#include "dataplane/datapath/dpdk/eal.h"
#include "dataplane/datapath/dpdk/mbuf_pool.h"
#include "dataplane/datapath/pmd.h"
#include "dataplane/datapath/revalidator.h"
#include "dataplane/packet/parse.h"

namespace dpuflow::control {

using namespace dataplane;

namespace {

uint64_t mono_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

template <typename T>
void exact_if_set(const T& v, T& m) {
  if (v != T{}) std::memset(&m, 0xff, sizeof m);
}

// The packet-in metadata OVS sends (flow_get_metadata): in_port always, the
// other pipeline fields when non-zero, all exact.
Match packet_in_metadata(const FlowKey& k) {
  Match m;
  std::memset(&m.value, 0, sizeof m.value);
  std::memset(&m.mask, 0, sizeof m.mask);
  m.value.in_port = k.in_port;
  m.mask.in_port = 0xffff;
  m.value.tun_id = k.tun_id;
  exact_if_set(k.tun_id, m.mask.tun_id);
  m.value.tun_src = k.tun_src;
  exact_if_set(k.tun_src, m.mask.tun_src);
  m.value.tun_dst = k.tun_dst;
  exact_if_set(k.tun_dst, m.mask.tun_dst);
  m.value.metadata = k.metadata;
  exact_if_set(k.metadata, m.mask.metadata);
  for (int i = 0; i < kNumRegs; i++) {
    m.value.regs[i] = k.regs[i];
    exact_if_set(k.regs[i], m.mask.regs[i]);
  }
  m.value.pkt_mark = k.pkt_mark;
  exact_if_set(k.pkt_mark, m.mask.pkt_mark);
  m.value.ct_state = k.ct_state;
  exact_if_set(k.ct_state, m.mask.ct_state);
  m.value.ct_zone = k.ct_zone;
  exact_if_set(k.ct_zone, m.mask.ct_zone);
  m.value.ct_mark = k.ct_mark;
  exact_if_set(k.ct_mark, m.mask.ct_mark);
  return m;
}

// The datapath key of a packet the controller hands us: its metadata (as
// decoded from the message), then the packet's own headers.
FlowKey controller_packet_key(const Match& metadata, uint16_t in_port,
                              std::span<const uint8_t> packet) {
  FlowKey k{};
  const auto* v = reinterpret_cast<const uint8_t*>(&metadata.value);
  const auto* mk = reinterpret_cast<const uint8_t*>(&metadata.mask);
  auto* o = reinterpret_cast<uint8_t*>(&k);
  for (size_t i = 0; i < kStage1Begin; i++) o[i] = v[i] & mk[i];
  k.in_port = be16(in_port);
  k.recirc_id = 0;
  parse_packet(packet, k);
  return k;
}

}  // namespace

std::optional<std::string> Daemon::start_datapath() {
  dp_ = std::make_unique<Datapath>(versions_, opts_.datapath);
  // PMD i transmits on queue i, the control thread on queue n_pmds (ports
  // with fewer queues are shared under a lock).
  for (unsigned i = 0; i < std::max(1u, opts_.n_pmds); i++) {
    const int core = i < opts_.pmd_cores.size() ? opts_.pmd_cores[i] : -1;
    pmds_.push_back(std::make_unique<Pmd>(*dp_, i, core));
  }
  main_pmd_ = std::make_unique<Pmd>(*dp_, static_cast<unsigned>(pmds_.size()));
  dp_->set_tx_threads(static_cast<uint32_t>(pmds_.size() + 1));
  pool_ = std::make_unique<HeapPool>();
  reval_ = std::make_unique<Revalidator>(*dp_);
  reval_->start();
  for (const PortSpec& p : opts_.ports) {
    if (auto e = add_port(p)) return "port " + p.name + ": " + *e;
  }
  switch_->set_packet_out_handler(
      [this](const PacketOut& po) { return run_controller_packet(po.metadata, po.in_port, po.packet, &po.actions, 0); });
  OfSwitch::PortSource ports;
  ports.desc = [this] {
    std::vector<PortDesc> out;
    for (const DpPortEntry& e : dp_->ports()) {
      PortDesc d;
      d.port_no = e.of_port;
      d.name = e.name;
      e.port->mac(d.hw_addr.data());
      d.state = 4;  // OFPPS_LIVE
      out.push_back(std::move(d));
    }
    return out;
  };
  ports.stats = [this] {
    std::vector<PortStats> out;
    for (const DpPortEntry& e : dp_->ports()) {
      const dataplane::PortStats st = e.port->stats();
      PortStats p;
      p.port_no = e.of_port;
      p.rx_packets = st.rx_packets;
      p.tx_packets = st.tx_packets;
      p.rx_bytes = st.rx_bytes;
      p.tx_bytes = st.tx_bytes;
      p.rx_dropped = st.rx_dropped;
      p.tx_dropped = st.tx_dropped;
      p.rx_errors = st.rx_errors;
      p.tx_errors = st.tx_errors;
      out.push_back(p);
    }
    return out;
  };
  switch_->set_port_source(std::move(ports));
  switch_->set_resume_handler([this](const Resume& r) -> std::optional<OfpError> {
    // The continuation token is the recirculation id of the paused state.
    const auto token = static_cast<uint32_t>(r.continuation_token);
    if (r.continuation_token > UINT32_MAX || !dp_->frozen(token)) return OfpError::kResumeStale;
    const uint16_t in_port = host16(r.metadata.value.in_port);
    return run_controller_packet(r.metadata, in_port, r.packet, nullptr, token);
  });
  return std::nullopt;
}

void Daemon::stop_datapath() {
  if (reval_) reval_->stop();
  for (auto& p : pmds_) p->stop();
  pmds_.clear();
  main_pmd_.reset();
  reval_.reset();
  dp_.reset();  // closes the ports
  pool_.reset();
  if (mbuf_pool_) {
    mbuf_pool_.reset();
    if (DpdkStatus st = eal_cleanup(); !st) {
      fmt::print(stderr, "dpuflowd: {}\n", st.error().to_string());
    }
  }
}

std::optional<OfpError> Daemon::run_controller_packet(const Match& metadata, uint16_t in_port,
                                                      const std::vector<uint8_t>& packet,
                                                      const ActionList* actions,
                                                      uint32_t resume_id) {
  FlowKey key = controller_packet_key(metadata, in_port, packet);
  const auto len = static_cast<uint32_t>(packet.size());
  DpTranslation t;
  if (actions != nullptr) {
    t = dp_->translate_actions(key, *actions, len);
  } else {
    key.recirc_id = be32(resume_id);
    t = dp_->translate(key, len, false);
  }
  if (!t.out.error.empty()) {
    vlog_.log(vlog_.module_index("dpuflowd"), VlogLevel::kWarn,
              fmt::format("packet from the controller not executed: {}", t.out.error));
    return std::nullopt;  // OVS answers nothing either; the packet is dropped
  }
  // Frames for DPDK ports must live in mbufs.
  DpPacket pkt;
  PacketPool* pool = nullptr;
  if (mbuf_pool_) {
    if (!mbuf_pool_->copy_in(packet, pkt)) return OfpError::kBadPacket;
    pool = mbuf_pool_.get();
  } else {
    if (!pool_->make(packet, pkt)) return OfpError::kBadPacket;
    pool = pool_.get();
  }
  key.recirc_id = 0;
  main_pmd_->execute(t.out.actions, *pool, pkt, key);
  send_packet_ins();
  return std::nullopt;
}

void Daemon::send_packet_ins() {
  if (!dp_) return;
  for (DpPacketIn& pin : dp_->take_packet_ins()) {
    PacketIn2 p;
    p.full_len = static_cast<uint32_t>(pin.packet.size());
    p.packet = std::move(pin.packet);
    if (pin.cookie.max_len != 0 && pin.cookie.max_len < p.packet.size()) {
      p.packet.resize(pin.cookie.max_len);
    }
    p.reason = pin.cookie.reason;
    p.cookie = pin.cookie.rule_cookie;
    FlowKey md = pin.md;
    if (std::optional<FrozenState> st = dp_->frozen(pin.cookie.recirc_id)) {
      p.table_id = st->table_id;
      p.userdata = st->userdata;
      // Registers, metadata and tunnel fields as the pipeline had them.
      std::memcpy(&md.tun_id, &st->metadata.tun_id,
                  offsetof(FlowKey, skb_priority) - offsetof(FlowKey, tun_id));
      md.in_port = st->metadata.in_port;
    }
    if (pin.cookie.continuation) p.continuation_token = pin.cookie.recirc_id;
    p.metadata = packet_in_metadata(md);
    const TlvMap& tlv = versions_.load()->tlv_map();
    const uint16_t controller_id = pin.cookie.controller_id;
    of_server_->send_async([&](const OfSession& s) -> std::optional<std::vector<uint8_t>> {
      if (s.version == 0 || s.miss_send_len == 0) return std::nullopt;
      if (s.controller_id != controller_id) return std::nullopt;
      if (s.packet_in_format != 2) {
        ++packet_ins_unencodable_;  // only NXT_PACKET_IN2 is encoded (what OVN asks for)
        return std::nullopt;
      }
      return encode_packet_in2(p, s.version, tlv);
    });
  }
}

// ---- commands ------------------------------------------------------------------

void Daemon::register_datapath_commands() {
  must(commands_.add("dpctl/dump-flows", "[-m] [--names] [dp] [filter=..] [type=..]", 0, 6,
                     [this](std::span<const std::string>) {
    std::string out;
    const uint64_t now = mono_ns();
    auto dump = [&](const Pmd& pmd) {
      pmd.for_each_flow([&](const Megaflow& mf) {
        out += format_megaflow(mf, mf.actions, dp_->odp_by_of(host16(mf.key.in_port)), now);
        out += '\n';
      });
    };
    for (Pmd* p : dp_->pmds()) dump(*p);
    return CommandResult::success(out);
  }));
  must(commands_.add("dpctl/del-flows", "[dp]", 0, 1, [this](std::span<const std::string>) {
    for (Pmd* p : dp_->pmds()) {
      p->post_flush();
      if (!p->running()) p->apply_requests();
    }
    return CommandResult::success();
  }));
  must(commands_.add("dpif-netdev/pmd-stats-show", "[-pmd core] [dp]", 0, 3,
                     [this](std::span<const std::string>) {
    std::string out;
    for (Pmd* p : dp_->pmds()) {
      const PmdCounters c = p->counters();
      const uint64_t packets = c[PmdCounter::kPackets];
      const uint64_t passes = c[PmdCounter::kPasses];
      const uint64_t mf_hits = c[PmdCounter::kMegaflowHit];
      const uint64_t busy = c[PmdCounter::kBusyCycles], idle = c[PmdCounter::kIdleCycles];
      const double total = static_cast<double>(busy + idle);
      if (p == main_pmd_.get()) {
        out += "main thread:\n";
      } else {
        out += fmt::format("pmd thread numa_id 0 core_id {}:\n",
                           p->core() >= 0 ? p->core() : static_cast<int>(p->id()));
      }
      out += fmt::format("  packets received: {}\n", packets);
      out += fmt::format("  packet recirculations: {}\n", c[PmdCounter::kRecirc]);
      out += fmt::format("  avg. datapath passes per packet: {:.2f}\n",
                         packets ? static_cast<double>(passes) / packets : 0.0);
      out += fmt::format("  emc hits: {}\n", c[PmdCounter::kEmcHit]);
      out += fmt::format("  megaflow hits: {}\n", mf_hits);
      out += fmt::format("  avg. subtable lookups per megaflow hit: {:.2f}\n",
                         mf_hits ? static_cast<double>(c[PmdCounter::kSubtablesSearched]) / mf_hits
                                 : 0.0);
      out += fmt::format("  miss with success upcall: {}\n", c[PmdCounter::kMiss]);
      out += fmt::format("  miss with failed upcall: {}\n", c[PmdCounter::kLost]);
      if (p != main_pmd_.get()) {
        out += fmt::format("  idle cycles: {} ({:.2f}%)\n", idle, total ? 100.0 * idle / total : 0.0);
        out += fmt::format("  processing cycles: {} ({:.2f}%)\n", busy,
                           total ? 100.0 * busy / total : 0.0);
        if (packets) {
          out += fmt::format("  avg cycles per packet: {:.2f} ({}/{})\n",
                             static_cast<double>(busy) / packets, busy, packets);
        }
      }
      uint64_t drops = 0;
      for (size_t r = 0; r < kNumDropReasons; r++) drops += c.drops[r];
      if (drops) {
        out += "  drops:";
        for (size_t r = 0; r < kNumDropReasons; r++) {
          if (c.drops[r]) out += fmt::format(" {}={}", dp_drop_reason_name(static_cast<DropReason>(r)), c.drops[r]);
        }
        out += '\n';
      }
    }
    return CommandResult::success(out);
  }));
  must(commands_.add("dpif-netdev/pmd-stats-clear", "[-pmd core] [dp]", 0, 3,
                     [this](std::span<const std::string>) {
    for (Pmd* p : dp_->pmds()) p->clear_counters();
    return CommandResult::success();
  }));
  must(commands_.add("upcall/show", "", 0, 0, [this](std::span<const std::string>) {
    const RevalidatorStats rs = reval_->stats();
    size_t flows = 0;
    for (Pmd* p : dp_->pmds()) flows += p->n_flows();
    std::string out = fmt::format("{}:\n  flows         : (current {}) (limit {})\n", "netdev@" + opts_.bridge,
                                  flows, dp_->config().flow_limit);
    out += fmt::format("  dump duration : {}ms\n", rs.last_round_us / 1000);
    out += fmt::format("  revalidator rounds: {} re-translated: {} updated: {} deleted idle: {} "
                       "deleted changed: {}\n",
                       rs.rounds, rs.checked, rs.updated, rs.deleted_idle, rs.deleted_changed);
    out += fmt::format("  packet-ins dropped (queue full): {}\n", dp_->packet_ins_dropped());
    return CommandResult::success(out);
  }));
  must(commands_.add("dpif/show", "", 0, 0, [this](std::span<const std::string>) {
    uint64_t hit = 0, missed = 0;
    for (Pmd* p : dp_->pmds()) {
      const PmdCounters c = p->counters();
      hit += c[PmdCounter::kEmcHit] + c[PmdCounter::kMegaflowHit];
      missed += c[PmdCounter::kMiss] + c[PmdCounter::kLost];
    }
    std::string out = fmt::format("dpuflow@netdev: hit:{} missed:{}\n  {}:\n", hit, missed, opts_.bridge);
    out += fmt::format("    {} 65534/0: (internal)\n", opts_.bridge);
    for (const DpPortEntry& e : dp_->ports()) {
      out += fmt::format("    {} {}/{}: ({})\n", e.name, e.of_port, e.odp_port, e.port->type());
    }
    return CommandResult::success(out);
  }));
}

}  // namespace dpuflow::control
