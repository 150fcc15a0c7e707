// Internal to dataplane/flow: pieces shared by field_text.cc (integers,
// addresses, ports) and field_text_flags.cc (flag sets, nw_frag, packet_type).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dataplane/flow/field_text.h"

namespace dpuflow::dataplane::internal {

// The low `n_bytes` of v, right-aligned (zero-extended when v is narrower).
FieldValue fit(const FieldValue& v, uint16_t n_bytes);
// OVS ds_put_hex: "0x" and the bytes without leading zeros; "0" for zero.
std::string put_hex(const uint8_t* p, size_t n);

// Flag-set fields: ct_state, tcp_flags, tun_flags.
struct FlagSet {
  std::string_view field;       // for messages: "ct_state", "TCP", "tunnel"
  const char* (*bit_name)(uint32_t bit);
  uint32_t allowed;             // bits that may be named or given
};
const FlagSet& ct_state_flags();
const FlagSet& tcp_flags_flags();
const FlagSet& tun_flags_flags();

// OVS parse_flags(): "0x12/0x12" (numbers with a mask), "+syn-ack" (masked
// names), or "syn|ack" / "0x12" (exact: mask all ones).
std::optional<std::pair<uint32_t, uint32_t>> parse_flags(const FlagSet& fs, std::string_view s,
                                                         std::string* error);
// OVS format_flags(): names joined by `del`, unknown bits as one 0x number,
// "0" when no bit is set.
std::string format_flags(const FlagSet& fs, uint32_t flags, char del);
// OVS format_flags_masked() without the name: format_flags(.., '|') when mask
// equals max_mask, "0/0" for a zero mask, else "+a-b..." per mask bit.
std::string format_flags_masked(const FlagSet& fs, uint32_t flags, uint32_t mask,
                                uint32_t max_mask);

std::optional<std::pair<uint8_t, uint8_t>> parse_frag(std::string_view s, std::string* error);
// `mask` is limited to the two frag bits first.
std::string format_frag_match(uint8_t value, uint8_t mask);
std::string format_frag_value(uint8_t value, uint8_t mask);

std::optional<uint32_t> parse_packet_type(std::string_view s, std::string* error);
std::string format_packet_type(uint32_t value, uint32_t mask);

}  // namespace dpuflow::dataplane::internal
