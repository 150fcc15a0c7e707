// Actions in ovs-ofctl text: what follows "actions=" in a flow and a group
// bucket, parsed into the ActionList model (dataplane/pipeline/action.h) and
// printed back exactly as `ovs-ofctl -O OpenFlow15 dump-flows` (OVS 3.1
// ofpacts_format) prints them.
//
// Design note
// - Parsing splits the list at top-level commas (parentheses nest) and
//   dispatches on the action name; nested lists (clone, ct's exec) recurse
//   with their own column offsets so errors point into the original line.
// - Printing follows what OVS prints after a round trip through OpenFlow
//   1.5: "load:" and the legacy mod_* actions come back as set_field, plain
//   dec_ttl is "dec_ttl" and OVN's controller-less form "dec_ttl()".
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "control/openflow/text_error.h"
#include "dataplane/flow/tlv_map.h"
#include "dataplane/pipeline/action.h"

namespace dpuflow::control {

// An empty text and "drop" are the empty list.  Columns in *err are offsets
// into `text`.
std::optional<dataplane::ActionList> parse_actions(std::string_view text,
                                                   const dataplane::TlvMap& tlv, TextError* err);
// "drop" for an empty list.
std::string format_actions(const dataplane::ActionList& actions, const dataplane::TlvMap& tlv);

}  // namespace dpuflow::control
