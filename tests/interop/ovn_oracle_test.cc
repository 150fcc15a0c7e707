// Differential test against OVS 3.1: every recorded ofproto/trace of the OVN
// scenarios is re-run through our pipeline and compared with what OVS
// printed.
//
// Per trace, per recirculation pass:
// - "Datapath actions:" must equal OVS's (recirculation ids compared up to
//   renaming);
// - our megaflow may not un-wildcard any bit OVS's "Megaflow:" leaves
//   wildcarded (counted per scenario);
// - our megaflow must be correct: 1,000 random flows drawn inside it (random
//   values in every wildcarded packet bit) translate to the same actions;
// - the whole output (Flow lines, table walk, notes, NAT simulation) must be
//   OVS's text, recirculation ids compared up to renaming.
// Differences we know about and cannot fix are listed, with the reason, in
// tests/data/oracle-known-differences.tsv; such a trace must still differ
// (a fixed one has to be removed from the list), every other must pass.
// The program ends with a line "N passed, M failed".
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "control/trace/scenario.h"
#include "control/trace/trace.h"
#include "dataplane/flow/field.h"
#include "dataplane/flow/match.h"
#include "dataplane/packet/parse.h"
#include "dataplane/pipeline/pipeline.h"
#include "dataplane/pipeline/xlate.h"
#include "tests/common/scenario_files.h"
#include "tests/interop/oracle.h"

namespace dpuflow::testing {
namespace {

using namespace dataplane;
using control::Scenario;

struct Totals {
  int passed = 0, failed = 0, known = 0;
  int full_text_same = 0, full_text_total = 0;  // whole ofproto/trace output, byte for byte
  std::map<std::string, int> extra_bits;     // per scenario
  std::map<std::string, int> samples;        // property samples per scenario
  std::map<std::string, std::string> extra_fields;
};
Totals& totals() {
  static Totals t;
  return t;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const Scenario& scenario(const std::string& name) {
  static std::map<std::string, Scenario> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  std::string d = test_data_dir() + "/ovn-scenarios/" + name + "/";
  control::ScenarioFiles f = dpuflow::testing::scenario_files(d);
  std::string underlay = read_file(d + "underlay.txt");
  if (!underlay.empty()) {
    std::string line, last;
    std::stringstream ss(underlay);
    while (std::getline(ss, line))
      if (!line.empty() && line[0] != '#') last = line;
    std::string err;
    f.underlay = control::parse_underlay_spec(last, &err);
    EXPECT_TRUE(f.underlay) << err;
  }
  std::string err;
  auto s = control::load_scenario(f, &err);
  EXPECT_TRUE(s) << name << ": " << err;
  return cache.emplace(name, s ? std::move(*s) : Scenario()).first->second;
}

// Names of fields in which `extra` has bits.
std::string field_names(const FlowMask& extra) {
  std::string names;
  const auto* e = reinterpret_cast<const uint8_t*>(&extra);
  for (const FieldDesc& f : all_fields()) {
    if (f.n_bytes == 0) continue;
    bool any = false;
    for (int i = 0; i < f.n_bytes; ++i) any |= e[f.offset + i] != 0;
    if (any && names.find(std::string(f.name)) == std::string::npos) {
      if (!names.empty()) names += ",";
      names += f.name;
    }
  }
  return names;
}

int popcount(const FlowMask& m) {
  const auto* b = reinterpret_cast<const uint8_t*>(&m);
  int n = 0;
  for (size_t i = 0; i < sizeof m; ++i) n += __builtin_popcount(b[i]);
  return n;
}

// Random flows inside the megaflow of `pass` must translate identically.
int check_megaflow_property(const Scenario& s, const control::TracePass& pass,
                            const FrozenState* frozen, uint32_t first_recirc,
                            const std::string& expect, std::string* failure) {
  std::mt19937_64 rng(0x5eed ^ pass.recirc_id);
  constexpr int kSamples = 1000;
  const auto* m = reinterpret_cast<const uint8_t*>(&pass.megaflow);
  // Only packet fields vary: everything after the register block, plus the
  // datapath's conntrack metadata; not tunnel/regs/metadata (frozen or zero).
  const size_t vary_from = offsetof(FlowKey, skb_priority);
  // Conntrack metadata is the datapath's: zero until a ct() action ran
  // (OVS reads ct_state to know whether a packet is tracked without
  // un-wildcarding it), so it varies only in passes after conntrack.
  const bool after_ct = (host32(pass.flow.ct_state) & kCsTracked) != 0;
  // Likewise dp_hash is zero until a hash() action computed it (OVS tests
  // it against zero without un-wildcarding it), and an ICMP packet's type
  // and code are 8 bits: the upper bytes of the port words are always zero.
  const bool hashed = pass.flow.dp_hash != 0;
  const bool icmp = (is_ip(pass.flow) && pass.flow.nw_proto == kIpProtoIcmp) ||
                    (is_ipv6(pass.flow) && pass.flow.nw_proto == kIpProtoIcmpv6);
  auto translate = [&](const FlowKey& k) {
    RecircTable recirc(first_recirc);
    XlateIn in;
    in.pipeline = s.pipeline.get();
    in.ports = &s.ports;
    in.recirc = &recirc;
    in.flow = k;
    in.frozen = frozen;
    in.allow_side_effects = pass.allow_side_effects;
    return format_dp_actions(xlate(in).actions);
  };
  for (int i = 0; i < kSamples; ++i) {
    FlowKey k = pass.flow;
    auto* kb = reinterpret_cast<uint8_t*>(&k);
    for (size_t b = vary_from; b < sizeof k; ++b) {
      if (b >= offsetof(FlowKey, in_port) && b < offsetof(FlowKey, ct_state)) continue;
      if (!hashed && b >= offsetof(FlowKey, dp_hash) && b < offsetof(FlowKey, in_port)) continue;
      if (icmp && (b == offsetof(FlowKey, tp_src) || b == offsetof(FlowKey, tp_dst))) continue;
      if (!after_ct && b >= offsetof(FlowKey, ct_state) && b < offsetof(FlowKey, packet_type))
        continue;
      if (!after_ct && b >= offsetof(FlowKey, ct_label) && b < offsetof(FlowKey, conj_id))
        continue;
      if (!after_ct && b >= offsetof(FlowKey, ct_nw_src) && b < offsetof(FlowKey, ipv6_src))
        continue;
      if (!after_ct && b >= offsetof(FlowKey, ct_ipv6_src) && b < offsetof(FlowKey, ipv6_label))
        continue;
      if (!after_ct && b >= offsetof(FlowKey, ct_tp_src) && b < offsetof(FlowKey, pad8)) continue;
      if (b >= offsetof(FlowKey, packet_type) && b < offsetof(FlowKey, ct_label)) continue;
      if (b >= offsetof(FlowKey, conj_id) && b < offsetof(FlowKey, dl_dst)) continue;
      if (b >= offsetof(FlowKey, dl_type) && b < offsetof(FlowKey, vlans)) continue;
      if (b >= offsetof(FlowKey, vlans) && b < offsetof(FlowKey, nw_src)) continue;
      kb[b] = static_cast<uint8_t>((kb[b] & m[b]) | (rng() & ~m[b]));
    }
    std::string got = translate(k);
    if (got != expect) {
      // Name the fields whose random value alone changes the result.
      std::string culprits;
      for (const FieldDesc& f : all_fields()) {
        if (f.n_bytes == 0) continue;
        FlowKey one = pass.flow;
        std::memcpy(reinterpret_cast<uint8_t*>(&one) + f.offset, kb + f.offset, f.n_bytes);
        if (std::memcmp(&one, &pass.flow, sizeof one) != 0 && translate(one) != expect &&
            culprits.find(std::string(f.name)) == std::string::npos) {
          culprits += std::string(culprits.empty() ? "" : ",") + std::string(f.name);
        }
      }
      *failure = fmt::format("sample {} inside the megaflow translates differently "
                             "(fields that alone change it: {}):\n  {}\nvs {}",
                             i, culprits.empty() ? "none alone" : culprits, got, expect);
      return i;
    }
  }
  return kSamples;
}

class OracleTraceTest : public ::testing::TestWithParam<OracleTrace> {};

TEST_P(OracleTraceTest, MatchesOvs) {
  const OracleTrace& t = GetParam();
  const Scenario& s = scenario(t.scenario);
  ASSERT_TRUE(s.pipeline) << "scenario did not load";
  auto known = load_known_differences();
  std::string known_reason;
  for (const auto& k : known)
    if (k.id == t.id) known_reason = k.reason;

  std::string failure;
  std::string err;
  std::optional<FlowKey> flow;
  if (t.bridge != "br-int") {
    failure = fmt::format("trace on bridge {}: only br-int is modelled", t.bridge);
  } else {
    flow = control::parse_trace_flow(s, t.flow, &err);
    if (!flow) failure = "flow does not parse: " + err;
  }
  uint32_t packet_len = 0;
  if (flow && !t.packet_hex.empty()) {
    // ofproto/trace with packet bytes: the headers come from the packet,
    // the metadata (in_port) from the flow; side effects are allowed.
    std::vector<uint8_t> bytes;
    for (size_t i = 0; i + 1 < t.packet_hex.size(); i += 2) {
      bytes.push_back(static_cast<uint8_t>(std::stoul(t.packet_hex.substr(i, 2), nullptr, 16)));
    }
    FlowKey pk = *flow;
    auto r = parse_packet(bytes, pk);
    if (!r.ok()) failure = std::string("packet does not parse: ") + r.reason_name();
    flow = pk;
    packet_len = static_cast<uint32_t>(bytes.size());
  }
  control::TraceResult res;
  if (flow && failure.empty()) {
    control::TraceOptions opts;
    for (const std::string& c : t.ct_next) {
      auto st = control::parse_ct_state_flags(c, &err);
      ASSERT_TRUE(st) << err;
      opts.ct_next.push_back(*st);
    }
    opts.packet_len = packet_len;
    res = control::run_trace(*s.pipeline, s.ports, *flow, opts);
    ++totals().full_text_total;
    const std::string ours_text = normalize_recirc_ids({res.text})[0];
    const std::string ovs_text = normalize_recirc_ids({t.text})[0];
    if (ours_text == ovs_text) {
      ++totals().full_text_same;
    } else {
      // The whole ofproto/trace output (table walk, notes, Flow lines) must
      // match too; show the first line that differs.
      std::istringstream a(ours_text), b(ovs_text);
      std::string la, lb;
      int n = 0;
      while (true) {
        const bool ga = static_cast<bool>(std::getline(a, la));
        const bool gb = static_cast<bool>(std::getline(b, lb));
        ++n;
        if (!ga && !gb) break;
        if (!ga || !gb || la != lb) {
          failure += fmt::format("trace text differs at line {}:\n  ours {}\n  ovs  {}\n", n,
                                 ga ? la : "(end)", gb ? lb : "(end)");
          break;
        }
      }
    }
    std::vector<std::string> ours;
    for (const auto& p : res.passes) ours.push_back(p.actions_text);
    auto a = normalize_recirc_ids(ours), b = normalize_recirc_ids(t.actions);
    if (a != b) {
      failure = "datapath actions differ:\n";
      for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
        failure += fmt::format("  pass {}: ours {}\n          ovs  {}\n", i,
                               i < a.size() ? a[i] : "(none)", i < b.size() ? b[i] : "(none)");
      }
    }
  }
  if (failure.empty()) {
    // Megaflows: no bit beyond OVS's, and correct by sampling.
    for (size_t i = 0; i < res.passes.size() && i < t.megaflows.size(); ++i) {
      const auto& pass = res.passes[i];
      auto ovs = control::parse_trace_megaflow(s, t.megaflows[i], &err);
      if (!ovs) {
        failure += fmt::format("pass {}: OVS megaflow does not parse: {}\n  {}\n", i, err,
                               t.megaflows[i]);
        continue;
      }
      FlowMask extra = pass.megaflow;
      auto* eb = reinterpret_cast<uint8_t*>(&extra);
      const auto* ob = reinterpret_cast<const uint8_t*>(&ovs->mask);
      for (size_t b = 0; b < sizeof extra; ++b) eb[b] &= static_cast<uint8_t>(~ob[b]);
      int n = popcount(extra);
      totals().extra_bits[t.scenario] += n;
      if (n) {
        totals().extra_fields[t.scenario] += fmt::format(" {}:{}", t.id, field_names(extra));
        failure += fmt::format("pass {}: megaflow un-wildcards {} bits OVS leaves wildcarded ({})\n"
                               "  ours {}\n  ovs  {}\n",
                               i, n, field_names(extra), pass.megaflow_text, t.megaflows[i]);
      }
      std::string pf;
      int ok = check_megaflow_property(s, pass, pass.has_frozen ? &pass.frozen : nullptr,
                                       pass.first_recirc_id, pass.actions_text, &pf);
      totals().samples[t.scenario] += ok;
      if (!pf.empty()) failure += fmt::format("pass {}: {}\n", i, pf);
    }
  }
  if (!known_reason.empty()) {
    ++totals().known;
    EXPECT_FALSE(failure.empty()) << t.id << " now matches OVS: remove it from "
                                  << "tests/data/oracle-known-differences.tsv";
    if (!failure.empty()) {
      std::printf("[ KNOWN    ] %s: %s\n", t.id.c_str(), known_reason.c_str());
    }
    return;
  }
  if (failure.empty()) {
    ++totals().passed;
  } else {
    ++totals().failed;
    ADD_FAILURE() << t.id << ": " << failure << "\n--- our trace ---\n" << res.text;
  }
}

std::vector<OracleTrace> all_traces() {
  std::vector<OracleTrace> all;
  for (const std::string& s : scenario_names()) {
    auto t = load_oracle_traces(s);
    all.insert(all.end(), t.begin(), t.end());
  }
  return all;
}

INSTANTIATE_TEST_SUITE_P(Ovn, OracleTraceTest, ::testing::ValuesIn(all_traces()),
                         [](const ::testing::TestParamInfo<OracleTrace>& info) {
                           std::string n = info.param.id;
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

class Summary : public ::testing::Environment {
 public:
  void TearDown() override {
    const Totals& t = totals();
    std::printf("\nmegaflow report (bits un-wildcarded beyond OVS; random samples checked):\n");
    for (const auto& [s, n] : t.samples) {
      int extra = t.extra_bits.count(s) ? t.extra_bits.at(s) : 0;
      std::printf("  %-18s extra bits: %d  samples: %d%s\n", s.c_str(), extra, n,
                  t.extra_fields.count(s) ? t.extra_fields.at(s).c_str() : "");
    }
    std::printf("oracle traces: %d known differences (see tests/data/oracle-known-differences.tsv)\n",
                t.known);
    std::printf("whole trace text (table walk included) identical to OVS's: %d of %d "
                "(recirc ids compared up to renaming)\n",
                t.full_text_same, t.full_text_total);
    std::printf("%d passed, %d failed\n", t.passed, t.failed);
  }
};
const auto* const kSummary = ::testing::AddGlobalTestEnvironment(new Summary);

}  // namespace
}  // namespace dpuflow::testing
