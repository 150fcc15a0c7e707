#include "control/appctl/commands.h"

#include <exception>
#include <utility>

#include <fmt/format.h>

namespace dpuflow::control {

CommandRegistry::CommandRegistry(std::string program, std::string version)
    : program_(std::move(program)), version_(std::move(version)) {
  // Registering into an empty table cannot fail.
  (void)add("list-commands", "", 0, 0,
            [this](std::span<const std::string>) { return CommandResult::success(list_commands()); });
  (void)add("version", "", 0, 0,
            [this](std::span<const std::string>) { return CommandResult::success(version_text()); });
  // ovs-appctl >= 3.4 sends `set-options --format FMT` before the command
  // when given --format; plain invocations never send it.
  (void)add_hidden("set-options", 0, 2, [](std::span<const std::string> args) {
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i] != "--format" || i + 1 >= args.size()) {
        return CommandResult::failure(fmt::format("set-options: unsupported option \"{}\"", args[i]));
      }
      if (args[++i] != "text") {
        return CommandResult::failure(
            fmt::format("set-options: output format \"{}\" is not supported, only \"text\"", args[i]));
      }
    }
    return CommandResult::success();
  });
}

std::optional<std::string> CommandRegistry::add(std::string name, std::string usage,
                                                size_t min_args, size_t max_args,
                                                CommandHandler handler) {
  return insert(std::move(name), std::move(usage), min_args, max_args, std::move(handler));
}

std::optional<std::string> CommandRegistry::add_hidden(std::string name, size_t min_args,
                                                       size_t max_args, CommandHandler handler) {
  return insert(std::move(name), std::nullopt, min_args, max_args, std::move(handler));
}

std::optional<std::string> CommandRegistry::insert(std::string name,
                                                   std::optional<std::string> usage,
                                                   size_t min_args, size_t max_args,
                                                   CommandHandler handler) {
  if (name.empty()) return "unixctl command name is empty";
  if (commands_.find(name) != commands_.end()) {
    return fmt::format("unixctl command \"{}\" is registered already", name);
  }
  if (min_args > max_args) {
    return fmt::format("unixctl command \"{}\": min_args {} > max_args {}", name, min_args,
                       max_args);
  }
  if (!handler) return fmt::format("unixctl command \"{}\" has no handler", name);
  commands_.emplace(std::move(name), Command{std::move(usage), min_args, max_args,
                                             std::move(handler)});
  return std::nullopt;
}

std::optional<std::string> CommandRegistry::check(std::string_view method, size_t n_params,
                                                  const Command** found) const {
  const auto it = commands_.find(method);
  if (it == commands_.end()) {
    return fmt::format(
        "\"{}\" is not a valid command (use \"list-commands\" to see a list of valid commands)",
        method);
  }
  const Command& c = it->second;
  if (n_params < c.min_args) {
    return fmt::format("\"{}\" command requires at least {} arguments", method, c.min_args);
  }
  if (n_params > c.max_args) {
    return fmt::format("\"{}\" command takes at most {} arguments", method, c.max_args);
  }
  *found = &c;
  return std::nullopt;
}

CommandResult CommandRegistry::run(std::string_view method,
                                   std::span<const std::string> params) const {
  const Command* c = nullptr;
  if (auto err = check(method, params.size(), &c)) return CommandResult::failure(std::move(*err));
  try {
    return c->handler(params);
  } catch (const std::exception& e) {
    return CommandResult::failure(fmt::format("\"{}\" command failed: {}", method, e.what()));
  }
}

std::string CommandRegistry::non_string_arg_error(std::string_view method,
                                                  size_t n_params) const {
  const Command* c = nullptr;
  if (auto err = check(method, n_params, &c)) return std::move(*err);
  return fmt::format("\"{}\" command has non-string argument", method);
}

std::string CommandRegistry::list_commands() const {
  std::string out = "The available commands are:\n";
  for (const auto& [name, c] : commands_) {
    if (!c.usage) continue;
    // printf's "  %-23s %s\n": the width counts bytes, not code points.
    out += "  ";
    out += name;
    if (name.size() < 23) out.append(23 - name.size(), ' ');
    out += ' ';
    out += *c.usage;
    out += '\n';
  }
  return out;
}

// Not OVS's "<program> (Open vSwitch) 3.1.0": dpuflow contains no OVS code,
// and claiming an OVS version would mislead whoever debugs with it.  The
// shape "<program> (<implementation>) <version>" keeps what scripts parse
// (the first word is the program name, the last word a version).
std::string CommandRegistry::version_text() const {
  return fmt::format("{} (dpuflow) {}\n", program_, version_);
}

}  // namespace dpuflow::control
