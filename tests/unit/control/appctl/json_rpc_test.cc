// JSON-RPC framing and reply encoding: message ends are found however the
// stream is split, only OVS-shaped requests are accepted, and replies are
// the exact bytes OVS's unixctl server sends.
#include "control/appctl/json_rpc.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dpuflow::control {
namespace {

using nlohmann::json;

// Everything the framer yields for `chunks`, fed in order.
std::vector<JsonRpcMessage> frame(const std::vector<std::string>& chunks,
                                  size_t max = kJsonRpcMaxMessage) {
  JsonRpcFramer f(max);
  std::vector<JsonRpcMessage> out;
  for (const auto& c : chunks) {
    f.feed(c);
    while (auto m = f.next()) {
      out.push_back(*m);
      if (std::holds_alternative<JsonRpcProtocolError>(*m)) return out;
    }
  }
  return out;
}

std::string describe(const JsonRpcMessage& m) {
  if (const auto* r = std::get_if<JsonRpcRequest>(&m)) {
    std::string s = "request id=" + r->id.dump() + " method=" + r->method;
    for (const auto& p : r->params) s += " [" + p + "]";
    return s;
  }
  if (const auto* n = std::get_if<JsonRpcNonStringArg>(&m)) {
    return "non-string id=" + n->id.dump() + " method=" + n->method + " n=" +
           std::to_string(n->n_params);
  }
  return "protocol error: " + std::get<JsonRpcProtocolError>(m).reason;
}

std::vector<std::string> describe_all(const std::vector<JsonRpcMessage>& ms) {
  std::vector<std::string> out;
  for (const auto& m : ms) out.push_back(describe(m));
  return out;
}

TEST(JsonRpcFramer, RequestAsOvsAppctlSendsIt) {
  const auto ms = frame({R"j({"id":0,"method":"dpctl/dump-flows","params":["-m","in_port(1)"]})j"});
  ASSERT_EQ(ms.size(), 1u);
  const auto& r = std::get<JsonRpcRequest>(ms[0]);
  EXPECT_TRUE(r.id.is_number_integer());
  EXPECT_EQ(r.id, json(0));
  EXPECT_EQ(r.method, "dpctl/dump-flows");
  EXPECT_EQ(r.params, (std::vector<std::string>{"-m", "in_port(1)"}));
}

TEST(JsonRpcFramer, PartialMessageWaitsForTheRest) {
  JsonRpcFramer f;
  f.feed(R"({"id":0,"method":"version","par)");
  EXPECT_FALSE(f.next().has_value());
  EXPECT_GT(f.buffered(), 0u);
  f.feed(R"(ams":[]})");
  auto m = f.next();
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(describe(*m), "request id=0 method=version");
  EXPECT_FALSE(f.next().has_value());
  EXPECT_EQ(f.buffered(), 0u);
}

// Braces and quotes inside strings, escaped quotes and a string ending in an
// escaped backslash, pretty-printing and whitespace between messages: every
// split of the stream into two pieces, and byte-by-byte, gives the same
// messages as the whole.
TEST(JsonRpcFramer, AnySplitGivesTheSameMessages) {
  const std::string stream =
      "  \n{\"id\":1,\"method\":\"a\",\"params\":[\"}{\",\"\\\"}\",\"x\\\\\"]}\r\n\t"
      "{\n  \"id\": \"two\",\n  \"method\": \"b/c\",\n  \"params\": [\n    \"{[\"\n  ]\n}"
      "{\"params\":[],\"method\":\"d\",\"id\":{\"k\":[1]}}\n";
  const std::vector<std::string> want = {
      "request id=1 method=a [}{] [\"}] [x\\]",
      "request id=\"two\" method=b/c [{[]",
      "request id={\"k\":[1]} method=d",
  };
  ASSERT_EQ(describe_all(frame({stream})), want);
  for (size_t i = 0; i <= stream.size(); ++i) {
    EXPECT_EQ(describe_all(frame({stream.substr(0, i), stream.substr(i)})), want) << "split " << i;
  }
  std::vector<std::string> bytes;
  for (char c : stream) bytes.emplace_back(1, c);
  EXPECT_EQ(describe_all(frame(bytes)), want);
}

TEST(JsonRpcFramer, NonStringArgumentIsARequestNotAProtocolError) {
  const auto ms = frame({R"({"id":3,"method":"vlog/set","params":["a",1,null]})"
                         R"({"id":4,"method":"x","params":[]})"});
  ASSERT_EQ(ms.size(), 2u);
  EXPECT_EQ(describe(ms[0]), "non-string id=3 method=vlog/set n=3");
  EXPECT_EQ(describe(ms[1]), "request id=4 method=x");
}

TEST(JsonRpcFramer, ProtocolErrors) {
  struct Case {
    const char* input;
    const char* reason;  // a substring of the reason
  };
  const Case cases[] = {
      {"[1,2]", "does not start with '{'"},
      {"GET / HTTP/1.0\r\n\r\n", "does not start with '{'"},
      {R"({"id":0,"method":})", "not valid JSON"},
      {"{\"id\":0,\"method\":\"x\",\"params\":[\"\xff\"]}", "not valid JSON"},
      {R"({"id":1e400,"method":"x","params":[]})", "not valid JSON"},
      {R"({"jsonrpc":"2.0","id":0,"method":"x","params":[]})",
       "unexpected member \"jsonrpc\""},
      {R"({"id":null,"method":"x","params":[]})", "notification"},
      {R"({"method":"x","params":[]})", "notification"},
      {R"({"id":0,"method":5,"params":[]})", "\"method\" is not a JSON string"},
      {R"({"id":0,"params":[]})", "no \"method\""},
      {R"({"id":0,"method":"x"})", "\"params\" must be JSON array"},
      {R"({"id":0,"method":"x","params":{"a":"b"}})", "\"params\" must be JSON array"},
      {R"({"result":"x","error":null,"id":0})", "reply"},
      {R"({"id":0,"method":"x","params":[],"error":null})", "reply"},
  };
  for (const auto& c : cases) {
    const auto ms = frame({c.input});
    ASSERT_EQ(ms.size(), 1u) << c.input;
    const auto* e = std::get_if<JsonRpcProtocolError>(&ms[0]);
    ASSERT_NE(e, nullptr) << c.input << " gave " << describe(ms[0]);
    EXPECT_NE(e->reason.find(c.reason), std::string::npos) << c.input << ": " << e->reason;
  }
}

TEST(JsonRpcFramer, ProtocolErrorIsSticky) {
  JsonRpcFramer f;
  f.feed("xyz");
  auto m = f.next();
  ASSERT_TRUE(m && std::holds_alternative<JsonRpcProtocolError>(*m));
  EXPECT_TRUE(f.failed());
  f.feed(R"({"id":0,"method":"version","params":[]})");
  m = f.next();
  ASSERT_TRUE(m.has_value());
  EXPECT_TRUE(std::holds_alternative<JsonRpcProtocolError>(*m));
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(JsonRpcFramer, MessageSizeIsCapped) {
  // A message exactly at the cap passes; one byte over is refused.
  const std::string msg = R"({"id":0,"method":"x","params":["aaaaaaaaaaa"]})";
  EXPECT_EQ(describe_all(frame({msg}, msg.size())),
            std::vector<std::string>{"request id=0 method=x [aaaaaaaaaaa]"});
  const auto ms = frame({msg}, msg.size() - 1);
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<JsonRpcProtocolError>(ms[0]));

  // The default cap refuses an endless message before it ends, and keeps
  // no more than it was fed.
  JsonRpcFramer f;
  f.feed(R"({"id":0,"method":"x","params":[")");
  const std::string chunk(64 * 1024, 'a');
  std::optional<JsonRpcMessage> m;
  size_t fed = 0;
  while (!m && fed < 2 * kJsonRpcMaxMessage) {
    f.feed(chunk);
    fed += chunk.size();
    m = f.next();
    EXPECT_LE(f.buffered(), kJsonRpcMaxMessage + chunk.size());
  }
  ASSERT_TRUE(m.has_value());
  EXPECT_TRUE(std::holds_alternative<JsonRpcProtocolError>(*m));
  EXPECT_LE(fed, kJsonRpcMaxMessage + chunk.size());
}

TEST(JsonRpcFramer, NestingIsCapped) {
  auto nested = [](int arrays) {
    return R"({"id":0,"method":"x","params":)" + std::string(arrays, '[') +
           std::string(arrays, ']') + "}";
  };
  // The object plus 999 arrays is OVS's limit of 1000.
  auto ms = frame({nested(kJsonRpcMaxDepth - 1)});
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(describe(ms[0]), "non-string id=0 method=x n=1");
  ms = frame({nested(kJsonRpcMaxDepth)});
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<JsonRpcProtocolError>(ms[0]));
}

TEST(JsonRpcEncode, ExactReplyBytes) {
  EXPECT_EQ(encode_result(json(0), "hello"), R"({"result":"hello\n","error":null,"id":0})");
  EXPECT_EQ(encode_result(json(0), "hello\n"), R"({"result":"hello\n","error":null,"id":0})");
  EXPECT_EQ(encode_result(json(0), ""), R"({"result":"","error":null,"id":0})");
  EXPECT_EQ(encode_error(json(0), "\"x\" is not a valid command"),
            R"({"result":null,"error":"\"x\" is not a valid command\n","id":0})");
  EXPECT_EQ(encode_error(json(0), ""), R"({"result":null,"error":"","id":0})");
}

TEST(JsonRpcEncode, IdIsEchoedWithItsType) {
  EXPECT_EQ(encode_result(json(0), ""), R"({"result":"","error":null,"id":0})");
  EXPECT_EQ(encode_result(json(-3), ""), R"({"result":"","error":null,"id":-3})");
  EXPECT_EQ(encode_result(json(7.5), ""), R"({"result":"","error":null,"id":7.5})");
  EXPECT_EQ(encode_result(json("abc"), ""), R"({"result":"","error":null,"id":"abc"})");
  EXPECT_EQ(encode_result(json(18446744073709551615ull), ""),
            R"({"result":"","error":null,"id":18446744073709551615})");
  EXPECT_EQ(encode_result(json::parse(R"({"b":1,"a":[true,null,"\u0001"]})"), ""),
            R"({"result":"","error":null,"id":{"a":[true,null,"\u0001"],"b":1}})");
  // As parsed from the wire, not as constructed here.
  const auto ms = frame({R"({"id":"0","method":"x","params":[]})"});
  EXPECT_EQ(encode_result(std::get<JsonRpcRequest>(ms[0]).id, ""),
            R"({"result":"","error":null,"id":"0"})");
}

TEST(JsonRpcEncode, StringsAreEscapedTheOvsWay) {
  std::string s;
  append_json_string(s, std::string("q\"b\\ \b\f\n\r\t\x01\x1f\x7f \xc3\xbc\0z", 18));
  // Only '"', '\\' and bytes below 0x20 are escaped (\u00xx in lowercase);
  // DEL and UTF-8 pass raw.
  EXPECT_EQ(s, std::string("\"q\\\"b\\\\ \\b\\f\\n\\r\\t\\u0001\\u001f\x7f \xc3\xbc\\u0000z\""));
}

TEST(JsonRpcEncode, RepliesParseBackToWhatWasSent) {
  const std::string text = "ünï \"q\" \\ \x02 tab\there";
  const json reply = json::parse(encode_error(json("id-1"), text));
  EXPECT_EQ(reply.size(), 3u);
  EXPECT_TRUE(reply["result"].is_null());
  EXPECT_EQ(reply["error"], text + "\n");
  EXPECT_EQ(reply["id"], "id-1");
}

}  // namespace
}  // namespace dpuflow::control
