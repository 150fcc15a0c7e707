// Internal to classifier*.cc: subtables, their hash tables and the word-level
// view of FlowKey.  Not a public header.
#pragma once

#include <climits>
#include <cstdint>
#include <cstring>
#include <vector>

#include "dataplane/flow/flow_key.h"
#include "dataplane/pipeline/action.h"
#include "dataplane/pipeline/classifier.h"
#include "dataplane/pipeline/prefix_trie.h"
#include "dataplane/pipeline/rule.h"

namespace dpuflow::dataplane {

// FlowKey as 64-bit words (as OVS's miniflow sees struct flow).
using ClsWord = uint64_t __attribute__((may_alias));
inline constexpr int kFlowWords = static_cast<int>(sizeof(FlowKey) / 8);
static_assert(kFlowWords <= 64, "a subtable's word map is one uint64_t");
inline constexpr int kStageWordBegin[4] = {0, static_cast<int>(kStage1Begin / 8),
                                           static_cast<int>(kStage2Begin / 8),
                                           static_cast<int>(kStage3Begin / 8)};
inline constexpr size_t kPortsOffset = offsetof(FlowKey, tp_src);

inline const ClsWord* key_words(const FlowKey& k) { return reinterpret_cast<const ClsWord*>(&k); }
inline ClsWord* key_words(FlowKey& k) { return reinterpret_cast<ClsWord*>(&k); }
inline const uint8_t* key_bytes(const FlowKey& k) { return reinterpret_cast<const uint8_t*>(&k); }
inline uint8_t* key_bytes(FlowKey& k) { return reinterpret_cast<uint8_t*>(&k); }

inline int word_stage(int w) {
  return w >= kStageWordBegin[3]   ? 3
         : w >= kStageWordBegin[2] ? 2
         : w >= kStageWordBegin[1] ? 1
                                   : 0;
}

// Incremental hash over masked words.  hash_finish() never returns 0 (the
// empty-slot marker of ClsHashTable).
inline uint64_t hash_add(uint64_t h, uint64_t v) {
  h ^= v * 0x9e3779b97f4a7c15ULL;
  h = (h << 27) | (h >> 37);
  return h * 0xbf58476d1ce4e5b9ULL + 0x94d049bb133111ebULL;
}
inline uint64_t hash_finish(uint64_t h) {
  h ^= h >> 31;
  h *= 0xd6e8feb86659fd93ULL;
  h ^= h >> 32;
  return h ? h : 1;
}

// Open-addressed (linear probing) table of (hash, value) pairs.  Several
// pairs may share a hash.  Used as a multimap (hash -> entry id) and as a
// counting multiset (hash -> count).
class ClsHashTable {
 public:
  ClsHashTable() = default;

  size_t size() const { return n_; }
  bool contains(uint64_t h) const {
    if (!n_) return false;
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].hash == h) return true;
      if (!slots_[i].hash) return false;
    }
  }
  // Calls fn(value) for each pair with hash `h` until fn returns true.
  template <class Fn>
  void for_each(uint64_t h, Fn&& fn) const {
    if (!n_) return;
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].hash == h && fn(slots_[i].value)) return;
      if (!slots_[i].hash) return;
    }
  }
  void insert(uint64_t h, uint32_t value);
  bool erase(uint64_t h, uint32_t value);
  // Counting use: one pair per hash whose value is the count.
  void inc(uint64_t h);
  void dec(uint64_t h);

 private:
  struct Slot {
    uint64_t hash;  // 0 = empty
    uint32_t value;
  };
  void grow();
  void erase_at(size_t i);

  std::vector<Slot> slots_;
  size_t n_ = 0;
  size_t mask_ = 0;
};

// One rule inside a subtable entry.
struct ClsRuleRef {
  RulePtr rule;
  int priority = 0;
  bool soft = false;  // conjunctive: its actions are conjunction()s
  uint8_t min_n_clauses = 0;
  std::vector<ActConjunction> conjs;
  uint64_t seq = 0;  // insertion order, for iteration
};

// Rules with one masked value, highest priority first.
struct ClsEntry {
  uint64_t hash = 0;
  std::vector<ClsRuleRef> chain;  // empty: a free entry
};

struct ClsSubtable {
  FlowMask mask{};
  uint64_t mask_hash = 0;
  uint64_t seq = 0;
  int n_words = 0;
  uint8_t word_idx[kFlowWords] = {};  // FlowKey word of each mask word
  uint64_t mask_words[kFlowWords] = {};
  // Non-empty stages, in order: range i covers mask words
  // [range_end[i-1], range_end[i]).  The last range is the final stage; the
  // others have an index.
  int n_ranges = 0;
  uint8_t range_end[4] = {};
  uint8_t range_stage[4] = {};
  ClsHashTable indices[3];
  ClsHashTable rules;  // full hash -> entry id
  std::vector<ClsEntry> entries;
  std::vector<uint64_t> values;  // n_words masked words per entry
  std::vector<uint32_t> free_entries;
  size_t n_rules = 0;
  int max_priority = INT_MIN;
  size_t max_count = 0;
  uint16_t trie_plen[kClsMaxTries] = {};
  uint32_t ports_mask_be = 0;   // mask of the tp_src:tp_dst word
  unsigned ports_mask_len = 0;  // 0: no ports in the mask
  PrefixTrie ports_trie;

  int n_indices() const { return n_ranges ? n_ranges - 1 : 0; }
  int range_begin(int i) const { return i ? range_end[i - 1] : 0; }

  // Continues hash `h` over the mask words [from, to) of key `k` (masked).
  uint64_t hash_words(const ClsWord* k, int from, int to, uint64_t h) const {
    for (int p = from; p < to; ++p) h = hash_add(h, k[word_idx[p]] & mask_words[p]);
    return h;
  }
  const uint64_t* entry_values(uint32_t id) const { return values.data() + size_t{id} * n_words; }
  // The entry whose value equals `k` & mask, with full hash `h`, or null.
  const ClsEntry* find_entry(const ClsWord* k, uint64_t h) const {
    const ClsEntry* found = nullptr;
    rules.for_each(h, [&](uint32_t id) {
      const uint64_t* v = entry_values(id);
      for (int p = 0; p < n_words; ++p) {
        if ((k[word_idx[p]] & mask_words[p]) != v[p]) return false;
      }
      found = &entries[id];
      return true;
    });
    return found;
  }
  uint32_t entry_id(const ClsEntry* e) const { return static_cast<uint32_t>(e - entries.data()); }
  // ORs this subtable's mask words [0, upto) into `wc`.
  void fold(FlowMask& wc, int upto) const {
    ClsWord* w = key_words(wc);
    for (int p = 0; p < upto; ++p) w[word_idx[p]] |= mask_words[p];
  }
};

// Leading `n_bits` bits of a big-endian byte string: set / all set?
void set_prefix_bits(uint8_t* p, unsigned n_bits);
bool prefix_bits_set(const uint8_t* p, unsigned n_bits);
// CIDR length of the mask bytes of a field of `n_bytes` (whole be32 words,
// OVS's minimask_get_prefix_len): 0 if the mask is not a prefix.
unsigned mask_prefix_len(const uint8_t* mask, unsigned n_bytes);

}  // namespace dpuflow::dataplane
