// Access to tests/data/ovn-scenarios for the flow module's tests: the
// directory comes from DPUFLOW_TEST_DATA (set by `meson test`), else from the
// source path compiled in.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
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

// Every distinct subfield token in the named scenario files: an NXM or OXM
// name followed by "[...]" (e.g. NXM_NX_XXREG0[111], OXM_OF_PKT_REG4[1]).
inline std::set<std::string> scenario_subfield_tokens(const std::string& file) {
  std::set<std::string> out;
  auto name_char = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; };
  for (const std::string& text : scenario_files(file)) {
    for (size_t pos = 0; pos + 3 < text.size(); ++pos) {
      if (text.compare(pos, 3, "NXM") != 0 && text.compare(pos, 3, "OXM") != 0) continue;
      if (pos > 0 && name_char(text[pos - 1])) continue;
      size_t i = pos;
      while (i < text.size() && name_char(text[i])) ++i;
      if (i >= text.size() || text[i] != '[') continue;
      const size_t close = text.find(']', i);
      if (close == std::string::npos) continue;
      if (text.find_first_not_of("0123456789.", i + 1) != close) continue;
      out.insert(text.substr(pos, close + 1 - pos));
      pos = close;
    }
  }
  return out;
}

// Every distinct "set_field:VALUE->FIELD" action in the named scenario files.
inline std::set<std::string> scenario_set_field_tokens(const std::string& file) {
  std::set<std::string> out;
  for (const std::string& text : scenario_files(file)) {
    for (size_t pos = text.find("set_field:"); pos != std::string::npos;
         pos = text.find("set_field:", pos + 1)) {
      const size_t arrow = text.find("->", pos);
      if (arrow == std::string::npos) break;
      const size_t end = text.find_first_not_of("abcdefghijklmnopqrstuvwxyz_0123456789", arrow + 2);
      out.insert(text.substr(pos, end - pos));
    }
  }
  return out;
}

}  // namespace dpuflow::dataplane::testing
