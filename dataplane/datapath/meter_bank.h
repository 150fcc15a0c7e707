// MeterBank: the datapath's meters, token buckets by datapath meter id,
// with the semantics of OVS 3.1's userspace datapath meters
// (dpif-netdev: dp_netdev_run_meter / dpif_netdev_meter_set).
//
// Design note
// - Each band is a token bucket refilled at its rate with millisecond
//   granularity (the time since the meter's last packet, truncated to whole
//   ms, capped to what fills the largest bucket).  kPktps meters count in
//   1/1000 packets, others in bits (rate in kbit/s).  A bucket holds at most
//   burst * 1000 units and starts full; the burst is the band's burst_size
//   when the meter has kBurst and a non-zero burst_size, else the band's
//   rate (one second's worth), as OVS.
// - A packet takes its volume from every band that has it; of the bands
//   that do not, the one with the highest rate is the one that fires: its
//   counters go up and the packet is dropped.  Only drop bands meter;
//   DSCP-remark bands and bands with rate 0 are ignored (OVS's datapath
//   refuses meters that have them), and bands past kMaxBands are ignored.
// - Meters are indexed by datapath meter id in a table that grows on
//   configure() up to kMaxMeters (OVS's MAX_METERS); ids beyond are not
//   metered.  admit() of an id that is not configured passes the packet.
//   admit() does not allocate.
// - configure() of a meter whose configuration (flags and bands) is
//   unchanged keeps its buckets and counters, so a caller may re-apply the
//   whole meter set after any pipeline change; a changed configuration
//   starts afresh (full buckets, zero counters), as OVS's meter_set does.
//
// Thread safety: single-threaded.  One MeterBank per PMD thread, used
// (configured, admitted, read) only by it, so no meter lock is taken on the
// packet path.  (OVS shares a meter between PMDs under a mutex; here each
// PMD meters its own share of the traffic.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "dataplane/pipeline/rule.h"

namespace dpuflow::dataplane {

inline constexpr size_t kMeterMaxBands = 8;  // OVS's MAX_BANDS

struct MeterStats {
  uint64_t packets_in = 0;
  uint64_t bytes_in = 0;
  uint32_t n_bands = 0;                        // the spec's bands, in spec order
  uint64_t band_packets[kMeterMaxBands] = {};  // dropped by band i
  uint64_t band_bytes[kMeterMaxBands] = {};
};

class MeterBank {
 public:
  static constexpr uint32_t kMaxMeters = 1u << 18;  // OVS dpif-netdev MAX_METERS

  MeterBank();
  ~MeterBank();
  MeterBank(const MeterBank&) = delete;
  MeterBank& operator=(const MeterBank&) = delete;

  // ---- setup -------------------------------------------------------------
  // Installs or replaces meter `id` (see the design note for an unchanged
  // spec).  `now_ns` is the time its buckets were last full.  Ids of
  // kMaxMeters or more are ignored.
  void configure(uint32_t id, const MeterSpec& spec, uint64_t now_ns = 0);
  void remove(uint32_t id);
  bool configured(uint32_t id) const;

  // ---- packet path -------------------------------------------------------
  // True when the packet of `pkt_bytes` bytes arriving at `now_ns` passes
  // meter `id`; false when a band drops it.
  bool admit(uint32_t id, uint32_t pkt_bytes, uint64_t now_ns);

  // ---- counters ----------------------------------------------------------
  // False when `id` is not configured.
  bool stats(uint32_t id, MeterStats& out) const;

 private:
  struct Meter;
  Meter* find(uint32_t id) const { return id < meters_.size() ? meters_[id].get() : nullptr; }
  std::vector<std::unique_ptr<Meter>> meters_;
};

}  // namespace dpuflow::dataplane
