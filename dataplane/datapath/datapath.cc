#include "dataplane/datapath/datapath.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "dataplane/datapath/pmd.h"

namespace dpuflow::dataplane {

namespace {

// Collects the rules a translation went through (for stats folding).
class RuleCollector final : public XlateTracer {
 public:
  explicit RuleCollector(std::vector<const Rule*>& out) : out_(out) {}
  void on_table(int, uint8_t, const Rule* rule) override {
    if (rule != nullptr) out_.push_back(rule);
  }
  void on_action(int, const Action&) override {}
  void on_note(int, const std::string&) override {}
  void on_thaw(uint8_t) override {}

 private:
  std::vector<const Rule*>& out_;
};

}  // namespace

Datapath::Datapath(PipelineVersions& versions, DatapathConfig cfg)
    : versions_(versions), cfg_(cfg), owned_(kMaxOdpPorts) {
  pin_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

Datapath::~Datapath() {
  if (pin_fd_ >= 0) ::close(pin_fd_);
}

std::optional<std::string> Datapath::add_port(std::unique_ptr<DpPort> port, uint16_t of_port,
                                              OdpPort odp, OdpPort* odp_out) {
  if (!port) return "no port given";
  const std::string name = port->name();
  for (const DpPortEntry& e : entries_) {
    if (e.name == name) return "port " + name + " already exists";
    if (of_port != 0 && e.of_port == of_port) {
      return "OpenFlow port " + std::to_string(of_port) + " is already " + e.name;
    }
  }
  if (of_port >= kOfppMax) return "OpenFlow port " + std::to_string(of_port) + " is reserved";
  if (of_port == 0) {
    of_port = 1;
    while (std::any_of(entries_.begin(), entries_.end(),
                       [&](const DpPortEntry& e) { return e.of_port == of_port; })) {
      of_port++;
    }
  }
  if (odp != 0) {
    if (odp >= kMaxOdpPorts) {
      return "datapath port " + std::to_string(odp) + " is out of range (1-" +
             std::to_string(kMaxOdpPorts - 1) + ")";
    }
    if (owned_[odp]) return "datapath port " + std::to_string(odp) + " is already in use";
  } else {
    odp = 1;
    while (odp < kMaxOdpPorts && owned_[odp]) odp++;
    if (odp >= kMaxOdpPorts) {
      return "too many ports (at most " + std::to_string(kMaxOdpPorts - 1) + ")";
    }
  }

  DpPortEntry e{of_port, odp, name, port.get()};
  slots_[odp].of_port.store(of_port, std::memory_order_relaxed);
  slots_[odp].port.store(port.get(), std::memory_order_release);
  owned_[odp] = std::move(port);
  entries_.push_back(e);
  rebuild_xlate_ports();
  if (odp_out) *odp_out = odp;
  return std::nullopt;
}

std::optional<std::string> Datapath::remove_port(const std::string& name) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const DpPortEntry& e) { return e.name == name; });
  if (it == entries_.end()) return "no port named " + name;
  const OdpPort odp = it->odp_port;
  slots_[odp].port.store(nullptr, std::memory_order_release);
  slots_[odp].of_port.store(kOfppNone, std::memory_order_relaxed);
  entries_.erase(it);
  rebuild_xlate_ports();
  wait_pmds_quiescent();
  owned_[odp].reset();
  return std::nullopt;
}

std::vector<DpPortEntry> Datapath::ports() const { return entries_; }

OdpPort Datapath::odp_by_of(uint16_t of_port) const {
  for (const DpPortEntry& e : entries_)
    if (e.of_port == of_port) return e.odp_port;
  return 0;
}

void Datapath::rebuild_xlate_ports() {
  PortTable t;
  for (const DpPortEntry& e : entries_) {
    XlatePort p;
    p.of_port = e.of_port;
    p.odp_port = e.odp_port;
    p.name = e.name;
    t.add(std::move(p));
  }
  std::lock_guard lock(xlate_mutex_);
  xlate_ports_ = std::move(t);
}

void Datapath::register_pmd(Pmd* pmd) {
  std::lock_guard lock(pmds_mutex_);
  pmds_.push_back(pmd);
}

void Datapath::unregister_pmd(Pmd* pmd) {
  std::lock_guard lock(pmds_mutex_);
  pmds_.erase(std::remove(pmds_.begin(), pmds_.end(), pmd), pmds_.end());
}

std::vector<Pmd*> Datapath::pmds() const {
  std::lock_guard lock(pmds_mutex_);
  return pmds_;
}

void Datapath::wait_pmds_quiescent() {
  std::vector<std::pair<Pmd*, uint64_t>> seen;
  for (Pmd* p : pmds()) {
    if (p->running()) seen.emplace_back(p, p->epoch());
  }
  for (auto& [p, e] : seen) {
    while (p->running() && p->epoch() == e) std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

XlateIn Datapath::xlate_in(const Pipeline& pipeline, const FlowKey& flow, uint32_t packet_len) {
  XlateIn in;
  in.pipeline = &pipeline;
  in.ports = &xlate_ports_;
  in.recirc = &recirc_;
  in.flow = flow;
  in.allow_side_effects = true;
  in.packet_len = packet_len;
  return in;
}

DpTranslation Datapath::translate(const FlowKey& flow, uint32_t packet_len, bool collect_rules) {
  DpTranslation t;
  std::shared_ptr<const Pipeline> pipeline = versions_.load();
  t.pipeline_seq = versions_.seq();
  std::vector<const Rule*> raw;
  RuleCollector collector(raw);
  std::lock_guard lock(xlate_mutex_);
  XlateIn in = xlate_in(*pipeline, flow, packet_len);
  in.tracer = collect_rules ? &collector : nullptr;
  const uint32_t recirc_id = host32(flow.recirc_id);
  if (recirc_id != 0) {
    in.frozen = recirc_.find(recirc_id);
    if (in.frozen == nullptr) {
      t.out.error = "recirculation id " + std::to_string(recirc_id) + " is unknown";
      t.recirc_unknown = true;
      return t;
    }
  }
  t.out = xlate(in);
  if (collect_rules) {
    // Rules are shared between pipeline versions; keep the ones this
    // version holds alive by looking them up as RulePtrs.
    t.rules.reserve(raw.size());
    for (const Rule* r : raw) {
      RulePtr p = pipeline->find_rule_ptr(r);
      if (p) t.rules.push_back(std::move(p));
    }
  }
  return t;
}

DpTranslation Datapath::translate_actions(const FlowKey& flow, const ActionList& actions,
                                         uint32_t packet_len) {
  DpTranslation t;
  std::shared_ptr<const Pipeline> pipeline = versions_.load();
  t.pipeline_seq = versions_.seq();
  FrozenState st;
  st.table_id = kTableNone;
  st.metadata = flow;
  st.actions = actions;
  st.conntracked = (flow.ct_state & be32(kCsTracked)) != 0;
  std::lock_guard lock(xlate_mutex_);
  XlateIn in = xlate_in(*pipeline, flow, packet_len);
  in.frozen = &st;
  t.out = xlate(in);
  return t;
}

std::optional<FrozenState> Datapath::frozen(uint32_t recirc_id) const {
  std::lock_guard lock(xlate_mutex_);
  const FrozenState* s = recirc_.find(recirc_id);
  if (s == nullptr) return std::nullopt;
  return *s;
}

bool Datapath::push_packet_in(DpPacketIn&& pin) {
  std::lock_guard lock(pin_mutex_);
  if (pins_.size() >= cfg_.packet_in_queue) {
    pin_dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  const bool was_empty = pins_.empty();
  pins_.push_back(std::move(pin));
  if (was_empty && pin_fd_ >= 0) {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(pin_fd_, &one, sizeof one);
  }
  return true;
}

std::vector<DpPacketIn> Datapath::take_packet_ins() {
  std::lock_guard lock(pin_mutex_);
  std::vector<DpPacketIn> out;
  out.swap(pins_);
  uint64_t v;
  if (pin_fd_ >= 0) [[maybe_unused]] ssize_t n = ::read(pin_fd_, &v, sizeof v);
  return out;
}

}  // namespace dpuflow::dataplane
