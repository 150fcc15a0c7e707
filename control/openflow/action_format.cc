// Printing of action lists as OVS 3.1 ofpacts_format() prints them (see
// action_text.h).
#include <fmt/format.h>

#include <arpa/inet.h>

#include <cstring>

#include "control/openflow/action_text.h"
#include "dataplane/flow/field_text.h"
#include "dataplane/flow/subfield.h"

namespace dpuflow::control {

using namespace dataplane;

namespace {

// OVS ds_put_hex(): "0x" and big-endian bytes without leading zero bytes.
std::string put_hex(const FieldValue& v) {
  std::string s;
  for (uint16_t i = 0; i < v.n_bytes; ++i) {
    if (s.empty() && v.bytes[i] == 0) continue;
    s += s.empty() ? fmt::format("0x{:x}", v.bytes[i]) : fmt::format("{:02x}", v.bytes[i]);
  }
  return s.empty() ? "0" : s;
}

// format_hex_arg(): "00.01.ab".
std::string hex_arg(const std::vector<uint8_t>& b) {
  std::string s;
  for (size_t i = 0; i < b.size(); ++i) {
    if (i > 0) s += '.';
    s += fmt::format("{:02x}", b[i]);
  }
  return s;
}

std::string c_hex(uint64_t v) { return v == 0 ? std::string("0") : fmt::format("{:#x}", v); }

std::string ipv4(uint32_t host) {
  return fmt::format("{}.{}.{}.{}", host >> 24, (host >> 16) & 0xff, (host >> 8) & 0xff,
                     host & 0xff);
}

std::string ipv6_bracket(const uint8_t* a, bool bracket) {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, a, buf, sizeof buf);
  return bracket ? fmt::format("[{}]", buf) : std::string(buf);
}

std::string format_nat(const ActNat& n) {
  std::string s = "nat";
  if ((n.flags & (ActNat::kSrc | ActNat::kDst)) == 0) return s;
  s += (n.flags & ActNat::kSrc) != 0 ? "(src" : "(dst";
  if (n.has_range) {
    s += '=';
    if (!n.ipv6) {
      s += ipv4(n.ipv4_min);
      if (n.ipv4_max != 0 && n.ipv4_max != n.ipv4_min) s += "-" + ipv4(n.ipv4_max);
    } else {
      static const uint8_t kZero[16] = {};
      // OVS brackets the address only when a port follows.
      s += ipv6_bracket(n.ipv6_min, n.port_min != 0);
      if (std::memcmp(n.ipv6_max, kZero, 16) != 0 && std::memcmp(n.ipv6_max, n.ipv6_min, 16) != 0) {
        s += "-" + ipv6_bracket(n.ipv6_max, n.port_min != 0);
      }
    }
    if (n.port_min != 0) {
      s += fmt::format(":{}", n.port_min);
      if (n.port_max != 0 && n.port_max != n.port_min) s += fmt::format("-{}", n.port_max);
    }
    s += ',';
    if ((n.flags & ActNat::kPersistent) != 0) s += "persistent,";
    if ((n.flags & ActNat::kHash) != 0) s += "hash,";
    if ((n.flags & ActNat::kRandom) != 0) s += "random,";
  }
  if (s.back() == ',') s.pop_back();
  s += ')';
  return s;
}

class Formatter {
 public:
  explicit Formatter(const TlvMap& tlv) : tlv_(tlv) {}

  void list(const ActionList& actions, std::string& s) {
    for (size_t i = 0; i < actions.size(); ++i) {
      if (i > 0) s += ',';
      std::visit([&](const auto& a) { one(a, s); }, actions[i]);
    }
  }

 private:
  ResolvedField rf(FieldId id) const {
    auto r = resolve_field(field_desc(id), &tlv_);
    return r ? *r : *resolve_field(field_desc(FieldId::kReg0), nullptr);
  }

  void one(const ActOutput& a, std::string& s) {
    if (a.port < kOfppMax) s += "output:";
    s += format_ofp_port(a.port);
    if (a.port == kOfppController) s += fmt::format(":{}", a.max_len);
  }
  void one(const ActOutputReg& a, std::string& s) { s += "output:" + format_subfield(a.src); }
  void one(const ActController& a, std::string& s) {
    if (a.reason == 1 && a.controller_id == 0 && a.userdata.empty() && !a.pause &&
        a.meter_id == kMeterNone) {
      s += fmt::format("CONTROLLER:{}", a.max_len);
      return;
    }
    static constexpr std::string_view kReasons[] = {"no_match", "action", "invalid_ttl",
                                                    "action_set", "group", "packet_out"};
    std::string x = "controller(";
    if (a.reason != 1) {
      x += "reason=";
      x += a.reason < std::size(kReasons) ? std::string(kReasons[a.reason])
                                          : fmt::format("{}", a.reason);
      x += ',';
    }
    if (a.max_len != UINT16_MAX) x += fmt::format("max_len={},", a.max_len);
    if (a.controller_id != 0) x += fmt::format("id={},", a.controller_id);
    if (!a.userdata.empty()) x += "userdata=" + hex_arg(a.userdata) + ",";
    if (a.pause) x += "pause,";
    if (a.meter_id != kMeterNone) x += fmt::format("meter_id={},", a.meter_id);
    if (x.back() == ',') x.pop_back();
    s += x + ")";
  }
  void one(const ActResubmit& a, std::string& s) {
    if (a.in_port != kOfppInPort && a.table == kTableNone) {
      s += "resubmit:" + format_ofp_port(a.in_port);
      return;
    }
    s += "resubmit(";
    if (a.in_port != kOfppInPort) s += format_ofp_port(a.in_port);
    s += ',';
    if (a.table != kTableNone) s += fmt::format("{}", a.table);
    if (a.with_ct_orig) s += ",ct";
    s += ')';
  }
  void one(const ActSetField& a, std::string& s) {
    const ResolvedField r = rf(a.field);
    s += "set_field:" + format_set_field_value(r, a.value, a.mask) + "->";
    s += field_desc(a.field).name;
  }
  void one(const ActRegMove& a, std::string& s) {
    s += "move:" + format_subfield(a.src) + "->" + format_subfield(a.dst);
  }
  void one(const ActStackPush& a, std::string& s) { s += "push:" + format_subfield(a.src); }
  void one(const ActStackPop& a, std::string& s) { s += "pop:" + format_subfield(a.dst); }
  void one(const ActDecTtl& a, std::string& s) {
    s += "dec_ttl";
    if (a.controller_ids.size() == 1 && a.controller_ids[0] == 0) return;
    s += '(';
    for (size_t i = 0; i < a.controller_ids.size(); ++i) {
      if (i > 0) s += ',';
      s += fmt::format("{}", a.controller_ids[i]);
    }
    s += ')';
  }
  void one(const ActPushVlan& a, std::string& s) { s += fmt::format("push_vlan:{:#x}", a.ethertype); }
  void one(const ActPopVlan&, std::string& s) { s += "pop_vlan"; }
  void one(const ActClone& a, std::string& s) {
    s += "clone(";
    list(a.actions, s);
    s += ')';
  }
  void one(const ActGroup& a, std::string& s) { s += fmt::format("group:{}", a.group_id); }
  void one(const ActMeter& a, std::string& s) { s += fmt::format("meter:{}", a.meter_id); }
  void one(const ActCt& a, std::string& s) {
    std::string x = "ct(";
    if (a.commit) x += "commit,";  // force implies commit; OVS prints both
    if (a.force) x += "force,";
    if (a.recirc_table != kTableNone) x += fmt::format("table={},", a.recirc_table);
    if (a.zone_src.field != FieldId::kCount) {
      x += "zone=" + format_subfield(a.zone_src) + ",";
    } else if (a.zone_imm != 0) {
      x += fmt::format("zone={},", a.zone_imm);
    }
    if (a.has_nat) x += format_nat(a.nat) + ",";
    if (!a.exec.empty()) {
      x += "exec(";
      list(a.exec, x);
      x += "),";
    }
    if (a.alg == 21) {
      x += "alg=ftp,";
    } else if (a.alg == 69) {
      x += "alg=tftp,";
    } else if (a.alg != 0) {
      x += fmt::format("alg={},", a.alg);
    }
    if (x.back() == ',') x.pop_back();
    s += x + ")";
  }
  void one(const ActCtClear&, std::string& s) { s += "ct_clear"; }
  void one(const ActCheckPktLarger& a, std::string& s) {
    s += fmt::format("check_pkt_larger({})->", a.pkt_len) + format_subfield(a.dst);
  }
  void one(const ActNote& a, std::string& s) { s += "note:" + hex_arg(a.data); }
  void one(const ActConjunction& a, std::string& s) {
    s += fmt::format("conjunction({},{}/{})", a.id, a.clause + 1, a.n_clauses);
  }
  void one(const ActExit&, std::string& s) { s += "exit"; }
  void one(const ActGotoTable& a, std::string& s) { s += fmt::format("goto_table:{}", a.table); }
  void one(const ActWriteMetadata& a, std::string& s) {
    s += "write_metadata:" + c_hex(a.value);
    if (a.mask != UINT64_MAX) s += "/" + c_hex(a.mask);
  }
  void one(const ActLearn& a, std::string& s) {
    s += fmt::format("learn(table={}", a.table);
    if (a.idle_timeout != 0) s += fmt::format(",idle_timeout={}", a.idle_timeout);
    if (a.hard_timeout != 0) s += fmt::format(",hard_timeout={}", a.hard_timeout);
    if (a.fin_idle_timeout != 0) s += fmt::format(",fin_idle_timeout={}", a.fin_idle_timeout);
    if (a.fin_hard_timeout != 0) s += fmt::format(",fin_hard_timeout={}", a.fin_hard_timeout);
    if (a.priority != 0x8000) s += fmt::format(",priority={}", a.priority);
    if ((a.flags & ActLearn::kSendFlowRem) != 0) s += ",send_flow_rem";
    if ((a.flags & ActLearn::kDeleteLearned) != 0) s += ",delete_learned";
    if (a.cookie != 0) s += ",cookie=" + c_hex(a.cookie);
    if (a.limit != 0) s += fmt::format(",limit={}", a.limit);
    if ((a.flags & ActLearn::kWriteResult) != 0) s += ",result_dst=" + format_subfield(a.result_dst);
    for (const LearnSpec& sp : a.specs) {
      s += ',';
      switch (sp.kind) {
        case LearnSpec::Kind::kMatch:
          if (sp.src_is_value) {
            const ResolvedField r = rf(sp.dst.field);
            if (sp.dst.ofs == 0 && sp.dst.n_bits == r.n_bits) {
              s += std::string(field_desc(sp.dst.field).name) + "=" +
                   format_set_field_value(r, sp.src_value, field_all_ones(r));
            } else {
              s += format_subfield(sp.dst) + "=" + put_hex(sp.src_value);
            }
          } else {
            s += format_subfield(sp.dst);
            if (sp.src.field != sp.dst.field || sp.src.ofs != sp.dst.ofs) {
              s += "=" + format_subfield(sp.src);
            }
          }
          break;
        case LearnSpec::Kind::kLoad:
          s += "load:";
          s += sp.src_is_value ? put_hex(sp.src_value) : format_subfield(sp.src);
          s += "->" + format_subfield(sp.dst);
          break;
        case LearnSpec::Kind::kOutput:
          s += "output:" + format_subfield(sp.src);
          break;
      }
    }
    s += ')';
  }

  const TlvMap& tlv_;
};

}  // namespace

std::string format_actions(const ActionList& actions, const TlvMap& tlv) {
  if (actions.empty()) return "drop";
  std::string s;
  Formatter(tlv).list(actions, s);
  return s;
}

}  // namespace dpuflow::control
