// The OpenFlow 1.0 side of OfSwitch (what plain ovs-ofctl speaks): 1.0
// message numbers, the 1.0 statistics and the Nicira flow_mod and flow
// statistics.  See switch.h.
#include <fmt/format.h>

#include "control/openflow/ofp10.h"
#include "control/openflow/ofp_wire.h"
#include "control/openflow/ofp_msg.h"
#include "control/openflow/switch.h"

namespace dpuflow::control {

using namespace dataplane;
using wire::rd16;
using wire::rd32;

void OfSwitch::apply_flow_mod(OfSession& s, std::span<const uint8_t> msg,
                              std::optional<FlowMod> fm, const WireError& decode_error,
                              std::vector<std::vector<uint8_t>>& out) {
  if (!fm) {
    error(s, decode_error.code, msg, out);
    return;
  }
  BundledMsg m;
  m.flow_mod = std::move(fm);
  if (auto e = apply(staged(), m)) error(s, *e, msg, out);
}

void OfSwitch::handle10(OfSession& s, std::span<const uint8_t> msg,
                        std::vector<std::vector<uint8_t>>& out) {
  const uint32_t xid = rd32(&msg[4]);
  switch (msg[1]) {
    case kOfptHello:
    case kOfptEchoReply:
      return;
    case kOfptEchoRequest:
      out.push_back(encode_echo_reply(msg));
      return;
    case kOfptFeaturesRequest:
      out.push_back(encode_features_reply10(xid, datapath_id_, kTablesReported, all_port_descs()));
      return;
    case kOfptGetConfigRequest:
      out.push_back(encode_get_config_reply(s.version, xid, s.config_flags, s.miss_send_len));
      return;
    case kOfptSetConfig:
      if (msg.size() != 12) {
        error(s, OfpError::kBadLen, msg, out);
        return;
      }
      s.config_flags = rd16(&msg[8]);
      s.miss_send_len = rd16(&msg[10]);
      return;
    case kOfptPacketOut:
      packet_out(s, msg, out);
      return;
    case kOfptFlowMod: {
      WireError we;
      apply_flow_mod(s, msg, decode_ofp10_flow_mod(msg, s.flow_mod_table_id, &we), we, out);
      return;
    }
    case kOfpt10StatsRequest:
      stats10(s, msg, out);
      return;
    case kOfpt10BarrierRequest:
      out.push_back(encode_empty(kOfp10, kOfpt10BarrierReply, xid));
      return;
    case kOfptExperimenter: {
      if (msg.size() < 16 || rd32(&msg[8]) != wire::kNxVendor) break;
      const uint32_t sub = rd32(&msg[12]);
      if (sub == kNxtSetFlowFormat) {
        const uint32_t f = msg.size() >= 20 ? rd32(&msg[16]) : 99;
        if (f != kNxffOpenflow10 && f != kNxffNxm) {
          error(s, OfpError::kEperm, msg, out);
          return;
        }
        s.flow_format = f;
        return;
      }
      if (sub == kNxtFlowModTableId) {
        if (msg.size() < 17) {
          error(s, OfpError::kBadLen, msg, out);
          return;
        }
        s.flow_mod_table_id = msg[16] != 0;
        return;
      }
      if (sub == kNxtFlowMod) {
        WireError we;
        const TlvMap& tlv = staged_ ? staged_->tlv_map() : versions_.load()->tlv_map();
        apply_flow_mod(s, msg, decode_nx_flow_mod(msg, s.flow_mod_table_id, tlv, &we), we, out);
        return;
      }
      experimenter(s, msg, out);
      return;
    }
    default:
      break;
  }
  error(s, OfpError::kBadType, msg, out);
}

void OfSwitch::stats10(OfSession& s, std::span<const uint8_t> msg,
                       std::vector<std::vector<uint8_t>>& out) {
  if (msg.size() < 12) {
    error(s, OfpError::kBadLen, msg, out);
    return;
  }
  flush();
  const uint32_t xid = rd32(&msg[4]);
  const uint16_t type = rd16(&msg[8]);
  const auto p = versions_.load();
  std::vector<std::vector<uint8_t>> entries;
  auto reply = [&](std::optional<uint32_t> nx) {
    for (auto& m : encode_stats_reply10(xid, type, nx, entries)) out.push_back(std::move(m));
  };
  switch (type) {
    case kMpDesc:
      entries.push_back(encode_desc_body("dpuflow", "dpuflow DPU dataplane", DPUFLOW_VERSION,
                                         "None", "None"));
      reply(std::nullopt);
      return;
    case kMpTable:
      for (int t = 0; t < kTablesReported; ++t) {
        entries.emplace_back();
        encode_table_stats_entry10(static_cast<uint8_t>(t),
                                   static_cast<uint32_t>(p->table(static_cast<uint8_t>(t)).size()),
                                   1000000, entries.back());
      }
      reply(std::nullopt);
      return;
    case kMpPortStats: {
      // Request body (after the 12-byte stats header): port_no, OFPP_NONE for all.
      const uint32_t port = msg.size() >= 14 ? rd16(&msg[12]) : 0xffff;
      for (const PortStats& ps : all_port_stats(port)) {
        entries.emplace_back();
        encode_port_stats_entry10(ps, entries.back());
      }
      reply(std::nullopt);
      return;
    }
    case kMpPortDesc:  // OVS's OpenFlow 1.0 extension (OFPST10_PORT_DESC)
      for (const PortDesc& d : all_port_descs()) {
        entries.emplace_back();
        encode_phy_port10(d, entries.back());
      }
      reply(std::nullopt);
      return;
    case kMpExperimenter: {
      if (msg.size() < 24 || rd32(&msg[12]) != wire::kNxVendor) break;
      const uint32_t sub = rd32(&msg[16]);
      if (sub != kNxstFlow && sub != kNxstAggregate) break;
      WireError we;
      auto req = decode_nx_flow_stats_request(msg.subspan(24), p->tlv_map(), &we);
      if (!req) {
        error(s, we.code, msg, out);
        return;
      }
      const auto rules = p->select_rules(req->table, req->match, req->cookie, req->cookie_mask,
                                         req->out_port, kGroupAny);
      if (sub == kNxstAggregate) {
        uint64_t packets = 0, bytes = 0;
        for (const auto& r : rules) {
          packets += r->counters.n_packets.load(std::memory_order_relaxed);
          bytes += r->counters.n_bytes.load(std::memory_order_relaxed);
        }
        entries.emplace_back();
        wire::Out o{entries.back()};
        o.u64(packets);
        o.u64(bytes);
        o.u32(static_cast<uint32_t>(rules.size()));
        o.zeros(4);
        reply(sub);
        return;
      }
      const auto stats = flow_stats(rules);
      for (size_t i = 0; i < rules.size(); ++i) {
        entries.emplace_back();
        encode_nx_flow_stats_entry(rules[i]->spec, stats[i], p->tlv_map(), entries.back());
      }
      reply(sub);
      return;
    }
    default:
      // OFPST_FLOW/AGGREGATE with an ofp10_match are not offered: ovs-ofctl
      // switches to NXM (NXST_FLOW) when the switch has it.
      break;
  }
  error(s, OfpError::kBadMultipart, msg, out);
}

}  // namespace dpuflow::control
