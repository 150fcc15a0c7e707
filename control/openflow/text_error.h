// Errors of the ovs-ofctl text codec: what was wrong, with the offending
// token and its column (0-based byte offset into the text that was parsed),
// so a user can find it in a flow line of several hundred characters.
//
// Thread safety: a value type.
#pragma once

#include <cstddef>
#include <string>

namespace dpuflow::control {

struct TextError {
  size_t column = 0;    // byte offset of `token` in the parsed text
  std::string token;    // the offending token as written (may be empty at end of text)
  std::string message;  // e.g. "unknown field", "10.0.0.300: invalid IPv4 address"

  // "col 17: 'nw_srcx=1': unknown field"
  std::string to_string() const;
};

}  // namespace dpuflow::control
