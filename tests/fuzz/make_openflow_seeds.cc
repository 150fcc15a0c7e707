// Writes the seed corpus of tests/fuzz/openflow_fuzz.cc: real OpenFlow
// conversations, each a file of [version selector byte] + messages (the
// fuzz target's input format: selector odd = OpenFlow 1.3, even = 1.5).
//
//   make_openflow_seeds <ovn-scenarios dir> <output dir>
//
// - flows-<scenario>-<v>: the scenario's TLV map as a TLV_TABLE_MOD, a few
//   of its flows (from flows.txt, spread over the file) as FLOW_MODs, a
//   BARRIER and flow/aggregate statistics requests;
// - bundle-<scenario>-<v>: the same flows inside a bundle (OPEN, ADD...,
//   COMMIT; the ONF extension in 1.3), then a BARRIER, then DELETE all;
// - groups-meters-<scenario>-<v>: its groups and meters as mods, with the
//   GROUP_DESC / METER_CONFIG requests;
// - session-<v>: the connection-level vocabulary (echo, features, config,
//   packet-in format, every multipart request, TLV request, packet-out,
//   ct flush zone, barrier).
// Each file stays under 4 KiB so that libFuzzer's default max_len keeps it
// whole.  Files named malformed-* next to these are the messages of
// tests/unit/control/openflow/malformed_corpus_test.cc (one per file, same
// format); this program does not write them.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "control/openflow/ofctl_text.h"
#include "control/openflow/ofp_flow.h"
#include "control/openflow/ofp_group.h"
#include "control/openflow/ofp_meter.h"
#include "control/openflow/ofp_msg.h"
#include "control/openflow/ofp_packet.h"
#include "control/openflow/ofp_switch_msgs.h"
#include "control/openflow/ofp_tlv.h"
#include "dataplane/pipeline/pipeline.h"

namespace {

using namespace dpuflow::control;
using namespace dpuflow::dataplane;
namespace fs = std::filesystem;
using Msg = std::vector<uint8_t>;

constexpr size_t kMaxSeed = 4096;
constexpr size_t kFlowsPerSeed = 12;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Seed {
  uint8_t version;
  std::vector<uint8_t> bytes;
  uint32_t xid = 1;

  explicit Seed(uint8_t v) : version(v), bytes{static_cast<uint8_t>(v == kOfp13 ? 1 : 0)} {}
  // Appends `m` unless the seed would outgrow kMaxSeed.
  bool add(const Msg& m) {
    if (bytes.size() + m.size() > kMaxSeed) return false;
    bytes.insert(bytes.end(), m.begin(), m.end());
    return true;
  }
  uint32_t next_xid() { return ++xid; }
  void write(const fs::path& p) const {
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
};

Msg header(uint8_t v, uint8_t type, uint32_t xid, const std::vector<uint8_t>& body = {}) {
  Msg m;
  put_header(m, OfpHeader{v, type, static_cast<uint16_t>(8 + body.size()), xid});
  m.insert(m.end(), body.begin(), body.end());
  return m;
}

Msg multipart(uint8_t v, uint16_t type, uint32_t xid, const std::vector<uint8_t>& body = {}) {
  std::vector<uint8_t> b = {static_cast<uint8_t>(type >> 8), static_cast<uint8_t>(type), 0, 0,
                            0, 0, 0, 0};
  b.insert(b.end(), body.begin(), body.end());
  return header(v, kOfptMultipartRequest, xid, b);
}

Msg nxt(uint8_t v, uint32_t subtype, uint32_t xid, const std::vector<uint8_t>& body = {}) {
  std::vector<uint8_t> b = {0, 0, 0x23, 0x20, static_cast<uint8_t>(subtype >> 24),
                            static_cast<uint8_t>(subtype >> 16), static_cast<uint8_t>(subtype >> 8),
                            static_cast<uint8_t>(subtype)};
  b.insert(b.end(), body.begin(), body.end());
  return header(v, kOfptExperimenter, xid, b);
}

// A delete of every flow (table 255, empty match), as OVN's first bundle.
Msg delete_all(uint8_t v, uint32_t xid, const TlvMap& tlv) {
  FlowMod fm;
  fm.command = FlowModCommand::kDelete;
  fm.spec.table = kTableAll;
  return encode_flow_mod(fm, v, xid, tlv);
}

struct Scenario {
  std::string name;
  Pipeline pipeline;  // holds the TLV map
  TlvMod tlv_mod;
  std::vector<RuleSpec> flows;
  std::vector<GroupSpec> groups;
  std::vector<MeterSpec> meters;
};

bool load(const fs::path& dir, Scenario& s) {
  s.name = dir.filename().string();
  DumpError err;
  if (fs::exists(dir / "tlv-map.txt")) {
    auto tlv = parse_tlv_dump(slurp(dir / "tlv-map.txt"), &err);
    if (!tlv) return false;
    for (const TlvEntry& e : *tlv) {
      s.tlv_mod.mappings.push_back(TlvModEntry{e.index, e.opt_class, e.opt_type, e.length});
    }
    if (!s.tlv_mod.mappings.empty() && s.pipeline.apply(s.tlv_mod)) return false;
  }
  auto flows = parse_flow_dump(slurp(dir / "flows.txt"), s.pipeline.tlv_map(), &err);
  if (!flows) {
    std::fprintf(stderr, "%s: flows.txt: %s\n", s.name.c_str(), err.to_string().c_str());
    return false;
  }
  // Spread over the file: the first flows of a dump are all table 0.
  for (size_t i = 0; i < kFlowsPerSeed && !flows->empty(); ++i) {
    s.flows.push_back((*flows)[i * flows->size() / kFlowsPerSeed]);
  }
  if (fs::exists(dir / "groups.txt")) {
    if (auto g = parse_group_dump(slurp(dir / "groups.txt"), s.pipeline.tlv_map(), &err)) {
      s.groups = *g;
    }
  }
  if (fs::exists(dir / "meters.txt")) {
    if (auto m = parse_meter_dump(slurp(dir / "meters.txt"), &err)) s.meters = *m;
  }
  return true;
}

FlowMod add_of(const RuleSpec& r) {
  FlowMod fm;
  fm.command = FlowModCommand::kAdd;
  fm.spec = r;
  return fm;
}

void scenario_seeds(const Scenario& sc, uint8_t v, const fs::path& out, int& n) {
  const TlvMap& tlv = sc.pipeline.tlv_map();
  const std::string suffix = v == kOfp13 ? "-13" : "-15";
  {
    Seed s(v);
    if (!sc.tlv_mod.mappings.empty()) s.add(encode_tlv_table_mod(sc.tlv_mod, v, s.next_xid()));
    for (const auto& m : sc.meters) s.add(encode_meter_mod(MeterMod{MeterModCommand::kAdd, m}, v, s.next_xid()));
    for (const auto& g : sc.groups) {
      s.add(encode_group_mod(GroupMod{GroupModCommand::kAdd, g, kBucketAll}, v, s.next_xid(), tlv));
    }
    for (const auto& r : sc.flows) s.add(encode_flow_mod(add_of(r), v, s.next_xid(), tlv));
    s.add(encode_empty(v, kOfptBarrierRequest, s.next_xid()));
    FlowStatsRequest fr;
    s.add(encode_flow_stats_request(fr, v, false, s.next_xid(), tlv));
    s.add(encode_flow_stats_request(fr, v, true, s.next_xid(), tlv));
    s.write(out / ("flows-" + sc.name + suffix));
    ++n;
  }
  {
    Seed s(v);
    if (!sc.tlv_mod.mappings.empty()) s.add(encode_tlv_table_mod(sc.tlv_mod, v, s.next_xid()));
    const uint32_t id = 7;
    const uint16_t flags = kBundleAtomic | kBundleOrdered;
    s.add(encode_bundle_ctrl(BundleCtrl{id, BundleCtrlType::kOpenRequest, flags}, v, s.next_xid()));
    for (const auto& g : sc.groups) {
      const uint32_t x = s.next_xid();
      s.add(encode_bundle_add(id, flags, encode_group_mod(GroupMod{GroupModCommand::kAdd, g, kBucketAll}, v, x, tlv), v));
    }
    for (const auto& r : sc.flows) {
      const uint32_t x = s.next_xid();
      s.add(encode_bundle_add(id, flags, encode_flow_mod(add_of(r), v, x, tlv), v));
    }
    s.add(encode_bundle_ctrl(BundleCtrl{id, BundleCtrlType::kCommitRequest, flags}, v, s.next_xid()));
    s.add(encode_empty(v, kOfptBarrierRequest, s.next_xid()));
    s.add(delete_all(v, s.next_xid(), tlv));
    s.write(out / ("bundle-" + sc.name + suffix));
    ++n;
  }
  if (!sc.groups.empty() || !sc.meters.empty()) {
    Seed s(v);
    for (const auto& m : sc.meters) s.add(encode_meter_mod(MeterMod{MeterModCommand::kAdd, m}, v, s.next_xid()));
    for (const auto& g : sc.groups) {
      s.add(encode_group_mod(GroupMod{GroupModCommand::kAdd, g, kBucketAll}, v, s.next_xid(), tlv));
    }
    s.add(multipart(v, kMpGroupDesc, s.next_xid(),
                    v == kOfp15 ? std::vector<uint8_t>{0xff, 0xff, 0xff, 0xfc, 0, 0, 0, 0}
                                : std::vector<uint8_t>{}));
    s.add(multipart(v, kMpGroup, s.next_xid(), {0xff, 0xff, 0xff, 0xfc, 0, 0, 0, 0}));
    s.add(multipart(v, kMpMeterConfig, s.next_xid(), {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}));
    for (const auto& g : sc.groups) {
      GroupMod del{GroupModCommand::kDelete, {}, kBucketAll};
      del.group.group_id = g.group_id;
      s.add(encode_group_mod(del, v, s.next_xid(), tlv));
    }
    s.write(out / ("groups-meters-" + sc.name + suffix));
    ++n;
  }
}

void session_seed(uint8_t v, const fs::path& out, int& n) {
  Seed s(v);
  const TlvMap tlv;
  s.add(header(v, kOfptEchoRequest, s.next_xid(), {1, 2, 3, 4}));
  s.add(encode_empty(v, kOfptFeaturesRequest, s.next_xid()));
  s.add(encode_empty(v, kOfptGetConfigRequest, s.next_xid()));
  s.add(nxt(v, kNxtSetPacketInFormat, s.next_xid(), {0, 0, 0, 2}));
  s.add(nxt(v, kNxtSetControllerId, s.next_xid(), {0, 0, 0, 0, 0, 0, 0, 7}));
  s.add(header(v, kOfptSetConfig, s.next_xid(), {0, 0, 0xff, 0xff}));
  s.add(multipart(v, kMpDesc, s.next_xid()));
  s.add(multipart(v, kMpPortDesc, s.next_xid(),
                  v == kOfp15 ? std::vector<uint8_t>{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}
                              : std::vector<uint8_t>{}));
  s.add(multipart(v, kMpTable, s.next_xid()));
  s.add(multipart(v, kMpPortStats, s.next_xid(), {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}));
  s.add(multipart(v, kMpGroupFeatures, s.next_xid()));
  s.add(multipart(v, kMpMeterFeatures, s.next_xid()));
  s.add(encode_tlv_table_request(v, s.next_xid()));
  s.add(nxt(v, kNxtCtFlushZone, s.next_xid(), {0, 0, 0, 0, 0, 0, 0, 5}));
  PacketOut po;
  po.actions.push_back(ActOutput{1, 0});
  po.packet.assign(60, 0xab);
  s.add(encode_packet_out(po, v, s.next_xid(), tlv));
  s.add(delete_all(v, s.next_xid(), tlv));
  s.add(encode_empty(v, kOfptBarrierRequest, s.next_xid()));
  s.write(out / (v == kOfp13 ? "session-13" : "session-15"));
  ++n;
  // TABLE_FEATURES (an empty query) on its own: its reply is large.
  Seed t(v);
  t.add(multipart(v, kMpTableFeatures, t.next_xid()));
  t.write(out / (v == kOfp13 ? "table-features-13" : "table-features-15"));
  ++n;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <ovn-scenarios dir> <output dir>\n", argv[0]);
    return 2;
  }
  const fs::path in = argv[1], out = argv[2];
  fs::create_directories(out);
  int n = 0;
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(in)) {
    if (e.is_directory() && fs::exists(e.path() / "flows.txt")) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  for (const auto& d : dirs) {
    Scenario sc;
    if (!load(d, sc)) {
      std::fprintf(stderr, "%s: skipped\n", d.c_str());
      continue;
    }
    for (uint8_t v : {kOfp13, kOfp15}) scenario_seeds(sc, v, out, n);
  }
  for (uint8_t v : {kOfp13, kOfp15}) session_seed(v, out, n);
  std::printf("%d seeds in %s\n", n, out.c_str());
  return 0;
}
