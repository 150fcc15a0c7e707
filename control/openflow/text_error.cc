#include "control/openflow/text_error.h"

#include <fmt/format.h>

namespace dpuflow::control {

std::string TextError::to_string() const {
  if (token.empty()) return fmt::format("col {}: {}", column + 1, message);
  return fmt::format("col {}: '{}': {}", column + 1, token, message);
}

}  // namespace dpuflow::control
