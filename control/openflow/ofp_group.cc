#include "control/openflow/ofp_group.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "control/openflow/ofp_wire.h"

namespace dpuflow::control {

using namespace dataplane;
using namespace wire;

namespace {

constexpr uint8_t kOfptGroupMod = 15;

// Wire commands (OFPGC11_* / OFPGC15_*).
enum : uint16_t {
  kGcAdd = 0, kGcModify = 1, kGcDelete = 2, kGcInsertBucket = 3, kGcRemoveBucket = 5,
  kGcAddOrMod = 0x8000,
};
// Bucket properties (OFPGBPT15_*).
enum : uint16_t { kBpWeight = 0, kBpWatchPort = 1, kBpWatchGroup = 2 };
constexpr uint16_t kPropExperimenter = 0xffff;
constexpr uint32_t kNtrVendor = 0x0000154d;
constexpr uint32_t kNtrCompatVendor = 0x00001540;  // OVS 2.4's wrong id, still accepted
constexpr uint32_t kNtrSelectionMethod = 1;
constexpr size_t kSelectionMethodLen = 16;
constexpr size_t kSelectionPropLen = 40;
constexpr uint32_t kPortAny32 = 0xffffffff;  // Bucket::watch_port "none"

struct Fail {
  WireError* err;
  template <typename T = GroupMod>
  std::optional<T> operator()(OfpError e, size_t at, std::string m) const {
    if (err != nullptr) *err = WireError{e, at, std::move(m)};
    return std::nullopt;
  }
  bool set(OfpError e, size_t at, std::string m) const {
    if (err != nullptr) *err = WireError{e, at, std::move(m)};
    return false;
  }
};

uint16_t command_to_wire(GroupModCommand c) {
  switch (c) {
    case GroupModCommand::kAdd: return kGcAdd;
    case GroupModCommand::kModify: return kGcModify;
    case GroupModCommand::kAddOrModify: return kGcAddOrMod;
    case GroupModCommand::kDelete: return kGcDelete;
    case GroupModCommand::kInsertBucket: return kGcInsertBucket;
    case GroupModCommand::kRemoveBucket: return kGcRemoveBucket;
  }
  return kGcAdd;
}

uint32_t watch_port_to_wire(uint32_t p) {
  return p == kPortAny32 ? kPortAny32 : port_to_ofp11(static_cast<uint16_t>(p));
}

bool has_liveness(const Bucket& b) {
  return b.watch_port != kPortAny32 || b.watch_group != kGroupAny;
}

// ---- properties ---------------------------------------------------------------

// One property (OVS ofpprop_pull): `*len` is its stated length, `*padded`
// what it occupies.  Type 0xffff carries experimenter + exp_type.
struct Prop {
  uint16_t type = 0;
  uint32_t experimenter = 0;
  uint32_t exp_type = 0;
  std::span<const uint8_t> payload;  // after the (experimenter) header
  size_t padded = 0;
};
bool pull_prop(std::span<const uint8_t> in, size_t base, Prop* p, const Fail& fail) {
  if (in.size() < 4) return fail.set(OfpError::kBadPropertyLen, base, "truncated property header");
  const uint16_t len = rd16(&in[2]);
  const size_t padded = (len + 7u) / 8 * 8;
  if (len < 4 || padded > in.size()) {
    return fail.set(OfpError::kBadPropertyLen, base,
                    fmt::format("property length {} with {} bytes left", len, in.size()));
  }
  p->type = rd16(&in[0]);
  p->padded = padded;
  size_t hdr = 4;
  if (p->type == kPropExperimenter) {
    if (len < 12) {
      return fail.set(OfpError::kBadPropertyLen, base,
                      fmt::format("experimenter property length {}", len));
    }
    p->experimenter = rd32(&in[4]);
    p->exp_type = rd32(&in[8]);
    if (p->experimenter == 0) {
      return fail.set(OfpError::kBadPropertyExperimenter, base,
                      "experimenter property with experimenter 0");
    }
    hdr = 12;
  }
  p->payload = in.subspan(hdr, len - hdr);
  return true;
}

void put_prop_u32(Out& o, uint16_t type, uint32_t v) {
  o.u16(type);
  o.u16(8);
  o.u32(v);
}

// ---- hash fields --------------------------------------------------------------

// The header length byte of `d` as named by a header of class `cls`.
std::optional<size_t> field_wire_len(const FieldDesc& d, uint32_t header) {
  const uint32_t key = header & 0xfffffe00u;
  if (d.oxm_header != 0 && (d.oxm_header & 0xfffffe00u) == key) return d.oxm_header & 0xff;
  if (d.nxm_header != 0 && (d.nxm_header & 0xfffffe00u) == key) return d.nxm_header & 0xff;
  return std::nullopt;
}

bool decode_fields(std::span<const uint8_t> in, size_t base, std::vector<FieldId>* out,
                   const Fail& fail) {
  size_t off = 0;
  while (off < in.size()) {
    if (in.size() - off < 4) {
      return fail.set(OfpError::kMatchBadLen, base + off, "truncated hash field header");
    }
    const uint32_t header = rd32(&in[off]);
    size_t hdr = 4;
    uint32_t exp = 0;
    if ((header >> 16) == 0xffff) {
      if (in.size() - off < 8) {
        return fail.set(OfpError::kMatchBadLen, base + off, "truncated experimenter field");
      }
      exp = rd32(&in[off + 4]);
      hdr = 8;
    }
    const size_t payload = header & 0xff;
    if (payload < hdr - 4 || off + 4 + payload > in.size()) {
      return fail.set(OfpError::kMatchBadLen, base + off,
                      fmt::format("hash field {:#010x} length {}", header, payload));
    }
    const size_t vlen = payload - (hdr - 4);
    const FieldDesc* d = field_by_header(header, exp);
    if (d == nullptr || is_tun_metadata(d->id)) {
      return fail.set(OfpError::kMatchBadField, base + off,
                      fmt::format("unknown hash field {:#010x}", header));
    }
    if ((header & 0x100) != 0) {
      return fail.set(OfpError::kMatchBadMask, base + off,
                      fmt::format("hash field {} has the has-mask bit", d->name));
    }
    auto want = field_wire_len(*d, header);
    if (want && *want != payload) {
      return fail.set(OfpError::kMatchBadLen, base + off,
                      fmt::format("hash field {} length {} (expected {})", d->name, payload,
                                  *want));
    }
    if (std::find(out->begin(), out->end(), d->id) != out->end()) {
      return fail.set(OfpError::kMatchDupField, base + off,
                      fmt::format("hash field {} twice", d->name));
    }
    const auto value = in.subspan(off + hdr, vlen);
    if (!std::all_of(value.begin(), value.end(), [](uint8_t b) { return b == 0xff; })) {
      // OVS takes a partial mask; a GroupSpec has no room for one.
      return fail.set(OfpError::kMatchBadMask, base + off,
                      fmt::format("hash field {} with a partial mask is not supported", d->name));
    }
    out->push_back(d->id);
    off += 4 + payload;
  }
  return true;
}

void encode_fields(const std::vector<FieldId>& fields, const TlvMap& tlv, Out& o) {
  for (FieldId id : fields) {
    const FieldHeader h = field_header(id, HeaderUse::kOxmFirst, false, tlv);
    const size_t exp = h.experimenter != 0 ? 4 : 0;
    const size_t n = (h.header & 0xff) >= exp ? (h.header & 0xff) - exp : 0;
    o.header(h, static_cast<uint8_t>(n + exp), false);
    o.b.insert(o.b.end(), n, 0xff);
  }
}

// The NTR selection-method group property (OVS
// parse_group_prop_ntr_selection_method), into `g`.
bool decode_selection_method(const Prop& p, size_t base, uint8_t type, uint16_t command,
                             GroupSpec* g, const Fail& fail) {
  if (type > 3) return fail.set(OfpError::kGroupBadType, base, fmt::format("group type {}", type));
  if (type != static_cast<uint8_t>(GroupType::kSelect)) {
    return fail.set(OfpError::kBadPropertyValue, base,
                    "selection method is only allowed for select groups");
  }
  if (command == kGcDelete || command == kGcInsertBucket || command == kGcRemoveBucket) {
    return fail.set(OfpError::kBadPropertyValue, base,
                    "selection method is only allowed with add and modify");
  }
  if (command != kGcAdd && command != kGcModify && command != kGcAddOrMod) {
    return fail.set(OfpError::kGroupBadCommand, base, fmt::format("group command {}", command));
  }
  // The payload starts after experimenter/exp_type: pad4, name[16], param.
  if (p.payload.size() + 12 < kSelectionPropLen) {
    return fail.set(OfpError::kBadPropertyLen, base,
                    fmt::format("selection method property length {}", p.payload.size() + 12));
  }
  const char* name = reinterpret_cast<const char*>(&p.payload[4]);
  const size_t name_len = strnlen(name, kSelectionMethodLen);
  if (name_len == kSelectionMethodLen) {
    return fail.set(OfpError::kBadPropertyValue, base + 16,
                    "selection method is not NUL-terminated");
  }
  std::string method(name, name_len);
  if (method != "hash" && method != "dp_hash") {
    return fail.set(OfpError::kBadPropertyValue, base + 16,
                    fmt::format("selection method '{}' is not supported",
                                method));
  }
  g->selection_method = std::move(method);
  g->selection_method_param = rd64(&p.payload[20]);
  const auto fields = p.payload.subspan(kSelectionPropLen - 12);
  if (!fields.empty() && g->selection_method != "hash") {
    return fail.set(OfpError::kBadPropertyValue, base + kSelectionPropLen,
                    fmt::format("selection method {} takes no fields",
                                g->selection_method));
  }
  return decode_fields(fields, base + kSelectionPropLen, &g->fields, fail);
}

void encode_selection_method(const GroupSpec& g, const TlvMap& tlv, Out& o) {
  const size_t start = o.b.size();
  o.u16(kPropExperimenter);
  o.u16(0);  // length, without padding
  o.u32(kNtrVendor);
  o.u32(kNtrSelectionMethod);
  o.zeros(4);
  char name[kSelectionMethodLen] = {};
  std::memcpy(name, g.selection_method.data(),
              std::min(g.selection_method.size(), kSelectionMethodLen - 1));
  o.b.insert(o.b.end(), name, name + kSelectionMethodLen);
  o.u64(g.selection_method_param);
  encode_fields(g.fields, tlv, o);
  o.patch_len(start + 2, start);
  o.pad8(start);
}

// ---- buckets ------------------------------------------------------------------

void encode_bucket11(const Bucket& b, uint8_t version, const TlvMap& tlv, Out& o) {
  const size_t start = o.b.size();
  o.u16(0);
  o.u16(b.weight);
  o.u32(watch_port_to_wire(b.watch_port));
  o.u32(b.watch_group);
  o.zeros(4);
  encode_actions(b.actions, version, tlv, o.b);
  o.patch_len(start, start);
}

void encode_bucket15(const Bucket& b, uint32_t bucket_id, GroupType type, uint8_t version,
                     const TlvMap& tlv, Out& o) {
  const size_t start = o.b.size();
  o.u16(0);  // len
  o.u16(0);  // action_array_len
  o.u32(bucket_id);
  const size_t actions = o.b.size();
  encode_actions(b.actions, version, tlv, o.b);
  o.patch_len(start + 2, actions);
  if (type == GroupType::kSelect || b.weight != 0) {
    o.u16(kBpWeight);
    o.u16(8);
    o.u16(b.weight);
    o.u16(0);
  }
  if (b.watch_port != kPortAny32) put_prop_u32(o, kBpWatchPort, watch_port_to_wire(b.watch_port));
  if (b.watch_group != kGroupAny) put_prop_u32(o, kBpWatchGroup, b.watch_group);
  o.patch_len(start, start);
}

// Bucket ids for 1.5: a bucket without one (first/last/all, which only a
// bucket command names) gets the lowest id no other bucket uses, as OVS's
// encoder allocates from its id pool.
std::vector<uint32_t> wire_bucket_ids(const std::vector<Bucket>& buckets) {
  std::vector<uint32_t> ids;
  std::vector<uint32_t> used;
  for (const Bucket& b : buckets) {
    if (b.bucket_id <= kBucketMax) used.push_back(b.bucket_id);
  }
  std::sort(used.begin(), used.end());
  uint32_t next = 0;
  for (const Bucket& b : buckets) {
    if (b.bucket_id <= kBucketMax) {
      ids.push_back(b.bucket_id);
      continue;
    }
    while (std::binary_search(used.begin(), used.end(), next)) ++next;
    ids.push_back(next++);
  }
  return ids;
}

void encode_buckets15(const GroupSpec& g, uint8_t version, const TlvMap& tlv, Out& o) {
  const auto ids = wire_bucket_ids(g.buckets);
  for (size_t i = 0; i < g.buckets.size(); ++i) {
    encode_bucket15(g.buckets[i], ids[i], g.type, version, tlv, o);
  }
}

// `in` holds exactly the bucket list; `base` is its offset in the message.
bool decode_buckets11(std::span<const uint8_t> in, size_t base, uint8_t version,
                      const TlvMap& tlv, std::vector<Bucket>* out, const Fail& fail) {
  size_t off = 0;
  uint32_t next_id = 0;
  while (off < in.size()) {
    const size_t left = in.size() - off;
    if (left < 16) {
      return fail.set(OfpError::kBadBucket, base + off,
                      fmt::format("buckets end with {} leftover bytes", left));
    }
    const uint8_t* p = &in[off];
    const size_t len = rd16(p);
    if (len < 16) {
      return fail.set(OfpError::kBadBucket, base + off, fmt::format("bucket length {}", len));
    }
    if (len > left) {
      return fail.set(OfpError::kBadBucket, base + off,
                      fmt::format("bucket length {} exceeds the {} bytes left", len, left));
    }
    WireError ae;
    auto acts = decode_actions(in.subspan(off + 16, len - 16), version, tlv, &ae);
    if (!acts) {
      ae.offset += base + off + 16;
      if (fail.err != nullptr) *fail.err = ae;
      return false;
    }
    Bucket b;
    b.weight = rd16(p + 2);
    const uint32_t wp = rd32(p + 4);
    auto port = port_from_ofp11(wp);
    if (!port) {
      return fail.set(OfpError::kBadWatch, base + off + 4,
                      fmt::format("watch_port {:#x}", wp));
    }
    b.watch_port = *port == kOfppNone ? kPortAny32 : *port;
    b.watch_group = rd32(p + 8);
    b.bucket_id = next_id++;
    b.actions = std::move(*acts);
    out->push_back(std::move(b));
    off += len;
  }
  return true;
}

bool decode_buckets15(std::span<const uint8_t> in, size_t base, uint8_t version, uint8_t type,
                      const TlvMap& tlv, std::vector<Bucket>* out, const Fail& fail) {
  size_t off = 0;
  while (off < in.size()) {
    const size_t left = in.size() - off;
    if (left < 8) {
      return fail.set(OfpError::kBadBucket, base + off,
                      fmt::format("buckets end with {} leftover bytes", left));
    }
    const uint8_t* p = &in[off];
    const size_t len = rd16(p);
    const size_t actions_len = rd16(p + 2);
    if (len < 8) {
      return fail.set(OfpError::kBadBucket, base + off, fmt::format("bucket length {}", len));
    }
    if (len > left) {
      return fail.set(OfpError::kBadBucket, base + off,
                      fmt::format("bucket length {} exceeds the {} bytes left", len, left));
    }
    if (actions_len > len - 8) {
      return fail.set(OfpError::kBadBucket, base + off + 2,
                      fmt::format("bucket actions length {} exceeds the bucket's {} bytes",
                                  actions_len, len - 8));
    }
    WireError ae;
    auto acts = decode_actions(in.subspan(off + 8, actions_len), version, tlv, &ae);
    if (!acts) {
      ae.offset += base + off + 8;
      if (fail.err != nullptr) *fail.err = ae;
      return false;
    }
    Bucket b;
    b.weight = type == static_cast<uint8_t>(GroupType::kSelect) ? 1 : 0;
    uint32_t watch_port = kPortAny32;
    auto props = in.subspan(off + 8 + actions_len, len - 8 - actions_len);
    size_t poff = 0;
    while (poff < props.size()) {
      const size_t at = base + off + 8 + actions_len + poff;
      Prop pr;
      if (!pull_prop(props.subspan(poff), at, &pr, fail)) return false;
      switch (pr.type) {
        case kBpWeight:
          if (pr.payload.size() < 2) {
            return fail.set(OfpError::kBadPropertyLen, at, "weight property too short");
          }
          b.weight = rd16(pr.payload.data());
          break;
        case kBpWatchPort:
        case kBpWatchGroup:
          if (pr.payload.size() != 4) {
            return fail.set(OfpError::kBadPropertyLen, at,
                            fmt::format("watch property length {}", pr.payload.size() + 4));
          }
          (pr.type == kBpWatchPort ? watch_port : b.watch_group) = rd32(pr.payload.data());
          break;
        default:
          return fail.set(pr.type == kPropExperimenter ? OfpError::kBadPropertyExpType
                                                       : OfpError::kBadPropertyType,
                          at,
                          pr.type == kPropExperimenter
                              ? fmt::format("unknown bucket property {:#x}/{}", pr.experimenter,
                                            pr.exp_type)
                              : fmt::format("unknown bucket property {}", pr.type));
      }
      poff += pr.padded;
    }
    auto port = port_from_ofp11(watch_port);
    if (!port) {
      return fail.set(OfpError::kBadWatch, base + off,
                      fmt::format("watch_port {:#x}", watch_port));
    }
    b.watch_port = *port == kOfppNone ? kPortAny32 : *port;
    b.bucket_id = rd32(p + 4);
    if (b.bucket_id > kBucketMax) {
      return fail.set(OfpError::kBadBucket, base + off + 4,
                      fmt::format("bucket id {:#x} is out of range", b.bucket_id));
    }
    b.actions = std::move(*acts);
    out->push_back(std::move(b));
    off += len;
  }
  for (size_t i = 0; i < out->size(); ++i) {
    for (size_t j = i + 1; j < out->size(); ++j) {
      if ((*out)[i].bucket_id == (*out)[j].bucket_id) {
        return fail.set(OfpError::kBadBucket, base,
                        fmt::format("duplicate bucket id {}", (*out)[i].bucket_id));
      }
    }
  }
  return true;
}

// OVS ofputil_check_group_mod.
bool check_group_mod(uint16_t command, uint8_t type, const std::vector<Bucket>& buckets,
                     const Fail& fail) {
  if (type == static_cast<uint8_t>(GroupType::kIndirect) && command != kGcDelete &&
      buckets.size() != 1) {
    return fail.set(OfpError::kInvalidGroup, 11,
                    fmt::format("an indirect group has exactly one bucket, not {}",
                                buckets.size()));
  }
  if (type > 3) return fail.set(OfpError::kGroupBadType, 10, fmt::format("group type {}", type));
  switch (command) {
    case kGcAdd:
    case kGcModify:
    case kGcAddOrMod:
    case kGcDelete:
    case kGcInsertBucket:
      break;
    case kGcRemoveBucket:
      if (!buckets.empty()) {
        return fail.set(OfpError::kBadBucket, 8, "remove_bucket carries no buckets");
      }
      break;
    default:
      return fail.set(OfpError::kGroupBadCommand, 8, fmt::format("group command {}", command));
  }
  for (const Bucket& b : buckets) {
    if (b.weight != 0 && type != static_cast<uint8_t>(GroupType::kSelect) &&
        command != kGcInsertBucket) {
      return fail.set(OfpError::kInvalidGroup, 8,
                      fmt::format("bucket {} has weight {} in a group that is not select",
                                  b.bucket_id, b.weight));
    }
    const auto t = static_cast<GroupType>(type);
    if ((t == GroupType::kAll || t == GroupType::kIndirect) && has_liveness(b)) {
      return fail.set(OfpError::kWatchUnsupported, 8,
                      fmt::format("bucket {} watches a port or group in an all/indirect group",
                                  b.bucket_id));
    }
    if (t == GroupType::kFastFailover && !has_liveness(b)) {
      return fail.set(OfpError::kInvalidGroup, 8,
                      fmt::format("fast failover bucket {} watches no port or group",
                                  b.bucket_id));
    }
  }
  return true;
}

GroupModCommand command_from_wire(uint16_t c) {
  switch (c) {
    case kGcModify: return GroupModCommand::kModify;
    case kGcAddOrMod: return GroupModCommand::kAddOrModify;
    case kGcDelete: return GroupModCommand::kDelete;
    case kGcInsertBucket: return GroupModCommand::kInsertBucket;
    case kGcRemoveBucket: return GroupModCommand::kRemoveBucket;
    default: return GroupModCommand::kAdd;
  }
}

}  // namespace

std::optional<GroupMod> decode_group_mod(std::span<const uint8_t> msg, const TlvMap& tlv,
                                         WireError* err) {
  const Fail fail{err};
  const uint8_t version = msg.empty() ? 0 : msg[0];
  const bool v15 = version >= kOfp15;
  // OVS's framing (ofpraw_check_length): the fixed part, then 8-byte units.
  const size_t fixed = kOfpHeaderLen + (v15 ? 16 : 8);
  if (msg.size() < fixed || (msg.size() - fixed) % 8 != 0) {
    return fail(OfpError::kBadLen, 0,
                fmt::format("group_mod of {} bytes (must be {} plus a multiple of 8)",
                            msg.size(), fixed));
  }
  const uint16_t command = rd16(&msg[8]);
  const uint8_t type = msg[10];
  GroupMod gm;
  gm.group.group_id = rd32(&msg[12]);
  std::vector<Bucket> buckets;
  if (!v15) {
    if (!decode_buckets11(msg.subspan(16), 16, version, tlv, &buckets, fail)) return std::nullopt;
    // OpenFlow 1.3.5+: a DELETE carries no buckets.
    if (command == kGcDelete && !buckets.empty()) {
      return fail(OfpError::kInvalidGroup, 16, "group delete with buckets");
    }
  } else {
    gm.command_bucket_id = rd32(&msg[20]);
    const uint32_t cb = gm.command_bucket_id;
    bool ok = cb == kBucketAll;
    if (command == kGcInsertBucket || command == kGcRemoveBucket) {
      ok = (command == kGcRemoveBucket && cb == kBucketAll) || cb <= kBucketMax ||
           cb == kBucketFirst || cb == kBucketLast;
    }
    if (!ok) {
      return fail(OfpError::kBadBucket, 20,
                  fmt::format("command bucket id {:#x} is out of range", cb));
    }
    const size_t list_len = rd16(&msg[16]);
    if (list_len > msg.size() - 24) {
      return fail(OfpError::kBadLen, 16,
                  fmt::format("bucket array length {} exceeds the {} bytes left", list_len,
                              msg.size() - 24));
    }
    if (!decode_buckets15(msg.subspan(24, list_len), 24, version, type, tlv, &buckets, fail)) {
      return std::nullopt;
    }
    size_t off = 24 + list_len;
    while (off < msg.size()) {
      Prop pr;
      if (!pull_prop(msg.subspan(off), off, &pr, fail)) return std::nullopt;
      const bool ntr = pr.type == kPropExperimenter &&
                       (pr.experimenter == kNtrVendor || pr.experimenter == kNtrCompatVendor) &&
                       pr.exp_type == kNtrSelectionMethod;
      if (!ntr) {
        return fail(pr.type == kPropExperimenter ? OfpError::kBadPropertyExpType
                                                 : OfpError::kBadPropertyType,
                    off,
                    pr.type == kPropExperimenter
                        ? fmt::format("unknown group property {:#x}/{}", pr.experimenter,
                                      pr.exp_type)
                        : fmt::format("unknown group property {}", pr.type));
      }
      if (!decode_selection_method(pr, off, type, command, &gm.group, fail)) return std::nullopt;
      off += pr.padded;
    }
  }
  if (!check_group_mod(command, type, buckets, fail)) return std::nullopt;
  gm.command = command_from_wire(command);
  gm.group.type = static_cast<GroupType>(type);
  gm.group.buckets = std::move(buckets);
  return gm;
}

std::vector<uint8_t> encode_group_mod(const GroupMod& gm, uint8_t version, uint32_t xid,
                                      const TlvMap& tlv) {
  std::vector<uint8_t> b;
  Out o{b};
  put_header(b, OfpHeader{version, kOfptGroupMod, 0, xid});
  const GroupSpec& g = gm.group;
  o.u16(command_to_wire(gm.command));
  o.u8(static_cast<uint8_t>(g.type));
  o.u8(0);
  o.u32(g.group_id);
  if (version >= kOfp15) {
    o.u16(0);  // bucket_array_len
    o.u16(0);
    o.u32(gm.command_bucket_id);
    const size_t start = b.size();
    encode_buckets15(g, version, tlv, o);
    o.patch_len(16, start);
    if (!g.selection_method.empty()) encode_selection_method(g, tlv, o);
  } else {
    for (const Bucket& bk : g.buckets) encode_bucket11(bk, version, tlv, o);
  }
  o.patch_len(2, 0);
  return b;
}

void encode_group_desc_entry(const GroupSpec& g, uint8_t version, const TlvMap& tlv,
                             std::vector<uint8_t>& out) {
  Out o{out};
  const size_t start = out.size();
  o.u16(0);  // length
  o.u8(static_cast<uint8_t>(g.type));
  o.u8(0);
  o.u32(g.group_id);
  if (version >= kOfp15) {
    o.u16(0);  // bucket_list_len
    o.zeros(6);
    const size_t buckets = out.size();
    encode_buckets15(g, version, tlv, o);
    o.patch_len(start + 8, buckets);
    if (!g.selection_method.empty()) encode_selection_method(g, tlv, o);
  } else {
    for (const Bucket& bk : g.buckets) encode_bucket11(bk, version, tlv, o);
  }
  o.patch_len(start, start);
}

uint32_t decode_group_desc_request(std::span<const uint8_t> mp_body, uint8_t version) {
  if (version < kOfp15 || mp_body.size() < 4) return kGroupAll;
  return rd32(mp_body.data());
}

void encode_group_features_reply(uint8_t /*version*/, std::vector<uint8_t>& out) {
  // The actions OVS's ofproto offers every group type, as the OpenFlow
  // 1.2-1.5 OFPAT bitmap: output (0) and 15..25 (mpls ttl, push/pop vlan and
  // mpls, set_queue, group, nw ttl, set_field).
  constexpr uint32_t kActions = 1u << 0 | 0x7ffu << 15;
  Out o{out};
  o.u32(0xf);    // types: all, select, indirect, ff
  o.u32(1 | 2 | 4);  // OFPGFC_SELECT_WEIGHT | SELECT_LIVENESS | CHAINING
  for (int i = 0; i < 4; ++i) o.u32(kGroupMax);
  for (int i = 0; i < 4; ++i) o.u32(kActions);
}

}  // namespace dpuflow::control
