// The control-socket commands of dpuflowd, with OVS's names, argument
// counts and output formats (ovs-vswitchd(8), ovs-appctl(8)).
#include <unistd.h>

#include <fmt/format.h>

#include "control/daemon.h"
#include "control/openflow/action_text.h"
#include "control/openflow/match_text.h"
#include "control/trace/scenario.h"
#include "control/trace/trace.h"

namespace dpuflow::control {

using namespace dataplane;

void must(std::optional<std::string> err) {
  // Registration errors are programming errors (duplicate names); fail loudly.
  if (err) {
    fmt::print(stderr, "dpuflowd: command registry: {}\n", *err);
    std::abort();
  }
}

void Daemon::register_commands() {
  must(commands_.add("exit", "[--cleanup]", 0, 1, [this](std::span<const std::string>) {
    request_exit();
    return CommandResult::success();
  }));
  must(commands_.add("ofproto/list", "", 0, 0, [this](std::span<const std::string>) {
    return CommandResult::success(opts_.bridge + "\n");
  }));
  must(commands_.add("memory/show", "", 0, 0, [this](std::span<const std::string>) {
    const auto p = switch_->snapshot();
    return CommandResult::success(fmt::format(
        "groups:{} meters:{} ofconns:{} ports:1 rules:{}\n", p->groups().size(),
        p->meters().size(), of_server_->n_connections(), p->n_rules()));
  }));
  must(commands_.add("coverage/show", "", 0, 0, [this](std::span<const std::string>) {
    // Totals only: dpuflowd does not keep per-interval rates (yet).
    const auto& c = switch_->counters();
    const auto& s = of_server_->counters();
    std::string out = "Event coverage (totals since start):\n";
    auto line = [&](const char* name, uint64_t v) {
      out += fmt::format("{:<30} total: {}\n", name, v);
    };
    line("ofconn_accepted", s.accepted);
    line("ofconn_closed", s.closed);
    line("ofconn_framing_error", s.framing_errors);
    line("ofconn_throttled", s.throttled_rounds);
    line("ofproto_recv_openflow", c.messages);
    line("ofproto_error_sent", c.errors_sent);
    line("ofproto_flow_mod", c.flow_mods);
    line("ofproto_group_mod", c.group_mods);
    line("ofproto_meter_mod", c.meter_mods);
    line("ofproto_bundle_commit", c.bundles_committed);
    line("ofproto_bundle_failed", c.bundles_failed);
    line("ofproto_packet_out", c.packet_outs);
    line("ofproto_packet_out_unexecuted", c.packet_outs_unexecuted);
    line("ofproto_resume", c.resumes);
    line("ofproto_publish", c.publications);
    line("ofconn_async_sent", s.async_sent);
    line("ofconn_async_dropped", s.async_dropped);
    line("packet_in_unencodable", packet_ins_unencodable_);
    line("packet_in_queue_full", dp_->packet_ins_dropped());
    return CommandResult::success(out);
  }));
  must(commands_.add("bridge/dump-flows", "[--offload-stats] bridge", 1, 2,
                     [this](std::span<const std::string> args) {
    const std::string& br = args.back();
    if (br != opts_.bridge) return CommandResult::failure("no such bridge");
    const auto p = switch_->snapshot();
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now().time_since_epoch())
                         .count();
    std::string out;
    for (const RulePtr& r : p->select_rules(kTableAll, Match{}, 0, 0, kOfppNone, kGroupAny)) {
      const std::string m = format_match(r->spec.match, p->tlv_map(), r->spec.priority);
      out += fmt::format("duration={}s, n_packets={}, n_bytes={}, {}{}{}actions={}\n",
                         std::max<int64_t>(0, now - r->created_ms) / 1000,
                         r->counters.n_packets.load(), r->counters.n_bytes.load(),
                         r->spec.table != 0 ? fmt::format("table_id={}, ", r->spec.table) : "",
                         m, m.empty() ? "" : ",", format_actions(r->spec.actions, p->tlv_map()));
    }
    return CommandResult::success(out);
  }));
  must(commands_.add("ofproto/trace", "{[dp_name] odp_flow | bridge br_flow} [OPTIONS...]", 1, 10,
                     [this](std::span<const std::string> args) {
    // ofproto/trace [BRIDGE] FLOW [--ct-next FLAGS]...
    std::vector<std::string> pos;
    TraceOptions opts;
    opts.bridge = opts_.bridge;
    std::string err;
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i] == "--ct-next") {
        if (i + 1 == args.size()) return CommandResult::failure("--ct-next needs an argument");
        auto st = parse_ct_state_flags(args[++i], &err);
        if (!st) return CommandResult::failure("--ct-next: " + err);
        opts.ct_next.push_back(*st);
      } else {
        pos.push_back(args[i]);
      }
    }
    if (pos.empty() || pos.size() > 2) {
      return CommandResult::failure("usage: ofproto/trace [BRIDGE] FLOW [--ct-next FLAGS]...");
    }
    if (pos.size() == 2 && pos[0] != opts_.bridge) {
      return CommandResult::failure(fmt::format("{}: no such bridge", pos[0]));
    }
    const auto p = switch_->snapshot();
    auto key = parse_trace_flow(p->tlv_map(), pos.back(), &err);
    if (!key) return CommandResult::failure(err);
    PortTable ports;  // no datapath ports yet
    return CommandResult::success(run_trace(*p, ports, *key, opts).text);
  }));
  must(commands_.add("vlog/list", "", 0, 0, [this](std::span<const std::string>) {
    return CommandResult::success(vlog_.list());
  }));
  must(commands_.add("vlog/set", "{spec | PATTERN:destination:pattern}", 0, 100,
                     [this](std::span<const std::string> args) {
    for (const std::string& a : args) {
      if (auto err = vlog_.set(a)) return CommandResult::failure(*err);
    }
    return CommandResult::success();
  }));
}

}  // namespace dpuflow::control
