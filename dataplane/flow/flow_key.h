// FlowKey: the fixed-layout set of header and metadata fields a packet is
// classified on, in the OpenFlow pipeline and in the datapath caches.
//
// Design note
// - Every multi-byte field is stored in network byte order (big-endian),
//   registers included.  A field is therefore a plain run of bytes at a fixed
//   offset, and the generic field code (field.h) reads, writes and masks any
//   field, or any bit range of it, with one byte-string routine.  The 128-bit
//   and 64-bit register views (xxregN, xregN) fall out of this for free: reg0
//   followed by reg1 is xreg0 with reg0 as its upper half, as in OVS.
// - The member order follows OVS's `struct flow` segments, because the
//   classifier's staged lookup (and hence the megaflow wildcards) depends on
//   which stage a field lives in: metadata, L2, L3, L4.  The stage
//   boundaries are `kStage1Begin`..`kStage3Begin` below, 8-byte aligned.
// - Like OVS, several protocol fields share storage: ARP op/spa/tpa live in
//   nw_proto/nw_src/nw_dst, ARP sha/tha double as ND sll/tll, ICMP type/code
//   live in the low byte of tp_src/tp_dst.
// - A FlowMask has the same layout: a 1 bit means "this bit matters".
//
// Thread safety: a plain value type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace dpuflow::dataplane {

// OpenFlow port numbers as OVS keeps them internally (16-bit ofp_port_t).
inline constexpr uint16_t kOfppMax = 0xff00;
inline constexpr uint16_t kOfppUnset = 0xfff7;  // "no port" for actset_output
inline constexpr uint16_t kOfppInPort = 0xfff8;
inline constexpr uint16_t kOfppTable = 0xfff9;
inline constexpr uint16_t kOfppNormal = 0xfffa;
inline constexpr uint16_t kOfppFlood = 0xfffb;
inline constexpr uint16_t kOfppAll = 0xfffc;
inline constexpr uint16_t kOfppController = 0xfffd;
inline constexpr uint16_t kOfppLocal = 0xfffe;
inline constexpr uint16_t kOfppNone = 0xffff;  // also "ANY"

// Tunnel flags (flow.tun_flags), OVS FLOW_TNL_F_* values.
inline constexpr uint16_t kTnlFOam = 1 << 0;
inline constexpr uint16_t kTnlFDontFragment = 1 << 1;
inline constexpr uint16_t kTnlFCsum = 1 << 2;
inline constexpr uint16_t kTnlFKey = 1 << 3;

// ct_state bits, as in ovs-fields(7).
inline constexpr uint32_t kCsNew = 1 << 0;
inline constexpr uint32_t kCsEstablished = 1 << 1;
inline constexpr uint32_t kCsRelated = 1 << 2;
inline constexpr uint32_t kCsReplyDir = 1 << 3;
inline constexpr uint32_t kCsInvalid = 1 << 4;
inline constexpr uint32_t kCsTracked = 1 << 5;
inline constexpr uint32_t kCsSrcNat = 1 << 6;
inline constexpr uint32_t kCsDstNat = 1 << 7;

// nw_frag bits.
inline constexpr uint8_t kFragAny = 1 << 0;    // "yes": a fragment
inline constexpr uint8_t kFragLater = 1 << 1;  // "later": not the first one
inline constexpr uint8_t kFragMask = kFragAny | kFragLater;

// Packet types (OpenFlow 1.5 packet_type, namespace << 16 | type).
inline constexpr uint32_t kPtEth = 0x00000000;

// Geneve options are kept in one byte area; the TLV map (pipeline/tlv_map.h)
// decides where each tun_metadataN lives inside it.
inline constexpr size_t kTunMetadataBytes = 64;  // OVS allows 256; OVN uses 4
inline constexpr int kNumTunMetadata = 64;
inline constexpr int kNumRegs = 16;

struct VlanHdr {
  uint16_t tpid;  // be16; 0 when absent
  uint16_t tci;   // be16; includes the CFI/present bit 0x1000 as in OVS
};

struct alignas(64) FlowKey {
  // ---- Stage 0: metadata -------------------------------------------------
  uint64_t tun_id;             // be64
  uint32_t tun_src;            // be32
  uint32_t tun_dst;            // be32
  uint8_t tun_ipv6_src[16];
  uint8_t tun_ipv6_dst[16];
  uint16_t tun_flags;          // be16, kTnlF*
  uint8_t tun_tos;
  uint8_t tun_ttl;
  uint16_t tun_tp_src;         // be16
  uint16_t tun_tp_dst;         // be16
  uint16_t tun_gbp_id;         // be16
  uint8_t tun_gbp_flags;
  uint8_t tun_pad0;
  uint64_t tun_metadata_present;  // bit N set: tun_metadataN present (host order)
  uint8_t tun_metadata[kTunMetadataBytes];
  uint64_t metadata;           // be64
  uint32_t regs[kNumRegs];     // be32 each; xreg/xxreg are views
  uint32_t skb_priority;       // be32
  uint32_t pkt_mark;           // be32
  uint32_t dp_hash;            // be32
  uint16_t in_port;            // be16, OpenFlow port (ofp_port_t)
  uint16_t pad1;
  uint32_t recirc_id;          // be32
  uint32_t ct_state;           // be32, kCs*
  uint16_t ct_zone;            // be16
  uint8_t ct_nw_proto;
  uint8_t pad2;
  uint32_t ct_mark;            // be32
  uint32_t packet_type;        // be32
  uint8_t ct_label[16];        // be128
  uint32_t conj_id;            // be32
  uint16_t actset_output;      // be16
  uint16_t pad3;
  uint64_t pad4;
  // ---- Stage 1: L2 ---------------------------------------------------------
  uint8_t dl_dst[6];
  uint8_t dl_src[6];
  uint16_t dl_type;            // be16
  uint16_t pad5;
  VlanHdr vlans[2];            // outer first
  uint64_t pad6;
  // ---- Stage 2: L3 ---------------------------------------------------------
  uint32_t nw_src;             // be32; ARP spa
  uint32_t nw_dst;             // be32; ARP tpa
  uint32_t ct_nw_src;          // be32
  uint32_t ct_nw_dst;          // be32
  uint8_t ipv6_src[16];
  uint8_t ipv6_dst[16];
  uint8_t ct_ipv6_src[16];
  uint8_t ct_ipv6_dst[16];
  uint32_t ipv6_label;         // be32 (20 bits)
  uint8_t nw_frag;             // kFrag*
  uint8_t nw_tos;              // DSCP (upper 6 bits) + ECN (lower 2)
  uint8_t nw_ttl;
  uint8_t nw_proto;            // IP protocol; ARP opcode (low 8 bits)
  // ---- Stage 3: L4 ---------------------------------------------------------
  uint8_t nd_target[16];
  uint8_t arp_sha[6];          // ND sll
  uint8_t arp_tha[6];          // ND tll
  uint16_t tcp_flags;          // be16 (12 bits)
  uint16_t pad7;
  uint16_t tp_src;             // be16; ICMP type in the low byte
  uint16_t tp_dst;             // be16; ICMP code in the low byte
  uint16_t ct_tp_src;          // be16
  uint16_t ct_tp_dst;          // be16
  uint32_t pad8;
  uint64_t pad9;

  bool operator==(const FlowKey& o) const { return std::memcmp(this, &o, sizeof *this) == 0; }
};

using FlowMask = FlowKey;

// Stage boundaries (byte offsets), 8-byte aligned, as OVS's flow segments.
inline constexpr size_t kStage1Begin = offsetof(FlowKey, dl_dst);
inline constexpr size_t kStage2Begin = offsetof(FlowKey, nw_src);
inline constexpr size_t kStage3Begin = offsetof(FlowKey, nd_target);
inline constexpr size_t kFlowKeyBytes = sizeof(FlowKey);

static_assert(kStage1Begin % 8 == 0 && kStage2Begin % 8 == 0 && kStage3Begin % 8 == 0,
              "stages must be 8-byte aligned");
static_assert(offsetof(FlowKey, tp_dst) == offsetof(FlowKey, tp_src) + 2,
              "tp_src:tp_dst form the 32-bit ports word used by the ports trie");
static_assert(offsetof(FlowKey, tp_src) % 4 == 0, "ports word must be 4-byte aligned");
static_assert(offsetof(FlowKey, regs) % 8 == 0, "xregs must be 8-byte aligned");
static_assert(sizeof(FlowKey) % 64 == 0, "FlowKey is a whole number of cache lines");
static_assert(sizeof(FlowKey) <= 512, "FlowKey must stay within 8 cache lines");

// Byte-order helpers.  The pipeline and the fast path touch be fields through
// these so that intent is visible at the call site.
constexpr uint16_t be16(uint16_t v) { return __builtin_bswap16(v); }
constexpr uint32_t be32(uint32_t v) { return __builtin_bswap32(v); }
constexpr uint64_t be64(uint64_t v) { return __builtin_bswap64(v); }
constexpr uint16_t host16(uint16_t v) { return __builtin_bswap16(v); }
constexpr uint32_t host32(uint32_t v) { return __builtin_bswap32(v); }
constexpr uint64_t host64(uint64_t v) { return __builtin_bswap64(v); }

// Register accessors in host order.
inline uint32_t get_reg(const FlowKey& k, int i) { return host32(k.regs[i]); }
inline void set_reg(FlowKey& k, int i, uint32_t v) { k.regs[i] = be32(v); }

// dl_type values.
inline constexpr uint16_t kEthTypeIp = 0x0800;
inline constexpr uint16_t kEthTypeArp = 0x0806;
inline constexpr uint16_t kEthTypeRarp = 0x8035;
inline constexpr uint16_t kEthTypeIpv6 = 0x86dd;
inline constexpr uint16_t kEthTypeVlan8021Q = 0x8100;
inline constexpr uint16_t kEthTypeVlan8021AD = 0x88a8;
inline constexpr uint16_t kEthTypeMpls = 0x8847;
inline constexpr uint16_t kEthTypeMplsMcast = 0x8848;
inline constexpr uint16_t kEthTypeNone = 0x05ff;  // OVS FLOW_DL_TYPE_NONE: no Ethertype (802.3)

inline constexpr uint8_t kIpProtoIcmp = 1;
inline constexpr uint8_t kIpProtoTcp = 6;
inline constexpr uint8_t kIpProtoUdp = 17;
inline constexpr uint8_t kIpProtoIcmpv6 = 58;
inline constexpr uint8_t kIpProtoSctp = 132;

inline bool is_ip(const FlowKey& k) { return k.dl_type == be16(kEthTypeIp); }
inline bool is_ipv6(const FlowKey& k) { return k.dl_type == be16(kEthTypeIpv6); }
inline bool is_ip_any(const FlowKey& k) { return is_ip(k) || is_ipv6(k); }
inline bool is_arp(const FlowKey& k) {
  return k.dl_type == be16(kEthTypeArp) || k.dl_type == be16(kEthTypeRarp);
}

}  // namespace dpuflow::dataplane
