// TLV map: Geneve option (class, type, length) <-> tun_metadataN, as set by
// NXT_TLV_TABLE_MOD / `ovs-ofctl add-tlv-map`, and where each mapped field's
// bytes live inside FlowKey::tun_metadata.
//
// Invariants: an index is mapped at most once; a mapping's bytes never
// overlap another's; lengths are multiples of 4 from 4 to 124; the total fits
// in kTunMetadataBytes (a map that does not fit is refused with a reason).
//
// Thread safety: a value type.  The pipeline publishes a new TlvMap with a
// new pipeline version; readers never see one change under them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "dataplane/flow/field.h"

namespace dpuflow::dataplane {

struct TlvMapping {
  uint16_t opt_class = 0;
  uint8_t opt_type = 0;
  uint8_t length = 0;   // bytes; 0 = unmapped
  uint16_t offset = 0;  // byte offset inside FlowKey::tun_metadata
};

class TlvMap {
 public:
  // Adds a mapping for tun_metadata<index>.  Returns an error text (naming
  // what clashes) when the index is taken, the length is invalid or there is
  // no room; nothing changes then.
  [[nodiscard]] std::optional<std::string> add(int index, uint16_t opt_class, uint8_t opt_type,
                                               uint8_t length);
  void clear() { *this = TlvMap(); }
  const TlvMapping& mapping(int index) const { return map_[index]; }
  bool mapped(int index) const { return map_[index].length != 0; }
  // The tun_metadata index mapped to (class, type), or -1.
  int find(uint16_t opt_class, uint8_t opt_type) const;

 private:
  std::array<TlvMapping, kNumTunMetadata> map_{};
};

// Resolves a field to its bytes in FlowKey.  For tun_metadataN, `tlv` must
// map N; otherwise returns nullopt.  For other fields `tlv` may be null.
std::optional<ResolvedField> resolve_field(const FieldDesc& f, const TlvMap* tlv);

}  // namespace dpuflow::dataplane
