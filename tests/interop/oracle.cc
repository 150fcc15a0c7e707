#include "tests/interop/oracle.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace dpuflow::testing {

namespace fs = std::filesystem;

std::string test_data_dir() {
  if (const char* d = std::getenv("DPUFLOW_TEST_DATA")) return d;
  return DPUFLOW_SOURCE_TEST_DATA;
}

std::vector<std::string> scenario_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(fs::path(test_data_dir()) / "ovn-scenarios")) {
    if (fs::exists(e.path() / "traces")) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

// Splits the recorded command line into words, honouring single quotes.
std::vector<std::string> shell_words(const std::string& s) {
  std::vector<std::string> w;
  std::string cur;
  bool q = false, have = false;
  for (char c : s) {
    if (c == '\'') {
      q = !q;
      have = true;
    } else if (!q && (c == ' ' || c == '\t')) {
      if (have) w.push_back(cur);
      cur.clear();
      have = false;
    } else {
      cur += c;
      have = true;
    }
  }
  if (have) w.push_back(cur);
  return w;
}

}  // namespace

std::vector<OracleTrace> load_oracle_traces(const std::string& scenario) {
  std::vector<OracleTrace> out;
  fs::path dir = fs::path(test_data_dir()) / "ovn-scenarios" / scenario / "traces";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string n = e.path().filename().string();
    if (n.size() > 4 && n.substr(n.size() - 4) == ".txt" && std::isdigit(static_cast<unsigned char>(n[0])))
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    std::ifstream in(f);
    std::string line;
    OracleTrace t;
    t.scenario = scenario;
    t.id = scenario + "/" + f.stem().string();
    std::getline(in, line);
    auto words = shell_words(line);
    // "#" "ovs-appctl" "ofproto/trace" [--ct-next X]... BRIDGE FLOW [PACKET]
    size_t i = 3;
    while (i + 1 < words.size() && words[i] == "--ct-next") {
      t.ct_next.push_back(words[i + 1]);
      i += 2;
    }
    if (i < words.size()) t.bridge = words[i++];
    if (i < words.size()) t.flow = words[i++];
    if (i < words.size()) t.packet_hex = words[i++];
    std::getline(in, line);  // the blank line after the command
    while (std::getline(in, line)) {
      t.text += line + "\n";
      if (line.rfind("Megaflow: ", 0) == 0) t.megaflows.push_back(line.substr(10));
      if (line.rfind("Datapath actions: ", 0) == 0) t.actions.push_back(line.substr(18));
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<std::string> normalize_recirc_ids(const std::vector<std::string>& passes) {
  // recirc(0x5) in actions; recirc_id=5 in userspace cookies; recirc_id=0x5
  // in Flow:/Megaflow: lines.
  static const std::regex re(R"(recirc\((0x[0-9a-f]+)\)|recirc_id=(0x[0-9a-f]+|[0-9]+))");
  std::map<unsigned long, int> ids;
  std::vector<std::string> out;
  for (const std::string& p : passes) {
    std::string r;
    auto begin = std::sregex_iterator(p.begin(), p.end(), re);
    size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
      const std::smatch& m = *it;
      unsigned long v = std::stoul(m[1].matched ? m[1].str() : m[2].str(), nullptr, 0);
      auto [pos, inserted] = ids.emplace(v, static_cast<int>(ids.size()) + 1);
      r += p.substr(last, static_cast<size_t>(m.position()) - last);
      r += m[1].matched ? "recirc(R" + std::to_string(pos->second) + ")"
                        : "recirc_id=R" + std::to_string(pos->second);
      last = static_cast<size_t>(m.position() + m.length());
    }
    r += p.substr(last);
    out.push_back(r);
  }
  return out;
}

std::vector<KnownDifference> load_known_differences() {
  std::vector<KnownDifference> out;
  std::ifstream in(fs::path(test_data_dir()) / "oracle-known-differences.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    out.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  return out;
}

}  // namespace dpuflow::testing
