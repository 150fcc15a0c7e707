// The switch-description and housekeeping messages of OpenFlow 1.3 / 1.5:
// FEATURES, GET/SET_CONFIG, BARRIER, multipart framing and the DESC,
// PORT_DESC, TABLE_FEATURES, TABLE and PORT statistics bodies, and the
// bundle messages (OpenFlow 1.4+ BUNDLE_CONTROL/ADD_MESSAGE and the ONF
// extension 1.3 uses).
//
// Design note
// - Replies are built as OVS 3.1 builds them for the same request, so that
//   ovs-ofctl prints our switch as it prints OVS (ofproto.c handlers,
//   ofp-port.c, ofp-table.c).
// - Multipart replies are split at 64 KiB: every message but the last
//   carries OFPMPF_REPLY_MORE.
//
// Thread safety: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "control/openflow/ofp_actions.h"

namespace dpuflow::control {

// Message types (OpenFlow 1.3+ numbering).
enum OfpMsgType : uint8_t {
  kOfptHello = 0, kOfptError = 1, kOfptEchoRequest = 2, kOfptEchoReply = 3,
  kOfptExperimenter = 4, kOfptFeaturesRequest = 5, kOfptFeaturesReply = 6,
  kOfptGetConfigRequest = 7, kOfptGetConfigReply = 8, kOfptSetConfig = 9, kOfptPacketIn = 10,
  kOfptFlowRemoved = 11, kOfptPortStatus = 12, kOfptPacketOut = 13, kOfptFlowMod = 14,
  kOfptGroupMod = 15, kOfptPortMod = 16, kOfptTableMod = 17, kOfptMultipartRequest = 18,
  kOfptMultipartReply = 19, kOfptBarrierRequest = 20, kOfptBarrierReply = 21,
  kOfptRoleRequest = 24, kOfptRoleReply = 25, kOfptGetAsyncRequest = 26, kOfptGetAsyncReply = 27,
  kOfptSetAsync = 28, kOfptMeterMod = 29, kOfptBundleControl = 33, kOfptBundleAddMessage = 34,
};
enum OfpMpType : uint16_t {
  kMpDesc = 0, kMpFlow = 1, kMpAggregate = 2, kMpTable = 3, kMpPortStats = 4, kMpQueue = 5,
  kMpGroup = 6, kMpGroupDesc = 7, kMpGroupFeatures = 8, kMpMeter = 9, kMpMeterConfig = 10,
  kMpMeterFeatures = 11, kMpTableFeatures = 12, kMpPortDesc = 13, kMpExperimenter = 0xffff,
};

// Splits `entries` (each one complete body element) into multipart replies
// of at most 64 KiB; at least one message, even with no entries.
std::vector<std::vector<uint8_t>> encode_multipart_reply(uint8_t version, uint16_t mp_type,
                                                         uint32_t xid,
                                                         const std::vector<std::vector<uint8_t>>& entries);
// A reply with an empty body header (e.g. BARRIER_REPLY).
std::vector<uint8_t> encode_empty(uint8_t version, uint8_t type, uint32_t xid);

std::vector<uint8_t> encode_features_reply(uint8_t version, uint32_t xid, uint64_t datapath_id,
                                           uint8_t n_tables);
std::vector<uint8_t> encode_get_config_reply(uint8_t version, uint32_t xid, uint16_t flags,
                                             uint16_t miss_send_len);

struct PortDesc {
  uint16_t port_no = 0;
  std::array<uint8_t, 6> hw_addr{};
  std::string name;
  uint32_t config = 0;  // OFPPC_*
  uint32_t state = 0;   // OFPPS_* (LIVE = 4)
  uint32_t curr = 0, advertised = 0, supported = 0, peer = 0;
  uint32_t curr_speed = 0, max_speed = 0;  // kbps
};
void encode_port_desc_entry(const PortDesc& p, uint8_t version, std::vector<uint8_t>& out);

// DESC body: manufacturer, hardware, software, serial, datapath description.
std::vector<uint8_t> encode_desc_body(const std::string& mfr, const std::string& hw,
                                      const std::string& sw, const std::string& serial,
                                      const std::string& dp_desc);
// One TABLE_FEATURES entry (no properties in 1.5; the required empty ones
// in 1.3, which ovs-ofctl insists on).
void encode_table_features_entry(uint8_t table_id, uint8_t version, uint32_t max_entries,
                                 std::vector<uint8_t>& out);
void encode_table_stats_entry(uint8_t table_id, uint32_t active, uint64_t lookups,
                              uint64_t matched, std::vector<uint8_t>& out);

// One GROUP statistics entry (1.3+): counters are zero until a datapath
// counts (every bucket has its pair).
void encode_group_stats_entry(uint32_t group_id, uint32_t ref_count, size_t n_buckets,
                              uint32_t duration_sec, std::vector<uint8_t>& out);

struct PortStats {
  uint16_t port_no = 0;
  uint64_t rx_packets = 0, tx_packets = 0, rx_bytes = 0, tx_bytes = 0;
  uint64_t rx_dropped = 0, tx_dropped = 0, rx_errors = 0, tx_errors = 0;
  uint32_t duration_sec = 0, duration_nsec = 0;
};
void encode_port_stats_entry(const PortStats& s, uint8_t version, std::vector<uint8_t>& out);

// Bundles.  `onf` = the OpenFlow 1.3 ONF experimenter form.
enum class BundleCtrlType : uint16_t {
  kOpenRequest = 0, kOpenReply = 1, kCloseRequest = 2, kCloseReply = 3, kCommitRequest = 4,
  kCommitReply = 5, kDiscardRequest = 6, kDiscardReply = 7,
};
inline constexpr uint16_t kBundleAtomic = 1, kBundleOrdered = 2;
struct BundleCtrl {
  uint32_t bundle_id = 0;
  BundleCtrlType type = BundleCtrlType::kOpenRequest;
  uint16_t flags = 0;
};
struct BundleAdd {
  uint32_t bundle_id = 0;
  uint16_t flags = 0;
  std::span<const uint8_t> inner;  // the complete inner message
};
// `msg` is a BUNDLE_CONTROL (1.4+) or an ONF experimenter 2300 (1.3).
std::optional<BundleCtrl> decode_bundle_ctrl(std::span<const uint8_t> msg, WireError* err);
std::optional<BundleAdd> decode_bundle_add(std::span<const uint8_t> msg, WireError* err);
std::vector<uint8_t> encode_bundle_ctrl(const BundleCtrl& c, uint8_t version, uint32_t xid);
std::vector<uint8_t> encode_bundle_add(uint32_t bundle_id, uint16_t flags,
                                       std::span<const uint8_t> inner, uint8_t version);

// Nicira experimenter messages (type EXPERIMENTER, vendor 0x2320).
enum NxtSubtype : uint32_t {
  kNxtSetFlowFormat = 12, kNxtFlowModTableId = 15, kNxtSetPacketInFormat = 16,
  kNxtSetControllerId = 20, kNxtTlvTableMod = 24, kNxtTlvTableRequest = 25,
  kNxtTlvTableReply = 26, kNxtResume = 28, kNxtCtFlushZone = 29, kNxtPacketIn2 = 30,
  kNxtCtFlush = 32,
};
inline constexpr uint32_t kOnfVendor = 0x4f4e4600;

}  // namespace dpuflow::control
