// ovs-ofctl text of whole objects: every flow, group, meter and TLV line of
// the OVN scenarios (dumped by OVS 3.1) must parse and print back
// byte for byte; errors must name the token and its column.
#include "control/openflow/ofctl_text.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dpuflow::control {
namespace {

using dataplane::GroupType;
using dataplane::MeterBand;
using dataplane::MeterSpec;
using dataplane::TlvMap;

std::string data_dir() {
  const char* env = std::getenv("DPUFLOW_TEST_DATA");
  return env != nullptr ? env : DPUFLOW_TEST_DATA_DEFAULT;
}

std::vector<std::string> scenario_dirs() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(data_dir() + "/ovn-scenarios")) {
    if (e.is_directory() && std::filesystem::exists(e.path() / "flows.txt")) {
      out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

bool is_header(const std::string& l) {
  return l.empty() || l.starts_with("OFPST_") || l.starts_with("NXST_");
}

TlvMap load_tlv(const std::string& dir) {
  TlvMap tlv;
  DumpError e;
  auto entries = parse_tlv_dump(read(dir + "/tlv-map.txt"), &e);
  EXPECT_TRUE(entries.has_value()) << dir << ": " << e.to_string();
  if (entries) {
    for (const TlvEntry& t : *entries) {
      EXPECT_FALSE(tlv.add(t.index, t.opt_class, t.opt_type, t.length).has_value());
    }
  }
  return tlv;
}

TEST(OfctlText, SplitKeyValues) {
  TextError e;
  auto kv = split_key_values("a=1,b:2 c(x,(y)),d  e=f(g,h)", 0, &e);
  ASSERT_TRUE(kv.has_value()) << e.to_string();
  ASSERT_EQ(kv->size(), 5u);
  EXPECT_EQ((*kv)[0].key, "a");
  EXPECT_EQ(*(*kv)[0].value, "1");
  EXPECT_EQ((*kv)[1].delim, ':');
  EXPECT_EQ((*kv)[2].key, "c");
  EXPECT_EQ(*(*kv)[2].value, "x,(y)");
  EXPECT_EQ((*kv)[2].value_col, 10u);
  EXPECT_FALSE((*kv)[3].value.has_value());
  EXPECT_EQ(*(*kv)[4].value, "f(g,h)");
  EXPECT_FALSE(split_key_values("a=(b", 0, &e).has_value());
  EXPECT_EQ(e.column, 2u);
  EXPECT_FALSE(split_key_values("a,b)", 0, &e).has_value());
  EXPECT_EQ(e.message, "unbalanced ')'");
}

TEST(OfctlText, EveryScenarioFlowLineRoundTrips) {
  size_t checked = 0;
  for (const std::string& dir : scenario_dirs()) {
    TlvMap tlv = load_tlv(dir);
    auto all = lines(read(dir + "/flows.txt"));
    for (size_t i = 0; i < all.size(); ++i) {
      const std::string& l = all[i];
      if (is_header(l)) continue;
      TextError e;
      auto rule = parse_flow_line(l, tlv, &e);
      ASSERT_TRUE(rule.has_value()) << dir << "/flows.txt:" << i + 1 << ": " << e.to_string();
      EXPECT_EQ(format_flow_line(*rule, tlv), l) << dir << "/flows.txt:" << i + 1;
      ++checked;
    }
  }
  std::printf("flow lines round-tripped: %zu\n", checked);
  EXPECT_GT(checked, 1000u);
}

TEST(OfctlText, EveryScenarioGroupRoundTrips) {
  size_t checked = 0;
  for (const std::string& dir : scenario_dirs()) {
    TlvMap tlv = load_tlv(dir);
    for (const std::string& l : lines(read(dir + "/groups.txt"))) {
      if (is_header(l)) continue;
      TextError e;
      auto g = parse_group_line(l, tlv, &e);
      ASSERT_TRUE(g.has_value()) << l << ": " << e.to_string();
      EXPECT_EQ(format_group_line(*g, tlv), l);
      ++checked;
    }
  }
  std::printf("group lines round-tripped: %zu\n", checked);
  EXPECT_GT(checked, 0u);
}

TEST(OfctlText, GroupFields) {
  TlvMap tlv;
  TextError e;
  auto g = parse_group_line(
      "group_id=7,type=select,selection_method=dp_hash,bucket=bucket_id:0,weight:100,"
      "actions=output:1,bucket=bucket_id:1,weight:50,actions=output:2",
      tlv, &e);
  ASSERT_TRUE(g.has_value()) << e.to_string();
  EXPECT_EQ(g->group_id, 7u);
  EXPECT_EQ(g->type, GroupType::kSelect);
  EXPECT_EQ(g->selection_method, "dp_hash");
  ASSERT_EQ(g->buckets.size(), 2u);
  EXPECT_EQ(g->buckets[1].bucket_id, 1u);
  EXPECT_EQ(g->buckets[1].weight, 50);
  EXPECT_EQ(g->buckets[1].actions.size(), 1u);
  // Defaults: consecutive bucket ids, weight 1 in select groups (not printed).
  g = parse_group_line("group_id=8,type=select,bucket=actions=output:1,bucket=actions=output:2",
                       tlv, &e);
  ASSERT_TRUE(g.has_value()) << e.to_string();
  EXPECT_EQ(g->buckets[1].bucket_id, 1u);
  EXPECT_EQ(g->buckets[1].weight, 1);
  EXPECT_EQ(format_group_line(*g, tlv),
            " group_id=8,type=select,bucket=bucket_id:0,actions=output:1,"
            "bucket=bucket_id:1,actions=output:2");
  g = parse_group_line("group_id=9,type=all,selection_method=hash,fields(ip_src,ip_dst),"
                       "bucket=actions=drop",
                       tlv, &e);
  EXPECT_FALSE(g.has_value());
  EXPECT_EQ(e.message, "selection_method is only allowed for select groups");
}

TEST(OfctlText, GroupErrorsNameTheToken) {
  TlvMap tlv;
  TextError e;
  EXPECT_FALSE(parse_group_line("group_id=1,type=bogus,bucket=actions=drop", tlv, &e));
  EXPECT_EQ(e.token, "bogus");
  EXPECT_EQ(e.column, 16u);
  EXPECT_FALSE(parse_group_line("type=all,bucket=actions=drop", tlv, &e));
  EXPECT_EQ(e.message, "must specify a group_id");
  EXPECT_FALSE(parse_group_line("group_id=1,type=all,bucket=bucket_id:0,wieght:3,actions=drop",
                                tlv, &e));
  EXPECT_EQ(e.token, "wieght");
  EXPECT_EQ(e.column, 39u);
}

TEST(OfctlText, EveryScenarioMeterDumpRoundTrips) {
  size_t checked = 0;
  for (const std::string& dir : scenario_dirs()) {
    std::string text = read(dir + "/meters.txt");
    DumpError e;
    auto meters = parse_meter_dump(text, &e);
    ASSERT_TRUE(meters.has_value()) << dir << ": " << e.to_string();
    // Reprint the dump body (after its header line) and compare.
    std::string body = text.substr(text.find('\n') + 1);
    std::string printed;
    for (const MeterSpec& m : *meters) printed += format_meter(m) + "\n";
    EXPECT_EQ(printed, body) << dir;
    checked += meters->size();
  }
  std::printf("meters round-tripped: %zu\n", checked);
  EXPECT_GT(checked, 0u);
}

TEST(OfctlText, MeterSyntax) {
  TextError e;
  auto m = parse_meter("meter=3,kbps,burst,bands=type=drop,rate=1000,burst_size=50", &e);
  ASSERT_TRUE(m.has_value()) << e.to_string();
  EXPECT_EQ(m->meter_id, 3u);
  EXPECT_EQ(m->flags, MeterSpec::kKbps | MeterSpec::kBurst);
  ASSERT_EQ(m->bands.size(), 1u);
  EXPECT_EQ(m->bands[0].type, MeterBand::Type::kDrop);
  EXPECT_EQ(m->bands[0].rate, 1000u);
  EXPECT_EQ(m->bands[0].burst_size, 50u);
  EXPECT_EQ(format_meter(*m), "meter=3 kbps burst bands=\ntype=drop rate=1000 burst_size=50");
  EXPECT_FALSE(parse_meter("meter=1 pktps bands=type=drop rate=x", &e));
  EXPECT_EQ(e.token, "x");
  EXPECT_EQ(e.column, 35u);
  EXPECT_FALSE(parse_meter("meter=1 pktps bands=type=police rate=1", &e));
  EXPECT_EQ(e.token, "police");
}

TEST(OfctlText, TlvDumpAndMappings) {
  DumpError e;
  auto t = parse_tlv_dump(
      "NXT_TLV_TABLE_REPLY (OF1.5) (xid=0x2):\n max option space=256 max fields=64\n"
      " allocated option space=4\n\n mapping table:\n  class  type  length  match field\n"
      " ------  ----  ------  --------------\n  0x102  0x80       4  tun_metadata0\n",
      &e);
  ASSERT_TRUE(t.has_value()) << e.to_string();
  ASSERT_EQ(t->size(), 1u);
  EXPECT_EQ((*t)[0].opt_class, 0x102);
  EXPECT_EQ((*t)[0].opt_type, 0x80);
  EXPECT_EQ((*t)[0].length, 4);
  EXPECT_EQ((*t)[0].index, 0);
  TextError te;
  auto m = parse_tlv_mappings("{class=0xffff,type=0,len=4}->tun_metadata1,"
                              "{class=0x102,type=0x80,len=8}->tun_metadata2",
                              &te);
  ASSERT_TRUE(m.has_value()) << te.to_string();
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[1].index, 2);
  EXPECT_EQ((*m)[1].length, 8);
  EXPECT_FALSE(parse_tlv_mappings("{class=1,type=2,len=4}->tun_metadata64", &te));
  EXPECT_EQ(te.token, "tun_metadata64");
  EXPECT_FALSE(parse_tlv_mappings("{class=1,len=4}->tun_metadata1", &te));
  EXPECT_EQ(te.message, "class, type and len are all required");
}

TEST(OfctlText, FlowLineFieldsAndErrors) {
  TlvMap tlv;
  TextError e;
  auto r = parse_flow_line(
      "cookie=0x12, duration=1.5s, table=8, n_packets=3, n_bytes=180, idle_timeout=30, "
      "send_flow_rem priority=100,ip,nw_dst=10.0.0.0/8 actions=drop",
      tlv, &e);
  ASSERT_TRUE(r.has_value()) << e.to_string();
  EXPECT_EQ(r->cookie, 0x12u);
  EXPECT_EQ(r->table, 8);
  EXPECT_EQ(r->priority, 100);
  EXPECT_EQ(r->idle_timeout, 30);
  EXPECT_EQ(r->flags, dataplane::kFlagSendFlowRem);
  EXPECT_TRUE(r->actions.empty());
  EXPECT_EQ(format_flow_line(*r, tlv),
            " cookie=0x12, table=8, idle_timeout=30, send_flow_rem priority=100,ip,"
            "nw_dst=10.0.0.0/8 actions=drop");
  EXPECT_FALSE(parse_flow_line("table=300,ip actions=drop", tlv, &e));
  EXPECT_EQ(e.token, "300");
  EXPECT_EQ(e.column, 6u);
  EXPECT_FALSE(parse_flow_line("priority=1,ip", tlv, &e));
  EXPECT_EQ(e.message, "must specify an action (actions=...)");
  // Errors from the match and the action parsers keep columns of the line.
  EXPECT_FALSE(parse_flow_line("priority=1,ip,nw_dsx=1 actions=drop", tlv, &e));
  EXPECT_EQ(e.column, 14u);
  EXPECT_FALSE(parse_flow_line("priority=1,ip actions=resubmit(,8),bogus_action", tlv, &e));
  EXPECT_EQ(e.column, 35u) << e.to_string();
}

}  // namespace
}  // namespace dpuflow::control
