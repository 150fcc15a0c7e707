// Match: a FlowKey value with a FlowMask, the thing OpenFlow rules and
// datapath megaflows are made of.
//
// Invariant: value & mask == value (bits outside the mask are zero), which
// set_*() keeps.  Prerequisites are not implied by storage: the text parser
// adds them (e.g. `tcp_dst=80` without `tcp` is an error in OVS; `tcp` sets
// dl_type and nw_proto).
//
// Thread safety: a value type.
#pragma once

#include <cstdint>
#include <string>

#include "dataplane/flow/field.h"
#include "dataplane/flow/subfield.h"
#include "dataplane/flow/tlv_map.h"

namespace dpuflow::dataplane {

struct Match {
  FlowKey value{};
  FlowMask mask{};

  // Sets the field to value/mask (value & mask), replacing whatever this
  // match had for the field's bits, as OVS mf_set() does; other fields that
  // share bytes with it (ip_dscp and nw_ecn in nw_tos) are untouched.
  void set_field_masked(const ResolvedField& f, const FieldValue& v, const FieldValue& m);
  void set_field(const ResolvedField& f, const FieldValue& v);
  // True if `k` matches: (k & mask) == value.
  bool matches(const FlowKey& k) const;
  bool operator==(const Match& o) const { return value == o.value && mask == o.mask; }
  // Zeroes bits of value that are outside mask.
  void normalize();
};

// Masked key helpers used by classifiers and caches.
void apply_mask(const FlowKey& k, const FlowMask& m, FlowKey& out);
bool masked_equal(const FlowKey& a, const FlowKey& b, const FlowMask& m);
// m |= other
void mask_or(FlowMask& m, const FlowMask& other);
// True if every bit set in `a` is set in `b`.
bool mask_subset(const FlowMask& a, const FlowMask& b);
// Number of set bits.
int mask_popcount(const FlowMask& m);

// Do the prerequisites of `f` hold for this flow?  When `wc` is not null,
// marks the fields consulted (dl_type, nw_proto, icmp type...) as examined,
// as OVS's mf_are_prereqs_ok() does.
bool prereqs_ok(const FieldDesc& f, const FlowKey& k, FlowMask* wc);
// Adds the prerequisite match of `f` to a Match (e.g. tcp_dst -> dl_type=0x800
// or the IPv6 variant chosen by what is already in the match).
// Returns false if the match already contradicts them.
bool add_prereqs(const FieldDesc& f, Match& m);
bool prereqs_satisfied(const FieldDesc& f, const Match& m);

}  // namespace dpuflow::dataplane
