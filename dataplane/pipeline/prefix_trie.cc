#include "dataplane/pipeline/prefix_trie.h"

#include <array>

namespace dpuflow::dataplane {

PrefixTrie::PrefixTrie() { clear(); }

void PrefixTrie::clear() {
  nodes_.assign(1, Node{{0, 0}, 0});
  free_.clear();
  n_prefixes_ = 0;
}

uint32_t PrefixTrie::new_node() {
  if (!free_.empty()) {
    uint32_t n = free_.back();
    free_.pop_back();
    nodes_[n] = Node{{0, 0}, 0};
    return n;
  }
  nodes_.push_back(Node{{0, 0}, 0});
  return static_cast<uint32_t>(nodes_.size() - 1);
}

void PrefixTrie::insert(const uint8_t* prefix, unsigned plen) {
  if (plen == 0 || plen > kMaxBits) return;
  uint32_t n = 0;
  for (unsigned d = 0; d < plen; ++d) {
    unsigned b = get_bit_msb0(prefix, d);
    uint32_t next = nodes_[n].child[b];
    if (!next) {
      next = new_node();  // may reallocate nodes_: index again below
      nodes_[n].child[b] = next;
    }
    n = next;
  }
  ++nodes_[n].n_rules;
  ++n_prefixes_;
}

bool PrefixTrie::remove(const uint8_t* prefix, unsigned plen) {
  if (plen == 0 || plen > kMaxBits) return false;
  std::array<uint32_t, kMaxBits + 1> path;
  uint32_t n = 0;
  path[0] = 0;
  for (unsigned d = 0; d < plen; ++d) {
    n = nodes_[n].child[get_bit_msb0(prefix, d)];
    if (!n) return false;
    path[d + 1] = n;
  }
  if (!nodes_[n].n_rules) return false;
  --nodes_[n].n_rules;
  --n_prefixes_;
  // Prune the now useless tail of the path.
  for (unsigned d = plen; d > 0; --d) {
    uint32_t cur = path[d];
    if (nodes_[cur].n_rules || !is_leaf(cur)) break;
    uint32_t parent = path[d - 1];
    nodes_[parent].child[get_bit_msb0(prefix, d - 1)] = 0;
    free_.push_back(cur);
  }
  return true;
}

unsigned PrefixTrie::lookup(const uint8_t* value, unsigned n_bits, PrefixLens* plens) const {
  uint32_t n = 0;
  unsigned depth = 0;
  while (depth < n_bits) {
    uint32_t next = nodes_[n].child[get_bit_msb0(value, depth)];
    if (!next) {
      // Full match so far, but the packet's branch does not exist: one more
      // bit is needed to exclude the other branch, if there is one.
      return is_leaf(n) ? depth : depth + 1;
    }
    n = next;
    ++depth;
    if (nodes_[n].n_rules) plens->set(depth);
  }
  return n_bits;
}

}  // namespace dpuflow::dataplane
