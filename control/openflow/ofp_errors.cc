#include "control/openflow/ofp_errors.h"

#include <algorithm>
#include <array>

#include "control/openflow/ofp_msg.h"
#include "control/openflow/ofp_wire.h"

namespace dpuflow::control {

namespace {

// How one error is written in one version (OVS ofp-errors.h comments).
enum class Kind : uint8_t {
  kNone,  // not representable: sent as NXBRC_UNENCODABLE_ERROR, as OVS does
  kOf,    // standard (type, code)
  kNx,    // Nicira: (type, code) in 1.0, exp_code `code` in 1.2+
  kOnf,   // ONF experimenter, exp_type `code` (1.3)
};
struct Enc {
  Kind kind = Kind::kNone;
  uint16_t type = 0;
  uint16_t code = 0;
};
struct Row {
  OfpError e;
  const char* name;
  Enc of10, of13, of15;
};

constexpr Enc of(uint16_t t, uint16_t c) { return {Kind::kOf, t, c}; }
constexpr Enc nx10(uint16_t t, uint16_t c) { return {Kind::kNx, t, c}; }
constexpr Enc nx(uint16_t c) { return {Kind::kNx, 0, c}; }
constexpr Enc onf(uint16_t c) { return {Kind::kOnf, 0, c}; }
constexpr Enc none() { return {}; }

using E = OfpError;
constexpr Row kRows[] = {
    {E::kHelloIncompatible, "OFPHFC_INCOMPATIBLE", of(0, 0), of(0, 0), of(0, 0)},
    {E::kHelloEperm, "OFPHFC_EPERM", of(0, 1), of(0, 1), of(0, 1)},
    {E::kBadVersion, "OFPBRC_BAD_VERSION", of(1, 0), of(1, 0), of(1, 0)},
    {E::kBadType, "OFPBRC_BAD_TYPE", of(1, 1), of(1, 1), of(1, 1)},
    {E::kBadMultipart, "OFPBRC_BAD_STAT", of(1, 2), of(1, 2), of(1, 2)},
    {E::kBadExperimenter, "OFPBRC_BAD_VENDOR", of(1, 3), of(1, 3), of(1, 3)},
    {E::kBadExpType, "OFPBRC_BAD_SUBTYPE", of(1, 4), of(1, 4), of(1, 4)},
    {E::kEperm, "OFPBRC_EPERM", of(1, 5), of(1, 5), of(1, 5)},
    {E::kBadLen, "OFPBRC_BAD_LEN", of(1, 6), of(1, 6), of(1, 6)},
    {E::kBadTableId, "OFPBRC_BAD_TABLE_ID", nx10(1, 512), of(1, 9), of(1, 9)},
    {E::kBadPort, "OFPBRC_BAD_PORT", nx10(1, 514), of(1, 11), of(1, 11)},
    {E::kBadPacket, "OFPBRC_BAD_PACKET", none(), of(1, 12), of(1, 12)},
    {E::kNxmInvalid, "NXBRC_NXM_INVALID", nx10(1, 256), nx(2), nx(2)},
    {E::kNxmBadType, "NXBRC_NXM_BAD_TYPE", nx10(1, 257), nx(3), nx(3)},
    {E::kMustBeZero, "NXBRC_MUST_BE_ZERO", nx10(1, 515), nx(4), nx(4)},
    {E::kBadActionType, "OFPBAC_BAD_TYPE", of(2, 0), of(2, 0), of(2, 0)},
    {E::kBadActionLen, "OFPBAC_BAD_LEN", of(2, 1), of(2, 1), of(2, 1)},
    {E::kBadActionExperimenter, "OFPBAC_BAD_VENDOR", of(2, 2), of(2, 2), of(2, 2)},
    {E::kBadActionExpType, "OFPBAC_BAD_VENDOR_TYPE", of(2, 3), of(2, 3), of(2, 3)},
    {E::kBadOutPort, "OFPBAC_BAD_OUT_PORT", of(2, 4), of(2, 4), of(2, 4)},
    {E::kBadArgument, "OFPBAC_BAD_ARGUMENT", of(2, 5), of(2, 5), of(2, 5)},
    {E::kBadOutGroup, "OFPBAC_BAD_OUT_GROUP", none(), of(2, 9), of(2, 9)},
    {E::kMatchInconsistent, "OFPBAC_MATCH_INCONSISTENT", nx10(1, 522), of(2, 10), of(2, 10)},
    {E::kUnsupportedOrder, "OFPBAC_UNSUPPORTED_ORDER", none(), of(2, 11), of(2, 11)},
    {E::kBadSetType, "OFPBAC_BAD_SET_TYPE", nx10(1, 523), of(2, 13), of(2, 13)},
    {E::kBadSetLen, "OFPBAC_BAD_SET_LEN", nx10(1, 524), of(2, 14), of(2, 14)},
    {E::kBadSetArgument, "OFPBAC_BAD_SET_ARGUMENT", nx10(1, 525), of(2, 15), of(2, 15)},
    {E::kBadSetMask, "OFPBAC_BAD_SET_MASK", none(), onf(4250), of(2, 16)},
    {E::kActionMustBeZero, "NXBAC_MUST_BE_ZERO", nx10(2, 256), nx(11), nx(11)},
    {E::kBadConjunction, "NXBAC_BAD_CONJUNCTION", nx10(2, 526), nx(15), nx(15)},
    {E::kUnknownInst, "OFPBIC_UNKNOWN_INST", none(), of(3, 0), of(3, 0)},
    {E::kUnsupInst, "OFPBIC_UNSUP_INST", nx10(2, 257), of(3, 1), of(3, 1)},
    {E::kInstBadTableId, "OFPBIC_BAD_TABLE_ID", none(), of(3, 2), of(3, 2)},
    {E::kInstBadExperimenter, "OFPBIC_BAD_EXPERIMENTER", none(), of(3, 5), of(3, 5)},
    {E::kInstBadExpType, "OFPBIC_BAD_EXP_TYPE", none(), of(3, 6), of(3, 6)},
    {E::kInstBadLen, "OFPBIC_BAD_LEN", none(), of(3, 7), of(3, 7)},
    {E::kDupInst, "OFPBIC_DUP_INST", none(), onf(2600), of(3, 9)},
    {E::kMatchBadType, "OFPBMC_BAD_TYPE", none(), of(4, 0), of(4, 0)},
    {E::kMatchBadLen, "OFPBMC_BAD_LEN", none(), of(4, 1), of(4, 1)},
    {E::kMatchBadWildcards, "OFPBMC_BAD_WILDCARDS", nx10(1, 262), of(4, 5), of(4, 5)},
    {E::kMatchBadField, "OFPBMC_BAD_FIELD", nx10(0, 263), of(4, 6), of(4, 6)},
    {E::kMatchBadValue, "OFPBMC_BAD_VALUE", nx10(1, 258), of(4, 7), of(4, 7)},
    {E::kMatchBadMask, "OFPBMC_BAD_MASK", nx10(1, 259), of(4, 8), of(4, 8)},
    {E::kMatchBadPrereq, "OFPBMC_BAD_PREREQ", nx10(1, 260), of(4, 9), of(4, 9)},
    {E::kMatchDupField, "OFPBMC_DUP_FIELD", nx10(1, 261), of(4, 10), of(4, 10)},
    {E::kFlowModUnknown, "OFPFMFC_UNKNOWN", none(), of(5, 0), of(5, 0)},
    {E::kFlowModTableFull, "OFPFMFC_TABLE_FULL", of(3, 0), of(5, 1), of(5, 1)},
    {E::kFlowModBadTableId, "OFPFMFC_BAD_TABLE_ID", none(), of(5, 2), of(5, 2)},
    {E::kFlowModOverlap, "OFPFMFC_OVERLAP", of(3, 1), of(5, 3), of(5, 3)},
    {E::kFlowModBadTimeout, "OFPFMFC_BAD_TIMEOUT", none(), of(5, 5), of(5, 5)},
    {E::kFlowModBadCommand, "OFPFMFC_BAD_COMMAND", of(3, 4), of(5, 6), of(5, 6)},
    {E::kFlowModBadFlags, "OFPFMFC_BAD_FLAGS", nx10(3, 258), of(5, 7), of(5, 7)},
    {E::kInvalidTlvField, "NXFMFC_INVALID_TLV_FIELD", nx10(1, 536), nx(37), nx(37)},
    {E::kGroupExists, "OFPGMFC_GROUP_EXISTS", none(), of(6, 0), of(6, 0)},
    {E::kInvalidGroup, "OFPGMFC_INVALID_GROUP", none(), of(6, 1), of(6, 1)},
    {E::kOutOfGroups, "OFPGMFC_OUT_OF_GROUPS", none(), of(6, 3), of(6, 3)},
    {E::kUnknownGroup, "OFPGMFC_UNKNOWN_GROUP", none(), of(6, 8), of(6, 8)},
    {E::kGroupBadType, "OFPGMFC_BAD_TYPE", none(), of(6, 10), of(6, 10)},
    {E::kGroupBadCommand, "OFPGMFC_BAD_COMMAND", none(), of(6, 11), of(6, 11)},
    {E::kBadBucket, "OFPGMFC_BAD_BUCKET", none(), of(6, 12), of(6, 12)},
    {E::kUnknownBucket, "OFPGMFC_UNKNOWN_BUCKET", none(), none(), of(6, 15)},
    {E::kBucketExists, "OFPGMFC_BUCKET_EXISTS", none(), none(), of(6, 16)},
    {E::kMeterExists, "OFPMMFC_METER_EXISTS", none(), of(12, 1), of(12, 1)},
    {E::kInvalidMeter, "OFPMMFC_INVALID_METER", none(), of(12, 2), of(12, 2)},
    {E::kUnknownMeter, "OFPMMFC_UNKNOWN_METER", none(), of(12, 3), of(12, 3)},
    {E::kMeterBadCommand, "OFPMMFC_BAD_COMMAND", none(), of(12, 4), of(12, 4)},
    {E::kMeterBadFlags, "OFPMMFC_BAD_FLAGS", none(), of(12, 5), of(12, 5)},
    {E::kMeterBadRate, "OFPMMFC_BAD_RATE", none(), of(12, 6), of(12, 6)},
    {E::kMeterBadBand, "OFPMMFC_BAD_BAND", none(), of(12, 8), of(12, 8)},
    {E::kOutOfMeters, "OFPMMFC_OUT_OF_METERS", none(), of(12, 10), of(12, 10)},
    {E::kTableFeaturesBadTable, "OFPTFFC_BAD_TABLE", none(), of(13, 0), of(13, 0)},
    {E::kBadPropertyType, "OFPBPC_BAD_TYPE", nx10(13, 2), of(13, 2), of(14, 0)},
    {E::kBadPropertyLen, "OFPBPC_BAD_LEN", nx10(13, 3), of(13, 3), of(14, 1)},
    {E::kBadPropertyValue, "OFPBPC_BAD_VALUE", nx10(13, 4), of(13, 4), of(14, 2)},
    {E::kBadPropertyExperimenter, "OFPBPC_BAD_EXPERIMENTER", nx10(14, 5), onf(4445), of(14, 5)},
    {E::kBadPropertyExpType, "OFPBPC_BAD_EXP_TYPE", nx10(14, 6), onf(4446), of(14, 6)},
    {E::kWatchUnsupported, "OFPGMFC_WATCH_UNSUPPORTED", none(), of(6, 6), of(6, 6)},
    {E::kBadWatch, "OFPGMFC_BAD_WATCH", none(), of(6, 13), of(6, 13)},
    {E::kBundleUnknown, "OFPBFC_UNKNOWN", none(), onf(2300), of(17, 0)},
    {E::kBundleBadId, "OFPBFC_BAD_ID", none(), onf(2302), of(17, 2)},
    {E::kBundleExist, "OFPBFC_BUNDLE_EXIST", none(), onf(2303), of(17, 3)},
    {E::kBundleClosed, "OFPBFC_BUNDLE_CLOSED", none(), onf(2304), of(17, 4)},
    {E::kBundleBadType, "OFPBFC_BAD_TYPE", none(), onf(2306), of(17, 6)},
    {E::kBundleBadFlags, "OFPBFC_BAD_FLAGS", none(), onf(2307), of(17, 7)},
    {E::kBundleMsgBadLen, "OFPBFC_MSG_BAD_LEN", none(), onf(2308), of(17, 8)},
    {E::kBundleMsgBadXid, "OFPBFC_MSG_BAD_XID", none(), onf(2309), of(17, 9)},
    {E::kBundleMsgUnsup, "OFPBFC_MSG_UNSUP", none(), onf(2310), of(17, 10)},
    {E::kBundleMsgFailed, "OFPBFC_MSG_FAILED", none(), onf(2313), of(17, 13)},
    {E::kBundleBadVersion, "OFPBFC_BAD_VERSION", none(), none(), nx(22)},
    {E::kTlvBadCommand, "NXTTMFC_BAD_COMMAND", nx10(1, 527), nx(16), nx(16)},
    {E::kTlvBadOptLen, "NXTTMFC_BAD_OPT_LEN", nx10(1, 528), nx(17), nx(17)},
    {E::kTlvBadFieldIdx, "NXTTMFC_BAD_FIELD_IDX", nx10(1, 529), nx(18), nx(18)},
    {E::kTlvTableFull, "NXTTMFC_TABLE_FULL", nx10(1, 530), nx(19), nx(19)},
    {E::kTlvAlreadyMapped, "NXTTMFC_ALREADY_MAPPED", nx10(1, 531), nx(20), nx(20)},
    {E::kTlvDupEntry, "NXTTMFC_DUP_ENTRY", nx10(1, 532), nx(21), nx(21)},
    {E::kResumeNotSupported, "NXR_NOT_SUPPORTED", nx10(1, 533), nx(34), nx(34)},
    {E::kResumeStale, "NXR_STALE", nx10(1, 534), nx(35), nx(35)},
};
static_assert(std::size(kRows) == static_cast<size_t>(OfpError::kCount),
              "one row per OfpError");
constexpr bool rows_in_order() {
  for (size_t i = 0; i < std::size(kRows); ++i) {
    if (static_cast<size_t>(kRows[i].e) != i) return false;
  }
  return true;
}
static_assert(rows_in_order(), "kRows is indexed by OfpError");

// NXBRC_UNENCODABLE_ERROR: what OVS sends for an error a version lacks.
constexpr Enc kUnencodable10 = nx10(1, 521);
constexpr Enc kUnencodable12 = nx(10);

}  // namespace

const char* ofp_error_name(OfpError e) {
  const auto i = static_cast<size_t>(e);
  return i < std::size(kRows) ? kRows[i].name : "?";
}

std::vector<uint8_t> encode_error(uint8_t version, OfpError e,
                                  std::span<const uint8_t> offending) {
  const Row& row = kRows[std::min(static_cast<size_t>(e), std::size(kRows) - 1)];
  Enc enc = version == kOfp10 ? row.of10 : version == kOfp13 ? row.of13 : row.of15;
  if (enc.kind == Kind::kNone) enc = version == kOfp10 ? kUnencodable10 : kUnencodable12;
  const uint32_t xid = offending.size() >= kOfpHeaderLen
                           ? static_cast<uint32_t>(offending[4] << 24 | offending[5] << 16 |
                                                   offending[6] << 8 | offending[7])
                           : 0;
  std::vector<uint8_t> b;
  wire::Out o{b};
  put_header(b, OfpHeader{version, static_cast<uint8_t>(OfpType::kError), 0, xid});
  switch (enc.kind) {
    case Kind::kOf:
      o.u16(enc.type);
      o.u16(enc.code);
      break;
    case Kind::kNx:
      if (version == kOfp10) {
        // NXET_VENDOR, NXVC_VENDOR_ERROR, then {vendor, type, code}.
        o.u16(0xb0c2);
        o.u16(0);
        o.u32(0x00002320);
        o.u16(enc.type);
        o.u16(enc.code);
      } else {
        o.u16(0xffff);
        o.u16(enc.code);
        o.u32(0x00002320);
      }
      break;
    case Kind::kOnf:
      o.u16(0xffff);
      o.u16(enc.code);
      o.u32(0x4f4e4600);
      break;
    case Kind::kNone:
      break;
  }
  const size_t room = 0xffff - b.size();
  b.insert(b.end(), offending.begin(),
           offending.begin() + static_cast<long>(std::min(room, offending.size())));
  b[2] = static_cast<uint8_t>(b.size() >> 8);
  b[3] = static_cast<uint8_t>(b.size());
  return b;
}

}  // namespace dpuflow::control
