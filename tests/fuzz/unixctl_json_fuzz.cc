// libFuzzer target for the unixctl JSON-RPC framer and reply encoder.
//
// Build and run (clang only; not wired into meson, whose build is g++):
//   clang++ -std=c++20 -fsanitize=fuzzer,address -I. tests/fuzz/unixctl_json_fuzz.cc \
//       control/appctl/json_rpc.cc -lfmt -o /tmp/uxfuzz
//   /tmp/uxfuzz tests/fuzz/corpus/unixctl_json -max_total_time=60
//
// The input is a byte stream from a client.  Besides "no crash, no leak,
// no UB", it checks two properties and traps when one fails:
// - framing does not depend on how the stream is split: the input fed at
//   once and fed in pseudo-random chunks (seeded from the input) yields
//   the same messages;
// - every reply encoded for a request parses back (as JSON) to exactly the
//   text and id that were encoded.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "control/appctl/json_rpc.h"

namespace {

using dpuflow::control::JsonRpcFramer;
using dpuflow::control::JsonRpcMessage;
using dpuflow::control::JsonRpcNonStringArg;
using dpuflow::control::JsonRpcProtocolError;
using dpuflow::control::JsonRpcRequest;

std::string describe(const JsonRpcMessage& m) {
  if (const auto* r = std::get_if<JsonRpcRequest>(&m)) {
    std::string s = "R" + r->id.dump() + r->method;
    for (const auto& p : r->params) s += "\x01" + p;
    return s;
  }
  if (const auto* n = std::get_if<JsonRpcNonStringArg>(&m)) {
    return "N" + n->id.dump() + n->method + std::to_string(n->n_params);
  }
  return "E" + std::get<JsonRpcProtocolError>(m).reason;
}

std::vector<JsonRpcMessage> frame(std::string_view in, size_t max_message,
                                  const std::vector<size_t>& chunks) {
  JsonRpcFramer f(max_message);
  std::vector<JsonRpcMessage> out;
  size_t off = 0;
  for (size_t len : chunks) {
    f.feed(in.substr(off, len));
    off += len;
    while (auto m = f.next()) {
      out.push_back(std::move(*m));
      if (std::holds_alternative<JsonRpcProtocolError>(out.back())) return out;
    }
  }
  return out;
}

void check_reply(const std::string& encoded, const nlohmann::json& id, const std::string& text,
                 bool ok) {
  const nlohmann::json reply = nlohmann::json::parse(encoded, nullptr, false);
  if (reply.is_discarded() || !reply.is_object() || reply.size() != 3) __builtin_trap();
  const std::string want = text.empty() || text.back() == '\n' ? text : text + "\n";
  const auto& body = reply.at(ok ? "result" : "error");
  const auto& other = reply.at(ok ? "error" : "result");
  if (!body.is_string() || body.get<std::string>() != want || !other.is_null()) __builtin_trap();
  if (reply.at("id") != id) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  // FNV-1a of the input seeds the chunk sizes and the message cap.
  uint64_t h = 1469598103934665603ull;
  for (uint8_t b : in) h = (h ^ b) * 1099511628211ull;
  const size_t max_message = 16 + static_cast<size_t>(h % 256);

  std::vector<size_t> chunks;
  for (size_t left = size; left > 0;) {
    h = h * 6364136223846793005ull + 1442695040888963407ull;
    const size_t len = std::min(left, 1 + static_cast<size_t>((h >> 33) % 17));
    chunks.push_back(len);
    left -= len;
  }

  const auto whole = frame(in, max_message, {size});
  const auto split = frame(in, max_message, chunks);
  if (whole.size() != split.size()) __builtin_trap();
  for (size_t i = 0; i < whole.size(); ++i) {
    if (describe(whole[i]) != describe(split[i])) __builtin_trap();
  }

  for (const auto& m : whole) {
    if (const auto* r = std::get_if<JsonRpcRequest>(&m)) {
      std::string text = r->method;
      for (const auto& p : r->params) text += " " + p;
      check_reply(dpuflow::control::encode_result(r->id, text), r->id, text, true);
      check_reply(dpuflow::control::encode_error(r->id, text), r->id, text, false);
    } else if (const auto* n = std::get_if<JsonRpcNonStringArg>(&m)) {
      check_reply(dpuflow::control::encode_error(n->id, n->method), n->id, n->method, false);
    }
  }
  return 0;
}
