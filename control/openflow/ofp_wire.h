// Shared by the wire codecs: big-endian reading/writing, and constants (OpenFlow action
// and instruction types, Nicira subtypes) and the field-header rules.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "dataplane/flow/field.h"
#include "dataplane/flow/subfield.h"
#include "dataplane/flow/tlv_map.h"

namespace dpuflow::control::wire {

inline constexpr uint32_t kNxVendor = 0x00002320;

enum OfpAt : uint16_t {
  kAtOutput = 0, kAtPushVlan = 17, kAtPopVlan = 18, kAtGroup = 22, kAtSetNwTtl = 23,
  kAtDecNwTtl = 24, kAtSetField = 25, kAtCopyField = 28, kAtMeter = 29,
  kAtExperimenter = 0xffff,
};
enum NxAst : uint16_t {
  kNxResubmit = 1, kNxRegMove = 6, kNxRegLoad = 7, kNxNote = 8, kNxResubmitTable = 14,
  kNxOutputReg = 15, kNxLearn = 16, kNxExit = 17, kNxController = 20, kNxDecTtlCntIds = 21,
  kNxStackPush = 27, kNxStackPop = 28, kNxOutputReg2 = 32, kNxRegLoad2 = 33,
  kNxConjunction = 34, kNxCt = 35, kNxNat = 36, kNxController2 = 37, kNxClone = 42,
  kNxCtClear = 43, kNxResubmitTableCt = 44, kNxLearn2 = 45, kNxCheckPktLarger = 49,
  // OpenFlow 1.0 forms of standard 1.1+ actions.
  kNxDecTtl10 = 18, kNxGroup10 = 40,
};
// OpenFlow 1.0 standard actions.
enum OfpAt10 : uint16_t {
  kAt10Output = 0, kAt10SetVlanVid = 1, kAt10SetVlanPcp = 2, kAt10StripVlan = 3,
  kAt10SetDlSrc = 4, kAt10SetDlDst = 5, kAt10SetNwSrc = 6, kAt10SetNwDst = 7,
  kAt10SetNwTos = 8, kAt10SetTpSrc = 9, kAt10SetTpDst = 10, kAt10Enqueue = 11,
};
enum OfpIt : uint16_t {
  kItGotoTable = 1, kItWriteMetadata = 2, kItWriteActions = 3, kItApplyActions = 4,
  kItClearActions = 5, kItMeter = 6, kItExperimenter = 0xffff,
};
// NXAST_CONTROLLER2 property types.
enum Nac2Prop : uint16_t {
  kNac2MaxLen = 0, kNac2ControllerId = 1, kNac2Reason = 2, kNac2Userdata = 3, kNac2Pause = 4,
  kNac2MeterId = 5,
};
// NXAST_NAT range_present bits.
enum NatRange : uint16_t {
  kNatIpv4Min = 1, kNatIpv4Max = 2, kNatIpv6Min = 4, kNatIpv6Max = 8, kNatProtoMin = 0x10,
  kNatProtoMax = 0x20,
};
// NXAST_CT flags.
inline constexpr uint16_t kCtCommit = 1, kCtForce = 2;

// How a field is named inside an action.
enum class HeaderUse : uint8_t {
  kOxmFirst,     // set_field, move/copy_field, check_pkt_larger, output_reg
  kNxmFirst,     // learn specs, stack push/pop, ct zone
};
// The 32-bit (or, for experimenter OXM, the first 32 bits of the 64-bit)
// header naming `id`, without the has-mask bit; `len` is the payload length
// to put in it (tun_metadata: the mapped length, or 124 in a subfield).
struct FieldHeader {
  uint32_t header = 0;
  uint32_t experimenter = 0;  // nonzero: a 64-bit experimenter header
};
FieldHeader field_header(dataplane::FieldId id, HeaderUse use, bool subfield,
                         const dataplane::TlvMap& tlv);

// Big-endian writer.
struct Out {
  std::vector<uint8_t>& b;
  void u8(uint8_t v) { b.push_back(v); }
  void u16(uint16_t v) { u8(static_cast<uint8_t>(v >> 8)); u8(static_cast<uint8_t>(v)); }
  void u32(uint32_t v) { u16(static_cast<uint16_t>(v >> 16)); u16(static_cast<uint16_t>(v)); }
  void u64(uint64_t v) { u32(static_cast<uint32_t>(v >> 32)); u32(static_cast<uint32_t>(v)); }
  void zeros(size_t n) { b.insert(b.end(), n, 0); }
  void header(const FieldHeader& h, uint8_t len, bool masked) {
    u32((h.header & 0xfffffe00u) | (masked ? 0x100u : 0u) | len);
    if (h.experimenter != 0) u32(h.experimenter);
  }
  // Pads to a multiple of 8 from `start`.
  void pad8(size_t start) { while ((b.size() - start) % 8 != 0) u8(0); }
  // Writes the 16-bit length at `at` as the bytes from `start`.
  void patch_len(size_t at, size_t start) {
    const size_t n = b.size() - start;
    b[at] = static_cast<uint8_t>(n >> 8);
    b[at + 1] = static_cast<uint8_t>(n);
  }
};

inline uint16_t rd16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t rd32(const uint8_t* p) { return static_cast<uint32_t>(rd16(p)) << 16 | rd16(p + 2); }
inline uint64_t rd64(const uint8_t* p) { return static_cast<uint64_t>(rd32(p)) << 32 | rd32(p + 4); }

inline uint16_t ofs_nbits(uint16_t ofs, uint16_t n_bits) {
  return static_cast<uint16_t>(ofs << 6 | (n_bits - 1));
}

}  // namespace dpuflow::control::wire
