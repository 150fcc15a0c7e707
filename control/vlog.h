// dpuflowd's log, with OVS's vlog model so operators use the same
// commands: modules, three destinations (console = stderr, syslog, file),
// a level per module and destination, `vlog/list` and `vlog/set` specs
// ("module:destination:level", any part may be "ANY" or left out), and
// lines in OVS's console format: "TIME|SEQ|module|LEVEL|message".
//
// Design note
// - Only the console destination writes anywhere today (systemd captures
//   stderr); syslog and file keep their levels so that specs apply as in
//   OVS, and say so in vlog/list.  Defaults as OVS: console INFO, syslog
//   ERR, file INFO.
// - Cheap when a message is filtered: enabled() is an array lookup.
//
// Thread safety: control thread only.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dpuflow::control {

enum class VlogLevel : uint8_t { kOff, kEmer, kErr, kWarn, kInfo, kDbg };
enum class VlogDest : uint8_t { kConsole, kSyslog, kFile, kCount };

class Vlog {
 public:
  explicit Vlog(std::vector<std::string> modules);

  bool enabled(size_t module, VlogLevel level) const;
  // Writes the line if `module` logs `level` at some destination.
  void log(size_t module, VlogLevel level, std::string_view text);
  size_t module_index(std::string_view name) const;  // modules().size() if unknown

  // vlog/list's table.
  std::string list() const;
  // Applies one vlog/set spec; the error names what was not understood.
  std::optional<std::string> set(std::string_view spec);

  const std::vector<std::string>& modules() const { return modules_; }

 private:
  std::vector<std::string> modules_;
  std::vector<std::array<VlogLevel, static_cast<size_t>(VlogDest::kCount)>> levels_;
  uint64_t seq_ = 0;
};

}  // namespace dpuflow::control
