#include "dataplane/pipeline/commit.h"

#include <cstring>

#include "dataplane/pipeline/xlate.h"

namespace dpuflow::dataplane {
namespace {

// One field of an ovs_key_* struct: where it lives in the key struct and
// in FlowKey (for the packet value and for the mask).
struct KeyField {
  size_t key_off;
  size_t size;
};

// Compares key and base field by field; for unchanged fields clears the
// mask.  Returns whether any field differs (OVS keycmp_mask).
bool keycmp_mask(const uint8_t* key, const uint8_t* base, const KeyField* fields, size_t n,
                 uint8_t* mask) {
  bool differ = false;
  for (size_t i = 0; i < n; ++i) {
    const KeyField& f = fields[i];
    if (std::memcmp(key + f.key_off, base + f.key_off, f.size) == 0) {
      std::memset(mask + f.key_off, 0, f.size);
    } else {
      differ = true;
    }
  }
  return differ;
}

bool fields_all_ones(const uint8_t* mask, const KeyField* fields, size_t n) {
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < fields[i].size; ++j)
      if (mask[fields[i].key_off + j] != 0xff) return false;
  return true;
}

// OVS commit(): emits a (masked) set when key differs from base.  On
// return `mask` holds the mask actually used (all ones for a plain set).
bool commit(OdpKeyAttr attr, bool use_masked, const OdpKey& key, OdpKey& base, OdpKey& mask,
            const KeyField* fields, size_t n, DpActions& out) {
  if (!keycmp_mask(key.raw, base.raw, fields, n, mask.raw)) return false;
  bool fully = fields_all_ones(mask.raw, fields, n);
  DpAction a;
  a.type = DpActionType::kSet;
  a.set.attr = attr;
  a.set.key = key;
  if (use_masked && !fully) {
    a.set.masked = true;
    a.set.mask = mask;
  } else {
    a.set.masked = false;
    for (size_t i = 0; i < n; ++i) std::memset(mask.raw + fields[i].key_off, 0xff, fields[i].size);
    a.set.mask = mask;
  }
  out.push_back(a);
  base = key;
  return true;
}

void or_masks(OdpKey& mask, const OdpKey& orig, const KeyField* fields, size_t n) {
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < fields[i].size; ++j) mask.raw[fields[i].key_off + j] |= orig.raw[fields[i].key_off + j];
}

#define KF(T, m) KeyField{offsetof(T, m), sizeof(T::m)}

const KeyField kEthFields[] = {KF(OdpKeyEthernet, src), KF(OdpKeyEthernet, dst)};
const KeyField kIpv4Fields[] = {KF(OdpKeyIpv4, src),   KF(OdpKeyIpv4, dst), KF(OdpKeyIpv4, proto),
                                KF(OdpKeyIpv4, tos),   KF(OdpKeyIpv4, ttl), KF(OdpKeyIpv4, frag)};
const KeyField kIpv6Fields[] = {KF(OdpKeyIpv6, src),    KF(OdpKeyIpv6, dst),
                                KF(OdpKeyIpv6, label),  KF(OdpKeyIpv6, proto),
                                KF(OdpKeyIpv6, tclass), KF(OdpKeyIpv6, hlimit),
                                KF(OdpKeyIpv6, frag)};
const KeyField kArpFields[] = {KF(OdpKeyArp, sip), KF(OdpKeyArp, tip), KF(OdpKeyArp, op),
                               KF(OdpKeyArp, sha), KF(OdpKeyArp, tha)};
const KeyField kPortFields[] = {KF(OdpKeyPorts, src), KF(OdpKeyPorts, dst)};
const KeyField kIcmpFields[] = {KF(OdpKeyIcmp, type), KF(OdpKeyIcmp, code)};
const KeyField kNdFields[] = {KF(OdpKeyNd, target), KF(OdpKeyNd, sll), KF(OdpKeyNd, tll)};
#undef KF

template <size_t N>
constexpr size_t count(const KeyField (&)[N]) {
  return N;
}

// --- FlowKey <-> ovs_key_* -------------------------------------------------

uint8_t odp_frag(uint8_t nw_frag, bool is_mask) {
  if (is_mask) return nw_frag ? 0xff : 0;  // the frag mask is all or nothing
  if (!(nw_frag & kFragAny)) return 0;     // none
  return (nw_frag & kFragLater) ? 2 : 1;   // later : first
}

OdpKey eth_key(const FlowKey& f) {
  OdpKey k{};
  std::memcpy(k.eth.src, f.dl_src, 6);
  std::memcpy(k.eth.dst, f.dl_dst, 6);
  return k;
}
void put_eth(const OdpKey& k, FlowKey& f) {
  std::memcpy(f.dl_src, k.eth.src, 6);
  std::memcpy(f.dl_dst, k.eth.dst, 6);
}

OdpKey ipv4_key(const FlowKey& f, bool is_mask) {
  OdpKey k{};
  k.ipv4.src = f.nw_src;
  k.ipv4.dst = f.nw_dst;
  k.ipv4.proto = f.nw_proto;
  k.ipv4.tos = f.nw_tos;
  k.ipv4.ttl = f.nw_ttl;
  k.ipv4.frag = odp_frag(f.nw_frag, is_mask);
  return k;
}
void put_ipv4(const OdpKey& k, FlowKey& f, bool is_mask) {
  f.nw_src = k.ipv4.src;
  f.nw_dst = k.ipv4.dst;
  f.nw_proto = k.ipv4.proto;
  f.nw_tos = k.ipv4.tos;
  f.nw_ttl = k.ipv4.ttl;
  if (is_mask) f.nw_frag = k.ipv4.frag ? kFragMask : 0;
}

OdpKey ipv6_key(const FlowKey& f, bool is_mask) {
  OdpKey k{};
  std::memcpy(k.ipv6.src, f.ipv6_src, 16);
  std::memcpy(k.ipv6.dst, f.ipv6_dst, 16);
  k.ipv6.label = f.ipv6_label;
  k.ipv6.proto = f.nw_proto;
  k.ipv6.tclass = f.nw_tos;
  k.ipv6.hlimit = f.nw_ttl;
  k.ipv6.frag = odp_frag(f.nw_frag, is_mask);
  return k;
}
void put_ipv6(const OdpKey& k, FlowKey& f, bool is_mask) {
  std::memcpy(f.ipv6_src, k.ipv6.src, 16);
  std::memcpy(f.ipv6_dst, k.ipv6.dst, 16);
  f.ipv6_label = k.ipv6.label;
  f.nw_proto = k.ipv6.proto;
  f.nw_tos = k.ipv6.tclass;
  f.nw_ttl = k.ipv6.hlimit;
  if (is_mask) f.nw_frag = k.ipv6.frag ? kFragMask : 0;
}

OdpKey arp_key(const FlowKey& f) {
  OdpKey k{};
  k.arp.sip = f.nw_src;
  k.arp.tip = f.nw_dst;
  k.arp.op = f.nw_proto == 0xff ? 0xffff : be16(f.nw_proto);
  std::memcpy(k.arp.sha, f.arp_sha, 6);
  std::memcpy(k.arp.tha, f.arp_tha, 6);
  return k;
}
void put_arp(const OdpKey& k, FlowKey& f) {
  f.nw_src = k.arp.sip;
  f.nw_dst = k.arp.tip;
  f.nw_proto = static_cast<uint8_t>(host16(k.arp.op));
  std::memcpy(f.arp_sha, k.arp.sha, 6);
  std::memcpy(f.arp_tha, k.arp.tha, 6);
}

OdpKey nd_key(const FlowKey& f) {
  OdpKey k{};
  std::memcpy(k.nd.target, f.nd_target, 16);
  std::memcpy(k.nd.sll, f.arp_sha, 6);
  std::memcpy(k.nd.tll, f.arp_tha, 6);
  return k;
}
void put_nd(const OdpKey& k, FlowKey& f) {
  std::memcpy(f.nd_target, k.nd.target, 16);
  std::memcpy(f.arp_sha, k.nd.sll, 6);
  std::memcpy(f.arp_tha, k.nd.tll, 6);
}

OdpKey ports_key(const FlowKey& f) {
  OdpKey k{};
  k.ports.src = f.tp_src;
  k.ports.dst = f.tp_dst;
  return k;
}
void put_ports(const OdpKey& k, FlowKey& f) {
  f.tp_src = k.ports.src;
  f.tp_dst = k.ports.dst;
}

OdpKey icmp_key(const FlowKey& f) {
  OdpKey k{};
  k.icmp.type = static_cast<uint8_t>(host16(f.tp_src));
  k.icmp.code = static_cast<uint8_t>(host16(f.tp_dst));
  return k;
}
void put_icmp(const OdpKey& k, FlowKey& f) {
  f.tp_src = be16(k.icmp.type);
  f.tp_dst = be16(k.icmp.code);
}

// --- per-layer commits --------------------------------------------------------

void commit_ether(const FlowKey& flow, FlowKey& base, FlowMask& wc, DpActions& out) {
  if (flow.packet_type != be32(kPtEth)) return;
  OdpKey key = eth_key(flow), b = eth_key(base), mask = eth_key(wc), orig = mask;
  if (commit(OdpKeyAttr::kEthernet, true, key, b, mask, kEthFields, count(kEthFields), out)) {
    put_eth(b, base);
    or_masks(mask, orig, kEthFields, count(kEthFields));
    put_eth(mask, wc);
  }
}

void commit_ipv4(const FlowKey& flow, FlowKey& base, FlowMask& wc, DpActions& out) {
  OdpKey key = ipv4_key(flow, false), b = ipv4_key(base, false), mask = ipv4_key(wc, true);
  OdpKey orig = mask;
  mask.ipv4.proto = 0;  // not writable
  mask.ipv4.frag = 0;
  if (commit(OdpKeyAttr::kIpv4, true, key, b, mask, kIpv4Fields, count(kIpv4Fields), out)) {
    put_ipv4(b, base, false);
    or_masks(mask, orig, kIpv4Fields, count(kIpv4Fields));
    put_ipv4(mask, wc, true);
  }
}

void commit_ipv6(const FlowKey& flow, FlowKey& base, FlowMask& wc, DpActions& out) {
  OdpKey key = ipv6_key(flow, false), b = ipv6_key(base, false), mask = ipv6_key(wc, true);
  OdpKey orig = mask;
  mask.ipv6.proto = 0;
  mask.ipv6.frag = 0;
  mask.ipv6.label &= be32(0x000fffff);
  if (commit(OdpKeyAttr::kIpv6, true, key, b, mask, kIpv6Fields, count(kIpv6Fields), out)) {
    put_ipv6(b, base, false);
    or_masks(mask, orig, kIpv6Fields, count(kIpv6Fields));
    put_ipv6(mask, wc, true);
  }
}

uint32_t commit_arp(const FlowKey& flow, FlowKey& base, FlowMask& wc, DpActions& out) {
  OdpKey key = arp_key(flow), b = arp_key(base), mask = arp_key(wc), orig = mask;
  if (commit(OdpKeyAttr::kArp, true, key, b, mask, kArpFields, count(kArpFields), out)) {
    put_arp(b, base);
    or_masks(mask, orig, kArpFields, count(kArpFields));
    put_arp(mask, wc);
    return kSlowAction;
  }
  return 0;
}

uint32_t commit_nd(const FlowKey& flow, FlowKey& base, FlowMask& wc, DpActions& out) {
  OdpKey key = nd_key(flow), b = nd_key(base), mask = nd_key(wc), orig = mask;
  if (commit(OdpKeyAttr::kNd, true, key, b, mask, kNdFields, count(kNdFields), out)) {
    put_nd(b, base);
    or_masks(mask, orig, kNdFields, count(kNdFields));
    put_nd(mask, wc);
    return kSlowAction;
  }
  return 0;
}

uint32_t commit_l3(const FlowKey& flow, FlowKey& base, FlowMask& wc, DpActions& out) {
  if (!flow.nw_proto) return 0;
  switch (host16(base.dl_type)) {
    case kEthTypeIp:
      commit_ipv4(flow, base, wc, out);
      break;
    case kEthTypeIpv6:
      commit_ipv6(flow, base, wc, out);
      if (base.nw_proto == kIpProtoIcmpv6) return commit_nd(flow, base, wc, out);
      break;
    case kEthTypeArp:
      return commit_arp(flow, base, wc, out);
    default:
      break;
  }
  return 0;
}

// Whether an L3 set is emitted depends on nw_proto (no L3 header when it is
// 0), so a megaflow with such a set must match nw_proto: OVS's megaflows
// for routed OVN traffic do (ovn-scenarios c-router, d-lb-nat,
// e-remote-chassis), and without it a packet with nw_proto 0 would get a
// set() that a fresh translation would not emit.
uint32_t commit_nw(const FlowKey& flow, FlowKey& base, FlowMask& wc, DpActions& out) {
  const size_t before = out.size();
  const uint32_t slow = commit_l3(flow, base, wc, out);
  if (out.size() != before) wc.nw_proto = 0xff;
  return slow;
}

void commit_ports(const FlowKey& flow, FlowKey& base, FlowMask& wc, DpActions& out) {
  if (!flow.nw_proto || !is_ip_any(base)) return;
  OdpKeyAttr attr;
  if (flow.nw_proto == kIpProtoTcp) attr = OdpKeyAttr::kTcp;
  else if (flow.nw_proto == kIpProtoUdp) attr = OdpKeyAttr::kUdp;
  else if (flow.nw_proto == kIpProtoSctp) attr = OdpKeyAttr::kSctp;
  else return;
  OdpKey key = ports_key(flow), b = ports_key(base), mask = ports_key(wc), orig = mask;
  if (commit(attr, true, key, b, mask, kPortFields, count(kPortFields), out)) {
    put_ports(b, base);
    or_masks(mask, orig, kPortFields, count(kPortFields));
    put_ports(mask, wc);
  }
}

uint32_t commit_icmp(const FlowKey& flow, FlowKey& base, FlowMask& wc, DpActions& out) {
  OdpKeyAttr attr;
  if (is_ip(flow) && flow.nw_proto == kIpProtoIcmp) attr = OdpKeyAttr::kIcmp;
  else if (is_ipv6(flow) && flow.nw_proto == kIpProtoIcmpv6) attr = OdpKeyAttr::kIcmpv6;
  else return 0;
  OdpKey key = icmp_key(flow), b = icmp_key(base), mask = icmp_key(wc), orig = mask;
  if (commit(attr, false, key, b, mask, kIcmpFields, count(kIcmpFields), out)) {
    put_icmp(b, base);
    or_masks(mask, orig, kIcmpFields, count(kIcmpFields));
    put_icmp(mask, wc);
    return kSlowAction;
  }
  return 0;
}

int count_vlans(const FlowKey& f) {
  int i = 0;
  while (i < 2 && (f.vlans[i].tci & be16(0x1000))) ++i;
  return i;
}

void commit_vlan(const FlowKey& flow, FlowKey& base, FlowMask& wc, DpActions& out) {
  int base_n = count_vlans(base);
  int flow_n = count_vlans(flow);
  // Skip the common innermost headers.
  for (base_n--, flow_n--; base_n >= 0 && flow_n >= 0; base_n--, flow_n--) {
    if (base.vlans[base_n].tpid != flow.vlans[flow_n].tpid ||
        base.vlans[base_n].tci != flow.vlans[flow_n].tci)
      break;
  }
  for (; base_n >= 0; base_n--) {
    DpAction a;
    a.type = DpActionType::kPopVlan;
    out.push_back(a);
    wc.vlans[base_n].tpid = 0xffff;
    wc.vlans[base_n].tci = 0xffff;
  }
  for (; flow_n >= 0; flow_n--) {
    DpAction a;
    a.type = DpActionType::kPushVlan;
    a.vlan_tpid = host16(flow.vlans[flow_n].tpid);
    a.vlan_tci = host16(flow.vlans[flow_n].tci);
    out.push_back(a);
  }
  std::memcpy(base.vlans, flow.vlans, sizeof base.vlans);
}

}  // namespace

uint32_t commit_odp_actions(const FlowKey& flow, FlowKey& base, FlowMask& wc, DpActions& out) {
  commit_ether(flow, base, wc, out);
  uint32_t slow1 = commit_nw(flow, base, wc, out);
  commit_ports(flow, base, wc, out);
  uint32_t slow2 = commit_icmp(flow, base, wc, out);
  commit_vlan(flow, base, wc, out);
  return slow1 ? slow1 : slow2;
}

}  // namespace dpuflow::dataplane
