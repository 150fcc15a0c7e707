// Field registry: every OpenFlow-visible field, with the names and codes of
// ovs-fields(7).
//
// Design note
// - A field is a run of bytes in FlowKey (flow_key.h), big-endian, possibly a
//   narrower bit width than its bytes (e.g. vlan_vid is 12 bits of a be16,
//   ip_dscp is the upper 6 bits of nw_tos: n_bits 6, bit_shift 2).  Values
//   are handled right-aligned (field_value_bytes()); field_all_ones() in
//   subfield.h gives the bits a field really stores, so masking, reading and
//   writing are byte-string operations (see subfield.h).
// - tun_metadataN fields have no fixed place: the TLV map assigns each an
//   offset and length inside FlowKey::tun_metadata.  Resolve them with
//   `resolve_field()` and a TlvMap before touching bytes.
// - Lookup by name accepts the ovs-fields name, its alias (e.g. dl_src and
//   eth_src), and the NXM/OXM names (NXM_OF_ETH_SRC, OXM_OF_ETH_SRC, and the
//   Nicira names OVS prints such as NXM_NX_REG0).
//
// Thread safety: the registry is immutable after static initialisation of
// the table in field.cc (a constant array); all functions are reentrant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "dataplane/flow/flow_key.h"

namespace dpuflow::dataplane {

enum class FieldId : uint16_t {
  // metadata
  kDpHash, kRecircId, kPacketType, kConjId,
  kTunId, kTunSrc, kTunDst, kTunIpv6Src, kTunIpv6Dst, kTunFlags, kTunTos, kTunTtl,
  kTunGbpId, kTunGbpFlags,
  kTunMetadata0,  // ... kTunMetadata0 + 63
  kTunMetadata63 = kTunMetadata0 + 63,
  kMetadata, kInPort, kInPortOxm, kActsetOutput, kSkbPriority, kPktMark,
  kCtState, kCtZone, kCtMark, kCtLabel, kCtNwProto, kCtNwSrc, kCtNwDst, kCtIpv6Src,
  kCtIpv6Dst, kCtTpSrc, kCtTpDst,
  kReg0, kReg15 = kReg0 + 15,
  kXreg0, kXreg7 = kXreg0 + 7,
  kXxreg0, kXxreg3 = kXxreg0 + 3,
  // L2
  kEthSrc, kEthDst, kEthType, kVlanTci, kDlVlan, kVlanVid, kDlVlanPcp, kVlanPcp,
  // L3
  kIpv4Src, kIpv4Dst, kIpv6Src, kIpv6Dst, kIpv6Label, kIpProto, kIpDscp, kIpDscpShifted,
  kIpEcn, kIpTtl, kIpFrag,
  kArpOp, kArpSpa, kArpTpa, kArpSha, kArpTha,
  // L4
  kTcpSrc, kTcpDst, kTcpFlags, kUdpSrc, kUdpDst, kSctpSrc, kSctpDst,
  kIcmpv4Type, kIcmpv4Code, kIcmpv6Type, kIcmpv6Code,
  kNdTarget, kNdSll, kNdTll,
  kCount
};

inline constexpr int kNumFields = static_cast<int>(FieldId::kCount);

// What must hold in a flow for a field to be meaningful (ovs-fields(7)
// "Prerequisites").  Matching a field implies its prerequisite match.
enum class Prereq : uint8_t {
  kNone,
  kVlan,      // vlan_tci & 0x1000
  kArp,       // dl_type = 0x0806 or 0x8035
  kIp,        // dl_type = 0x0800
  kIpv6,      // dl_type = 0x86dd
  kIpAny,     // IPv4 or IPv6
  kTcp,       // IP any, nw_proto = 6
  kUdp,       // IP any, nw_proto = 17
  kSctp,      // IP any, nw_proto = 132
  kIcmpv4,    // IPv4, nw_proto = 1
  kIcmpv6,    // IPv6, nw_proto = 58
  kNd,        // ICMPv6 type 135 or 136
  kNdSolicit, // ICMPv6 type 135
  kNdAdvert,  // ICMPv6 type 136
  // Added after the first draft (keep the values above stable):
  kEthernet,  // packet_type = Ethernet (OVS MFP_ETHERNET: dl_src, dl_dst, vlan_tci...)
  kCtValid,   // ct_state shows a valid connection (ct_nw_src, ct_tp_dst...)
};

// How values of a field are written in ovs-ofctl syntax.
enum class FieldFormat : uint8_t {
  kDecimal,    // integer, printed in decimal (e.g. nw_ttl, tcp_dst)
  kHex,        // integer, printed 0x-hex (e.g. regs, metadata, tun_id)
  kEthernet,   // xx:xx:xx:xx:xx:xx
  kIpv4,       // dotted quad, masks as /N when CIDR
  kIpv6,       // RFC 5952 text, masks as /N when CIDR
  kOfpPort,    // port number or LOCAL/CONTROLLER/...
  kFrag,       // no/yes/first/later/not_later
  kTunFlags,   // oam/df/csum/key flags syntax
  kCtState,    // +trk-new... syntax
  kTcpFlags,   // +syn-ack... syntax (values may also be hex)
  kEthType,    // 0x-hex (dl_type)
  kPacketType, // (ns,ns_type), e.g. packet_type=(0,0x800)
};

enum class Maskable : uint8_t { kNo, kYes };

struct FieldDesc {
  FieldId id;
  std::string_view name;        // ovs-fields(7) name, e.g. "eth_src"
  std::string_view alias;       // alternative name, e.g. "dl_src"; empty if none
  std::string_view nxm_name;    // e.g. "NXM_OF_ETH_SRC"; empty if none
  std::string_view oxm_name;    // e.g. "OXM_OF_ETH_SRC"; empty if none
  uint32_t nxm_header;          // class<<16 | field<<9 | length (no has-mask bit); 0 if none
  uint32_t oxm_header;          // same, for the OXM code; 0 if none
  uint16_t offset;              // byte offset in FlowKey (tun_metadata: of the area)
  uint8_t n_bytes;              // bytes in FlowKey (0 for tun_metadataN: see resolve_field)
  uint16_t n_bits;              // width in bits, as in ovs-fields(7)
  uint8_t bit_shift;            // where the n_bits sit inside the bytes, counted from the LSB
  Maskable maskable;
  bool writable;                // can be set_field/load/move destination
  Prereq prereq;
  FieldFormat format;
  // For experimenter OXM codes (oxm_header class 0xffff, e.g. NXOXM_ET_DP_HASH)
  // the experimenter id (0x00002320 for NXOXM_ET); 0 otherwise.
  uint32_t oxm_experimenter = 0;
};

// All fields, indexed by FieldId.
const FieldDesc& field_desc(FieldId id);
std::span<const FieldDesc> all_fields();

// True for tun_metadata0..63 (no fixed bytes: see resolve_field()).
constexpr bool is_tun_metadata(FieldId id) {
  return id >= FieldId::kTunMetadata0 && id <= FieldId::kTunMetadata63;
}

// Name lookup (see the design note for accepted spellings).  Case-sensitive
// for ovs-fields names, as OVS is; NXM/OXM names are upper case.
const FieldDesc* field_by_name(std::string_view name);
// The same restricted to the ovs-fields names and aliases (no NXM/OXM
// names), as ovs-ofctl accepts them as match keys ("reg0=1", "dl_src=...",
// but not "NXM_NX_REG0=1").
const FieldDesc* field_by_ovs_name(std::string_view name);
// Lookup by NXM/OXM header (class, field; the length and has-mask bit are
// ignored).  For experimenter OXM (class 0xffff) `experimenter` selects.
const FieldDesc* field_by_header(uint32_t header, uint32_t experimenter = 0);

// A field made concrete: its byte run in FlowKey.  For fixed fields this is
// (offset, n_bytes) from the descriptor; for tun_metadataN it comes from the
// TLV map.
struct ResolvedField {
  const FieldDesc* desc;
  uint16_t offset;
  uint16_t n_bytes;
  uint16_t n_bits;    // usable bits (tun_metadata: 8 * length)
  uint8_t bit_shift;
};

// The width in bytes of a field's value as FieldValue holds it (subfield.h):
// ceil(n_bits / 8).  Values are right-aligned: value bit 0 is the field's
// least significant bit, wherever bit_shift puts it in the FlowKey bytes.
constexpr uint16_t field_value_bytes(const ResolvedField& f) { return (f.n_bits + 7) / 8; }

}  // namespace dpuflow::dataplane
