// Emc (see emc.h for the design note).
//
// Implementation notes
// - The two candidate slots of a hash are `hash & mask` and
//   `(hash >> kSecondShift) & mask`: with 8192 entries they use disjoint
//   bit ranges of the hash (bits 0-12 and 13-25), so two keys that collide
//   in one slot are unlikely to collide in the other.
// - An entry is in use when `mf != nullptr`; its hash is compared before
//   the full key, and its megaflow's `dead` flag is read only after the key
//   matched.
// - Replacement, when both candidates hold live entries for other keys:
//   the entry with the lower stored hash is evicted (ties: the first
//   candidate).  This is deterministic and, hashes being uniform, evicts
//   either candidate equally often, so neither slot pins a key forever.
// - The insertion dice is a 32-bit xorshift (Marsaglia), one per EMC:
//   cheap, no state shared between PMDs, and deterministic for tests.
#include "dataplane/datapath/emc.h"

#include <cstring>

namespace dpuflow::dataplane {
namespace {

constexpr uint32_t kSlotMask = Emc::kEntries - 1;
constexpr int kSecondShift = 13;
static_assert((Emc::kEntries & kSlotMask) == 0, "kEntries must be a power of two");

inline bool same_key(const FlowKey& a, const FlowKey& b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

Emc::Emc(uint32_t insert_inv_prob)
    : entries_(std::make_unique<Entry[]>(kEntries)), inv_prob_(insert_inv_prob) {}

Megaflow* Emc::lookup(const FlowKey& key, uint32_t hash) {
  const uint32_t slots[2] = {hash & kSlotMask, (hash >> kSecondShift) & kSlotMask};
  for (uint32_t s : slots) {
    Entry& e = entries_[s];
    if (e.mf == nullptr || e.hash != hash || !same_key(e.key, key)) continue;
    if (e.mf->dead) {
      // The key is in at most one slot (insert updates in place), so a
      // dead match is a miss.
      e.mf = nullptr;
      return nullptr;
    }
    return e.mf;
  }
  return nullptr;
}

void Emc::insert(const FlowKey& key, uint32_t hash, Megaflow* mf) {
  if (inv_prob_ == 0) return;
  if (inv_prob_ > 1) {
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 17;
    rng_ ^= rng_ << 5;
    if (rng_ % inv_prob_ != 0) return;
  }
  Entry* candidates[2] = {&entries_[hash & kSlotMask],
                          &entries_[(hash >> kSecondShift) & kSlotMask]};
  Entry* victim = nullptr;
  for (Entry* e : candidates) {
    if (e->mf != nullptr && e->hash == hash && same_key(e->key, key)) {
      e->mf = mf;  // same key: refresh in place, never cache it twice
      return;
    }
  }
  for (Entry* e : candidates) {
    if (e->mf == nullptr || e->mf->dead) {
      victim = e;
      break;
    }
  }
  if (victim == nullptr) {
    victim = candidates[1]->hash < candidates[0]->hash ? candidates[1] : candidates[0];
  }
  victim->mf = mf;
  victim->hash = hash;
  victim->key = key;
}

void Emc::sweep_dead() {
  for (size_t i = 0; i < kEntries; ++i) {
    Entry& e = entries_[i];
    if (e.mf != nullptr && e.mf->dead) e.mf = nullptr;
  }
}

void Emc::clear() {
  for (size_t i = 0; i < kEntries; ++i) entries_[i].mf = nullptr;
}

size_t Emc::n_entries() const {
  size_t n = 0;
  for (size_t i = 0; i < kEntries; ++i) {
    const Entry& e = entries_[i];
    if (e.mf != nullptr && !e.mf->dead) ++n;
  }
  return n;
}

}  // namespace dpuflow::dataplane
