#include "dataplane/datapath/dp_flow_format.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <cstring>
#include <vector>

namespace dpuflow::dataplane {

namespace {

bool zero(const void* p, size_t n) {
  const auto* b = static_cast<const uint8_t*>(p);
  for (size_t i = 0; i < n; i++)
    if (b[i]) return false;
  return true;
}
bool ones(const void* p, size_t n) {
  const auto* b = static_cast<const uint8_t*>(p);
  for (size_t i = 0; i < n; i++)
    if (b[i] != 0xff) return false;
  return true;
}

std::string mac(const uint8_t* m) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4], m[5]);
}
std::string ip4(uint32_t be) {
  char buf[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &be, buf, sizeof buf);
  return buf;
}
std::string ip6(const uint8_t* a) {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, a, buf, sizeof buf);
  return buf;
}

// Fields of one attribute: "name=value[/mask]" for each masked field.
class Attr {
 public:
  explicit Attr(const char* name) : name_(name) {}
  template <typename F>
  void field(const char* n, const void* v, const void* m, size_t len, F fmt_fn) {
    if (zero(m, len)) return;
    std::string s = std::string(n) + "=" + fmt_fn(v);
    if (!ones(m, len)) s += "/" + fmt_fn(m);
    parts_.push_back(std::move(s));
  }
  void raw(std::string s) { parts_.push_back(std::move(s)); }
  void emit(std::string& out) const {
    if (parts_.empty()) return;
    if (!out.empty()) out += ',';
    out += name_;
    out += '(';
    for (size_t i = 0; i < parts_.size(); i++) {
      if (i) out += ',';
      out += parts_[i];
    }
    out += ')';
  }

 private:
  const char* name_;
  std::vector<std::string> parts_;
};

auto f_mac = [](const void* p) { return mac(static_cast<const uint8_t*>(p)); };
auto f_ip4 = [](const void* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return ip4(v);
};
auto f_ip6 = [](const void* p) { return ip6(static_cast<const uint8_t*>(p)); };
auto f_u8 = [](const void* p) { return fmt::format("{}", *static_cast<const uint8_t*>(p)); };
auto f_x8 = [](const void* p) { return fmt::format("{:#x}", *static_cast<const uint8_t*>(p)); };
auto f_be16 = [](const void* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return fmt::format("{}", ntohs(v));
};
auto f_xbe32 = [](const void* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return fmt::format("{:#x}", ntohl(v));
};

// C's "%#x": 0 prints as "0", as OVS's odp text does.
std::string c_hex(uint64_t v) { return v != 0 ? fmt::format("{:#x}", v) : "0"; }

// tcpdump-style letters, in OVS's order (packet_format_tcp_flags).
std::string tcp_flags_text(uint16_t f) {
  if (f == 0) return "none";
  std::string s;
  static constexpr struct {
    uint16_t bit;
    char c;
  } kFlags[] = {{0x002, 'S'}, {0x001, 'F'}, {0x008, 'P'}, {0x004, 'R'}, {0x020, 'U'},
                {0x010, '.'}, {0x040, 'E'}, {0x080, 'C'}, {0x100, 'N'}};
  for (const auto& fl : kFlags)
    if (f & fl.bit) s += fl.c;
  return s;
}

void frag(const FlowKey& k, const FlowMask& m, Attr& a) {
  if (m.nw_frag == 0) return;
  const char* v = (k.nw_frag & kFragAny) == 0 ? "no" : (k.nw_frag & kFragLater) ? "later" : "first";
  a.raw(std::string("frag=") + v);
}

}  // namespace

std::string format_dp_match(const FlowKey& k, const FlowMask& m, uint32_t odp_in_port) {
  std::string out;
  // OVS's key order: skb_priority, tunnel, skb_mark, ct_*, recirc_id,
  // dp_hash, in_port, packet_type, then the headers.
  auto scalar = [&out](const char* name, uint64_t v, uint64_t m, uint64_t full) {
    if (m == 0) return;
    if (!out.empty()) out += ',';
    out += std::string(name) + "(" + c_hex(v);
    if (m != full) out += "/" + c_hex(m);
    out += ")";
  };
  scalar("skb_priority", host32(k.skb_priority), host32(m.skb_priority), 0xffffffff);
  if (m.tun_dst || m.tun_src || m.tun_id || m.tun_flags || m.tun_metadata_present) {
    Attr t("tunnel");
    t.field("tun_id", &k.tun_id, &m.tun_id, 8, [](const void* p) {
      uint64_t v;
      std::memcpy(&v, p, 8);
      return c_hex(host64(v));
    });
    t.field("src", &k.tun_src, &m.tun_src, 4, f_ip4);
    t.field("dst", &k.tun_dst, &m.tun_dst, 4, f_ip4);
    t.field("ttl", &k.tun_ttl, &m.tun_ttl, 1, f_u8);
    t.field("tp_dst", &k.tun_tp_dst, &m.tun_tp_dst, 2, f_be16);
    if (m.tun_metadata_present) {
      t.raw(fmt::format("geneve({{present={:#x}}})", k.tun_metadata_present));
    }
    t.emit(out);
  }
  scalar("skb_mark", host32(k.pkt_mark), host32(m.pkt_mark), 0xffffffff);
  scalar("ct_state", host32(k.ct_state), host32(m.ct_state), 0xffffffff);
  scalar("ct_zone", host16(k.ct_zone), host16(m.ct_zone), 0xffff);
  scalar("ct_mark", host32(k.ct_mark), host32(m.ct_mark), 0xffffffff);
  if (!out.empty()) out += ',';
  out += "recirc_id(" + c_hex(host32(k.recirc_id)) + ")";
  scalar("dp_hash", host32(k.dp_hash), host32(m.dp_hash), 0xffffffff);
  if (m.in_port) out += fmt::format(",in_port({})", odp_in_port);
  out += ",packet_type(ns=0,id=0)";
  Attr eth("eth");
  eth.field("src", k.dl_src, m.dl_src, 6, f_mac);
  eth.field("dst", k.dl_dst, m.dl_dst, 6, f_mac);
  eth.emit(out);
  const bool vlan = m.vlans[0].tci != 0 && (k.vlans[0].tci & be16(0x1000)) != 0;
  if (vlan) {
    out += fmt::format(",eth_type({:#06x})", host16(k.vlans[0].tpid ? k.vlans[0].tpid : be16(0x8100)));
    Attr v("vlan");
    const uint16_t tci = host16(k.vlans[0].tci), tm = host16(m.vlans[0].tci);
    if (tm & 0x0fff) v.raw(fmt::format("vid={}", tci & 0x0fff) + ((tm & 0x0fff) != 0x0fff ? fmt::format("/{:#x}", tm & 0x0fff) : ""));
    if (tm & 0xe000) v.raw(fmt::format("pcp={}", tci >> 13));
    v.emit(out);
    out += ",encap(";
  }
  std::string l3;
  if (m.dl_type) l3 += fmt::format("eth_type({:#06x})", host16(k.dl_type));
  if (is_ip(k)) {
    Attr a("ipv4");
    a.field("src", &k.nw_src, &m.nw_src, 4, f_ip4);
    a.field("dst", &k.nw_dst, &m.nw_dst, 4, f_ip4);
    a.field("proto", &k.nw_proto, &m.nw_proto, 1, f_u8);
    a.field("tos", &k.nw_tos, &m.nw_tos, 1, f_x8);
    a.field("ttl", &k.nw_ttl, &m.nw_ttl, 1, f_u8);
    frag(k, m, a);
    a.emit(l3);
  } else if (is_ipv6(k)) {
    Attr a("ipv6");
    a.field("src", k.ipv6_src, m.ipv6_src, 16, f_ip6);
    a.field("dst", k.ipv6_dst, m.ipv6_dst, 16, f_ip6);
    a.field("label", &k.ipv6_label, &m.ipv6_label, 4, f_xbe32);
    a.field("proto", &k.nw_proto, &m.nw_proto, 1, f_u8);
    a.field("tclass", &k.nw_tos, &m.nw_tos, 1, f_x8);
    a.field("hlimit", &k.nw_ttl, &m.nw_ttl, 1, f_u8);
    frag(k, m, a);
    a.emit(l3);
  } else if (is_arp(k)) {
    Attr a("arp");
    a.field("sip", &k.nw_src, &m.nw_src, 4, f_ip4);
    a.field("tip", &k.nw_dst, &m.nw_dst, 4, f_ip4);
    a.field("op", &k.nw_proto, &m.nw_proto, 1, f_u8);
    a.field("sha", k.arp_sha, m.arp_sha, 6, f_mac);
    a.field("tha", k.arp_tha, m.arp_tha, 6, f_mac);
    a.emit(l3);
  }
  if (is_ip_any(k) && (k.nw_frag & kFragLater) == 0) {
    const char* l4 = nullptr;
    bool icmp = false;
    switch (k.nw_proto) {
      case kIpProtoTcp: l4 = "tcp"; break;
      case kIpProtoUdp: l4 = "udp"; break;
      case kIpProtoSctp: l4 = "sctp"; break;
      case kIpProtoIcmp: l4 = "icmp"; icmp = true; break;
      case kIpProtoIcmpv6: l4 = "icmpv6"; icmp = true; break;
      default: break;
    }
    if (l4 != nullptr) {
      Attr a(l4);
      if (icmp) {
        const uint8_t t = static_cast<uint8_t>(host16(k.tp_src)), tm = static_cast<uint8_t>(host16(m.tp_src));
        const uint8_t c = static_cast<uint8_t>(host16(k.tp_dst)), cm = static_cast<uint8_t>(host16(m.tp_dst));
        a.field("type", &t, &tm, 1, f_u8);
        a.field("code", &c, &cm, 1, f_u8);
      } else {
        a.field("src", &k.tp_src, &m.tp_src, 2, f_be16);
        a.field("dst", &k.tp_dst, &m.tp_dst, 2, f_be16);
      }
      a.emit(l3);
      if (k.nw_proto == kIpProtoTcp && m.tcp_flags) {
        l3 += fmt::format(",tcp_flags({:#x}/{:#x})", host16(k.tcp_flags), host16(m.tcp_flags));
      }
      if (k.nw_proto == kIpProtoIcmpv6 && !zero(m.nd_target, 16)) {
        Attr nd("nd");
        nd.field("target", k.nd_target, m.nd_target, 16, f_ip6);
        nd.field("sll", k.arp_sha, m.arp_sha, 6, f_mac);
        nd.field("tll", k.arp_tha, m.arp_tha, 6, f_mac);
        nd.emit(l3);
      }
    }
  }
  if (!l3.empty()) {
    if (!vlan) out += ',';
    out += l3;
  }
  if (vlan) out += ')';
  return out;
}

std::string format_megaflow(const Megaflow& mf, const DpActions& actions, uint32_t odp_in_port,
                            uint64_t now_ns) {
  // As OVS, the key of the packet that created the flow, with the mask.
  std::string out = format_dp_match(mf.flow, mf.mask, odp_in_port);
  const uint64_t used = mf.used_ns.load(std::memory_order_relaxed);
  out += fmt::format(", packets:{}, bytes:{}, used:", mf.n_packets.load(std::memory_order_relaxed),
                     mf.n_bytes.load(std::memory_order_relaxed));
  if (used == 0) {
    out += "never";
  } else {
    out += fmt::format("{:.3f}s", static_cast<double>(now_ns > used ? now_ns - used : 0) / 1e9);
  }
  const uint16_t flags = mf.tcp_flags.load(std::memory_order_relaxed);
  if (flags != 0) out += ", flags:" + tcp_flags_text(flags);
  out += ", actions:";
  format_dp_actions(actions, out);
  return out;
}

}  // namespace dpuflow::dataplane
