// PACKET_OUT, NXT_PACKET_IN2 and NXT_RESUME against the real ovs-ofctl:
// what it encodes we decode, and what we encode it prints as OVS would.
#include <gtest/gtest.h>

#include <fstream>

#include "control/openflow/action_text.h"
#include "control/openflow/ofp_packet.h"
#include "dataplane/flow/flow_key.h"
#include "tests/common/flow_normal.h"
#include "tests/common/test_util.h"

namespace dpuflow::control {
namespace {

using dpuflow::testing::run_command;
using namespace dataplane;

std::string ofp_parse(const std::vector<uint8_t>& msg) {
  const std::string path = ::testing::TempDir() + "/packet_interop.bin";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(msg.data()), static_cast<std::streamsize>(msg.size()));
  return run_command("ovs-ofctl ofp-parse " + path + " 2>&1");
}

// An ARP request from 00:00:00:00:01:01 (10.0.1.11) for 10.0.1.1.
const std::vector<uint8_t> kArp = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 1, 1, 0x08, 0x06,  // eth
    0, 1, 0x08, 0, 6, 4, 0, 1,                                           // htype..op
    0, 0, 0, 0, 1, 1, 10, 0, 1, 11,                                      // sha, spa
    0, 0, 0, 0, 0, 0, 10, 0, 1, 1};                                      // tha, tpa

class PacketWire : public ::testing::TestWithParam<uint8_t> {};

TEST_P(PacketWire, PacketOutRoundTripsAndOvsOfctlReadsIt) {
  const uint8_t v = GetParam();
  TlvMap tlv;
  PacketOut po;
  po.in_port = kOfppController;
  TextError te;
  auto acts = parse_actions("set_field:0x1->reg14,set_field:0x2->metadata,resubmit(,37)", tlv, &te);
  ASSERT_TRUE(acts.has_value()) << te.message;
  po.actions = *acts;
  po.packet = kArp;
  const auto msg = encode_packet_out(po, v, 9, tlv);
  WireError err;
  auto back = decode_packet_out(msg, tlv, &err);
  ASSERT_TRUE(back.has_value()) << ofp_error_name(err.code) << ": " << err.message;
  EXPECT_EQ(back->in_port, kOfppController);
  EXPECT_EQ(back->packet, kArp);
  // 1.0 carries set_field on registers as NXAST_REG_LOAD: the same write.
  dpuflow::testing::normalise_actions(back->actions);
  EXPECT_EQ(format_actions(back->actions, tlv),
            "set_field:0x1->reg14,set_field:0x2->metadata,resubmit(,37)");
  if (run_command("command -v ovs-ofctl").empty()) GTEST_SKIP() << "ovs-ofctl is not installed";
  const std::string text = ofp_parse(msg);
  EXPECT_NE(text.find("OFPT_PACKET_OUT"), std::string::npos) << text;
  EXPECT_NE(text.find("in_port=CONTROLLER"), std::string::npos) << text;
  EXPECT_NE(text.find("resubmit(,37)"), std::string::npos) << text;
  EXPECT_NE(text.find("data_len=42"), std::string::npos) << text;
  EXPECT_EQ(text.find("decode error"), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(Versions, PacketWire, ::testing::Values(kOfp10, kOfp13, kOfp15));

TEST(PacketWire, MalformedPacketOutGetsOvsErrors) {
  TlvMap tlv;
  PacketOut po;
  po.packet = kArp;
  auto msg = encode_packet_out(po, kOfp13, 1, tlv);
  WireError err;
  // A buffer id: dpuflow keeps no buffers.
  auto buffered = msg;
  buffered[11] = 7;
  EXPECT_FALSE(decode_packet_out(buffered, tlv, &err).has_value());
  EXPECT_EQ(err.code, OfpError::kBadPacket);
  // actions_len beyond the message.
  auto lying = msg;
  lying[16] = 0x10;
  EXPECT_FALSE(decode_packet_out(lying, tlv, &err).has_value());
  EXPECT_EQ(err.code, OfpError::kBadLen);
  // Too short for its fixed part.
  EXPECT_FALSE(decode_packet_out(std::span(msg).subspan(0, 20), tlv, &err).has_value());
  EXPECT_EQ(err.code, OfpError::kBadLen);
}

TEST(PacketWire, PacketIn2PrintsAsOvsPrintsItAndResumeReadsTheContinuation) {
  TlvMap tlv;
  PacketIn2 p;
  p.packet = kArp;
  p.full_len = static_cast<uint32_t>(kArp.size());
  p.table_id = 28;
  p.cookie = 0x1234;
  p.metadata.value.in_port = be16(5);
  p.metadata.mask.in_port = 0xffff;
  p.metadata.value.metadata = be64(1);
  p.metadata.mask.metadata = ~uint64_t{0};
  p.userdata = {0, 0, 0, 0x0c, 0, 0, 0, 0};
  p.continuation_token = 42;
  const auto msg = encode_packet_in2(p, kOfp15, tlv);
  if (!run_command("command -v ovs-ofctl").empty()) {
    const std::string text = ofp_parse(msg);
    EXPECT_NE(text.find("NXT_PACKET_IN2 (OF1.5) (xid=0x0): table_id=28 cookie=0x1234 total_len=42 "
                        "metadata=0x1,in_port=5 (via action) data_len=42 (unbuffered)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(" userdata=00.00.00.0c.00.00.00.00"), std::string::npos) << text;
    EXPECT_NE(text.find("arp_spa=10.0.1.11,arp_tpa=10.0.1.1,arp_op=1"), std::string::npos) << text;
  }
  // A controller answers with NXT_RESUME carrying the same properties (a
  // new packet, metadata, the continuation untouched): turn ours into one.
  auto resume = msg;
  resume[15] = 28;  // NXT_RESUME
  WireError err;
  auto r = decode_resume(resume, tlv, &err);
  ASSERT_TRUE(r.has_value()) << ofp_error_name(err.code) << ": " << err.message;
  EXPECT_EQ(r->continuation_token, 42u);
  EXPECT_EQ(r->packet, kArp);
  EXPECT_EQ(r->table_id, 28);
  EXPECT_EQ(r->cookie, 0x1234u);
  EXPECT_EQ(host16(r->metadata.value.in_port), 5);
  // Without the continuation it is not a resume of ours.
  PacketIn2 plain = p;
  plain.continuation_token.reset();
  auto no_cont = encode_packet_in2(plain, kOfp15, tlv);
  no_cont[15] = 28;
  EXPECT_FALSE(decode_resume(no_cont, tlv, &err).has_value());
  EXPECT_EQ(err.code, OfpError::kResumeStale);
}

}  // namespace
}  // namespace dpuflow::control
