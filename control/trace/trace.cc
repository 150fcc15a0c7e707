#include "control/trace/trace.h"

#include <fmt/format.h>

#include <arpa/inet.h>

#include <cstdlib>
#include <cstring>
#include <deque>

#include "control/trace/trace_text.h"
#include "dataplane/pipeline/pipeline.h"
#include "dataplane/pipeline/recirc.h"
#include "dataplane/pipeline/xlate.h"

namespace dpuflow::control {

using namespace dataplane;

namespace {

constexpr const char* kCtNames[] = {"new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat"};

std::string rule_line_sep() { return std::string(79, '='); }

// OVS oftrace_print_ip_flow(): the addresses and ports NAT rewrites.
std::string ip_flow_text(const FlowKey& f, bool ipv6) {
  char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
  if (!ipv6) {
    inet_ntop(AF_INET, &f.nw_src, a, sizeof a);
    inet_ntop(AF_INET, &f.nw_dst, b, sizeof b);
    return fmt::format("nw_src={},tp_src={},nw_dst={},tp_dst={}", a, host16(f.tp_src), b,
                       host16(f.tp_dst));
  }
  inet_ntop(AF_INET6, f.ipv6_src, a, sizeof a);
  inet_ntop(AF_INET6, f.ipv6_dst, b, sizeof b);
  return fmt::format("ipv6_src=[{}],tp_src={},ipv6_dst=[{}],tp_dst={}", a, host16(f.tp_src), b,
                     host16(f.tp_dst));
}

struct PendingFork {
  CtFork fork;
  ActNat nat;
  bool has_nat_range = false;
};

}  // namespace

std::optional<uint32_t> parse_ct_state_flags(std::string_view text, std::string* error) {
  if (text.empty()) {
    *error = "empty ct_state";
    return std::nullopt;
  }
  if (text[0] >= '0' && text[0] <= '9') {
    char* end = nullptr;
    std::string s(text);
    unsigned long v = std::strtoul(s.c_str(), &end, 0);
    if (*end) {
      *error = fmt::format("\"{}\": invalid ct_state", text);
      return std::nullopt;
    }
    return static_cast<uint32_t>(v);
  }
  uint32_t state = 0;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ',' || text[i] == '|' || text[i] == '+')) ++i;
    size_t j = i;
    while (j < text.size() && text[j] != ',' && text[j] != '|' && text[j] != '+') ++j;
    if (j == i) break;
    std::string_view name = text.substr(i, j - i);
    bool found = false;
    for (int b = 0; b < 8; ++b) {
      if (name == kCtNames[b]) {
        state |= 1u << b;
        found = true;
      }
    }
    if (!found) {
      *error = fmt::format("\"{}\": unknown ct_state flag (allowed: new, est, rel, rpl, inv, trk, "
                           "snat, dnat)",
                           name);
      return std::nullopt;
    }
    i = j;
  }
  return state;
}

std::string format_ct_state_flags(uint32_t state, char sep) {
  std::string s;
  for (int b = 0; b < 32; ++b) {
    if (!(state & (1u << b))) continue;
    if (!s.empty()) s += sep;
    s += b < 8 ? kCtNames[b] : fmt::format("0x{:x}", 1u << b);
  }
  return s;
}

TraceResult run_trace(const Pipeline& pipeline, const PortTable& ports, const FlowKey& flow,
                      const TraceOptions& opts) {
  TraceResult res;
  RecircTable recirc(opts.first_recirc_id);
  std::deque<PendingFork> queue;
  size_t next_ct = 0;
  std::string& out = res.text;

  auto run_pass = [&](const FlowKey& f, const FrozenState* frozen, uint32_t recirc_id) {
    TextTracer tracer(pipeline);
    XlateIn in;
    in.pipeline = &pipeline;
    in.ports = &ports;
    in.recirc = &recirc;
    in.flow = f;
    in.frozen = frozen;
    in.tracer = &tracer;
    in.allow_side_effects = opts.packet_len != 0;
    in.packet_len = opts.packet_len;
    uint32_t first_id = recirc.next_id();
    out += "Flow: " + format_trace_flow(f, pipeline) + "\n\n";
    out += fmt::format("bridge(\"{}\")\n", opts.bridge);
    out += std::string(16 + opts.bridge.size() - 6, '-') + "\n";
    XlateOut x = xlate(in);
    out += tracer.text();
    out += "\nFinal flow: ";
    out += x.final_flow == f ? std::string("unchanged") : format_trace_flow(x.final_flow, pipeline);
    out += "\n";
    TracePass pass;
    pass.recirc_id = recirc_id;
    pass.flow = f;
    pass.megaflow = x.wc;
    pass.actions = x.actions;
    pass.actions_text = format_dp_actions(x.actions);
    pass.megaflow_text = format_trace_megaflow(f, x.wc, pipeline);
    pass.error = x.error;
    pass.first_recirc_id = first_id;
    pass.allow_side_effects = in.allow_side_effects;
    if (frozen) {
      pass.has_frozen = true;
      pass.frozen = *frozen;
    }
    out += "Megaflow: " + pass.megaflow_text + "\n";
    out += "Datapath actions: " + pass.actions_text + "\n";
    if (!x.error.empty()) {
      out += fmt::format("Translation failed ({}), packet is dropped.\n", x.error);
    } else if (x.slow & kSlowAction) {
      out += "This flow is handled by the userspace slow path because it:\n"
             "  - Uses action(s) not supported by datapath.\n";
    }
    res.passes.push_back(std::move(pass));
    for (const CtFork& fork : x.ct_forks) {
      PendingFork p;
      p.fork = fork;
      queue.push_back(p);
    }
  };

  run_pass(flow, nullptr, 0);
  while (!queue.empty()) {
    PendingFork p = std::move(queue.front());
    queue.pop_front();
    FlowKey f = p.fork.flow;
    f.recirc_id = be32(p.fork.recirc_id);
    f.ct_zone = be16(p.fork.zone);
    out += "\n" + rule_line_sep() + fmt::format("\nrecirc({:#x})", p.fork.recirc_id);
    uint32_t state;
    if (next_ct < opts.ct_next.size()) {
      state = opts.ct_next[next_ct++];
      out += " - resume conntrack with ct_state=" + format_ct_state_flags(state, '|');
    } else {
      state = kCsTracked | kCsNew;
      out += " - resume conntrack with default ct_state=trk|new (use --ct-next to customize)";
    }
    f.ct_state = be32(state);
    out += "\n";
    if (p.fork.has_nat) {
      // As OVS: the first address/port of a NAT range stands for the
      // translation, so later passes match the flows the real one would.
      const ActNat& n = p.fork.nat_action;
      const bool range = p.fork.nat_range;
      out += "Replacing src/dst IP/ports to simulate NAT:\n Initial flow: ";
      out += range ? ip_flow_text(f, n.ipv6) : "";
      out += "\n";
      if (range) {
        if (!n.ipv6) {
          if (n.flags & ActNat::kSrc) f.nw_src = be32(n.ipv4_min);
          if (n.flags & ActNat::kDst) f.nw_dst = be32(n.ipv4_min);
        } else {
          if (n.flags & ActNat::kSrc) std::memcpy(f.ipv6_src, n.ipv6_min, 16);
          if (n.flags & ActNat::kDst) std::memcpy(f.ipv6_dst, n.ipv6_min, 16);
        }
        if (n.port_min) {
          if (n.flags & ActNat::kSrc) f.tp_src = be16(n.port_min);
          if (n.flags & ActNat::kDst) f.tp_dst = be16(n.port_min);
        }
      }
      out += " Modified flow: ";
      out += range ? ip_flow_text(f, n.ipv6) : "";
      out += "\n";
    }
    out += rule_line_sep() + "\n\n";
    const FrozenState* st = recirc.find(p.fork.recirc_id);
    run_pass(f, st, p.fork.recirc_id);
  }
  return res;
}

}  // namespace dpuflow::control
