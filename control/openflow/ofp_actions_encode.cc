// ActionList -> OpenFlow 1.3 / 1.5 actions and instructions (see
// ofp_actions.h for the choices, which follow OVS 3.1's encoder).
#include <cstring>
#include <type_traits>

#include "control/openflow/ofp_actions.h"
#include "control/openflow/ofp_wire.h"
#include "dataplane/flow/flow_key.h"

namespace dpuflow::control {

using namespace dataplane;
using namespace wire;

uint32_t port_to_ofp11(uint16_t port) {
  return port >= kOfppMax ? 0xffff0000u | port : port;
}

std::optional<uint16_t> port_from_ofp11(uint32_t port) {
  if (port < kOfppMax) return static_cast<uint16_t>(port);
  if (port >= 0xffffff00u) return static_cast<uint16_t>(port);
  return std::nullopt;
}

namespace wire {

FieldHeader field_header(FieldId id, HeaderUse use, bool subfield, const TlvMap& tlv) {
  const FieldDesc& d = field_desc(id);
  if (is_tun_metadata(id)) {
    uint32_t len = 124;
    if (!subfield) {
      auto rf = resolve_field(d, &tlv);
      len = rf ? rf->n_bytes : 124;
    }
    return {(d.nxm_header & 0xffffff00u) | len, 0};
  }
  const bool oxm_exp = d.oxm_header != 0 && (d.oxm_header >> 16) == 0xffff;
  const bool use_oxm = d.oxm_header != 0 &&
                       (d.nxm_header == 0 || (use == HeaderUse::kOxmFirst && !oxm_exp));
  if (use_oxm) return {d.oxm_header, oxm_exp ? d.oxm_experimenter : 0};
  return {d.nxm_header, 0};
}

}  // namespace wire

namespace {

// Right-aligns `v` into exactly `n` bytes.
void put_value(Out& o, const FieldValue& v, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const size_t from_end = n - 1 - i;
    o.u8(from_end < v.n_bytes ? v.bytes[v.n_bytes - 1 - from_end] : 0);
  }
}

bool is_all_ones(const FieldValue& mask, const FieldValue& ones) {
  for (uint16_t i = 0; i < ones.n_bytes; ++i) {
    const int mi = mask.n_bytes - ones.n_bytes + i;
    const uint8_t m = mi >= 0 ? mask.bytes[static_cast<size_t>(mi)] : 0;
    if ((m & ones.bytes[i]) != ones.bytes[i]) return false;
  }
  return true;
}

bool bit_of(const FieldValue& v, unsigned bit) {
  if (bit / 8 >= v.n_bytes) return false;
  return (v.bytes[v.n_bytes - 1 - bit / 8] >> (bit % 8)) & 1;
}

class Encoder {
 public:
  Encoder(uint8_t version, const TlvMap& tlv, std::vector<uint8_t>& out)
      : v_(version), tlv_(tlv), o_{out} {}

  void list(const ActionList& actions) {
    for (const Action& a : actions) std::visit([&](const auto& x) { one(x); }, a);
  }

 private:
  ResolvedField rf(FieldId id) const {
    auto r = resolve_field(field_desc(id), &tlv_);
    return r ? *r : *resolve_field(field_desc(FieldId::kReg0), nullptr);
  }
  // Starts a Nicira action; returns its start offset (length patched by end()).
  size_t nx(uint16_t subtype) {
    const size_t start = o_.b.size();
    o_.u16(kAtExperimenter);
    o_.u16(0);
    o_.u32(kNxVendor);
    o_.u16(subtype);
    return start;
  }
  size_t std_action(uint16_t type) {
    const size_t start = o_.b.size();
    o_.u16(type);
    o_.u16(0);
    return start;
  }
  void end(size_t start) {
    o_.pad8(start);
    o_.patch_len(start + 2, start);
  }
  void header(FieldId id, HeaderUse use, bool subfield, uint8_t len, bool masked) {
    o_.header(field_header(id, use, subfield, tlv_), len, masked);
  }
  void subfield_header(const Subfield& sf, HeaderUse use) {
    const FieldHeader h = field_header(sf.field, use, true, tlv_);
    o_.u32(h.header);
    if (h.experimenter != 0) o_.u32(h.experimenter);
  }

  // OpenFlow 1.0's 8-byte output action (16-bit port).
  void output10(uint16_t port, uint16_t max_len) {
    const size_t s = std_action(kAt10Output);
    o_.u16(port);
    o_.u16(max_len);
    end(s);
  }
  void one(const ActOutput& a) {
    if (v_ == kOfp10) {
      output10(a.port, a.port == kOfppController ? a.max_len : 0);
      return;
    }
    const size_t s = std_action(kAtOutput);
    o_.u32(port_to_ofp11(a.port));
    o_.u16(a.port == kOfppController ? a.max_len : 0);
    o_.zeros(6);
    end(s);
  }
  void one(const ActOutputReg& a) {
    const FieldHeader h = field_header(a.src.field, HeaderUse::kNxmFirst, true, tlv_);
    if ((h.header >> 16) <= 1 && h.experimenter == 0) {
      const size_t s = nx(kNxOutputReg);
      o_.u16(ofs_nbits(a.src.ofs, a.src.n_bits));
      o_.u32(h.header);
      o_.u16(a.max_len);
      o_.zeros(6);
      end(s);
      return;
    }
    const size_t s = nx(kNxOutputReg2);
    o_.u16(ofs_nbits(a.src.ofs, a.src.n_bits));
    o_.u16(a.max_len);
    o_.u32(h.header);
    if (h.experimenter != 0) o_.u32(h.experimenter);
    end(s);
  }
  void one(const ActController& a) {
    if (!a.userdata.empty() || a.pause || a.meter_id != kMeterNone) {
      const size_t s = nx(kNxController2);
      o_.zeros(6);
      auto prop = [&](uint16_t type, const uint8_t* p, size_t n) {
        const size_t ps = o_.b.size();
        o_.u16(type);
        o_.u16(static_cast<uint16_t>(4 + n));
        o_.b.insert(o_.b.end(), p, p + n);
        o_.pad8(ps);
      };
      if (a.max_len != UINT16_MAX) {
        const uint8_t b[2] = {static_cast<uint8_t>(a.max_len >> 8),
                              static_cast<uint8_t>(a.max_len)};
        prop(kNac2MaxLen, b, 2);
      }
      if (a.controller_id != 0) {
        const uint8_t b[2] = {static_cast<uint8_t>(a.controller_id >> 8),
                              static_cast<uint8_t>(a.controller_id)};
        prop(kNac2ControllerId, b, 2);
      }
      if (a.reason != 1) prop(kNac2Reason, &a.reason, 1);
      if (!a.userdata.empty()) prop(kNac2Userdata, a.userdata.data(), a.userdata.size());
      if (a.pause) prop(kNac2Pause, nullptr, 0);
      if (a.meter_id != kMeterNone) {
        const uint8_t b[4] = {static_cast<uint8_t>(a.meter_id >> 24),
                              static_cast<uint8_t>(a.meter_id >> 16),
                              static_cast<uint8_t>(a.meter_id >> 8),
                              static_cast<uint8_t>(a.meter_id)};
        prop(kNac2MeterId, b, 4);
      }
      end(s);
    } else if (a.controller_id == 0 && a.reason == 1 && v_ == kOfp10) {
      output10(kOfppController, a.max_len);
    } else if (a.controller_id == 0 && a.reason == 1) {
      const size_t s = std_action(kAtOutput);
      o_.u32(port_to_ofp11(kOfppController));
      o_.u16(a.max_len);
      o_.zeros(6);
      end(s);
    } else {
      const size_t s = nx(kNxController);
      o_.u16(a.max_len);
      o_.u16(a.controller_id);
      o_.u8(a.reason);
      o_.u8(0);
      end(s);
    }
  }
  void one(const ActResubmit& a) {
    if (a.in_port != kOfppInPort && a.table == kTableNone && !a.with_ct_orig) {
      const size_t s = nx(kNxResubmit);
      o_.u16(a.in_port);
      end(s);
      return;
    }
    const size_t s = nx(a.with_ct_orig ? kNxResubmitTableCt : kNxResubmitTable);
    o_.u16(a.in_port);
    o_.u8(a.table);
    o_.zeros(3);
    end(s);
  }
  void set_field_tlv(const ActSetField& a, bool masked) {
    const ResolvedField f = rf(a.field);
    const FieldHeader h = field_header(a.field, HeaderUse::kOxmFirst, false, tlv_);
    const size_t n = is_tun_metadata(a.field) ? f.n_bytes
                                              : (h.header & 0xff) - (h.experimenter ? 4 : 0);
    o_.header(h, static_cast<uint8_t>((masked ? 2 * n : n) + (h.experimenter ? 4 : 0)), masked);
    put_value(o_, a.value, n);
    if (masked) put_value(o_, a.mask, n);
  }
  void reg_load_segments(const ActSetField& a) {
    const ResolvedField f = rf(a.field);
    const uint32_t hdr = field_desc(a.field).nxm_header;
    unsigned bit = 0;
    while (bit < f.n_bits) {
      if (!bit_of(a.mask, bit)) {
        ++bit;
        continue;
      }
      unsigned end_bit = bit;
      while (end_bit < f.n_bits && end_bit - bit < 64 && bit_of(a.mask, end_bit)) ++end_bit;
      uint64_t value = 0;
      for (unsigned b = end_bit; b-- > bit;) value = value << 1 | (bit_of(a.value, b) ? 1 : 0);
      const size_t s = nx(kNxRegLoad);
      o_.u16(ofs_nbits(static_cast<uint16_t>(bit), static_cast<uint16_t>(end_bit - bit)));
      o_.u32(hdr);
      o_.u64(value);
      end(s);
      bit = end_bit;
    }
  }
  // OpenFlow 1.0 has set actions for a few whole fields (OVS
  // set_field_to_legacy_openflow); false if `a` is not one of them.
  bool legacy10(const ActSetField& a) {
    size_t s = 0;
    switch (a.field) {
      case FieldId::kEthSrc:
      case FieldId::kEthDst:
        s = std_action(a.field == FieldId::kEthSrc ? kAt10SetDlSrc : kAt10SetDlDst);
        put_value(o_, a.value, 6);
        break;
      case FieldId::kIpv4Src:
      case FieldId::kIpv4Dst:
        s = std_action(a.field == FieldId::kIpv4Src ? kAt10SetNwSrc : kAt10SetNwDst);
        put_value(o_, a.value, 4);
        break;
      case FieldId::kTcpSrc:
      case FieldId::kUdpSrc:
      case FieldId::kSctpSrc:
      case FieldId::kTcpDst:
      case FieldId::kUdpDst:
      case FieldId::kSctpDst: {
        const bool src = a.field == FieldId::kTcpSrc || a.field == FieldId::kUdpSrc ||
                         a.field == FieldId::kSctpSrc;
        s = std_action(src ? kAt10SetTpSrc : kAt10SetTpDst);
        o_.u16(static_cast<uint16_t>(a.value.to_u64()));
        break;
      }
      case FieldId::kIpDscp:
        s = std_action(kAt10SetNwTos);
        o_.u8(static_cast<uint8_t>(a.value.to_u64() & 0xfc));
        break;
      default:
        return false;
    }
    end(s);
    return true;
  }
  void one(const ActSetField& a) {
    const ResolvedField f = rf(a.field);
    const bool full = is_all_ones(a.mask, field_all_ones(f));
    if (v_ == kOfp10 && full && !a.from_load && legacy10(a)) return;
    if (v_ != kOfp10 && (v_ >= kOfp15 || (full && !a.from_load))) {
      const size_t s = std_action(kAtSetField);
      set_field_tlv(a, !full);
      end(s);
      return;
    }
    // Below 1.5 a partial (or load:) write is NXAST_REG_LOAD per run of
    // bits, or NXAST_REG_LOAD2 for a field REG_LOAD cannot name.
    if (field_desc(a.field).nxm_header != 0 && !is_tun_metadata(a.field)) {
      reg_load_segments(a);
      return;
    }
    const size_t s = nx(kNxRegLoad2);
    set_field_tlv(a, !full);
    end(s);
  }
  void one(const ActRegMove& a) {
    const size_t s = v_ >= kOfp15 ? std_action(kAtCopyField) : nx(kNxRegMove);
    o_.u16(a.src.n_bits);
    o_.u16(a.src.ofs);
    o_.u16(a.dst.ofs);
    if (v_ >= kOfp15) o_.u16(0);
    subfield_header(a.src, HeaderUse::kOxmFirst);
    subfield_header(a.dst, HeaderUse::kOxmFirst);
    end(s);
  }
  void stack(uint16_t subtype, const Subfield& sf) {
    const size_t s = nx(subtype);
    o_.u16(sf.ofs);
    subfield_header(sf, HeaderUse::kNxmFirst);
    o_.u16(sf.n_bits);
    end(s);
  }
  void one(const ActStackPush& a) { stack(kNxStackPush, a.src); }
  void one(const ActStackPop& a) { stack(kNxStackPop, a.dst); }
  void one(const ActDecTtl& a) {
    if (a.controller_ids.size() == 1 && a.controller_ids[0] == 0 && v_ == kOfp10) {
      const size_t s = nx(kNxDecTtl10);
      o_.zeros(6);
      end(s);
      return;
    }
    if (a.controller_ids.size() == 1 && a.controller_ids[0] == 0) {
      const size_t s = std_action(kAtDecNwTtl);
      end(s);
      return;
    }
    const size_t s = nx(kNxDecTtlCntIds);
    o_.u16(static_cast<uint16_t>(a.controller_ids.size()));
    o_.zeros(4);
    for (uint16_t id : a.controller_ids) o_.u16(id);
    end(s);
  }
  void one(const ActPushVlan& a) {
    // OpenFlow 1.0 pushes a tag as a side effect of setting the VLAN (OVS
    // encodes nothing for the push itself).
    if (v_ == kOfp10) return;
    const size_t s = std_action(kAtPushVlan);
    o_.u16(a.ethertype);
    end(s);
  }
  void one(const ActPopVlan&) { end(std_action(v_ == kOfp10 ? uint16_t{kAt10StripVlan} : uint16_t{kAtPopVlan})); }
  void one(const ActClone& a) {
    const size_t s = nx(kNxClone);
    o_.zeros(6);
    list(a.actions);
    end(s);
  }
  void one(const ActGroup& a) {
    if (v_ == kOfp10) {
      // NX1.0 group: a 16-byte action, the id in the last 4 bytes.
      const size_t s = nx(kNxGroup10);
      o_.zeros(2);
      o_.u32(a.group_id);
      end(s);
      return;
    }
    const size_t s = std_action(kAtGroup);
    o_.u32(a.group_id);
    end(s);
  }
  void one(const ActMeter& a) {
    // Below 1.5 the meter is an instruction (encode_instructions).
    if (v_ < kOfp15) return;
    const size_t s = std_action(kAtMeter);
    o_.u32(a.meter_id);
    end(s);
  }
  void nat(const ActNat& n) {
    const size_t s = nx(kNxNat);
    o_.u16(0);
    o_.u16(n.flags);
    uint16_t present = 0;
    const size_t present_at = o_.b.size();
    o_.u16(0);
    if (n.has_range && !n.ipv6) {
      if (n.ipv4_min != 0) { present |= kNatIpv4Min; o_.u32(n.ipv4_min); }
      if (n.ipv4_max != 0 && n.ipv4_max != n.ipv4_min) { present |= kNatIpv4Max; o_.u32(n.ipv4_max); }
    } else if (n.has_range) {
      static constexpr uint8_t kZero[16] = {};
      if (std::memcmp(n.ipv6_min, kZero, 16) != 0) {
        present |= kNatIpv6Min;
        o_.b.insert(o_.b.end(), n.ipv6_min, n.ipv6_min + 16);
      }
      if (std::memcmp(n.ipv6_max, kZero, 16) != 0 && std::memcmp(n.ipv6_max, n.ipv6_min, 16) != 0) {
        present |= kNatIpv6Max;
        o_.b.insert(o_.b.end(), n.ipv6_max, n.ipv6_max + 16);
      }
    }
    if (n.port_min != 0) { present |= kNatProtoMin; o_.u16(n.port_min); }
    if (n.port_max != 0 && n.port_max != n.port_min) { present |= kNatProtoMax; o_.u16(n.port_max); }
    o_.b[present_at] = static_cast<uint8_t>(present >> 8);
    o_.b[present_at + 1] = static_cast<uint8_t>(present);
    end(s);
  }
  void one(const ActCt& a) {
    const size_t s = nx(kNxCt);
    o_.u16(static_cast<uint16_t>((a.commit ? kCtCommit : 0) | (a.force ? kCtForce : 0)));
    if (a.zone_src.field != FieldId::kCount) {
      subfield_header(a.zone_src, HeaderUse::kNxmFirst);
      o_.u16(ofs_nbits(a.zone_src.ofs, a.zone_src.n_bits));
    } else {
      o_.u32(0);
      o_.u16(a.zone_imm);
    }
    o_.u8(a.recirc_table);
    o_.zeros(3);
    o_.u16(a.alg);
    if (a.has_nat) nat(a.nat);
    list(a.exec);
    end(s);
  }
  void one(const ActCtClear&) {
    const size_t s = nx(kNxCtClear);
    o_.zeros(6);
    end(s);
  }
  void one(const ActCheckPktLarger& a) {
    const size_t s = nx(kNxCheckPktLarger);
    o_.u16(a.pkt_len);
    o_.u16(a.dst.ofs);
    subfield_header(a.dst, HeaderUse::kOxmFirst);
    end(s);
  }
  void one(const ActNote& a) {
    const size_t s = nx(kNxNote);
    o_.b.insert(o_.b.end(), a.data.begin(), a.data.end());
    end(s);
  }
  void one(const ActConjunction& a) {
    const size_t s = nx(kNxConjunction);
    o_.u8(a.clause);
    o_.u8(a.n_clauses);
    o_.u32(a.id);
    end(s);
  }
  void one(const ActExit&) {
    const size_t s = nx(kNxExit);
    o_.zeros(6);
    end(s);
  }
  // Instructions, written by encode_instructions.
  void one(const ActGotoTable&) {}
  void one(const ActWriteMetadata&) {}
  void one(const ActLearn& a) {
    const bool v2 = a.limit != 0 || (a.flags & ActLearn::kWriteResult) != 0;
    const size_t s = nx(v2 ? kNxLearn2 : kNxLearn);
    o_.u16(a.idle_timeout);
    o_.u16(a.hard_timeout);
    o_.u16(a.priority);
    o_.u64(a.cookie);
    o_.u16(a.flags);
    o_.u8(a.table);
    o_.u8(0);
    o_.u16(a.fin_idle_timeout);
    o_.u16(a.fin_hard_timeout);
    if (v2) {
      o_.u32(a.limit);
      o_.u16(a.result_dst.ofs);
      o_.u16(0);
      if ((a.flags & ActLearn::kWriteResult) != 0) subfield_header(a.result_dst, HeaderUse::kNxmFirst);
    }
    for (const LearnSpec& sp : a.specs) {
      const uint16_t dst_kind = sp.kind == LearnSpec::Kind::kMatch ? 0
                                : sp.kind == LearnSpec::Kind::kLoad ? 1 : 2;
      o_.u16(static_cast<uint16_t>((sp.src_is_value ? 1 << 13 : 0) | dst_kind << 11 | sp.n_bits));
      if (sp.src_is_value) {
        const size_t n = 2 * ((sp.n_bits + 15u) / 16);
        put_value(o_, sp.src_value, n);
      } else {
        subfield_header(sp.src, HeaderUse::kNxmFirst);
        o_.u16(sp.src.ofs);
      }
      if (sp.kind != LearnSpec::Kind::kOutput) {
        subfield_header(sp.dst, HeaderUse::kNxmFirst);
        o_.u16(sp.dst.ofs);
      }
    }
    end(s);
  }

  uint8_t v_;
  const TlvMap& tlv_;
  Out o_;
};

bool is_instruction(const Action& a, uint8_t version) {
  return std::holds_alternative<ActGotoTable>(a) || std::holds_alternative<ActWriteMetadata>(a) ||
         (version < kOfp15 && std::holds_alternative<ActMeter>(a));
}

}  // namespace

void encode_actions(const ActionList& actions, uint8_t version, const TlvMap& tlv,
                    std::vector<uint8_t>& out) {
  Encoder(version, tlv, out).list(actions);
}

void encode_instructions(const ActionList& actions, uint8_t version, const TlvMap& tlv,
                         std::vector<uint8_t>& out) {
  Out o{out};
  for (const Action& a : actions) {
    if (const auto* m = std::get_if<ActMeter>(&a); m != nullptr && version < kOfp15) {
      o.u16(kItMeter);
      o.u16(8);
      o.u32(m->meter_id);
    }
  }
  bool any = false;
  for (const Action& a : actions) any |= !is_instruction(a, version);
  if (any) {
    const size_t s = out.size();
    o.u16(kItApplyActions);
    o.u16(0);
    o.zeros(4);
    encode_actions(actions, version, tlv, out);
    o.patch_len(s + 2, s);
  }
  for (const Action& a : actions) {
    if (const auto* w = std::get_if<ActWriteMetadata>(&a)) {
      o.u16(kItWriteMetadata);
      o.u16(24);
      o.zeros(4);
      o.u64(w->value);
      o.u64(w->mask);
    }
  }
  for (const Action& a : actions) {
    if (const auto* g = std::get_if<ActGotoTable>(&a)) {
      o.u16(kItGotoTable);
      o.u16(8);
      o.u8(g->table);
      o.zeros(3);
    }
  }
}

}  // namespace dpuflow::control
