// DpPacket <-> rte_mbuf: the two views of one single-segment frame.
//
// Design note
// - A DpPacket made from an mbuf points into the mbuf's buffer and keeps
//   the mbuf as its owner; nothing is copied or allocated.  Going back sets
//   the mbuf's data offset from where `data` now is (push/pull moved it)
//   and its data and packet lengths from `len`.
// - Single segment only: the ports configure no scatter, and a chained mbuf
//   that arrives anyway is dropped by the port (counted as rx_dropped),
//   never turned into a DpPacket.
// - This header includes DPDK; only dataplane/datapath/dpdk/ and its tests
//   include it.  The rest of dpuflow sees mbufs as DpPacket::owner.
//
// Thread safety: pure functions on buffers the calling thread owns.
#pragma once

#include <rte_mbuf.h>

#include <cstdint>

#include "dataplane/datapath/dp_packet.h"

namespace dpuflow::dataplane {

// DpPacket's design note promises 128 bytes of headroom (a Geneve header
// with options in front of a VLAN tag).
static_assert(RTE_PKTMBUF_HEADROOM >= 128, "DPDK built with less mbuf headroom than dpuflow needs");

inline void mbuf_to_packet(rte_mbuf* m, DpPacket& p) {
  p.data = rte_pktmbuf_mtod(m, uint8_t*);
  p.len = m->pkt_len;
  p.headroom = rte_pktmbuf_headroom(m);
  p.tailroom = rte_pktmbuf_tailroom(m);
  p.owner = m;
}

inline rte_mbuf* packet_to_mbuf(const DpPacket& p) {
  auto* m = static_cast<rte_mbuf*>(p.owner);
  m->data_off = static_cast<uint16_t>(p.data - static_cast<uint8_t*>(m->buf_addr));
  m->data_len = static_cast<uint16_t>(p.len);
  m->pkt_len = p.len;
  return m;
}

}  // namespace dpuflow::dataplane
