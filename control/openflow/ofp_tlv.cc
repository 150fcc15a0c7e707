#include "control/openflow/ofp_tlv.h"

#include <fmt/format.h>

#include "control/openflow/ofp_wire.h"

namespace dpuflow::control {

using namespace dataplane;
using namespace wire;

namespace {

constexpr uint8_t kOfptExperimenter = 4;
// Nicira subtypes.
constexpr uint32_t kSubtypeTlvTableMod = 24;
constexpr uint32_t kSubtypeTlvTableRequest = 25;
constexpr uint32_t kSubtypeTlvTableReply = 26;
constexpr size_t kNxHeaderLen = 16;
constexpr size_t kMapLen = 8;
constexpr uint8_t kMaxOptLen = 124;  // TLV_MAX_OPT_SIZE
enum : uint16_t { kTmcAdd = 0, kTmcDelete = 1, kTmcClear = 2 };

void nx_header(std::vector<uint8_t>& b, uint8_t version, uint32_t xid, uint32_t subtype) {
  Out o{b};
  put_header(b, OfpHeader{version, kOfptExperimenter, 0, xid});
  o.u32(kNxVendor);
  o.u32(subtype);
}

void put_map(Out& o, uint16_t opt_class, uint8_t opt_type, uint8_t len, int index) {
  o.u16(opt_class);
  o.u8(opt_type);
  o.u8(len);
  o.u16(static_cast<uint16_t>(index));
  o.zeros(2);
}

}  // namespace

std::optional<TlvMod> decode_tlv_table_mod(std::span<const uint8_t> msg, WireError* err) {
  auto fail = [&](OfpError e, size_t at, std::string m) -> std::optional<TlvMod> {
    if (err != nullptr) *err = WireError{e, at, std::move(m)};
    return std::nullopt;
  };
  if (msg.size() < kNxHeaderLen + 8) {
    return fail(OfpError::kBadLen, 0, "tlv_table_mod shorter than 24 bytes");
  }
  const uint16_t command = rd16(&msg[16]);
  if (command > kTmcClear) {
    return fail(OfpError::kTlvBadCommand, 16, fmt::format("tlv table command {}", command));
  }
  if ((msg.size() - 24) % kMapLen != 0) {
    return fail(OfpError::kBadLen, 24,
                fmt::format("tlv maps of {} bytes (8 each)", msg.size() - 24));
  }
  TlvMod tm;
  tm.command = command == kTmcClear ? TlvModCommand::kClear : TlvModCommand::kAdd;
  for (size_t off = 24; off < msg.size(); off += kMapLen) {
    TlvModEntry e;
    e.opt_class = rd16(&msg[off]);
    e.opt_type = msg[off + 2];
    e.length = msg[off + 3];
    const uint16_t index = rd16(&msg[off + 4]);
    if (e.length % 4 != 0 || e.length > kMaxOptLen) {
      return fail(OfpError::kTlvBadOptLen, off + 3,
                  fmt::format("tlv option length {} (a multiple of 4, at most 124)", e.length));
    }
    if (index >= kTlvMaxFields) {
      return fail(OfpError::kTlvBadFieldIdx, off + 4,
                  fmt::format("tlv field index {} (max {})", index, kTlvMaxFields - 1));
    }
    e.index = index;
    tm.mappings.push_back(e);
  }
  if (command == kTmcDelete) {
    return fail(OfpError::kTlvBadCommand, 16,
                "tlv table DELETE is not supported (use CLEAR, then ADD what stays)");
  }
  // CLEAR ignores its maps, as OVS does.
  if (tm.command == TlvModCommand::kClear) tm.mappings.clear();
  return tm;
}

std::vector<uint8_t> encode_tlv_table_mod(const TlvMod& tm, uint8_t version, uint32_t xid) {
  std::vector<uint8_t> b;
  nx_header(b, version, xid, kSubtypeTlvTableMod);
  Out o{b};
  o.u16(tm.command == TlvModCommand::kClear ? kTmcClear : kTmcAdd);
  o.zeros(6);
  for (const TlvModEntry& e : tm.mappings) put_map(o, e.opt_class, e.opt_type, e.length, e.index);
  o.patch_len(2, 0);
  return b;
}

std::vector<uint8_t> encode_tlv_table_reply(const TlvMap& tlv, uint8_t version, uint32_t xid) {
  std::vector<uint8_t> b;
  nx_header(b, version, xid, kSubtypeTlvTableReply);
  Out o{b};
  o.u32(kTlvMaxOptionSpace);
  o.u16(kTlvMaxFields);
  o.zeros(10);
  for (int i = 0; i < kNumTunMetadata; ++i) {
    if (!tlv.mapped(i)) continue;
    const TlvMapping& m = tlv.mapping(i);
    put_map(o, m.opt_class, m.opt_type, m.length, i);
  }
  o.patch_len(2, 0);
  return b;
}

std::vector<uint8_t> encode_tlv_table_request(uint8_t version, uint32_t xid) {
  std::vector<uint8_t> b;
  nx_header(b, version, xid, kSubtypeTlvTableRequest);
  Out{b}.patch_len(2, 0);
  return b;
}

}  // namespace dpuflow::control
