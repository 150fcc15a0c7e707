// The string rules of the configuration file (private to config/): each is
// a predicate and the text that says what it allows, which is what an error
// message shows.  Pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace dpuflow::config {

inline constexpr int64_t kMaxCore = 1023;

struct StringRule {
  std::string_view allowed;
  bool (*ok)(std::string_view);
};

extern const StringRule kRunDir;
extern const StringRule kGroup;
extern const StringRule kBridge;
extern const StringRule kPortName;
extern const StringRule kDevargs;
extern const StringRule kCoreList;
extern const StringRule kEalArg;
extern const StringRule kListen;

}  // namespace dpuflow::config
