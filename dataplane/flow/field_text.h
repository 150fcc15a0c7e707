// Field values in ovs-ofctl text: parsing "0x1/0x1", "10.0.0.0/8",
// "fe80::/10", "00:00:00:00:00:01/01:00:00:00:00:00", "+trk-new",
// "+syn", "no"/"later", "LOCAL" into a FieldValue and mask, and printing them
// back exactly as ovs-ofctl (OVS 3.1) prints them in dump-flows and in
// ofproto/trace "Megaflow:" lines.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "dataplane/flow/field.h"
#include "dataplane/flow/subfield.h"

namespace dpuflow::dataplane {

struct ParsedValue {
  FieldValue value;
  FieldValue mask;   // all ones over the field when no mask was written
  bool has_mask = false;
};

// Parses `text` as a value of `f` (already resolved, for its width).  On
// error returns nullopt and sets *error to a message naming the text and the
// expected form, e.g. "10.0.0.300: invalid IPv4 address".
std::optional<ParsedValue> parse_field_value(const ResolvedField& f, std::string_view text,
                                             std::string* error);

// Formats "value" or "value/mask" as ovs-ofctl prints the field in a match
// (e.g. "0x8000/0x8000", "10.0.1.0/24", "+new-est+trk", "no", "0x1000/0x1000"
// for vlan_tci).  A mask of all ones prints the value alone.
std::string format_field_value(const ResolvedField& f, const FieldValue& value,
                               const FieldValue& mask);
// Formats a value alone (set_field syntax), e.g. "0x1", "00:00:00:00:01:02",
// "10.0.1.12", "ANY" for in_port 0xffff? (OVS prints in_port values as port
// names: LOCAL, CONTROLLER, ANY).
std::string format_field_value(const ResolvedField& f, const FieldValue& value);

}  // namespace dpuflow::dataplane
