// GROUP_MOD, METER_MOD and TLV table codecs: malformed messages each get
// the error OVS 3.1 sends (or, where OfpError lacks OVS's code, the one the
// header documents), and well-formed ones decode and encode to the bytes
// OVN sends (openflow.md §8, §9, §13).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "control/openflow/ofctl_text.h"
#include "control/openflow/ofp_group.h"
#include "control/openflow/ofp_meter.h"
#include "control/openflow/ofp_tlv.h"

namespace dpuflow::control {
namespace {

using dataplane::GroupModCommand;
using dataplane::GroupType;
using dataplane::TlvMap;

// A message under construction (a plain value: safe to copy and return);
// done() writes its length.
struct Msg {
  std::vector<uint8_t> b;
  Msg(uint8_t version, uint8_t type) : b{version, type, 0, 0, 0, 0, 0, 0x11} {}
  Msg& u8(uint8_t v) {
    b.push_back(v);
    return *this;
  }
  Msg& u16(uint16_t v) { return u8(static_cast<uint8_t>(v >> 8)).u8(static_cast<uint8_t>(v)); }
  Msg& u32(uint32_t v) {
    return u16(static_cast<uint16_t>(v >> 16)).u16(static_cast<uint16_t>(v));
  }
  Msg& u64(uint64_t v) {
    return u32(static_cast<uint32_t>(v >> 32)).u32(static_cast<uint32_t>(v));
  }
  Msg& zeros(size_t n) {
    b.insert(b.end(), n, 0);
    return *this;
  }
  Msg& bytes(const std::vector<uint8_t>& v) {
    b.insert(b.end(), v.begin(), v.end());
    return *this;
  }
  std::vector<uint8_t> done() {
    b[2] = static_cast<uint8_t>(b.size() >> 8);
    b[3] = static_cast<uint8_t>(b.size());
    return b;
  }
};

std::string hex(const std::vector<uint8_t>& v) {
  std::string s;
  for (uint8_t c : v) s += fmt::format("{:02x}", c);
  return s;
}

// output:1 as an OpenFlow 1.1+ action (16 bytes).
const std::vector<uint8_t> kOutput1 = {0, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};

// ---- GROUP_MOD -------------------------------------------------------------------

// 1.5 group_mod head: command, type, group 1, bucket_array_len, command_bucket_id.
Msg g15(uint16_t command, uint8_t type, uint16_t bucket_len, uint32_t cb = 0xffffffff) {
  Msg m(kOfp15, 15);
  m.u16(command).u8(type).u8(0).u32(1).u16(bucket_len).u16(0).u32(cb);
  return m;
}
// A 1.5 bucket: len, action_array_len, id, output:1, then the weight property.
Msg& bucket15(Msg& m, uint32_t id, std::optional<uint16_t> weight) {
  m.u16(weight ? 32 : 24).u16(16).u32(id).bytes(kOutput1);
  if (weight) m.u16(0).u16(8).u16(*weight).u16(0);
  return m;
}

WireError group_error(const std::vector<uint8_t>& msg) {
  WireError err;
  auto gm = decode_group_mod(msg, TlvMap(), &err);
  EXPECT_FALSE(gm.has_value()) << hex(msg);
  return err;
}

#define EXPECT_GROUP_ERROR(msg, want)                                          \
  do {                                                                         \
    const WireError e_ = group_error(msg);                                     \
    EXPECT_STREQ(ofp_error_name(e_.code), ofp_error_name(want)) << e_.message; \
  } while (0)

TEST(GroupModDecode, OvnSelectGroupWithDpHash) {
  TextError te;
  auto g = parse_group_line(
      "group_id=3,type=select,selection_method=dp_hash,bucket=bucket_id:0,weight:100,"
      "actions=ct(commit,table=21,zone=NXM_NX_REG13[0..15],nat(dst=10.0.2.13:8080)),"
      "bucket=bucket_id:1,weight:100,actions=output:2",
      TlvMap(), &te);
  ASSERT_TRUE(g) << te.message;
  dataplane::GroupMod gm;
  gm.group = *g;
  const auto msg = encode_group_mod(gm, kOfp15, 7, TlvMap());
  // The selection-method property closes the message: 40 bytes, NTR, "dp_hash".
  const std::string h = hex(msg);
  EXPECT_EQ(h.substr(h.size() - 80),
            "ffff00280000154d0000000100000000" + hex({'d', 'p', '_', 'h', 'a', 's', 'h'}) +
                std::string(18, '0') + std::string(16, '0'));
  WireError err;
  auto back = decode_group_mod(msg, TlvMap(), &err);
  ASSERT_TRUE(back) << err.message;
  EXPECT_EQ(back->command, GroupModCommand::kAdd);
  EXPECT_EQ(format_group_line(back->group, TlvMap()), format_group_line(*g, TlvMap()));
}

TEST(GroupModDecode, OvnDeleteAllIsTheBytesOvnSends) {
  dataplane::GroupMod gm;
  gm.command = GroupModCommand::kDelete;
  gm.group.group_id = dataplane::kGroupAll;
  const auto msg = encode_group_mod(gm, kOfp15, 0x11, TlvMap());
  EXPECT_EQ(hex(msg), "060f001800000011000200" "00fffffffc00000000ffffffff");
  WireError err;
  auto back = decode_group_mod(msg, TlvMap(), &err);
  ASSERT_TRUE(back) << err.message;
  EXPECT_EQ(back->command, GroupModCommand::kDelete);
  EXPECT_EQ(back->group.group_id, dataplane::kGroupAll);
}

TEST(GroupModDecode, InsertBucketLastAndRemoveBucket) {
  Msg m = g15(3, 1, 32, dataplane::kBucketLast);
  bucket15(m, 5, 100);
  WireError err;
  auto gm = decode_group_mod(m.done(), TlvMap(), &err);
  ASSERT_TRUE(gm) << err.message;
  EXPECT_EQ(gm->command, GroupModCommand::kInsertBucket);
  EXPECT_EQ(gm->command_bucket_id, dataplane::kBucketLast);
  ASSERT_EQ(gm->group.buckets.size(), 1u);
  EXPECT_EQ(gm->group.buckets[0].bucket_id, 5u);
  EXPECT_EQ(gm->group.buckets[0].weight, 100);
  // Re-encoding gives the same bytes.
  EXPECT_EQ(hex(encode_group_mod(*gm, kOfp15, 0x11, TlvMap())), hex(m.b));

  auto rm = decode_group_mod(g15(5, 1, 0, dataplane::kBucketAll).done(), TlvMap(), &err);
  ASSERT_TRUE(rm) << err.message;
  EXPECT_EQ(rm->command, GroupModCommand::kRemoveBucket);
  EXPECT_EQ(rm->command_bucket_id, dataplane::kBucketAll);
}

TEST(GroupModDecode, Of13BucketsAreNumberedFromZero) {
  Msg m(kOfp13, 15);
  m.u16(0).u8(0).u8(0).u32(9);
  for (int i = 0; i < 3; ++i) {
    m.u16(32).u16(0).u32(0xffffffff).u32(0xffffffff).zeros(4).bytes(kOutput1);
  }
  WireError err;
  auto gm = decode_group_mod(m.done(), TlvMap(), &err);
  ASSERT_TRUE(gm) << err.message;
  EXPECT_EQ(format_group_line(gm->group, TlvMap()),
            " group_id=9,type=all,bucket=bucket_id:0,actions=output:1,bucket=bucket_id:1,"
            "actions=output:1,bucket=bucket_id:2,actions=output:1");
}

TEST(GroupModDecode, MalformedGroupModsGetOvsErrors) {
  // Shorter than the fixed part.
  EXPECT_GROUP_ERROR(Msg(kOfp15, 15).u16(0).u8(0).u8(0).u32(1).done(), OfpError::kBadLen);
  // bucket_array_len beyond the message.
  EXPECT_GROUP_ERROR(g15(0, 0, 24).done(), OfpError::kBadLen);
  // A length that is not the fixed part plus 8-byte units (OVS's framing).
  EXPECT_GROUP_ERROR(g15(0, 0, 0).u32(0).done(), OfpError::kBadLen);
  // Truncated bucket: 4 bytes where a bucket header needs 8.
  EXPECT_GROUP_ERROR(g15(0, 0, 4).u32(0).u32(0).done(), OfpError::kBadBucket);
  // A bucket length that lies (claims 64 of the 24 there are).
  EXPECT_GROUP_ERROR(g15(0, 0, 24).u16(64).u16(16).u32(0).bytes(kOutput1).done(),
                     OfpError::kBadBucket);
  // A bucket length below the bucket header.
  EXPECT_GROUP_ERROR(g15(0, 0, 8).u16(4).u16(0).u32(0).done(), OfpError::kBadBucket);
  // Actions longer than their bucket.
  EXPECT_GROUP_ERROR(g15(0, 0, 24).u16(24).u16(24).u32(0).bytes(kOutput1).done(),
                     OfpError::kBadBucket);
  // Bucket id beyond OFPG15_BUCKET_MAX.
  {
    Msg m = g15(0, 0, 24);
    EXPECT_GROUP_ERROR(bucket15(m, 0xffffff01, std::nullopt).done(), OfpError::kBadBucket);
  }
  // Two buckets with one id.
  {
    Msg m = g15(0, 0, 48);
    bucket15(m, 3, std::nullopt);
    EXPECT_GROUP_ERROR(bucket15(m, 3, std::nullopt).done(), OfpError::kBadBucket);
  }
  // Unknown group type.
  {
    Msg m = g15(0, 7, 24);
    EXPECT_GROUP_ERROR(bucket15(m, 0, std::nullopt).done(), OfpError::kGroupBadType);
  }
  // Unknown command (with command_bucket_id ALL, as a non-bucket command needs).
  {
    Msg m = g15(9, 0, 24);
    EXPECT_GROUP_ERROR(bucket15(m, 0, std::nullopt).done(), OfpError::kGroupBadCommand);
  }
  // A command bucket id on a command that takes none.
  {
    Msg m = g15(0, 0, 24, dataplane::kBucketFirst);
    EXPECT_GROUP_ERROR(bucket15(m, 0, std::nullopt).done(), OfpError::kBadBucket);
  }
  // REMOVE_BUCKET with ALL is fine, INSERT_BUCKET with ALL is not.
  EXPECT_GROUP_ERROR(g15(3, 1, 0, dataplane::kBucketAll).done(), OfpError::kBadBucket);
  // REMOVE_BUCKET carries no buckets.
  {
    Msg m = g15(5, 1, 32, dataplane::kBucketFirst);
    EXPECT_GROUP_ERROR(bucket15(m, 0, 1).done(), OfpError::kBadBucket);
  }
  // Weight on an ALL group (OVS: OFPGMFC_INVALID_GROUP).
  {
    Msg m = g15(0, 0, 32);
    EXPECT_GROUP_ERROR(bucket15(m, 0, 5).done(), OfpError::kInvalidGroup);
  }
  // ...but weight 0 there is fine, and weight is fine on INSERT_BUCKET.
  {
    Msg m = g15(0, 0, 32);
    WireError err;
    EXPECT_TRUE(decode_group_mod(bucket15(m, 0, 0).done(), TlvMap(), &err)) << err.message;
    Msg ins = g15(3, 0, 32, dataplane::kBucketLast);
    EXPECT_TRUE(decode_group_mod(bucket15(ins, 0, 5).done(), TlvMap(), &err)) << err.message;
  }
  // An indirect group has exactly one bucket.
  {
    Msg m = g15(0, 2, 48);
    bucket15(m, 0, std::nullopt);
    EXPECT_GROUP_ERROR(bucket15(m, 1, std::nullopt).done(), OfpError::kInvalidGroup);
  }
  // A fast-failover bucket must watch something.
  {
    Msg m = g15(0, 3, 24);
    EXPECT_GROUP_ERROR(bucket15(m, 0, std::nullopt).done(), OfpError::kInvalidGroup);
  }
  // A bucket property shorter than its header; an unknown one.
  EXPECT_GROUP_ERROR(
      g15(0, 1, 32).u16(32).u16(16).u32(0).bytes(kOutput1).u16(0).u16(2).zeros(4).done(),
      OfpError::kBadPropertyLen);
  EXPECT_GROUP_ERROR(
      g15(0, 1, 32).u16(32).u16(16).u32(0).bytes(kOutput1).u16(9).u16(8).zeros(4).done(),
      OfpError::kBadPropertyType);
  // A watch_port property of the wrong size.
  EXPECT_GROUP_ERROR(
      g15(0, 3, 40).u16(40).u16(16).u32(0).bytes(kOutput1).u16(1).u16(12).zeros(12).done(),
      OfpError::kBadPropertyLen);
  // A bad action inside a bucket is that action's error, at its offset.
  {
    const WireError e = group_error(
        g15(0, 0, 24).u16(24).u16(16).u32(0).u16(0x7777).u16(16).zeros(12).done());
    EXPECT_STREQ(ofp_error_name(e.code), "OFPBAC_BAD_TYPE") << e.message;
    EXPECT_EQ(e.offset, 32u);
  }
}

// A select group_mod (one bucket) with a selection-method property.
std::vector<uint8_t> with_method(uint8_t type, const std::string& method,
                                 const std::vector<uint8_t>& fields, uint16_t command = 0) {
  Msg m = g15(command, type, type == 1 ? 32 : 24);
  bucket15(m, 0, type == 1 ? std::optional<uint16_t>(1) : std::nullopt);
  m.u16(0xffff).u16(static_cast<uint16_t>(40 + fields.size())).u32(0x154d).u32(1).zeros(4);
  std::string name = method;
  name.resize(16, '\0');
  m.bytes(std::vector<uint8_t>(name.begin(), name.end())).u64(0).bytes(fields);
  while (m.b.size() % 8 != 0) m.u8(0);
  return m.done();
}

TEST(GroupModDecode, SelectionMethodProperty) {
  // ip_src (OXM 0x80001604) and tcp_dst (0x80001c02), masks all ones.
  const std::vector<uint8_t> fields = {0x80, 0x00, 0x16, 0x04, 0xff, 0xff, 0xff, 0xff,
                                       0x80, 0x00, 0x1c, 0x02, 0xff, 0xff};
  WireError err;
  auto gm = decode_group_mod(with_method(1, "hash", fields), TlvMap(), &err);
  ASSERT_TRUE(gm) << err.message;
  EXPECT_EQ(format_group_line(gm->group, TlvMap()),
            " group_id=1,type=select,selection_method=hash,fields(ip_src,tcp_dst),"
            "bucket=bucket_id:0,actions=output:1");
  // Unknown method name.
  EXPECT_GROUP_ERROR(with_method(1, "random", {}), OfpError::kBadPropertyValue);
  // A method name that fills all 16 bytes is not NUL-terminated.
  EXPECT_GROUP_ERROR(with_method(1, "dp_hashdp_hashdp", {}), OfpError::kBadPropertyValue);
  // dp_hash takes no fields.
  EXPECT_GROUP_ERROR(with_method(1, "dp_hash", fields), OfpError::kBadPropertyValue);
  // Only select groups have one.
  EXPECT_GROUP_ERROR(with_method(0, "hash", {}), OfpError::kBadPropertyValue);
  // Only add/modify carry one.
  EXPECT_GROUP_ERROR(with_method(1, "hash", {}, 2), OfpError::kBadPropertyValue);
  // A hash field with a partial mask, an unknown one, a duplicate.
  EXPECT_GROUP_ERROR(with_method(1, "hash", {0x80, 0x00, 0x16, 0x04, 0xff, 0xff, 0xff, 0}),
                     OfpError::kMatchBadMask);
  EXPECT_GROUP_ERROR(with_method(1, "hash", {0x80, 0x00, 0xfe, 0x04, 0xff, 0xff, 0xff, 0xff}),
                     OfpError::kMatchBadField);
  EXPECT_GROUP_ERROR(with_method(1, "hash", {0x80, 0x00, 0x1c, 0x02, 0xff, 0xff, 0x80, 0x00,
                                             0x1c, 0x02, 0xff, 0xff}),
                     OfpError::kMatchDupField);
  // An unknown experimenter group property.
  {
    Msg m = g15(0, 1, 32);
    bucket15(m, 0, 1);
    m.u16(0xffff).u16(16).u32(0x2320).u32(1).zeros(4);
    EXPECT_GROUP_ERROR(m.done(), OfpError::kBadPropertyExpType);
  }
}

TEST(GroupModDecode, Of13Malformed) {
  auto g13 = [](uint16_t command, uint8_t type) {
    Msg m(kOfp13, 15);
    m.u16(command).u8(type).u8(0).u32(1);
    return m;
  };
  // 8 bytes where a 16-byte bucket header belongs; 12 bytes break the framing.
  EXPECT_GROUP_ERROR(g13(0, 0).zeros(8).done(), OfpError::kBadBucket);
  EXPECT_GROUP_ERROR(g13(0, 0).zeros(12).done(), OfpError::kBadLen);
  // Length that lies.
  EXPECT_GROUP_ERROR(g13(0, 0).u16(48).u16(0).u32(0xffffffff).u32(0xffffffff).zeros(4)
                         .bytes(kOutput1).done(),
                     OfpError::kBadBucket);
  // DELETE with buckets (OpenFlow 1.3.5).
  EXPECT_GROUP_ERROR(g13(2, 0).u16(32).u16(0).u32(0xffffffff).u32(0xffffffff).zeros(4)
                         .bytes(kOutput1).done(),
                     OfpError::kInvalidGroup);
  // A watch port with no 16-bit form.
  EXPECT_GROUP_ERROR(g13(0, 3).u16(32).u16(0).u32(0x10000).u32(0xffffffff).zeros(4)
                         .bytes(kOutput1).done(),
                     OfpError::kBadWatch);
  EXPECT_GROUP_ERROR(g13(0, 9).done(), OfpError::kGroupBadType);
  EXPECT_GROUP_ERROR(g13(4, 0).done(), OfpError::kGroupBadCommand);
}

TEST(GroupDesc, RequestAndFeatures) {
  const std::vector<uint8_t> req = {0, 0, 0, 7, 0, 0, 0, 0};
  EXPECT_EQ(decode_group_desc_request(req, kOfp15), 7u);
  EXPECT_EQ(decode_group_desc_request(req, kOfp13), dataplane::kGroupAll);
  EXPECT_EQ(decode_group_desc_request({}, kOfp15), dataplane::kGroupAll);
  std::vector<uint8_t> f;
  encode_group_features_reply(kOfp15, f);
  EXPECT_EQ(hex(f), "0000000f00000007" + std::string("ffffff00ffffff00ffffff00ffffff00") +
                        "03ff800103ff800103ff800103ff8001");
}

TEST(GroupDesc, EntryLayouts) {
  TextError te;
  auto g = parse_group_line("group_id=2,type=ff,bucket=bucket_id:4,watch_port:3,actions=output:1",
                            TlvMap(), &te);
  ASSERT_TRUE(g) << te.message;
  std::vector<uint8_t> e15, e13;
  encode_group_desc_entry(*g, kOfp15, TlvMap(), e15);
  encode_group_desc_entry(*g, kOfp13, TlvMap(), e13);
  // 1.5: 16-byte head, bucket {32, 16, id 4, output:1, WATCH_PORT 3}.
  EXPECT_EQ(hex(e15), "0030030000000002002000000000000000200010000000040000001000000001"
                      "00000000000000000001000800000003");
  // 1.3: 8-byte head, bucket {32, weight 0, watch_port 3, watch_group ANY, output:1}.
  EXPECT_EQ(hex(e13), "00280300000000020020000000000003ffffffff00000000"
                      "00000010000000010000000000000000");
}

// ---- METER_MOD -------------------------------------------------------------------

WireError meter_error(const std::vector<uint8_t>& msg) {
  WireError err;
  EXPECT_FALSE(decode_meter_mod(msg, &err).has_value()) << hex(msg);
  return err;
}

TEST(MeterMod, OvnMeterIsTheBytesOvnSends) {
  TextError te;
  auto m = parse_meter("meter=1 pktps burst stats bands=type=drop rate=100 burst_size=10", &te);
  ASSERT_TRUE(m) << te.message;
  const auto msg = encode_meter_mod({dataplane::MeterModCommand::kAdd, *m}, kOfp15, 0x11);
  EXPECT_EQ(hex(msg), "061d002000000011" "0000000e00000001" "00010010000000640000000a00000000");
  WireError err;
  auto back = decode_meter_mod(msg, &err);
  ASSERT_TRUE(back) << err.message;
  EXPECT_EQ(format_meter(back->meter), format_meter(*m));
  // OVN's "DEL all".
  EXPECT_EQ(hex(encode_meter_mod({dataplane::MeterModCommand::kDelete,
                                  dataplane::MeterSpec{dataplane::kMeterAll}},
                                 kOfp15, 0x11)),
            "061d001000000011" "00020000ffffffff");
}

TEST(MeterMod, MalformedMeterModsGetOvsErrors) {
  auto mm = [](uint16_t command, uint16_t flags) {
    Msg m(kOfp15, 29);
    m.u16(command).u16(flags).u32(1);
    return m;
  };
  EXPECT_STREQ(ofp_error_name(meter_error(mm(3, 2).done()).code), "OFPMMFC_BAD_COMMAND");
  EXPECT_STREQ(ofp_error_name(meter_error(mm(0, 3).done()).code), "OFPMMFC_BAD_FLAGS");
  // Unknown band type (3).
  EXPECT_STREQ(ofp_error_name(
                   meter_error(mm(0, 2).u16(3).u16(16).u32(1).u32(0).zeros(4).done()).code),
               "OFPMMFC_BAD_BAND");
  // Band length other than 16.
  EXPECT_STREQ(ofp_error_name(
                   meter_error(mm(0, 2).u16(1).u16(24).u32(1).u32(0).zeros(12).done()).code),
               "OFPBRC_BAD_LEN");
  // Leftover bytes after the bands.
  EXPECT_STREQ(ofp_error_name(
                   meter_error(mm(0, 2).u16(1).u16(16).u32(1).u32(0).zeros(4).zeros(8).done())
                       .code),
               "OFPBRC_BAD_LEN");
  EXPECT_STREQ(ofp_error_name(meter_error(Msg(kOfp15, 29).u32(0).done()).code), "OFPBRC_BAD_LEN");
  // DELETE ignores flags and bands, as OVS does.
  WireError err;
  auto del = decode_meter_mod(mm(2, 3).zeros(8).done(), &err);
  ASSERT_TRUE(del) << err.message;
  EXPECT_EQ(del->command, dataplane::MeterModCommand::kDelete);
  EXPECT_EQ(del->meter.meter_id, 1u);
  EXPECT_TRUE(del->meter.bands.empty());
}

TEST(MeterMod, ConfigEntryRequestAndFeatures) {
  TextError te;
  auto m = parse_meter("meter=5 kbps bands=type=dscp_remark rate=7 prec_level=1", &te);
  ASSERT_TRUE(m) << te.message;
  std::vector<uint8_t> e;
  encode_meter_config_entry(*m, e);
  EXPECT_EQ(hex(e), "00180001000000050002001000000007" "0000000001000000");
  EXPECT_EQ(decode_meter_request(std::vector<uint8_t>{0, 0, 0, 5, 0, 0, 0, 0}), 5u);
  EXPECT_EQ(decode_meter_request({}), dataplane::kMeterAll);
  std::vector<uint8_t> f;
  encode_meter_features_reply(200000, f);
  EXPECT_EQ(hex(f), "00030d40" "00000006" "0000000f" "08000000");
}

// ---- TLV table -------------------------------------------------------------------

Msg tlv_mod(uint16_t command) {
  Msg m(kOfp15, 4);
  m.u32(0x2320).u32(24).u16(command).zeros(6);
  return m;
}

WireError tlv_error(const std::vector<uint8_t>& msg) {
  WireError err;
  EXPECT_FALSE(decode_tlv_table_mod(msg, &err).has_value()) << hex(msg);
  return err;
}

TEST(TlvTable, OvnTlvMapIsTheBytesOvnSends) {
  dataplane::TlvMod tm;
  tm.mappings.push_back({0, 0x0102, 0x80, 4});
  const auto msg = encode_tlv_table_mod(tm, kOfp15, 0x11);
  EXPECT_EQ(hex(msg), "0604002000000011" "0000232000000018" "0000000000000000"
                      "0102800400000000");
  WireError err;
  auto back = decode_tlv_table_mod(msg, &err);
  ASSERT_TRUE(back) << err.message;
  EXPECT_EQ(back->command, dataplane::TlvModCommand::kAdd);
  ASSERT_EQ(back->mappings.size(), 1u);
  EXPECT_EQ(back->mappings[0].opt_class, 0x0102);
  EXPECT_EQ(back->mappings[0].opt_type, 0x80);
  EXPECT_EQ(back->mappings[0].length, 4);
  EXPECT_EQ(back->mappings[0].index, 0);
}

TEST(TlvTable, MalformedTlvModsGetOvsErrors) {
  auto map = [](Msg m, uint8_t len, uint16_t index) {
    return m.u16(0x102).u8(0x80).u8(len).u16(index).zeros(2).done();
  };
  EXPECT_STREQ(ofp_error_name(tlv_error(map(tlv_mod(0), 5, 0)).code), "NXTTMFC_BAD_OPT_LEN");
  EXPECT_STREQ(ofp_error_name(tlv_error(map(tlv_mod(0), 128, 0)).code), "NXTTMFC_BAD_OPT_LEN");
  EXPECT_STREQ(ofp_error_name(tlv_error(map(tlv_mod(0), 4, 64)).code), "NXTTMFC_BAD_FIELD_IDX");
  EXPECT_STREQ(ofp_error_name(tlv_error(map(tlv_mod(3), 4, 0)).code), "NXTTMFC_BAD_COMMAND");
  // DELETE is refused: the pipeline cannot release one mapping yet.
  const WireError del = tlv_error(map(tlv_mod(1), 4, 0));
  EXPECT_STREQ(ofp_error_name(del.code), "NXTTMFC_BAD_COMMAND");
  EXPECT_NE(del.message.find("DELETE"), std::string::npos) << del.message;
  // Maps are 8 bytes each.
  EXPECT_STREQ(ofp_error_name(tlv_error(tlv_mod(0).u32(0x01028004).done()).code),
               "OFPBRC_BAD_LEN");
  EXPECT_STREQ(ofp_error_name(tlv_error(Msg(kOfp15, 4).u32(0x2320).u32(24).done()).code),
               "OFPBRC_BAD_LEN");
  // 124 bytes and index 63 are the limits; CLEAR ignores its maps.
  WireError err;
  EXPECT_TRUE(decode_tlv_table_mod(map(tlv_mod(0), 124, 63), &err)) << err.message;
  auto clear = decode_tlv_table_mod(map(tlv_mod(2), 4, 0), &err);
  ASSERT_TRUE(clear) << err.message;
  EXPECT_EQ(clear->command, dataplane::TlvModCommand::kClear);
  EXPECT_TRUE(clear->mappings.empty());
}

TEST(TlvTable, ReplyAndRequest) {
  TlvMap tlv;
  ASSERT_FALSE(tlv.add(3, 0x0102, 0x80, 4));
  ASSERT_FALSE(tlv.add(1, 0xffff, 0x01, 8));
  EXPECT_EQ(hex(encode_tlv_table_reply(tlv, kOfp15, 0x11)),
            "0604003000000011" "000023200000001a" "0000010000400000" "0000000000000000"
            "ffff010800010000" "0102800400030000");
  EXPECT_EQ(hex(encode_tlv_table_request(kOfp13, 0x11)), "0404001000000011" "0000232000000019");
}

// ---- robustness ------------------------------------------------------------------

// Every prefix (with its length field rewritten) and every one-byte change of
// valid messages decodes or fails cleanly; run under ASan/UBSan this checks
// that no length is trusted.
TEST(Robustness, TruncatedAndCorruptedMessagesFailCleanly) {
  TextError te;
  auto g = parse_group_line(
      "group_id=3,type=select,selection_method=hash,fields(ip_src,tcp_dst),bucket=bucket_id:0,"
      "weight:100,watch_port:2,actions=ct(commit,table=21,zone=NXM_NX_REG13[0..15],"
      "nat(dst=10.0.2.13:8080)),bucket=bucket_id:1,watch_group:4,actions=output:2",
      TlvMap(), &te);
  ASSERT_TRUE(g) << te.message;
  auto m = parse_meter("meter=1 kbps burst bands=type=drop rate=5 burst_size=1 "
                       "type=dscp_remark rate=9 prec_level=1",
                       &te);
  ASSERT_TRUE(m) << te.message;
  dataplane::TlvMod tm;
  tm.mappings = {{0, 0x102, 0x80, 4}, {1, 0xffff, 1, 124}};
  std::vector<std::vector<uint8_t>> msgs;
  for (uint8_t v : {kOfp13, kOfp15}) {
    msgs.push_back(encode_group_mod({GroupModCommand::kAdd, *g}, v, 1, TlvMap()));
    msgs.push_back(encode_meter_mod({dataplane::MeterModCommand::kAdd, *m}, v, 1));
    msgs.push_back(encode_tlv_table_mod(tm, v, 1));
  }
  size_t decoded = 0, refused = 0;
  auto decode = [&](const std::vector<uint8_t>& msg) {
    WireError err;
    bool ok = false;
    if (msg[1] == 15) {
      ok = decode_group_mod(msg, TlvMap(), &err).has_value();
    } else if (msg[1] == 29) {
      ok = decode_meter_mod(msg, &err).has_value();
    } else {
      ok = decode_tlv_table_mod(msg, &err).has_value();
    }
    if (ok) {
      ++decoded;
    } else {
      EXPECT_FALSE(err.message.empty());
      EXPECT_LE(err.offset, msg.size());
      ++refused;
    }
  };
  for (const auto& full : msgs) {
    WireError err;
    for (size_t n = 4; n < full.size(); ++n) {
      std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<long>(n));
      cut[2] = static_cast<uint8_t>(n >> 8);
      cut[3] = static_cast<uint8_t>(n);
      decode(cut);
    }
    for (size_t i = 8; i < full.size(); ++i) {
      for (uint8_t x : {uint8_t{0x00}, uint8_t{0xff}, uint8_t{0x80}, uint8_t{0x07}}) {
        std::vector<uint8_t> bad = full;
        bad[i] = x;
        decode(bad);
      }
    }
  }
  EXPECT_GT(decoded, 0u);
  EXPECT_GT(refused, 1000u);
}

}  // namespace
}  // namespace dpuflow::control
