// Translation of OpenFlow actions into datapath actions.  Structure and
// semantics follow OVS 3.1's ofproto-dpif-xlate (our own code): a context
// carries the flow as modified so far, the "base" flow the emitted datapath
// actions produce, the megaflow mask and the output list; freezing records
// what must run after a recirculation.
#include "dataplane/pipeline/xlate.h"

#include <fmt/format.h>

#include <cstring>

#include "dataplane/flow/field_text.h"
#include "dataplane/flow/match.h"
#include "dataplane/flow/subfield.h"
#include "dataplane/pipeline/commit.h"
#include "dataplane/pipeline/pipeline.h"
#include "dataplane/pipeline/xlate_internal.h"

namespace dpuflow::dataplane {
namespace {

constexpr int kMaxDepth = 64;
constexpr int kMaxResubmits = kMaxDepth * kMaxDepth;
constexpr uint8_t kReasonAction = 1;      // OFPR_ACTION
constexpr uint8_t kReasonInvalidTtl = 2;  // OFPR_INVALID_TTL
constexpr uint8_t kReasonGroup = 4;

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

XlateCtx::XlateCtx(const XlateIn& in_, XlateOut& out_)
    : in(in_), out(out_), flow(in_.flow), base(in_.flow), wc(out_.wc), odp(&out_.actions) {
  // The datapath never has tunnel metadata on a packet it is about to send;
  // tunnel sets are not committed as set actions here.
  std::memset(&base.tun_id, 0, offsetof(FlowKey, metadata) - offsetof(FlowKey, tun_id));
}

const ResolvedField XlateCtx::resolve(FieldId id) const {
  auto r = resolve_field(field_desc(id), &pipeline_tlv(*in.pipeline));
  if (r) return *r;
  // An unmapped tun_metadata: a zero-width field (reads 0, writes nothing).
  return ResolvedField{&field_desc(id), 0, 0, 0, 0};
}

void XlateCtx::note(const std::string& s) {
  if (in.tracer) in.tracer->on_note(depth, s);
}

void XlateCtx::commit() { out.slow |= commit_odp_actions(flow, base, wc, *odp); }

DpAction& XlateCtx::emit(DpActionType t) {
  odp->emplace_back();
  odp->back().type = t;
  return odp->back();
}

// --- wildcard helpers -------------------------------------------------------

void XlateCtx::mask_subfield_wc(const Subfield& sf) {
  ResolvedField f = resolve(sf.field);
  if (!f.n_bytes) return;
  mask_subfield(f, sf, wc);
  mark_tun_metadata_present(sf.field);
}

void XlateCtx::mark_tun_metadata_present(FieldId id) {
  int idx = static_cast<int>(id) - static_cast<int>(FieldId::kTunMetadata0);
  if (idx >= 0 && idx < kNumTunMetadata) wc.tun_metadata_present |= uint64_t{1} << idx;
}

void XlateCtx::set_tun_metadata_present(FieldId id) {
  int idx = static_cast<int>(id) - static_cast<int>(FieldId::kTunMetadata0);
  if (idx >= 0 && idx < kNumTunMetadata) flow.tun_metadata_present |= uint64_t{1} << idx;
}

// --- freezing -----------------------------------------------------------------

void XlateCtx::trigger_freeze() {
  exit = true;
  freezing = true;
}

void XlateCtx::unroll(const ActionList& acts, size_t from) {
  for (size_t i = from; i < acts.size(); ++i) {
    const Action& a = acts[i];
    if (const auto* g = std::get_if<ActGotoTable>(&a)) {
      ActResubmit r;
      r.table = g->table;
      frozen_actions.emplace_back(r);
      continue;
    }
    if (const auto* wm = std::get_if<ActWriteMetadata>(&a)) {
      ActSetField sf;
      sf.field = FieldId::kMetadata;
      sf.value = FieldValue::from_u64(wm->value, 8);
      sf.mask = FieldValue::from_u64(wm->mask, 8);
      frozen_actions.emplace_back(sf);
      continue;
    }
    if (const auto* r = std::get_if<ActResubmit>(&a); r && r->table == kTableNone) {
      // Relative to the current table: pin it.
      ActResubmit pinned = *r;
      pinned.table = table_id;
      frozen_actions.emplace_back(pinned);
      continue;
    }
    frozen_actions.push_back(a);
  }
}

uint32_t XlateCtx::finish_freezing_at(uint8_t table) {
  FrozenState st;
  st.table_id = table;
  st.metadata = frozen_metadata(flow);
  st.stack = stack;
  st.actions = frozen_actions;
  st.conntracked = conntracked;
  st.rule_cookie = rule_cookie;
  if (pause) st.userdata = pause->userdata;
  uint32_t id = in.recirc ? in.recirc->alloc(std::move(st)) : 0;
  if (pause) {
    // A paused controller action only reaches the controller with side
    // effects allowed; a trace shows nothing (OVS prints "drop").
    if (in.allow_side_effects) {
      DpAction& a = emit(DpActionType::kUserspace);
      a.userspace.reason = pause->reason;
      a.userspace.continuation = true;
      a.userspace.recirc_id = id;
      a.userspace.rule_cookie = rule_cookie;
      a.userspace.controller_id = pause->controller_id;
      a.userspace.max_len = pause->max_len;
    }
  } else {
    if (recirc_update_dp_hash) {
      DpAction& h = emit(DpActionType::kHash);
      h.hash_alg = dp_hash_alg;
      h.hash_basis = dp_hash_basis;
    }
    emit(DpActionType::kRecirc).id = id;
  }
  cancel_freeze();
  return id;
}

void XlateCtx::finish_freezing() {
  commit();
  finish_freezing_at(0);
}

void XlateCtx::cancel_freeze() {
  if (!freezing) return;
  freezing = false;
  recirc_update_dp_hash = false;
  frozen_actions.clear();
  pause = nullptr;
}

// --- tables -------------------------------------------------------------------

bool XlateCtx::resource_check() {
  if (depth >= kMaxDepth) {
    fail(fmt::format("over max translation depth {}", kMaxDepth));
    return false;
  }
  if (resubmits >= kMaxResubmits) {
    fail(fmt::format("over {} resubmit actions", kMaxResubmits));
    return false;
  }
  return true;
}

void XlateCtx::fail(const std::string& why) {
  if (out.error.empty()) out.error = why;
  note(why);
}

static void tuple_swap(FlowKey& f, bool ipv4) {
  std::swap(f.nw_proto, f.ct_nw_proto);
  if (ipv4) {
    std::swap(f.nw_src, f.ct_nw_src);
    std::swap(f.nw_dst, f.ct_nw_dst);
  } else {
    std::swap(f.ipv6_src, f.ct_ipv6_src);
    std::swap(f.ipv6_dst, f.ct_ipv6_dst);
  }
  std::swap(f.tp_src, f.ct_tp_src);
  std::swap(f.tp_dst, f.ct_tp_dst);
}

void XlateCtx::table_action(uint16_t in_port, uint8_t table, bool with_ct_orig, bool last) {
  if (!resource_check()) return;
  uint8_t old_table = table_id;
  table_id = table;
  if (with_ct_orig) {
    if (flow.ct_nw_proto == 0 || !is_ip_any(flow)) {
      fail("resubmit(ct) with non-tracked or non-IP packet!");
      table_id = old_table;
      return;
    }
    bool ipv4 = is_ip(flow);
    tuple_swap(flow, ipv4);
    tuple_swap(wc, ipv4);
  }
  uint16_t saved_in_port = flow.in_port;
  flow.in_port = be16(in_port);
  const Rule* rule = pipeline_lookup(*in.pipeline, table, flow, &wc);
  flow.in_port = saved_in_port;
  if (with_ct_orig) {
    bool ipv4 = is_ip(flow);
    tuple_swap(flow, ipv4);
    tuple_swap(wc, ipv4);
  }
  if (in.tracer) in.tracer->on_table(depth, table, rule);
  if (rule) {
    bool deepens = table <= old_table;
    const Rule* old_rule = this->rule;
    uint64_t old_cookie = rule_cookie;
    ++resubmits;
    depth += deepens;
    this->rule = rule;
    rule_cookie = rule->spec.cookie;
    do_actions(rule->spec.actions, last);
    rule_cookie = old_cookie;
    this->rule = old_rule;
    depth -= deepens;
  }
  if (in.tracer) in.tracer->on_table_done();
  table_id = old_table;
}

// --- output -------------------------------------------------------------------

void XlateCtx::output_action(uint16_t port, uint16_t max_len, bool last, bool group_bucket) {
  switch (port) {
    case kOfppInPort:
      compose_output(host16(flow.in_port), last);
      break;
    case kOfppTable:
      table_action(host16(flow.in_port), 0, false, false);
      break;
    case kOfppNormal:
      note("NORMAL forwarding is not supported on this bridge; dropping");
      break;
    case kOfppFlood:
    case kOfppAll:
      flood(last);
      break;
    case kOfppController:
      controller(max_len, in_packet_out ? 3 /* PACKET_OUT */ : group_bucket ? kReasonGroup : kReasonAction,
                 0, kMeterNone, {});
      break;
    case kOfppNone:
      break;
    default:
      if (port != host16(flow.in_port)) {
        compose_output(port, last);
      } else {
        note("skipping output to input port");
      }
      break;
  }
}

void XlateCtx::flood(bool last) {
  const XlatePort* prev = nullptr;
  for (const XlatePort& p : in.ports->all()) {
    if (p.of_port == host16(flow.in_port) || p.of_port == kOfppLocal) continue;
    if (prev) compose_output(prev->of_port, false);
    prev = &p;
  }
  if (prev) compose_output(prev->of_port, last);
}

void XlateCtx::compose_output(uint16_t of_port, bool last) {
  const XlatePort* port = in.ports ? in.ports->find_of(of_port) : nullptr;
  if (!port) {
    note(fmt::format("output to nonexistent port {}", of_port));
    return;
  }
  if (port->is_patch) {
    patch_output(*port);
    return;
  }
  if (port->is_tunnel) {
    tunnel_output(*port, last);
    return;
  }
  commit();
  emit(DpActionType::kOutput).port = port->odp_port;
}

// A patch port to a bridge whose only flow is NORMAL with an empty MAC table
// (OVN's provider bridge): the packet floods to the peer's other ports.
void XlateCtx::patch_output(const XlatePort& port) {
  if (port.peer_flood.empty()) {
    note(fmt::format("patch port {}: peer bridge {} has no other port", port.name, port.peer_bridge));
    return;
  }
  FlowKey saved = flow;
  // The peer's NORMAL action examines the Ethernet addresses and VLAN.
  std::memset(wc.dl_src, 0xff, 6);
  std::memset(wc.dl_dst, 0xff, 6);
  wc.vlans[0].tci |= be16(0x1fff);
  commit();
  if (in.tracer) in.tracer->on_normal_bridge(port.peer_bridge);
  for (OdpPort p : port.peer_flood) emit(DpActionType::kOutput).port = p;
  flow = saved;
}

void XlateCtx::tunnel_output(const XlatePort& port, bool last) {
  const TunnelPortConfig& cfg = port.tunnel;
  FlowKey saved_flow = flow;
  // tnl_port_send(): set the tunnel metadata for this port.
  flow.tun_src = cfg.local_ip;
  flow.tun_dst = cfg.remote_ip;
  if (!cfg.key_flow) flow.tun_id = be64(cfg.out_key);
  flow.tun_ttl = cfg.ttl;
  flow.tun_tos = cfg.tos;
  if (is_ip_any(flow)) {
    wc.nw_tos |= 0x03;  // ECN is always inherited
    uint8_t ecn = flow.nw_tos & 0x03;
    flow.tun_tos |= ecn == 0x03 ? 0x02 : ecn;
  }
  flow.tun_flags = be16((cfg.dont_fragment ? kTnlFDontFragment : 0) | (cfg.csum ? kTnlFCsum : 0) |
                        kTnlFKey);
  if (!cfg.underlay_known) {
    note(fmt::format("native tunnel routing failed: no underlay configured for {}", port.name));
    flow = saved_flow;
    return;
  }
  if (in.tracer) {
    auto ip = [](uint32_t be) {
      const uint32_t h = host32(be);
      return fmt::format("{}.{}.{}.{}", h >> 24, (h >> 16) & 0xff, (h >> 8) & 0xff, h & 0xff);
    };
    auto mac = [](const uint8_t* m) {
      return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4],
                         m[5]);
    };
    note("-> output to native tunnel");
    note(fmt::format("-> tunneling to {} via {}", ip(cfg.remote_ip), cfg.underlay_bridge));
    note(fmt::format("-> tunneling from {} {} to {} {}", mac(cfg.src_mac), ip(cfg.local_ip),
                     mac(cfg.dst_mac), ip(cfg.remote_ip)));
  }
  commit();
  DpActions* outer = odp;
  DpActions clone_list;
  if (!last) odp = &clone_list;
  DpAction& a = emit(DpActionType::kTnlPush);
  a.tnl_push.tnl_port = cfg.tnl_odp_port;
  a.tnl_push.out_port = cfg.bridge_odp_port;
  a.tnl_push.tnl_type = cfg.type;
  a.tnl_push.header = build_tunnel_header(cfg);
  if (in.tracer) in.tracer->on_normal_bridge(cfg.underlay_bridge);
  for (OdpPort p : cfg.underlay_out) emit(DpActionType::kOutput).port = p;
  if (!last) {
    odp = outer;
    DpAction& c = emit(DpActionType::kClone);
    c.nested = std::move(clone_list);
  }
  flow = saved_flow;
}

std::vector<uint8_t> XlateCtx::build_tunnel_header(const TunnelPortConfig& cfg) const {
  std::vector<uint8_t> h;
  auto put16 = [&](uint16_t v) {
    h.push_back(static_cast<uint8_t>(v >> 8));
    h.push_back(static_cast<uint8_t>(v));
  };
  auto put_be32 = [&](uint32_t be) {
    const auto* b = reinterpret_cast<const uint8_t*>(&be);
    h.insert(h.end(), b, b + 4);
  };
  // Geneve options from tun_metadata, in TLV-map index order.
  std::vector<uint8_t> opts;
  bool crit = false;
  if (cfg.type == kOdpTnlTypeGeneve) {
    const TlvMap& tlv = pipeline_tlv(*in.pipeline);
    for (int i = 0; i < kNumTunMetadata; ++i) {
      if (!(flow.tun_metadata_present & (uint64_t{1} << i)) || !tlv.mapped(i)) continue;
      const TlvMapping& m = tlv.mapping(i);
      opts.push_back(static_cast<uint8_t>(m.opt_class >> 8));
      opts.push_back(static_cast<uint8_t>(m.opt_class));
      opts.push_back(m.opt_type);
      opts.push_back(static_cast<uint8_t>(m.length / 4));
      if (m.opt_type & 0x80) crit = true;
      opts.insert(opts.end(), flow.tun_metadata + m.offset, flow.tun_metadata + m.offset + m.length);
    }
  }
  // Ethernet
  h.insert(h.end(), cfg.dst_mac, cfg.dst_mac + 6);
  h.insert(h.end(), cfg.src_mac, cfg.src_mac + 6);
  put16(0x0800);
  // IPv4
  size_t l4_len = 8 + (cfg.type == kOdpTnlTypeGeneve ? 8 + opts.size() : 8);
  h.push_back(0x45);
  h.push_back(flow.tun_tos);
  put16(0);  // total length: filled per packet by the datapath
  put16(0);  // id
  put16(cfg.dont_fragment ? 0x4000 : 0);
  h.push_back(flow.tun_ttl);
  h.push_back(17);
  put16(0);  // checksum: per packet
  put_be32(flow.tun_src);
  put_be32(flow.tun_dst);
  (void)l4_len;
  // UDP: source port is computed per packet from the inner flow hash.
  put16(0);
  put16(cfg.dst_port);
  put16(0);
  put16(cfg.csum ? 0xffff : 0);
  if (cfg.type == kOdpTnlTypeGeneve) {
    h.push_back(static_cast<uint8_t>(opts.size() / 4));
    h.push_back(crit ? 0x40 : 0);
    put16(0x6558);  // Transparent Ethernet Bridging
    uint32_t vni = static_cast<uint32_t>(host64(flow.tun_id) & 0xffffff);
    h.push_back(static_cast<uint8_t>(vni >> 16));
    h.push_back(static_cast<uint8_t>(vni >> 8));
    h.push_back(static_cast<uint8_t>(vni));
    h.push_back(0);
    h.insert(h.end(), opts.begin(), opts.end());
  } else {
    put16(0x0800);
    put16(0);
    uint32_t vni = static_cast<uint32_t>(host64(flow.tun_id) & 0xffffff);
    h.push_back(static_cast<uint8_t>(vni >> 16));
    h.push_back(static_cast<uint8_t>(vni >> 8));
    h.push_back(static_cast<uint8_t>(vni));
    h.push_back(0);
  }
  return h;
}

// --- controller -------------------------------------------------------------

void XlateCtx::controller(uint16_t max_len, uint8_t reason, uint16_t controller_id,
                          uint32_t meter_id, const std::vector<uint8_t>& userdata) {
  commit();
  FrozenState st;
  st.table_id = table_id;
  st.metadata = frozen_metadata(flow);
  st.stack = stack;
  st.conntracked = conntracked;
  st.rule_cookie = rule_cookie;
  st.userdata = userdata;
  uint32_t id = in.recirc ? in.recirc->alloc(std::move(st)) : 0;
  uint32_t provider_meter = kMeterNone;
  if (meter_id != kMeterNone) provider_meter = pipeline_meter_provider_id(*in.pipeline, meter_id);
  DpActions* outer = odp;
  DpActions sample_list;
  if (provider_meter != kMeterNone) {
    odp = &sample_list;
    emit(DpActionType::kMeter).id = provider_meter;
  }
  DpAction& u = emit(DpActionType::kUserspace);
  u.userspace.reason = reason;
  u.userspace.dont_send = !in.allow_side_effects;
  u.userspace.recirc_id = id;
  u.userspace.rule_cookie = rule_cookie;
  u.userspace.controller_id = controller_id;
  u.userspace.max_len = max_len;
  if (provider_meter != kMeterNone) {
    odp = outer;
    DpAction& s = emit(DpActionType::kSample);
    s.probability = UINT32_MAX;
    s.nested = std::move(sample_list);
  }
  out.slow |= kSlowController;
}

// --- ct -------------------------------------------------------------------------

void XlateCtx::clear_conntrack() {
  flow.ct_state = 0;
  flow.ct_zone = 0;
  flow.ct_mark = 0;
  std::memset(flow.ct_label, 0, 16);
  flow.ct_nw_proto = 0;
  flow.ct_nw_src = flow.ct_nw_dst = 0;
  std::memset(flow.ct_ipv6_src, 0, 16);
  std::memset(flow.ct_ipv6_dst, 0, 16);
  flow.ct_tp_src = flow.ct_tp_dst = 0;
}

void XlateCtx::conntrack(const ActCt& ct, bool last) {
  uint16_t zone = ct.zone_imm;
  if (ct.zone_src.field != FieldId::kCount) {
    ResolvedField f = resolve(ct.zone_src.field);
    zone = static_cast<uint16_t>(read_subfield(f, ct.zone_src, flow).to_u64());
    // Registers are frozen metadata: a thawed translation need not match them.
    mask_subfield_wc(ct.zone_src);
  }
  uint32_t old_mark_mask = wc.ct_mark;
  uint8_t old_label_mask[16];
  std::memcpy(old_label_mask, wc.ct_label, 16);
  commit();
  wc.ct_mark = 0;
  std::memset(wc.ct_label, 0, 16);
  // OVS runs ct()'s nested list (nat, then exec); an empty one traces "drop".
  if (!ct.exec.empty() || !ct.has_nat) do_actions(ct.exec, last);

  DpAction& a = emit(DpActionType::kCt);
  a.ct.commit = ct.commit;
  a.ct.force = ct.force;
  a.ct.zone = zone;
  if (wc.ct_mark) {
    a.ct.has_mark = true;
    a.ct.mark = host32(flow.ct_mark & wc.ct_mark);
    a.ct.mark_mask = host32(wc.ct_mark);
  }
  bool label_masked = false;
  for (int i = 0; i < 16; ++i) label_masked |= wc.ct_label[i] != 0;
  if (label_masked) {
    a.ct.has_label = true;
    for (int i = 0; i < 16; ++i) {
      a.ct.label[i] = flow.ct_label[i] & wc.ct_label[i];
      a.ct.label_mask[i] = wc.ct_label[i];
    }
  }
  if (ct.alg == 21) a.ct.helper = "ftp";
  if (ct.alg == 69) a.ct.helper = "tftp";
  if (ct.has_nat) {
    const ActNat& n = ct.nat;
    OdpNat& o = a.ct.nat;
    o.present = true;
    if (n.flags & (ActNat::kSrc | ActNat::kDst)) {
      o.src = n.flags & ActNat::kSrc;
      o.dst = !o.src;
      o.persistent = n.flags & ActNat::kPersistent;
      o.hash = n.flags & ActNat::kHash;
      o.random = !o.hash && (n.flags & ActNat::kRandom);
      if (n.has_range) {
        o.has_addr = true;
        o.ipv6 = n.ipv6;
        o.ipv4_min = n.ipv4_min;
        o.ipv4_max = n.ipv4_max > n.ipv4_min ? n.ipv4_max : 0;
        std::memcpy(o.ipv6_min, n.ipv6_min, 16);
        if (std::memcmp(n.ipv6_max, n.ipv6_min, 16) > 0) std::memcpy(o.ipv6_max, n.ipv6_max, 16);
        o.port_min = n.port_min;
        o.port_max = n.port_max > n.port_min ? n.port_max : 0;
      }
    }
  }
  wc.ct_mark = old_mark_mask;
  std::memcpy(wc.ct_label, old_label_mask, 16);

  if (ct.recirc_table != kTableNone) {
    conntracked = true;
    // Fork: a clone recirculates and resumes at recirc_table; this packet
    // goes on with the current action list.
    freezing = true;
    FlowKey fork_flow = flow;
    uint32_t id = finish_freezing_at(ct.recirc_table);
    CtFork f;
    f.recirc_id = id;
    f.zone = zone;
    f.flow = fork_flow;
    f.has_nat = ct.has_nat;
    f.nat_range = ct.has_nat && ct.nat.has_range && (ct.nat.flags & (ActNat::kSrc | ActNat::kDst));
    f.nat_action = ct.nat;
    out.ct_forks.push_back(f);
    note(fmt::format("-> A clone of the packet is forked to recirculate. The forked pipeline "
                     "will be resumed at table {}.",
                     ct.recirc_table));
  }
  clear_conntrack();
  note("-> Sets the packet to an untracked state, and clears all the conntrack fields.");
  conntracked = false;
}

// --- groups ---------------------------------------------------------------------

void XlateCtx::group_bucket(const Bucket& b, bool last) {
  FlowKey saved = flow;
  ++depth;
  do_actions(b.actions, last, /*group_bucket=*/true);
  --depth;
  if (freezing) finish_freezing();
  flow = saved;
  exit = false;
}

bool XlateCtx::group_action(uint32_t group_id, bool last) {
  if (!resource_check()) return false;
  const GroupSpec* g = pipeline_group(*in.pipeline, group_id);
  if (!g) {
    note(fmt::format("output to nonexistent group {}", group_id));
    return true;
  }
  if (g->type == GroupType::kAll || g->type == GroupType::kIndirect) {
    for (size_t i = 0; i < g->buckets.size(); ++i)
      group_bucket(g->buckets[i], last && i + 1 == g->buckets.size());
    return false;
  }
  const Bucket* bucket = nullptr;
  if (g->type == GroupType::kSelect) {
    // OVS: dp_hash when asked for and possible; with no method given, also
    // dp_hash (symmetric L4) when at most 256 hash values suffice.
    std::vector<const Bucket*> table;
    bool explicit_dp_hash = g->selection_method == "dp_hash";
    bool use_dp_hash = (explicit_dp_hash || g->selection_method.empty()) &&
                       build_dp_hash_table(*g, explicit_dp_hash ? 0 : 256, table);
    if (use_dp_hash) {
      if (!flow.dp_hash) {
        exit = true;
        freezing = true;
        recirc_update_dp_hash = true;
        if (explicit_dp_hash) {
          uint64_t param = g->selection_method_param;
          uint32_t alg = static_cast<uint32_t>(param >> 32);
          dp_hash_alg = alg > 4 ? 0 : alg;
          dp_hash_basis = static_cast<uint32_t>(param);
        } else {
          dp_hash_alg = 1;  // symmetric L4
          dp_hash_basis = 0;
        }
      } else {
        bucket = select_dp_hash_bucket(*g);
      }
    } else {
      bucket = select_hash_bucket(*g);
    }
  } else {  // fast failover: first bucket whose watch port exists
    for (const Bucket& b : g->buckets) {
      if (b.watch_port == 0xffffffff || (in.ports && in.ports->find_of(static_cast<uint16_t>(b.watch_port)))) {
        bucket = &b;
        break;
      }
    }
  }
  if (bucket) {
    note(fmt::format("using bucket {}", bucket->bucket_id));
    group_bucket(*bucket, last);
  } else {
    note("-> no live bucket");
  }
  return false;
}

// --- the action loop ------------------------------------------------------------

void XlateCtx::do_actions(const ActionList& acts, bool is_last_action, bool group_bucket) {
  if (acts.empty()) {
    if (in.tracer) in.tracer->on_note(depth, "drop");
    return;
  }
  bool local_exit = false;
  for (size_t i = 0; i < acts.size(); ++i) {
    const Action& a = acts[i];
    bool last = is_last_action && i + 1 == acts.size();
    if (!out.error.empty()) break;
    if (exit || local_exit) {
      if (freezing) unroll(acts, i);
      break;
    }
    if (in.tracer) in.tracer->on_action(depth, a);
    bool skip_post_check = false;
    bool stop = false;
    size_t unroll_from = i;
    std::visit(
        Overloaded{
            [&](const ActOutput& o) { output_action(o.port, o.max_len, last, group_bucket); },
            [&](const ActOutputReg& o) {
              ResolvedField f = resolve(o.src.field);
              uint64_t port = read_subfield(f, o.src, flow).to_u64();
              if (port <= 0xffff) {
                mask_subfield_wc(o.src);
                output_action(static_cast<uint16_t>(port), o.max_len, last, group_bucket);
              } else {
                note(fmt::format("output port {} is out of range", port));
              }
            },
            [&](const ActController& c) {
              if (c.pause) {
                pause = &c;
                trigger_freeze();
                unroll_from = i + 1;
              } else {
                controller(c.max_len, c.reason, c.controller_id, c.meter_id, c.userdata);
              }
            },
            [&](const ActResubmit& r) {
              uint16_t port = r.in_port == kOfppInPort ? host16(flow.in_port) : r.in_port;
              uint8_t table = r.table == kTableNone ? table_id : r.table;
              table_action(port, table, r.with_ct_orig, last);
              skip_post_check = true;
            },
            [&](const ActGotoTable& g) {
              table_action(host16(flow.in_port), g.table, false, last);
              skip_post_check = true;
            },
            [&](const ActSetField& s) {
              ResolvedField f = resolve(s.field);
              if (!f.n_bytes) {
                note(fmt::format("{} is not mapped in the TLV map, set_field ignored",
                                 field_desc(s.field).name));
              } else if (prereqs_ok(*f.desc, flow, &wc)) {
                or_field_mask(f, s.mask, wc);
                mark_tun_metadata_present(s.field);
                write_field_masked(f, s.value, s.mask, flow);
                set_tun_metadata_present(s.field);
              } else {
                note(fmt::format("unmet prerequisites for {}, set_field ignored",
                                 field_desc(s.field).name));
              }
            },
            [&](const ActRegMove& m) {
              ResolvedField src = resolve(m.src.field), dst = resolve(m.dst.field);
              if (src.n_bytes && dst.n_bytes && prereqs_ok(*dst.desc, flow, &wc) &&
                  prereqs_ok(*src.desc, flow, &wc)) {
                mask_subfield_wc(m.src);
                mask_subfield_wc(m.dst);
                copy_subfield(src, m.src, dst, m.dst, flow);
                set_tun_metadata_present(m.dst.field);
                if (in.tracer) {
                  FieldValue v = read_subfield(dst, m.dst, flow);
                  note_subfield_value(m.dst, v);
                }
              }
            },
            [&](const ActStackPush& p) {
              ResolvedField f = resolve(p.src.field);
              mask_subfield_wc(p.src);
              stack.push_back(read_subfield(f, p.src, flow));
            },
            [&](const ActStackPop& p) {
              if (stack.empty()) {
                fail("stack underflow");
                return;
              }
              ResolvedField f = resolve(p.dst.field);
              mask_subfield_wc(p.dst);
              FieldValue v = stack.back();
              stack.pop_back();
              // Right-align the popped bytes into the subfield's width.
              write_subfield(f, p.dst, v, flow);
              set_tun_metadata_present(p.dst.field);
              if (in.tracer) note_subfield_value(p.dst, read_subfield(f, p.dst, flow));
            },
            [&](const ActDecTtl& d) {
              if (!is_ip_any(flow)) return;
              wc.nw_ttl = 0xff;
              if (flow.nw_ttl > 1) {
                flow.nw_ttl--;
                return;
              }
              // "dec_ttl()" (OVN) names no controller: the packet just stops.
              for (uint16_t id : d.controller_ids) {
                controller(UINT16_MAX, kReasonInvalidTtl, id, kMeterNone, {});
              }
              note(fmt::format("IPv{} decrement TTL exception", is_ip(flow) ? 4 : 6));
              stop = true;
            },
            [&](const ActPushVlan& p) {
              // flow_push_vlan_uninit: shift the stack, un-wildcard the new outer tag.
              std::memmove(&flow.vlans[1], &flow.vlans[0], sizeof flow.vlans[0]);
              std::memmove(&wc.vlans[1], &wc.vlans[0], sizeof wc.vlans[0]);
              wc.vlans[0].tpid = 0xffff;
              wc.vlans[0].tci = 0xffff;
              flow.vlans[0].tpid = be16(p.ethertype);
              flow.vlans[0].tci = be16(0x1000);
            },
            [&](const ActPopVlan&) {
              // flow_pop_vlan: un-wildcard the popped tag, shift the rest up.
              wc.vlans[0].tpid = 0xffff;
              wc.vlans[0].tci = 0xffff;
              std::memmove(&flow.vlans[0], &flow.vlans[1], sizeof flow.vlans[0]);
              std::memmove(&wc.vlans[0], &wc.vlans[1], sizeof wc.vlans[0]);
              std::memset(&flow.vlans[1], 0, sizeof flow.vlans[1]);
              std::memset(&wc.vlans[1], 0, sizeof wc.vlans[1]);
            },
            [&](const ActClone& c) { clone(c.actions, last); },
            [&](const ActGroup& g) {
              if (group_action(g.group_id, last)) stop = true;
            },
            [&](const ActMeter& m) {
              uint32_t pid = pipeline_meter_provider_id(*in.pipeline, m.meter_id);
              if (pid != kMeterNone) emit(DpActionType::kMeter).id = pid;
            },
            [&](const ActCt& ct) { conntrack(ct, last); },
            [&](const ActCtClear&) {
              if (conntracked) {
                clear_conntrack();
                emit(DpActionType::kCtClear);
                conntracked = false;
              }
            },
            [&](const ActCheckPktLarger& c) {
              check_pkt_larger(c, acts, i + 1);
              local_exit = true;
            },
            [&](const ActNote&) {},
            [&](const ActConjunction&) { note("executing no-op conjunction action"); },
            [&](const ActExit&) { exit = true; },
            [&](const ActWriteMetadata& w) {
              uint64_t m = host64(flow.metadata);
              m = (m & ~w.mask) | (w.value & w.mask);
              flow.metadata = be64(m);
            },
            [&](const ActLearn& l) { learn(l); },
        },
        a);
    if (stop) return;
    if (skip_post_check) continue;
    if (out.error.empty() && exit && frozen_actions.empty() && freezing) {
      unroll(acts, unroll_from);
      break;
    }
  }
}

void XlateCtx::note_subfield_value(const Subfield& sf, const FieldValue& v) {
  // A whole field prints in its own syntax (MAC, IP...), a part in hex.
  const ResolvedField f = resolve(sf.field);
  if (sf.ofs == 0 && sf.n_bits >= f.n_bits && f.n_bytes != 0) {
    note(fmt::format(" -> {} is now {}", format_subfield(sf),
                     format_field_value(f, read_field(f, flow))));
    return;
  }
  std::string hex;
  bool started = false;
  for (size_t i = 0; i < v.n_bytes; ++i) {
    uint8_t b = v.bytes[i];
    if (!started && b == 0) continue;
    hex += started ? fmt::format("{:02x}", b) : fmt::format("{:x}", b);
    started = true;
  }
  note(fmt::format(" -> {} is now {}", format_subfield(sf), started ? "0x" + hex : "0"));
}

// Actions whose effect on the packet a later restore of the flow undoes
// (OVS reversible_actions): a clone of only these needs no datapath clone.
static bool reversible(const ActionList& acts) {
  for (const Action& a : acts) {
    if (std::holds_alternative<ActCt>(a) || std::holds_alternative<ActMeter>(a)) return false;
  }
  return true;
}

void XlateCtx::clone(const ActionList& acts, bool last) {
  std::vector<FieldValue> old_stack = stack;
  FlowKey old_flow = flow;
  if (reversible(acts) || last) {
    do_actions(acts, last);
    if (freezing) finish_freezing();
    stack = std::move(old_stack);
    flow = old_flow;
    return;
  }
  commit();
  FlowKey old_base = base;
  bool old_conntracked = conntracked;
  DpActions* outer = odp;
  DpActions nested;
  odp = &nested;
  do_actions(acts, true);
  if (freezing) finish_freezing();
  odp = outer;
  if (!nested.empty()) {
    DpAction& c = emit(DpActionType::kClone);
    c.nested = std::move(nested);
  }
  conntracked = old_conntracked;
  base = old_base;
  stack = std::move(old_stack);
  flow = old_flow;
}

void XlateCtx::check_pkt_larger(const ActCheckPktLarger& c, const ActionList& acts, size_t rest) {
  ActionList remaining(acts.begin() + static_cast<std::ptrdiff_t>(rest), acts.end());
  std::vector<FieldValue> old_stack = stack;
  FlowKey old_flow = flow;
  commit();
  FlowKey old_base = base;
  bool old_conntracked = conntracked;
  ResolvedField dst = resolve(c.dst.field);
  DpActions* outer = odp;
  DpActions gt, le;

  odp = &gt;
  write_subfield(dst, c.dst, FieldValue::from_u64(1, 1), flow);
  do_actions(remaining, true);
  if (freezing) finish_freezing();
  base = old_base;
  conntracked = old_conntracked;
  flow = old_flow;
  stack = old_stack;
  bool old_exit = exit;
  exit = false;

  odp = &le;
  write_subfield(dst, c.dst, FieldValue::from_u64(0, 1), flow);
  do_actions(remaining, true);
  if (freezing) finish_freezing();

  odp = outer;
  DpAction& a = emit(DpActionType::kCheckPktLen);
  a.pkt_len = c.pkt_len;
  a.nested = std::move(gt);
  a.nested2 = std::move(le);
  stack = std::move(old_stack);
  base = old_base;
  conntracked = old_conntracked;
  flow = old_flow;
  exit = old_exit;
}

void XlateCtx::learn(const ActLearn& l) {
  // The megaflow must match every field the learned flow copies.
  for (const LearnSpec& s : l.specs) {
    if (!s.src_is_value && s.src.field != FieldId::kCount) mask_subfield_wc(s.src);
  }
  if (in.allow_side_effects) {
    note("learn: installing learned flows from the datapath is not implemented yet");
  }
}

// --- entry point ------------------------------------------------------------------

XlateOut xlate(const XlateIn& in) {
  XlateOut out;
  std::memset(&out.wc, 0, sizeof out.wc);
  XlateCtx ctx(in, out);
  FlowKey& flow = ctx.flow;
  FlowMask& wc = out.wc;

  // Fields always examined (xlate_wc_init).
  wc.packet_type = 0xffffffff;
  wc.in_port = 0xffff;
  wc.dl_type = 0xffff;
  if (is_ip_any(flow)) wc.nw_frag |= kFragMask;
  wc.recirc_id = 0xffffffff;
  bool from_tunnel = flow.tun_dst != 0 || flow.tun_ipv6_dst[0] != 0;
  if (from_tunnel) {
    wc.tun_id = ~uint64_t{0};
    wc.tun_src = 0xffffffff;
    wc.tun_dst = 0xffffffff;
    wc.tun_flags = be16(kTnlFDontFragment | kTnlFCsum | kTnlFKey);
    wc.tun_tos = 0xff;
    if (is_ip_any(flow) && (flow.tun_tos & 0x03) == 0x03) wc.nw_tos |= 0x03;
  }

  const ActionList* start_actions = nullptr;
  if (in.frozen) {
    const FrozenState& st = *in.frozen;
    if (in.tracer) in.tracer->on_thaw(st.table_id);
    ctx.table_id = st.table_id;
    ctx.conntracked = st.conntracked;
    if (!st.conntracked) ctx.clear_conntrack();
    // Frozen metadata: tunnel, metadata, registers, in_port.
    std::memcpy(&flow.tun_id, &st.metadata.tun_id,
                offsetof(FlowKey, skb_priority) - offsetof(FlowKey, tun_id));
    flow.in_port = st.metadata.in_port;
    ctx.stack = st.stack;
    if (!st.actions.empty()) start_actions = &st.actions;
  } else if (flow.recirc_id) {
    out.error = fmt::format("Recirculation context not found for ID {:x}", host32(flow.recirc_id));
    return out;
  } else if (flow.ct_state & be32(kCsTracked)) {
    ctx.conntracked = true;
  }

  if (start_actions) {
    ctx.do_actions(*start_actions, true);
  } else {
    const Rule* rule = pipeline_lookup(*in.pipeline, ctx.table_id, flow, &wc);
    if (in.tracer) in.tracer->on_table(0, ctx.table_id, rule);
    if (rule) {
      ctx.rule = rule;
      ctx.rule_cookie = rule->spec.cookie;
      ctx.do_actions(rule->spec.actions, true);
    }
    if (in.tracer) in.tracer->on_table_done();
  }
  if (out.error.empty() && ctx.freezing) ctx.finish_freezing();

  out.final_flow = flow;
  // xlate_wc_finish: only packet fields belong in a megaflow.
  wc.metadata = 0;
  std::memset(wc.regs, 0, sizeof wc.regs);
  wc.actset_output = 0;
  wc.conj_id = 0;
  bool icmp = (is_ip(in.flow) && in.flow.nw_proto == kIpProtoIcmp) ||
              (is_ipv6(in.flow) && in.flow.nw_proto == kIpProtoIcmpv6);
  if (icmp) {
    wc.tp_src &= be16(0x00ff);
    wc.tp_dst &= be16(0x00ff);
  }
  for (auto& v : wc.vlans)
    if (v.tci) v.tci |= be16(0x1000);
  if (in.flow.nw_frag & kFragLater) {
    wc.tp_src = 0;
    wc.tp_dst = 0;
  }
  for (int i = 0; i < 2; ++i) {
    uint16_t tpid = host16(in.flow.vlans[i].tpid);
    if (tpid != kEthTypeVlan8021Q && tpid != kEthTypeVlan8021AD) wc.vlans[i] = VlanHdr{0, 0};
  }
  if (!from_tunnel) {
    std::memset(&wc.tun_id, 0, offsetof(FlowKey, metadata) - offsetof(FlowKey, tun_id));
  } else {
    // An option matched as absent has no value to match: only its presence
    // bit stays in the megaflow (OVS prints "tun_metadataN=NP").
    const TlvMap& tlv = in.pipeline->tlv_map();
    for (int i = 0; i < kNumTunMetadata; ++i) {
      const uint64_t bit = uint64_t{1} << i;
      if ((wc.tun_metadata_present & bit) && !(in.flow.tun_metadata_present & bit) &&
          tlv.mapped(i)) {
        std::memset(wc.tun_metadata + tlv.mapping(i).offset, 0, tlv.mapping(i).length);
      }
    }
  }
  if (!out.error.empty()) {
    out.actions.clear();
  } else if (!out.actions.empty() && out.actions.back().type == DpActionType::kClone) {
    // OVS xlate_optimize_odp_actions(): a trailing clone() is redundant;
    // its actions are embedded in place.
    DpActions inner = std::move(out.actions.back().nested);
    out.actions.pop_back();
    for (DpAction& a : inner) out.actions.push_back(std::move(a));
  }
  return out;
}

}  // namespace dpuflow::dataplane
