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
// for vlan_tci).  A mask of all ones prints the value alone.  Follows OVS
// match_format() field by field: regs/metadata/tun_id/ct_mark "0x1/0x1",
// ports and ct_zone decimal ("0x50/0xfff0" when masked), ct_state and
// tcp_flags "a|b" when exact and "+a-b" when masked, tun_flags over
// oam/df/csum/key ("-df-csum-key"), vlan_tci "0x%04x", ipv6_label "0x%05x".
// An all-zero mask (a field the match ignores, which ovs-ofctl omits)
// prints "ANY".  Value and mask widths may differ from the field's: they are
// right-aligned onto it.
std::string format_field_value(const ResolvedField& f, const FieldValue& value,
                               const FieldValue& mask);
// Formats a value alone (set_field syntax), e.g. "0x1", "00:00:00:00:01:02",
// "10.0.1.12", "ANY" for in_port 0xffff (OVS prints in_port values as port
// names: LOCAL, CONTROLLER, ANY).
std::string format_field_value(const ResolvedField& f, const FieldValue& value);
// Formats "value/mask" as ovs-ofctl prints set_field, learn and the like
// (OVS mf_format): integers as decimal or hex by the field's format with the
// mask always in hex ("0/0x1000", "0xff01/0xffff0000"), addresses as in
// matches, "ANY" for an all-zero mask; an all-ones mask prints the value alone.
std::string format_set_field_value(const ResolvedField& f, const FieldValue& value,
                                   const FieldValue& mask);

// Port names as ovs-ofctl uses them (LOCAL, CONTROLLER, IN_PORT, ANY...):
// parses a 16-bit OpenFlow port (names case-insensitive, NONE = ANY,
// decimal numbers, OpenFlow 1.1 numbers 0xffffff00+ mapped down) and formats
// one (a name for reserved ports, else decimal).
std::optional<uint16_t> parse_ofp_port(std::string_view text);
std::string format_ofp_port(uint16_t port);

}  // namespace dpuflow::dataplane
