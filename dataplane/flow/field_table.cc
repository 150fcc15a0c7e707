// The field table: one row per FieldId, facts from ovs-fields(7) (OVS 3.1).
//
// Columns: id, name, alias, NXM name, OXM name, NXM header, OXM header,
// FlowKey offset, FlowKey bytes, bits, bit shift, maskable, writable,
// prerequisite, text format, OXM experimenter.
//
// Deliberate differences from ovs-fields(7), all forced by FlowKey's layout:
// - tun_flags is 16 bits wide (OVS exposes only `oam` to OpenFlow) so that the
//   datapath flags df/csum/key can be masked and printed in megaflows.
// - arp_op is 16 bits wide, as in OVS, but stored in the nw_proto byte: the
//   upper 8 bits read as zero and writes drop them (OVS does the same).
// - in_port_oxm and actset_output are 32-bit OpenFlow 1.1 port numbers stored
//   as 16-bit ports; subfield.cc converts between the two.
#include <cstddef>

#include "dataplane/flow/field_table.h"

namespace dpuflow::dataplane::internal {
namespace {

// NXM/OXM classes (ovs-fields(7), "OXM classes").
constexpr uint32_t kOf0 = 0x0000;     // NXM_OF
constexpr uint32_t kNx = 0x0001;      // NXM_NX
constexpr uint32_t kOf = 0x8000;      // OXM_OF (OpenFlow basic)
constexpr uint32_t kPktReg = 0x8001;  // OXM_OF_PKT_REG
constexpr uint32_t kExp = 0xffff;     // experimenter
constexpr uint32_t kNxExperimenter = 0x00002320;  // NXOXM_ET

constexpr uint32_t hdr(uint32_t cls, uint32_t field, uint32_t length) {
  return cls << 16 | field << 9 | length;
}
constexpr FieldId tm(int i) { return static_cast<FieldId>(static_cast<int>(FieldId::kTunMetadata0) + i); }
constexpr FieldId reg(int i) { return static_cast<FieldId>(static_cast<int>(FieldId::kReg0) + i); }
constexpr FieldId xreg(int i) { return static_cast<FieldId>(static_cast<int>(FieldId::kXreg0) + i); }
constexpr FieldId xxreg(int i) { return static_cast<FieldId>(static_cast<int>(FieldId::kXxreg0) + i); }
constexpr Maskable kMask = Maskable::kYes;
constexpr Maskable kExact = Maskable::kNo;

}  // namespace

// clang-format off
constexpr FieldDesc kFieldTable[] = {
    {FieldId::kDpHash, "dp_hash", "", "NXM_NX_DP_HASH", "NXOXM_ET_DP_HASH", hdr(kNx, 35, 4), hdr(kExp, 0, 8), offsetof(FlowKey, dp_hash), 4, 32, 0, kMask, false, Prereq::kNone, FieldFormat::kHex, kNxExperimenter},
    {FieldId::kRecircId, "recirc_id", "", "NXM_NX_RECIRC_ID", "", hdr(kNx, 36, 4), 0, offsetof(FlowKey, recirc_id), 4, 32, 0, kExact, false, Prereq::kNone, FieldFormat::kDecimal, 0},
    {FieldId::kPacketType, "packet_type", "", "", "OXM_OF_PACKET_TYPE", 0, hdr(kOf, 44, 4), offsetof(FlowKey, packet_type), 4, 32, 0, kExact, false, Prereq::kNone, FieldFormat::kPacketType, 0},
    {FieldId::kConjId, "conj_id", "", "NXM_NX_CONJ_ID", "", hdr(kNx, 37, 4), 0, offsetof(FlowKey, conj_id), 4, 32, 0, kExact, false, Prereq::kNone, FieldFormat::kDecimal, 0},
    {FieldId::kTunId, "tun_id", "tunnel_id", "NXM_NX_TUN_ID", "OXM_OF_TUNNEL_ID", hdr(kNx, 16, 8), hdr(kOf, 38, 8), offsetof(FlowKey, tun_id), 8, 64, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {FieldId::kTunSrc, "tun_src", "", "NXM_NX_TUN_IPV4_SRC", "", hdr(kNx, 31, 4), 0, offsetof(FlowKey, tun_src), 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kIpv4, 0},
    {FieldId::kTunDst, "tun_dst", "", "NXM_NX_TUN_IPV4_DST", "", hdr(kNx, 32, 4), 0, offsetof(FlowKey, tun_dst), 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kIpv4, 0},
    {FieldId::kTunIpv6Src, "tun_ipv6_src", "", "NXM_NX_TUN_IPV6_SRC", "", hdr(kNx, 109, 16), 0, offsetof(FlowKey, tun_ipv6_src), 16, 128, 0, kMask, true, Prereq::kNone, FieldFormat::kIpv6, 0},
    {FieldId::kTunIpv6Dst, "tun_ipv6_dst", "", "NXM_NX_TUN_IPV6_DST", "", hdr(kNx, 110, 16), 0, offsetof(FlowKey, tun_ipv6_dst), 16, 128, 0, kMask, true, Prereq::kNone, FieldFormat::kIpv6, 0},
    {FieldId::kTunFlags, "tun_flags", "", "NXM_NX_TUN_FLAGS", "", hdr(kNx, 104, 2), 0, offsetof(FlowKey, tun_flags), 2, 16, 0, kMask, true, Prereq::kNone, FieldFormat::kTunFlags, 0},
    {FieldId::kTunTos, "tun_tos", "", "", "", 0, 0, offsetof(FlowKey, tun_tos), 1, 8, 0, kExact, false, Prereq::kNone, FieldFormat::kDecimal, 0},
    {FieldId::kTunTtl, "tun_ttl", "", "", "", 0, 0, offsetof(FlowKey, tun_ttl), 1, 8, 0, kExact, false, Prereq::kNone, FieldFormat::kDecimal, 0},
    {FieldId::kTunGbpId, "tun_gbp_id", "", "NXM_NX_TUN_GBP_ID", "", hdr(kNx, 38, 2), 0, offsetof(FlowKey, tun_gbp_id), 2, 16, 0, kMask, true, Prereq::kNone, FieldFormat::kDecimal, 0},
    {FieldId::kTunGbpFlags, "tun_gbp_flags", "", "NXM_NX_TUN_GBP_FLAGS", "", hdr(kNx, 39, 1), 0, offsetof(FlowKey, tun_gbp_flags), 1, 8, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(0), "tun_metadata0", "", "NXM_NX_TUN_METADATA0", "", hdr(kNx, 40, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(1), "tun_metadata1", "", "NXM_NX_TUN_METADATA1", "", hdr(kNx, 41, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(2), "tun_metadata2", "", "NXM_NX_TUN_METADATA2", "", hdr(kNx, 42, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(3), "tun_metadata3", "", "NXM_NX_TUN_METADATA3", "", hdr(kNx, 43, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(4), "tun_metadata4", "", "NXM_NX_TUN_METADATA4", "", hdr(kNx, 44, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(5), "tun_metadata5", "", "NXM_NX_TUN_METADATA5", "", hdr(kNx, 45, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(6), "tun_metadata6", "", "NXM_NX_TUN_METADATA6", "", hdr(kNx, 46, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(7), "tun_metadata7", "", "NXM_NX_TUN_METADATA7", "", hdr(kNx, 47, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(8), "tun_metadata8", "", "NXM_NX_TUN_METADATA8", "", hdr(kNx, 48, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(9), "tun_metadata9", "", "NXM_NX_TUN_METADATA9", "", hdr(kNx, 49, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(10), "tun_metadata10", "", "NXM_NX_TUN_METADATA10", "", hdr(kNx, 50, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(11), "tun_metadata11", "", "NXM_NX_TUN_METADATA11", "", hdr(kNx, 51, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(12), "tun_metadata12", "", "NXM_NX_TUN_METADATA12", "", hdr(kNx, 52, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(13), "tun_metadata13", "", "NXM_NX_TUN_METADATA13", "", hdr(kNx, 53, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(14), "tun_metadata14", "", "NXM_NX_TUN_METADATA14", "", hdr(kNx, 54, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(15), "tun_metadata15", "", "NXM_NX_TUN_METADATA15", "", hdr(kNx, 55, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(16), "tun_metadata16", "", "NXM_NX_TUN_METADATA16", "", hdr(kNx, 56, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(17), "tun_metadata17", "", "NXM_NX_TUN_METADATA17", "", hdr(kNx, 57, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(18), "tun_metadata18", "", "NXM_NX_TUN_METADATA18", "", hdr(kNx, 58, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(19), "tun_metadata19", "", "NXM_NX_TUN_METADATA19", "", hdr(kNx, 59, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(20), "tun_metadata20", "", "NXM_NX_TUN_METADATA20", "", hdr(kNx, 60, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(21), "tun_metadata21", "", "NXM_NX_TUN_METADATA21", "", hdr(kNx, 61, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(22), "tun_metadata22", "", "NXM_NX_TUN_METADATA22", "", hdr(kNx, 62, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(23), "tun_metadata23", "", "NXM_NX_TUN_METADATA23", "", hdr(kNx, 63, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(24), "tun_metadata24", "", "NXM_NX_TUN_METADATA24", "", hdr(kNx, 64, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(25), "tun_metadata25", "", "NXM_NX_TUN_METADATA25", "", hdr(kNx, 65, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(26), "tun_metadata26", "", "NXM_NX_TUN_METADATA26", "", hdr(kNx, 66, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(27), "tun_metadata27", "", "NXM_NX_TUN_METADATA27", "", hdr(kNx, 67, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(28), "tun_metadata28", "", "NXM_NX_TUN_METADATA28", "", hdr(kNx, 68, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(29), "tun_metadata29", "", "NXM_NX_TUN_METADATA29", "", hdr(kNx, 69, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(30), "tun_metadata30", "", "NXM_NX_TUN_METADATA30", "", hdr(kNx, 70, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(31), "tun_metadata31", "", "NXM_NX_TUN_METADATA31", "", hdr(kNx, 71, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(32), "tun_metadata32", "", "NXM_NX_TUN_METADATA32", "", hdr(kNx, 72, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(33), "tun_metadata33", "", "NXM_NX_TUN_METADATA33", "", hdr(kNx, 73, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(34), "tun_metadata34", "", "NXM_NX_TUN_METADATA34", "", hdr(kNx, 74, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(35), "tun_metadata35", "", "NXM_NX_TUN_METADATA35", "", hdr(kNx, 75, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(36), "tun_metadata36", "", "NXM_NX_TUN_METADATA36", "", hdr(kNx, 76, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(37), "tun_metadata37", "", "NXM_NX_TUN_METADATA37", "", hdr(kNx, 77, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(38), "tun_metadata38", "", "NXM_NX_TUN_METADATA38", "", hdr(kNx, 78, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(39), "tun_metadata39", "", "NXM_NX_TUN_METADATA39", "", hdr(kNx, 79, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(40), "tun_metadata40", "", "NXM_NX_TUN_METADATA40", "", hdr(kNx, 80, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(41), "tun_metadata41", "", "NXM_NX_TUN_METADATA41", "", hdr(kNx, 81, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(42), "tun_metadata42", "", "NXM_NX_TUN_METADATA42", "", hdr(kNx, 82, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(43), "tun_metadata43", "", "NXM_NX_TUN_METADATA43", "", hdr(kNx, 83, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(44), "tun_metadata44", "", "NXM_NX_TUN_METADATA44", "", hdr(kNx, 84, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(45), "tun_metadata45", "", "NXM_NX_TUN_METADATA45", "", hdr(kNx, 85, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(46), "tun_metadata46", "", "NXM_NX_TUN_METADATA46", "", hdr(kNx, 86, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(47), "tun_metadata47", "", "NXM_NX_TUN_METADATA47", "", hdr(kNx, 87, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(48), "tun_metadata48", "", "NXM_NX_TUN_METADATA48", "", hdr(kNx, 88, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(49), "tun_metadata49", "", "NXM_NX_TUN_METADATA49", "", hdr(kNx, 89, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(50), "tun_metadata50", "", "NXM_NX_TUN_METADATA50", "", hdr(kNx, 90, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(51), "tun_metadata51", "", "NXM_NX_TUN_METADATA51", "", hdr(kNx, 91, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(52), "tun_metadata52", "", "NXM_NX_TUN_METADATA52", "", hdr(kNx, 92, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(53), "tun_metadata53", "", "NXM_NX_TUN_METADATA53", "", hdr(kNx, 93, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(54), "tun_metadata54", "", "NXM_NX_TUN_METADATA54", "", hdr(kNx, 94, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(55), "tun_metadata55", "", "NXM_NX_TUN_METADATA55", "", hdr(kNx, 95, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(56), "tun_metadata56", "", "NXM_NX_TUN_METADATA56", "", hdr(kNx, 96, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(57), "tun_metadata57", "", "NXM_NX_TUN_METADATA57", "", hdr(kNx, 97, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(58), "tun_metadata58", "", "NXM_NX_TUN_METADATA58", "", hdr(kNx, 98, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(59), "tun_metadata59", "", "NXM_NX_TUN_METADATA59", "", hdr(kNx, 99, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(60), "tun_metadata60", "", "NXM_NX_TUN_METADATA60", "", hdr(kNx, 100, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(61), "tun_metadata61", "", "NXM_NX_TUN_METADATA61", "", hdr(kNx, 101, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(62), "tun_metadata62", "", "NXM_NX_TUN_METADATA62", "", hdr(kNx, 102, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {tm(63), "tun_metadata63", "", "NXM_NX_TUN_METADATA63", "", hdr(kNx, 103, 124), 0, offsetof(FlowKey, tun_metadata), 0, 992, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {FieldId::kMetadata, "metadata", "", "", "OXM_OF_METADATA", 0, hdr(kOf, 2, 8), offsetof(FlowKey, metadata), 8, 64, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {FieldId::kInPort, "in_port", "", "NXM_OF_IN_PORT", "", hdr(kOf0, 0, 2), 0, offsetof(FlowKey, in_port), 2, 16, 0, kExact, true, Prereq::kNone, FieldFormat::kOfpPort, 0},
    {FieldId::kInPortOxm, "in_port_oxm", "", "", "OXM_OF_IN_PORT", 0, hdr(kOf, 0, 4), offsetof(FlowKey, in_port), 2, 32, 0, kExact, true, Prereq::kNone, FieldFormat::kOfpPort, 0},
    {FieldId::kActsetOutput, "actset_output", "", "", "OXM_OF_ACTSET_OUTPUT", 0, hdr(kOf, 43, 4), offsetof(FlowKey, actset_output), 2, 32, 0, kExact, false, Prereq::kNone, FieldFormat::kOfpPort, 0},
    {FieldId::kSkbPriority, "skb_priority", "", "", "", 0, 0, offsetof(FlowKey, skb_priority), 4, 32, 0, kExact, false, Prereq::kNone, FieldFormat::kHex, 0},
    {FieldId::kPktMark, "pkt_mark", "", "NXM_NX_PKT_MARK", "", hdr(kNx, 33, 4), 0, offsetof(FlowKey, pkt_mark), 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {FieldId::kCtState, "ct_state", "", "NXM_NX_CT_STATE", "", hdr(kNx, 105, 4), 0, offsetof(FlowKey, ct_state), 4, 32, 0, kMask, false, Prereq::kNone, FieldFormat::kCtState, 0},
    {FieldId::kCtZone, "ct_zone", "", "NXM_NX_CT_ZONE", "", hdr(kNx, 106, 2), 0, offsetof(FlowKey, ct_zone), 2, 16, 0, kExact, false, Prereq::kNone, FieldFormat::kHex, 0},
    {FieldId::kCtMark, "ct_mark", "", "NXM_NX_CT_MARK", "", hdr(kNx, 107, 4), 0, offsetof(FlowKey, ct_mark), 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {FieldId::kCtLabel, "ct_label", "", "NXM_NX_CT_LABEL", "", hdr(kNx, 108, 16), 0, offsetof(FlowKey, ct_label), 16, 128, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {FieldId::kCtNwProto, "ct_nw_proto", "", "NXM_NX_CT_NW_PROTO", "", hdr(kNx, 119, 1), 0, offsetof(FlowKey, ct_nw_proto), 1, 8, 0, kExact, false, Prereq::kCtValid, FieldFormat::kDecimal, 0},
    {FieldId::kCtNwSrc, "ct_nw_src", "", "NXM_NX_CT_NW_SRC", "", hdr(kNx, 120, 4), 0, offsetof(FlowKey, ct_nw_src), 4, 32, 0, kMask, false, Prereq::kCtValid, FieldFormat::kIpv4, 0},
    {FieldId::kCtNwDst, "ct_nw_dst", "", "NXM_NX_CT_NW_DST", "", hdr(kNx, 121, 4), 0, offsetof(FlowKey, ct_nw_dst), 4, 32, 0, kMask, false, Prereq::kCtValid, FieldFormat::kIpv4, 0},
    {FieldId::kCtIpv6Src, "ct_ipv6_src", "", "NXM_NX_CT_IPV6_SRC", "", hdr(kNx, 122, 16), 0, offsetof(FlowKey, ct_ipv6_src), 16, 128, 0, kMask, false, Prereq::kCtValid, FieldFormat::kIpv6, 0},
    {FieldId::kCtIpv6Dst, "ct_ipv6_dst", "", "NXM_NX_CT_IPV6_DST", "", hdr(kNx, 123, 16), 0, offsetof(FlowKey, ct_ipv6_dst), 16, 128, 0, kMask, false, Prereq::kCtValid, FieldFormat::kIpv6, 0},
    {FieldId::kCtTpSrc, "ct_tp_src", "", "NXM_NX_CT_TP_SRC", "", hdr(kNx, 124, 2), 0, offsetof(FlowKey, ct_tp_src), 2, 16, 0, kMask, false, Prereq::kCtValid, FieldFormat::kDecimal, 0},
    {FieldId::kCtTpDst, "ct_tp_dst", "", "NXM_NX_CT_TP_DST", "", hdr(kNx, 125, 2), 0, offsetof(FlowKey, ct_tp_dst), 2, 16, 0, kMask, false, Prereq::kCtValid, FieldFormat::kDecimal, 0},
    {reg(0), "reg0", "", "NXM_NX_REG0", "", hdr(kNx, 0, 4), 0, offsetof(FlowKey, regs) + 0, 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {reg(1), "reg1", "", "NXM_NX_REG1", "", hdr(kNx, 1, 4), 0, offsetof(FlowKey, regs) + 4, 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {reg(2), "reg2", "", "NXM_NX_REG2", "", hdr(kNx, 2, 4), 0, offsetof(FlowKey, regs) + 8, 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {reg(3), "reg3", "", "NXM_NX_REG3", "", hdr(kNx, 3, 4), 0, offsetof(FlowKey, regs) + 12, 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {reg(4), "reg4", "", "NXM_NX_REG4", "", hdr(kNx, 4, 4), 0, offsetof(FlowKey, regs) + 16, 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {reg(5), "reg5", "", "NXM_NX_REG5", "", hdr(kNx, 5, 4), 0, offsetof(FlowKey, regs) + 20, 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {reg(6), "reg6", "", "NXM_NX_REG6", "", hdr(kNx, 6, 4), 0, offsetof(FlowKey, regs) + 24, 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {reg(7), "reg7", "", "NXM_NX_REG7", "", hdr(kNx, 7, 4), 0, offsetof(FlowKey, regs) + 28, 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {reg(8), "reg8", "", "NXM_NX_REG8", "", hdr(kNx, 8, 4), 0, offsetof(FlowKey, regs) + 32, 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {reg(9), "reg9", "", "NXM_NX_REG9", "", hdr(kNx, 9, 4), 0, offsetof(FlowKey, regs) + 36, 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {reg(10), "reg10", "", "NXM_NX_REG10", "", hdr(kNx, 10, 4), 0, offsetof(FlowKey, regs) + 40, 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {reg(11), "reg11", "", "NXM_NX_REG11", "", hdr(kNx, 11, 4), 0, offsetof(FlowKey, regs) + 44, 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {reg(12), "reg12", "", "NXM_NX_REG12", "", hdr(kNx, 12, 4), 0, offsetof(FlowKey, regs) + 48, 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {reg(13), "reg13", "", "NXM_NX_REG13", "", hdr(kNx, 13, 4), 0, offsetof(FlowKey, regs) + 52, 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {reg(14), "reg14", "", "NXM_NX_REG14", "", hdr(kNx, 14, 4), 0, offsetof(FlowKey, regs) + 56, 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {reg(15), "reg15", "", "NXM_NX_REG15", "", hdr(kNx, 15, 4), 0, offsetof(FlowKey, regs) + 60, 4, 32, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {xreg(0), "xreg0", "", "", "OXM_OF_PKT_REG0", 0, hdr(kPktReg, 0, 8), offsetof(FlowKey, regs) + 0, 8, 64, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {xreg(1), "xreg1", "", "", "OXM_OF_PKT_REG1", 0, hdr(kPktReg, 1, 8), offsetof(FlowKey, regs) + 8, 8, 64, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {xreg(2), "xreg2", "", "", "OXM_OF_PKT_REG2", 0, hdr(kPktReg, 2, 8), offsetof(FlowKey, regs) + 16, 8, 64, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {xreg(3), "xreg3", "", "", "OXM_OF_PKT_REG3", 0, hdr(kPktReg, 3, 8), offsetof(FlowKey, regs) + 24, 8, 64, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {xreg(4), "xreg4", "", "", "OXM_OF_PKT_REG4", 0, hdr(kPktReg, 4, 8), offsetof(FlowKey, regs) + 32, 8, 64, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {xreg(5), "xreg5", "", "", "OXM_OF_PKT_REG5", 0, hdr(kPktReg, 5, 8), offsetof(FlowKey, regs) + 40, 8, 64, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {xreg(6), "xreg6", "", "", "OXM_OF_PKT_REG6", 0, hdr(kPktReg, 6, 8), offsetof(FlowKey, regs) + 48, 8, 64, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {xreg(7), "xreg7", "", "", "OXM_OF_PKT_REG7", 0, hdr(kPktReg, 7, 8), offsetof(FlowKey, regs) + 56, 8, 64, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {xxreg(0), "xxreg0", "", "NXM_NX_XXREG0", "", hdr(kNx, 111, 16), 0, offsetof(FlowKey, regs) + 0, 16, 128, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {xxreg(1), "xxreg1", "", "NXM_NX_XXREG1", "", hdr(kNx, 112, 16), 0, offsetof(FlowKey, regs) + 16, 16, 128, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {xxreg(2), "xxreg2", "", "NXM_NX_XXREG2", "", hdr(kNx, 113, 16), 0, offsetof(FlowKey, regs) + 32, 16, 128, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {xxreg(3), "xxreg3", "", "NXM_NX_XXREG3", "", hdr(kNx, 114, 16), 0, offsetof(FlowKey, regs) + 48, 16, 128, 0, kMask, true, Prereq::kNone, FieldFormat::kHex, 0},
    {FieldId::kEthSrc, "eth_src", "dl_src", "NXM_OF_ETH_SRC", "OXM_OF_ETH_SRC", hdr(kOf0, 2, 6), hdr(kOf, 4, 6), offsetof(FlowKey, dl_src), 6, 48, 0, kMask, true, Prereq::kEthernet, FieldFormat::kEthernet, 0},
    {FieldId::kEthDst, "eth_dst", "dl_dst", "NXM_OF_ETH_DST", "OXM_OF_ETH_DST", hdr(kOf0, 1, 6), hdr(kOf, 3, 6), offsetof(FlowKey, dl_dst), 6, 48, 0, kMask, true, Prereq::kEthernet, FieldFormat::kEthernet, 0},
    {FieldId::kEthType, "eth_type", "dl_type", "NXM_OF_ETH_TYPE", "OXM_OF_ETH_TYPE", hdr(kOf0, 3, 2), hdr(kOf, 5, 2), offsetof(FlowKey, dl_type), 2, 16, 0, kExact, false, Prereq::kEthernet, FieldFormat::kEthType, 0},
    {FieldId::kVlanTci, "vlan_tci", "", "NXM_OF_VLAN_TCI", "", hdr(kOf0, 4, 2), 0, offsetof(FlowKey, vlans[0].tci), 2, 16, 0, kMask, true, Prereq::kEthernet, FieldFormat::kHex, 0},
    {FieldId::kDlVlan, "dl_vlan", "", "", "", 0, 0, offsetof(FlowKey, vlans[0].tci), 2, 12, 0, kExact, true, Prereq::kEthernet, FieldFormat::kDecimal, 0},
    {FieldId::kVlanVid, "vlan_vid", "", "", "OXM_OF_VLAN_VID", 0, hdr(kOf, 6, 2), offsetof(FlowKey, vlans[0].tci), 2, 12, 0, kMask, true, Prereq::kEthernet, FieldFormat::kDecimal, 0},
    {FieldId::kDlVlanPcp, "dl_vlan_pcp", "", "", "", 0, 0, offsetof(FlowKey, vlans[0].tci), 2, 3, 13, kExact, true, Prereq::kEthernet, FieldFormat::kDecimal, 0},
    {FieldId::kVlanPcp, "vlan_pcp", "", "", "OXM_OF_VLAN_PCP", 0, hdr(kOf, 7, 1), offsetof(FlowKey, vlans[0].tci), 2, 3, 13, kExact, true, Prereq::kVlan, FieldFormat::kDecimal, 0},
    {FieldId::kIpv4Src, "ip_src", "nw_src", "NXM_OF_IP_SRC", "OXM_OF_IPV4_SRC", hdr(kOf0, 7, 4), hdr(kOf, 11, 4), offsetof(FlowKey, nw_src), 4, 32, 0, kMask, true, Prereq::kIp, FieldFormat::kIpv4, 0},
    {FieldId::kIpv4Dst, "ip_dst", "nw_dst", "NXM_OF_IP_DST", "OXM_OF_IPV4_DST", hdr(kOf0, 8, 4), hdr(kOf, 12, 4), offsetof(FlowKey, nw_dst), 4, 32, 0, kMask, true, Prereq::kIp, FieldFormat::kIpv4, 0},
    {FieldId::kIpv6Src, "ipv6_src", "", "NXM_NX_IPV6_SRC", "OXM_OF_IPV6_SRC", hdr(kNx, 19, 16), hdr(kOf, 26, 16), offsetof(FlowKey, ipv6_src), 16, 128, 0, kMask, true, Prereq::kIpv6, FieldFormat::kIpv6, 0},
    {FieldId::kIpv6Dst, "ipv6_dst", "", "NXM_NX_IPV6_DST", "OXM_OF_IPV6_DST", hdr(kNx, 20, 16), hdr(kOf, 27, 16), offsetof(FlowKey, ipv6_dst), 16, 128, 0, kMask, true, Prereq::kIpv6, FieldFormat::kIpv6, 0},
    {FieldId::kIpv6Label, "ipv6_label", "", "NXM_NX_IPV6_LABEL", "OXM_OF_IPV6_FLABEL", hdr(kNx, 27, 4), hdr(kOf, 28, 4), offsetof(FlowKey, ipv6_label), 4, 20, 0, kMask, true, Prereq::kIpv6, FieldFormat::kHex, 0},
    {FieldId::kIpProto, "nw_proto", "ip_proto", "NXM_OF_IP_PROTO", "OXM_OF_IP_PROTO", hdr(kOf0, 6, 1), hdr(kOf, 10, 1), offsetof(FlowKey, nw_proto), 1, 8, 0, kExact, false, Prereq::kIpAny, FieldFormat::kDecimal, 0},
    {FieldId::kIpDscp, "nw_tos", "", "NXM_OF_IP_TOS", "", hdr(kOf0, 5, 1), 0, offsetof(FlowKey, nw_tos), 1, 8, 0, kExact, true, Prereq::kIpAny, FieldFormat::kDecimal, 0},
    {FieldId::kIpDscpShifted, "ip_dscp", "", "", "OXM_OF_IP_DSCP", 0, hdr(kOf, 8, 1), offsetof(FlowKey, nw_tos), 1, 6, 2, kExact, true, Prereq::kIpAny, FieldFormat::kDecimal, 0},
    {FieldId::kIpEcn, "nw_ecn", "ip_ecn", "NXM_NX_IP_ECN", "OXM_OF_IP_ECN", hdr(kNx, 28, 1), hdr(kOf, 9, 1), offsetof(FlowKey, nw_tos), 1, 2, 0, kExact, true, Prereq::kIpAny, FieldFormat::kDecimal, 0},
    {FieldId::kIpTtl, "nw_ttl", "", "NXM_NX_IP_TTL", "", hdr(kNx, 29, 1), 0, offsetof(FlowKey, nw_ttl), 1, 8, 0, kExact, true, Prereq::kIpAny, FieldFormat::kDecimal, 0},
    {FieldId::kIpFrag, "ip_frag", "nw_frag", "NXM_NX_IP_FRAG", "", hdr(kNx, 26, 1), 0, offsetof(FlowKey, nw_frag), 1, 2, 0, kMask, false, Prereq::kIpAny, FieldFormat::kFrag, 0},
    {FieldId::kArpOp, "arp_op", "", "NXM_OF_ARP_OP", "OXM_OF_ARP_OP", hdr(kOf0, 15, 2), hdr(kOf, 21, 2), offsetof(FlowKey, nw_proto), 1, 16, 0, kExact, true, Prereq::kArp, FieldFormat::kDecimal, 0},
    {FieldId::kArpSpa, "arp_spa", "", "NXM_OF_ARP_SPA", "OXM_OF_ARP_SPA", hdr(kOf0, 16, 4), hdr(kOf, 22, 4), offsetof(FlowKey, nw_src), 4, 32, 0, kMask, true, Prereq::kArp, FieldFormat::kIpv4, 0},
    {FieldId::kArpTpa, "arp_tpa", "", "NXM_OF_ARP_TPA", "OXM_OF_ARP_TPA", hdr(kOf0, 17, 4), hdr(kOf, 23, 4), offsetof(FlowKey, nw_dst), 4, 32, 0, kMask, true, Prereq::kArp, FieldFormat::kIpv4, 0},
    {FieldId::kArpSha, "arp_sha", "", "NXM_NX_ARP_SHA", "OXM_OF_ARP_SHA", hdr(kNx, 17, 6), hdr(kOf, 24, 6), offsetof(FlowKey, arp_sha), 6, 48, 0, kMask, true, Prereq::kArp, FieldFormat::kEthernet, 0},
    {FieldId::kArpTha, "arp_tha", "", "NXM_NX_ARP_THA", "OXM_OF_ARP_THA", hdr(kNx, 18, 6), hdr(kOf, 25, 6), offsetof(FlowKey, arp_tha), 6, 48, 0, kMask, true, Prereq::kArp, FieldFormat::kEthernet, 0},
    {FieldId::kTcpSrc, "tcp_src", "tp_src", "NXM_OF_TCP_SRC", "OXM_OF_TCP_SRC", hdr(kOf0, 9, 2), hdr(kOf, 13, 2), offsetof(FlowKey, tp_src), 2, 16, 0, kMask, true, Prereq::kTcp, FieldFormat::kDecimal, 0},
    {FieldId::kTcpDst, "tcp_dst", "tp_dst", "NXM_OF_TCP_DST", "OXM_OF_TCP_DST", hdr(kOf0, 10, 2), hdr(kOf, 14, 2), offsetof(FlowKey, tp_dst), 2, 16, 0, kMask, true, Prereq::kTcp, FieldFormat::kDecimal, 0},
    {FieldId::kTcpFlags, "tcp_flags", "", "NXM_NX_TCP_FLAGS", "OXM_OF_TCP_FLAGS", hdr(kNx, 34, 2), hdr(kOf, 42, 2), offsetof(FlowKey, tcp_flags), 2, 12, 0, kMask, false, Prereq::kTcp, FieldFormat::kTcpFlags, 0},
    {FieldId::kUdpSrc, "udp_src", "", "NXM_OF_UDP_SRC", "OXM_OF_UDP_SRC", hdr(kOf0, 11, 2), hdr(kOf, 15, 2), offsetof(FlowKey, tp_src), 2, 16, 0, kMask, true, Prereq::kUdp, FieldFormat::kDecimal, 0},
    {FieldId::kUdpDst, "udp_dst", "", "NXM_OF_UDP_DST", "OXM_OF_UDP_DST", hdr(kOf0, 12, 2), hdr(kOf, 16, 2), offsetof(FlowKey, tp_dst), 2, 16, 0, kMask, true, Prereq::kUdp, FieldFormat::kDecimal, 0},
    {FieldId::kSctpSrc, "sctp_src", "", "", "OXM_OF_SCTP_SRC", 0, hdr(kOf, 17, 2), offsetof(FlowKey, tp_src), 2, 16, 0, kMask, true, Prereq::kSctp, FieldFormat::kDecimal, 0},
    {FieldId::kSctpDst, "sctp_dst", "", "", "OXM_OF_SCTP_DST", 0, hdr(kOf, 18, 2), offsetof(FlowKey, tp_dst), 2, 16, 0, kMask, true, Prereq::kSctp, FieldFormat::kDecimal, 0},
    {FieldId::kIcmpv4Type, "icmp_type", "", "NXM_OF_ICMP_TYPE", "OXM_OF_ICMPV4_TYPE", hdr(kOf0, 13, 1), hdr(kOf, 19, 1), offsetof(FlowKey, tp_src) + 1, 1, 8, 0, kExact, true, Prereq::kIcmpv4, FieldFormat::kDecimal, 0},
    {FieldId::kIcmpv4Code, "icmp_code", "", "NXM_OF_ICMP_CODE", "OXM_OF_ICMPV4_CODE", hdr(kOf0, 14, 1), hdr(kOf, 20, 1), offsetof(FlowKey, tp_dst) + 1, 1, 8, 0, kExact, true, Prereq::kIcmpv4, FieldFormat::kDecimal, 0},
    {FieldId::kIcmpv6Type, "icmpv6_type", "", "NXM_NX_ICMPV6_TYPE", "OXM_OF_ICMPV6_TYPE", hdr(kNx, 21, 1), hdr(kOf, 29, 1), offsetof(FlowKey, tp_src) + 1, 1, 8, 0, kExact, true, Prereq::kIcmpv6, FieldFormat::kDecimal, 0},
    {FieldId::kIcmpv6Code, "icmpv6_code", "", "NXM_NX_ICMPV6_CODE", "OXM_OF_ICMPV6_CODE", hdr(kNx, 22, 1), hdr(kOf, 30, 1), offsetof(FlowKey, tp_dst) + 1, 1, 8, 0, kExact, true, Prereq::kIcmpv6, FieldFormat::kDecimal, 0},
    {FieldId::kNdTarget, "nd_target", "", "NXM_NX_ND_TARGET", "OXM_OF_IPV6_ND_TARGET", hdr(kNx, 23, 16), hdr(kOf, 31, 16), offsetof(FlowKey, nd_target), 16, 128, 0, kMask, true, Prereq::kNd, FieldFormat::kIpv6, 0},
    {FieldId::kNdSll, "nd_sll", "", "NXM_NX_ND_SLL", "OXM_OF_IPV6_ND_SLL", hdr(kNx, 24, 6), hdr(kOf, 32, 6), offsetof(FlowKey, arp_sha), 6, 48, 0, kMask, true, Prereq::kNdSolicit, FieldFormat::kEthernet, 0},
    {FieldId::kNdTll, "nd_tll", "", "NXM_NX_ND_TLL", "OXM_OF_IPV6_ND_TLL", hdr(kNx, 25, 6), hdr(kOf, 33, 6), offsetof(FlowKey, arp_tha), 6, 48, 0, kMask, true, Prereq::kNdAdvert, FieldFormat::kEthernet, 0},
};
// clang-format on

static_assert(std::size(kFieldTable) == kNumFields, "one row per FieldId");

constexpr bool table_in_id_order() {
  for (int i = 0; i < kNumFields; ++i) {
    if (static_cast<int>(kFieldTable[i].id) != i) return false;
  }
  return true;
}
static_assert(table_in_id_order(), "kFieldTable rows must follow FieldId order");

constexpr bool table_inside_flow_key() {
  for (const FieldDesc& f : kFieldTable) {
    const size_t bytes = is_tun_metadata(f.id) ? kTunMetadataBytes : f.n_bytes;
    if (f.offset + bytes > sizeof(FlowKey)) return false;
    if (!is_tun_metadata(f.id) && f.n_bytes == 0) return false;
  }
  return true;
}
static_assert(table_inside_flow_key(), "every field's bytes lie inside FlowKey");

std::span<const FieldDesc> field_table() { return kFieldTable; }

}  // namespace dpuflow::dataplane::internal
