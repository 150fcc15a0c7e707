// TLV map: Geneve option <-> tun_metadataN, with first-fit placement of each
// option's bytes inside FlowKey::tun_metadata.
#include "dataplane/flow/tlv_map.h"

#include <fmt/format.h>

#include <cstddef>

namespace dpuflow::dataplane {

std::optional<std::string> TlvMap::add(int index, uint16_t opt_class, uint8_t opt_type,
                                       uint8_t length) {
  if (index < 0 || index >= kNumTunMetadata) {
    return fmt::format("tun_metadata{}: no such field (tun_metadata0 to tun_metadata{} exist)",
                       index, kNumTunMetadata - 1);
  }
  if (length == 0 || length % 4 != 0 || length > 124) {
    return fmt::format(
        "tun_metadata{}: option length {} is invalid (must be a multiple of 4 from 4 to 124)",
        index, length);
  }
  if (mapped(index)) {
    const TlvMapping& m = map_[index];
    return fmt::format(
        "tun_metadata{} is already mapped to option class 0x{:x} type 0x{:x} length {}", index,
        m.opt_class, m.opt_type, m.length);
  }
  if (int other = find(opt_class, opt_type); other >= 0) {
    return fmt::format("option class 0x{:x} type 0x{:x} is already mapped to tun_metadata{}",
                       opt_class, opt_type, other);
  }
  // First fit: the lowest offset where `length` bytes overlap no mapping.
  // Mappings are multiples of 4 bytes, so 4-byte steps find every gap.
  for (size_t ofs = 0; ofs + length <= kTunMetadataBytes; ofs += 4) {
    bool clash = false;
    for (const TlvMapping& m : map_) {
      if (m.length != 0 && ofs < size_t{m.offset} + m.length && size_t{m.offset} < ofs + length) {
        clash = true;
        ofs = m.offset + m.length - 4;  // resume after this mapping
        break;
      }
    }
    if (!clash) {
      map_[index] = TlvMapping{opt_class, opt_type, length, static_cast<uint16_t>(ofs)};
      return std::nullopt;
    }
  }
  size_t used = 0;
  for (const TlvMapping& m : map_) used += m.length;
  return fmt::format(
      "tun_metadata{}: no room for {} bytes of option class 0x{:x} type 0x{:x} "
      "({} of {} bytes of tunnel metadata in use)",
      index, length, opt_class, opt_type, used, kTunMetadataBytes);
}

int TlvMap::find(uint16_t opt_class, uint8_t opt_type) const {
  for (int i = 0; i < kNumTunMetadata; ++i) {
    if (mapped(i) && map_[i].opt_class == opt_class && map_[i].opt_type == opt_type) return i;
  }
  return -1;
}

std::optional<ResolvedField> resolve_field(const FieldDesc& f, const TlvMap* tlv) {
  if (!is_tun_metadata(f.id)) {
    return ResolvedField{&f, f.offset, f.n_bytes, f.n_bits, f.bit_shift};
  }
  const int index = static_cast<int>(f.id) - static_cast<int>(FieldId::kTunMetadata0);
  if (tlv == nullptr || !tlv->mapped(index)) return std::nullopt;
  const TlvMapping& m = tlv->mapping(index);
  return ResolvedField{&f, static_cast<uint16_t>(offsetof(FlowKey, tun_metadata) + m.offset),
                       m.length, static_cast<uint16_t>(8 * m.length), 0};
}

}  // namespace dpuflow::dataplane
