// The ports xlate knows about: OpenFlow port number -> datapath (odp) port,
// and for tunnel ports the encapsulation and underlay that OVS would find
// through its tunnel config, route table and neighbour cache.
//
// Design note: a PortTable is a snapshot built by the control thread (from
// configuration, or for offline traces from OVS's dpif/show and interface
// map) and handed to xlate read-only.  A patch port names the peer bridge it
// leads to; the only peer bridge behaviour modelled is OVS's NORMAL action
// with an empty MAC table (flood to every other port of the peer), which is
// what a provider bridge untouched by OVN (e.g. br-phys) does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dataplane/flow/flow_key.h"
#include "dataplane/odp/dp_actions.h"

namespace dpuflow::dataplane {

struct TunnelPortConfig {
  uint8_t type = kOdpTnlTypeGeneve;   // kOdpTnlTypeGeneve or kOdpTnlTypeVxlan
  uint32_t remote_ip = 0;             // be32
  uint32_t local_ip = 0;              // be32 (our encap IP); 0 = unknown
  bool key_flow = true;               // options:key=flow
  uint64_t out_key = 0;               // fixed key when !key_flow
  bool csum = false;
  bool dont_fragment = true;
  uint8_t ttl = 64;
  uint8_t tos = 0;
  uint16_t dst_port = 6081;
  // Underlay: what OVS's route and neighbour lookups give for remote_ip.
  uint8_t src_mac[6] = {};
  uint8_t dst_mac[6] = {};
  OdpPort tnl_odp_port = 0;        // the datapath's tunnel vport (genev_sys_6081)
  OdpPort bridge_odp_port = 0;     // out_port(): the underlay bridge's internal port
  std::vector<OdpPort> underlay_out;  // where the underlay bridge forwards (NORMAL)
  bool underlay_known = false;
  std::string underlay_bridge;        // its name, for traces (e.g. br-underlay)
};

struct XlatePort {
  uint16_t of_port = 0;       // OpenFlow port on the bridge
  OdpPort odp_port = 0;
  std::string name;
  bool is_tunnel = false;
  TunnelPortConfig tunnel;
  bool is_patch = false;
  std::string peer_bridge;            // for patch ports: the peer's bridge name
  std::vector<OdpPort> peer_flood;    // NORMAL on the peer: its other ports' odp numbers
};

class PortTable {
 public:
  void add(XlatePort p) { ports_.push_back(std::move(p)); }
  const XlatePort* find_of(uint16_t of_port) const {
    for (const XlatePort& p : ports_)
      if (p.of_port == of_port) return &p;
    return nullptr;
  }
  const XlatePort* find_name(const std::string& name) const {
    for (const XlatePort& p : ports_)
      if (p.name == name) return &p;
    return nullptr;
  }
  XlatePort* find_mutable(uint16_t of_port) {
    for (XlatePort& p : ports_)
      if (p.of_port == of_port) return &p;
    return nullptr;
  }
  const std::vector<XlatePort>& all() const { return ports_; }

 private:
  std::vector<XlatePort> ports_;
};

}  // namespace dpuflow::dataplane
