// The files of one OVN scenario under tests/data/ovn-scenarios/NAME, as
// control::load_scenario() wants them (optional files only when present).
// Header-only.
#pragma once

#include <filesystem>
#include <string>

#include "control/trace/scenario.h"

namespace dpuflow::testing {

inline control::ScenarioFiles scenario_files(const std::string& dir) {
  control::ScenarioFiles f;
  auto opt = [&](const char* file) {
    const std::string p = dir + "/" + file;
    return std::filesystem::exists(p) ? p : std::string();
  };
  f.flows = dir + "/flows.txt";
  f.groups = opt("groups.txt");
  f.meters = opt("meters.txt");
  f.tlv_map = opt("tlv-map.txt");
  f.dp_ports = opt("dp-ports.txt");
  f.ofports = opt("ofport-iface-map.csv");
  return f;
}

}  // namespace dpuflow::testing
