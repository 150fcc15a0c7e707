// OpenFlow message framing and the connection-level messages: the 8-byte
// header, HELLO with its version bitmap and version negotiation, ECHO, and
// ERROR, for OpenFlow 1.0 (wire 0x01), 1.3 (0x04) and 1.5 (0x06).
//
// Design note
// - Framing never trusts a length: a header whose length is below 8 or
//   beyond what the peer may send is refused with the error OVS sends
//   (OFPBRC_BAD_LEN), and the caller drops only that message.
// - Errors are built from a small enum of OVS error names; each maps to its
//   (type, code) per version (OVS include/openvswitch/ofp-errors.h).
//   OpenFlow 1.0 has no BAD_MATCH codes for OXM problems: OVS sends Nicira
//   vendor errors there, and so does this.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "control/openflow/ofp_errors.h"
#include "control/openflow/oxm.h"

namespace dpuflow::control {

inline constexpr uint8_t kOfp10 = 0x01, kOfp13 = 0x04, kOfp15 = 0x06;
inline constexpr size_t kOfpHeaderLen = 8;

enum class OfpType : uint8_t {
  kHello = 0, kError = 1, kEchoRequest = 2, kEchoReply = 3,
};

struct OfpHeader {
  uint8_t version = kOfp15;
  uint8_t type = 0;
  uint16_t length = kOfpHeaderLen;
  uint32_t xid = 0;
};

// Reads a header from the first 8 bytes; nullopt if fewer.
std::optional<OfpHeader> peek_header(std::span<const uint8_t> buf);
void put_header(std::vector<uint8_t>& out, const OfpHeader& h);

// HELLO: header.version = the highest version offered, with a
// version-bitmap element (bit n = wire version n).
std::vector<uint8_t> encode_hello(uint32_t version_bitmap, uint32_t xid);
// The versions a peer's HELLO offers: its bitmap if it sent one, else every
// version up to its header's.
uint32_t hello_versions(std::span<const uint8_t> hello);
// The highest version in both bitmaps, or 0 (OFPHFC_INCOMPATIBLE).
uint8_t negotiate_version(uint32_t ours, uint32_t theirs);

std::vector<uint8_t> encode_echo_reply(std::span<const uint8_t> request);

OfpError from_match_error(MatchError e);

}  // namespace dpuflow::control
