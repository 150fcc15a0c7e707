// Dpcls and flow_key_hash (see dpcls.h for the design note).
//
// Implementation notes
// - Hashing works on the key as 8-byte words.  With a CRC32C
//   instruction available at compile time (x86 SSE4.2, AArch64 CRC) each
//   word is one crc32c step; otherwise each word is one multiply-rotate-
//   multiply round in the style of xxHash64.  Both end in a multiplicative
//   finalizer, so the low bits (which index the tables) depend on every
//   input bit.  The two variants give different values; each is
//   deterministic for a given build, which is all the callers need.  The
//   default build (no -march) takes the portable path; with -msse4.2 the
//   whole-key hash measured ~1.7x faster (perf/datapath_dpcls_bench).
// - A subtable is an open-addressed table of {hash, Megaflow*} slots with
//   linear probing, at most half full (a miss, the common case in all but
//   one subtable, then ends after ~2.5 probes on average), and
//   backward-shift deletion, so there are no tombstones and probe chains
//   never rot.  The stored hash is compared before the megaflow is
//   dereferenced, so a probe touches the megaflow's cache lines only for a
//   probable match.
#include "dataplane/datapath/dpcls.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <utility>

#if defined(__aarch64__) && defined(__ARM_FEATURE_CRC32)
#include <arm_acle.h>
#endif

namespace dpuflow::dataplane {
namespace {

constexpr size_t kKeyWords = sizeof(FlowKey) / sizeof(uint64_t);
static_assert(sizeof(FlowKey) % sizeof(uint64_t) == 0, "FlowKey must be whole 8-byte words");
static_assert(kKeyWords % 4 == 0, "flow_key_hash runs four lanes over the words");
static_assert(kKeyWords <= 256, "word indexes are stored as uint8_t");

// Word `i` of a key.  memcpy keeps this free of aliasing questions; it
// compiles to one load.
inline uint64_t key_word(const FlowKey& k, size_t i) {
  uint64_t w;
  std::memcpy(&w, reinterpret_cast<const unsigned char*>(&k) + i * sizeof w, sizeof w);
  return w;
}

constexpr uint64_t kPrime1 = 0x9e3779b185ebca87ULL;
constexpr uint64_t kPrime2 = 0xc2b2ae3d27d4eb4fULL;

inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

// Murmur3's 64-bit finalizer: every output bit depends on every input bit.
inline uint64_t fmix64(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

#if (defined(__x86_64__) && defined(__SSE4_2__)) || \
    (defined(__aarch64__) && defined(__ARM_FEATURE_CRC32))
// Accumulator: a CRC32C state.
using HashAcc = uint32_t;
inline HashAcc acc_init(uint32_t basis, uint32_t lane) { return basis + lane * 0x9e3779b9U; }
inline HashAcc acc_add(HashAcc a, uint64_t w) {
#if defined(__x86_64__)
  return static_cast<uint32_t>(__builtin_ia32_crc32di(a, w));
#else
  return __crc32cd(a, w);
#endif
}
inline uint32_t acc_finish(HashAcc a, uint32_t n_words) {
  return static_cast<uint32_t>(fmix64((uint64_t{a} << 32) | n_words));
}
// CRC is linear and the lanes are shifted copies of one another, so they
// must not be folded together with CRC or XOR alone (a bit flip in one lane
// would then cancel against the same flip one word later in another): the
// multiply makes the two halves' contributions independent.
inline uint32_t acc_finish4(HashAcc a0, HashAcc a1, HashAcc a2, HashAcc a3, uint32_t n_words) {
  uint64_t lo = (uint64_t{a1} << 32 | a0) ^ n_words;
  uint64_t hi = uint64_t{a3} << 32 | a2;
  return static_cast<uint32_t>(fmix64(lo * kPrime1 ^ hi));
}
#else
// Accumulator: one xxHash64-style lane.
using HashAcc = uint64_t;
inline HashAcc acc_init(uint32_t basis, uint32_t lane) {
  return (uint64_t{basis} + kPrime2) * kPrime1 + lane * kPrime2;
}
inline HashAcc acc_add(HashAcc a, uint64_t w) { return rotl64(a + w * kPrime2, 31) * kPrime1; }
inline uint32_t acc_finish(HashAcc a, uint32_t n_words) {
  return static_cast<uint32_t>(fmix64(a ^ n_words));
}
inline uint32_t acc_finish4(HashAcc a0, HashAcc a1, HashAcc a2, HashAcc a3, uint32_t n_words) {
  uint64_t h = rotl64(a0, 1) + rotl64(a1, 7) + rotl64(a2, 12) + rotl64(a3, 18);
  return static_cast<uint32_t>(fmix64(h ^ n_words));
}
#endif

// The words of FlowKey a mask touches, with the mask's value in each.
struct MaskWords {
  uint32_t n = 0;
  uint8_t idx[kKeyWords];
  uint64_t mask[kKeyWords];

  explicit MaskWords(const FlowMask& m) {
    for (size_t i = 0; i < kKeyWords; ++i) {
      uint64_t w = key_word(m, i);
      if (w != 0) {
        idx[n] = static_cast<uint8_t>(i);
        mask[n] = w;
        ++n;
      }
    }
  }
  bool operator==(const MaskWords& o) const {
    return n == o.n && std::memcmp(idx, o.idx, n) == 0 &&
           std::memcmp(mask, o.mask, n * sizeof mask[0]) == 0;
  }
};

// One mask's table.  Dpcls::Subtable derives from this so that the helpers
// below, outside the class, can work on it.
struct SubtableImpl {
  struct Slot {
    Megaflow* mf;   // nullptr: empty
    uint32_t hash;  // hash of the masked key (valid when mf != nullptr)
  };
  static constexpr size_t kMinSlots = 16;

  // Hot fields first: a probe reads these and the start of `words`.
  Slot* slots = nullptr;  // slot_mask + 1 entries; owned (storage)
  size_t slot_mask = 0;
  size_t n = 0;       // megaflows held
  uint64_t hits = 0;  // since the last rank()
  MaskWords words;
  std::unique_ptr<Slot[]> storage;

  explicit SubtableImpl(const MaskWords& w) : words(w) { resize(kMinSlots); }

  // Hash of (key & mask) over this subtable's words only.
  uint32_t hash_key(const FlowKey& key) const {
    HashAcc a = acc_init(0, 0);
    for (uint32_t j = 0; j < words.n; ++j)
      a = acc_add(a, key_word(key, words.idx[j]) & words.mask[j]);
    return acc_finish(a, words.n);
  }

  bool matches(const FlowKey& key, const Megaflow& mf) const {
    for (uint32_t j = 0; j < words.n; ++j) {
      uint32_t w = words.idx[j];
      if ((key_word(key, w) & words.mask[j]) != key_word(mf.key, w)) return false;
    }
    return true;
  }

  // At most half full, so an empty slot always ends the probe.
  Megaflow* find(const FlowKey& key, uint32_t h) const {
    for (size_t i = h & slot_mask;; i = (i + 1) & slot_mask) {
      const Slot& s = slots[i];
      if (s.mf == nullptr) return nullptr;
      if (s.hash == h && matches(key, *s.mf)) return s.mf;
    }
  }

  void prefetch(uint32_t h) const { __builtin_prefetch(&slots[h & slot_mask]); }

  // Once the home slot is cached: if it probably holds the match, start
  // loading the megaflow's first compared key line.
  void prefetch_match(uint32_t h) const {
    const Slot& s = slots[h & slot_mask];
    if (s.mf != nullptr && s.hash == h && words.n != 0) {
      __builtin_prefetch(reinterpret_cast<const unsigned char*>(&s.mf->key) + words.idx[0] * 8);
    }
  }

  void resize(size_t n_slots) {
    auto fresh = std::make_unique<Slot[]>(n_slots);
    for (size_t i = 0; i < n_slots; ++i) fresh[i] = Slot{nullptr, 0};
    size_t new_mask = n_slots - 1;
    for (size_t i = 0; i <= slot_mask && slots != nullptr; ++i) {
      const Slot& s = slots[i];
      if (s.mf == nullptr) continue;
      size_t j = s.hash & new_mask;
      while (fresh[j].mf != nullptr) j = (j + 1) & new_mask;
      fresh[j] = s;
    }
    storage = std::move(fresh);
    slots = storage.get();
    slot_mask = new_mask;
  }

  // False if `mf` itself is already here.
  bool insert(Megaflow* mf) {
    if ((n + 1) * 2 > slot_mask + 1) resize((slot_mask + 1) * 2);
    uint32_t h = hash_key(mf->key);
    size_t i = h & slot_mask;
    for (; slots[i].mf != nullptr; i = (i + 1) & slot_mask) {
      if (slots[i].mf == mf) return false;
    }
    slots[i] = Slot{mf, h};
    ++n;
    return true;
  }

  // Backward-shift deletion: entries after the hole move back into it when
  // their home slot is not between the hole and them.
  bool remove(const Megaflow* mf) {
    uint32_t h = hash_key(mf->key);
    size_t i = h & slot_mask;
    for (; slots[i].mf != mf; i = (i + 1) & slot_mask) {
      if (slots[i].mf == nullptr) return false;
    }
    for (size_t j = (i + 1) & slot_mask; slots[j].mf != nullptr; j = (j + 1) & slot_mask) {
      size_t home = slots[j].hash & slot_mask;
      if (((j - home) & slot_mask) >= ((j - i) & slot_mask)) {
        slots[i] = slots[j];
        i = j;
      }
    }
    slots[i] = Slot{nullptr, 0};
    --n;
    return true;
  }
};

// Keys looked up together by lookup_batch (a pending-key bitmap per chunk).
constexpr size_t kBatchChunk = 64;
static_assert(kBatchChunk == 64, "the pending set is one uint64_t");

}  // namespace

uint32_t flow_key_hash(const FlowKey& key, uint32_t basis) {
  HashAcc a0 = acc_init(basis, 0), a1 = acc_init(basis, 1);
  HashAcc a2 = acc_init(basis, 2), a3 = acc_init(basis, 3);
  for (size_t i = 0; i < kKeyWords; i += 4) {
    a0 = acc_add(a0, key_word(key, i));
    a1 = acc_add(a1, key_word(key, i + 1));
    a2 = acc_add(a2, key_word(key, i + 2));
    a3 = acc_add(a3, key_word(key, i + 3));
  }
  return acc_finish4(a0, a1, a2, a3, static_cast<uint32_t>(kKeyWords));
}

namespace {

// The 8-byte words of FlowKey that tell packets apart in practice: the
// tunnel's id and addresses, the metadata run from skb_priority to
// ct_mark (dp_hash, in_port, recirc_id, ct_state, ct_zone), Ethernet and
// VLANs, IPv4/ARP addresses, IPv6 addresses, the fragment/TOS/TTL/proto
// word, the ND target and the L4 ports.  Computed once, at compile time.
constexpr size_t word_of(size_t ofs) { return ofs / 8; }
struct PacketWords {
  uint8_t idx[40];
  size_t n = 0;
  constexpr void add_range(size_t begin, size_t end) {
    for (size_t w = word_of(begin); w <= word_of(end - 1); ++w) {
      bool seen = false;
      for (size_t i = 0; i < n; ++i) seen |= idx[i] == w;
      if (!seen) idx[n++] = static_cast<uint8_t>(w);
    }
  }
};
constexpr PacketWords make_packet_words() {
  PacketWords p{};
  p.add_range(offsetof(FlowKey, tun_id), offsetof(FlowKey, tun_dst) + 4);
  p.add_range(offsetof(FlowKey, skb_priority), offsetof(FlowKey, ct_mark) + 4);
  p.add_range(offsetof(FlowKey, dl_dst), offsetof(FlowKey, vlans) + sizeof(VlanHdr) * 2);
  p.add_range(offsetof(FlowKey, nw_src), offsetof(FlowKey, nw_dst) + 4);
  p.add_range(offsetof(FlowKey, ipv6_src), offsetof(FlowKey, ipv6_dst) + 16);
  p.add_range(offsetof(FlowKey, nw_frag), offsetof(FlowKey, nw_proto) + 1);
  p.add_range(offsetof(FlowKey, nd_target), offsetof(FlowKey, nd_target) + 16);
  p.add_range(offsetof(FlowKey, tp_src), offsetof(FlowKey, tp_dst) + 2);
  return p;
}
constexpr PacketWords kPacketWords = make_packet_words();
static_assert(kPacketWords.n <= sizeof(kPacketWords.idx), "grow PacketWords::idx");

}  // namespace

uint32_t flow_key_packet_hash(const FlowKey& key) {
  // Four independent lanes, so the multiplies of successive words overlap
  // instead of waiting on one another.
  uint64_t lane[4] = {0x27d4eb2f165667c5ULL, kPrime1, kPrime2, 0x165667b19e3779f9ULL};
  for (size_t i = 0; i < kPacketWords.n; ++i) {
    uint64_t& a = lane[i & 3];
    a = rotl64(a ^ (key_word(key, kPacketWords.idx[i]) * kPrime2), 31) * kPrime1;
  }
  const uint64_t h = rotl64(lane[0], 1) + rotl64(lane[1], 7) + rotl64(lane[2], 12) + rotl64(lane[3], 18);
  return static_cast<uint32_t>(fmix64(h));
}

struct Dpcls::Subtable : SubtableImpl {
  using SubtableImpl::SubtableImpl;
};

Dpcls::Dpcls() = default;
Dpcls::~Dpcls() = default;

size_t Dpcls::n_subtables() const { return subtables_.size(); }

void Dpcls::insert(Megaflow* mf) {
  MaskWords words(mf->mask);
#ifndef NDEBUG
  for (size_t i = 0; i < kKeyWords; ++i) {
    assert((key_word(mf->key, i) & ~key_word(mf->mask, i)) == 0 && "Megaflow key must be masked");
  }
#endif
  Subtable* st = nullptr;
  for (auto& s : subtables_) {
    if (s->words == words) {
      st = s.get();
      break;
    }
  }
  if (st == nullptr) {
    // New masks start last; rank() moves them up once they earn hits.
    subtables_.push_back(std::make_unique<Subtable>(words));
    st = subtables_.back().get();
  }
  if (st->insert(mf)) ++n_flows_;
}

bool Dpcls::remove(Megaflow* mf) {
  MaskWords words(mf->mask);
  for (auto it = subtables_.begin(); it != subtables_.end(); ++it) {
    Subtable& st = **it;
    if (!(st.words == words)) continue;
    if (!st.remove(mf)) return false;
    --n_flows_;
    if (st.n == 0) subtables_.erase(it);
    return true;
  }
  return false;
}

Megaflow* Dpcls::lookup(const FlowKey& key, uint32_t* n_searched) {
  uint32_t probed = 0;
  Megaflow* found = nullptr;
  for (auto& st : subtables_) {
    ++probed;
    found = st->find(key, st->hash_key(key));
    if (found != nullptr) {
      ++st->hits;
      break;
    }
  }
  if (n_searched != nullptr) *n_searched = probed;
  return found;
}

// Per subtable, hash every pending key and prefetch its bucket, then probe
// them all, so the bucket loads of a burst overlap.
size_t Dpcls::lookup_batch(const FlowKey* const* keys, size_t n, Megaflow** out,
                           uint64_t* n_probes) {
  size_t n_found = 0;
  uint32_t hashes[kBatchChunk];
  for (size_t base = 0; base < n; base += kBatchChunk) {
    const size_t m = std::min(kBatchChunk, n - base);
    const FlowKey* const* k = keys + base;
    Megaflow** o = out + base;
    uint64_t pending = m == kBatchChunk ? ~uint64_t{0} : (uint64_t{1} << m) - 1;
    for (size_t i = 0; i < m; ++i) o[i] = nullptr;
    for (auto& stp : subtables_) {
      if (pending == 0) break;
      Subtable& st = *stp;
      if (n_probes != nullptr) *n_probes += static_cast<uint64_t>(__builtin_popcountll(pending));
      for (uint64_t p = pending; p != 0; p &= p - 1) {
        int i = __builtin_ctzll(p);
        hashes[i] = st.hash_key(*k[i]);
        st.prefetch(hashes[i]);
      }
      for (uint64_t p = pending; p != 0; p &= p - 1) st.prefetch_match(hashes[__builtin_ctzll(p)]);
      for (uint64_t p = pending; p != 0; p &= p - 1) {
        int i = __builtin_ctzll(p);
        Megaflow* mf = st.find(*k[i], hashes[i]);
        if (mf != nullptr) {
          o[i] = mf;
          pending &= ~(uint64_t{1} << i);
          ++st.hits;
          ++n_found;
        }
      }
    }
  }
  return n_found;
}

void Dpcls::rank() {
  std::stable_sort(subtables_.begin(), subtables_.end(),
                   [](const auto& a, const auto& b) { return a->hits > b->hits; });
  for (auto& st : subtables_) st->hits = 0;
}

}  // namespace dpuflow::dataplane
