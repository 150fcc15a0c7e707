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
  return format_match(m, p.tlv_map());
}

std::string format_trace_megaflow(const FlowKey& flow, const FlowMask& wc, const Pipeline& p) {
  Match m;
  m.mask = wc;
  apply_mask(flow, wc, m.value);
  return format_match(m, p.tlv_map());
}

void TextTracer::on_table(int depth, uint8_t table, const Rule* rule) {
  text_ += indent(depth) + fmt::format("{:2}. ", table);
  if (rule == nullptr) {
    text_ += "No match.\n";
    return;
  }
  std::string match = format_match(rule->spec.match, pipeline_.tlv_map());
  if (!match.empty()) text_ += match + ", ";
  text_ += fmt::format("priority {}", rule->spec.priority);
  if (rule->spec.cookie != 0) text_ += fmt::format(", cookie {:#x}", rule->spec.cookie);
  text_ += '\n';
}

void TextTracer::on_action(int depth, const Action& action) {
  text_ += indent(depth) + "    " + format_actions(ActionList{action}, pipeline_.tlv_map()) + '\n';
}

void TextTracer::on_note(int depth, const std::string& text) {
  text_ += indent(depth) + "    " + text + '\n';
}

void TextTracer::on_thaw(uint8_t table) {
  text_ += fmt::format("    thaw\n        Resuming from table {}\n", table);
}

}  // namespace dpuflow::control
