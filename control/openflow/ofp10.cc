#include "control/openflow/ofp10.h"

#include <fmt/format.h>

#include "control/openflow/ofp_wire.h"
#include "control/openflow/ofp_msg.h"
#include "control/openflow/oxm.h"
#include "dataplane/flow/subfield.h"

namespace dpuflow::control {

using namespace dataplane;
using namespace wire;

namespace {

enum Ofpfw10 : uint32_t {
  kFwInPort = 1 << 0, kFwDlVlan = 1 << 1, kFwDlSrc = 1 << 2, kFwDlDst = 1 << 3,
  kFwDlType = 1 << 4, kFwNwProto = 1 << 5, kFwTpSrc = 1 << 6, kFwTpDst = 1 << 7,
  kFwNwSrcShift = 8, kFwNwDstShift = 14, kFwDlVlanPcp = 1 << 20, kFwNwTos = 1 << 21,
};
constexpr uint32_t kNxmCookie = 0x00013c08, kNxmCookieW = 0x00013d10;  // NXM_NX_COOKIE(_W)

void set(Match& m, FieldId id, uint64_t value, uint64_t mask) {
  const ResolvedField rf = *resolve_field(field_desc(id), nullptr);
  const uint16_t n = field_value_bytes(rf);
  m.set_field_masked(rf, FieldValue::from_u64(value, n), FieldValue::from_u64(mask, n));
  if (field_desc(id).prereq != Prereq::kNone) {
    m.mask.packet_type = 0xffffffff;
    m.value.packet_type = be32(kPtEth);
  }
}

uint32_t prefix_mask(uint32_t wildcards, unsigned shift) {
  const unsigned n = (wildcards >> shift) & 0x3f;
  return n >= 32 ? 0 : ~0u << n;
}

// An NXM match of `len` bytes at `p`, without its cookie entry.
std::optional<Match> decode_nxm(const uint8_t* p, size_t len, const TlvMap& tlv, uint64_t* cookie,
                                uint64_t* cookie_mask, size_t base, WireError* err) {
  std::vector<uint8_t> rest;
  size_t ofs = 0;
  while (ofs + 4 <= len) {
    const uint32_t h = rd32(p + ofs);
    const size_t n = 4 + (h & 0xff);
    if (ofs + n > len) break;  // decode_oxm_tlvs reports it
    if (h == kNxmCookie || h == kNxmCookieW) {
      const uint64_t value = rd64(p + ofs + 4);
      const uint64_t mask = h == kNxmCookieW ? rd64(p + ofs + 12) : UINT64_MAX;
      // As OVS's nx_pull_raw(): value bits outside the mask, or a second
      // cookie after one with a nonzero mask, are errors, reported after
      // any error in the entries before this one.
      std::optional<OfpError> bad;
      if ((value & ~mask) != 0) {
        bad = OfpError::kMatchBadWildcards;
      } else if (*cookie_mask != 0) {
        bad = OfpError::kMatchDupField;
      }
      if (bad) {
        MatchDecodeError me;
        if (!decode_oxm_tlvs(rest, tlv, &me)) {
          if (err != nullptr) {
            *err = WireError{from_match_error(me.code), base + me.offset, me.message};
          }
        } else if (err != nullptr) {
          *err = WireError{*bad, base + ofs, "NXM_NX_COOKIE"};
        }
        return std::nullopt;
      }
      *cookie = value;
      *cookie_mask = mask;
    } else {
      rest.insert(rest.end(), p + ofs, p + ofs + n);
    }
    ofs += n;
  }
  rest.insert(rest.end(), p + ofs, p + len);
  MatchDecodeError me;
  auto m = decode_oxm_tlvs(rest, tlv, &me);
  if (!m) {
    if (err != nullptr) *err = WireError{from_match_error(me.code), base + me.offset, me.message};
    return std::nullopt;
  }
  return m;
}

uint8_t exact_nw_proto(const Match& m) { return m.mask.nw_proto == 0xff ? m.value.nw_proto : 0; }

void start_msg(std::vector<uint8_t>& b, uint8_t type, uint32_t xid) {
  put_header(b, OfpHeader{kOfp10, type, 0, xid});
}

}  // namespace

Match decode_ofp10_match(const uint8_t* p) {
  Match m;
  const uint32_t wc = rd32(p);
  if (!(wc & kFwInPort)) set(m, FieldId::kInPort, rd16(p + 4), 0xffff);
  if (!(wc & kFwDlSrc)) {
    uint64_t v = 0;
    for (int i = 0; i < 6; ++i) v = v << 8 | p[6 + i];
    set(m, FieldId::kEthSrc, v, 0xffffffffffffull);
  }
  if (!(wc & kFwDlDst)) {
    uint64_t v = 0;
    for (int i = 0; i < 6; ++i) v = v << 8 | p[12 + i];
    set(m, FieldId::kEthDst, v, 0xffffffffffffull);
  }
  uint16_t tci = 0, tci_mask = 0;
  if (!(wc & kFwDlVlan)) {
    const uint16_t vid = rd16(p + 18);
    if (vid == 0xffff) {  // OFP10_VLAN_NONE: no tag
      tci_mask = 0xffff;
    } else {
      tci = static_cast<uint16_t>((vid & 0xfff) | 0x1000);
      tci_mask = 0x1fff;
    }
  }
  if (!(wc & kFwDlVlanPcp) && !(tci_mask == 0xffff && tci == 0)) {
    tci = static_cast<uint16_t>(tci | (p[20] & 7) << 13 | 0x1000);
    tci_mask |= 0xf000;
  }
  if (tci_mask != 0) set(m, FieldId::kVlanTci, tci, tci_mask);
  const uint16_t dl_type = rd16(p + 22);
  if (wc & kFwDlType) return m;
  set(m, FieldId::kEthType, dl_type, 0xffff);
  const bool ip = dl_type == 0x0800;
  const bool arp = dl_type == 0x0806;
  if (!ip && !arp) return m;
  const uint32_t src_mask = prefix_mask(wc, kFwNwSrcShift);
  const uint32_t dst_mask = prefix_mask(wc, kFwNwDstShift);
  const uint8_t proto = p[25];
  if (arp) {
    if (!(wc & kFwNwProto)) set(m, FieldId::kArpOp, proto, 0xffff);
    if (src_mask != 0) set(m, FieldId::kArpSpa, rd32(p + 28) & src_mask, src_mask);
    if (dst_mask != 0) set(m, FieldId::kArpTpa, rd32(p + 32) & dst_mask, dst_mask);
    return m;
  }
  if (!(wc & kFwNwTos)) set(m, FieldId::kIpDscp, p[24] & 0xfc, 0xfc);
  if (src_mask != 0) set(m, FieldId::kIpv4Src, rd32(p + 28) & src_mask, src_mask);
  if (dst_mask != 0) set(m, FieldId::kIpv4Dst, rd32(p + 32) & dst_mask, dst_mask);
  if (wc & kFwNwProto) return m;
  set(m, FieldId::kIpProto, proto, 0xff);
  FieldId src = FieldId::kCount, dst = FieldId::kCount;
  if (proto == 6) {
    src = FieldId::kTcpSrc;
    dst = FieldId::kTcpDst;
  } else if (proto == 17) {
    src = FieldId::kUdpSrc;
    dst = FieldId::kUdpDst;
  } else if (proto == 132) {
    src = FieldId::kSctpSrc;
    dst = FieldId::kSctpDst;
  } else if (proto == 1) {
    if (!(wc & kFwTpSrc)) set(m, FieldId::kIcmpv4Type, rd16(p + 36) & 0xff, 0xff);
    if (!(wc & kFwTpDst)) set(m, FieldId::kIcmpv4Code, rd16(p + 38) & 0xff, 0xff);
    if (!(wc & kFwTpSrc)) m.mask.tp_src = 0xffff;
    if (!(wc & kFwTpDst)) m.mask.tp_dst = 0xffff;
    return m;
  }
  if (src != FieldId::kCount) {
    if (!(wc & kFwTpSrc)) set(m, src, rd16(p + 36), 0xffff);
    if (!(wc & kFwTpDst)) set(m, dst, rd16(p + 38), 0xffff);
  }
  return m;
}

namespace {

// The fields common to both 1.0 flow_mod forms.
bool finish_flow_mod(FlowMod& fm, uint16_t command, bool table_id_ext, uint64_t cookie,
                     size_t at, WireError* err) {
  const uint8_t cmd = static_cast<uint8_t>(command & 0xff);
  if (cmd > 4) {
    if (err != nullptr) {
      *err = WireError{OfpError::kFlowModBadCommand, at, fmt::format("command {}", cmd)};
    }
    return false;
  }
  fm.command = static_cast<FlowModCommand>(cmd);
  const bool add = fm.command == FlowModCommand::kAdd;
  if (table_id_ext) {
    fm.spec.table = static_cast<uint8_t>(command >> 8);
  } else {
    fm.spec.table = add ? 0 : kTableAll;
  }
  // In 1.0 an ADD to table 255 (no table given) goes to table 0, as OVS does.
  if (add && fm.spec.table == kTableAll) fm.spec.table = 0;
  (void)at;
  // OpenFlow 1.0: ADD sets the cookie; MODIFY sets it too unless it is
  // all-ones ("leave it"), as OVS reads it.
  fm.spec.cookie = cookie;
  fm.modify_cookie = !add && cookie != UINT64_MAX;
  if ((fm.spec.flags & ~0x1fu) != 0) {
    if (err != nullptr) *err = WireError{OfpError::kFlowModBadFlags, at, "flags"};
    return false;
  }
  return true;
}

}  // namespace

std::optional<FlowMod> decode_ofp10_flow_mod(std::span<const uint8_t> msg, bool table_id_ext,
                                             WireError* err) {
  if (msg.size() < 72) {
    if (err != nullptr) *err = WireError{OfpError::kBadLen, 0, "flow_mod shorter than 72 bytes"};
    return std::nullopt;
  }
  const uint8_t* p = msg.data();
  FlowMod fm;
  fm.spec.match = decode_ofp10_match(p + 8);
  const uint64_t cookie = rd64(p + 48);
  fm.spec.idle_timeout = rd16(p + 58);
  fm.spec.hard_timeout = rd16(p + 60);
  fm.spec.priority = rd16(p + 62);
  fm.out_port = rd16(p + 68);
  fm.spec.flags = rd16(p + 70);
  if (!finish_flow_mod(fm, rd16(p + 56), table_id_ext, cookie, 56, err)) return std::nullopt;
  WireError ae;
  auto acts = decode_actions(msg.subspan(72), kOfp10, TlvMap{}, &ae, exact_nw_proto(fm.spec.match));
  if (!acts) {
    ae.offset += 72;
    if (err != nullptr) *err = ae;
    return std::nullopt;
  }
  fm.spec.actions = std::move(*acts);
  return fm;
}

std::optional<FlowMod> decode_nx_flow_mod(std::span<const uint8_t> msg, bool table_id_ext,
                                          const TlvMap& tlv, WireError* err) {
  if (msg.size() < 48) {
    if (err != nullptr) *err = WireError{OfpError::kBadLen, 0, "NXT_FLOW_MOD shorter than 48"};
    return std::nullopt;
  }
  const uint8_t* p = msg.data();
  FlowMod fm;
  const uint64_t cookie = rd64(p + 16);
  const uint16_t command = rd16(p + 24);
  fm.spec.idle_timeout = rd16(p + 26);
  fm.spec.hard_timeout = rd16(p + 28);
  fm.spec.priority = rd16(p + 30);
  fm.out_port = rd16(p + 36);
  fm.spec.flags = rd16(p + 38);
  const uint16_t match_len = rd16(p + 40);
  const size_t padded = (match_len + 7u) / 8 * 8;
  if (48 + padded > msg.size()) {
    if (err != nullptr) *err = WireError{OfpError::kBadLen, 40, "match overruns the message"};
    return std::nullopt;
  }
  uint64_t filter = 0, filter_mask = 0;
  auto m = decode_nxm(p + 48, match_len, tlv, &filter, &filter_mask, 48, err);
  if (!m) return std::nullopt;
  fm.spec.match = *m;
  // ofputil_decode_flow_mod() checks this before the command itself.
  if ((command & 0xff) == static_cast<uint8_t>(FlowModCommand::kAdd) && filter_mask != 0) {
    if (err != nullptr) *err = WireError{OfpError::kNxmInvalid, 48, "ADD with a cookie filter"};
    return std::nullopt;
  }
  if (!finish_flow_mod(fm, command, table_id_ext, cookie, 24, err)) return std::nullopt;
  fm.cookie = filter;
  fm.cookie_mask = filter_mask;
  WireError ae;
  auto acts = decode_actions(msg.subspan(48 + padded), kOfp10, tlv, &ae,
                             exact_nw_proto(fm.spec.match));
  if (!acts) {
    ae.offset += 48 + padded;
    if (err != nullptr) *err = ae;
    return std::nullopt;
  }
  fm.spec.actions = std::move(*acts);
  return fm;
}

std::vector<uint8_t> encode_nx_flow_mod(const FlowMod& fm, uint32_t xid, const TlvMap& tlv) {
  std::vector<uint8_t> b;
  Out o{b};
  start_msg(b, kOfptExperimenter, xid);
  o.u32(kNxVendor);
  o.u32(kNxtFlowMod);
  o.u64(fm.spec.cookie);
  o.u16(static_cast<uint16_t>(fm.spec.table << 8 | static_cast<uint8_t>(fm.command)));
  o.u16(fm.spec.idle_timeout);
  o.u16(fm.spec.hard_timeout);
  o.u16(fm.spec.priority);
  o.u32(0xffffffff);
  o.u16(fm.out_port);
  o.u16(fm.spec.flags);
  std::vector<uint8_t> m = encode_oxm_tlvs(fm.spec.match, tlv);
  if (fm.cookie_mask != 0) {
    Out mo{m};
    mo.u32(kNxmCookieW);
    mo.u64(fm.cookie);
    mo.u64(fm.cookie_mask);
  }
  o.u16(static_cast<uint16_t>(m.size()));
  o.zeros(6);
  const size_t ms = b.size();
  b.insert(b.end(), m.begin(), m.end());
  o.pad8(ms);
  encode_actions(fm.spec.actions, kOfp10, tlv, b);
  o.patch_len(2, 0);
  return b;
}

std::optional<FlowStatsRequest> decode_nx_flow_stats_request(std::span<const uint8_t> body,
                                                             const TlvMap& tlv, WireError* err) {
  if (body.size() < 8) {
    if (err != nullptr) *err = WireError{OfpError::kBadLen, 0, "NXST_FLOW request too short"};
    return std::nullopt;
  }
  FlowStatsRequest r;
  r.out_port = rd16(&body[0]);
  const uint16_t match_len = rd16(&body[2]);
  r.table = body[4];
  if (8u + match_len > body.size()) {
    if (err != nullptr) *err = WireError{OfpError::kBadLen, 2, "match overruns the request"};
    return std::nullopt;
  }
  auto m = decode_nxm(&body[8], match_len, tlv, &r.cookie, &r.cookie_mask, 8, err);
  if (!m) return std::nullopt;
  r.match = *m;
  return r;
}

void encode_nx_flow_stats_entry(const RuleSpec& rule, const FlowStats& st, const TlvMap& tlv,
                                std::vector<uint8_t>& out) {
  Out o{out};
  const size_t s = out.size();
  const std::vector<uint8_t> m = encode_oxm_tlvs(rule.match, tlv);
  o.u16(0);
  o.u8(rule.table);
  o.u8(0);
  o.u32(st.duration_sec);
  o.u32(st.duration_nsec);
  o.u16(rule.priority);
  o.u16(rule.idle_timeout);
  o.u16(rule.hard_timeout);
  o.u16(static_cast<uint16_t>(m.size()));
  // Ages are "seconds plus one" (0 = unknown).
  o.u16(static_cast<uint16_t>(std::min<uint32_t>(st.idle_age_sec, 0xfffe) + 1));
  o.u16(static_cast<uint16_t>(std::min<uint32_t>(st.duration_sec, 0xfffe) + 1));
  o.u64(rule.cookie);
  o.u64(st.n_packets);
  o.u64(st.n_bytes);
  const size_t ms = out.size();
  out.insert(out.end(), m.begin(), m.end());
  o.pad8(ms);
  encode_actions(rule.actions, kOfp10, tlv, out);
  o.patch_len(s, s);
}

std::vector<std::vector<uint8_t>> encode_stats_reply10(uint32_t xid, uint16_t stats_type,
                                                       std::optional<uint32_t> nx_subtype,
                                                       const std::vector<std::vector<uint8_t>>& entries) {
  std::vector<std::vector<uint8_t>> msgs;
  auto open = [&] {
    msgs.emplace_back();
    std::vector<uint8_t>& b = msgs.back();
    start_msg(b, kOfpt10StatsReply, xid);
    Out o{b};
    o.u16(stats_type);
    o.u16(0);
    if (nx_subtype) {
      o.u32(kNxVendor);
      o.u32(*nx_subtype);
      o.zeros(4);
    }
  };
  auto close = [](std::vector<uint8_t>& b) {
    b[2] = static_cast<uint8_t>(b.size() >> 8);
    b[3] = static_cast<uint8_t>(b.size());
  };
  open();
  const size_t hdr = msgs.back().size();
  for (const auto& e : entries) {
    if (msgs.back().size() + e.size() > 0xffff && msgs.back().size() > hdr) {
      msgs.back()[11] = 1;  // OFPSF_REPLY_MORE
      close(msgs.back());
      open();
    }
    msgs.back().insert(msgs.back().end(), e.begin(), e.end());
  }
  close(msgs.back());
  return msgs;
}

std::vector<uint8_t> encode_features_reply10(uint32_t xid, uint64_t datapath_id, uint8_t n_tables,
                                             const std::vector<PortDesc>& ports) {
  std::vector<uint8_t> b;
  Out o{b};
  start_msg(b, kOfptFeaturesReply, xid);
  o.u64(datapath_id);
  o.u32(0);
  o.u8(n_tables);
  o.zeros(3);
  // FLOW_STATS | TABLE_STATS | PORT_STATS | QUEUE_STATS | ARP_MATCH_IP, and
  // every OpenFlow 1.0 action, as OVS reports.
  o.u32(0xc7);
  o.u32(0xfff);
  for (const PortDesc& p : ports) encode_phy_port10(p, b);
  o.patch_len(2, 0);
  return b;
}

void encode_phy_port10(const PortDesc& p, std::vector<uint8_t>& out) {
  Out o{out};
  o.u16(p.port_no);
  out.insert(out.end(), p.hw_addr.begin(), p.hw_addr.end());
  for (size_t i = 0; i < 16; ++i) {
    o.u8(i + 1 < 16 && i < p.name.size() ? static_cast<uint8_t>(p.name[i]) : 0);
  }
  o.u32(p.config);
  o.u32(p.state);
  o.u32(p.curr);
  o.u32(p.advertised);
  o.u32(p.supported);
  o.u32(p.peer);
}

void encode_table_stats_entry10(uint8_t table_id, uint32_t active, uint32_t max_entries,
                                std::vector<uint8_t>& out) {
  Out o{out};
  o.u8(table_id);
  o.zeros(3);
  o.zeros(32);          // name: none (tables print by number)
  o.u32(0x003fffff);    // wildcards: OFPFW10_ALL
  o.u32(max_entries);
  o.u32(active);
  o.u64(0);
  o.u64(0);
}

void encode_port_stats_entry10(const PortStats& s, std::vector<uint8_t>& out) {
  Out o{out};
  o.u16(s.port_no);
  o.zeros(6);
  for (uint64_t v : {s.rx_packets, s.tx_packets, s.rx_bytes, s.tx_bytes, s.rx_dropped,
                     s.tx_dropped, s.rx_errors, s.tx_errors}) {
    o.u64(v);
  }
  o.zeros(32);
}

}  // namespace dpuflow::control
