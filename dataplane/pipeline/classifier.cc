// Classifier: structure maintenance (insert, remove, iteration, tries).
// The lookup path is in classifier_lookup.cc.
#include "dataplane/pipeline/classifier.h"

#include <algorithm>
#include <bit>

#include "dataplane/pipeline/classifier_internal.h"

namespace dpuflow::dataplane {

// ---- ClsHashTable -----------------------------------------------------------

void ClsHashTable::grow() {
  std::vector<Slot> old = std::move(slots_);
  size_t cap = old.empty() ? 8 : old.size() * 2;
  slots_.assign(cap, Slot{0, 0});
  mask_ = cap - 1;
  for (const Slot& s : old) {
    if (!s.hash) continue;
    size_t i = s.hash & mask_;
    while (slots_[i].hash) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

void ClsHashTable::insert(uint64_t h, uint32_t value) {
  if ((n_ + 1) * 2 > slots_.size()) grow();
  size_t i = h & mask_;
  while (slots_[i].hash) i = (i + 1) & mask_;
  slots_[i] = Slot{h, value};
  ++n_;
}

// Backward-shift deletion keeps probe sequences intact without tombstones.
void ClsHashTable::erase_at(size_t i) {
  size_t j = i;
  for (;;) {
    j = (j + 1) & mask_;
    if (!slots_[j].hash) break;
    size_t home = slots_[j].hash & mask_;
    // Slot j may move to i unless its home lies cyclically in (i, j].
    bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (!stays) {
      slots_[i] = slots_[j];
      i = j;
    }
  }
  slots_[i] = Slot{0, 0};
  --n_;
}

bool ClsHashTable::erase(uint64_t h, uint32_t value) {
  if (!n_) return false;
  for (size_t i = h & mask_;; i = (i + 1) & mask_) {
    if (!slots_[i].hash) return false;
    if (slots_[i].hash == h && slots_[i].value == value) {
      erase_at(i);
      return true;
    }
  }
}

void ClsHashTable::inc(uint64_t h) {
  if (n_) {
    for (size_t i = h & mask_; slots_[i].hash; i = (i + 1) & mask_) {
      if (slots_[i].hash == h) {
        ++slots_[i].value;
        return;
      }
    }
  }
  insert(h, 1);
}

void ClsHashTable::dec(uint64_t h) {
  if (!n_) return;
  for (size_t i = h & mask_; slots_[i].hash; i = (i + 1) & mask_) {
    if (slots_[i].hash == h) {
      if (--slots_[i].value == 0) erase_at(i);
      return;
    }
  }
}

// ---- bit helpers ------------------------------------------------------------

void set_prefix_bits(uint8_t* p, unsigned n_bits) {
  unsigned i = 0;
  for (; i < n_bits / 8; ++i) p[i] = 0xff;
  if (n_bits % 8) p[i] |= static_cast<uint8_t>(0xff << (8 - n_bits % 8));
}

bool prefix_bits_set(const uint8_t* p, unsigned n_bits) {
  unsigned i = 0;
  for (; i < n_bits / 8; ++i) {
    if (p[i] != 0xff) return false;
  }
  if (n_bits % 8) {
    uint8_t m = static_cast<uint8_t>(0xff << (8 - n_bits % 8));
    if ((p[i] & m) != m) return false;
  }
  return true;
}

unsigned mask_prefix_len(const uint8_t* mask, unsigned n_bytes) {
  unsigned n_bits = 0;
  bool ended = false;
  for (unsigned ofs = 0; ofs + 4 <= n_bytes; ofs += 4) {
    uint32_t m = (uint32_t{mask[ofs]} << 24) | (uint32_t{mask[ofs + 1]} << 16) |
                 (uint32_t{mask[ofs + 2]} << 8) | mask[ofs + 3];
    if (ended) {
      if (m) return 0;
      continue;
    }
    uint32_t inv = ~m;
    if (inv & (inv + 1)) return 0;  // not contiguous from the MSB
    unsigned tz = m ? static_cast<unsigned>(std::countr_zero(m)) : 32;
    n_bits += 32 - tz;
    if (tz) ended = true;
  }
  return n_bits;
}

namespace {

uint64_t hash_mask(const FlowMask& m) {
  const ClsWord* w = key_words(m);
  uint64_t h = 0;
  for (int i = 0; i < kFlowWords; ++i) h = hash_add(h, w[i]);
  return hash_finish(h);
}

bool trie_field_for(FieldId id, ClsTrieField* out) {
  ClsTrieField f;
  f.id = id;
  switch (id) {
    case FieldId::kIpv4Src:
      f.offset = offsetof(FlowKey, nw_src), f.n_bits = 32, f.dl_type_be = be16(kEthTypeIp);
      break;
    case FieldId::kIpv4Dst:
      f.offset = offsetof(FlowKey, nw_dst), f.n_bits = 32, f.dl_type_be = be16(kEthTypeIp);
      break;
    case FieldId::kIpv6Src:
      f.offset = offsetof(FlowKey, ipv6_src), f.n_bits = 128, f.dl_type_be = be16(kEthTypeIpv6);
      break;
    case FieldId::kIpv6Dst:
      f.offset = offsetof(FlowKey, ipv6_dst), f.n_bits = 128, f.dl_type_be = be16(kEthTypeIpv6);
      break;
    case FieldId::kTunSrc:
      f.offset = offsetof(FlowKey, tun_src), f.n_bits = 32;
      break;
    case FieldId::kTunDst:
      f.offset = offsetof(FlowKey, tun_dst), f.n_bits = 32;
      break;
    case FieldId::kTunIpv6Src:
      f.offset = offsetof(FlowKey, tun_ipv6_src), f.n_bits = 128;
      break;
    case FieldId::kTunIpv6Dst:
      f.offset = offsetof(FlowKey, tun_ipv6_dst), f.n_bits = 128;
      break;
    default:
      return false;
  }
  f.stage = static_cast<uint8_t>(word_stage(f.offset / 8));
  *out = f;
  return true;
}

void masked_key(const Match& m, FlowKey& out) {
  const ClsWord* v = key_words(m.value);
  const ClsWord* k = key_words(m.mask);
  ClsWord* o = key_words(out);
  for (int i = 0; i < kFlowWords; ++i) o[i] = v[i] & k[i];
}

ClsRuleRef make_ref(RulePtr rule, uint64_t seq) {
  ClsRuleRef r;
  r.priority = rule->spec.priority;
  r.seq = seq;
  if (Classifier::is_conjunctive(rule->spec.actions)) {
    r.soft = true;
    r.min_n_clauses = UINT8_MAX;
    for (const Action& a : rule->spec.actions) {
      if (const auto* c = std::get_if<ActConjunction>(&a)) {
        r.conjs.push_back(*c);
        r.min_n_clauses = std::min(r.min_n_clauses, c->n_clauses);
      }
    }
  }
  r.rule = std::move(rule);
  return r;
}

// Full and per-stage hashes of a masked key in subtable `st`.
uint64_t entry_hashes(const ClsSubtable& st, const FlowKey& masked, uint64_t ihash[3]) {
  const ClsWord* k = key_words(masked);
  uint64_t h = 0;
  for (int i = 0; i < st.n_indices(); ++i) {
    h = st.hash_words(k, st.range_begin(i), st.range_end[i], h);
    ihash[i] = hash_finish(h);
  }
  h = st.hash_words(k, st.n_indices() ? st.range_end[st.n_indices() - 1] : 0, st.n_words, h);
  return hash_finish(h);
}

// Expands entry `id`'s compact value into a FlowKey.
void entry_key(const ClsSubtable& st, uint32_t id, FlowKey& out) {
  out = FlowKey{};
  ClsWord* o = key_words(out);
  const uint64_t* v = st.entry_values(id);
  for (int p = 0; p < st.n_words; ++p) o[st.word_idx[p]] = v[p];
}

}  // namespace

bool Classifier::is_conjunctive(const ActionList& actions) {
  bool any = false;
  for (const Action& a : actions) {
    if (std::holds_alternative<ActConjunction>(a)) {
      any = true;
    } else if (!std::holds_alternative<ActNote>(a)) {
      return false;
    }
  }
  return any;
}

// ---- construction -----------------------------------------------------------

Classifier::Classifier() {
  const FieldId defaults[] = {FieldId::kIpv4Dst, FieldId::kIpv4Src};
  (void)set_prefix_fields(defaults);
}

Classifier::~Classifier() = default;
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;

Classifier::Classifier(const Classifier& o)
    : n_tries_(o.n_tries_), n_rules_(o.n_rules_), next_seq_(o.next_seq_) {
  for (int j = 0; j < kClsMaxTries; ++j) {
    trie_fields_[j] = o.trie_fields_[j];
    tries_[j] = o.tries_[j];
  }
  subtables_.reserve(o.subtables_.size());
  for (const auto& st : o.subtables_) subtables_.push_back(std::make_unique<ClsSubtable>(*st));
  rebuild_index();
}

Classifier& Classifier::operator=(const Classifier& o) {
  if (this != &o) {
    Classifier copy(o);
    *this = std::move(copy);
  }
  return *this;
}

void Classifier::rebuild_index() {
  by_mask_.clear();
  for (const auto& st : subtables_) by_mask_[st->mask_hash].push_back(st.get());
}

void Classifier::clear() {
  subtables_.clear();
  by_mask_.clear();
  for (auto& t : tries_) t.clear();
  n_rules_ = 0;
}

// ---- prefix tries -----------------------------------------------------------

bool Classifier::set_prefix_fields(std::span<const FieldId> fields) {
  if (fields.size() > kClsMaxTries) return false;
  ClsTrieField f[kClsMaxTries];
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!trie_field_for(fields[i], &f[i])) return false;
    for (size_t j = 0; j < i; ++j) {
      if (fields[j] == fields[i]) return false;
    }
  }
  n_tries_ = static_cast<int>(fields.size());
  for (int j = 0; j < kClsMaxTries; ++j) {
    trie_fields_[j] = j < n_tries_ ? f[j] : ClsTrieField{};
    tries_[j].clear();
  }
  // Re-derive every subtable's prefix lengths and refill the tries.
  for (auto& st : subtables_) {
    for (int j = 0; j < kClsMaxTries; ++j) {
      st->trie_plen[j] = j < n_tries_
                             ? mask_prefix_len(key_bytes(st->mask) + trie_fields_[j].offset,
                                               trie_fields_[j].n_bits / 8)
                             : 0;
    }
    FlowKey k;
    for (uint32_t id = 0; id < st->entries.size(); ++id) {
      if (st->entries[id].chain.empty()) continue;
      entry_key(*st, id, k);
      trie_insert_entry(*st, k, +1);
    }
  }
  return true;
}

std::vector<FieldId> Classifier::prefix_fields() const {
  std::vector<FieldId> out;
  for (int j = 0; j < n_tries_; ++j) out.push_back(trie_fields_[j].id);
  return out;
}

void Classifier::trie_insert_entry(ClsSubtable& st, const FlowKey& masked, int delta) {
  for (int j = 0; j < n_tries_; ++j) {
    if (!st.trie_plen[j]) continue;
    const uint8_t* p = key_bytes(masked) + trie_fields_[j].offset;
    if (delta > 0) {
      tries_[j].insert(p, st.trie_plen[j]);
    } else {
      tries_[j].remove(p, st.trie_plen[j]);
    }
  }
}

// ---- subtables --------------------------------------------------------------

ClsSubtable* Classifier::find_subtable(const FlowMask& mask) const {
  auto it = by_mask_.find(hash_mask(mask));
  if (it == by_mask_.end()) return nullptr;
  for (ClsSubtable* st : it->second) {
    if (st->mask == mask) return st;
  }
  return nullptr;
}

ClsSubtable* Classifier::create_subtable(const FlowMask& mask) {
  auto st = std::make_unique<ClsSubtable>();
  st->mask = mask;
  st->mask_hash = hash_mask(mask);
  st->seq = next_seq_++;
  const ClsWord* w = key_words(mask);
  int stage = -1;
  for (int i = 0; i < kFlowWords; ++i) {
    if (!w[i]) continue;
    int s = word_stage(i);
    if (s != stage) {
      if (stage >= 0) st->range_end[st->n_ranges - 1] = static_cast<uint8_t>(st->n_words);
      st->range_stage[st->n_ranges++] = static_cast<uint8_t>(s);
      stage = s;
    }
    st->word_idx[st->n_words] = static_cast<uint8_t>(i);
    st->mask_words[st->n_words] = w[i];
    ++st->n_words;
  }
  if (st->n_ranges) st->range_end[st->n_ranges - 1] = static_cast<uint8_t>(st->n_words);
  for (int j = 0; j < n_tries_; ++j) {
    st->trie_plen[j] =
        mask_prefix_len(key_bytes(mask) + trie_fields_[j].offset, trie_fields_[j].n_bits / 8);
  }
  std::memcpy(&st->ports_mask_be, key_bytes(mask) + kPortsOffset, 4);
  uint32_t pm = host32(st->ports_mask_be);
  st->ports_mask_len = pm ? 32 - static_cast<unsigned>(std::countr_zero(pm)) : 0;

  ClsSubtable* raw = st.get();
  subtables_.push_back(std::move(st));
  by_mask_[raw->mask_hash].push_back(raw);
  return raw;
}

void Classifier::destroy_subtable(ClsSubtable* st) {
  auto& bucket = by_mask_[st->mask_hash];
  bucket.erase(std::find(bucket.begin(), bucket.end(), st));
  if (bucket.empty()) by_mask_.erase(st->mask_hash);
  auto it = std::find_if(subtables_.begin(), subtables_.end(),
                         [st](const auto& p) { return p.get() == st; });
  subtables_.erase(it);
}

// Moves `st` to its place in lookup order: max priority descending, then
// creation order.
void Classifier::reposition(ClsSubtable* st) {
  auto before = [](const ClsSubtable* a, const ClsSubtable* b) {
    return a->max_priority != b->max_priority ? a->max_priority > b->max_priority : a->seq < b->seq;
  };
  auto it = std::find_if(subtables_.begin(), subtables_.end(),
                         [st](const auto& p) { return p.get() == st; });
  std::unique_ptr<ClsSubtable> owned = std::move(*it);
  subtables_.erase(it);
  auto pos =
      std::lower_bound(subtables_.begin(), subtables_.end(), st,
                       [&](const auto& p, const ClsSubtable* s) { return before(p.get(), s); });
  subtables_.insert(pos, std::move(owned));
}

// ---- insert / remove --------------------------------------------------------

RulePtr Classifier::insert(RulePtr rule) {
  if (!rule) return nullptr;
  const Match& m = rule->spec.match;
  FlowKey masked;
  masked_key(m, masked);
  ClsSubtable* st = find_subtable(m.mask);
  if (!st) st = create_subtable(m.mask);

  uint64_t ihash[3];
  uint64_t hash = entry_hashes(*st, masked, ihash);
  ClsRuleRef ref = make_ref(std::move(rule), next_seq_++);
  const int prio = ref.priority;

  auto* e = const_cast<ClsEntry*>(st->find_entry(key_words(masked), hash));
  if (!e) {
    uint32_t id;
    if (!st->free_entries.empty()) {
      id = st->free_entries.back();
      st->free_entries.pop_back();
    } else {
      id = static_cast<uint32_t>(st->entries.size());
      st->entries.emplace_back();
      st->values.resize(st->values.size() + st->n_words);
    }
    uint64_t* v = st->values.data() + size_t{id} * st->n_words;
    for (int p = 0; p < st->n_words; ++p) v[p] = key_words(masked)[st->word_idx[p]];
    ClsEntry& ne = st->entries[id];
    ne.hash = hash;
    ne.chain.push_back(std::move(ref));
    st->rules.insert(hash, id);
    for (int i = 0; i < st->n_indices(); ++i) st->indices[i].inc(ihash[i]);
    trie_insert_entry(*st, masked, +1);
    if (st->ports_mask_len)
      st->ports_trie.insert(key_bytes(masked) + kPortsOffset, st->ports_mask_len);
  } else {
    auto it = e->chain.begin();
    while (it != e->chain.end() && it->priority > prio) ++it;
    if (it != e->chain.end() && it->priority == prio) {
      RulePtr old = std::move(it->rule);
      ref.seq = it->seq;  // a replacement keeps the old rule's place
      *it = std::move(ref);
      return old;
    }
    e->chain.insert(it, std::move(ref));
  }

  ++st->n_rules;
  ++n_rules_;
  if (st->n_rules == 1) {
    st->max_priority = prio;
    st->max_count = 1;
    reposition(st);
  } else if (prio == st->max_priority) {
    ++st->max_count;
  } else if (prio > st->max_priority) {
    st->max_priority = prio;
    st->max_count = 1;
    reposition(st);
  }
  return nullptr;
}

RulePtr Classifier::remove(const Rule* rule) {
  if (!rule) return nullptr;
  const Match& m = rule->spec.match;
  ClsSubtable* st = find_subtable(m.mask);
  if (!st) return nullptr;
  FlowKey masked;
  masked_key(m, masked);
  uint64_t ihash[3];
  uint64_t hash = entry_hashes(*st, masked, ihash);
  auto* e = const_cast<ClsEntry*>(st->find_entry(key_words(masked), hash));
  if (!e) return nullptr;
  auto it = std::find_if(e->chain.begin(), e->chain.end(),
                         [rule](const ClsRuleRef& r) { return r.rule.get() == rule; });
  if (it == e->chain.end()) return nullptr;
  RulePtr old = std::move(it->rule);
  const int prio = it->priority;
  e->chain.erase(it);
  if (e->chain.empty()) {
    uint32_t id = st->entry_id(e);
    st->rules.erase(hash, id);
    for (int i = 0; i < st->n_indices(); ++i) st->indices[i].dec(ihash[i]);
    trie_insert_entry(*st, masked, -1);
    if (st->ports_mask_len)
      st->ports_trie.remove(key_bytes(masked) + kPortsOffset, st->ports_mask_len);
    e->chain.shrink_to_fit();
    st->free_entries.push_back(id);
  }
  --n_rules_;
  if (--st->n_rules == 0) {
    destroy_subtable(st);
  } else if (prio == st->max_priority && --st->max_count == 0) {
    // Chains are sorted, so the max is among the heads; rules below a head
    // can tie with it, so count them all.
    st->max_priority = INT_MIN;
    for (const ClsEntry& en : st->entries) {
      if (!en.chain.empty())
        st->max_priority = std::max(st->max_priority, en.chain.front().priority);
    }
    st->max_count = 0;
    for (const ClsEntry& en : st->entries) {
      for (const ClsRuleRef& r : en.chain) st->max_count += r.priority == st->max_priority;
    }
    reposition(st);
  }
  return old;
}

// ---- exact finds and iteration ------------------------------------------------

const Rule* Classifier::find_exactly(const Match& match, int priority) const {
  const ClsRuleRef* r = find_ref_exactly(match, priority);
  return r ? r->rule.get() : nullptr;
}

RulePtr Classifier::find_rule_exactly(const Match& match, int priority) const {
  const ClsRuleRef* r = find_ref_exactly(match, priority);
  return r ? r->rule : nullptr;
}

const ClsRuleRef* Classifier::find_ref_exactly(const Match& match, int priority) const {
  const ClsSubtable* st = find_subtable(match.mask);
  if (!st) return nullptr;
  FlowKey masked;
  masked_key(match, masked);
  uint64_t ihash[3];
  const ClsEntry* e = st->find_entry(key_words(masked), entry_hashes(*st, masked, ihash));
  if (!e) return nullptr;
  for (const ClsRuleRef& r : e->chain) {
    if (r.priority == priority) return &r;
  }
  return nullptr;
}

bool Classifier::overlaps(const Match& match, int priority) const {
  FlowKey masked;
  masked_key(match, masked);
  const ClsWord* tv = key_words(masked);
  const ClsWord* tm = key_words(match.mask);
  for (const auto& stp : subtables_) {
    const ClsSubtable& st = *stp;
    if (st.max_priority < priority) break;
    for (uint32_t id = 0; id < st.entries.size(); ++id) {
      const ClsEntry& e = st.entries[id];
      bool has_prio = false;
      for (const ClsRuleRef& r : e.chain) has_prio |= r.priority == priority;
      if (!has_prio) continue;
      const uint64_t* v = st.entry_values(id);
      bool agree = true;
      for (int p = 0; p < st.n_words && agree; ++p) {
        uint64_t both = st.mask_words[p] & tm[st.word_idx[p]];
        agree = ((v[p] ^ tv[st.word_idx[p]]) & both) == 0;
      }
      if (agree) return true;
    }
  }
  return false;
}

namespace {

void visit_subtable(const ClsSubtable& st, const std::vector<uint32_t>& ids,
                    const std::function<void(const RulePtr&)>& fn) {
  std::vector<const ClsRuleRef*> refs;
  for (uint32_t id : ids) {
    for (const ClsRuleRef& r : st.entries[id].chain) refs.push_back(&r);
  }
  std::sort(refs.begin(), refs.end(),
            [](const ClsRuleRef* a, const ClsRuleRef* b) { return a->seq < b->seq; });
  for (const ClsRuleRef* r : refs) fn(r->rule);
}

}  // namespace

void Classifier::for_each(const std::function<void(const RulePtr&)>& fn) const {
  std::vector<uint32_t> ids;
  for (const auto& st : subtables_) {
    ids.clear();
    for (uint32_t id = 0; id < st->entries.size(); ++id) {
      if (!st->entries[id].chain.empty()) ids.push_back(id);
    }
    visit_subtable(*st, ids, fn);
  }
}

void Classifier::for_each_loose(const Match& target,
                                const std::function<void(const RulePtr&)>& fn) const {
  FlowKey tvalue;
  masked_key(target, tvalue);
  const ClsWord* tv = key_words(tvalue);
  const ClsWord* tm = key_words(target.mask);
  std::vector<uint32_t> ids;
  for (const auto& stp : subtables_) {
    const ClsSubtable& st = *stp;
    // The rule must match every bit the target matches.
    const ClsWord* sm = key_words(st.mask);
    bool covers = true;
    for (int i = 0; i < kFlowWords && covers; ++i) covers = (tm[i] & ~sm[i]) == 0;
    if (!covers) continue;
    ids.clear();
    for (uint32_t id = 0; id < st.entries.size(); ++id) {
      if (st.entries[id].chain.empty()) continue;
      const uint64_t* v = st.entry_values(id);
      bool eq = true;
      for (int p = 0; p < st.n_words && eq; ++p) {
        eq = ((v[p] ^ tv[st.word_idx[p]]) & tm[st.word_idx[p]]) == 0;
      }
      if (eq) ids.push_back(id);
    }
    visit_subtable(st, ids, fn);
  }
}

std::vector<RulePtr> Classifier::rules() const {
  std::vector<RulePtr> out;
  out.reserve(n_rules_);
  for_each([&](const RulePtr& r) { out.push_back(r); });
  return out;
}

}  // namespace dpuflow::dataplane
