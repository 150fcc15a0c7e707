// The table of unixctl commands (what `ovs-appctl CMD ARGS...` runs): each
// command has a name, a usage string, argument-count bounds checked before
// its handler runs, and a handler returning a CommandResult.
//
// Design note
// - Commands are registered explicitly by their owner (OVS
//   unixctl_command_register); no static-init self-registration and no
//   global table: a daemon (or a test) builds its own CommandRegistry.
// - Texts are OVS's, so scripts that match ovs-vswitchd's output keep
//   working: the unknown-command and argument-count errors, and the
//   `list-commands` layout.  A command is either listed (with a usage
//   string, possibly empty) or hidden (OVS: NULL usage); hidden ones run
//   but are not listed.
// - Built-ins registered by the constructor: `list-commands`, `version`
//   (both listed, as in OVS) and `set-options` (hidden: it is what
//   ovs-appctl >= 3.4 sends for `--format`; we speak text only).
// - A handler gets the arguments without the command name.  A handler that
//   throws gets an error reply instead of unwinding the caller's poll loop.
//
// Thread safety: add() is setup, before the registry is shared; run() and
// the other const members may then be called from any one thread at a time
// (handlers are called on the caller's thread and guard their own state).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dpuflow::control {

struct CommandResult {
  bool ok = true;
  std::string text;  // the reply body (result if ok, else error)

  static CommandResult success(std::string text = {}) { return {true, std::move(text)}; }
  static CommandResult failure(std::string text) { return {false, std::move(text)}; }
};

using CommandHandler = std::function<CommandResult(std::span<const std::string> args)>;

class CommandRegistry {
 public:
  // `program` is what `version` names (e.g. "ovs-vswitchd" when dpuflow
  // stands in for it), `version` dpuflow's version.
  CommandRegistry(std::string program, std::string version);
  // The built-ins refer to the registry itself: it stays where it was built.
  CommandRegistry(const CommandRegistry&) = delete;
  CommandRegistry& operator=(const CommandRegistry&) = delete;

  // -- Setup --
  // Registers a listed command.  Errors (as text): empty name, a name taken
  // already, min_args > max_args, no handler.
  [[nodiscard]] std::optional<std::string> add(std::string name, std::string usage,
                                               size_t min_args, size_t max_args,
                                               CommandHandler handler);
  // Registers a command that runs but list-commands does not show.
  [[nodiscard]] std::optional<std::string> add_hidden(std::string name, size_t min_args,
                                                      size_t max_args, CommandHandler handler);

  // -- Use --
  // Runs `method` with `params` after OVS's checks: unknown command, then
  // too few, then too many arguments.
  CommandResult run(std::string_view method, std::span<const std::string> params) const;
  // The error text for a request with a non-string parameter: the name and
  // count checks come first, as in OVS.
  std::string non_string_arg_error(std::string_view method, size_t n_params) const;

  // The `list-commands` text.
  std::string list_commands() const;
  // The `version` text.
  std::string version_text() const;
  bool contains(std::string_view name) const { return commands_.find(name) != commands_.end(); }

 private:
  struct Command {
    std::optional<std::string> usage;  // nullopt: hidden
    size_t min_args = 0;
    size_t max_args = 0;
    CommandHandler handler;
  };

  std::optional<std::string> insert(std::string name, std::optional<std::string> usage,
                                    size_t min_args, size_t max_args, CommandHandler handler);
  // The name/count error for a request, if any.
  std::optional<std::string> check(std::string_view method, size_t n_params,
                                   const Command** found) const;

  std::string program_;
  std::string version_;
  std::map<std::string, Command, std::less<>> commands_;  // sorted by name: list order
};

}  // namespace dpuflow::control
