#include "control/openflow/switch.h"

#include <fmt/format.h>

#include "control/openflow/ofp10.h"
#include "control/openflow/ofp_wire.h"
#include "control/openflow/ofp_flow.h"
#include "control/openflow/ofp_group.h"
#include "control/openflow/ofp_meter.h"
#include "control/openflow/ofp_msg.h"
#include "control/openflow/ofp_packet.h"
#include "control/openflow/ofp_tlv.h"

namespace dpuflow::control {

using namespace dataplane;
using wire::rd16;
using wire::rd32;

namespace {

constexpr uint32_t kMaxMeters = 200000;       // what METER_FEATURES reports (OVS: 200000)

std::vector<uint8_t> hello_failed(uint8_t version, uint32_t xid, uint32_t theirs) {
  std::vector<uint8_t> b;
  put_header(b, OfpHeader{version, kOfptError, 0, xid});
  wire::Out o{b};
  o.u16(0);  // OFPET_HELLO_FAILED
  o.u16(0);  // OFPHFC_INCOMPATIBLE
  const std::string text = fmt::format(
      "We support versions 0x04, 0x06, you support bitmap {:#x}, no common versions.", theirs);
  b.insert(b.end(), text.begin(), text.end());
  o.patch_len(2, 0);
  return b;
}

}  // namespace

OfpError to_ofp_error(OfpErr e) {
  switch (e) {
    case OfpErr::kBadConjunction: return OfpError::kBadConjunction;
    case OfpErr::kBadOutGroup: return OfpError::kBadOutGroup;
    case OfpErr::kOverlap: return OfpError::kFlowModOverlap;
    case OfpErr::kGroupExists: return OfpError::kGroupExists;
    case OfpErr::kInvalidGroup: return OfpError::kInvalidGroup;
    case OfpErr::kUnknownGroup: return OfpError::kUnknownGroup;
    case OfpErr::kUnknownBucket: return OfpError::kUnknownBucket;
    case OfpErr::kBucketExists: return OfpError::kBucketExists;
    case OfpErr::kMeterExists: return OfpError::kMeterExists;
    case OfpErr::kInvalidMeter: return OfpError::kInvalidMeter;
    case OfpErr::kUnknownMeter: return OfpError::kUnknownMeter;
    case OfpErr::kOutOfMeters: return OfpError::kOutOfMeters;
    case OfpErr::kTlvAlreadyMapped: return OfpError::kTlvAlreadyMapped;
    case OfpErr::kTlvDupEntry: return OfpError::kTlvDupEntry;
    case OfpErr::kTlvBadOptLen: return OfpError::kTlvBadOptLen;
    case OfpErr::kTlvTableFull: return OfpError::kTlvTableFull;
  }
  return OfpError::kFlowModUnknown;
}

OfSwitch::OfSwitch(std::string bridge, uint64_t datapath_id, PipelineVersions& versions)
    : bridge_(std::move(bridge)), datapath_id_(datapath_id), versions_(versions) {}

int64_t OfSwitch::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
      .count();
}

Pipeline& OfSwitch::staged() {
  if (!staged_) {
    staged_.emplace(versions_.copy());
    staged_since_ = Clock::now();
  }
  return *staged_;
}

void OfSwitch::flush_if_older(Clock::duration max_age) {
  if (staged_ && Clock::now() - staged_since_ >= max_age) flush();
}

void OfSwitch::flush() {
  if (!staged_) return;
  versions_.publish(std::make_shared<const Pipeline>(std::move(*staged_)));
  staged_.reset();
  ++counters_.publications;
}

void OfSwitch::error(OfSession& s, OfpError e, std::span<const uint8_t> msg,
                     std::vector<std::vector<uint8_t>>& out) {
  ++counters_.errors_sent;
  // OVS encodes an error in the offending message's version (vconn_recv,
  // ofperr_encode_reply), which differs from the session's only for
  // OFPBRC_BAD_VERSION.
  const uint8_t version = msg.size() >= kOfpHeaderLen && (msg[0] == kOfp10 || msg[0] == kOfp13 ||
                                                          msg[0] == kOfp15)
                              ? msg[0]
                              : (s.version != 0 ? s.version : kOfp15);
  if (log_ && msg.size() >= kOfpHeaderLen) {
    log_(OfLogLevel::kInfo,
         fmt::format("sent {} for a message of type {} (xid {:#x}, {} bytes, OpenFlow {:#04x})",
                     ofp_error_name(e), msg[1], rd32(&msg[4]), msg.size(), msg[0]));
  }
  out.push_back(encode_error(version, e, msg));
}

bool OfSwitch::handle(OfSession& s, std::span<const uint8_t> msg,
                      std::vector<std::vector<uint8_t>>& out) {
  ++counters_.messages;
  const auto h = peek_header(msg);
  if (!h) return true;  // the connection frames messages; never shorter than a header
  if (s.version == 0) {
    if (h->type != kOfptHello) {
      // OVS waits for HELLO; anything else first is a protocol error.
      out.push_back(encode_error(kOfp15, OfpError::kBadType, msg));
      return false;
    }
    const uint32_t theirs = hello_versions(msg);
    s.version = negotiate_version(kVersions, theirs);
    if (s.version == 0) {
      out.push_back(hello_failed(h->version, h->xid, theirs));
      return false;
    }
    return true;
  }
  if (h->version != s.version) {
    // HELLO, ERROR and ECHO pass in any version (OVS vconn_recv); an echo
    // is answered in its own version.
    if (h->type == kOfptEchoRequest) {
      out.push_back(encode_echo_reply(msg));
    } else if (h->type != kOfptHello && h->type != kOfptError && h->type != kOfptEchoReply) {
      error(s, OfpError::kBadVersion, msg, out);
    }
    return true;
  }
  if (s.version == kOfp10) {
    handle10(s, msg, out);
    return true;
  }
  switch (h->type) {
    case kOfptHello:
    case kOfptEchoReply:
      return true;
    case kOfptEchoRequest:
      out.push_back(encode_echo_reply(msg));
      return true;
    case kOfptFeaturesRequest:
      if (msg.size() != kOfpHeaderLen) {
        error(s, OfpError::kBadLen, msg, out);
        return true;
      }
      out.push_back(encode_features_reply(s.version, h->xid, datapath_id_, kTablesReported));
      return true;
    case kOfptGetConfigRequest:
      out.push_back(encode_get_config_reply(s.version, h->xid, s.config_flags, s.miss_send_len));
      return true;
    case kOfptSetConfig:
      if (msg.size() != 12) {
        error(s, OfpError::kBadLen, msg, out);
        return true;
      }
      s.config_flags = rd16(&msg[8]);
      s.miss_send_len = rd16(&msg[10]);
      return true;
    case kOfptBarrierRequest:
      if (msg.size() != kOfpHeaderLen) {
        error(s, OfpError::kBadLen, msg, out);
        return true;
      }
      // Every earlier message is applied (to the staged copy, which every
      // reader on this thread sees).  See the design note on publication.
      out.push_back(encode_empty(s.version, kOfptBarrierReply, h->xid));
      return true;
    case kOfptFlowMod:
    case kOfptGroupMod: {
      BundledMsg m;
      if (auto e = decode_bundled(msg, m)) {
        error(s, *e, msg, out);
        return true;
      }
      if (auto e = apply(staged(), m)) error(s, *e, msg, out);
      return true;
    }
    case kOfptMeterMod: {
      WireError we;
      auto mm = decode_meter_mod(msg, &we);
      if (!mm) {
        error(s, we.code, msg, out);
        return true;
      }
      ++counters_.meter_mods;
      if (auto st = staged().apply(*mm)) error(s, to_ofp_error(st->code), msg, out);
      return true;
    }
    case kOfptPacketOut:
      packet_out(s, msg, out);
      return true;
    case kOfptMultipartRequest:
      multipart(s, msg, out);
      return true;
    case kOfptExperimenter:
      experimenter(s, msg, out);
      return true;
    case kOfptBundleControl:
      if (s.version < kOfp15) break;
      bundle_control(s, msg, out);
      return true;
    case kOfptBundleAddMessage:
      if (s.version < kOfp15) break;
      bundle_add(s, msg, out);
      return true;
    default:
      break;
  }
  error(s, OfpError::kBadType, msg, out);
  return true;
}

std::optional<OfpError> OfSwitch::decode_bundled(std::span<const uint8_t> inner, BundledMsg& m) {
  WireError we;
  const TlvMap& tlv = staged_ ? staged_->tlv_map() : versions_.load()->tlv_map();
  if (inner[1] == kOfptFlowMod) {
    m.flow_mod = decode_flow_mod(inner, tlv, &we);
    if (!m.flow_mod) return we.code;
    return std::nullopt;
  }
  if (inner[1] == kOfptGroupMod) {
    m.group_mod = decode_group_mod(inner, tlv, &we);
    if (!m.group_mod) return we.code;
    return std::nullopt;
  }
  return OfpError::kBundleMsgUnsup;
}

std::optional<OfpError> OfSwitch::apply(Pipeline& p, BundledMsg& m, bool consume) {
  PipelineStatus st;
  if (m.flow_mod) {
    ++counters_.flow_mods;
    // Table 254 is the last one OVS reports, its read-only internal table
    // (ofproto add_flow_init: OFPBRC_EPERM); we keep it unused likewise.
    const auto cmd = m.flow_mod->command;
    if (m.flow_mod->spec.table == kTablesReported &&
        (cmd == FlowModCommand::kAdd || cmd == FlowModCommand::kModify ||
         cmd == FlowModCommand::kModifyStrict)) {
      return OfpError::kEperm;
    }
    st = consume ? p.apply(std::move(*m.flow_mod), nullptr, now_ms())
                 : p.apply(*m.flow_mod, nullptr, now_ms());
  } else if (m.group_mod) {
    ++counters_.group_mods;
    st = p.apply(*m.group_mod);
  }
  if (st) return to_ofp_error(st->code);
  return std::nullopt;
}

void OfSwitch::multipart(OfSession& s, std::span<const uint8_t> msg,
                         std::vector<std::vector<uint8_t>>& out) {
  if (msg.size() < 16) {
    error(s, OfpError::kBadLen, msg, out);
    return;
  }
  flush();
  const uint32_t xid = rd32(&msg[4]);
  const uint16_t type = rd16(&msg[8]);
  const auto body = msg.subspan(16);
  const auto p = versions_.load();
  std::vector<std::vector<uint8_t>> entries;
  auto reply = [&] {
    for (auto& m : encode_multipart_reply(s.version, type, xid, entries)) out.push_back(std::move(m));
  };
  bool break_with_len_error = false;  // a request with a body it must not have
  switch (type) {
    case kMpDesc:
      if (!body.empty()) break_with_len_error = true;
      if (break_with_len_error) break;
      entries.push_back(encode_desc_body("dpuflow", "dpuflow DPU dataplane", DPUFLOW_VERSION,
                                         "None", "None"));
      reply();
      return;
    case kMpFlow:
    case kMpAggregate: {
      WireError we;
      auto req = decode_flow_stats_request(body, p->tlv_map(), &we);
      if (!req) {
        error(s, we.code, msg, out);
        return;
      }
      if (req->table != kTableAll && req->table >= kNumTables) {
        error(s, OfpError::kBadTableId, msg, out);
        return;
      }
      const auto rules = p->select_rules(req->table, req->match, req->cookie, req->cookie_mask,
                                         req->out_port, req->out_group);
      if (type == kMpAggregate) {
        uint64_t packets = 0, bytes = 0;
        for (const auto& r : rules) {
          packets += r->counters.n_packets.load(std::memory_order_relaxed);
          bytes += r->counters.n_bytes.load(std::memory_order_relaxed);
        }
        entries.emplace_back();
        encode_aggregate_reply(packets, bytes, static_cast<uint32_t>(rules.size()), s.version,
                               entries.back());
        reply();
        return;
      }
      const auto stats = flow_stats(rules);
      for (size_t i = 0; i < rules.size(); ++i) {
        entries.emplace_back();
        encode_flow_stats_entry(rules[i]->spec, stats[i], s.version, p->tlv_map(), entries.back());
      }
      reply();
      return;
    }
    case kMpTable:
      for (int t = 0; t < kTablesReported; ++t) {
        entries.emplace_back();
        encode_table_stats_entry(static_cast<uint8_t>(t),
                                 static_cast<uint32_t>(p->table(static_cast<uint8_t>(t)).size()),
                                 0, 0, entries.back());
      }
      reply();
      return;
    case kMpPortStats: {
      // Request body: port_no (OFPP_ANY for all).
      const uint32_t port = body.size() >= 4 ? rd32(body.data()) : 0xffffffff;
      for (const PortStats& ps : all_port_stats(port)) {
        entries.emplace_back();
        encode_port_stats_entry(ps, s.version, entries.back());
      }
      reply();
      return;
    }
    case kMpPortDesc: {
      for (const PortDesc& d : all_port_descs()) {
        entries.emplace_back();
        encode_port_desc_entry(d, s.version, entries.back());
      }
      reply();
      return;
    }
    case kMpTableFeatures:
      if (!body.empty()) {
        // Changing table features is not supported (OVS: OFPTFFC_EPERM).
        error(s, OfpError::kTableFeaturesBadTable, msg, out);
        return;
      }
      for (int t = 0; t < kTablesReported; ++t) {
        entries.emplace_back();
        encode_table_features_entry(static_cast<uint8_t>(t), s.version, 1000000, entries.back());
      }
      reply();
      return;
    case kMpGroupDesc: {
      const uint32_t id = decode_group_desc_request(body, s.version);
      for (const GroupSpec* g : p->groups()) {
        if (id != kGroupAll && g->group_id != id) continue;
        entries.emplace_back();
        encode_group_desc_entry(*g, s.version, p->tlv_map(), entries.back());
      }
      reply();
      return;
    }
    case kMpGroup: {
      const uint32_t id = body.size() >= 4 ? rd32(&body[0]) : kGroupAll;
      for (const GroupSpec* g : p->groups()) {
        if (id != kGroupAll && g->group_id != id) continue;
        // ref_count: the flows whose actions name the group.
        const auto refs = p->select_rules(kTableAll, Match{}, 0, 0, kOfppNone, g->group_id).size();
        entries.emplace_back();
        encode_group_stats_entry(g->group_id, static_cast<uint32_t>(refs), g->buckets.size(), 0,
                                 entries.back());
      }
      reply();
      return;
    }
    case kMpGroupFeatures:
      entries.emplace_back();
      encode_group_features_reply(s.version, entries.back());
      reply();
      return;
    case kMpMeterConfig: {
      const uint32_t id = decode_meter_request(body);
      for (const MeterSpec* m : p->meters()) {
        if (id != kMeterAll && m->meter_id != id) continue;
        entries.emplace_back();
        encode_meter_config_entry(*m, entries.back());
      }
      reply();
      return;
    }
    case kMpMeterFeatures:
      entries.emplace_back();
      encode_meter_features_reply(kMaxMeters, entries.back());
      reply();
      return;
    default:
      break;
  }
  error(s, break_with_len_error ? OfpError::kBadLen : OfpError::kBadMultipart, msg, out);
}

std::vector<FlowStats> OfSwitch::flow_stats(const std::vector<RulePtr>& rules) const {
  const int64_t now = now_ms();
  std::vector<FlowStats> out;
  out.reserve(rules.size());
  for (const auto& r : rules) {
    FlowStats st;
    const int64_t age_ms = std::max<int64_t>(0, now - r->created_ms);
    st.duration_sec = static_cast<uint32_t>(age_ms / 1000);
    st.duration_nsec = static_cast<uint32_t>(age_ms % 1000 * 1000000);
    const int64_t used = std::max(r->counters.used_ms.load(std::memory_order_relaxed), r->created_ms);
    st.idle_age_sec = static_cast<uint32_t>(std::max<int64_t>(0, now - used) / 1000);
    st.n_packets = r->counters.n_packets.load(std::memory_order_relaxed);
    st.n_bytes = r->counters.n_bytes.load(std::memory_order_relaxed);
    out.push_back(st);
  }
  return out;
}

PortDesc OfSwitch::local_port() const {
  PortDesc local;
  local.port_no = kOfppLocal;
  local.name = bridge_;
  local.hw_addr = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
  local.config = 1;  // OFPPC_PORT_DOWN: no datapath port behind it yet
  local.state = 1;   // OFPPS_LINK_DOWN
  return local;
}

std::vector<PortDesc> OfSwitch::all_port_descs() const {
  std::vector<PortDesc> out{local_port()};
  if (port_source_.desc) {
    for (PortDesc& d : port_source_.desc()) out.push_back(std::move(d));
  }
  return out;
}

std::vector<PortStats> OfSwitch::all_port_stats(uint32_t port) const {
  std::vector<PortStats> all;
  PortStats local;
  local.port_no = kOfppLocal;
  all.push_back(local);
  if (port_source_.stats) {
    for (PortStats& p : port_source_.stats()) all.push_back(p);
  }
  // OFPP_ANY (1.1+: 0xffffffff) or OFPP_NONE (1.0: 0xffff) asks for all.
  if (port == 0xffffffff || port == 0xffff) return all;
  std::vector<PortStats> one;
  for (const PortStats& p : all) {
    const uint32_t n = p.port_no == kOfppLocal ? 0xfffffffe : p.port_no;
    if (n == port || p.port_no == port) one.push_back(p);
  }
  return one;
}

void OfSwitch::packet_out(OfSession& s, std::span<const uint8_t> msg,
                          std::vector<std::vector<uint8_t>>& out) {
  WireError we;
  const TlvMap& tlv = staged_ ? staged_->tlv_map() : versions_.load()->tlv_map();
  std::optional<PacketOut> po = decode_packet_out(msg, tlv, &we);
  if (!po) {
    error(s, we.code, msg, out);
    return;
  }
  if (!packet_out_handler_) {
    ++counters_.packet_outs_unexecuted;
    return;
  }
  // The datapath translates with the published pipeline: publish what this
  // connection staged first (OVS runs a packet-out after earlier flow_mods).
  flush();
  if (std::optional<OfpError> e = packet_out_handler_(*po)) {
    error(s, *e, msg, out);
    return;
  }
  ++counters_.packet_outs;
}

void OfSwitch::experimenter(OfSession& s, std::span<const uint8_t> msg,
                            std::vector<std::vector<uint8_t>>& out) {
  if (msg.size() < 16) {
    error(s, OfpError::kBadLen, msg, out);
    return;
  }
  const uint32_t vendor = rd32(&msg[8]);
  const uint32_t sub = rd32(&msg[12]);
  if (vendor == kOnfVendor) {
    if (sub == 2300) {
      bundle_control(s, msg, out);
    } else if (sub == 2301) {
      bundle_add(s, msg, out);
    } else {
      error(s, OfpError::kBadExpType, msg, out);
    }
    return;
  }
  if (vendor != wire::kNxVendor) {
    error(s, OfpError::kBadExperimenter, msg, out);
    return;
  }
  const uint32_t xid = rd32(&msg[4]);
  switch (sub) {
    case kNxtSetPacketInFormat:
      if (msg.size() != 20 || rd32(&msg[16]) > 2) {
        error(s, OfpError::kEperm, msg, out);
        return;
      }
      s.packet_in_format = rd32(&msg[16]);
      return;
    case kNxtSetControllerId:
      if (msg.size() != 24) {
        error(s, OfpError::kBadLen, msg, out);
        return;
      }
      s.controller_id = rd16(&msg[22]);
      return;
    case kNxtTlvTableRequest:
      flush();
      out.push_back(encode_tlv_table_reply(versions_.load()->tlv_map(), s.version, xid));
      return;
    case kNxtTlvTableMod: {
      WireError we;
      auto tm = decode_tlv_table_mod(msg, &we);
      if (!tm) {
        error(s, we.code, msg, out);
        return;
      }
      if (auto st = staged().apply(*tm)) error(s, to_ofp_error(st->code), msg, out);
      return;
    }
    case kNxtCtFlushZone:
    case kNxtCtFlush:
      // No connection tracker runs yet (a later issue): nothing to flush.
      return;
    case kNxtResume: {
      // A continuation is the datapath's (its recirculation id); without a
      // datapath no continuation was ever sent, so every one is stale.
      WireError we;
      const auto r = decode_resume(msg, versions_.load()->tlv_map(), &we);
      if (!r) {
        error(s, we.code, msg, out);
        return;
      }
      if (!resume_handler_) {
        error(s, OfpError::kResumeStale, msg, out);
        return;
      }
      flush();
      if (std::optional<OfpError> e = resume_handler_(*r)) {
        error(s, *e, msg, out);
        return;
      }
      ++counters_.resumes;
      return;
    }
    default:
      break;
  }
  error(s, OfpError::kBadExpType, msg, out);
}

void OfSwitch::bundle_control(OfSession& s, std::span<const uint8_t> msg,
                              std::vector<std::vector<uint8_t>>& out) {
  WireError we;
  auto c = decode_bundle_ctrl(msg, &we);
  if (!c) {
    error(s, we.code, msg, out);
    return;
  }
  const uint32_t xid = rd32(&msg[4]);
  auto it = s.bundles.find(c->bundle_id);
  auto reply = [&](BundleCtrlType t) {
    out.push_back(encode_bundle_ctrl(BundleCtrl{c->bundle_id, t, c->flags}, s.version, xid));
  };
  switch (c->type) {
    case BundleCtrlType::kOpenRequest:
      if (it != s.bundles.end()) {
        // OVS ofp_bundle_open(): OFPBFC_BAD_ID, and the open bundle is gone.
        s.bundles.erase(it);
        error(s, OfpError::kBundleBadId, msg, out);
        return;
      }
      s.bundles[c->bundle_id].flags = c->flags;
      reply(BundleCtrlType::kOpenReply);
      return;
    case BundleCtrlType::kCloseRequest:
      if (it == s.bundles.end()) {
        error(s, OfpError::kBundleBadId, msg, out);
        return;
      }
      if (it->second.closed) {
        error(s, OfpError::kBundleClosed, msg, out);
        return;
      }
      if (it->second.flags != c->flags) {
        error(s, OfpError::kBundleBadFlags, msg, out);
        return;
      }
      it->second.closed = true;
      reply(BundleCtrlType::kCloseReply);
      return;
    case BundleCtrlType::kDiscardRequest:
      if (it == s.bundles.end()) {
        error(s, OfpError::kBundleBadId, msg, out);
        return;
      }
      s.bundles.erase(it);
      reply(BundleCtrlType::kDiscardReply);
      return;
    case BundleCtrlType::kCommitRequest: {
      if (it == s.bundles.end()) {
        error(s, OfpError::kBundleBadId, msg, out);
        return;
      }
      Bundle b = std::move(it->second);
      s.bundles.erase(it);
      Pipeline copy = staged();
      for (BundledMsg& m : b.msgs) {
        // The bundle is discarded either way: its flow_mods may be consumed.
        if (auto e = apply(copy, m, /*consume=*/true)) {
          error(s, *e, std::span(b.arena).subspan(m.raw_ofs, m.raw_len), out);
          error(s, OfpError::kBundleMsgFailed, msg, out);
          ++counters_.bundles_failed;
          if (log_) {
            log_(OfLogLevel::kWarn,
                 fmt::format("bundle {} not committed: message {} of {} failed with {}; nothing "
                             "changed",
                             c->bundle_id, &m - b.msgs.data() + 1, b.msgs.size(),
                             ofp_error_name(*e)));
          }
          return;
        }
      }
      staged_ = std::move(copy);
      flush();
      ++counters_.bundles_committed;
      reply(BundleCtrlType::kCommitReply);
      return;
    }
    default:
      break;
  }
  error(s, OfpError::kBundleBadType, msg, out);
}

void OfSwitch::bundle_add(OfSession& s, std::span<const uint8_t> msg,
                          std::vector<std::vector<uint8_t>>& out) {
  WireError we;
  auto a = decode_bundle_add(msg, &we);
  if (!a) {
    error(s, we.code, msg, out);
    return;
  }
  auto it = s.bundles.find(a->bundle_id);
  if (it == s.bundles.end()) {
    // OVS opens a bundle implicitly on its first message.
    it = s.bundles.emplace(a->bundle_id, Bundle{a->flags, false, {}, {}}).first;
  } else if (it->second.closed) {
    error(s, OfpError::kBundleClosed, msg, out);
    return;
  } else if (it->second.flags != a->flags) {
    error(s, OfpError::kBundleBadFlags, msg, out);
    return;
  }
  BundledMsg m;
  if (auto e = decode_bundled(a->inner, m)) {
    error(s, *e, msg, out);
    return;
  }
  Bundle& b = it->second;
  m.raw_ofs = b.arena.size();
  m.raw_len = a->inner.size();
  b.arena.insert(b.arena.end(), a->inner.begin(), a->inner.end());
  b.msgs.push_back(std::move(m));
}

}  // namespace dpuflow::control
