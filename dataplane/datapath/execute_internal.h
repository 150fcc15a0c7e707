// What the executor's files share (execute.cc, execute_set.cc,
// execute_tunnel.cc): the frame walk that finds header offsets, Internet
// checksum arithmetic, and the per-action entry points.  Not a public
// interface: only the executor includes it.
//
// Design note
// - Offsets come from walking the bytes (Ethernet, up to two VLAN tags of
//   0x8100/0x88a8, IPv4 IHL, IPv6 extension headers 0/43/60/44/51), never
//   from an earlier parse: push_vlan, pop_vlan and tnl_push move them.
// - An IP header that fails its length checks yields no L3 at all, so set
//   actions leave such a frame alone rather than write past its end.  A
//   later fragment (non-zero offset) has no L4.
// - Checksums are updated with RFC 1624 eqn. 3 over the 16-bit words a
//   change covers: csum_replace(c, sum of the old words, sum of the new).
//   For data that is not all zero this gives the same bytes as computing
//   the checksum afresh (both land on the canonical one's-complement
//   representation), which the tests check against PacketBuilder.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dataplane/datapath/execute.h"

namespace dpuflow::dataplane::exec {

inline constexpr uint16_t kNoOfs = UINT16_MAX;

struct FrameLayout {
  uint16_t eth_type = 0;      // host order, after the VLAN tags; 0: none (802.3, truncated)
  uint16_t l3_ofs = kNoOfs;   // IPv4/IPv6/ARP header that passed its checks
  uint16_t l4_ofs = kNoOfs;   // transport header (absent for later fragments)
  uint32_t l3_end = 0;        // end of the IP datagram (without L2 padding)
  uint8_t nw_proto = 0;       // IPv4 protocol / last IPv6 next header
  bool ipv6_routing = false;  // an IPv6 routing header with segments left
};

// Walks `len` bytes at `p`.  Never reads past `p + len`.
void walk_frame(const uint8_t* p, uint32_t len, FrameLayout& fl);

inline uint16_t rd16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline void wr16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

// Sum of the big-endian 16-bit words of `p[0..n)` (an odd tail is padded
// with a zero byte), added to `acc`.  Not folded.
inline uint32_t csum_add(const uint8_t* p, size_t n, uint32_t acc = 0) {
  size_t i = 0;
  for (; i + 1 < n; i += 2) acc += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (i < n) acc += static_cast<uint32_t>(p[i] << 8);
  return acc;
}
inline uint16_t csum_fold(uint32_t acc) {
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<uint16_t>(acc);
}
// The checksum field at `c` covered words that summed to `old_sum`; they
// now sum to `new_sum` (RFC 1624 eqn. 3).
inline void csum_replace(uint8_t* c, uint32_t old_sum, uint32_t new_sum) {
  uint32_t acc = static_cast<uint16_t>(~rd16(c));
  acc += static_cast<uint16_t>(~csum_fold(old_sum));
  acc += csum_fold(new_sum);
  wr16(c, static_cast<uint16_t>(~csum_fold(acc)));
}
// A fresh checksum over `p[0..n)` plus `acc` (a pseudo-header sum).
inline uint16_t csum_finish(const uint8_t* p, size_t n, uint32_t acc) {
  return static_cast<uint16_t>(~csum_fold(csum_add(p, n, acc)));
}

// set / masked set (execute_set.cc).  A frame that does not carry the
// header the key names is left unchanged, as OVS's executor does.
void execute_set(const OdpSet& s, DpPacket& pkt);

// tnl_push: prepends and completes the outer header.  False (packet
// unchanged) with *why set when it cannot.
bool execute_tnl_push(const OdpTnlPush& t, DpPacket& pkt, uint32_t flow_hash, DropReason* why);

// tnl_pop: checks and strips the outer headers of `pkt`; `md` receives the
// re-entry metadata (all zero but the tunnel fields).  False (packet
// unchanged) when it is not a well-formed Geneve/VXLAN packet.
bool execute_tnl_pop(DpPacket& pkt, const TlvMap* tlv, FlowKey& md);

// The UDP source port OVS's native tunnels use for `hash`
// (netdev_tnl_get_src_port with the default range 32768..61000).
inline uint16_t tnl_udp_src_port(uint32_t hash) {
  constexpr uint32_t kMin = 32768, kMax = 61000;
  return static_cast<uint16_t>(((uint64_t{hash} * (kMax - kMin)) >> 32) + kMin);
}

}  // namespace dpuflow::dataplane::exec
