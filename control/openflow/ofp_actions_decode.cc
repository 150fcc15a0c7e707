// OpenFlow 1.3 / 1.5 actions and instructions -> ActionList, with OVS's
// checks and error codes (lib/ofp-actions.c is the reference for which
// error each malformation gets).
#include <cstring>

#include <fmt/format.h>

#include "control/openflow/ofp_actions.h"
#include "control/openflow/ofp_wire.h"
#include "dataplane/flow/flow_key.h"

namespace dpuflow::control {

using namespace dataplane;
using namespace wire;

namespace {

bool all_zero(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

FieldValue value_from(const uint8_t* p, size_t n, uint16_t n_bytes) {
  FieldValue v;
  v.n_bytes = n_bytes;
  for (size_t i = 0; i < n_bytes && i < n; ++i) v.bytes[n_bytes - 1 - i] = p[n - 1 - i];
  return v;
}

class Decoder {
 public:
  Decoder(uint8_t version, const TlvMap& tlv, WireError* err, uint8_t nw_proto = 0)
      : v_(version), tlv_(tlv), err_(err), nw_proto_(nw_proto) {}

  // Decodes `in` (whose first byte is at `base` in the caller's input).
  bool list(std::span<const uint8_t> in, size_t base, ActionList& out, bool in_ct = false) {
    size_t ofs = 0;
    while (ofs < in.size()) {
      if (in.size() - ofs < 8) return fail(OfpError::kBadActionLen, base + ofs, "truncated action");
      const uint16_t len = rd16(&in[ofs + 2]);
      if (len < 8 || len % 8 != 0 || len > in.size() - ofs) {
        return fail(OfpError::kBadActionLen, base + ofs,
                    fmt::format("action length {} (type {}) is not a multiple of 8 within the "
                                "{} bytes left",
                                len, rd16(&in[ofs]), in.size() - ofs));
      }
      if (!one(in.subspan(ofs, len), base + ofs, out, in_ct)) return false;
      ofs += len;
    }
    return true;
  }

 private:
  bool fail(OfpError code, size_t at, std::string msg) {
    if (err_ != nullptr) *err_ = WireError{code, at, std::move(msg)};
    return false;
  }
  bool need_len(std::span<const uint8_t> a, size_t want, size_t at, const char* what) {
    if (a.size() == want) return true;
    return fail(OfpError::kBadActionLen, at,
                fmt::format("{} is {} bytes, expected {}", what, a.size(), want));
  }
  std::optional<ResolvedField> resolve(FieldId id) const {
    auto r = resolve_field(field_desc(id), &tlv_);
    if (!r || r->n_bytes == 0) return std::nullopt;
    return r;
  }
  // A field named by a header inside an action; `hdr_len` gets 4 or 8.
  const FieldDesc* field_at(const uint8_t* p, size_t avail, size_t* hdr_len) {
    if (avail < 4) return nullptr;
    const uint32_t h = rd32(p);
    uint32_t exp = 0;
    *hdr_len = 4;
    if ((h >> 16) == 0xffff) {
      if (avail < 8) return nullptr;
      exp = rd32(p + 4);
      *hdr_len = 8;
    }
    return field_by_header(h, exp);
  }
  // A subfield: header at p, offset `ofs`, `n_bits`.
  bool subfield(const uint8_t* p, size_t avail, uint16_t ofs, uint16_t n_bits, size_t at,
                Subfield* sf, OfpError bad_type = OfpError::kBadSetType) {
    size_t hl = 0;
    const FieldDesc* d = field_at(p, avail, &hl);
    if (d == nullptr) {
      return fail(bad_type, at, fmt::format("unknown field {:#010x}", avail >= 4 ? rd32(p) : 0));
    }
    FieldId id = d->id;
    if (id == FieldId::kInPortOxm) id = FieldId::kInPort;
    auto rf = resolve(id);
    // OVS: a variable-length field the TLV map lacks (mf_vl_mff_invalid).
    if (!rf) return fail(OfpError::kInvalidTlvField, at, fmt::format("{} is not mapped", d->name));
    if (n_bits == 0 || ofs + n_bits > rf->n_bits) {
      return fail(OfpError::kBadSetLen, at,
                  fmt::format("{}[{}..{}] is outside the {}-bit field", d->name, ofs,
                              ofs + n_bits - 1, rf->n_bits));
    }
    *sf = Subfield{id, ofs, n_bits};
    return true;
  }

  // One OXM TLV of a set_field / reg_load2.  Returns bytes consumed, 0 on error.
  size_t set_field_tlv(std::span<const uint8_t> b, size_t at, bool allow_mask, ActSetField* a) {
    size_t hl = 0;
    const FieldDesc* d = field_at(b.data(), b.size(), &hl);
    if (b.size() < 4) return fail(OfpError::kBadSetLen, at, "truncated set_field"), 0;
    const uint32_t h = rd32(b.data());
    if (d == nullptr) {
      return fail(OfpError::kBadSetType, at, fmt::format("set_field of unknown field {:#010x}", h)),
             0;
    }
    const bool masked = (h & 0x100) != 0;
    const size_t payload = (h & 0xff) - (hl - 4);
    if ((h & 0xff) < hl - 4 || hl + payload > b.size()) {
      return fail(OfpError::kBadSetLen, at, fmt::format("{} overruns the action", d->name)), 0;
    }
    if (masked && !allow_mask) {
      return fail(OfpError::kBadSetMask, at,
                  fmt::format("set_field of {} with a mask needs OpenFlow 1.5", d->name)),
             0;
    }
    const uint8_t* p = b.data() + hl;
    const size_t width = masked ? payload / 2 : payload;
    if (d->id == FieldId::kInPortOxm) {
      if (width != 4 || (masked && payload != 8)) {
        return fail(OfpError::kBadSetLen, at, "in_port is 4 bytes"), 0;
      }
      auto port = port_from_ofp11(rd32(p));
      if (!port) return fail(OfpError::kBadSetArgument, at, "invalid in_port"), 0;
      a->field = FieldId::kInPort;
      a->value = FieldValue::from_u64(*port, 2);
      a->mask = FieldValue::from_u64(masked ? rd32(p + 4) & 0xffff : 0xffff, 2);
      return hl + payload;
    }
    auto rf = resolve(d->id);
    if (!rf) {
      return fail(OfpError::kInvalidTlvField, at, fmt::format("{} is not mapped", d->name)), 0;
    }
    const size_t expect = is_tun_metadata(d->id) ? rf->n_bytes
                          : (((d->nxm_header != 0 && (h >> 16) == (d->nxm_header >> 16))
                                  ? d->nxm_header
                                  : d->oxm_header) & 0xff) - (hl - 4);
    // ovs-ofctl writes a tun_metadataN value in as few bytes as it needs.
    const bool short_ok = is_tun_metadata(d->id) && width > 0 && width <= expect;
    if ((masked && payload % 2 != 0) || (width != expect && !short_ok)) {
      return fail(OfpError::kBadSetLen, at,
                  fmt::format("{}: {} bytes, expected {}", d->name, width, expect)),
             0;
    }
    if (!d->writable) {
      return fail(OfpError::kBadSetArgument, at, fmt::format("{} is read-only", d->name)), 0;
    }
    a->field = d->id;
    a->value = value_from(p, width, field_value_bytes(*rf));
    a->mask = masked ? value_from(p + width, width, field_value_bytes(*rf)) : field_all_ones(*rf);
    for (uint16_t i = 0; i < a->value.n_bytes; ++i) a->value.bytes[i] &= a->mask.bytes[i];
    return hl + payload;
  }

  // OpenFlow 1.0's standard actions.
  bool one10(std::span<const uint8_t> a, size_t at, ActionList& out) {
    const uint16_t type = rd16(a.data());
    auto set = [&](FieldId id, const uint8_t* p, size_t n) {
      ActSetField s;
      s.field = id;
      const ResolvedField rf = *resolve(id);
      s.value = value_from(p, n, field_value_bytes(rf));
      s.mask = field_all_ones(rf);
      out.push_back(s);
      return true;
    };
    switch (type) {
      case kAt10Output: {
        if (!need_len(a, 8, at, "output")) return false;
        const uint16_t port = rd16(&a[4]);
        if (port == kOfppNone || (port >= kOfppMax && port < kOfppInPort)) {
          return fail(OfpError::kBadOutPort, at, fmt::format("output to invalid port {:#x}", port));
        }
        if (port == kOfppController) {
          ActController c;
          c.max_len = rd16(&a[6]);
          out.push_back(c);
        } else {
          out.push_back(ActOutput{port, 0});
        }
        return true;
      }
      case kAt10StripVlan:
        if (!need_len(a, 8, at, "strip_vlan")) return false;
        out.push_back(ActPopVlan{});
        return true;
      case kAt10SetDlSrc:
      case kAt10SetDlDst:
        if (!need_len(a, 16, at, "mod_dl_src/dst")) return false;
        return set(type == kAt10SetDlSrc ? FieldId::kEthSrc : FieldId::kEthDst, &a[4], 6);
      case kAt10SetNwSrc:
      case kAt10SetNwDst:
        if (!need_len(a, 8, at, "mod_nw_src/dst")) return false;
        return set(type == kAt10SetNwSrc ? FieldId::kIpv4Src : FieldId::kIpv4Dst, &a[4], 4);
      case kAt10SetTpSrc:
      case kAt10SetTpDst: {
        if (!need_len(a, 8, at, "mod_tp_src/dst")) return false;
        const bool src = type == kAt10SetTpSrc;
        FieldId id = FieldId::kCount;
        if (nw_proto_ == 6) id = src ? FieldId::kTcpSrc : FieldId::kTcpDst;
        if (nw_proto_ == 17) id = src ? FieldId::kUdpSrc : FieldId::kUdpDst;
        if (nw_proto_ == 132) id = src ? FieldId::kSctpSrc : FieldId::kSctpDst;
        if (id == FieldId::kCount) {
          return fail(OfpError::kMatchInconsistent, at,
                      "mod_tp_src/dst needs a flow that matches tcp, udp or sctp");
        }
        return set(id, &a[4], 2);
      }
      case kAt10SetNwTos: {
        if (!need_len(a, 8, at, "mod_nw_tos")) return false;
        const uint8_t tos = a[4] & 0xfc;
        return set(FieldId::kIpDscp, &tos, 1);
      }
      case kAtExperimenter:
        return experimenter(a, at, out, false);
      default:
        break;
    }
    return fail(OfpError::kBadActionType, at,
                fmt::format("OpenFlow 1.0 action type {} is not supported", type));
  }

  bool one(std::span<const uint8_t> a, size_t at, ActionList& out, bool in_ct) {
    const uint16_t type = rd16(a.data());
    if (v_ == kOfp10 && !in_ct) return one10(a, at, out);
    if (in_ct && type != kAtSetField && type != kAtCopyField && type != kAtExperimenter) {
      return fail(OfpError::kBadArgument, at, "ct(exec(...)) takes only set_field and move");
    }
    switch (type) {
      case kAtOutput: {
        if (!need_len(a, 16, at, "output")) return false;
        const uint32_t port = rd32(&a[4]);
        auto p = port_from_ofp11(port);
        // Port 0 is below OFPP_MAX: OVS accepts output:0.
        if (!p || *p == kOfppNone ||
            (*p >= kOfppMax && *p < kOfppInPort)) {
          return fail(OfpError::kBadOutPort, at, fmt::format("output to invalid port {:#x}", port));
        }
        if (*p == kOfppController) {
          ActController c;
          c.max_len = rd16(&a[8]);
          out.push_back(c);
        } else {
          out.push_back(ActOutput{*p, 0});
        }
        return true;
      }
      case kAtPushVlan: {
        if (!need_len(a, 8, at, "push_vlan")) return false;
        const uint16_t tpid = rd16(&a[4]);
        if (tpid != 0x8100 && tpid != 0x88a8) {
          return fail(OfpError::kBadArgument, at, fmt::format("push_vlan of {:#06x}", tpid));
        }
        out.push_back(ActPushVlan{tpid});
        return true;
      }
      case kAtPopVlan:
        if (!need_len(a, 8, at, "pop_vlan")) return false;
        out.push_back(ActPopVlan{});
        return true;
      case kAtGroup:
        if (!need_len(a, 8, at, "group")) return false;
        out.push_back(ActGroup{rd32(&a[4])});
        return true;
      case kAtDecNwTtl:
        if (!need_len(a, 8, at, "dec_ttl")) return false;
        out.push_back(ActDecTtl{{0}});
        return true;
      case kAtMeter:
        if (v_ < kOfp15) break;
        if (!need_len(a, 8, at, "meter")) return false;
        out.push_back(ActMeter{rd32(&a[4])});
        return true;
      case kAtSetField: {
        ActSetField s;
        const size_t used = set_field_tlv(a.subspan(4), at + 4, v_ >= kOfp15, &s);
        if (used == 0) return false;
        if (!all_zero(a.data() + 4 + used, a.size() - 4 - used)) {
          return fail(OfpError::kBadSetArgument, at, "nonzero padding after set_field");
        }
        if (in_ct && s.field != FieldId::kCtMark && s.field != FieldId::kCtLabel) {
          return fail(OfpError::kBadArgument, at, "ct(exec(...)) may only set ct_mark/ct_label");
        }
        out.push_back(s);
        return true;
      }
      case kAtCopyField: {
        if (v_ < kOfp15) break;
        if (a.size() < 20) return fail(OfpError::kBadActionLen, at, "copy_field too short");
        ActRegMove m;
        const uint16_t n_bits = rd16(&a[4]);
        size_t hl = 0;
        if (!subfield(&a[12], a.size() - 12, rd16(&a[6]), n_bits, at, &m.src)) return false;
        field_at(&a[12], a.size() - 12, &hl);
        if (!subfield(&a[12 + hl], a.size() - 12 - hl, rd16(&a[8]), n_bits, at, &m.dst)) {
          return false;
        }
        return push_move(m, at, out, in_ct);
      }
      case kAtExperimenter:
        return experimenter(a, at, out, in_ct);
      default:
        break;
    }
    return fail(OfpError::kBadActionType, at,
                fmt::format("action type {} is not supported in OpenFlow {:#x}", type, v_));
  }

  bool push_move(const ActRegMove& m, size_t at, ActionList& out, bool in_ct) {
    if (!field_desc(m.dst.field).writable) {
      return fail(OfpError::kBadSetArgument, at,
                  fmt::format("move to read-only {}", field_desc(m.dst.field).name));
    }
    if (in_ct && m.dst.field != FieldId::kCtLabel && m.dst.field != FieldId::kCtMark) {
      return fail(OfpError::kBadArgument, at, "ct(exec(...)) may only move into ct_mark/ct_label");
    }
    out.push_back(m);
    return true;
  }

  bool experimenter(std::span<const uint8_t> a, size_t at, ActionList& out, bool in_ct) {
    if (a.size() < 16) return fail(OfpError::kBadActionLen, at, "experimenter action too short");
    const uint32_t vendor = rd32(&a[4]);
    if (vendor != kNxVendor) {
      return fail(OfpError::kBadActionExperimenter, at,
                  fmt::format("experimenter {:#010x} is not supported", vendor));
    }
    const uint16_t sub = rd16(&a[8]);
    const uint8_t* p = a.data() + 10;  // body after the subtype
    const size_t n = a.size() - 10;
    if (in_ct && sub != kNxRegLoad && sub != kNxRegLoad2 && sub != kNxRegMove) {
      return fail(OfpError::kBadArgument, at, "ct(exec(...)) takes only set_field and move");
    }
    switch (sub) {
      case kNxResubmit:
      case kNxResubmitTable:
      case kNxResubmitTableCt: {
        if (!need_len(a, 16, at, "resubmit")) return false;
        ActResubmit r;
        r.in_port = rd16(p);
        if (sub != kNxResubmit) {
          r.table = p[2];
          if (!all_zero(p + 3, 3)) return fail(OfpError::kBadArgument, at, "resubmit padding");
          r.with_ct_orig = sub == kNxResubmitTableCt;
        }
        out.push_back(r);
        return true;
      }
      case kNxRegMove: {
        if (!need_len(a, 24, at, "reg_move")) return false;
        ActRegMove m;
        const uint16_t n_bits = rd16(p);
        if (!subfield(p + 6, 4, rd16(p + 2), n_bits, at, &m.src)) return false;
        if (!subfield(p + 10, 4, rd16(p + 4), n_bits, at, &m.dst)) return false;
        return push_move(m, at, out, in_ct);
      }
      case kNxRegLoad: {
        if (!need_len(a, 24, at, "reg_load")) return false;
        const uint16_t on = rd16(p);
        Subfield sf;
        if (!subfield(p + 2, 4, on >> 6, static_cast<uint16_t>((on & 0x3f) + 1), at, &sf)) {
          return false;
        }
        const uint64_t value = rd64(p + 6);
        if (sf.n_bits < 64 && (value >> sf.n_bits) != 0) {
          return fail(OfpError::kBadArgument, at,
                      fmt::format("load of {:#x} does not fit in {} bits", value, sf.n_bits));
        }
        auto rf = resolve(sf.field);
        if (!field_desc(sf.field).writable) {
          return fail(OfpError::kBadSetArgument, at, "load into a read-only field");
        }
        ActSetField s;
        s.field = sf.field;
        s.from_load = true;
        const uint16_t nb = field_value_bytes(*rf);
        s.value.n_bytes = s.mask.n_bytes = nb;
        for (uint16_t i = 0; i < sf.n_bits; ++i) {
          const unsigned bit = sf.ofs + i;
          const size_t byte = nb - 1 - bit / 8;
          s.mask.bytes[byte] |= static_cast<uint8_t>(1u << (bit % 8));
          if ((value >> i) & 1) s.value.bytes[byte] |= static_cast<uint8_t>(1u << (bit % 8));
        }
        if (in_ct && s.field != FieldId::kCtMark && s.field != FieldId::kCtLabel) {
          return fail(OfpError::kBadArgument, at, "ct(exec(...)) may only set ct_mark/ct_label");
        }
        out.push_back(s);
        return true;
      }
      case kNxRegLoad2: {
        ActSetField s;
        // The TLV follows the subtype directly (no padding before it).
        const size_t used = set_field_tlv(a.subspan(10), at + 10, true, &s);
        if (used == 0) return false;
        if (!all_zero(a.data() + 10 + used, a.size() - 10 - used)) {
          return fail(OfpError::kBadSetArgument, at, "nonzero padding in reg_load2");
        }
        if (in_ct && s.field != FieldId::kCtMark && s.field != FieldId::kCtLabel) {
          return fail(OfpError::kBadArgument, at, "ct(exec(...)) may only set ct_mark/ct_label");
        }
        out.push_back(s);
        return true;
      }
      case kNxNote:
        out.push_back(ActNote{std::vector<uint8_t>(p, p + n)});
        return true;
      case kNxDecTtl10:
        if (!need_len(a, 16, at, "dec_ttl")) return false;
        out.push_back(ActDecTtl{{0}});
        return true;
      case kNxGroup10:
        if (!need_len(a, 16, at, "group")) return false;
        out.push_back(ActGroup{rd32(&a[12])});
        return true;
      case kNxOutputReg:
      case kNxOutputReg2: {
        if (!need_len(a, 24, at, "output_reg")) return false;
        const uint16_t on = rd16(p);
        ActOutputReg r;
        const uint8_t* hdr = sub == kNxOutputReg ? p + 2 : p + 4;
        r.max_len = sub == kNxOutputReg ? rd16(p + 6) : rd16(p + 2);
        if (!subfield(hdr, a.size() - static_cast<size_t>(hdr - a.data()), on >> 6,
                      static_cast<uint16_t>((on & 0x3f) + 1), at, &r.src,
                      OfpError::kBadArgument)) {
          return false;
        }
        out.push_back(r);
        return true;
      }
      case kNxExit:
      case kNxCtClear:
        if (!need_len(a, 16, at, "exit/ct_clear")) return false;
        if (!all_zero(p, 6)) return fail(OfpError::kActionMustBeZero, at, "nonzero padding");
        if (sub == kNxExit) {
          out.push_back(ActExit{});
        } else {
          out.push_back(ActCtClear{});
        }
        return true;
      case kNxController: {
        if (!need_len(a, 16, at, "controller")) return false;
        ActController c;
        c.max_len = rd16(p);
        c.controller_id = rd16(p + 2);
        c.reason = p[4];
        c.has_userdata_syntax = true;
        out.push_back(c);
        return true;
      }
      case kNxController2:
        return controller2(a, at, out);
      case kNxDecTtlCntIds: {
        const uint16_t cnt = rd16(p);
        if (a.size() != 16 + (2u * cnt + 7) / 8 * 8) {
          return fail(OfpError::kBadActionLen, at, "dec_ttl controller ids overrun the action");
        }
        if (!all_zero(p + 2, 4)) return fail(OfpError::kActionMustBeZero, at, "nonzero padding");
        ActDecTtl d;
        for (uint16_t i = 0; i < cnt; ++i) d.controller_ids.push_back(rd16(a.data() + 16 + 2 * i));
        out.push_back(d);
        return true;
      }
      case kNxStackPush:
      case kNxStackPop: {
        if (!need_len(a, 24, at, "stack")) return false;
        Subfield sf;
        if (!subfield(p + 2, 4, rd16(p), rd16(p + 6), at, &sf)) return false;
        if (!all_zero(p + 8, 6)) return fail(OfpError::kActionMustBeZero, at, "nonzero padding");
        if (sub == kNxStackPush) {
          out.push_back(ActStackPush{sf});
        } else {
          out.push_back(ActStackPop{sf});
        }
        return true;
      }
      case kNxConjunction: {
        if (!need_len(a, 16, at, "conjunction")) return false;
        ActConjunction c{rd32(p + 2), p[0], p[1]};
        if (c.n_clauses < 2 || c.n_clauses > 64 || c.clause >= c.n_clauses) {
          return fail(OfpError::kBadConjunction, at,
                      fmt::format("conjunction clause {}/{}", c.clause + 1, c.n_clauses));
        }
        out.push_back(c);
        return true;
      }
      case kNxCt:
        return ct(a, at, out);
      case kNxNat:
        return fail(OfpError::kBadArgument, at, "nat outside ct");
      case kNxClone: {
        ActClone c;
        if (!all_zero(p, 6)) return fail(OfpError::kActionMustBeZero, at, "nonzero padding");
        if (!list(a.subspan(16), at + 16, c.actions)) return false;
        out.push_back(std::move(c));
        return true;
      }
      case kNxCheckPktLarger: {
        if (!need_len(a, 24, at, "check_pkt_larger")) return false;
        ActCheckPktLarger c;
        c.pkt_len = rd16(p);
        if (!subfield(p + 4, 10, rd16(p + 2), 1, at, &c.dst)) return false;
        out.push_back(c);
        return true;
      }
      case kNxLearn:
      case kNxLearn2:
        return learn(a, at, sub == kNxLearn2, out);
      default:
        break;
    }
    return fail(OfpError::kBadActionExpType, at,
                fmt::format("Nicira action subtype {} is not supported", sub));
  }

  bool controller2(std::span<const uint8_t> a, size_t at, ActionList& out) {
    ActController c;
    c.has_userdata_syntax = true;
    if (!all_zero(a.data() + 10, 6)) return fail(OfpError::kActionMustBeZero, at, "nonzero pad");
    size_t ofs = 16;
    while (ofs < a.size()) {
      if (a.size() - ofs < 4) return fail(OfpError::kBadPropertyLen, at + ofs, "truncated property");
      const uint16_t type = rd16(&a[ofs]);
      const uint16_t len = rd16(&a[ofs + 2]);
      const size_t padded = (len + 7u) / 8 * 8;
      if (len < 4 || padded > a.size() - ofs) {
        return fail(OfpError::kBadPropertyLen, at + ofs, "controller property overruns");
      }
      const uint8_t* v = &a[ofs + 4];
      const size_t vn = len - 4u;
      auto want = [&](size_t w) {
        return vn == w || fail(OfpError::kBadPropertyLen, at + ofs, "controller property length");
      };
      switch (type) {
        case kNac2MaxLen: if (!want(2)) return false; c.max_len = rd16(v); break;
        case kNac2ControllerId: if (!want(2)) return false; c.controller_id = rd16(v); break;
        case kNac2Reason: if (!want(1)) return false; c.reason = v[0]; break;
        case kNac2Userdata: c.userdata.assign(v, v + vn); break;
        case kNac2Pause: if (!want(0)) return false; c.pause = true; break;
        case kNac2MeterId: if (!want(4)) return false; c.meter_id = rd32(v); break;
        default:
          return fail(OfpError::kBadPropertyType, at + ofs,
                      fmt::format("controller property {} is unknown", type));
      }
      ofs += padded;
    }
    out.push_back(std::move(c));
    return true;
  }

  bool nat(std::span<const uint8_t> a, size_t at, ActNat* n) {
    if (a.size() < 16) return fail(OfpError::kBadActionLen, at, "nat too short");
    n->flags = rd16(&a[12]);
    if ((n->flags & ~0x1fu) != 0 || ((n->flags & ActNat::kSrc) && (n->flags & ActNat::kDst))) {
      return fail(OfpError::kBadArgument, at, fmt::format("nat flags {:#x}", n->flags));
    }
    const uint16_t present = rd16(&a[14]);
    if ((present & ~0x3fu) != 0) return fail(OfpError::kBadArgument, at, "nat range bits");
    size_t ofs = 16;
    auto take = [&](size_t w) -> const uint8_t* {
      if (a.size() - ofs < w) return nullptr;
      const uint8_t* p = &a[ofs];
      ofs += w;
      return p;
    };
    const uint8_t* p = nullptr;
    if ((present & (kNatIpv4Min | kNatIpv4Max)) && (present & (kNatIpv6Min | kNatIpv6Max))) {
      return fail(OfpError::kBadArgument, at, "nat with IPv4 and IPv6 ranges");
    }
    if (present & kNatIpv4Min) {
      if ((p = take(4)) == nullptr) return fail(OfpError::kBadActionLen, at, "nat range");
      n->ipv4_min = rd32(p);
      n->has_range = true;
    }
    if (present & kNatIpv4Max) {
      if ((p = take(4)) == nullptr) return fail(OfpError::kBadActionLen, at, "nat range");
      n->ipv4_max = rd32(p);
      n->has_range = true;
    }
    if (present & kNatIpv6Min) {
      if ((p = take(16)) == nullptr) return fail(OfpError::kBadActionLen, at, "nat range");
      std::memcpy(n->ipv6_min, p, 16);
      n->has_range = n->ipv6 = true;
    }
    if (present & kNatIpv6Max) {
      if ((p = take(16)) == nullptr) return fail(OfpError::kBadActionLen, at, "nat range");
      std::memcpy(n->ipv6_max, p, 16);
      n->has_range = n->ipv6 = true;
    }
    if (present & kNatProtoMin) {
      if ((p = take(2)) == nullptr) return fail(OfpError::kBadActionLen, at, "nat range");
      n->port_min = rd16(p);
    }
    if (present & kNatProtoMax) {
      if ((p = take(2)) == nullptr) return fail(OfpError::kBadActionLen, at, "nat range");
      n->port_max = rd16(p);
    }
    return true;
  }

  bool ct(std::span<const uint8_t> a, size_t at, ActionList& out) {
    if (a.size() < 24) return fail(OfpError::kBadActionLen, at, "ct too short");
    ActCt c;
    const uint16_t flags = rd16(&a[10]);
    if ((flags & ~(kCtCommit | kCtForce)) != 0 || ((flags & kCtForce) && !(flags & kCtCommit))) {
      return fail(OfpError::kBadArgument, at, fmt::format("ct flags {:#x}", flags));
    }
    c.commit = (flags & kCtCommit) != 0;
    c.force = (flags & kCtForce) != 0;
    const uint32_t zone_src = rd32(&a[12]);
    const uint16_t zone = rd16(&a[16]);
    if (zone_src != 0) {
      if (!subfield(&a[12], 4, zone >> 6, static_cast<uint16_t>((zone & 0x3f) + 1), at,
                    &c.zone_src, OfpError::kBadArgument)) {
        return false;
      }
      if (c.zone_src.n_bits != 16) return fail(OfpError::kBadSetLen, at, "ct zone is 16 bits");
    } else {
      c.zone_imm = zone;
    }
    c.recirc_table = a[18];
    c.alg = rd16(&a[22]);
    size_t ofs = 24;
    // nat(...) first, then exec(...) actions.
    if (a.size() - ofs >= 16 && rd16(&a[ofs]) == kAtExperimenter && rd32(&a[ofs + 4]) == kNxVendor &&
        rd16(&a[ofs + 8]) == kNxNat) {
      const uint16_t len = rd16(&a[ofs + 2]);
      if (len < 16 || len % 8 != 0 || len > a.size() - ofs) {
        return fail(OfpError::kBadActionLen, at + ofs, "nat length");
      }
      if (!nat(a.subspan(ofs, len), at + ofs, &c.nat)) return false;
      c.has_nat = true;
      ofs += len;
    }
    if (!list(a.subspan(ofs), at + ofs, c.exec, true)) return false;
    out.push_back(std::move(c));
    return true;
  }

  bool learn(std::span<const uint8_t> a, size_t at, bool v2, ActionList& out) {
    const size_t fixed = v2 ? 40 : 32;
    if (a.size() < fixed) return fail(OfpError::kBadActionLen, at, "learn too short");
    ActLearn l;
    l.idle_timeout = rd16(&a[10]);
    l.hard_timeout = rd16(&a[12]);
    l.priority = rd16(&a[14]);
    l.cookie = rd64(&a[16]);
    l.flags = rd16(&a[24]);
    l.table = a[26];
    l.fin_idle_timeout = rd16(&a[28]);
    l.fin_hard_timeout = rd16(&a[30]);
    if ((l.flags & ~7u) != 0 || (!v2 && (l.flags & ActLearn::kWriteResult))) {
      return fail(OfpError::kBadArgument, at, fmt::format("learn flags {:#x}", l.flags));
    }
    if (l.table == 0xff) return fail(OfpError::kBadArgument, at, "learn into table 255");
    size_t ofs = fixed;
    if (v2) {
      l.limit = rd32(&a[32]);
      const uint16_t result_ofs = rd16(&a[36]);
      if (l.flags & ActLearn::kWriteResult) {
        size_t hl = 0;
        if (!subfield(&a[40], a.size() - 40, result_ofs, 1, at, &l.result_dst,
                      OfpError::kBadArgument)) {
          return false;
        }
        field_at(&a[40], a.size() - 40, &hl);
        ofs += hl;
      }
    }
    while (ofs + 2 <= a.size()) {
      const uint16_t h = rd16(&a[ofs]);
      if (h == 0) break;  // padding
      ofs += 2;
      LearnSpec sp;
      sp.n_bits = h & 0x7ff;
      sp.src_is_value = (h >> 13) & 1;
      const unsigned dst = (h >> 11) & 3;
      if ((h >> 14) != 0 || dst == 3 || sp.n_bits == 0) {
        return fail(OfpError::kBadArgument, at + ofs - 2, fmt::format("learn spec {:#06x}", h));
      }
      sp.kind = dst == 0 ? LearnSpec::Kind::kMatch
                : dst == 1 ? LearnSpec::Kind::kLoad : LearnSpec::Kind::kOutput;
      if (sp.src_is_value) {
        const size_t w = 2 * ((sp.n_bits + 15u) / 16);
        if (a.size() - ofs < w) return fail(OfpError::kBadArgument, at + ofs, "learn spec overruns");
        sp.src_value = value_from(&a[ofs], w, static_cast<uint16_t>((sp.n_bits + 7) / 8));
        ofs += w;
      } else {
        size_t hl = 0;
        if (a.size() - ofs < 6 || field_at(&a[ofs], a.size() - ofs, &hl) == nullptr ||
            a.size() - ofs < hl + 2) {
          return fail(OfpError::kBadArgument, at + ofs, "learn spec source");
        }
        if (!subfield(&a[ofs], hl, rd16(&a[ofs + hl]), sp.n_bits, at + ofs, &sp.src,
                      OfpError::kBadArgument)) {
          return false;
        }
        ofs += hl + 2;
      }
      if (sp.kind != LearnSpec::Kind::kOutput) {
        size_t hl = 0;
        if (a.size() - ofs < 6 || field_at(&a[ofs], a.size() - ofs, &hl) == nullptr ||
            a.size() - ofs < hl + 2) {
          return fail(OfpError::kBadArgument, at + ofs, "learn spec destination");
        }
        if (!subfield(&a[ofs], hl, rd16(&a[ofs + hl]), sp.n_bits, at + ofs, &sp.dst,
                      OfpError::kBadArgument)) {
          return false;
        }
        ofs += hl + 2;
      }
      l.specs.push_back(sp);
    }
    if (ofs < a.size() && !all_zero(&a[ofs], a.size() - ofs)) {
      return fail(OfpError::kBadArgument, at + ofs, "nonzero bytes after learn specs");
    }
    out.push_back(std::move(l));
    return true;
  }

  uint8_t v_;
  const TlvMap& tlv_;
  WireError* err_;
  uint8_t nw_proto_;
};

}  // namespace

std::optional<ActionList> decode_actions(std::span<const uint8_t> in, uint8_t version,
                                         const TlvMap& tlv, WireError* err, uint8_t nw_proto) {
  ActionList out;
  if (!Decoder(version, tlv, err, nw_proto).list(in, 0, out)) return std::nullopt;
  return out;
}

std::optional<ActionList> decode_instructions(std::span<const uint8_t> in, uint8_t version,
                                              const TlvMap& tlv, WireError* err) {
  auto fail = [&](OfpError code, size_t at, std::string msg) -> std::optional<ActionList> {
    if (err != nullptr) *err = WireError{code, at, std::move(msg)};
    return std::nullopt;
  };
  // Found instructions by type; executed in OpenFlow's fixed order whatever
  // their order in the message.
  std::optional<std::span<const uint8_t>> meter, apply, write_md, go;
  size_t apply_at = 0;
  size_t ofs = 0;
  while (ofs < in.size()) {
    if (in.size() - ofs < 4) return fail(OfpError::kInstBadLen, ofs, "truncated instruction");
    const uint16_t type = rd16(&in[ofs]);
    const uint16_t len = rd16(&in[ofs + 2]);
    if (len < 8 || len % 8 != 0 || len > in.size() - ofs) {
      return fail(OfpError::kInstBadLen, ofs, fmt::format("instruction length {}", len));
    }
    const auto body = in.subspan(ofs, len);
    std::optional<std::span<const uint8_t>>* slot = nullptr;
    switch (type) {
      case kItGotoTable: slot = &go; break;
      case kItWriteMetadata: slot = &write_md; break;
      case kItApplyActions: slot = &apply; apply_at = ofs; break;
      case kItMeter:
        if (version >= kOfp15) {
          return fail(OfpError::kUnknownInst, ofs, "the meter instruction is gone in 1.5");
        }
        slot = &meter;
        break;
      case kItWriteActions:
      case kItClearActions:
        return fail(OfpError::kUnsupInst, ofs,
                    "write_actions/clear_actions are not supported by dpuflow");
      case kItExperimenter:
        return fail(OfpError::kInstBadExperimenter, ofs, "experimenter instruction");
      default:
        return fail(OfpError::kUnknownInst, ofs, fmt::format("instruction type {}", type));
    }
    if (slot->has_value()) {
      return fail(OfpError::kDupInst, ofs, fmt::format("instruction type {} twice", type));
    }
    *slot = body;
    ofs += len;
  }
  ActionList out;
  if (meter) {
    if (meter->size() != 8) return fail(OfpError::kInstBadLen, 0, "meter instruction length");
    out.push_back(ActMeter{rd32(meter->data() + 4)});
  }
  if (apply) {
    WireError e;
    auto acts = decode_actions(apply->subspan(8), version, tlv, &e);
    if (!acts) {
      e.offset += apply_at + 8;
      if (err != nullptr) *err = e;
      return std::nullopt;
    }
    for (Action& a : *acts) out.push_back(std::move(a));
  }
  if (write_md) {
    if (write_md->size() != 24) return fail(OfpError::kInstBadLen, 0, "write_metadata length");
    const uint64_t value = rd64(write_md->data() + 8);
    const uint64_t mask = rd64(write_md->data() + 16);
    if ((value & ~mask) != 0) {
      return fail(OfpError::kMustBeZero, 0, "write_metadata value outside its mask");
    }
    out.push_back(ActWriteMetadata{value, mask});
  }
  if (go) {
    if (go->size() != 8) return fail(OfpError::kInstBadLen, 0, "goto_table length");
    out.push_back(ActGotoTable{(*go)[4]});
  }
  return out;
}

}  // namespace dpuflow::control
