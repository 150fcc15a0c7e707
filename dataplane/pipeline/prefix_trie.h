// PrefixTrie: a binary trie of bit-string prefixes (most significant bit
// first), used by the classifier to decide how many leading bits of an
// address (or of the L4 ports word) a failed lookup must un-wildcard.
//
// Design note
// - The trie is uncompressed: one node per bit.  Its lookup follows the
//   result rules of OVS's path-compressed trie (lib/classifier.c,
//   trie_lookup_value) so the megaflows built from it equal OVS's:
//     * every node on the packet's path that ends a prefix with rules sets
//       that prefix length in `plens`;
//     * when the packet's next bit leads to a missing branch, the lookup
//       returns the matched length if the node is a leaf, else one more bit
//       (the bit that tells the packet apart from the other branch);
//     * a path followed down to `n_bits` returns `n_bits`.
//   An uncompressed node with a single child and no rules is exactly the
//   inside of a compressed edge, so both shapes give the same answers.
// - Each prefix keeps a count; inserting the same prefix twice needs two
//   removals.  Nodes live in one vector (indices, not pointers), so a copy
//   of the trie is a plain vector copy.
//
// Thread safety: a value type.  Const member functions may run concurrently;
// mutation needs exclusive access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dpuflow::dataplane {

// The set of prefix lengths 1..128 for which a trie lookup found rules.
struct PrefixLens {
  uint64_t bits[2] = {0, 0};  // bit (len - 1)

  bool has(unsigned len) const { return len > 0 && (bits[(len - 1) / 64] >> ((len - 1) % 64)) & 1; }
  void set(unsigned len) { bits[(len - 1) / 64] |= uint64_t{1} << ((len - 1) % 64); }
  void set_all() { bits[0] = bits[1] = ~uint64_t{0}; }
};

class PrefixTrie {
 public:
  static constexpr unsigned kMaxBits = 128;

  PrefixTrie();

  // Adds one reference to the prefix made of the first `plen` bits of
  // `prefix` (1 <= plen <= kMaxBits).
  void insert(const uint8_t* prefix, unsigned plen);
  // Drops one reference added by insert(); returns false (and changes
  // nothing) if the prefix is not in the trie.
  bool remove(const uint8_t* prefix, unsigned plen);

  // Looks up the first `n_bits` bits of `value`.  Sets in `plens` the length
  // of every prefix with rules that `value` matches (the caller clears it),
  // and returns the number of leading bits needed to tell `value` apart from
  // every prefix it does not match (see the design note).
  unsigned lookup(const uint8_t* value, unsigned n_bits, PrefixLens* plens) const;

  bool empty() const { return is_leaf(0); }
  size_t n_prefixes() const { return n_prefixes_; }
  void clear();

 private:
  struct Node {
    uint32_t child[2];  // 0 = none (the root, index 0, is nobody's child)
    uint32_t n_rules;
  };

  bool is_leaf(uint32_t n) const { return !nodes_[n].child[0] && !nodes_[n].child[1]; }
  uint32_t new_node();

  std::vector<Node> nodes_;
  std::vector<uint32_t> free_;
  size_t n_prefixes_ = 0;
};

// Bit `ofs` (0 = most significant bit of byte 0) of a big-endian byte string.
inline unsigned get_bit_msb0(const uint8_t* v, unsigned ofs) {
  return (v[ofs / 8] >> (7 - ofs % 8)) & 1u;
}

}  // namespace dpuflow::dataplane
