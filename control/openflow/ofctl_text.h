// ovs-ofctl text for whole objects: flow lines (as `ovs-ofctl -O OpenFlow15
// dump-flows --no-stats` prints them and as add-flow takes them), group
// lines (dump-groups / add-group), meter configs (dump-meters / add-meter)
// and the TLV map (dump-tlv-map).  Matches and actions are delegated to
// match_text.h and action_text.h.
//
// Design note
// - One tokenizer (split_key_values) serves flows, groups, buckets and
//   meters: items are separated by commas or white space, a value follows
//   '=' or ':', or is a parenthesised argument list; parentheses nest.
//   Every token keeps its column, so errors point into the user's text.
// - Printing follows OVS 3.1 (ofputil_flow_stats_format without stats,
//   ofp_print_group, ofputil_format_meter_config) so that the output of a
//   dump can be compared byte for byte with OVS's.
// - Stats fields of a dump line (duration, n_packets, n_bytes, idle_age,
//   hard_age) are accepted and ignored, so dumps with stats load too.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/openflow/text_error.h"
#include "dataplane/flow/tlv_map.h"
#include "dataplane/pipeline/rule.h"

namespace dpuflow::control {

struct KeyValue {
  std::string_view key;
  std::optional<std::string_view> value;
  size_t key_col = 0;
  size_t value_col = 0;
  char delim = 0;  // '=', ':' or '(' (0 when there is no value)
};
// Splits "a=1,b:2 c(x,y),d" into items.  Fails only on unbalanced parentheses.
std::optional<std::vector<KeyValue>> split_key_values(std::string_view text, size_t base_col,
                                                      TextError* err);

// A flow: dump-flows line or add-flow text ("table=8,priority=100,ip actions=drop").
std::optional<dataplane::RuleSpec> parse_flow_line(std::string_view line,
                                                   const dataplane::TlvMap& tlv, TextError* err);
// As dump-flows --no-stats prints it, with its leading space:
// " cookie=0x1, table=8, priority=100,ip actions=drop".
std::string format_flow_line(const dataplane::RuleSpec& rule, const dataplane::TlvMap& tlv);

std::optional<dataplane::GroupSpec> parse_group_line(std::string_view line,
                                                     const dataplane::TlvMap& tlv,
                                                     TextError* err);
// As dump-groups prints it (OpenFlow 1.5), with its leading space.
std::string format_group_line(const dataplane::GroupSpec& group, const dataplane::TlvMap& tlv);

// "meter=1 pktps stats bands=type=drop rate=10" (spaces or commas).
std::optional<dataplane::MeterSpec> parse_meter(std::string_view text, TextError* err);
// As dump-meters prints it: "meter=1 pktps stats bands=\ntype=drop rate=10".
std::string format_meter(const dataplane::MeterSpec& meter);

// A whole dump file, each line/record parsed; errors are "line N: col C: ...".
// Header lines OVS prints ("OFPST_FLOW reply ...", "NXST_FLOW reply ...") and
// blank lines are skipped.
struct DumpError {
  size_t line = 0;  // 1-based
  TextError error;
  std::string to_string() const;
};
std::optional<std::vector<dataplane::RuleSpec>> parse_flow_dump(std::string_view text,
                                                                const dataplane::TlvMap& tlv,
                                                                DumpError* err);
std::optional<std::vector<dataplane::GroupSpec>> parse_group_dump(std::string_view text,
                                                                  const dataplane::TlvMap& tlv,
                                                                  DumpError* err);
// Meter records span lines: "meter=..." then one "type=..." line per band.
std::optional<std::vector<dataplane::MeterSpec>> parse_meter_dump(std::string_view text,
                                                                  DumpError* err);
// dump-tlv-map output (the "mapping table" rows "0x102 0x80 4 tun_metadata0").
struct TlvEntry {
  uint16_t opt_class = 0;
  uint8_t opt_type = 0;
  uint8_t length = 0;
  int index = 0;
};
std::optional<std::vector<TlvEntry>> parse_tlv_dump(std::string_view text, DumpError* err);
// add-tlv-map syntax: "{class=0x102,type=0x80,len=4}->tun_metadata0,{...}->..."
std::optional<std::vector<TlvEntry>> parse_tlv_mappings(std::string_view text, TextError* err);

}  // namespace dpuflow::control
