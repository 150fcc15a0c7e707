// Reading OVS's recorded ofproto/trace outputs (tests/data/ovn-scenarios/
// <scenario>/traces/NN-name.txt) for differential tests.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace dpuflow::testing {

struct OracleTrace {
  std::string scenario;      // e.g. "b-ls-acl"
  std::string id;            // e.g. "b-ls-acl/05-tcp-syn-vm1-to-vm2-22-conj-log"
  std::string bridge;
  std::string flow;
  std::string packet_hex;    // optional
  std::vector<std::string> ct_next;
  std::vector<std::string> megaflows;   // one per pass, as OVS printed them
  std::vector<std::string> actions;     // one per pass
  std::string text;                     // OVS's whole output (after the command line)
};

// The data directory (DPUFLOW_TEST_DATA, else the source tree's).
std::string test_data_dir();
std::vector<std::string> scenario_names();  // scenarios with traces/
std::vector<OracleTrace> load_oracle_traces(const std::string& scenario);

// Replaces every recirculation id (recirc(0xN), recirc_id=N or =0xN) by R<k>, k
// numbering ids in order of first appearance across `passes`, so that two
// runs that allocate ids differently compare equal.
std::vector<std::string> normalize_recirc_ids(const std::vector<std::string>& passes);

// Known differences from OVS: "scenario/NN-name<TAB>reason" lines in
// tests/data/oracle-known-differences.tsv.
struct KnownDifference {
  std::string id;
  std::string reason;
};
std::vector<KnownDifference> load_known_differences();

}  // namespace dpuflow::testing

namespace dpuflow::testing {
// gtest prints a failing parameter with this (the trace id, not its bytes).
inline void PrintTo(const OracleTrace& t, std::ostream* os) { *os << t.id; }
}  // namespace dpuflow::testing
