// Access to tests/data/ovn-scenarios for the flow module's tests: the
// directory comes from DPUFLOW_TEST_DATA (set by `meson test`), else from the
// source path compiled in.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace dpuflow::dataplane::testing {

inline std::filesystem::path scenarios_dir() {
  const char* env = std::getenv("DPUFLOW_TEST_DATA");
  std::filesystem::path base = env && *env ? env : DPUFLOW_TEST_DATA_DEFAULT;
  return base / "ovn-scenarios";
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Contents of every scenario file with this name (flows.txt, traces/index.tsv).
inline std::vector<std::string> scenario_files(const std::string& name) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(scenarios_dir())) {
    const auto p = e.path() / name;
    if (std::filesystem::exists(p)) out.push_back(read_text(p));
  }
  return out;
}

// Every distinct match of `re` in the named scenario files.
inline std::set<std::string> scenario_tokens(const std::string& file, const std::string& re) {
  std::set<std::string> out;
  const std::regex r(re);
  for (const std::string& text : scenario_files(file)) {
    for (auto it = std::sregex_iterator(text.begin(), text.end(), r); it != std::sregex_iterator();
         ++it) {
      out.insert(it->str());
    }
  }
  return out;
}

}  // namespace dpuflow::dataplane::testing
