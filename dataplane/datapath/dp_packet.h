// DpPacket: the datapath's view of one frame in a buffer with head- and
// tailroom, independent of where the buffer came from (a DPDK mbuf on the
// fast path, a plain byte array in unit tests and for PACKET_OUT).
//
// Design note
// - The datapath never reallocates a frame: headers are pushed into the
//   headroom (push_vlan, tnl_push) and pulled off the front (pop_vlan,
//   tnl_pop).  A push that does not fit fails and the packet is dropped
//   with a named reason; DPDK mbufs have 128 bytes of headroom, enough for
//   a Geneve header with options in front of a VLAN tag.
// - `owner` is opaque here: the port layer that produced the packet turns a
//   DpPacket back into its buffer (for an mbuf: data_off = headroom,
//   pkt_len = data_len = len) before transmitting or freeing it.
// - `md` is the packet's metadata as the datapath keys it: in_port (the
//   OpenFlow port number), recirc_id, dp_hash, tunnel fields after a
//   tnl_pop, ct_* fields.  Packet fields in `md` are not kept up to date by
//   the executor; the datapath re-parses after a recirculation.
//
// Thread safety: value type; a packet belongs to one thread at a time.
#pragma once

#include <cstdint>

#include "dataplane/flow/flow_key.h"

namespace dpuflow::dataplane {

struct DpPacket {
  uint8_t* data = nullptr;  // first byte of the frame
  uint32_t len = 0;         // frame length in bytes
  uint32_t headroom = 0;    // bytes usable before `data`
  uint32_t tailroom = 0;    // bytes usable after `data + len`
  void* owner = nullptr;    // the buffer's owner (rte_mbuf*, test buffer)

  // Makes room for `n` bytes in front; returns the new start, or nullptr
  // (packet unchanged) when the headroom is too small.
  uint8_t* push(uint32_t n) {
    if (n > headroom) return nullptr;
    data -= n;
    headroom -= n;
    len += n;
    return data;
  }
  // Removes `n` bytes from the front; false (unchanged) if shorter.
  bool pull(uint32_t n) {
    if (n > len) return false;
    data += n;
    headroom += n;
    len -= n;
    return true;
  }
  // Cuts the frame to `n` bytes (no-op if already shorter).
  void truncate(uint32_t n) {
    if (n >= len) return;
    tailroom += len - n;
    len = n;
  }
};

// Why the datapath dropped a packet; every drop is counted under one of
// these.  Names (dp_drop_reason_name) are stable metric labels.
enum class DropReason : uint8_t {
  kActionDrop,      // the actions were empty ("drop")
  kCtUnsupported,   // ct()/ct_clear until conntrack lands: never forwarded
  kMeter,           // a meter's band dropped it
  kNoHeadroom,      // push_vlan / tnl_push did not fit
  kNoBuffer,        // a copy (clone, output to several ports) found no buffer
  kTunnelPop,       // tnl_pop on a packet that is not a well-formed tunnel packet
  kTunnelPush,      // tnl_push header malformed
  kRecircDepth,     // too many recirculations of one packet
  kRecircUnknown,   // recirc_id with no frozen state
  kUpcallLimit,     // miss dropped by the upcall rate limit
  kUpcallError,     // translation failed
  kMalformed,       // the frame could not be parsed far enough
  kNoPort,          // output to a port the datapath does not have
  kTxFull,          // the port's tx queue did not take it
  kUnsupported,     // an action the executor does not implement
  kCount,
};
const char* dp_drop_reason_name(DropReason r);

}  // namespace dpuflow::dataplane
