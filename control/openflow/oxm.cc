#include "control/openflow/oxm.h"

#include <algorithm>

#include <fmt/format.h>

#include "dataplane/flow/subfield.h"

namespace dpuflow::control {

using namespace dataplane;

namespace {

void put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(v >> s));
}

// `v` right-aligned into exactly `n` bytes.
void put_value(std::vector<uint8_t>& out, const FieldValue& v, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const size_t from_end = n - 1 - i;
    out.push_back(from_end < v.n_bytes ? v.bytes[v.n_bytes - 1 - from_end] : 0);
  }
}

bool fields_overlap(const FieldDesc& a, const FieldDesc& b) {
  return a.offset < b.offset + b.n_bytes && b.offset < a.offset + a.n_bytes;
}

// Views of storage another field owns, never written on the wire.
bool is_alias_view(FieldId id) {
  switch (id) {
    case FieldId::kDlVlan:
    case FieldId::kVlanVid:
    case FieldId::kDlVlanPcp:
    case FieldId::kVlanPcp:
    case FieldId::kIpDscpShifted:
    case FieldId::kInPortOxm:
    case FieldId::kPacketType:  // the default (Ethernet) is implied
    case FieldId::kActsetOutput:
      return true;
    default:
      return (id >= FieldId::kXreg0 && id <= FieldId::kXreg7) ||
             (id >= FieldId::kXxreg0 && id <= FieldId::kXxreg3);
  }
}

int prereq_rank(Prereq p) {
  switch (p) {
    case Prereq::kNone: return 0;
    case Prereq::kEthernet: return 1;
    case Prereq::kVlan: return 2;
    case Prereq::kArp:
    case Prereq::kIp:
    case Prereq::kIpv6:
    case Prereq::kIpAny:
    case Prereq::kCtValid: return 3;
    case Prereq::kTcp:
    case Prereq::kUdp:
    case Prereq::kSctp:
    case Prereq::kIcmpv4:
    case Prereq::kIcmpv6: return 4;
    default: return 5;  // ND
  }
}

}  // namespace

std::vector<uint8_t> encode_oxm_tlvs(const Match& m, const TlvMap& tlv) {
  std::vector<uint8_t> out;
  // ip_proto before the fields that need it: within a rank, dl_type and
  // nw_proto come first.
  auto order = [](const FieldDesc& d) {
    int r = prereq_rank(d.prereq) * 4;
    if (d.id == FieldId::kEthType) r += 0;
    else if (d.id == FieldId::kIpProto) r = prereq_rank(Prereq::kIpAny) * 4;
    else r += 1;
    return r;
  };
  std::vector<const FieldDesc*> fields;
  for (const FieldDesc& d : all_fields()) {
    if (!is_alias_view(d.id)) fields.push_back(&d);
  }
  std::stable_sort(fields.begin(), fields.end(),
                   [&](const FieldDesc* a, const FieldDesc* b) { return order(*a) < order(*b); });
  std::vector<const FieldDesc*> written;
  for (const FieldDesc* d : fields) {
    auto rf = resolve_field(*d, &tlv);
    if (!rf || rf->n_bytes == 0) continue;
    FieldValue mask = read_field(*rf, m.mask);
    if (mask.is_zero()) continue;
    if (!prereqs_satisfied(*d, m)) continue;
    bool dup = false;
    for (const FieldDesc* w : written) dup |= !is_tun_metadata(d->id) && fields_overlap(*w, *d);
    if (dup) continue;
    written.push_back(d);
    FieldValue value = read_field(*rf, m.value);
    uint32_t header = d->nxm_header != 0 ? d->nxm_header : d->oxm_header;
    // The wire width is the header's (arp_op is 16 bits on the wire, 8 in
    // FlowKey); a tun_metadataN's comes from the TLV map.
    size_t n = is_tun_metadata(d->id) ? rf->n_bytes : (header & 0xff);
    if (is_tun_metadata(d->id)) header = (header & 0xffffff00u) | static_cast<uint32_t>(n);
    // nw_tos through NXM_OF_IP_TOS carries the DSCP bits only.
    if (d->id == FieldId::kIpDscp) {
      value.bytes[value.n_bytes - 1] &= 0xfc;
      mask.bytes[mask.n_bytes - 1] &= 0xfc;
      if (mask.is_zero()) continue;
    }
    const FieldValue ones = field_all_ones(*rf);
    bool exact = true;
    for (uint16_t i = 0; i < ones.n_bytes; ++i) {
      const uint16_t mi = static_cast<uint16_t>(mask.n_bytes - ones.n_bytes + i);
      if ((mask.bytes[mi] & ones.bytes[i]) != ones.bytes[i]) exact = false;
    }
    if (d->id == FieldId::kIpDscp) exact = true;  // not maskable: DSCP bits only
    if (exact || d->maskable == Maskable::kNo) {
      put32(out, (header & 0xfffffe00u) | static_cast<uint32_t>(n));
      put_value(out, value, n);
    } else {
      put32(out, (header & 0xfffffe00u) | 0x100u | static_cast<uint32_t>(2 * n));
      put_value(out, value, n);
      put_value(out, mask, n);
    }
  }
  return out;
}

std::vector<uint8_t> encode_ofp_match(const Match& m, const TlvMap& tlv) {
  const std::vector<uint8_t> tlvs = encode_oxm_tlvs(m, tlv);
  const size_t len = 4 + tlvs.size();
  std::vector<uint8_t> out((len + 7) / 8 * 8, 0);
  out[1] = 0x01;  // OFPMT_OXM
  out[2] = static_cast<uint8_t>(len >> 8);
  out[3] = static_cast<uint8_t>(len);
  for (size_t i = 0; i < tlvs.size(); ++i) out[4 + i] = tlvs[i];
  return out;
}

const char* match_error_name(MatchError e) {
  switch (e) {
    case MatchError::kBadLen: return "OFPBMC_BAD_LEN";
    case MatchError::kBadWildcards: return "OFPBMC_BAD_WILDCARDS";
    case MatchError::kBadField: return "OFPBMC_BAD_FIELD";
    case MatchError::kBadMask: return "OFPBMC_BAD_MASK";
    case MatchError::kBadPrereq: return "OFPBMC_BAD_PREREQ";
    case MatchError::kDupField: return "OFPBMC_DUP_FIELD";
    case MatchError::kInvalidTlvField: return "NXFMFC_INVALID_TLV_FIELD";
  }
  return "?";
}

std::optional<Match> decode_oxm_tlvs(std::span<const uint8_t> in, const TlvMap& tlv,
                                     MatchDecodeError* err) {
  auto fail = [&](MatchError code, size_t ofs, std::string msg) -> std::optional<Match> {
    if (err != nullptr) *err = MatchDecodeError{code, ofs, std::move(msg)};
    return std::nullopt;
  };
  Match m;
  size_t ofs = 0;
  while (ofs < in.size()) {
    if (in.size() - ofs < 4) return fail(MatchError::kBadLen, ofs, "truncated TLV header");
    const uint32_t header = static_cast<uint32_t>(in[ofs] << 24 | in[ofs + 1] << 16 |
                                                  in[ofs + 2] << 8 | in[ofs + 3]);
    size_t hdr_len = 4;
    uint32_t experimenter = 0;
    if ((header >> 16) == 0xffff) {
      if (in.size() - ofs < 8) return fail(MatchError::kBadLen, ofs, "truncated experimenter TLV");
      experimenter = static_cast<uint32_t>(in[ofs + 4] << 24 | in[ofs + 5] << 16 |
                                           in[ofs + 6] << 8 | in[ofs + 7]);
      hdr_len = 8;
    }
    const bool has_mask = (header & 0x100) != 0;
    if ((header & 0xff) < hdr_len - 4) {
      return fail(MatchError::kBadLen, ofs, fmt::format("TLV {:#010x} too short", header));
    }
    const size_t payload = (header & 0xff) - (hdr_len - 4);
    // The value's width; a masked TLV's payload is value then mask, and an
    // odd byte at its end is ignored, as OVS's nxm_field_bytes() does.
    const size_t width = has_mask ? payload / 2 : payload;
    // OVS (nxm_field_by_header()) looks a field up by its header with the
    // length a value of `width` bytes would have: a known field of another
    // length is an unknown field, except tun_metadataN (variable length).
    const FieldDesc* d = field_by_header(header, experimenter);
    if (d != nullptr && !is_tun_metadata(d->id)) {
      const bool nxm = d->nxm_header != 0 && (header >> 16) == (d->nxm_header >> 16);
      const size_t expect = ((nxm ? d->nxm_header : d->oxm_header) & 0xff) - (hdr_len - 4);
      if (width != expect) d = nullptr;
    }
    std::optional<ResolvedField> rf;
    if (d != nullptr) {
      rf = resolve_field(*d, &tlv);
      if (!rf || rf->n_bytes == 0) {
        return fail(MatchError::kInvalidTlvField, ofs, fmt::format("{} is not mapped", d->name));
      }
    }
    // Then, for a known field or not (nx_pull_entry__()): the payload must
    // fit, and a mask must cover every 1-bit of the value.
    if (in.size() - ofs - hdr_len < payload) {
      return fail(MatchError::kBadLen, ofs, fmt::format("TLV {:#010x} overruns the match", header));
    }
    const uint8_t* p = in.data() + ofs + hdr_len;
    bool mask_all_zeros = true, mask_all_ones = true;
    for (size_t i = 0; has_mask && i < width; ++i) {
      if ((p[i] & ~p[width + i]) != 0) {
        return fail(MatchError::kBadWildcards, ofs,
                    fmt::format("TLV {:#010x}: value has 1-bits outside the mask", header));
      }
      mask_all_zeros &= p[width + i] == 0x00;
      mask_all_ones &= p[width + i] == 0xff;
    }
    if (d == nullptr) {
      return fail(MatchError::kBadField, ofs, fmt::format("unknown field {:#010x}", header));
    }
    // ovs-ofctl writes a tun_metadataN value in as few bytes as it needs
    // (it has no TLV map); OVS takes any length up to the mapped one.
    if (is_tun_metadata(d->id) && (width == 0 || width > rf->n_bytes)) {
      return fail(MatchError::kBadLen, ofs,
                  fmt::format("{}: {} bytes, expected {}", d->name, width, rf->n_bytes));
    }
    // mf_is_mask_valid(): a field that takes no mask still takes an
    // all-zeros (wildcard) or all-ones (exact) one.
    if (has_mask && d->maskable == Maskable::kNo && !mask_all_zeros && !mask_all_ones) {
      return fail(MatchError::kBadMask, ofs, fmt::format("{} cannot be masked", d->name));
    }
    if (!prereqs_satisfied(*d, m)) {
      return fail(MatchError::kBadPrereq, ofs,
                  fmt::format("{} before its prerequisites", d->name));
    }
    if (!read_field(*rf, m.mask).is_zero()) {
      return fail(MatchError::kDupField, ofs, fmt::format("{} appears twice", d->name));
    }
    // OVS's mf_set(): an all-ones mask is an exact match and an all-zeros
    // one leaves the field wild.  (A field that takes masks is kept as its
    // mask says, as before.)
    const bool non_maskable = d->maskable == Maskable::kNo;
    const bool masked = has_mask && !(non_maskable && mask_all_ones);
    auto value_of = [&](const uint8_t* b) {
      FieldValue v;
      v.n_bytes = field_value_bytes(*rf);
      for (size_t i = 0; i < v.n_bytes && i < width; ++i) {
        v.bytes[v.n_bytes - 1 - i] = b[width - 1 - i];
      }
      return v;
    };
    FieldValue value = value_of(p);
    FieldValue mask = masked ? value_of(p + width) : field_all_ones(*rf);
    ResolvedField target = *rf;
    if (d->id == FieldId::kVlanVid || d->id == FieldId::kVlanPcp) {
      // OXM_OF_VLAN_VID is 13 bits: the VID and OFPVID_PRESENT (0x1000),
      // which is vlan_tci's CFI bit, so it maps onto vlan_tci[0..12] as is;
      // OXM_OF_VLAN_PCP sets the PCP bits and requires a tag (CFI), as OVS
      // match_set_vlan_pcp() does.
      const uint16_t v = static_cast<uint16_t>(p[0] << 8 | (width > 1 ? p[1] : 0));
      const uint16_t mk = masked ? static_cast<uint16_t>(p[width] << 8 | p[width + 1]) : 0xffff;
      uint16_t tci = 0, tci_mask = 0;
      if (d->id == FieldId::kVlanVid) {
        tci_mask = mk & 0x1fff;
        tci = v & tci_mask;
      } else {
        tci = static_cast<uint16_t>((p[0] & 7) << 13 | 0x1000);
        tci_mask = 0xf000;
      }
      target = *resolve_field(field_desc(FieldId::kVlanTci), nullptr);
      value = FieldValue::from_u64(tci, 2);
      mask = FieldValue::from_u64(tci_mask, 2);
    }
    if (!(non_maskable && has_mask && mask_all_zeros)) {
      m.set_field_masked(target, value, mask);
      // As OVS: ICMP type/code match the whole 16-bit port word.
      if (d->id == FieldId::kIcmpv4Type || d->id == FieldId::kIcmpv6Type) m.mask.tp_src = 0xffff;
      if (d->id == FieldId::kIcmpv4Code || d->id == FieldId::kIcmpv6Code) m.mask.tp_dst = 0xffff;
    }
    if (d->prereq != Prereq::kNone && m.mask.packet_type == 0) {
      m.mask.packet_type = 0xffffffff;
      m.value.packet_type = be32(kPtEth);
    }
    ofs += hdr_len + payload;
  }
  return m;
}

}  // namespace dpuflow::control
