// Bit-level access to fields: the `FIELD[start..end]` subfields that move,
// load, push/pop, learn and multipath name, and whole-field masked values as
// set_field and matches use them.
//
// All values here are big-endian byte strings of the field's width (a
// `FieldValue`), so that a 128-bit xxreg and a 16-bit tcp_dst go through the
// same code.  Bit 0 is the least significant bit of the last byte, as in
// ovs-actions(7).
//
// Thread safety: pure functions on caller-owned data.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dataplane/flow/field.h"
#include "dataplane/flow/tlv_map.h"

namespace dpuflow::dataplane {

// Enough for the widest field (tun_metadata: 124 bytes).
inline constexpr size_t kMaxFieldBytes = 128;

struct FieldValue {
  std::array<uint8_t, kMaxFieldBytes> bytes{};  // big-endian, right-aligned to n_bytes
  uint16_t n_bytes = 0;
  const uint8_t* data() const { return bytes.data(); }
  uint8_t* data() { return bytes.data(); }
  bool is_zero() const;
  bool operator==(const FieldValue& o) const;
  static FieldValue from_u64(uint64_t v, uint16_t n_bytes);
  // Low 64 bits as a host integer.
  uint64_t to_u64() const;
};

// A bit range of a field: `field[ofs .. ofs+n_bits-1]`.
struct Subfield {
  FieldId field = FieldId::kCount;
  uint16_t ofs = 0;
  uint16_t n_bits = 0;
  bool operator==(const Subfield&) const = default;
};

// Whole-field access (through the resolved byte run).
//
// tun_metadataN also has a presence bit (FlowKey::tun_metadata_present), as
// in OVS: reading an absent option gives zeros, writing one (or a mask for
// one, through write_field/or_field_mask on a FlowMask) sets the bit, so a
// match or a megaflow on an option also requires (un-wildcards) its presence.
FieldValue read_field(const ResolvedField& f, const FlowKey& k);
void write_field(const ResolvedField& f, const FieldValue& v, FlowKey& k);
// k = (k & ~mask) | (v & mask), within the field's bits.
void write_field_masked(const ResolvedField& f, const FieldValue& v, const FieldValue& mask,
                        FlowKey& k);
// Sets the bits of `mask` (a mask over this field) in the FlowMask.
void or_field_mask(const ResolvedField& f, const FieldValue& mask, FlowMask& m);
// All valid bits of the field as a mask value.
FieldValue field_all_ones(const ResolvedField& f);

// Subfield access.  The subfield must lie within the field (checked at parse
// time by `check_subfield`).  Values are right-aligned in a FieldValue of
// ceil(n_bits/8) bytes.
FieldValue read_subfield(const ResolvedField& f, const Subfield& sf, const FlowKey& k);
void write_subfield(const ResolvedField& f, const Subfield& sf, const FieldValue& v, FlowKey& k);
// Marks the subfield's bits as examined in the FlowMask.
void mask_subfield(const ResolvedField& f, const Subfield& sf, FlowMask& m);
// Copies n bits from src subfield to dst subfield (the move action).
void copy_subfield(const ResolvedField& src_f, const Subfield& src, const ResolvedField& dst_f,
                   const Subfield& dst, FlowKey& k);

// Parses "NXM_NX_REG10[12]", "NXM_NX_XXREG0[96..127]", "NXM_OF_ETH_SRC[]",
// "reg0[0..15]", "tun_metadata0[16..30]".  Errors name the offending text.
std::optional<Subfield> parse_subfield(std::string_view text, std::string* error);
// Prints in OVS's style: NXM/OXM name when the field has one (as OVS prints
// it, e.g. NXM_NX_REG13[0..15], NXM_OF_ETH_SRC[], NXM_NX_XXREG0[111]),
// otherwise the ovs-fields name.
std::string format_subfield(const Subfield& sf);

}  // namespace dpuflow::dataplane
