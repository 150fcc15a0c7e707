// Field registry lookups over the constant table in field_table.cc.
#include "dataplane/flow/field.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "dataplane/flow/field_table.h"

namespace dpuflow::dataplane {
namespace {

constexpr uint32_t kOnfExperimenter = 0x4f4e4600;  // ONFOXM_ET

// Spellings OVS also accepts that have no column in the table: the OpenFlow
// 1.3 ONF extension names of two OpenFlow 1.5 fields.
struct ExtraName {
  std::string_view name;
  FieldId id;
  uint32_t header;  // class 0xffff, with kOnfExperimenter
};
constexpr ExtraName kExtraNames[] = {
    {"ONFOXM_ET_TCP_FLAGS", FieldId::kTcpFlags, 0xffffu << 16 | 42u << 9 | 6},
    {"ONFOXM_ET_ACTSET_OUTPUT", FieldId::kActsetOutput, 0xffffu << 16 | 43u << 9 | 8},
};

using NameIndex = std::vector<std::pair<std::string_view, FieldId>>;

NameIndex build_name_index() {
  NameIndex index;
  for (const FieldDesc& f : internal::field_table()) {
    for (std::string_view n : {f.name, f.alias, f.nxm_name, f.oxm_name}) {
      if (!n.empty()) index.emplace_back(n, f.id);
    }
  }
  for (const ExtraName& e : kExtraNames) index.emplace_back(e.name, e.id);
  std::sort(index.begin(), index.end());
  return index;
}

const NameIndex& name_index() {
  static const NameIndex index = build_name_index();
  return index;
}

// Header without its length byte and has-mask bit: class << 7 | field.
constexpr uint32_t header_key(uint32_t header) { return header >> 9; }

// Headers sorted by key; within a key, in table order with the NXM header
// of a field before its OXM one (the order a linear scan would find them).
struct HeaderEntry {
  uint32_t key;
  uint32_t order;  // 2 * table index, + 1 for the OXM header
  uint32_t experimenter;
  bool oxm;
  const FieldDesc* field;
};
using HeaderIndex = std::vector<HeaderEntry>;

HeaderIndex build_header_index() {
  HeaderIndex index;
  uint32_t i = 0;
  for (const FieldDesc& f : internal::field_table()) {
    if (f.nxm_header) index.push_back({header_key(f.nxm_header), 2 * i, 0, false, &f});
    if (f.oxm_header) {
      index.push_back({header_key(f.oxm_header), 2 * i + 1, f.oxm_experimenter, true, &f});
    }
    ++i;
  }
  std::sort(index.begin(), index.end(), [](const HeaderEntry& a, const HeaderEntry& b) {
    return a.key != b.key ? a.key < b.key : a.order < b.order;
  });
  return index;
}

const HeaderIndex& header_index() {
  static const HeaderIndex index = build_header_index();
  return index;
}

}  // namespace

const FieldDesc& field_desc(FieldId id) {
  return internal::field_table()[static_cast<size_t>(id)];
}

std::span<const FieldDesc> all_fields() { return internal::field_table(); }

const FieldDesc* field_by_name(std::string_view name) {
  const NameIndex& index = name_index();
  auto it = std::lower_bound(index.begin(), index.end(), name,
                             [](const auto& e, std::string_view n) { return e.first < n; });
  if (it == index.end() || it->first != name) return nullptr;
  return &field_desc(it->second);
}

const FieldDesc* field_by_ovs_name(std::string_view name) {
  const FieldDesc* f = field_by_name(name);
  return f && (f->name == name || f->alias == name) ? f : nullptr;
}

const FieldDesc* field_by_header(uint32_t header, uint32_t experimenter) {
  const uint32_t key = header_key(header);
  const bool is_experimenter = (header >> 16) == 0xffff;
  const HeaderIndex& index = header_index();
  auto it = std::lower_bound(index.begin(), index.end(), key,
                             [](const HeaderEntry& e, uint32_t k) { return e.key < k; });
  for (; it != index.end() && it->key == key; ++it) {
    if (!it->oxm || !is_experimenter || it->experimenter == experimenter) return it->field;
  }
  if (is_experimenter && experimenter == kOnfExperimenter) {
    for (const ExtraName& e : kExtraNames) {
      if (header_key(e.header) == key) return &field_desc(e.id);
    }
  }
  return nullptr;
}

}  // namespace dpuflow::dataplane
