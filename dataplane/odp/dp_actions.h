// Datapath actions: the ODP vocabulary of the OVS datapath (output, set,
// push/pop_vlan, tnl_push/tnl_pop, ct, recirc, clone, hash, meter,
// check_pkt_len, sample, userspace), which is the contract between the slow
// path (xlate), the fast path (executor) and the offload engine.
//
// Design note
// - A DpActions is a vector of DpAction; clone, sample and check_pkt_len
//   carry nested lists.  Port numbers are datapath (odp) port numbers.
// - set actions carry a key and a mask in OVS's ovs_key_* layouts (field by
//   field, network byte order); a field with an all-zero mask is not set.
//   `masked == false` is OVS's plain set (all fields written).
// - format_dp_actions() prints exactly OVS's syntax (ofproto/trace and
//   dpctl/dump-flows "actions:"), so results diff against real OVS output.
//
// Thread safety: value types.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dpuflow::dataplane {

using OdpPort = uint32_t;

enum class DpActionType : uint8_t {
  kOutput,
  kSet,
  kPushVlan,
  kPopVlan,
  kTnlPush,
  kTnlPop,
  kCt,
  kCtClear,
  kRecirc,
  kHash,
  kMeter,
  kUserspace,
  kSample,
  kClone,
  kCheckPktLen,
};

// ovs_key_* layouts used by set actions.
enum class OdpKeyAttr : uint8_t { kEthernet, kIpv4, kIpv6, kArp, kTcp, kUdp, kSctp, kIcmp, kIcmpv6, kNd };

struct OdpKeyEthernet { uint8_t src[6]; uint8_t dst[6]; };
struct OdpKeyIpv4 { uint32_t src, dst; uint8_t proto, tos, ttl, frag; };
struct OdpKeyIpv6 { uint8_t src[16], dst[16]; uint32_t label; uint8_t proto, tclass, hlimit, frag; };
struct OdpKeyArp { uint32_t sip, tip; uint16_t op; uint8_t sha[6], tha[6]; };
struct OdpKeyPorts { uint16_t src, dst; };          // tcp, udp, sctp
struct OdpKeyIcmp { uint8_t type, code; };           // icmp, icmpv6
struct OdpKeyNd { uint8_t target[16]; uint8_t sll[6], tll[6]; };

union OdpKey {
  OdpKeyEthernet eth;
  OdpKeyIpv4 ipv4;
  OdpKeyIpv6 ipv6;
  OdpKeyArp arp;
  OdpKeyPorts ports;
  OdpKeyIcmp icmp;
  OdpKeyNd nd;
  uint8_t raw[48];
};

struct OdpSet {
  OdpKeyAttr attr = OdpKeyAttr::kEthernet;
  bool masked = true;
  OdpKey key{};
  OdpKey mask{};
};

// Tunnel encapsulation: the complete outer header, as OVS's tnl_push.
inline constexpr uint8_t kOdpTnlTypeVxlan = 4;
inline constexpr uint8_t kOdpTnlTypeGeneve = 5;
struct OdpTnlPush {
  OdpPort tnl_port = 0;
  OdpPort out_port = 0;
  uint8_t tnl_type = kOdpTnlTypeGeneve;
  std::vector<uint8_t> header;  // eth + ip + udp + geneve/vxlan (+ options)
};

struct OdpNat {
  bool present = false;
  bool src = false, dst = false;
  bool persistent = false, hash = false, random = false;
  bool has_addr = false, ipv6 = false;
  uint32_t ipv4_min = 0, ipv4_max = 0;  // host order; max 0 = single address
  uint8_t ipv6_min[16] = {}, ipv6_max[16] = {};
  uint16_t port_min = 0, port_max = 0;
};

struct OdpCt {
  bool commit = false;
  bool force = false;
  uint16_t zone = 0;
  bool has_mark = false;
  uint32_t mark = 0, mark_mask = 0;    // host order
  bool has_label = false;
  uint8_t label[16] = {}, label_mask[16] = {};
  std::string helper;
  OdpNat nat;
};

// userspace(pid=0,controller(...)) cookie of a controller action.
struct OdpControllerCookie {
  uint8_t reason = 1;
  bool dont_send = false;
  bool continuation = false;
  uint32_t recirc_id = 0;
  uint64_t rule_cookie = 0;   // host order
  uint16_t controller_id = 0;
  uint16_t max_len = 0;
};

struct DpAction {
  DpActionType type = DpActionType::kOutput;
  OdpPort port = 0;            // output, tnl_pop
  uint32_t id = 0;             // recirc id, meter id
  uint16_t vlan_tpid = 0x8100; // push_vlan (host order)
  uint16_t vlan_tci = 0;       // push_vlan (host order, with 0x1000 present bit)
  uint32_t hash_alg = 0;       // hash: 0 = l4, 1 = sym_l4
  uint32_t hash_basis = 0;
  uint16_t pkt_len = 0;        // check_pkt_len
  uint32_t probability = UINT32_MAX;  // sample
  OdpSet set;
  OdpTnlPush tnl_push;
  OdpCt ct;
  OdpControllerCookie userspace;
  std::vector<DpAction> nested;   // clone, sample, check_pkt_len "gt"
  std::vector<DpAction> nested2;  // check_pkt_len "le"
};

using DpActions = std::vector<DpAction>;

// OVS's text: "drop" for an empty list.
std::string format_dp_actions(const DpActions& acts);
void format_dp_actions(const DpActions& acts, std::string& out);

}  // namespace dpuflow::dataplane
