// libFuzzer target for the OpenFlow switch side: the input is what one
// client sends on one connection after the HELLO exchange.
//
// Built by the clang build tests/fuzz/run.sh makes (tests/fuzz/meson.build);
// seeds in tests/fuzz/corpus/openflow/ (tests/fuzz/make_openflow_seeds.cc).
//
// Input: byte 0 picks the version (odd: OpenFlow 1.3, even: 1.5) that a
// fixed HELLO negotiates; the rest is split into messages by their header
// length, as OfServer frames a stream: a length below 8 ends the stream
// (the server closes such a connection) and so does an incomplete last
// message.  Each message is copied into a buffer of its own exact size, so
// that reading past it is an ASan error even mid-input.  One OfSwitch and
// one OfSession take them all, then the switch publishes (flush()).
//
// Besides "no crash, no leak, no UB, no hang" it traps when:
// - the switch asks to close the session after negotiation (only a failed
//   HELLO may close it);
// - a reply is not a well-formed message of the session's version (length
//   field = size, 8..65535 bytes; an ERROR has its type/code);
// - after everything, an ECHO_REQUEST does not get exactly its ECHO_REPLY
//   (the session stays usable whatever came before).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "control/openflow/ofp_msg.h"
#include "control/openflow/switch.h"
#include "dataplane/pipeline/pipeline.h"

namespace {

using dpuflow::control::OfSession;
using dpuflow::control::OfSwitch;

// Replies are in the session's version, or (as OVS answers a message of
// another version: its error, an echo) in the offending message's.
void check_replies(const OfSession& s, const std::vector<uint8_t>& msg,
                   const std::vector<std::vector<uint8_t>>& out) {
  for (const auto& r : out) {
    if (r.size() < 8 || r.size() > 0xffff) __builtin_trap();
    if (static_cast<size_t>(r[2] << 8 | r[3]) != r.size()) __builtin_trap();
    if (r[0] != s.version && r[0] != msg[0]) __builtin_trap();
    if (r[1] == 1 && r.size() < 12) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dpuflow::control;
  if (size < 1) return 0;
  const uint8_t version = (data[0] & 1) != 0 ? kOfp13 : kOfp15;

  dpuflow::dataplane::PipelineVersions versions;
  OfSwitch sw("br-fuzz", 1, versions);
  OfSession s;
  std::vector<std::vector<uint8_t>> out;
  const auto hello = encode_hello(1u << version, 1);
  if (!sw.handle(s, hello, out) || s.version != version || !out.empty()) __builtin_trap();

  size_t off = 1;
  std::vector<uint8_t> msg;
  while (size - off >= kOfpHeaderLen) {
    const size_t len = static_cast<size_t>(data[off + 2] << 8 | data[off + 3]);
    if (len < kOfpHeaderLen || len > size - off) break;
    msg.assign(data + off, data + off + len);
    msg.shrink_to_fit();
    out.clear();
    if (!sw.handle(s, msg, out)) __builtin_trap();
    check_replies(s, msg, out);
    off += len;
  }
  sw.flush();

  // The session still answers an echo, and only with its reply.
  const std::vector<uint8_t> echo = {version, 2, 0, 12, 0xfe, 0xed, 0xfa, 0xce, 1, 2, 3, 4};
  out.clear();
  if (!sw.handle(s, echo, out)) __builtin_trap();
  if (out.size() != 1 || out[0].size() != echo.size() || out[0][1] != 3 || out[0][4] != 0xfe) {
    __builtin_trap();
  }
  return 0;
}
