// Bit-level field access: whole fields, masked writes and subfields, on the
// big-endian byte runs of FlowKey (see flow_key.h and field.h).
//
// A field's value (FieldValue) is right-aligned: value bit j lives at bit
// (j + bit_shift) of the field's bytes in FlowKey, counted from the least
// significant bit of the last byte.  Value bits that have no storage (the
// upper byte of arp_op) read as zero and are dropped on write; nw_tos keeps
// only its DSCP bits, ct_state its eight flags and tun_flags its four flags,
// as OVS's match code does.  in_port_oxm and actset_output are 32-bit
// OpenFlow 1.1 port numbers over 16-bit storage: the conversion lives here.
#include "dataplane/flow/subfield.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace dpuflow::dataplane {
namespace {

bool is_port32(const FieldDesc& d) {
  return d.id == FieldId::kInPortOxm || d.id == FieldId::kActsetOutput;
}

// OpenFlow 1.0 <-> 1.1 port numbers (reserved ports move to 0xffffff00+).
uint32_t port16_to_32(uint16_t p) { return p < kOfppMax ? p : p + 0xffff0000u; }
uint16_t port32_to_16(uint32_t p) {
  if (p < kOfppMax) return static_cast<uint16_t>(p);
  if (p >= 0xffffff00u) return static_cast<uint16_t>(p - 0xffff0000u);
  return kOfppNone;
}

uint64_t load_be(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = v << 8 | p[i];
  return v;
}
void store_be(uint8_t* p, size_t n, uint64_t v) {
  for (size_t i = n; i-- > 0; v >>= 8) p[i] = static_cast<uint8_t>(v);
}

// A field whose value bytes are exactly its FlowKey bytes.
bool is_plain(const ResolvedField& f) {
  return f.bit_shift == 0 && f.n_bits == 8 * f.n_bytes && !is_port32(*f.desc) &&
         f.desc->id != FieldId::kIpDscp && f.desc->id != FieldId::kCtState &&
         f.desc->id != FieldId::kTunFlags;
}

// Value bits that have storage, for fields narrower than 64 bits of storage.
uint64_t stored_value_mask(const ResolvedField& f) {
  const int storage_bits = 8 * f.n_bytes - f.bit_shift;
  const int bits = std::min<int>(f.n_bits, storage_bits);
  uint64_t m = bits >= 64 ? ~0ull : (1ull << bits) - 1;
  switch (f.desc->id) {
    case FieldId::kIpDscp: m &= 0xfc; break;   // nw_tos: the DSCP bits only
    case FieldId::kCtState: m &= 0xff; break;  // the eight defined ct_state bits (as OVS)
    case FieldId::kTunFlags: m &= kTnlFOam | kTnlFDontFragment | kTnlFCsum | kTnlFKey; break;
    default: break;
  }
  return m;
}

bool get_bit(const uint8_t* p, size_t n_bytes, size_t bit) {
  return (p[n_bytes - 1 - bit / 8] >> (bit % 8)) & 1;
}
void put_bit(uint8_t* p, size_t n_bytes, size_t bit, bool v) {
  uint8_t& b = p[n_bytes - 1 - bit / 8];
  const uint8_t m = static_cast<uint8_t>(1u << (bit % 8));
  b = v ? (b | m) : (b & ~m);
}

// Copies n bits: src[src_ofs..] -> dst[dst_ofs..], both big-endian arrays.
void copy_bits(const uint8_t* src, size_t src_len, size_t src_ofs, uint8_t* dst, size_t dst_len,
               size_t dst_ofs, size_t n) {
  if (src_ofs % 8 == 0 && dst_ofs % 8 == 0 && n % 8 == 0) {
    std::memmove(dst + dst_len - dst_ofs / 8 - n / 8, src + src_len - src_ofs / 8 - n / 8, n / 8);
    return;
  }
  for (size_t i = 0; i < n; ++i) put_bit(dst, dst_len, dst_ofs + i, get_bit(src, src_len, src_ofs + i));
}

FieldValue sized(uint16_t n_bytes) {
  FieldValue v;
  v.n_bytes = n_bytes;
  return v;
}

// Value with bits [ofs, ofs + n) set, over the field's value width.
FieldValue range_mask(const ResolvedField& f, size_t ofs, size_t n) {
  FieldValue m = sized(field_value_bytes(f));
  for (size_t i = 0; i < n; ++i) put_bit(m.data(), m.n_bytes, ofs + i, true);
  return m;
}

}  // namespace

// ---- FieldValue ----------------------------------------------------------

bool FieldValue::is_zero() const {
  return std::all_of(bytes.begin(), bytes.begin() + n_bytes, [](uint8_t b) { return b == 0; });
}

bool FieldValue::operator==(const FieldValue& o) const {
  return n_bytes == o.n_bytes && std::memcmp(bytes.data(), o.bytes.data(), n_bytes) == 0;
}

FieldValue FieldValue::from_u64(uint64_t v, uint16_t n_bytes) {
  FieldValue r = sized(n_bytes);
  const size_t n = std::min<size_t>(n_bytes, 8);
  store_be(r.data() + n_bytes - n, n, v);
  return r;
}

uint64_t FieldValue::to_u64() const {
  const size_t n = std::min<size_t>(n_bytes, 8);
  return load_be(data() + n_bytes - n, n);
}

// ---- whole fields --------------------------------------------------------

namespace {
// The presence bit of a tun_metadataN field, or 0 for other fields.
uint64_t presence_bit(const ResolvedField& f) {
  if (!is_tun_metadata(f.desc->id)) return 0;
  return 1ull << (static_cast<int>(f.desc->id) - static_cast<int>(FieldId::kTunMetadata0));
}
}  // namespace

FieldValue read_field(const ResolvedField& f, const FlowKey& k) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(&k) + f.offset;
  FieldValue v = sized(field_value_bytes(f));
  if (const uint64_t bit = presence_bit(f); bit && !(k.tun_metadata_present & bit)) {
    return v;  // an absent option reads as zeros
  }
  if (is_plain(f)) {
    std::memcpy(v.data(), p, f.n_bytes);
  } else if (is_port32(*f.desc)) {
    store_be(v.data(), 4, port16_to_32(static_cast<uint16_t>(load_be(p, 2))));
  } else {
    const uint64_t st = load_be(p, f.n_bytes);
    store_be(v.data(), v.n_bytes, (st >> f.bit_shift) & stored_value_mask(f));
  }
  return v;
}

void write_field(const ResolvedField& f, const FieldValue& v, FlowKey& k) {
  uint8_t* p = reinterpret_cast<uint8_t*>(&k) + f.offset;
  const uint16_t w = field_value_bytes(f);
  // Accept values of any width: take the low `w` bytes (zero-extended).
  FieldValue val = sized(w);
  const size_t n = std::min<size_t>(w, v.n_bytes);
  std::memcpy(val.data() + w - n, v.data() + v.n_bytes - n, n);
  k.tun_metadata_present |= presence_bit(f);
  if (is_plain(f)) {
    std::memcpy(p, val.data(), f.n_bytes);
  } else if (is_port32(*f.desc)) {
    store_be(p, 2, port32_to_16(static_cast<uint32_t>(load_be(val.data(), 4))));
  } else {
    const uint64_t m = stored_value_mask(f) << f.bit_shift;
    uint64_t st = load_be(p, f.n_bytes);
    st = (st & ~m) | ((load_be(val.data(), w) << f.bit_shift) & m);
    store_be(p, f.n_bytes, st);
  }
}

void write_field_masked(const ResolvedField& f, const FieldValue& v, const FieldValue& mask,
                        FlowKey& k) {
  FieldValue cur = read_field(f, k);
  const uint16_t w = cur.n_bytes;
  for (uint16_t i = 0; i < w; ++i) {
    const int vi = v.n_bytes - w + i, mi = mask.n_bytes - w + i;
    const uint8_t vb = vi >= 0 ? v.bytes[vi] : 0;
    const uint8_t mb = mi >= 0 ? mask.bytes[mi] : 0;
    cur.bytes[i] = static_cast<uint8_t>((cur.bytes[i] & ~mb) | (vb & mb));
  }
  write_field(f, cur, k);
}

void or_field_mask(const ResolvedField& f, const FieldValue& mask, FlowMask& m) {
  uint8_t* p = reinterpret_cast<uint8_t*>(&m) + f.offset;
  const uint16_t w = field_value_bytes(f);
  FieldValue val = sized(w);
  const size_t n = std::min<size_t>(w, mask.n_bytes);
  std::memcpy(val.data() + w - n, mask.data() + mask.n_bytes - n, n);
  if (!val.is_zero()) m.tun_metadata_present |= presence_bit(f);
  if (is_plain(f)) {
    for (uint16_t i = 0; i < f.n_bytes; ++i) p[i] |= val.bytes[i];
  } else if (is_port32(*f.desc)) {
    if (!val.is_zero()) store_be(p, 2, 0xffff);
  } else {
    uint64_t st = load_be(p, f.n_bytes);
    st |= (load_be(val.data(), w) & stored_value_mask(f)) << f.bit_shift;
    store_be(p, f.n_bytes, st);
  }
}

FieldValue field_all_ones(const ResolvedField& f) {
  FieldValue v = sized(field_value_bytes(f));
  if (is_plain(f)) {
    std::memset(v.data(), 0xff, v.n_bytes);
  } else if (is_port32(*f.desc)) {
    store_be(v.data(), 4, 0xffffffffu);
  } else {
    store_be(v.data(), v.n_bytes, stored_value_mask(f));
  }
  return v;
}

// ---- subfields -----------------------------------------------------------

FieldValue read_subfield(const ResolvedField& f, const Subfield& sf, const FlowKey& k) {
  const FieldValue whole = read_field(f, k);
  FieldValue out = sized(static_cast<uint16_t>((sf.n_bits + 7) / 8));
  copy_bits(whole.data(), whole.n_bytes, sf.ofs, out.data(), out.n_bytes, 0, sf.n_bits);
  return out;
}

void write_subfield(const ResolvedField& f, const Subfield& sf, const FieldValue& v, FlowKey& k) {
  FieldValue whole = read_field(f, k);
  // Bits of `v` beyond its width read as zero.
  const size_t have = std::min<size_t>(sf.n_bits, 8u * v.n_bytes);
  copy_bits(v.data(), v.n_bytes, 0, whole.data(), whole.n_bytes, sf.ofs, have);
  for (size_t i = have; i < sf.n_bits; ++i) put_bit(whole.data(), whole.n_bytes, sf.ofs + i, false);
  write_field(f, whole, k);
}

void mask_subfield(const ResolvedField& f, const Subfield& sf, FlowMask& m) {
  or_field_mask(f, range_mask(f, sf.ofs, sf.n_bits), m);
}

void copy_subfield(const ResolvedField& src_f, const Subfield& src, const ResolvedField& dst_f,
                   const Subfield& dst, FlowKey& k) {
  const FieldValue v = read_subfield(src_f, src, k);
  Subfield d = dst;
  d.n_bits = std::min(src.n_bits, dst.n_bits);
  write_subfield(dst_f, d, v, k);
}

// ---- text ----------------------------------------------------------------

std::optional<Subfield> parse_subfield(std::string_view text, std::string* error) {
  auto fail = [&](std::string msg) -> std::optional<Subfield> {
    if (error) *error = std::move(msg);
    return std::nullopt;
  };
  const size_t name_len = std::min(text.find_first_of("[-"), text.size());
  std::string_view name = text.substr(0, name_len);
  const FieldDesc* f = field_by_name(name);
  // OVS accepts the "_W" (wildcarded) NXM spelling in subfields too.
  if (!f && name.size() > 2 && name.ends_with("_W")) f = field_by_name(name.substr(0, name.size() - 2));
  if (!f) return fail(fmt::format("{}: unknown field `{}'", text, name));

  int start = 0, end = f->n_bits - 1;
  std::string_view rest = text.substr(name_len);
  if (!rest.empty()) {
    const size_t close = rest.find(']');
    if (rest[0] != '[' || close == std::string_view::npos) {
      return fail(fmt::format("{}: syntax error expecting [] or [<bit>] or [<start>..<end>]", text));
    }
    std::string_view inside = rest.substr(1, close - 1);
    auto number = [](std::string_view s, int* out) {
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
      return ec == std::errc() && ptr == s.data() + s.size() && !s.empty();
    };
    if (!inside.empty()) {
      const size_t dots = inside.find("..");
      const bool ok = dots == std::string_view::npos
                          ? number(inside, &start) && (end = start, true)
                          : number(inside.substr(0, dots), &start) &&
                                number(inside.substr(dots + 2), &end);
      if (!ok) {
        return fail(
            fmt::format("{}: syntax error expecting [] or [<bit>] or [<start>..<end>]", text));
      }
    }
    if (close + 1 != rest.size()) {
      return fail(fmt::format("{}: unexpected input `{}' following field syntax", text,
                              rest.substr(close + 1)));
    }
  }
  if (start > end) {
    return fail(fmt::format("{}: starting bit {} is after ending bit {}", text, start, end));
  }
  if (start < 0 || start >= f->n_bits) {
    return fail(fmt::format("{}: starting bit {} is not valid because field is only {} bits wide",
                            text, start, f->n_bits));
  }
  if (end >= f->n_bits) {
    return fail(fmt::format("{}: ending bit {} is not valid because field is only {} bits wide",
                            text, end, f->n_bits));
  }
  return Subfield{f->id, static_cast<uint16_t>(start), static_cast<uint16_t>(end - start + 1)};
}

std::string format_subfield(const Subfield& sf) {
  if (sf.field >= FieldId::kCount) return "<unknown>";
  const FieldDesc& f = field_desc(sf.field);
  // OVS prints the first NXM/OXM spelling registered for the field (for
  // actset_output that is the OpenFlow 1.3 ONF one).
  std::string_view name = f.id == FieldId::kActsetOutput ? std::string_view("ONFOXM_ET_ACTSET_OUTPUT")
                          : !f.nxm_name.empty()          ? f.nxm_name
                          : !f.oxm_name.empty()          ? f.oxm_name
                                                         : f.name;
  if (sf.ofs == 0 && sf.n_bits == f.n_bits) return fmt::format("{}[]", name);
  if (sf.n_bits == 1) return fmt::format("{}[{}]", name, sf.ofs);
  return fmt::format("{}[{}..{}]", name, sf.ofs, sf.ofs + sf.n_bits - 1);
}

}  // namespace dpuflow::dataplane
