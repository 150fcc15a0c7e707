// Helpers shared by the tests: where the test data is, reading a file,
// running a command.  Header-only; tests pass the source tree's data
// directory as DPUFLOW_TEST_DATA_DEFAULT, meson test sets DPUFLOW_TEST_DATA.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace dpuflow::testing {

#ifdef DPUFLOW_TEST_DATA_DEFAULT
inline std::string data_dir() {
  const char* env = std::getenv("DPUFLOW_TEST_DATA");
  return env != nullptr ? env : DPUFLOW_TEST_DATA_DEFAULT;
}
#endif

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs a shell command; returns what it wrote to stdout.
inline std::string run_command(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

}  // namespace dpuflow::testing
