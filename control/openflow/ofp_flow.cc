#include "control/openflow/ofp_flow.h"

#include <fmt/format.h>

#include "control/openflow/ofp_wire.h"
#include "control/openflow/oxm.h"

namespace dpuflow::control {

using namespace dataplane;
using namespace wire;

namespace {

constexpr uint8_t kOfptFlowMod = 14;
constexpr uint8_t kOfptMultipartRequest = 18;
constexpr uint16_t kKnownFlowModFlags = 0x1f;

// An ofp_match at `p` (OXM type); sets `*used` to its padded length.
std::optional<Match> decode_match(std::span<const uint8_t> in, size_t base, const TlvMap& tlv,
                                  size_t* used, WireError* err) {
  auto fail = [&](OfpError e, size_t at, std::string m) -> std::optional<Match> {
    if (err != nullptr) *err = WireError{e, at, std::move(m)};
    return std::nullopt;
  };
  if (in.size() < 4) return fail(OfpError::kMatchBadLen, base, "truncated match");
  const uint16_t type = rd16(in.data());
  const uint16_t len = rd16(in.data() + 2);
  // OFPMT_STANDARD (ofp11_match) must be exactly 88 bytes
  // (ofputil_pull_ofp11_match()).  OVS decodes an 88-byte one; we do not
  // decode that form and refuse it as a type we lack.
  if (type == 0 && (len != 88 || in.size() < 88)) {
    return fail(OfpError::kMatchBadLen, base, fmt::format("standard match length {}", len));
  }
  if (type != 1) return fail(OfpError::kMatchBadType, base, fmt::format("match type {}", type));
  const size_t padded = (len + 7u) / 8 * 8;
  if (len < 4 || padded > in.size()) {
    return fail(OfpError::kMatchBadLen, base, fmt::format("match length {}", len));
  }
  MatchDecodeError me;
  auto m = decode_oxm_tlvs(in.subspan(4, len - 4u), tlv, &me);
  if (!m) return fail(from_match_error(me.code), base + 4 + me.offset, me.message);
  *used = padded;
  return m;
}

}  // namespace

std::optional<FlowMod> decode_flow_mod(std::span<const uint8_t> msg, const TlvMap& tlv,
                                       WireError* err) {
  auto fail = [&](OfpError e, size_t at, std::string m) -> std::optional<FlowMod> {
    if (err != nullptr) *err = WireError{e, at, std::move(m)};
    return std::nullopt;
  };
  // ofp11_flow_mod is 48 bytes, then the match and instructions in 8-byte
  // units (ofpraw_check_length()); a 48-byte message has no match, which
  // the match decoder reports.
  if (msg.size() < 48) return fail(OfpError::kBadLen, 0, "flow_mod shorter than 48 bytes");
  if (msg.size() % 8 != 0) return fail(OfpError::kBadLen, 0, "flow_mod length not a multiple of 8");
  const uint8_t version = msg[0];
  const uint8_t* p = msg.data();
  FlowMod fm;
  // The checks run in ofputil_decode_flow_mod()'s order, so that a message
  // with several faults gets OVS's error: match, table, out_port, command,
  // instructions, flags, then the instructions against the table.
  size_t used = 0;
  auto m = decode_match(msg.subspan(48), 48, tlv, &used, err);
  if (!m) return std::nullopt;
  fm.spec.match = *m;
  const uint64_t cookie = rd64(p + 8);
  const uint64_t cookie_mask = rd64(p + 16);
  const uint8_t table = p[24];
  const uint8_t command = p[25];
  // OpenFlow 1.2+ allows table 255 (all tables) only for deletes.
  if (table == kTableAll && command != static_cast<uint8_t>(FlowModCommand::kDelete) &&
      command != static_cast<uint8_t>(FlowModCommand::kDeleteStrict)) {
    return fail(OfpError::kFlowModBadTableId, 24, "table 255 is only for deletes");
  }
  fm.spec.table = table;
  fm.spec.idle_timeout = rd16(p + 26);
  fm.spec.hard_timeout = rd16(p + 28);
  fm.spec.priority = rd16(p + 30);
  const uint32_t out_port = rd32(p + 36);
  auto op = port_from_ofp11(out_port);
  if (!op) return fail(OfpError::kBadOutPort, 36, fmt::format("out_port {:#x}", out_port));
  fm.out_port = *op;
  fm.out_group = rd32(p + 40);
  if (command > 4) {
    return fail(OfpError::kFlowModBadCommand, 25, fmt::format("command {}", command));
  }
  fm.command = static_cast<FlowModCommand>(command);
  if (version >= kOfp15 && fm.command == FlowModCommand::kAdd) fm.spec.importance = rd16(p + 46);
  if (fm.command == FlowModCommand::kAdd) {
    fm.spec.cookie = cookie;
  } else {
    fm.spec.cookie = UINT64_MAX;
    fm.cookie = cookie;
    fm.cookie_mask = cookie_mask;
  }
  WireError ie;
  auto acts = decode_instructions(msg.subspan(48 + used), version, tlv, &ie);
  if (!acts) {
    ie.offset += 48 + used;
    if (err != nullptr) *err = ie;
    return std::nullopt;
  }
  fm.spec.actions = std::move(*acts);
  fm.spec.flags = rd16(p + 44);
  if ((fm.spec.flags & ~kKnownFlowModFlags) != 0) {
    return fail(OfpError::kFlowModBadFlags, 44, fmt::format("flags {:#x}", fm.spec.flags));
  }
  for (const Action& a : fm.spec.actions) {
    if (const auto* g = std::get_if<ActGotoTable>(&a); g != nullptr && g->table <= table) {
      if (table != kTableAll) {
        return fail(OfpError::kInstBadTableId, 48 + used,
                    fmt::format("goto_table:{} from table {} (must go forward)", g->table, table));
      }
    }
  }
  return fm;
}

std::vector<uint8_t> encode_flow_mod(const FlowMod& fm, uint8_t version, uint32_t xid,
                                     const TlvMap& tlv) {
  std::vector<uint8_t> b;
  Out o{b};
  put_header(b, OfpHeader{version, kOfptFlowMod, 0, xid});
  const bool add = fm.command == FlowModCommand::kAdd;
  o.u64(add ? fm.spec.cookie : fm.cookie);
  o.u64(add ? 0 : fm.cookie_mask);
  o.u8(fm.spec.table);
  o.u8(static_cast<uint8_t>(fm.command));
  o.u16(fm.spec.idle_timeout);
  o.u16(fm.spec.hard_timeout);
  o.u16(fm.spec.priority);
  o.u32(0xffffffff);  // buffer_id
  o.u32(port_to_ofp11(fm.out_port));
  o.u32(fm.out_group);
  o.u16(fm.spec.flags);
  o.u16(version >= kOfp15 ? fm.spec.importance : 0);
  const auto m = encode_ofp_match(fm.spec.match, tlv);
  b.insert(b.end(), m.begin(), m.end());
  encode_instructions(fm.spec.actions, version, tlv, b);
  o.patch_len(2, 0);
  return b;
}

std::optional<FlowStatsRequest> decode_flow_stats_request(std::span<const uint8_t> body,
                                                          const TlvMap& tlv, WireError* err) {
  if (body.size() < 32) {
    if (err != nullptr) *err = WireError{OfpError::kBadLen, 0, "flow stats request too short"};
    return std::nullopt;
  }
  FlowStatsRequest r;
  r.table = body[0];
  auto op = port_from_ofp11(rd32(&body[4]));
  if (!op) {
    if (err != nullptr) *err = WireError{OfpError::kBadPort, 4, "out_port"};
    return std::nullopt;
  }
  r.out_port = *op;
  r.out_group = rd32(&body[8]);
  r.cookie = rd64(&body[16]);
  r.cookie_mask = rd64(&body[24]);
  size_t used = 0;
  auto m = decode_match(body.subspan(32), 32, tlv, &used, err);
  if (!m) return std::nullopt;
  r.match = *m;
  return r;
}

std::vector<uint8_t> encode_flow_stats_request(const FlowStatsRequest& r, uint8_t version,
                                               bool aggregate, uint32_t xid, const TlvMap& tlv) {
  std::vector<uint8_t> b;
  Out o{b};
  put_header(b, OfpHeader{version, kOfptMultipartRequest, 0, xid});
  o.u16(aggregate ? 2 : 1);
  o.u16(0);
  o.zeros(4);
  o.u8(r.table);
  o.zeros(3);
  o.u32(port_to_ofp11(r.out_port));
  o.u32(r.out_group);
  o.zeros(4);
  o.u64(r.cookie);
  o.u64(r.cookie_mask);
  const auto m = encode_ofp_match(r.match, tlv);
  b.insert(b.end(), m.begin(), m.end());
  o.patch_len(2, 0);
  return b;
}

namespace {

// OXS statistics (OVS lib/ox-stat.c): class 0x8002, field << 1, length.
void oxs(Out& o, uint8_t field, uint8_t len) {
  o.u32(0x80020000u | static_cast<uint32_t>(field) << 9 | len);
}

}  // namespace

void encode_flow_stats_entry(const RuleSpec& rule, const FlowStats& st, uint8_t version,
                             const TlvMap& tlv, std::vector<uint8_t>& out) {
  Out o{out};
  const size_t start = out.size();
  if (version >= kOfp15) {
    o.u16(0);  // length
    o.zeros(2);
    o.u8(rule.table);
    o.u8(0);
    o.u16(rule.priority);
    o.u16(rule.idle_timeout);
    o.u16(rule.hard_timeout);
    o.u16(rule.flags);
    o.u16(rule.importance);
    o.u64(rule.cookie);
    const auto m = encode_ofp_match(rule.match, tlv);
    out.insert(out.end(), m.begin(), m.end());
    const size_t stat_start = out.size();
    o.u16(0);  // reserved
    o.u16(0);  // length
    oxs(o, 0, 8);
    o.u32(st.duration_sec);
    o.u32(st.duration_nsec);
    oxs(o, 1, 8);
    o.u32(st.idle_age_sec);
    o.u32(0);
    if ((rule.flags & kFlagNoPktCounts) == 0) {
      oxs(o, 4, 8);
      o.u64(st.n_packets);
    }
    if ((rule.flags & kFlagNoBytCounts) == 0) {
      oxs(o, 5, 8);
      o.u64(st.n_bytes);
    }
    o.patch_len(stat_start + 2, stat_start);
    o.pad8(stat_start);
  } else {
    o.u16(0);
    o.u8(rule.table);
    o.u8(0);
    o.u32(st.duration_sec);
    o.u32(st.duration_nsec);
    o.u16(rule.priority);
    o.u16(rule.idle_timeout);
    o.u16(rule.hard_timeout);
    o.u16(rule.flags);
    o.zeros(4);
    o.u64(rule.cookie);
    o.u64(st.n_packets);
    o.u64(st.n_bytes);
    const auto m = encode_ofp_match(rule.match, tlv);
    out.insert(out.end(), m.begin(), m.end());
  }
  encode_instructions(rule.actions, version, tlv, out);
  o.patch_len(start, start);
}

void encode_aggregate_reply(uint64_t packets, uint64_t bytes, uint32_t flows, uint8_t version,
                            std::vector<uint8_t>& out) {
  Out o{out};
  if (version >= kOfp15) {
    const size_t s = out.size();
    o.u16(0);
    o.u16(0);
    oxs(o, 3, 4);
    o.u32(flows);
    oxs(o, 4, 8);
    o.u64(packets);
    oxs(o, 5, 8);
    o.u64(bytes);
    o.patch_len(s + 2, s);
    o.pad8(s);
  } else {
    o.u64(packets);
    o.u64(bytes);
    o.u32(flows);
    o.zeros(4);
  }
}

}  // namespace dpuflow::control
