#include "control/openflow/ofp_msg.h"

#include "control/openflow/ofp_wire.h"

#include <algorithm>

namespace dpuflow::control {

namespace {

using wire::rd16;
using wire::rd32;
void put16(std::vector<uint8_t>& b, uint16_t v) { wire::Out{b}.u16(v); }
void put32(std::vector<uint8_t>& b, uint32_t v) { wire::Out{b}.u32(v); }
void set_length(std::vector<uint8_t>& b) {
  b[2] = static_cast<uint8_t>(b.size() >> 8);
  b[3] = static_cast<uint8_t>(b.size());
}

}  // namespace

std::optional<OfpHeader> peek_header(std::span<const uint8_t> buf) {
  if (buf.size() < kOfpHeaderLen) return std::nullopt;
  return OfpHeader{buf[0], buf[1], rd16(&buf[2]), rd32(&buf[4])};
}

void put_header(std::vector<uint8_t>& out, const OfpHeader& h) {
  out.push_back(h.version);
  out.push_back(h.type);
  put16(out, h.length);
  put32(out, h.xid);
}

std::vector<uint8_t> encode_hello(uint32_t bitmap, uint32_t xid) {
  uint8_t highest = 0;
  for (uint8_t v = 1; v < 32; ++v) {
    if ((bitmap >> v) & 1) highest = v;
  }
  std::vector<uint8_t> b;
  put_header(b, OfpHeader{highest, static_cast<uint8_t>(OfpType::kHello), 0, xid});
  put16(b, 1);  // OFPHET_VERSIONBITMAP
  put16(b, 8);
  put32(b, bitmap);
  set_length(b);
  return b;
}

uint32_t hello_versions(std::span<const uint8_t> hello) {
  auto h = peek_header(hello);
  if (!h) return 0;
  const size_t len = std::min<size_t>(h->length, hello.size());
  size_t ofs = kOfpHeaderLen;
  while (ofs + 4 <= len) {
    const uint16_t type = rd16(&hello[ofs]);
    const uint16_t elen = rd16(&hello[ofs + 2]);
    if (elen < 4 || ofs + elen > len) break;
    if (type == 1 && elen >= 8) return rd32(&hello[ofs + 4]);
    ofs += (elen + 7u) / 8 * 8;
  }
  // No bitmap: every version up to the header's.
  return h->version >= 31 ? 0xfffffffeu : ((2u << h->version) - 2u);
}

uint8_t negotiate_version(uint32_t ours, uint32_t theirs) {
  const uint32_t common = ours & theirs;
  for (int v = 31; v > 0; --v) {
    if ((common >> v) & 1) return static_cast<uint8_t>(v);
  }
  return 0;
}

std::vector<uint8_t> encode_echo_reply(std::span<const uint8_t> request) {
  std::vector<uint8_t> b(request.begin(), request.end());
  if (b.size() < kOfpHeaderLen) b.resize(kOfpHeaderLen, 0);
  b[1] = static_cast<uint8_t>(OfpType::kEchoReply);
  set_length(b);
  return b;
}

OfpError from_match_error(MatchError e) {
  switch (e) {
    case MatchError::kBadLen: return OfpError::kMatchBadLen;
    case MatchError::kBadWildcards: return OfpError::kMatchBadWildcards;
    case MatchError::kBadField: return OfpError::kMatchBadField;
    case MatchError::kBadMask: return OfpError::kMatchBadMask;
    case MatchError::kBadPrereq: return OfpError::kMatchBadPrereq;
    case MatchError::kDupField: return OfpError::kMatchDupField;
    case MatchError::kInvalidTlvField: return OfpError::kInvalidTlvField;
  }
  return OfpError::kMatchBadField;
}

}  // namespace dpuflow::control
