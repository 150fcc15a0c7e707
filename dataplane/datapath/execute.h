// The datapath action executor: runs DpActions (dp_actions.h, OVS's ODP
// vocabulary) on one packet, with the semantics of OVS's userspace datapath
// (odp-execute.c + dpif-netdev's execute callbacks).
//
// Design note
// - Actions run in order on the packet.  An action that hands the packet
//   somewhere (output, userspace, recirc, tnl_pop) while more actions follow
//   hands a copy (PacketPool::clone) and goes on with the original; the last
//   such action hands the original.  When the list ends without handing the
//   packet off it is dropped: DropReason::kActionDrop.
// - Results go to an ExecOut the caller owns and reuses across bursts: its
//   vectors are reserve()d once, so steady-state execution does not
//   allocate (push_back within capacity).  The caller transmits outputs,
//   re-injects recirculations and sends upcalls.
// - set / masked set rewrite the header bytes and update the IPv4 header
//   checksum and the TCP/UDP/ICMPv6 checksums incrementally (a UDP checksum
//   of zero stays zero).  Header offsets are found by walking the frame
//   (Ethernet, up to two VLAN tags, IPv4 IHL, IPv6 extension headers), not
//   taken from the parse, because push/pop change them.
// - tnl_push prepends the prepared outer header and fills the per-packet
//   parts: IPv4 total length, identification-free header checksum, UDP
//   length, UDP source port from the flow hash (as OVS: within 32768-61000
//   / the ephemeral range), IPv6 payload length.  tnl_pop validates the
//   outer headers (dataplane/packet/tunnel.h), strips them, writes the
//   tunnel fields into the metadata and hands the inner frame to
//   ExecOut::recircs with in_port set by the caller from the tunnel port.
// - ct and ct_clear are not implemented until conntrack lands: the packet
//   is dropped with kCtUnsupported, never forwarded.
// - meter asks the MeterBank (token buckets); hash writes md.dp_hash.
//
// Thread safety: stateless; an ExecOut and a MeterBank are per thread.
#pragma once

#include <cstdint>
#include <vector>

#include "dataplane/datapath/dp_packet.h"
#include "dataplane/flow/flow_key.h"
#include "dataplane/flow/tlv_map.h"
#include "dataplane/odp/dp_actions.h"

namespace dpuflow::dataplane {

// Buffers for copies.  Implemented by the port layer (mbuf pool) and by
// tests (heap buffers).  Called only when a packet must be duplicated.
class PacketPool {
 public:
  virtual ~PacketPool() = default;
  // A copy of `src` (bytes and the same headroom), false when no buffer.
  virtual bool clone(const DpPacket& src, DpPacket& dst) = 0;
  virtual void free(DpPacket& p) = 0;
};

// Token-bucket meters by datapath meter id.  A meter that is not
// configured passes everything (as OVS's datapath does).
class MeterBank;

struct ExecOutput {
  OdpPort port;
  DpPacket pkt;
};
struct ExecRecirc {
  DpPacket pkt;
  FlowKey md;           // metadata for the re-entry (recirc_id set, or tunnel fields)
  bool tnl_pop = false; // re-entry after tnl_pop: md.in_port must be set from tnl_port
  OdpPort tnl_port = 0;
};
struct ExecUpcall {
  DpPacket pkt;
  FlowKey md;
  const OdpControllerCookie* cookie;  // points into the executed DpActions
};

struct ExecOut {
  std::vector<ExecOutput> outputs;
  std::vector<ExecRecirc> recircs;
  std::vector<ExecUpcall> upcalls;
  uint64_t drops[static_cast<size_t>(DropReason::kCount)] = {};
  // Packets that were dropped and whose buffers the caller must free.
  std::vector<DpPacket> dropped;

  void reserve(size_t n) {
    outputs.reserve(n);
    recircs.reserve(n);
    upcalls.reserve(n);
    dropped.reserve(n);
  }
  void clear() {
    outputs.clear();
    recircs.clear();
    upcalls.clear();
    dropped.clear();
  }
};

struct ExecEnv {
  PacketPool* pool = nullptr;
  MeterBank* meters = nullptr;     // null: meters pass everything
  const TlvMap* tlv = nullptr;     // for tnl_pop's Geneve options
  uint64_t now_ns = 0;             // for meters
  uint32_t flow_hash = 0;          // the packet's hash (tnl_push source port)
};

// Runs `acts` on `pkt`, whose metadata is `md` (updated by hash/tnl_pop).
void execute_actions(const DpActions& acts, DpPacket pkt, const FlowKey& md, const ExecEnv& env,
                     ExecOut& out);

}  // namespace dpuflow::dataplane
