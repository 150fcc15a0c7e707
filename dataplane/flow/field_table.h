// Internal to dataplane/flow: the constant field table (field_table.cc) that
// field.cc indexes and searches.  Not part of the module's door (field.h).
#pragma once

#include <span>

#include "dataplane/flow/field.h"

namespace dpuflow::dataplane::internal {

// All rows, in FieldId order.
std::span<const FieldDesc> field_table();

}  // namespace dpuflow::dataplane::internal
