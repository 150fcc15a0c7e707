// Daemon: DPDK ports and PMD threads.  The EAL starts with the first port
// (a daemon without ports never touches DPDK, so the minimal form runs
// anywhere); ports are added and removed at run time with the PMDs paused
// around the change, and each port's rx queue goes to the PMD with the
// fewest queues.
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "control/daemon.h"
#include "dataplane/datapath/dpdk/dpdk_port.h"
#include "dataplane/datapath/dpdk/eal.h"
#include "dataplane/datapath/dpdk/mbuf_pool.h"
#include "dataplane/datapath/pmd.h"

namespace dpuflow::control {

using namespace dataplane;

std::optional<PortSpec> parse_port_spec(const std::string& text, std::string* error) {
  // NAME[@OFPORT]=DEVARGS
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    *error = "port \"" + text + "\": expected NAME[@OFPORT]=DEVARGS";
    return std::nullopt;
  }
  PortSpec p;
  std::string head = text.substr(0, eq);
  p.devargs = text.substr(eq + 1);
  const size_t at = head.find('@');
  if (at != std::string::npos) {
    const std::string num = head.substr(at + 1);
    unsigned v = 0;
    auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
    if (ec != std::errc() || ptr != num.data() + num.size() || v == 0 || v >= kOfppMax) {
      *error = "port \"" + text + "\": OpenFlow port \"" + num + "\" is not a number in 1-65279";
      return std::nullopt;
    }
    p.of_port = static_cast<uint16_t>(v);
    head.resize(at);
  }
  if (head.empty()) {
    *error = "port \"" + text + "\": empty name";
    return std::nullopt;
  }
  p.name = head;
  return p;
}

std::optional<std::string> Daemon::ensure_eal() {
  if (mbuf_pool_) return std::nullopt;
  EalConfig cfg;
  cfg.cores = opts_.eal_cores;
  cfg.file_prefix = fmt::format("dpuflowd-{}", getpid());
  cfg.memory_mb = opts_.eal_memory_mb;
  // Ports are hot-plugged from their devargs; scanning the PCI bus at start
  // would take over every NIC of the machine.  A PCI port (a DPU's uplink
  // or representors) needs the bus, so it stays on then.
  const bool pci = std::any_of(opts_.ports.begin(), opts_.ports.end(), [](const PortSpec& p) {
    return p.devargs.size() >= 7 && std::isxdigit(static_cast<unsigned char>(p.devargs[0])) &&
           p.devargs.find(':') != std::string::npos && p.devargs.rfind("net_", 0) != 0;
  });
  if (!pci) cfg.extra_args.push_back("--no-pci");
  for (const std::string& a : opts_.eal_args) cfg.extra_args.push_back(a);
  if (DpdkStatus st = eal_init(cfg); !st) return st.error().to_string();
  auto pool = MbufPool::create(opts_.bridge, opts_.n_mbufs);
  if (!pool) return pool.error().to_string();
  mbuf_pool_ = std::move(pool).value();
  return std::nullopt;
}

void Daemon::pause_pmds() {
  for (auto& p : pmds_) p->stop();
}

void Daemon::resume_pmds() {
  for (auto& p : pmds_) {
    if (!p->rxqs().empty()) p->start();
  }
}

std::optional<std::string> Daemon::add_port(const PortSpec& spec) {
  for (const DpPortEntry& e : dp_->ports()) {
    if (e.name == spec.name) return "port " + spec.name + " already exists";
  }
  if (auto e = ensure_eal()) return "DPDK: " + *e;
  DpdkPort::Options o;
  auto port = DpdkPort::open(spec.name, spec.devargs, o, *mbuf_pool_);
  if (!port) return port.error().to_string();
  DpPort* raw = port.value().get();
  pause_pmds();
  OdpPort odp = 0;
  if (auto e = dp_->add_port(std::move(port).value(), spec.of_port, 0, &odp)) {
    resume_pmds();
    return *e;
  }
  const uint16_t of_port = dp_->of_port_by_odp(odp);
  for (uint16_t q = 0; q < raw->n_rxq(); q++) {
    Pmd* least = std::min_element(pmds_.begin(), pmds_.end(), [](const auto& a, const auto& b) {
                   return a->rxqs().size() < b->rxqs().size();
                 })->get();
    least->add_rxq(RxqRef{raw, q, of_port});
  }
  resume_pmds();
  vlog_.log(vlog_.module_index("dpuflowd"), VlogLevel::kInfo,
            fmt::format("added port {} (OpenFlow {}, datapath {}): {}", spec.name, of_port, odp,
                        spec.devargs));
  return std::nullopt;
}

std::optional<std::string> Daemon::del_port(const std::string& name) {
  DpPort* port = nullptr;
  for (const DpPortEntry& e : dp_->ports()) {
    if (e.name == name) port = e.port;
  }
  if (port == nullptr) return "no port named " + name;
  pause_pmds();
  for (auto& p : pmds_) {
    std::vector<RxqRef> keep;
    for (const RxqRef& r : p->rxqs()) {
      if (r.port != port) keep.push_back(r);
    }
    p->clear_rxqs();
    for (const RxqRef& r : keep) p->add_rxq(r);
  }
  auto err = dp_->remove_port(name);  // closes the device (DpdkPort's destructor)
  resume_pmds();
  if (err) return *err;
  vlog_.log(vlog_.module_index("dpuflowd"), VlogLevel::kInfo, fmt::format("deleted port {}", name));
  return std::nullopt;
}

void Daemon::register_port_commands() {
  must(commands_.add("dpuflow/add-port", "NAME DEVARGS [OFPORT]", 2, 3,
                     [this](std::span<const std::string> args) {
    PortSpec p;
    p.name = args[0];
    p.devargs = args[1];
    if (args.size() == 3) {
      std::string err;
      auto parsed = parse_port_spec(args[0] + "@" + args[2] + "=" + args[1], &err);
      if (!parsed) return CommandResult::failure(err);
      p = *parsed;
    }
    if (auto e = add_port(p)) return CommandResult::failure(*e);
    return CommandResult::success();
  }));
  must(commands_.add("dpuflow/del-port", "NAME", 1, 1, [this](std::span<const std::string> args) {
    if (auto e = del_port(args[0])) return CommandResult::failure(*e);
    return CommandResult::success();
  }));
  must(commands_.add("dpif-netdev/pmd-rxq-show", "[-pmd core] [dp]", 0, 3,
                     [this](std::span<const std::string>) {
    std::string out;
    for (const auto& p : pmds_) {
      out += fmt::format("pmd thread numa_id 0 core_id {}:\n  isolated : false\n",
                         p->core() >= 0 ? p->core() : static_cast<int>(p->id()));
      for (const RxqRef& r : p->rxqs()) {
        out += fmt::format("  port: {:<16} queue-id: {:>2} (enabled)\n", r.port->name(), r.queue);
      }
    }
    return CommandResult::success(out);
  }));
}

}  // namespace dpuflow::control
