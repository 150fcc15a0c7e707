// Comparing flows across OpenFlow versions: each version carries some
// actions in its own form, and OVS (so ovs-ofctl) prints what came on the
// wire.  These normalisations make two spellings of one flow compare equal;
// each is a difference of wire form only, not of behaviour.
#pragma once

#include <string>
#include <variant>

#include "control/openflow/ofctl_text.h"
#include "dataplane/pipeline/action.h"

namespace dpuflow::testing {

inline void normalise_actions(dataplane::ActionList& acts) {
  using namespace dataplane;
  ActionList merged;
  for (Action& a : acts) {
    if (auto* c = std::get_if<ActClone>(&a)) normalise_actions(c->actions);
    if (auto* c = std::get_if<ActCt>(&a)) normalise_actions(c->exec);
    if (auto* s = std::get_if<ActSetField>(&a)) {
      // load: and set_field: are one action (1.0/1.3 send a partial write
      // as NXAST_REG_LOAD, which OVS prints as load:).
      s->from_load = false;
      // OpenFlow 1.0 has one "set L4 port" action (mod_tp_src/dst).
      if (s->field == FieldId::kUdpSrc || s->field == FieldId::kSctpSrc) s->field = FieldId::kTcpSrc;
      if (s->field == FieldId::kUdpDst || s->field == FieldId::kSctpDst) s->field = FieldId::kTcpDst;
      // A write wider than 64 bits is several REG_LOADs below 1.2: merge
      // adjacent disjoint writes to one field.
      auto* prev = merged.empty() ? nullptr : std::get_if<ActSetField>(&merged.back());
      if (prev != nullptr && prev->field == s->field && prev->value.n_bytes == s->value.n_bytes) {
        bool disjoint = true;
        for (size_t i = 0; i < s->mask.n_bytes; ++i) {
          disjoint &= (s->mask.bytes[i] & prev->mask.bytes[i]) == 0;
        }
        if (disjoint) {
          for (size_t i = 0; i < s->mask.n_bytes; ++i) {
            prev->value.bytes[i] |= s->value.bytes[i];
            prev->mask.bytes[i] |= s->mask.bytes[i];
          }
          continue;
        }
      }
    }
    merged.push_back(std::move(a));
  }
  acts = std::move(merged);
}

inline std::string normal_flow_text(dataplane::RuleSpec r, const dataplane::TlvMap& tlv) {
  normalise_actions(r.actions);
  return control::format_flow_line(r, tlv);
}

}  // namespace dpuflow::testing
