// OVS's text for datapath actions (lib/odp-util.c format_odp_actions is the
// reference for the syntax; this is our own implementation of it).
#include <fmt/format.h>

#include <arpa/inet.h>

#include <cstring>

#include "dataplane/odp/dp_actions.h"

namespace dpuflow::dataplane {
namespace {

bool all_zero(const void* p, size_t n) {
  const auto* b = static_cast<const uint8_t*>(p);
  for (size_t i = 0; i < n; ++i)
    if (b[i]) return false;
  return true;
}
bool all_ones(const void* p, size_t n) {
  const auto* b = static_cast<const uint8_t*>(p);
  for (size_t i = 0; i < n; ++i)
    if (b[i] != 0xff) return false;
  return true;
}

std::string mac_str(const uint8_t* m) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4],
                     m[5]);
}
std::string ip4_str(uint32_t be) {
  const auto* b = reinterpret_cast<const uint8_t*>(&be);
  return fmt::format("{}.{}.{}.{}", b[0], b[1], b[2], b[3]);
}
std::string ip4_host_str(uint32_t host) { return ip4_str(htonl(host)); }
std::string ip6_str(const uint8_t* a) {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, a, buf, sizeof buf);
  return buf;
}
std::string hex_or_zero(uint64_t v) { return v ? fmt::format("{:#x}", v) : "0"; }

// One key field of a set(): printed only when its mask is non-zero, with
// "/mask" unless the mask is exact (OVS's non-verbose key formatting).
class FieldPrinter {
 public:
  FieldPrinter(std::string& out, bool masked) : out_(out), masked_(masked) {}
  template <typename ValFn, typename MaskFn>
  void field(const char* name, const void* mask, size_t n, ValFn val, MaskFn mask_text) {
    if (masked_ && all_zero(mask, n)) return;
    sep();
    out_ += name;
    out_ += '=';
    out_ += val();
    if (masked_ && !all_ones(mask, n)) {
      out_ += '/';
      out_ += mask_text();
    }
  }

 private:
  void sep() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  std::string& out_;
  bool masked_;
  bool first_ = true;
};

const char* frag_str(uint8_t f) {
  switch (f) {
    case 0: return "no";
    case 1: return "first";
    case 2: return "later";
    default: return "<error>";
  }
}

void format_set(const OdpSet& s, std::string& out) {
  out += "set(";
  FieldPrinter p(out, s.masked);
  const OdpKey& k = s.key;
  const OdpKey& m = s.mask;
  auto u8d = [](uint8_t v) { return std::to_string(v); };
  auto u8x = [](uint8_t v) { return hex_or_zero(v); };
  auto u16d = [](uint16_t be) { return std::to_string(ntohs(be)); };
  auto u16x = [](uint16_t be) { return hex_or_zero(ntohs(be)); };
  switch (s.attr) {
    case OdpKeyAttr::kEthernet:
      out += "eth(";
      p.field("src", m.eth.src, 6, [&] { return mac_str(k.eth.src); }, [&] { return mac_str(m.eth.src); });
      p.field("dst", m.eth.dst, 6, [&] { return mac_str(k.eth.dst); }, [&] { return mac_str(m.eth.dst); });
      break;
    case OdpKeyAttr::kIpv4:
      out += "ipv4(";
      p.field("src", &m.ipv4.src, 4, [&] { return ip4_str(k.ipv4.src); }, [&] { return ip4_str(m.ipv4.src); });
      p.field("dst", &m.ipv4.dst, 4, [&] { return ip4_str(k.ipv4.dst); }, [&] { return ip4_str(m.ipv4.dst); });
      p.field("proto", &m.ipv4.proto, 1, [&] { return u8d(k.ipv4.proto); }, [&] { return u8x(m.ipv4.proto); });
      p.field("tos", &m.ipv4.tos, 1, [&] { return u8x(k.ipv4.tos); }, [&] { return u8x(m.ipv4.tos); });
      p.field("ttl", &m.ipv4.ttl, 1, [&] { return u8d(k.ipv4.ttl); }, [&] { return u8x(m.ipv4.ttl); });
      p.field("frag", &m.ipv4.frag, 1, [&] { return std::string(frag_str(k.ipv4.frag)); }, [&] { return u8x(m.ipv4.frag); });
      break;
    case OdpKeyAttr::kIpv6:
      out += "ipv6(";
      p.field("src", m.ipv6.src, 16, [&] { return ip6_str(k.ipv6.src); }, [&] { return ip6_str(m.ipv6.src); });
      p.field("dst", m.ipv6.dst, 16, [&] { return ip6_str(k.ipv6.dst); }, [&] { return ip6_str(m.ipv6.dst); });
      p.field("label", &m.ipv6.label, 4, [&] { return hex_or_zero(ntohl(k.ipv6.label)); }, [&] { return hex_or_zero(ntohl(m.ipv6.label)); });
      p.field("proto", &m.ipv6.proto, 1, [&] { return u8d(k.ipv6.proto); }, [&] { return u8x(m.ipv6.proto); });
      p.field("tclass", &m.ipv6.tclass, 1, [&] { return u8x(k.ipv6.tclass); }, [&] { return u8x(m.ipv6.tclass); });
      p.field("hlimit", &m.ipv6.hlimit, 1, [&] { return u8d(k.ipv6.hlimit); }, [&] { return u8x(m.ipv6.hlimit); });
      p.field("frag", &m.ipv6.frag, 1, [&] { return std::string(frag_str(k.ipv6.frag)); }, [&] { return u8x(m.ipv6.frag); });
      break;
    case OdpKeyAttr::kArp:
      out += "arp(";
      p.field("sip", &m.arp.sip, 4, [&] { return ip4_str(k.arp.sip); }, [&] { return ip4_str(m.arp.sip); });
      p.field("tip", &m.arp.tip, 4, [&] { return ip4_str(k.arp.tip); }, [&] { return ip4_str(m.arp.tip); });
      p.field("op", &m.arp.op, 2, [&] { return u16d(k.arp.op); }, [&] { return u16x(m.arp.op); });
      p.field("sha", m.arp.sha, 6, [&] { return mac_str(k.arp.sha); }, [&] { return mac_str(m.arp.sha); });
      p.field("tha", m.arp.tha, 6, [&] { return mac_str(k.arp.tha); }, [&] { return mac_str(m.arp.tha); });
      break;
    case OdpKeyAttr::kTcp:
    case OdpKeyAttr::kUdp:
    case OdpKeyAttr::kSctp:
      out += s.attr == OdpKeyAttr::kTcp ? "tcp(" : s.attr == OdpKeyAttr::kUdp ? "udp(" : "sctp(";
      p.field("src", &m.ports.src, 2, [&] { return u16d(k.ports.src); }, [&] { return u16x(m.ports.src); });
      p.field("dst", &m.ports.dst, 2, [&] { return u16d(k.ports.dst); }, [&] { return u16x(m.ports.dst); });
      break;
    case OdpKeyAttr::kIcmp:
    case OdpKeyAttr::kIcmpv6:
      out += s.attr == OdpKeyAttr::kIcmp ? "icmp(" : "icmpv6(";
      p.field("type", &m.icmp.type, 1, [&] { return u8d(k.icmp.type); }, [&] { return u8x(m.icmp.type); });
      p.field("code", &m.icmp.code, 1, [&] { return u8d(k.icmp.code); }, [&] { return u8x(m.icmp.code); });
      break;
    case OdpKeyAttr::kNd:
      out += "nd(";
      p.field("target", m.nd.target, 16, [&] { return ip6_str(k.nd.target); }, [&] { return ip6_str(m.nd.target); });
      p.field("sll", m.nd.sll, 6, [&] { return mac_str(k.nd.sll); }, [&] { return mac_str(m.nd.sll); });
      p.field("tll", m.nd.tll, 6, [&] { return mac_str(k.nd.tll); }, [&] { return mac_str(m.nd.tll); });
      break;
  }
  out += "))";
}

void format_nat(const OdpNat& n, std::string& out) {
  out += "nat";
  if (!n.src && !n.dst && !n.persistent && !n.hash && !n.random) return;
  out += '(';
  if (n.src) out += "src";
  if (n.dst) out += "dst";
  if (n.has_addr) {
    out += '=';
    if (n.ipv6) {
      out += '[' + ip6_str(n.ipv6_min) + ']';
      if (std::memcmp(n.ipv6_max, n.ipv6_min, 16) && !all_zero(n.ipv6_max, 16))
        out += "-[" + ip6_str(n.ipv6_max) + ']';
    } else {
      out += ip4_host_str(n.ipv4_min);
      if (n.ipv4_max && n.ipv4_max != n.ipv4_min) out += '-' + ip4_host_str(n.ipv4_max);
    }
    if (n.port_min) {
      out += fmt::format(":{}", n.port_min);
      if (n.port_max && n.port_max != n.port_min) out += fmt::format("-{}", n.port_max);
    }
  }
  if (n.persistent) out += ",persistent";
  if (n.hash) out += ",hash";
  if (n.random) out += ",random";
  out += ')';
}

void format_ct(const OdpCt& ct, std::string& out) {
  std::string args;
  auto add = [&](const std::string& s) {
    if (!args.empty()) args += ',';
    args += s;
  };
  if (ct.commit) add(ct.force ? "force_commit" : "commit");
  if (ct.zone) add(fmt::format("zone={}", ct.zone));
  if (ct.has_mark) add(fmt::format("mark={}/{}", hex_or_zero(ct.mark), hex_or_zero(ct.mark_mask)));
  if (ct.has_label) {
    auto hex128 = [](const uint8_t* b) {
      std::string s = "0x";
      bool started = false;
      for (int i = 0; i < 16; ++i) {
        if (!started && b[i] == 0) continue;
        s += started ? fmt::format("{:02x}", b[i]) : fmt::format("{:x}", b[i]);
        started = true;
      }
      return started ? s : std::string("0");
    };
    add("label=" + hex128(ct.label) + "/" + hex128(ct.label_mask));
  }
  if (!ct.helper.empty()) add("helper=" + ct.helper);
  if (ct.nat.present) {
    std::string n;
    format_nat(ct.nat, n);
    add(n);
  }
  out += "ct";
  if (!args.empty()) out += '(' + args + ')';
}

// Decodes the outer header of a tnl_push for printing.
void format_tnl_header(const OdpTnlPush& t, std::string& out) {
  const std::vector<uint8_t>& h = t.header;
  out += fmt::format("header(size={},type={},", h.size(), t.tnl_type);
  if (h.size() < 14) {
    out += "<truncated>)";
    return;
  }
  uint16_t eth_type = static_cast<uint16_t>(h[12] << 8 | h[13]);
  out += fmt::format("eth(dst={},src={},dl_type={:#06x}),", mac_str(&h[0]), mac_str(&h[6]),
                     eth_type);
  size_t off = 14;
  if (eth_type == 0x0800 && h.size() >= off + 20) {
    uint32_t src, dst;
    std::memcpy(&src, &h[off + 12], 4);
    std::memcpy(&dst, &h[off + 16], 4);
    uint16_t frag = static_cast<uint16_t>(h[off + 6] << 8 | h[off + 7]);
    out += fmt::format("ipv4(src={},dst={},proto={},tos={},ttl={},frag={}),", ip4_str(src),
                       ip4_str(dst), h[off + 9], hex_or_zero(h[off + 1]), h[off + 8],
                       hex_or_zero(frag));
    off += 20;
  } else if (eth_type == 0x86dd && h.size() >= off + 40) {
    uint32_t vtf = static_cast<uint32_t>(h[off] << 24 | h[off + 1] << 16 | h[off + 2] << 8 | h[off + 3]);
    out += fmt::format("ipv6(src={},dst={},label={},proto={},tclass={},hlimit={}),",
                       ip6_str(&h[off + 8]), ip6_str(&h[off + 24]), vtf & 0xfffff, h[off + 6],
                       hex_or_zero((vtf >> 20) & 0xff), h[off + 7]);
    off += 40;
  }
  if (h.size() >= off + 8) {
    uint16_t sp = static_cast<uint16_t>(h[off] << 8 | h[off + 1]);
    uint16_t dp = static_cast<uint16_t>(h[off + 2] << 8 | h[off + 3]);
    uint16_t cs = static_cast<uint16_t>(h[off + 6] << 8 | h[off + 7]);
    out += fmt::format("udp(src={},dst={},csum={}),", sp, dp, hex_or_zero(cs));
    off += 8;
  }
  if (t.tnl_type == kOdpTnlTypeGeneve && h.size() >= off + 8) {
    uint8_t opt_len = (h[off] & 0x3f) * 4;
    bool oam = h[off + 1] & 0x80;
    bool crit = h[off + 1] & 0x40;
    uint32_t vni = static_cast<uint32_t>(h[off + 4] << 16 | h[off + 5] << 8 | h[off + 6]);
    out += "geneve(";
    if (oam) out += "oam,";
    if (crit) out += "crit,";
    out += fmt::format("vni={:#x}", vni);
    size_t o = off + 8, end = std::min(h.size(), off + 8 + opt_len);
    if (opt_len) {
      out += ",options(";
      while (o + 4 <= end) {
        uint16_t cls = static_cast<uint16_t>(h[o] << 8 | h[o + 1]);
        uint8_t type = h[o + 2];
        uint8_t len = (h[o + 3] & 0x1f) * 4;
        out += fmt::format("{{class={:#x},type={:#x},len={}", cls, type, len);
        if (len) {
          out += ",0x";
          bool started = false;
          for (size_t i = 0; i < len && o + 4 + i < end; ++i) {
            uint8_t b = h[o + 4 + i];
            if (!started && b == 0 && i + 1 < len) continue;
            out += started ? fmt::format("{:02x}", b) : fmt::format("{:x}", b);
            started = true;
          }
        }
        out += '}';
        o += 4 + len;
      }
      out += ')';
    }
    out += ')';
  } else if (t.tnl_type == kOdpTnlTypeVxlan && h.size() >= off + 8) {
    uint32_t flags = static_cast<uint32_t>(h[off] << 24 | h[off + 1] << 16 | h[off + 2] << 8 | h[off + 3]);
    uint32_t vni = static_cast<uint32_t>(h[off + 4] << 16 | h[off + 5] << 8 | h[off + 6]);
    out += fmt::format("vxlan(flags={:#x},vni={:#x})", flags, vni);
  }
  out += ')';
}

void format_list(const DpActions& acts, std::string& out);

void format_one(const DpAction& a, std::string& out) {
  switch (a.type) {
    case DpActionType::kOutput:
      out += std::to_string(a.port);
      break;
    case DpActionType::kSet:
      format_set(a.set, out);
      break;
    case DpActionType::kPushVlan:
      if (a.vlan_tpid != 0x8100) out += fmt::format("push_vlan(tpid={:#x},", a.vlan_tpid);
      else out += "push_vlan(";
      out += fmt::format("vid={},pcp={})", a.vlan_tci & 0xfff, a.vlan_tci >> 13);
      break;
    case DpActionType::kPopVlan:
      out += "pop_vlan";
      break;
    case DpActionType::kTnlPush:
      out += fmt::format("tnl_push(tnl_port({}),", a.tnl_push.tnl_port);
      format_tnl_header(a.tnl_push, out);
      out += fmt::format(",out_port({}))", a.tnl_push.out_port);
      break;
    case DpActionType::kTnlPop:
      out += fmt::format("tnl_pop({})", a.port);
      break;
    case DpActionType::kCt:
      format_ct(a.ct, out);
      break;
    case DpActionType::kCtClear:
      out += "ct_clear";
      break;
    case DpActionType::kRecirc:
      out += fmt::format("recirc({:#x})", a.id);
      break;
    case DpActionType::kHash:
      out += fmt::format("hash({}({}))", a.hash_alg == 1 ? "sym_l4" : "l4", a.hash_basis);
      break;
    case DpActionType::kMeter:
      out += fmt::format("meter({})", a.id);
      break;
    case DpActionType::kUserspace: {
      const OdpControllerCookie& c = a.userspace;
      out += fmt::format(
          "userspace(pid=0,controller(reason={},dont_send={},continuation={},recirc_id={},"
          "rule_cookie={},controller_id={},max_len={}))",
          c.reason, c.dont_send ? 1 : 0, c.continuation ? 1 : 0, c.recirc_id,
          hex_or_zero(c.rule_cookie), c.controller_id, c.max_len);
      break;
    }
    case DpActionType::kSample: {
      double pct = 100.0 * a.probability / UINT32_MAX;
      out += fmt::format("sample(sample={:.1f}%,actions(", pct);
      format_list(a.nested, out);
      out += "))";
      break;
    }
    case DpActionType::kClone:
      out += "clone(";
      format_list(a.nested, out);
      out += ')';
      break;
    case DpActionType::kCheckPktLen:
      out += fmt::format("check_pkt_len(size={},gt(", a.pkt_len);
      format_list(a.nested, out);
      out += "),le(";
      format_list(a.nested2, out);
      out += "))";
      break;
  }
}

void format_list(const DpActions& acts, std::string& out) {
  if (acts.empty()) {
    out += "drop";
    return;
  }
  bool first = true;
  for (const DpAction& a : acts) {
    if (!first) out += ',';
    first = false;
    format_one(a, out);
  }
}

}  // namespace

void format_dp_actions(const DpActions& acts, std::string& out) { format_list(acts, out); }

std::string format_dp_actions(const DpActions& acts) {
  std::string s;
  format_list(acts, s);
  return s;
}

}  // namespace dpuflow::dataplane
