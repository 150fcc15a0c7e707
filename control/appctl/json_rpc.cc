#include "control/appctl/json_rpc.h"

#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace dpuflow::control {

namespace {

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A non-empty text ends with a newline (OVS unixctl_command_reply__).
void append_text(std::string& out, std::string_view text) {
  if (text.empty() || text.back() == '\n') {
    append_json_string(out, text);
  } else {
    std::string t(text);
    t += '\n';
    append_json_string(out, t);
  }
}

}  // namespace

void JsonRpcFramer::feed(std::string_view bytes) {
  if (error_) return;  // the connection is going away; keep nothing
  buf_.append(bytes);
}

JsonRpcMessage JsonRpcFramer::fail(std::string reason) {
  error_ = JsonRpcProtocolError{std::move(reason)};
  buf_.clear();
  buf_.shrink_to_fit();
  start_ = scan_ = 0;
  return *error_;
}

std::optional<JsonRpcMessage> JsonRpcFramer::next() {
  if (error_) return JsonRpcMessage{*error_};
  while (scan_ < buf_.size()) {
    const char c = buf_[scan_];
    if (!in_message_) {
      if (is_json_space(c)) {
        start_ = ++scan_;
        continue;
      }
      if (c != '{') return fail(fmt::format("message does not start with '{{' (byte 0x{:02x})",
                                            static_cast<unsigned char>(c)));
      in_message_ = true;
      start_ = scan_++;
      braces_ = nesting_ = 1;
      in_string_ = escape_ = false;
      continue;
    }
    ++scan_;
    if (scan_ - start_ > max_message_) {
      return fail(fmt::format("message longer than {} bytes", max_message_));
    }
    if (in_string_) {
      if (escape_) {
        escape_ = false;
      } else if (c == '\\') {
        escape_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
      continue;
    }
    switch (c) {
      case '"': in_string_ = true; break;
      case '{': ++braces_; ++nesting_; break;
      case '[': ++nesting_; break;
      case ']': --nesting_; break;
      case '}': --braces_; --nesting_; break;
      default: break;
    }
    if (nesting_ > kJsonRpcMaxDepth) {
      return fail(fmt::format("input exceeds maximum nesting depth {}", kJsonRpcMaxDepth));
    }
    if (braces_ == 0) {
      const std::string_view text(buf_.data() + start_, scan_ - start_);
      nlohmann::json msg = nlohmann::json::parse(text.begin(), text.end(), nullptr,
                                                 /*allow_exceptions=*/false);
      in_message_ = false;
      start_ = scan_;
      if (start_ > buf_.size() / 2) {
        buf_.erase(0, start_);
        scan_ -= start_;
        start_ = 0;
      }
      if (msg.is_discarded()) return fail("message is not valid JSON");
      JsonRpcMessage m = decode_request(msg);
      if (auto* e = std::get_if<JsonRpcProtocolError>(&m)) return fail(std::move(e->reason));
      return m;
    }
  }
  if (start_ > 0) {
    buf_.erase(0, start_);
    scan_ -= start_;
    start_ = 0;
  }
  return std::nullopt;
}

JsonRpcMessage decode_request(const nlohmann::json& msg) {
  if (!msg.is_object()) return JsonRpcProtocolError{"message is not a JSON object"};
  for (const auto& [key, value] : msg.items()) {
    if (key != "method" && key != "params" && key != "id" && key != "result" && key != "error") {
      std::string reason = "message has unexpected member ";
      append_json_string(reason, key);
      return JsonRpcProtocolError{std::move(reason)};
    }
  }
  if (msg.contains("result") || msg.contains("error")) {
    return JsonRpcProtocolError{"received a reply, expected a request"};
  }
  const auto method = msg.find("method");
  if (method == msg.end()) return JsonRpcProtocolError{"message has no \"method\""};
  if (!method->is_string()) return JsonRpcProtocolError{"\"method\" is not a JSON string"};
  const auto id = msg.find("id");
  if (id == msg.end() || id->is_null()) {
    return JsonRpcProtocolError{"received a notification, expected a request"};
  }
  if (id->is_number_float() && !std::isfinite(id->get<double>())) {
    return JsonRpcProtocolError{"\"id\" is a number outside valid range"};
  }
  const auto params = msg.find("params");
  if (params == msg.end() || !params->is_array()) {
    return JsonRpcProtocolError{"\"params\" must be JSON array"};
  }
  JsonRpcRequest req{*id, method->get<std::string>(), {}};
  req.params.reserve(params->size());
  for (const auto& p : *params) {
    if (!p.is_string()) return JsonRpcNonStringArg{*id, std::move(req.method), params->size()};
    req.params.push_back(p.get<std::string>());
  }
  return req;
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c >= 0x20) {
          out += ch;
        } else {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        }
    }
  }
  out += '"';
}

void append_json(std::string& out, const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::string:
      append_json_string(out, v.get_ref<const std::string&>());
      break;
    case nlohmann::json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v) {
        if (!first) out += ',';
        first = false;
        append_json(out, e);
      }
      out += ']';
      break;
    }
    case nlohmann::json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, value] : v.items()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, key);
        out += ':';
        append_json(out, value);
      }
      out += '}';
      break;
    }
    default:  // null, booleans, numbers: no strings inside, nlohmann's text is exact
      out += v.dump();
      break;
  }
}

std::string encode_result(const nlohmann::json& id, std::string_view text) {
  std::string out = "{\"result\":";
  append_text(out, text);
  out += ",\"error\":null,\"id\":";
  append_json(out, id);
  out += '}';
  return out;
}

std::string encode_error(const nlohmann::json& id, std::string_view text) {
  std::string out = "{\"result\":null,\"error\":";
  append_text(out, text);
  out += ",\"id\":";
  append_json(out, id);
  out += '}';
  return out;
}

}  // namespace dpuflow::control
