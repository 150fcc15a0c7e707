// Select-group bucket choice, as OVS 3.1 makes it (ofproto-dpif.c
// group_set_selection_method / group_setup_dp_hash_table, and the xlate
// pick_*_select_group functions), so that load balancing spreads flows the
// way OVN expects.
#include <vector>

#include "dataplane/flow/match.h"
#include "dataplane/pipeline/xlate_internal.h"

namespace dpuflow::dataplane {

// Distributes 2^k hash values over the buckets in proportion to their
// weights (Webster's method).  Returns false when no table can be built
// (no weight, or more than `max_hash` values would be needed).
bool build_dp_hash_table(const GroupSpec& g, size_t max_hash, std::vector<const Bucket*>& map) {
  size_t n = g.buckets.size();
  if (n == 0) return false;
  uint64_t total = 0;
  uint16_t min_weight = UINT16_MAX;
  for (const Bucket& b : g.buckets) {
    if (b.weight > 0 && b.weight < min_weight) min_weight = b.weight;
    total += b.weight;
  }
  if (total == 0) return false;
  uint64_t min_slots = (total + min_weight - 1) / min_weight;
  uint64_t pow2 = 1;
  while (pow2 < min_slots) pow2 <<= 1;
  uint64_t n_hash = pow2 < 16 ? 16 : pow2;
  if (n_hash > 256 * 1024 || (max_hash && n_hash > max_hash)) return false;
  struct Webster {
    uint32_t divisor = 1;
    double value = 0;
  };
  std::vector<Webster> w(n);
  for (size_t i = 0; i < n; ++i) w[i].value = g.buckets[i].weight;
  map.assign(n_hash, nullptr);
  for (uint64_t h = 0; h < n_hash; ++h) {
    size_t win = 0;
    for (size_t i = 1; i < n; ++i)
      if (w[i].value > w[win].value) win = i;
    w[win].divisor += 2;
    w[win].value = static_cast<double>(g.buckets[win].weight) / w[win].divisor;
    map[h] = &g.buckets[win];
  }
  return true;
}

const Bucket* XlateCtx::select_dp_hash_bucket(const GroupSpec& g) {
  std::vector<const Bucket*> map;
  if (!build_dp_hash_table(g, 0, map)) return nullptr;
  uint32_t hash_mask = static_cast<uint32_t>(map.size() - 1);
  wc.dp_hash |= be32(hash_mask);
  uint32_t dp_hash = host32(flow.dp_hash);
  for (uint32_t i = 0; i <= hash_mask; ++i) {
    const Bucket* b = map[(dp_hash + i) & hash_mask];
    if (b && b->weight) return b;
  }
  return nullptr;
}

// Default selection (no usable dp_hash table): a symmetric hash of the
// L2-L4 addresses, un-wildcarding them.  The bucket chosen may differ from
// OVS's for the same packet (different hash function); the set of fields
// the megaflow depends on is the same.
const Bucket* XlateCtx::select_hash_bucket(const GroupSpec& g) {
  if (g.buckets.empty()) return nullptr;
  uint64_t h = 0x9e3779b97f4a7c15ull;
  auto mix = [&](uint64_t v) { h = (h ^ v) * 0xff51afd7ed558ccdull; };
  uint64_t a = 0, b = 0;
  for (int i = 0; i < 6; ++i) {
    a = a << 8 | flow.dl_src[i];
    b = b << 8 | flow.dl_dst[i];
  }
  mix(a ^ b);
  std::memset(wc.dl_src, 0xff, 6);
  std::memset(wc.dl_dst, 0xff, 6);
  if (is_ip(flow)) {
    mix(uint64_t{flow.nw_src} ^ flow.nw_dst);
    wc.nw_src = wc.nw_dst = 0xffffffff;
  } else if (is_ipv6(flow)) {
    for (int i = 0; i < 16; ++i) mix(flow.ipv6_src[i] ^ flow.ipv6_dst[i]);
    std::memset(wc.ipv6_src, 0xff, 16);
    std::memset(wc.ipv6_dst, 0xff, 16);
  }
  if (is_ip_any(flow)) {
    mix(flow.nw_proto);
    wc.nw_proto = 0xff;
    if (flow.nw_proto == kIpProtoTcp || flow.nw_proto == kIpProtoUdp ||
        flow.nw_proto == kIpProtoSctp) {
      mix(uint64_t{flow.tp_src} ^ flow.tp_dst);
      wc.tp_src = wc.tp_dst = 0xffff;
    }
  }
  uint64_t best_score = 0;
  const Bucket* best = nullptr;
  for (const Bucket& bk : g.buckets) {
    if (!bk.weight) continue;
    uint64_t s = (h ^ (bk.bucket_id * 0x9e3779b97f4a7c15ull)) * 0xc2b2ae3d27d4eb4full;
    s = (s >> 32) * bk.weight;
    if (!best || s > best_score) {
      best = &bk;
      best_score = s;
    }
  }
  return best;
}

}  // namespace dpuflow::dataplane
