// JSON-RPC 1.0 as ovs-appctl speaks it on the unixctl socket: framing of a
// byte stream into requests, and the exact bytes of the replies.
//
// Design note
// - There is no length prefix: a message is one bare JSON object and ends
//   where its top-level `{...}` closes.  JsonRpcFramer counts braces outside
//   strings (honouring backslash escapes), so it finds message ends in one
//   pass over each byte however the stream is split, then hands the message
//   to nlohmann::json.  Whitespace between messages is skipped.
// - A message is a request only if it has exactly OVS's members (`method`
//   string, `params` array, `id` non-null; `result`/`error` are replies and
//   anything else is an "unexpected member", as OVS's jsonrpc_msg_from_json
//   says).  Anything else is a JsonRpcProtocolError: the connection must be
//   closed, as OVS's unixctl server does.  The error is sticky.
// - A request whose params are not all strings is still a request (it gets
//   an error reply, not a closed connection): JsonRpcNonStringArg.  OVS
//   checks the command name and argument count before the argument types,
//   so the reply text is chosen by CommandRegistry::non_string_arg_error().
// - Bounded input: a message longer than `max_message` bytes or nested
//   deeper than kJsonRpcMaxDepth (OVS's JSON_MAX_HEIGHT) is a protocol
//   error.  The framer buffers only what it is fed; callers feed bounded
//   chunks and drain next() between feeds.
// - Replies are serialized here, not by nlohmann: strings as OVS writes
//   them (escape `"`, `\` and bytes < 0x20 only; other bytes raw), the id
//   echoed with its JSON type, members in OVS's order result, error, id.
//
// Thread safety: a JsonRpcFramer belongs to one connection and one thread;
// the encoders are pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace dpuflow::control {

inline constexpr size_t kJsonRpcMaxMessage = size_t{1} << 20;  // 1 MiB
inline constexpr int kJsonRpcMaxDepth = 1000;

// A request whose params are all strings.
struct JsonRpcRequest {
  nlohmann::json id;  // any non-null JSON value, echoed in the reply
  std::string method;
  std::vector<std::string> params;
};

// A well-formed request with a non-string element in params.
struct JsonRpcNonStringArg {
  nlohmann::json id;
  std::string method;
  size_t n_params = 0;
};

// The stream is not JSON-RPC requests; close the connection.
struct JsonRpcProtocolError {
  std::string reason;  // e.g. "message has unexpected member \"jsonrpc\""
};

using JsonRpcMessage = std::variant<JsonRpcRequest, JsonRpcNonStringArg, JsonRpcProtocolError>;

class JsonRpcFramer {
 public:
  explicit JsonRpcFramer(size_t max_message = kJsonRpcMaxMessage) : max_message_(max_message) {}

  // Appends bytes read from the peer.
  void feed(std::string_view bytes);
  // The next complete message, or nullopt when more bytes are needed.
  [[nodiscard]] std::optional<JsonRpcMessage> next();

  // Bytes held: a partial message, or complete ones next() has not returned.
  size_t buffered() const { return buf_.size() - start_; }
  bool failed() const { return error_.has_value(); }

 private:
  JsonRpcMessage fail(std::string reason);

  size_t max_message_;
  std::string buf_;
  size_t start_ = 0;  // first byte not consumed (whitespace or a message's '{')
  size_t scan_ = 0;   // next byte to scan
  bool in_message_ = false;
  bool in_string_ = false;
  bool escape_ = false;
  int braces_ = 0;   // open '{' of the current message
  int nesting_ = 0;  // open '{' and '['
  std::optional<JsonRpcProtocolError> error_;
};

// Checks a parsed message as OVS does and classifies it.
JsonRpcMessage decode_request(const nlohmann::json& msg);

// {"result":"<text>","error":null,"id":<id>} -- `text` gets a trailing
// newline if it is non-empty and lacks one (OVS unixctl_command_reply).
std::string encode_result(const nlohmann::json& id, std::string_view text);
// {"result":null,"error":"<text>","id":<id>}, same newline rule.
std::string encode_error(const nlohmann::json& id, std::string_view text);

// Appends `s` as a JSON string the way OVS's json_serialize_string does.
void append_json_string(std::string& out, std::string_view s);
// Appends any JSON value: strings as above, numbers as nlohmann writes them
// (integers exact, reals shortest round-trip), objects with sorted keys.
void append_json(std::string& out, const nlohmann::json& v);

}  // namespace dpuflow::control
