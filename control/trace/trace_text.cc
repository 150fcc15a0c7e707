#include "control/trace/trace_text.h"

#include <fmt/format.h>

#include <cstring>

#include "control/openflow/action_text.h"
#include "control/openflow/match_text.h"
#include "dataplane/flow/match.h"
#include "dataplane/pipeline/pipeline.h"

namespace dpuflow::control {

using namespace dataplane;

namespace {

template <typename T>
void mask_all(T& field) {
  std::memset(&field, 0xff, sizeof field);
}
template <typename T>
void unmask(T& field) {
  std::memset(&field, 0, sizeof field);
}
template <typename T>
bool is_zero(const T& field) {
  T zero{};
  return std::memcmp(&field, &zero, sizeof field) == 0;
}

bool tunnel_dst_set(const FlowKey& f) { return f.tun_dst != 0 || !is_zero(f.tun_ipv6_dst); }

// The fields a packet of this kind has, as OVS's flow_wildcards_init_for_packet()
// decides, plus registers and metadata (match_wc_init).
FlowMask packet_mask(const FlowKey& f) {
  FlowMask m{};
  if (tunnel_dst_set(f)) {
    if ((host16(f.tun_flags) & kTnlFKey) != 0) mask_all(m.tun_id);
    mask_all(m.tun_src);
    mask_all(m.tun_dst);
    mask_all(m.tun_ipv6_src);
    mask_all(m.tun_ipv6_dst);
    mask_all(m.tun_flags);
    mask_all(m.tun_tos);
    mask_all(m.tun_ttl);
    mask_all(m.tun_tp_src);
    mask_all(m.tun_tp_dst);
    mask_all(m.tun_gbp_id);
    mask_all(m.tun_gbp_flags);
    if (f.tun_metadata_present != 0) {
      m.tun_metadata_present = f.tun_metadata_present;
      mask_all(m.tun_metadata);
    }
  } else if (f.tun_id != 0) {
    mask_all(m.tun_id);
  }
  mask_all(m.metadata);
  mask_all(m.regs);
  mask_all(m.skb_priority);
  mask_all(m.pkt_mark);
  mask_all(m.ct_state);
  mask_all(m.ct_zone);
  mask_all(m.ct_mark);
  mask_all(m.ct_label);
  mask_all(m.recirc_id);
  mask_all(m.dp_hash);
  mask_all(m.in_port);
  mask_all(m.packet_type);
  if (f.packet_type != be32(kPtEth)) return m;
  mask_all(m.dl_dst);
  mask_all(m.dl_src);
  mask_all(m.dl_type);
  for (int i = 0; i < 2; ++i) {
    mask_all(m.vlans[i]);
    if (f.vlans[i].tci == 0) break;
  }
  const uint16_t dl_type = host16(f.dl_type);
  if (dl_type == kEthTypeIp) {
    mask_all(m.nw_src);
    mask_all(m.nw_dst);
    mask_all(m.ct_nw_src);
    mask_all(m.ct_nw_dst);
  } else if (dl_type == kEthTypeIpv6) {
    mask_all(m.ipv6_src);
    mask_all(m.ipv6_dst);
    mask_all(m.ipv6_label);
    const uint8_t icmp_type = static_cast<uint8_t>(host16(f.tp_src));
    if (f.nw_proto == kIpProtoIcmpv6 && f.tp_dst == 0 &&
        (icmp_type == 135 || icmp_type == 136)) {
      mask_all(m.arp_sha);
      mask_all(m.arp_tha);
      mask_all(m.nd_target);
    } else {
      mask_all(m.ct_ipv6_src);
      mask_all(m.ct_ipv6_dst);
    }
  } else if (dl_type == kEthTypeArp || dl_type == kEthTypeRarp) {
    mask_all(m.nw_src);
    mask_all(m.nw_dst);
    mask_all(m.nw_proto);
    mask_all(m.arp_sha);
    mask_all(m.arp_tha);
    return m;
  } else {
    return m;
  }
  m.nw_frag = kFragMask;
  mask_all(m.nw_tos);
  mask_all(m.nw_ttl);
  mask_all(m.nw_proto);
  mask_all(m.ct_nw_proto);
  mask_all(m.ct_tp_src);
  mask_all(m.ct_tp_dst);
  const uint8_t p = f.nw_proto;
  if ((f.nw_frag & kFragLater) == 0 &&
      (p == kIpProtoIcmp || p == kIpProtoIcmpv6 || p == kIpProtoTcp || p == kIpProtoUdp ||
       p == kIpProtoSctp || p == 2 /* IGMP */)) {
    mask_all(m.tp_src);
    mask_all(m.tp_dst);
    if (p == kIpProtoTcp) mask_all(m.tcp_flags);
  }
  return m;
}

}  // namespace

std::string format_trace_flow(const FlowKey& flow, const Pipeline& p) {
  // OVS flow_format(): the packet's fields, leaving out context fields
  // that are zero.
  Match m;
  m.mask = packet_mask(flow);
  FlowMask& wc = m.mask;
  if (flow.in_port == 0) unmask(wc.in_port);
  if (flow.skb_priority == 0) unmask(wc.skb_priority);
  if (flow.pkt_mark == 0) unmask(wc.pkt_mark);
  if (flow.recirc_id == 0) unmask(wc.recirc_id);
  if (flow.dp_hash == 0) unmask(wc.dp_hash);
  if (flow.ct_state == 0) unmask(wc.ct_state);
  if (flow.ct_zone == 0) unmask(wc.ct_zone);
  if (flow.ct_mark == 0) unmask(wc.ct_mark);
  if (is_zero(flow.ct_label)) unmask(wc.ct_label);
  const bool ct_valid = (host32(flow.ct_state) & kCsTracked) != 0 &&
                        (host32(flow.ct_state) & kCsInvalid) == 0;
  if (!ct_valid || flow.ct_nw_proto == 0) {
    unmask(wc.ct_nw_proto);
    unmask(wc.ct_tp_src);
    unmask(wc.ct_tp_dst);
    if (is_ip(flow)) {
      unmask(wc.ct_nw_src);
      unmask(wc.ct_nw_dst);
    } else if (is_ipv6(flow)) {
      unmask(wc.ct_ipv6_src);
      unmask(wc.ct_ipv6_dst);
    }
  }
  for (int i = 0; i < kNumRegs; ++i) {
    if (flow.regs[i] == 0) wc.regs[i] = 0;
  }
  if (flow.metadata == 0) unmask(wc.metadata);
  apply_mask(flow, m.mask, m.value);
  std::string s = format_match(m, p.tlv_map());
  if (tunnel_dst_set(flow)) {
    // OVS's flow also carries ERSPAN and GTP-U tunnel fields, shown (as 0)
    // for any received tunnel packet; dpuflow has neither tunnel type.
    const size_t at = s.find("tun_flags=");
    if (at != std::string::npos) s.insert(at, "tun_erspan_ver=0,gtpu_flags=0,gtpu_msgtype=0,");
  }
  return s;
}

std::string format_trace_megaflow(const FlowKey& flow, const FlowMask& wc, const Pipeline& p) {
  Match m;
  m.mask = wc;
  apply_mask(flow, wc, m.value);
  return format_match(m, p.tlv_map());
}

// OVS oftrace node types, as far as rendering needs them.
enum NodeType : int { kTable, kAction, kDetail, kThaw, kBridge };

struct TextTracer::Node {
  int type;
  std::string text;
  NodeList subs;
};

TextTracer::TextTracer(const Pipeline& p) : pipeline_(p), root_(std::make_unique<NodeList>()) {
  stack_.push_back(root_.get());
}
TextTracer::~TextTracer() = default;

TextTracer::Node& TextTracer::add(int type, std::string text) {
  stack_.back()->push_back(std::make_unique<Node>(Node{type, std::move(text), {}}));
  return *stack_.back()->back();
}

void TextTracer::on_table(int /*depth*/, uint8_t table, const Rule* rule) {
  std::string s = fmt::format("{:2}. ", table);
  if (rule == nullptr) {
    // OVS runs its table-miss rule, which has no actions.
    Node& n = add(kTable, s + "No match.");
    n.subs.push_back(std::make_unique<Node>(Node{kAction, "drop", {}}));
    stack_.push_back(&n.subs);
    return;
  } else {
    std::string match = format_match(rule->spec.match, pipeline_.tlv_map());
    if (!match.empty()) s += match + ", ";
    s += fmt::format("priority {}", rule->spec.priority);
    if (rule->spec.cookie != 0) s += fmt::format(", cookie {:#x}", rule->spec.cookie);
  }
  Node& n = add(kTable, std::move(s));
  stack_.push_back(&n.subs);
}

void TextTracer::on_table_done() {
  if (stack_.size() > 1) stack_.pop_back();
}

void TextTracer::on_action(int /*depth*/, const Action& action) {
  add(kAction, format_actions(ActionList{action}, pipeline_.tlv_map()));
  // OVS runs ct()'s nat as a nested action and reports it on its own line
  // (the exec actions report themselves as xlate runs them).
  if (const auto* ct = std::get_if<ActCt>(&action); ct != nullptr && ct->has_nat) {
    ActCt nat_only;
    nat_only.has_nat = true;
    nat_only.nat = ct->nat;
    std::string s = format_actions(ActionList{nat_only}, pipeline_.tlv_map());  // "ct(nat...)"
    add(kAction, s.substr(3, s.size() - 4));
  }
}

void TextTracer::on_note(int /*depth*/, const std::string& text) {
  // Details print as " -> text"; other notes ("drop") as actions do.
  std::string_view t = text;
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  if (t.starts_with("->")) {
    t.remove_prefix(2);
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    add(kDetail, std::string(t));
  } else {
    add(kAction, std::string(t));
  }
}

void TextTracer::on_thaw(uint8_t table) {
  Node& n = add(kThaw, "thaw");
  n.subs.push_back(
      std::make_unique<Node>(Node{kThaw, fmt::format("Resuming from table {}", table), {}}));
}

void TextTracer::on_normal_bridge(const std::string& bridge) {
  Node& b = add(kBridge, fmt::format("bridge(\"{}\")", bridge));
  auto table = std::make_unique<Node>(Node{kTable, " 0. priority 0", {}});
  table->subs.push_back(std::make_unique<Node>(Node{kAction, "NORMAL", {}}));
  table->subs.push_back(
      std::make_unique<Node>(Node{kDetail, "no learned MAC for destination, flooding", {}}));
  b.subs.push_back(std::move(table));
}

std::string TextTracer::text() const {
  std::string out;
  // Same rule as OVS's oftrace_node_print_details(): a node is indented one
  // more step unless it is the last of its list and not a leaf; its
  // children one step further again.
  struct R {
    static void run(const NodeList& nodes, int level, std::string& out) {
      for (size_t i = 0; i < nodes.size(); ++i) {
        const Node& n = *nodes[i];
        const bool terminal = n.type == kAction || n.type == kDetail;
        const int more = (i + 1 < nodes.size() || terminal) ? 1 : 0;
        const std::string indent(static_cast<size_t>(4 * (level + more)), ' ');
        if (n.type == kBridge) {
          out += "\n" + indent + n.text + "\n" + indent + std::string(n.text.size(), '-') + "\n";
        } else {
          out += indent + (n.type == kDetail ? " -> " + n.text : n.text) + "\n";
        }
        run(n.subs, level + 2 * more, out);
      }
    }
  };
  R::run(*root_, 0, out);
  return out;
}

}  // namespace dpuflow::control
