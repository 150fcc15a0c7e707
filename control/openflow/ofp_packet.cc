#include "control/openflow/ofp_packet.h"

#include <fmt/format.h>

#include "control/openflow/ofp_wire.h"
#include "control/openflow/ofp_msg.h"
#include "control/openflow/ofp_switch_msgs.h"
#include "control/openflow/oxm.h"
#include "dataplane/flow/flow_key.h"

namespace dpuflow::control {

using namespace dataplane;
using namespace wire;

namespace {

// NXT_PACKET_IN2 / NXT_RESUME property types (NXPINT_*).
enum Nxpint : uint16_t {
  kPinPacket = 0, kPinFullLen = 1, kPinBufferId = 2, kPinTableId = 3, kPinCookie = 4,
  kPinReason = 5, kPinMetadata = 6, kPinUserdata = 7, kPinContinuation = 8,
};
// Inside the continuation we use OVS's own property types (NXCPT_*), so
// that ovs-ofctl can print our packet-ins: the "bridge" UUID carries our
// token (zeros, then the token), with the table id and cookie.
constexpr uint16_t kContBridge = 0x8000, kContTableId = 0x8004, kContCookie = 0x8005;

void prop(Out& o, uint16_t type, const uint8_t* p, size_t n) {
  const size_t s = o.b.size();
  o.u16(type);
  o.u16(static_cast<uint16_t>(4 + n));
  if (n != 0) o.b.insert(o.b.end(), p, p + n);
  o.pad8(s);
}
// A 64-bit property: 4 bytes of padding first (OVS ofpprop_put_be64).
void prop64(Out& o, uint16_t type, uint64_t v) {
  o.u16(type);
  o.u16(16);
  o.zeros(4);
  o.u64(v);
}

void set_in_port(Match& m, uint16_t port) {
  m.value.in_port = be16(port);
  m.mask.in_port = 0xffff;
}

// Property walk shared by the decoders: calls fn(type, value) for each.
template <typename Fn>
bool for_each_prop(std::span<const uint8_t> in, size_t base, WireError* err, Fn fn) {
  size_t ofs = 0;
  while (ofs < in.size()) {
    if (in.size() - ofs < 4) {
      if (err != nullptr) *err = WireError{OfpError::kBadPropertyLen, base + ofs, "truncated property"};
      return false;
    }
    const uint16_t type = rd16(&in[ofs]);
    const uint16_t len = rd16(&in[ofs + 2]);
    const size_t padded = (len + 7u) / 8 * 8;
    if (len < 4 || padded > in.size() - ofs) {
      if (err != nullptr) {
        *err = WireError{OfpError::kBadPropertyLen, base + ofs,
                         fmt::format("property {} length {}", type, len)};
      }
      return false;
    }
    if (!fn(type, in.subspan(ofs + 4, len - 4u), base + ofs)) return false;
    ofs += padded;
  }
  return true;
}

}  // namespace

std::optional<PacketOut> decode_packet_out(std::span<const uint8_t> msg, const TlvMap& tlv,
                                           WireError* err) {
  auto fail = [&](OfpError e, size_t at, std::string m) -> std::optional<PacketOut> {
    if (err != nullptr) *err = WireError{e, at, std::move(m)};
    return std::nullopt;
  };
  const uint8_t version = msg[0];
  PacketOut po;
  size_t actions_at = 0;
  uint16_t actions_len = 0;
  uint32_t buffer_id = 0;
  if (version == kOfp10) {
    if (msg.size() < 16) return fail(OfpError::kBadLen, 0, "packet_out shorter than 16 bytes");
    buffer_id = rd32(&msg[8]);
    po.in_port = rd16(&msg[12]);
    actions_len = rd16(&msg[14]);
    actions_at = 16;
  } else if (version == kOfp13) {
    if (msg.size() < 24) return fail(OfpError::kBadLen, 0, "packet_out shorter than 24 bytes");
    buffer_id = rd32(&msg[8]);
    auto p = port_from_ofp11(rd32(&msg[12]));
    if (!p) return fail(OfpError::kBadPort, 12, "in_port");
    po.in_port = *p;
    actions_len = rd16(&msg[16]);
    actions_at = 24;
  } else {
    if (msg.size() < 24) return fail(OfpError::kBadLen, 0, "packet_out shorter than 24 bytes");
    buffer_id = rd32(&msg[8]);
    actions_len = rd16(&msg[12]);
    const uint16_t mtype = rd16(&msg[16]);
    const uint16_t mlen = rd16(&msg[18]);
    const size_t padded = (mlen + 7u) / 8 * 8;
    if (mtype != 1) return fail(OfpError::kMatchBadType, 16, "match type");
    if (mlen < 4 || 16 + padded > msg.size()) return fail(OfpError::kMatchBadLen, 18, "match length");
    MatchDecodeError me;
    auto m = decode_oxm_tlvs(msg.subspan(20, mlen - 4u), tlv, &me);
    if (!m) return fail(from_match_error(me.code), 20 + me.offset, me.message);
    // Only pipeline fields: nothing that needs the packet's headers.
    if (m->mask.dl_type != 0 || m->mask.packet_type != 0) {
      return fail(OfpError::kBadPacket, 20, "packet_out match holds packet fields");
    }
    po.metadata = *m;
    po.in_port = m->mask.in_port != 0 ? host16(m->value.in_port) : kOfppController;
    actions_at = 16 + padded;
  }
  if (buffer_id != 0xffffffff) {
    return fail(OfpError::kBadPacket, 8, "dpuflow keeps no buffers (buffer_id must be none)");
  }
  if (actions_at + actions_len > msg.size() || actions_len % 8 != 0) {
    return fail(OfpError::kBadLen, actions_at, "actions overrun the packet_out");
  }
  set_in_port(po.metadata, po.in_port);
  WireError ae;
  auto acts = decode_actions(msg.subspan(actions_at, actions_len), version, tlv, &ae);
  if (!acts) {
    ae.offset += actions_at;
    if (err != nullptr) *err = ae;
    return std::nullopt;
  }
  po.actions = std::move(*acts);
  po.packet.assign(msg.begin() + static_cast<long>(actions_at + actions_len), msg.end());
  return po;
}

std::vector<uint8_t> encode_packet_out(const PacketOut& po, uint8_t version, uint32_t xid,
                                       const TlvMap& tlv) {
  std::vector<uint8_t> b;
  Out o{b};
  put_header(b, OfpHeader{version, kOfptPacketOut, 0, xid});
  std::vector<uint8_t> acts;
  encode_actions(po.actions, version, tlv, acts);
  o.u32(0xffffffff);
  if (version == kOfp10) {
    o.u16(po.in_port);
    o.u16(static_cast<uint16_t>(acts.size()));
  } else if (version == kOfp13) {
    o.u32(port_to_ofp11(po.in_port));
    o.u16(static_cast<uint16_t>(acts.size()));
    o.zeros(6);
  } else {
    o.u16(static_cast<uint16_t>(acts.size()));
    o.zeros(2);
    Match m = po.metadata;
    set_in_port(m, po.in_port);
    const auto mb = encode_ofp_match(m, tlv);
    b.insert(b.end(), mb.begin(), mb.end());
  }
  b.insert(b.end(), acts.begin(), acts.end());
  b.insert(b.end(), po.packet.begin(), po.packet.end());
  o.patch_len(2, 0);
  return b;
}

std::vector<uint8_t> encode_packet_in2(const PacketIn2& pin, uint8_t version, const TlvMap& tlv) {
  std::vector<uint8_t> b;
  Out o{b};
  put_header(b, OfpHeader{version, kOfptExperimenter, 0, 0});
  o.u32(kNxVendor);
  o.u32(kNxtPacketIn2);
  prop(o, kPinPacket, pin.packet.data(), pin.packet.size());
  if (pin.full_len != pin.packet.size()) {
    const uint8_t fl[4] = {static_cast<uint8_t>(pin.full_len >> 24),
                           static_cast<uint8_t>(pin.full_len >> 16),
                           static_cast<uint8_t>(pin.full_len >> 8),
                           static_cast<uint8_t>(pin.full_len)};
    prop(o, kPinFullLen, fl, 4);
  }
  prop(o, kPinTableId, &pin.table_id, 1);
  prop64(o, kPinCookie, pin.cookie);
  prop(o, kPinReason, &pin.reason, 1);
  const auto md = encode_oxm_tlvs(pin.metadata, tlv);
  prop(o, kPinMetadata, md.data(), md.size());
  if (!pin.userdata.empty()) prop(o, kPinUserdata, pin.userdata.data(), pin.userdata.size());
  if (pin.continuation_token) {
    // Nested properties: header, 4 bytes of padding, then the properties.
    const size_t s = b.size();
    o.u16(kPinContinuation);
    o.u16(0);
    o.zeros(4);
    uint8_t uuid[16] = {};
    for (int i = 0; i < 8; ++i) uuid[8 + i] = static_cast<uint8_t>(*pin.continuation_token >> (56 - 8 * i));
    prop(o, kContBridge, uuid, 16);
    prop(o, kContTableId, &pin.table_id, 1);
    prop64(o, kContCookie, pin.cookie);
    o.patch_len(s + 2, s);
  }
  o.patch_len(2, 0);
  return b;
}

std::optional<Resume> decode_resume(std::span<const uint8_t> msg, const TlvMap& tlv,
                                    WireError* err) {
  if (msg.size() < 16) {
    if (err != nullptr) *err = WireError{OfpError::kBadLen, 0, "NXT_RESUME too short"};
    return std::nullopt;
  }
  Resume r;
  bool have_packet = false, have_cont = false;
  const bool ok = for_each_prop(msg.subspan(16), 16, err, [&](uint16_t type, std::span<const uint8_t> v,
                                                              size_t at) {
    auto bad_len = [&] {
      if (err != nullptr) *err = WireError{OfpError::kBadPropertyLen, at, "property length"};
      return false;
    };
    switch (type) {
      case kPinPacket:
        r.packet.assign(v.begin(), v.end());
        have_packet = true;
        return true;
      case kPinTableId:
        if (v.size() != 1) return bad_len();
        r.table_id = v[0];
        return true;
      case kPinCookie:
        if (v.size() != 12) return bad_len();
        r.cookie = rd64(&v[4]);
        return true;
      case kPinMetadata: {
        MatchDecodeError me;
        auto m = decode_oxm_tlvs(v, tlv, &me);
        if (!m) {
          if (err != nullptr) *err = WireError{from_match_error(me.code), at + 4 + me.offset, me.message};
          return false;
        }
        r.metadata = *m;
        return true;
      }
      case kPinContinuation:
        // Nested: 4 bytes of padding, then our properties.
        if (v.size() < 4) return bad_len();
        return for_each_prop(v.subspan(4), at + 8, err,
                             [&](uint16_t ct, std::span<const uint8_t> cv, size_t cat) {
                               if (ct == kContBridge && cv.size() == 16 && rd64(&cv[0]) == 0) {
                                 r.continuation_token = rd64(&cv[8]);
                                 have_cont = true;
                                 return true;
                               }
                               if (ct == kContTableId || ct == kContCookie) return true;
                               if (err != nullptr) {
                                 *err = WireError{OfpError::kResumeStale, cat,
                                                  "continuation not made by this dpuflowd"};
                               }
                               return false;
                             });
      case kPinFullLen:
      case kPinBufferId:
      case kPinReason:
      case kPinUserdata:
        return true;  // informational; OVS ignores them in a resume too
      default:
        if (err != nullptr) {
          *err = WireError{OfpError::kBadPropertyType, at, fmt::format("property {}", type)};
        }
        return false;
    }
  });
  if (!ok) return std::nullopt;
  if (!have_packet || !have_cont) {
    if (err != nullptr) {
      *err = WireError{OfpError::kResumeStale, 16, "NXT_RESUME without a packet or continuation"};
    }
    return std::nullopt;
  }
  return r;
}

}  // namespace dpuflow::control
