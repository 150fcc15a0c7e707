// OpenFlow errors as OVS names them (enum ofperr in OVS's ofp-errors.h) and
// their encoding per OpenFlow version: a standard (type, code), a Nicira
// extension error (OpenFlow 1.0: vendor error 0xb0c2 wrapping a Nicira
// type/code; 1.2+: experimenter error with an exp_code) or an ONF
// experimenter error (1.3 bundles).
//
// Thread safety: constant tables and pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace dpuflow::control {

enum class OfpError : uint8_t {
  kHelloIncompatible, kHelloEperm,
  // OFPBRC_*
  kBadVersion, kBadType, kBadMultipart, kBadExperimenter, kBadExpType, kEperm, kBadLen,
  kBadTableId, kBadPort, kBadPacket, kNxmInvalid, kNxmBadType, kMustBeZero,
  // OFPBAC_* / NXBAC_*
  kBadActionType, kBadActionLen, kBadActionExperimenter, kBadActionExpType, kBadOutPort,
  kBadArgument, kBadOutGroup, kMatchInconsistent, kUnsupportedOrder, kBadSetType, kBadSetLen,
  kBadSetArgument, kBadSetMask, kActionMustBeZero, kBadConjunction,
  // OFPBIC_*
  kUnknownInst, kUnsupInst, kInstBadTableId, kInstBadExperimenter, kInstBadExpType, kInstBadLen,
  kDupInst,
  // OFPBMC_*
  kMatchBadType, kMatchBadLen, kMatchBadWildcards, kMatchBadField, kMatchBadValue, kMatchBadMask,
  kMatchBadPrereq, kMatchDupField,
  // OFPFMFC_*
  kFlowModUnknown, kFlowModTableFull, kFlowModBadTableId, kFlowModOverlap, kFlowModBadTimeout,
  kFlowModBadCommand, kFlowModBadFlags, kInvalidTlvField,
  // OFPGMFC_*
  kGroupExists, kInvalidGroup, kOutOfGroups, kUnknownGroup, kGroupBadType, kGroupBadCommand,
  kBadBucket, kUnknownBucket, kBucketExists,
  // OFPMMFC_*
  kMeterExists, kInvalidMeter, kUnknownMeter, kMeterBadCommand, kMeterBadFlags, kMeterBadRate,
  kMeterBadBand, kOutOfMeters,
  // OFPTFFC_*, OFPBPC_*
  kTableFeaturesBadTable, kBadPropertyType, kBadPropertyLen, kBadPropertyValue,
  kBadPropertyExperimenter, kBadPropertyExpType, kWatchUnsupported, kBadWatch,
  // OFPBFC_*
  kBundleUnknown, kBundleBadId, kBundleExist, kBundleClosed, kBundleBadType, kBundleBadFlags,
  kBundleMsgBadLen, kBundleMsgBadXid, kBundleMsgUnsup, kBundleMsgFailed, kBundleBadVersion,
  // NXTTMFC_*, NXR_*
  kTlvBadCommand, kTlvBadOptLen, kTlvBadFieldIdx, kTlvTableFull, kTlvAlreadyMapped,
  kTlvDupEntry, kResumeNotSupported, kResumeStale,
  kCount
};

// OVS's name, e.g. "OFPBAC_BAD_OUT_PORT" (what ovs-ofctl prints).
const char* ofp_error_name(OfpError e);

// The ERROR message for `e` in `version`, answering `offending` (its xid;
// OVS echoes the whole message as data, cut to fit 64 KiB).
std::vector<uint8_t> encode_error(uint8_t version, OfpError e,
                                  std::span<const uint8_t> offending);

}  // namespace dpuflow::control
