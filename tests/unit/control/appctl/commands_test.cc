// The command table: OVS's error texts and their order, argument passing,
// hidden commands, the exact list-commands layout and the built-ins.
#include "control/appctl/commands.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace dpuflow::control {
namespace {

CommandResult join(std::span<const std::string> args) {
  std::string s;
  for (const auto& a : args) s += (s.empty() ? "" : "|") + a;
  return CommandResult::success(s);
}

std::vector<std::string> v(std::initializer_list<const char*> l) { return {l.begin(), l.end()}; }

class CommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(r_.add("test/echo", "ARG...", 1, 3, join));
  }
  CommandRegistry r_{"ovs-vswitchd", "0.1.0"};
};

TEST_F(CommandsTest, UnknownCommand) {
  const auto res = r_.run("dpif/shwo", v({"x"}));
  EXPECT_FALSE(res.ok);
  EXPECT_EQ(res.text,
            "\"dpif/shwo\" is not a valid command (use \"list-commands\" to see a list of valid "
            "commands)");
}

TEST_F(CommandsTest, ArgumentCounts) {
  auto res = r_.run("test/echo", {});
  EXPECT_FALSE(res.ok);
  EXPECT_EQ(res.text, "\"test/echo\" command requires at least 1 arguments");
  res = r_.run("test/echo", v({"a", "b", "c", "d"}));
  EXPECT_FALSE(res.ok);
  EXPECT_EQ(res.text, "\"test/echo\" command takes at most 3 arguments");
  res = r_.run("version", v({"x"}));
  EXPECT_EQ(res.text, "\"version\" command takes at most 0 arguments");
}

TEST_F(CommandsTest, HandlerGetsTheArgumentsWithoutTheName) {
  auto res = r_.run("test/echo", v({"a", "b c", ""}));
  EXPECT_TRUE(res.ok);
  EXPECT_EQ(res.text, "a|b c|");
  res = r_.run("test/echo", v({"x"}));
  EXPECT_EQ(res.text, "x");
}

TEST_F(CommandsTest, HandlerErrorsAndExceptionsBecomeErrorReplies) {
  ASSERT_FALSE(r_.add("test/fail", "", 0, 0, [](std::span<const std::string>) {
    return CommandResult::failure("no such bridge");
  }));
  ASSERT_FALSE(r_.add("test/throw", "", 0, 0, [](std::span<const std::string>) -> CommandResult {
    throw std::runtime_error("table full");
  }));
  auto res = r_.run("test/fail", {});
  EXPECT_FALSE(res.ok);
  EXPECT_EQ(res.text, "no such bridge");
  res = r_.run("test/throw", {});
  EXPECT_FALSE(res.ok);
  EXPECT_EQ(res.text, "\"test/throw\" command failed: table full");
}

TEST_F(CommandsTest, ListCommandsLayout) {
  ASSERT_FALSE(r_.add("dpif/show", "", 0, 0, join));
  ASSERT_FALSE(r_.add("a-command-name-longer-than-23", "[X]", 0, 1, join));
  ASSERT_FALSE(r_.add_hidden("test/secret", 0, 0, join));
  // Sorted bytewise, "  %-23s %s\n": empty usages leave trailing spaces,
  // longer names push the usage right; hidden commands (and the hidden
  // built-in set-options) are not listed.
  EXPECT_EQ(r_.run("list-commands", {}).text,
            "The available commands are:\n"
            "  a-command-name-longer-than-23 [X]\n"
            "  dpif/show               \n"
            "  list-commands           \n"
            "  test/echo               ARG...\n"
            "  version                 \n");
}

TEST_F(CommandsTest, HiddenCommandsRun) {
  ASSERT_FALSE(r_.add_hidden("test/secret", 0, 1, join));
  const auto res = r_.run("test/secret", v({"s"}));
  EXPECT_TRUE(res.ok);
  EXPECT_EQ(res.text, "s");
  EXPECT_TRUE(r_.contains("test/secret"));
  EXPECT_EQ(r_.list_commands().find("test/secret"), std::string::npos);
}

TEST_F(CommandsTest, Version) {
  const auto res = r_.run("version", {});
  EXPECT_TRUE(res.ok);
  EXPECT_EQ(res.text, "ovs-vswitchd (dpuflow) 0.1.0\n");
  CommandRegistry other("dpuflowd", "1.2.3");
  EXPECT_EQ(other.run("version", {}).text, "dpuflowd (dpuflow) 1.2.3\n");
}

TEST_F(CommandsTest, SetOptionsAcceptsTextFormatOnly) {
  EXPECT_TRUE(r_.run("set-options", v({"--format", "text"})).ok);
  EXPECT_TRUE(r_.run("set-options", {}).ok);
  EXPECT_FALSE(r_.run("set-options", v({"--format", "json"})).ok);
  EXPECT_FALSE(r_.run("set-options", v({"--pretty"})).ok);
}

TEST_F(CommandsTest, RegistrationErrors) {
  auto err = r_.add("test/echo", "", 0, 0, join);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(*err, "unixctl command \"test/echo\" is registered already");
  EXPECT_TRUE(r_.add("version", "", 0, 0, join).has_value());
  EXPECT_TRUE(r_.add_hidden("list-commands", 0, 0, join).has_value());
  err = r_.add("test/bad", "", 2, 1, join);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(*err, "unixctl command \"test/bad\": min_args 2 > max_args 1");
  EXPECT_TRUE(r_.add("", "", 0, 0, join).has_value());
  EXPECT_TRUE(r_.add("test/null", "", 0, 0, nullptr).has_value());
  EXPECT_FALSE(r_.contains("test/bad"));
  EXPECT_FALSE(r_.contains("test/null"));
  // The first registration is unchanged.
  EXPECT_EQ(r_.run("test/echo", v({"a"})).text, "a");
}

TEST_F(CommandsTest, NonStringArgumentErrorComesAfterNameAndCountChecks) {
  EXPECT_EQ(r_.non_string_arg_error("nope", 1),
            "\"nope\" is not a valid command (use \"list-commands\" to see a list of valid "
            "commands)");
  EXPECT_EQ(r_.non_string_arg_error("test/echo", 4),
            "\"test/echo\" command takes at most 3 arguments");
  EXPECT_EQ(r_.non_string_arg_error("test/echo", 2),
            "\"test/echo\" command has non-string argument");
}

}  // namespace
}  // namespace dpuflow::control
