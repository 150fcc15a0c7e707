#include "control/openflow/ofp_meter.h"

#include <fmt/format.h>

#include "control/openflow/ofp_wire.h"

namespace dpuflow::control {

using namespace dataplane;
using namespace wire;

namespace {

constexpr uint8_t kOfptMeterMod = 29;
constexpr size_t kBandLen = 16;
enum : uint16_t { kMcAdd = 0, kMcModify = 1, kMcDelete = 2 };
enum : uint16_t { kMbDrop = 1, kMbDscpRemark = 2 };

void put_bands(const MeterSpec& m, Out& o) {
  for (const MeterBand& b : m.bands) {
    o.u16(static_cast<uint16_t>(b.type));
    o.u16(kBandLen);
    o.u32(b.rate);
    o.u32(b.burst_size);
    o.u8(b.type == MeterBand::Type::kDscpRemark ? b.prec_level : 0);
    o.zeros(3);
  }
}

}  // namespace

std::optional<MeterMod> decode_meter_mod(std::span<const uint8_t> msg, WireError* err) {
  auto fail = [&](OfpError e, size_t at, std::string m) -> std::optional<MeterMod> {
    if (err != nullptr) *err = WireError{e, at, std::move(m)};
    return std::nullopt;
  };
  // OVS's framing (ofpraw_check_length): 16 bytes, then 8-byte units.
  if (msg.size() < kOfpHeaderLen + 8 || msg.size() % 8 != 0) {
    return fail(OfpError::kBadLen, 0,
                fmt::format("meter_mod of {} bytes (must be 16 plus a multiple of 8)",
                            msg.size()));
  }
  const uint16_t command = rd16(&msg[8]);
  MeterMod mm;
  switch (command) {
    case kMcAdd: mm.command = MeterModCommand::kAdd; break;
    case kMcModify: mm.command = MeterModCommand::kModify; break;
    case kMcDelete: mm.command = MeterModCommand::kDelete; break;
    default: return fail(OfpError::kMeterBadCommand, 8, fmt::format("meter command {}", command));
  }
  mm.meter.meter_id = rd32(&msg[12]);
  if (mm.command == MeterModCommand::kDelete) return mm;
  mm.meter.flags = rd16(&msg[10]);
  if ((mm.meter.flags & MeterSpec::kKbps) != 0 && (mm.meter.flags & MeterSpec::kPktps) != 0) {
    return fail(OfpError::kMeterBadFlags, 10, "kbps and pktps together");
  }
  size_t off = 16;
  while (msg.size() - off >= kBandLen) {
    const uint16_t type = rd16(&msg[off]);
    const uint16_t len = rd16(&msg[off + 2]);
    if (len != kBandLen) {
      return fail(OfpError::kBadLen, off + 2, fmt::format("meter band length {}", len));
    }
    if (type != kMbDrop && type != kMbDscpRemark) {
      return fail(OfpError::kMeterBadBand, off, fmt::format("meter band type {}", type));
    }
    MeterBand b;
    b.type = static_cast<MeterBand::Type>(type);
    b.rate = rd32(&msg[off + 4]);
    b.burst_size = rd32(&msg[off + 8]);
    b.prec_level = type == kMbDscpRemark ? msg[off + 12] : 0;
    mm.meter.bands.push_back(b);
    off += kBandLen;
  }
  if (off != msg.size()) {
    return fail(OfpError::kBadLen, off,
                fmt::format("meter bands end with {} leftover bytes", msg.size() - off));
  }
  return mm;
}

std::vector<uint8_t> encode_meter_mod(const MeterMod& mm, uint8_t version, uint32_t xid) {
  std::vector<uint8_t> b;
  Out o{b};
  put_header(b, OfpHeader{version, kOfptMeterMod, 0, xid});
  switch (mm.command) {
    case MeterModCommand::kAdd: o.u16(kMcAdd); break;
    case MeterModCommand::kModify: o.u16(kMcModify); break;
    case MeterModCommand::kDelete: o.u16(kMcDelete); break;
  }
  o.u16(mm.command == MeterModCommand::kDelete ? 0 : mm.meter.flags);
  o.u32(mm.meter.meter_id);
  if (mm.command != MeterModCommand::kDelete) put_bands(mm.meter, o);
  o.patch_len(2, 0);
  return b;
}

void encode_meter_config_entry(const MeterSpec& m, std::vector<uint8_t>& out) {
  Out o{out};
  const size_t start = out.size();
  o.u16(0);
  o.u16(m.flags);
  o.u32(m.meter_id);
  put_bands(m, o);
  o.patch_len(start, start);
}

uint32_t decode_meter_request(std::span<const uint8_t> mp_body) {
  return mp_body.size() < 4 ? kMeterAll : rd32(mp_body.data());
}

void encode_meter_features_reply(uint32_t max_meter, std::vector<uint8_t>& out) {
  Out o{out};
  o.u32(max_meter);
  o.u32(1u << kMbDrop | 1u << kMbDscpRemark);
  o.u32(MeterSpec::kKbps | MeterSpec::kPktps | MeterSpec::kBurst | MeterSpec::kStats);
  o.u8(kMeterMaxBands);
  o.u8(0);  // max_color
  o.zeros(2);
}

}  // namespace dpuflow::control
