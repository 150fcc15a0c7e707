// Classifier: one OpenFlow table's rules, with OVS 3.1's lookup semantics and
// megaflow wildcarding (lib/classifier.c is the behavioural reference).
//
// Design note
// - Tuple space search: one subtable per distinct mask.  Subtables are kept
//   in order of the highest priority among their rules (descending; ties in
//   creation order).  Inside a subtable, rules are hashed by masked value;
//   rules with an identical match and different priorities share one entry,
//   highest priority first.  An identical match at the same priority is a
//   replacement.
// - Lookup visits subtables in order and stops once a subtable cannot hold a
//   rule of higher priority than the best non-conjunctive ("hard") match.
// - Wildcards: when `wc` is given, lookup ORs into it exactly the bits OVS
//   would: staged lookup over the FlowKey stages (metadata | L2 | L3 | L4,
//   flow_key.h) with one index per non-final stage, so a miss in stage i
//   un-wildcards only that subtable's mask bits in stages 0..i; prefix tries
//   over nw_dst and nw_src (OVS's defaults; configurable) that skip a
//   subtable after un-wildcarding only the leading address bits needed; and
//   a per-subtable trie over the L4 ports word that narrows the ports bits a
//   final-stage miss needs.  A final-stage miss un-wildcards the rest of the
//   final stage (OVS >= 3.1.1, "Fix missing masks on a final stage with ports
//   trie": needed for sound megaflows, e.g. with tcp_flags).
// - Conjunctive matches: a rule whose actions are conjunction(...) (plus
//   notes) is "soft".  Soft matches above the best hard priority are
//   combined per conjunction id; the first id with all clauses present at
//   the highest such priority is looked up again with conj_id=id (no
//   conjunctions the second time), and that lookup's result wins if it finds
//   a rule; otherwise OVS's fallbacks apply (lower-priority identical soft or
//   hard matches).  conj_id bits never end up in `wc`.
// - Hashes are 64-bit; a stage index is a multiset of masked-value hashes.
//   Hash tables are open-addressed; lookups do not allocate except in the
//   rare conjunctive-match path.
// - Copying a Classifier deep-copies its structure (rules are shared, as
//   RulePtr).  Pipeline uses this for copy-on-write versions.
//
// Thread safety: const member functions may run concurrently with each
// other; non-const ones need exclusive access (the pipeline publishes a new
// version instead of mutating one that readers see).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "dataplane/flow/field.h"
#include "dataplane/flow/flow_key.h"
#include "dataplane/flow/match.h"
#include "dataplane/pipeline/prefix_trie.h"
#include "dataplane/pipeline/rule.h"

namespace dpuflow::dataplane {

struct ClsSubtable;  // classifier_internal.h
struct ClsRuleRef;

inline constexpr int kClsMaxTries = 3;  // as OVS's CLS_MAX_TRIES

// A field a prefix trie can be built over (whole 32-bit words, big-endian).
struct ClsTrieField {
  FieldId id = FieldId::kCount;
  uint16_t offset = 0;      // in FlowKey
  uint16_t n_bits = 0;      // 32 or 128
  uint16_t dl_type_be = 0;  // prerequisite Ethertype (network order); 0 = none
  uint8_t stage = 0;        // 0..3
};

class Classifier {
 public:
  Classifier();
  ~Classifier();
  Classifier(const Classifier& o);
  Classifier& operator=(const Classifier& o);
  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;

  // ---- Configuration (writer) ----------------------------------------------
  // Sets the prefix-trie fields, in order (OVS default: nw_dst, nw_src).
  // Accepted: nw_src, nw_dst, ipv6_src, ipv6_dst, tun_src, tun_dst,
  // tun_ipv6_src, tun_ipv6_dst; at most kClsMaxTries.  Returns false (and
  // changes nothing) otherwise.  Existing rules are re-indexed.
  [[nodiscard]] bool set_prefix_fields(std::span<const FieldId> fields);
  std::vector<FieldId> prefix_fields() const;

  // ---- Writer: excludes other writers and readers of this object ----------
  // Inserts `rule`.  If a rule with an identical match and priority exists,
  // it is replaced and returned; otherwise returns null.
  RulePtr insert(RulePtr rule);
  // Removes `rule` (compared by address).  Returns it, or null if absent.
  RulePtr remove(const Rule* rule);
  void clear();

  // ---- Readers ---------------------------------------------------------------
  // The highest-priority rule matching `flow`, or null.  When `wc` is not
  // null, ORs into it the bits this lookup depended on (see the note).
  const Rule* lookup(const FlowKey& flow, FlowMask* wc) const;

  // The rule with exactly this match (mask and masked value) and priority.
  const Rule* find_exactly(const Match& match, int priority) const;
  RulePtr find_rule_exactly(const Match& match, int priority) const;
  // True if some rule of the same priority could match a packet that `match`
  // also matches (OpenFlow's OFPFF_CHECK_OVERLAP test).
  bool overlaps(const Match& match, int priority) const;

  // Visits every rule, subtable by subtable in lookup order, each
  // subtable's rules in insertion order (a replaced rule keeps its place).
  void for_each(const std::function<void(const RulePtr&)>& fn) const;
  // Visits the rules that `target` matches loosely (OpenFlow non-strict
  // modify/delete): rules whose match is equal to or more specific than it.
  void for_each_loose(const Match& target, const std::function<void(const RulePtr&)>& fn) const;
  std::vector<RulePtr> rules() const;

  size_t size() const { return n_rules_; }
  bool empty() const { return n_rules_ == 0; }
  size_t n_subtables() const { return subtables_.size(); }

  // True if the actions make a rule "soft": conjunction() actions, with
  // notes at most.
  static bool is_conjunctive(const ActionList& actions);

 private:
  friend struct ClsLookup;

  const ClsRuleRef* find_ref_exactly(const Match& match, int priority) const;
  ClsSubtable* find_subtable(const FlowMask& mask) const;
  ClsSubtable* create_subtable(const FlowMask& mask);
  void destroy_subtable(ClsSubtable* st);
  void reposition(ClsSubtable* st);
  void trie_insert_entry(ClsSubtable& st, const FlowKey& masked_value, int delta);
  void rebuild_index();

  std::vector<std::unique_ptr<ClsSubtable>> subtables_;  // lookup order
  std::unordered_map<uint64_t, std::vector<ClsSubtable*>> by_mask_;
  ClsTrieField trie_fields_[kClsMaxTries];
  PrefixTrie tries_[kClsMaxTries];
  int n_tries_ = 0;
  size_t n_rules_ = 0;
  uint64_t next_seq_ = 0;  // insertion order of rules and subtables
};

}  // namespace dpuflow::dataplane
