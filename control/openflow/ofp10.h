// OpenFlow 1.0 with the Nicira extensions, the protocol plain `ovs-ofctl`
// (no -O) speaks: the ofp10_match and OFPT_FLOW_MOD, NXT_FLOW_MOD with an
// NXM match (after NXT_SET_FLOW_FORMAT nxm), NXST_FLOW / NXST_AGGREGATE
// statistics, the 1.0 FEATURES_REPLY with its port list, and the 1.0
// statistics bodies (TABLE, PORT).
//
// Design note
// - NXM matches are the same TLVs as OXM (oxm.h decodes both); the
//   NXM_NX_COOKIE(_W) entry that NXT_FLOW_MOD / NXST_FLOW use as a cookie
//   filter is taken out of the match here.
// - An ofp10_match is read as OVS reads it (ofputil_match_from_ofp10_match):
//   wildcard bits, CIDR counts for nw_src/nw_dst, and fields interpreted
//   per dl_type (nw_src is arp_spa in an ARP flow, tp_src is icmp_type in
//   an ICMP flow).
// - Port numbers are 16 bits in 1.0 and need no translation.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "control/openflow/ofp_flow.h"
#include "control/openflow/ofp_switch_msgs.h"

namespace dpuflow::control {

// OpenFlow 1.0 message and statistics types that differ from 1.3's.
enum Ofp10Type : uint8_t {
  kOfpt10PortMod = 15, kOfpt10StatsRequest = 16, kOfpt10StatsReply = 17,
  kOfpt10BarrierRequest = 18, kOfpt10BarrierReply = 19,
};
inline constexpr uint32_t kNxtFlowMod = 13;
inline constexpr uint32_t kNxstFlow = 0, kNxstAggregate = 1;
inline constexpr uint32_t kNxffOpenflow10 = 0, kNxffNxm = 2;

// ofp10_match (40 bytes at `p`) -> Match.
dataplane::Match decode_ofp10_match(const uint8_t* p);

// OFPT_FLOW_MOD (1.0) and NXT_FLOW_MOD.  `table_id_ext`: the session turned
// on NXT_FLOW_MOD_TABLE_ID (the command's high byte is the table).
std::optional<dataplane::FlowMod> decode_ofp10_flow_mod(std::span<const uint8_t> msg,
                                                        bool table_id_ext, WireError* err);
std::optional<dataplane::FlowMod> decode_nx_flow_mod(std::span<const uint8_t> msg,
                                                     bool table_id_ext,
                                                     const dataplane::TlvMap& tlv, WireError* err);
std::vector<uint8_t> encode_nx_flow_mod(const dataplane::FlowMod& fm, uint32_t xid,
                                        const dataplane::TlvMap& tlv);

// NXST_FLOW / NXST_AGGREGATE request body (after the 24-byte Nicira stats header).
std::optional<FlowStatsRequest> decode_nx_flow_stats_request(std::span<const uint8_t> body,
                                                             const dataplane::TlvMap& tlv,
                                                             WireError* err);
void encode_nx_flow_stats_entry(const dataplane::RuleSpec& rule, const FlowStats& stats,
                                const dataplane::TlvMap& tlv, std::vector<uint8_t>& out);

// 1.0 statistics replies: `header` is the 12-byte stats header (plus the
// vendor/subtype for Nicira statistics); split at 64 KiB with REPLY_MORE.
std::vector<std::vector<uint8_t>> encode_stats_reply10(uint32_t xid, uint16_t stats_type,
                                                       std::optional<uint32_t> nx_subtype,
                                                       const std::vector<std::vector<uint8_t>>& entries);

std::vector<uint8_t> encode_features_reply10(uint32_t xid, uint64_t datapath_id, uint8_t n_tables,
                                             const std::vector<PortDesc>& ports);
// One ofp10_phy_port (FEATURES_REPLY and the OVS PORT_DESC extension, stats type 13).
void encode_phy_port10(const PortDesc& p, std::vector<uint8_t>& out);
void encode_table_stats_entry10(uint8_t table_id, uint32_t active, uint32_t max_entries,
                                std::vector<uint8_t>& out);
void encode_port_stats_entry10(const PortStats& s, std::vector<uint8_t>& out);

}  // namespace dpuflow::control
