// The OpenFlow action model: what a rule, a group bucket or a packet-out
// does, as ovs-actions(7) defines it.  Parsed from ovs-ofctl text
// (control/openflow/ofctl_text.h) or from the wire, executed by xlate.
//
// Design note
// - An ActionList is a vector of `Action`, a std::variant over one struct per
//   action.  Nested lists (clone, ct's exec, check_pkt_larger has none) hold
//   their own ActionList.  Instructions (goto_table, write_metadata,
//   meter, clear/write_actions) are flattened into the list in OVS's
//   canonical order, as OVS does after parsing.
// - Port numbers are 16-bit OpenFlow ports as OVS keeps them (flow_key.h).
// - Values of set_field are FieldValues with a mask over the field; `load`
//   parses into a masked set_field, as in OVS.
//
// Thread safety: value types; a published pipeline version never changes.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "dataplane/flow/field.h"
#include "dataplane/flow/subfield.h"

namespace dpuflow::dataplane {

struct Action;
using ActionList = std::vector<Action>;

inline constexpr uint8_t kTableNone = 255;  // "current table" for resubmit; "no table" for ct
inline constexpr uint32_t kMeterNone = UINT32_MAX;

struct ActOutput {
  bool operator==(const ActOutput&) const = default;
  uint16_t port = 0;        // kOfppInPort, kOfppLocal, ... allowed
  uint16_t max_len = 0;     // for CONTROLLER
};
struct ActOutputReg {
  bool operator==(const ActOutputReg&) const = default;
  Subfield src;
  uint16_t max_len = 0;
};
// controller(...) and output:CONTROLLER
struct ActController {
  bool operator==(const ActController&) const = default;
  uint16_t max_len = UINT16_MAX;
  uint16_t controller_id = 0;
  uint8_t reason = 1;           // OFPR_ACTION
  bool pause = false;
  uint32_t meter_id = kMeterNone;
  std::vector<uint8_t> userdata;
  bool has_userdata_syntax = false;  // printed as controller(...) rather than CONTROLLER:N
};
struct ActResubmit {
  bool operator==(const ActResubmit&) const = default;
  uint16_t in_port = kOfppInPort;   // kOfppInPort = the packet's own in_port
  uint8_t table = kTableNone;       // kTableNone = current table
  bool with_ct_orig = false;        // resubmit(,T,ct)
};
struct ActSetField {
  bool operator==(const ActSetField&) const = default;
  FieldId field = FieldId::kCount;
  FieldValue value;
  FieldValue mask;          // all-ones over the field for an unmasked set
  bool from_load = false;   // parsed from load:...->FIELD[..] (printing only)
};
struct ActRegMove {
  bool operator==(const ActRegMove&) const = default;
  Subfield src;
  Subfield dst;
};
struct ActStackPush {
  bool operator==(const ActStackPush&) const = default;
  Subfield src;
};
struct ActStackPop {
  bool operator==(const ActStackPop&) const = default;
  Subfield dst;
};
struct ActDecTtl {
  bool operator==(const ActDecTtl&) const = default;
  // Plain "dec_ttl" is {0} (one packet-in to controller 0); OVN's "dec_ttl()"
  // is empty: the packet stops without a packet-in.
  std::vector<uint16_t> controller_ids;
};
struct ActPushVlan {
  bool operator==(const ActPushVlan&) const = default;
  uint16_t ethertype = 0x8100;
};
struct ActPopVlan {
  bool operator==(const ActPopVlan&) const = default;
};
struct ActClone {
  bool operator==(const ActClone&) const = default;
  ActionList actions;
};
struct ActGroup {
  bool operator==(const ActGroup&) const = default;
  uint32_t group_id = 0;
};
struct ActMeter {
  bool operator==(const ActMeter&) const = default;
  uint32_t meter_id = 0;
};

// nat(...) inside ct(...)
struct ActNat {
  bool operator==(const ActNat&) const = default;
  enum Flags : uint16_t {
    kSrc = 1 << 0, kDst = 1 << 1, kPersistent = 1 << 2, kHash = 1 << 3, kRandom = 1 << 4,
  };
  uint16_t flags = 0;
  bool has_range = false;   // an address range was given
  bool ipv6 = false;
  uint32_t ipv4_min = 0, ipv4_max = 0;      // host order
  uint8_t ipv6_min[16] = {}, ipv6_max[16] = {};
  uint16_t port_min = 0, port_max = 0;      // host order; 0 = none
};

struct ActCt {
  bool operator==(const ActCt&) const = default;
  bool commit = false;
  bool force = false;
  uint16_t zone_imm = 0;        // used when zone_src.field == kCount
  Subfield zone_src;            // zone=NXM_NX_REG13[0..15]
  uint8_t recirc_table = kTableNone;  // table=N
  uint16_t alg = 0;             // alg=ftp/tftp
  ActionList exec;              // exec(set_field ct_mark/ct_label, move ->ct_label)
  bool has_nat = false;
  ActNat nat;
};
struct ActCtClear {
  bool operator==(const ActCtClear&) const = default;
};

// check_pkt_larger(N)->DST
struct ActCheckPktLarger {
  bool operator==(const ActCheckPktLarger&) const = default;
  uint16_t pkt_len = 0;
  Subfield dst;
};

struct ActNote {
  bool operator==(const ActNote&) const = default;
  std::vector<uint8_t> data;
};

// conjunction(id, k/n); `clause` is 0-based (k-1).
struct ActConjunction {
  bool operator==(const ActConjunction&) const = default;
  uint32_t id = 0;
  uint8_t clause = 0;
  uint8_t n_clauses = 0;
};

struct ActExit {
  bool operator==(const ActExit&) const = default;
};
struct ActGotoTable {
  bool operator==(const ActGotoTable&) const = default;
  uint8_t table = 0;
};
struct ActWriteMetadata {
  bool operator==(const ActWriteMetadata&) const = default;
  uint64_t value = 0;  // host order
  uint64_t mask = UINT64_MAX;
};

// learn(...): one spec is either a match element (FIELD[]=SRC or FIELD=value)
// or an action (load:SRC->DST, output:SRC).
struct LearnSpec {
  bool operator==(const LearnSpec&) const = default;
  enum class Kind : uint8_t { kMatch, kLoad, kOutput };
  Kind kind = Kind::kMatch;
  bool src_is_value = false;  // immediate value rather than a subfield
  FieldValue src_value;       // when src_is_value (width = n_bits)
  Subfield src;
  Subfield dst;               // for kMatch: the field to match; for kLoad: destination
  uint16_t n_bits = 0;
};
struct ActLearn {
  bool operator==(const ActLearn&) const = default;
  uint8_t table = 1;
  uint16_t idle_timeout = 0;
  uint16_t hard_timeout = 0;
  uint16_t fin_idle_timeout = 0;
  uint16_t fin_hard_timeout = 0;
  uint16_t priority = 0x8000;
  uint64_t cookie = 0;
  uint16_t flags = 0;       // kSendFlowRem | kDeleteLearned | kWriteResult
  uint32_t limit = 0;
  Subfield result_dst;
  std::vector<LearnSpec> specs;
  enum Flags : uint16_t { kSendFlowRem = 1, kDeleteLearned = 2, kWriteResult = 4 };
};

struct Action : std::variant<ActOutput, ActOutputReg, ActController, ActResubmit, ActSetField,
                             ActRegMove, ActStackPush, ActStackPop, ActDecTtl, ActPushVlan,
                             ActPopVlan, ActClone, ActGroup, ActMeter, ActCt, ActCtClear,
                             ActCheckPktLarger, ActNote, ActConjunction, ActExit, ActGotoTable,
                             ActWriteMetadata, ActLearn> {
  using variant::variant;
  bool operator==(const Action& o) const {
    return static_cast<const variant&>(*this) == static_cast<const variant&>(o);
  }
};

}  // namespace dpuflow::dataplane
