// Connection-level messages against the real ovs-ofctl decoder: HELLO with
// a version bitmap, ECHO replies and ERROR messages (OpenFlow 1.0, 1.3 and
// 1.5) print in `ovs-ofctl ofp-print` as OVS's own would.
#include "control/openflow/ofp_msg.h"

#include <gtest/gtest.h>

#include "tests/common/test_util.h"

#include <cstdio>
#include <string>

namespace dpuflow::control {
namespace {

using dpuflow::testing::run_command;

std::string print(const std::vector<uint8_t>& msg) {
  std::string hex;
  for (uint8_t b : msg) {
    static constexpr char kHex[] = "0123456789abcdef";
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return run_command("ovs-ofctl ofp-print " + hex + " 2>&1");
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

class OfpMsgInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_command("command -v ovs-ofctl").empty()) GTEST_SKIP() << "ovs-ofctl is not installed";
  }
};

TEST_F(OfpMsgInterop, HelloWithVersionBitmap) {
  // OpenFlow 1.3 and 1.5, as ovn-controller is offered.
  const std::string out = print(encode_hello((1u << kOfp13) | (1u << kOfp15), 1));
  EXPECT_EQ(out, "OFPT_HELLO (OF1.5) (xid=0x1):\n version bitmap: 0x04, 0x06\n");
}

TEST_F(OfpMsgInterop, EchoReplyKeepsPayloadAndXid) {
  const std::vector<uint8_t> req = {0x06, 0x02, 0x00, 0x0c, 0, 0, 0, 0x2a, 1, 2, 3, 4};
  EXPECT_EQ(first_line(print(encode_echo_reply(req))),
            "OFPT_ECHO_REPLY (OF1.5) (xid=0x2a): 4 bytes of payload");
}

TEST_F(OfpMsgInterop, ErrorsDecodeToTheirOvsNames) {
  struct Case {
    uint8_t version;
    OfpError e;
    const char* want;
  };
  const Case cases[] = {
      {kOfp15, OfpError::kMatchBadPrereq, "OFPT_ERROR (OF1.5) (xid=0x5): OFPBMC_BAD_PREREQ"},
      {kOfp15, OfpError::kMatchDupField, "OFPT_ERROR (OF1.5) (xid=0x5): OFPBMC_DUP_FIELD"},
      {kOfp15, OfpError::kMatchBadField, "OFPT_ERROR (OF1.5) (xid=0x5): OFPBMC_BAD_FIELD"},
      {kOfp15, OfpError::kMatchBadMask, "OFPT_ERROR (OF1.5) (xid=0x5): OFPBMC_BAD_MASK"},
      {kOfp15, OfpError::kMatchBadLen, "OFPT_ERROR (OF1.5) (xid=0x5): OFPBMC_BAD_LEN"},
      {kOfp13, OfpError::kBadLen, "OFPT_ERROR (OF1.3) (xid=0x5): OFPBRC_BAD_LEN"},
      {kOfp13, OfpError::kBadType, "OFPT_ERROR (OF1.3) (xid=0x5): OFPBRC_BAD_TYPE"},
      {kOfp10, OfpError::kBadVersion, "OFPT_ERROR (xid=0x5): OFPBRC_BAD_VERSION"},
      {kOfp10, OfpError::kMatchBadPrereq, "OFPT_ERROR (xid=0x5): OFPBMC_BAD_PREREQ"},
      {kOfp10, OfpError::kMatchDupField, "OFPT_ERROR (xid=0x5): OFPBMC_DUP_FIELD"},
      {kOfp10, OfpError::kMatchBadMask, "OFPT_ERROR (xid=0x5): OFPBMC_BAD_MASK"},
      {kOfp10, OfpError::kHelloIncompatible, "OFPT_ERROR (xid=0x5): OFPHFC_INCOMPATIBLE"},
  };
  for (const Case& c : cases) {
    // The offending message (echoed back as data): an ECHO_REQUEST, xid 5.
    const std::vector<uint8_t> offending = {c.version, 0x02, 0x00, 0x08, 0, 0, 0, 0x05};
    EXPECT_EQ(first_line(print(encode_error(c.version, c.e, offending))), c.want);
  }
}

// Every error we can send, in every version, is the error ovs-ofctl reads
// back: its OVS name, or NXBRC_UNENCODABLE_ERROR where OVS has no code for
// it in that version (which is what OVS then sends too).
TEST_F(OfpMsgInterop, EveryErrorInEveryVersionDecodesToItsName) {
  size_t checked = 0, unencodable = 0;
  for (uint8_t v : {kOfp10, kOfp13, kOfp15}) {
    const std::string prefix = v == kOfp10 ? "OFPT_ERROR (xid=0x5): "
                               : v == kOfp13 ? "OFPT_ERROR (OF1.3) (xid=0x5): "
                                             : "OFPT_ERROR (OF1.5) (xid=0x5): ";
    for (int i = 0; i < static_cast<int>(OfpError::kCount); ++i) {
      const auto e = static_cast<OfpError>(i);
      const std::vector<uint8_t> offending = {v, 0x02, 0x00, 0x08, 0, 0, 0, 0x05};
      const std::string got = first_line(print(encode_error(v, e, offending)));
      if (got == prefix + "NXBRC_UNENCODABLE_ERROR") {
        ++unencodable;
        continue;
      }
      EXPECT_EQ(got, prefix + ofp_error_name(e)) << "version " << int{v};
      ++checked;
    }
  }
  std::printf("%zu errors decode to their names; %zu have no code in that version\n", checked,
              unencodable);
  EXPECT_GT(checked, 230u);
}

}  // namespace
}  // namespace dpuflow::control
