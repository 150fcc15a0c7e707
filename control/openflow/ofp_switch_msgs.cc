#include "control/openflow/ofp_switch_msgs.h"

#include <algorithm>

#include <fmt/format.h>

#include "control/openflow/ofp_wire.h"
#include "control/openflow/ofp_msg.h"
#include "dataplane/flow/flow_key.h"

namespace dpuflow::control {

using namespace wire;

namespace {

constexpr size_t kMaxMsg = 0xffff;
constexpr uint16_t kReplyMore = 1;

void put_string(Out& o, const std::string& s, size_t n) {
  for (size_t i = 0; i < n; ++i) o.u8(i + 1 < n && i < s.size() ? static_cast<uint8_t>(s[i]) : 0);
}

std::vector<uint8_t> start(uint8_t version, uint8_t type, uint32_t xid) {
  std::vector<uint8_t> b;
  put_header(b, OfpHeader{version, type, 0, xid});
  return b;
}
void finish(std::vector<uint8_t>& b) {
  b[2] = static_cast<uint8_t>(b.size() >> 8);
  b[3] = static_cast<uint8_t>(b.size());
}

}  // namespace

std::vector<std::vector<uint8_t>> encode_multipart_reply(
    uint8_t version, uint16_t mp_type, uint32_t xid,
    const std::vector<std::vector<uint8_t>>& entries) {
  std::vector<std::vector<uint8_t>> msgs;
  auto open = [&] {
    msgs.push_back(start(version, kOfptMultipartReply, xid));
    Out o{msgs.back()};
    o.u16(mp_type);
    o.u16(0);
    o.zeros(4);
  };
  open();
  for (const auto& e : entries) {
    if (msgs.back().size() + e.size() > kMaxMsg && msgs.back().size() > 16) {
      msgs.back()[10] = 0;
      msgs.back()[11] = kReplyMore;
      finish(msgs.back());
      open();
    }
    msgs.back().insert(msgs.back().end(), e.begin(), e.end());
  }
  finish(msgs.back());
  return msgs;
}

std::vector<uint8_t> encode_empty(uint8_t version, uint8_t type, uint32_t xid) {
  auto b = start(version, type, xid);
  finish(b);
  return b;
}

std::vector<uint8_t> encode_features_reply(uint8_t version, uint32_t xid, uint64_t datapath_id,
                                           uint8_t n_tables) {
  auto b = start(version, kOfptFeaturesReply, xid);
  Out o{b};
  o.u64(datapath_id);
  o.u32(0);  // n_buffers: OVS never buffers
  o.u8(n_tables);
  o.u8(0);   // auxiliary_id
  o.zeros(2);
  // FLOW_STATS | TABLE_STATS | PORT_STATS | GROUP_STATS | QUEUE_STATS, and
  // BUNDLES where bundles exist (1.4+), as OVS reports.
  o.u32(0x4f | (version >= kOfp15 ? 0x200 : 0));
  o.u32(0);
  finish(b);
  return b;
}

std::vector<uint8_t> encode_get_config_reply(uint8_t version, uint32_t xid, uint16_t flags,
                                             uint16_t miss_send_len) {
  auto b = start(version, kOfptGetConfigReply, xid);
  Out o{b};
  o.u16(flags);
  o.u16(miss_send_len);
  finish(b);
  return b;
}

void encode_port_desc_entry(const PortDesc& p, uint8_t version, std::vector<uint8_t>& out) {
  Out o{out};
  const size_t s = out.size();
  o.u32(port_to_ofp11(p.port_no));
  if (version >= kOfp15) {
    o.u16(0);  // length, patched
    o.zeros(2);
  } else {
    o.zeros(4);
  }
  out.insert(out.end(), p.hw_addr.begin(), p.hw_addr.end());
  o.zeros(2);
  put_string(o, p.name, 16);
  o.u32(p.config);
  o.u32(p.state);
  if (version >= kOfp15) {
    o.u16(0);   // OFPPDPT_ETHERNET
    o.u16(32);
    o.zeros(4);
  }
  o.u32(p.curr);
  o.u32(p.advertised);
  o.u32(p.supported);
  o.u32(p.peer);
  o.u32(p.curr_speed);
  o.u32(p.max_speed);
  if (version >= kOfp15) o.patch_len(s + 4, s);
}

std::vector<uint8_t> encode_desc_body(const std::string& mfr, const std::string& hw,
                                      const std::string& sw, const std::string& serial,
                                      const std::string& dp_desc) {
  std::vector<uint8_t> b;
  Out o{b};
  put_string(o, mfr, 256);
  put_string(o, hw, 256);
  put_string(o, sw, 256);
  put_string(o, serial, 32);
  put_string(o, dp_desc, 256);
  return b;
}

void encode_table_features_entry(uint8_t table_id, uint8_t version, uint32_t max_entries,
                                 std::vector<uint8_t>& out) {
  Out o{out};
  const size_t s = out.size();
  o.u16(0);
  o.u8(table_id);
  o.zeros(5);  // 1.5: command REPLACE (0) + pad
  o.zeros(32);  // name: none, as OVS (tables print by number)
  o.u64(UINT64_MAX);  // metadata_match
  o.u64(UINT64_MAX);  // metadata_write
  o.u32(0);
  o.u32(max_entries);
  if (version < kOfp15) {
    // The eight required properties, empty.
    for (uint16_t t = 0; t <= 14; t += 2) {
      o.u16(t);
      o.u16(4);
      o.zeros(4);
    }
  }
  o.patch_len(s, s);
}

void encode_table_stats_entry(uint8_t table_id, uint32_t active, uint64_t lookups,
                              uint64_t matched, std::vector<uint8_t>& out) {
  Out o{out};
  o.u8(table_id);
  o.zeros(3);
  o.u32(active);
  o.u64(lookups);
  o.u64(matched);
}

void encode_group_stats_entry(uint32_t group_id, uint32_t ref_count, size_t n_buckets,
                              uint32_t duration_sec, std::vector<uint8_t>& out) {
  Out o{out};
  const size_t s = out.size();
  o.u16(0);
  o.zeros(2);
  o.u32(group_id);
  o.u32(ref_count);
  o.zeros(4);
  o.u64(0);  // packet_count
  o.u64(0);  // byte_count
  o.u32(duration_sec);
  o.u32(0);
  for (size_t i = 0; i < n_buckets; ++i) {
    o.u64(0);
    o.u64(0);
  }
  o.patch_len(s, s);
}

void encode_port_stats_entry(const PortStats& s, uint8_t version, std::vector<uint8_t>& out) {
  Out o{out};
  if (version >= kOfp15) {
    const size_t st = out.size();
    o.u16(0);
    o.zeros(2);
    o.u32(port_to_ofp11(s.port_no));
    o.u32(s.duration_sec);
    o.u32(s.duration_nsec);
    for (uint64_t v : {s.rx_packets, s.tx_packets, s.rx_bytes, s.tx_bytes, s.rx_dropped,
                       s.tx_dropped, s.rx_errors, s.tx_errors}) {
      o.u64(v);
    }
    o.u16(0);  // OFPPSPT_ETHERNET
    o.u16(40);
    o.zeros(4);
    o.zeros(32);  // rx_frame_err, rx_over_err, rx_crc_err, collisions
    o.patch_len(st, st);
    return;
  }
  o.u32(port_to_ofp11(s.port_no));
  o.zeros(4);
  for (uint64_t v : {s.rx_packets, s.tx_packets, s.rx_bytes, s.tx_bytes, s.rx_dropped,
                     s.tx_dropped, s.rx_errors, s.tx_errors}) {
    o.u64(v);
  }
  o.zeros(32);
  o.u32(s.duration_sec);
  o.u32(s.duration_nsec);
}

namespace {

// Where the bundle body starts: after the header (1.4+) or after the ONF
// experimenter header (1.3); 0 if `msg` is neither.
size_t bundle_body(std::span<const uint8_t> msg, uint32_t onf_type) {
  if (msg.size() >= 16 && msg[1] == kOfptExperimenter && rd32(&msg[8]) == kOnfVendor &&
      rd32(&msg[12]) == onf_type) {
    return 16;
  }
  return 8;
}

}  // namespace

std::optional<BundleCtrl> decode_bundle_ctrl(std::span<const uint8_t> msg, WireError* err) {
  const size_t b = bundle_body(msg, 2300);
  if (msg.size() < b + 8) {
    if (err != nullptr) *err = WireError{OfpError::kBadLen, 0, "bundle control too short"};
    return std::nullopt;
  }
  BundleCtrl c;
  c.bundle_id = rd32(&msg[b]);
  const uint16_t type = rd16(&msg[b + 4]);
  if (type > 7 || type % 2 != 0) {
    if (err != nullptr) {
      *err = WireError{OfpError::kBundleBadType, b + 4, fmt::format("bundle control type {}", type)};
    }
    return std::nullopt;
  }
  c.type = static_cast<BundleCtrlType>(type);
  c.flags = rd16(&msg[b + 6]);
  if ((c.flags & ~(kBundleAtomic | kBundleOrdered)) != 0) {
    if (err != nullptr) {
      *err = WireError{OfpError::kBundleBadFlags, b + 6, fmt::format("bundle flags {:#x}", c.flags)};
    }
    return std::nullopt;
  }
  return c;
}

std::optional<BundleAdd> decode_bundle_add(std::span<const uint8_t> msg, WireError* err) {
  const size_t b = bundle_body(msg, 2301);
  auto fail = [&](OfpError e, size_t at, std::string m) -> std::optional<BundleAdd> {
    if (err != nullptr) *err = WireError{e, at, std::move(m)};
    return std::nullopt;
  };
  if (msg.size() < b + 8 + kOfpHeaderLen) return fail(OfpError::kBadLen, 0, "bundle add too short");
  BundleAdd a;
  a.bundle_id = rd32(&msg[b]);
  a.flags = rd16(&msg[b + 6]);
  const auto inner = msg.subspan(b + 8);
  const uint16_t ilen = rd16(&inner[2]);
  if (ilen < kOfpHeaderLen || ilen > inner.size()) {
    return fail(OfpError::kBundleMsgBadLen, b + 8, fmt::format("inner message length {}", ilen));
  }
  if (inner[0] != msg[0]) {
    return fail(OfpError::kBundleBadVersion, b + 8, "inner and outer versions differ");
  }
  if (rd32(&inner[4]) != rd32(&msg[4])) {
    return fail(OfpError::kBundleMsgBadXid, b + 8, "inner xid differs from the outer xid");
  }
  a.inner = inner.subspan(0, ilen);
  return a;
}

std::vector<uint8_t> encode_bundle_ctrl(const BundleCtrl& c, uint8_t version, uint32_t xid) {
  std::vector<uint8_t> b;
  Out o{b};
  if (version < kOfp15) {
    b = start(version, kOfptExperimenter, xid);
    o.u32(kOnfVendor);
    o.u32(2300);
  } else {
    b = start(version, kOfptBundleControl, xid);
  }
  o.u32(c.bundle_id);
  o.u16(static_cast<uint16_t>(c.type));
  o.u16(c.flags);
  finish(b);
  return b;
}

std::vector<uint8_t> encode_bundle_add(uint32_t bundle_id, uint16_t flags,
                                       std::span<const uint8_t> inner, uint8_t version) {
  const uint32_t xid = inner.size() >= 8 ? rd32(&inner[4]) : 0;
  std::vector<uint8_t> b;
  Out o{b};
  if (version < kOfp15) {
    b = start(version, kOfptExperimenter, xid);
    o.u32(kOnfVendor);
    o.u32(2301);
  } else {
    b = start(version, kOfptBundleAddMessage, xid);
  }
  o.u32(bundle_id);
  o.u16(0);
  o.u16(flags);
  b.insert(b.end(), inner.begin(), inner.end());
  finish(b);
  return b;
}

}  // namespace dpuflow::control
