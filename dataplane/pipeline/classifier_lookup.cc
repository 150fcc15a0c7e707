// Classifier lookup: staged subtable search, prefix-trie and ports-trie
// wildcarding, and conjunctive matches.  The sequence of decisions (and so
// the bits un-wildcarded) follows OVS 3.1's classifier_lookup__() and
// find_match_wc(); see classifier.h.
#include <algorithm>

#include "dataplane/pipeline/classifier.h"
#include "dataplane/pipeline/classifier_internal.h"

namespace dpuflow::dataplane {

namespace {

// Per-lookup state of one prefix trie: looked up at most once, on demand.
struct TrieCtx {
  bool done = false;
  unsigned maskbits = 0;
  PrefixLens plens;
};

// A soft (conjunctive) match: rule `pos` of an entry's chain.
struct SoftMatch {
  const ClsEntry* entry;
  uint32_t pos;
  const ClsRuleRef& ref() const { return entry->chain[pos]; }
};

struct ConjMatch {
  uint32_t id;
  uint64_t clauses;
};

}  // namespace

struct ClsLookup {
  const Classifier& cls;

  // OVS check_tries(): true if the subtable can be skipped because of what
  // the tries say about the packet; sets in `wc` the address bits that
  // decision needs.
  bool check_tries(const ClsSubtable& st, int stage, const FlowKey& flow, TrieCtx* ctx,
                   FlowMask& wc) const {
    for (int j = 0; j < cls.n_tries_; ++j) {
      unsigned plen = st.trie_plen[j];
      const ClsTrieField& f = cls.trie_fields_[j];
      if (!plen || f.stage != stage) continue;
      TrieCtx& c = ctx[j];
      if (!c.done) {
        c.done = true;
        c.plens = PrefixLens{};
        if (!f.dl_type_be || flow.dl_type == f.dl_type_be) {
          c.maskbits = cls.tries_[j].lookup(key_bytes(flow) + f.offset, f.n_bits, &c.plens);
        } else {
          c.plens.set_all();  // prerequisites fail: the trie says nothing
          c.maskbits = 0;
        }
      }
      if (c.plens.has(plen)) continue;
      uint8_t* field_wc = key_bytes(wc) + f.offset;
      if (c.maskbits <= plen) {
        set_prefix_bits(field_wc, c.maskbits);
        return true;
      }
      if (prefix_bits_set(field_wc, c.maskbits)) return true;
    }
    return false;
  }

  // OVS find_match_wc(): the entry of `st` matching `flow`, or null.
  const ClsEntry* find_match_wc(const ClsSubtable& st, const FlowKey& flow, TrieCtx* ctx,
                                FlowMask* wc) const {
    const ClsWord* k = key_words(flow);
    if (!wc) return st.find_entry(k, hash_finish(st.hash_words(k, 0, st.n_words, 0)));

    uint64_t h = 0;
    int folded = 0;  // mask words [0, folded) decided the outcome so far
    bool adjust_ports = false;
    uint32_t ports_wc = 0;
    const int n_idx = st.n_indices();
    for (int i = 0; i < n_idx; ++i) {
      if (check_tries(st, st.range_stage[i], flow, ctx, *wc)) goto no_match;
      folded = st.range_end[i];
      h = st.hash_words(k, st.range_begin(i), st.range_end[i], h);
      if (!st.indices[i].contains(hash_finish(h))) goto no_match;
    }
    {
      int final_stage = st.n_ranges ? st.range_stage[st.n_ranges - 1] : -1;
      if (check_tries(st, final_stage, flow, ctx, *wc)) goto no_match;
      folded = st.n_words;
      h = st.hash_words(k, st.range_begin(n_idx), st.n_words, h);
      const ClsEntry* e = st.find_entry(k, hash_finish(h));
      if (e) {
        st.fold(*wc, st.n_words);
        return e;
      }
      if (st.ports_mask_len) {
        // The final stage missed: the ports trie tells how many leading
        // bits of the ports word the miss needs, instead of all of them.
        uint32_t ports;
        std::memcpy(&ports, key_bytes(flow) + kPortsOffset, 4);
        ports &= st.ports_mask_be;
        PrefixLens unused;
        unsigned mbits =
            st.ports_trie.lookup(reinterpret_cast<const uint8_t*>(&ports), 32, &unused);
        uint32_t prefix = mbits ? be32(~uint32_t{0} << (32 - mbits)) : 0;
        uint32_t old_wc;
        std::memcpy(&old_wc, key_bytes(*wc) + kPortsOffset, 4);
        ports_wc = (st.ports_mask_be & prefix) | old_wc;
        adjust_ports = true;
      }
    }
  no_match:
    st.fold(*wc, folded);
    if (adjust_ports) std::memcpy(key_bytes(*wc) + kPortsOffset, &ports_wc, 4);
    return nullptr;
  }

  const Rule* lookup(const FlowKey& flow, FlowMask* wc, bool allow_conj) const {
    TrieCtx ctx[kClsMaxTries];
    const ClsRuleRef* hard = nullptr;
    int hard_pri = INT_MIN;
    std::vector<SoftMatch> soft;
    int soft_pri = INT_MIN;

    for (const auto& stp : cls.subtables_) {
      const ClsSubtable& st = *stp;
      if (st.max_priority <= hard_pri) break;
      const ClsEntry* e = find_match_wc(st, flow, ctx, wc);
      if (!e) continue;
      const ClsRuleRef& head = e->chain.front();
      if (head.priority <= hard_pri) continue;
      if (!head.soft) {
        hard = &head;
        hard_pri = head.priority;
      } else if (allow_conj) {
        soft.push_back(SoftMatch{e, 0});
        soft_pri = std::max(soft_pri, head.priority);
      }
    }
    if (hard_pri >= soft_pri) return hard ? hard->rule.get() : nullptr;
    return resolve_soft(flow, wc, soft, hard, hard_pri);
  }

  // The soft-match loop of OVS's classifier_lookup__().
  const Rule* resolve_soft(const FlowKey& flow, FlowMask* wc, std::vector<SoftMatch>& soft,
                           const ClsRuleRef* hard, int hard_pri) const {
    std::vector<ConjMatch> matches;
    for (;;) {
      for (size_t i = 0; i < soft.size();) {
        if (!soft[i].entry || soft[i].ref().priority <= hard_pri) {
          soft[i] = soft.back();
          soft.pop_back();
        } else {
          ++i;
        }
      }
      if (soft.empty()) break;

      int soft_pri = INT_MIN;
      unsigned n_soft_pri = 0;
      for (const SoftMatch& s : soft) {
        if (s.ref().priority > soft_pri) {
          soft_pri = s.ref().priority;
          n_soft_pri = 1;
        } else if (s.ref().priority == soft_pri) {
          ++n_soft_pri;
        }
      }

      matches.clear();
      for (const SoftMatch& s : soft) {
        uint32_t id;
        if (s.ref().priority == soft_pri &&
            find_conjunctive_match(s.ref(), n_soft_pri, matches, &id)) {
          FlowKey probe = flow;
          probe.conj_id = be32(id);
          const Rule* rule = lookup(probe, wc, false);
          if (rule) return rule;
        }
      }

      // No conjunction at this priority is satisfied: fall back to
      // lower-priority rules with the same match as those soft matches.
      for (SoftMatch& s : soft) {
        if (s.ref().priority != soft_pri) continue;
        if (s.pos + 1 < s.entry->chain.size()) {
          ++s.pos;
          const ClsRuleRef& next = s.ref();
          if (!next.soft) {
            if (next.priority > hard_pri) {
              hard = &next;
              hard_pri = next.priority;
            }
            s.entry = nullptr;
          }
        } else {
          s.entry = nullptr;
        }
      }
    }
    return hard ? hard->rule.get() : nullptr;
  }

  // OVS find_conjunctive_match(): records the clauses of `ref`'s
  // conjunctions; true (with *id) as soon as one conjunction is complete.
  static bool find_conjunctive_match(const ClsRuleRef& ref, unsigned max_n_clauses,
                                     std::vector<ConjMatch>& matches, uint32_t* id) {
    if (max_n_clauses < ref.min_n_clauses) return false;
    for (const ActConjunction& c : ref.conjs) {
      if (c.n_clauses > max_n_clauses) continue;
      auto it = std::find_if(matches.begin(), matches.end(),
                             [&](const ConjMatch& m) { return m.id == c.id; });
      if (it == matches.end()) {
        matches.push_back(ConjMatch{c.id, ~uint64_t{0} << (c.n_clauses & 63)});
        it = matches.end() - 1;
      }
      it->clauses |= uint64_t{1} << (c.clause & 63);
      if (it->clauses == ~uint64_t{0}) {
        *id = it->id;
        return true;
      }
    }
    return false;
  }
};

const Rule* Classifier::lookup(const FlowKey& flow, FlowMask* wc) const {
  ClsLookup l{*this};
  if (!wc) return l.lookup(flow, nullptr, true);
  // conj_id is internal to the classifier: it never reaches the megaflow.
  const uint32_t saved_conj_wc = wc->conj_id;
  const Rule* r = l.lookup(flow, wc, true);
  wc->conj_id = saved_conj_wc;
  return r;
}

}  // namespace dpuflow::dataplane
