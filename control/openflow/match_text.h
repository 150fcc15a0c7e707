// Matches in ovs-ofctl text: "in_port=1,dl_src=...,icmp,nw_src=10.0.0.0/8",
// parsed into a Match and printed back exactly as OVS 3.1's match_format()
// prints it, both in dump-flows lines and in ofproto/trace "Megaflow:"
// lines (where recirc_id, "eth" and nw_frag appear).
//
// Design note
// - Parsing goes item by item (apply_match_item) so that a flow-line parser
//   can interleave its own keywords (table, priority, cookie...); the
//   prerequisites are checked once at the end, as OVS checks them when a
//   flow is added (OFPBMC_BAD_PREREQ), not while parsing.
// - Single field values are parsed and printed by dataplane/flow/field_text.h;
//   this file owns the order of fields, the protocol shorthands ("tcp" for
//   dl_type=0x0800,nw_proto=6) and the places where OVS prints the storage
//   rather than the field (icmp_type=0x87/0xff in megaflows: the 16-bit
//   transport port word under a partial mask).
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "control/openflow/text_error.h"
#include "dataplane/flow/match.h"
#include "dataplane/flow/tlv_map.h"

namespace dpuflow::control {

// Applies one item of a match to `m`: `key` is a field name (ovs-fields(7)
// name or alias; tun_metadataN resolved through `tlv`), a subfield
// ("reg0[0..7]"), "tun_metadataN=NP" (option not present), a protocol shorthand (ip, ipv6, icmp, icmp6, tcp, tcp6,
// udp, udp6, sctp, sctp6, arp, rarp, mpls, mplsm) or "eth".  On error fills
// *err with a column relative to the first byte of `key` and returns false.
bool apply_match_item(dataplane::Match& m, std::string_view key,
                      std::optional<std::string_view> value, const dataplane::TlvMap& tlv,
                      TextError* err);
// Checks every matched field's prerequisites (tcp_dst needs tcp, nd_target
// needs icmp6 with type 135 or 136, ...); the message names the field.
bool check_match_prereqs(const dataplane::Match& m, TextError* err);
// A whole match, e.g. what ofproto/trace takes as a flow and what a
// "Megaflow:" line holds.  Columns in *err are offsets into `text`.
// `check_prereqs` false accepts what a datapath megaflow may hold (OVS
// prints nd_tll for an ND solicitation's megaflow when the mask has it).
std::optional<dataplane::Match> parse_match(std::string_view text, const dataplane::TlvMap& tlv,
                                            TextError* err, bool check_prereqs = true);

inline constexpr int kNoPriority = -1;
inline constexpr int kDefaultPriority = 0x8000;
// As OVS's match_format(): "priority=N," first unless N is the default
// (32768) or kNoPriority; no trailing comma; "" for a catch-all match.
std::string format_match(const dataplane::Match& m, const dataplane::TlvMap& tlv,
                         int priority = kNoPriority);

}  // namespace dpuflow::control
