#include "dataplane/datapath/meter_bank.h"

#include <algorithm>

namespace dpuflow::dataplane {

struct MeterBank::Meter {
  struct Band {
    uint32_t rate = 0;        // kbit/s or packets/s
    uint64_t max_bucket = 0;  // burst * 1000 (bits or 1/1000 packets)
    uint64_t bucket = 0;
    uint32_t stats_index = 0;  // the band's index in the spec (for stats)
  };
  MeterSpec spec;  // as configured, to recognise an unchanged re-configure
  bool pktps = false;
  uint32_t n_bands = 0;
  Band bands[kMeterMaxBands];
  uint64_t max_delta_ms = 0;
  uint64_t used_ns = 0;
  MeterStats stats;
};

namespace {

bool same_config(const MeterSpec& a, const MeterSpec& b) {
  if (a.flags != b.flags || a.bands.size() != b.bands.size()) return false;
  for (size_t i = 0; i < a.bands.size(); ++i) {
    const MeterBand& x = a.bands[i];
    const MeterBand& y = b.bands[i];
    if (x.type != y.type || x.rate != y.rate || x.burst_size != y.burst_size ||
        x.prec_level != y.prec_level) {
      return false;
    }
  }
  return true;
}

}  // namespace

MeterBank::MeterBank() = default;
MeterBank::~MeterBank() = default;

void MeterBank::configure(uint32_t id, const MeterSpec& spec, uint64_t now_ns) {
  if (id >= kMaxMeters) return;
  if (const Meter* old = find(id); old != nullptr && same_config(old->spec, spec)) return;
  auto m = std::make_unique<Meter>();
  m->spec = spec;
  m->pktps = (spec.flags & MeterSpec::kPktps) != 0;
  m->used_ns = now_ns;
  m->stats.n_bands = static_cast<uint32_t>(std::min(spec.bands.size(), kMeterMaxBands));
  for (uint32_t i = 0; i < m->stats.n_bands; ++i) {
    const MeterBand& b = spec.bands[i];
    if (b.type != MeterBand::Type::kDrop || b.rate == 0) continue;
    const uint32_t burst =
        (spec.flags & MeterSpec::kBurst) != 0 && b.burst_size != 0 ? b.burst_size : b.rate;
    Meter::Band& band = m->bands[m->n_bands++];
    band.rate = b.rate;
    band.max_bucket = burst * uint64_t{1000};
    band.bucket = band.max_bucket;  // starts full
    band.stats_index = i;
    m->max_delta_ms = std::max(m->max_delta_ms, band.max_bucket / band.rate);
  }
  if (meters_.size() <= id) meters_.resize(id + size_t{1});
  meters_[id] = std::move(m);
}

void MeterBank::remove(uint32_t id) {
  if (id < meters_.size()) meters_[id].reset();
}

bool MeterBank::configured(uint32_t id) const { return find(id) != nullptr; }

bool MeterBank::admit(uint32_t id, uint32_t pkt_bytes, uint64_t now_ns) {
  Meter* m = find(id);
  if (m == nullptr) return true;
  // Whole milliseconds elapsed, as OVS (now/1000 - used/1000 in µs).
  const uint64_t now_ms = now_ns / 1'000'000, used_ms = m->used_ns / 1'000'000;
  const uint64_t delta_ms = now_ms > used_ms ? std::min(now_ms - used_ms, m->max_delta_ms) : 0;
  m->used_ns = now_ns;
  m->stats.packets_in++;
  m->stats.bytes_in += pkt_bytes;
  const uint64_t volume = m->pktps ? 1000 : uint64_t{pkt_bytes} * 8;
  int fired = -1;
  uint32_t fired_rate = 0;
  for (uint32_t i = 0; i < m->n_bands; ++i) {
    Meter::Band& b = m->bands[i];
    const uint64_t room = b.max_bucket - b.bucket;  // saturate rather than overflow
    b.bucket = delta_ms > room / b.rate ? b.max_bucket : b.bucket + delta_ms * b.rate;
    if (b.bucket >= volume) {
      b.bucket -= volume;
    } else if (b.rate > fired_rate) {
      fired_rate = b.rate;
      fired = static_cast<int>(i);
    }
  }
  if (fired < 0) return true;
  const uint32_t s = m->bands[fired].stats_index;
  m->stats.band_packets[s]++;
  m->stats.band_bytes[s] += pkt_bytes;
  return false;
}

bool MeterBank::stats(uint32_t id, MeterStats& out) const {
  const Meter* m = find(id);
  if (m == nullptr) return false;
  out = m->stats;
  return true;
}

}  // namespace dpuflow::dataplane
