#!/usr/bin/env python3
"""Write the OpenFlow table both switches of perf/compare-peers run: OVN's L2
scenario a-ls-portsec (tests/data/ovn-scenarios/a-ls-portsec/flows.txt, the
table ovn-controller installed for one logical switch with three port-
secured VIFs, vmN = ofport N) with vm1 given ADDRS more allowed IPv4
addresses.

usage: gen_flows.py ADDRS [--data DIR] > flows.txt

The recorded flows are kept unchanged (cookies included), so vm1 -> vm2
traffic already crosses the whole pipeline to output:2: table 0 (port ->
logical port), 8-34 (ingress: port security, ACL/LB stages that fall
through, L2 lookup on dl_dst), 37-65 (egress: port security, output), with
the port-security checks in tables 73 (ingress, on dl_src + nw_src) and 75
(egress, on dl_dst + nw_dst).

ovn-controller writes one table-73 flow per address in a port's
port_security column; this generator adds ADDRS of them for vm1, the
addresses 10.128.0.0 + i that gen_traffic.py uses as flow i's source.  The
/32 matches make the megaflow of each source distinct (exact nw_src), so F
distinct flows of traffic need F megaflows in either datapath: the cache
size, not only the packet rate, is what the flow count varies.  Traffic
from a source not in the list is dropped by the priority-80 flow of table
73, as OVN drops it.
"""
import argparse
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(HERE, "..", "..", "tests", "data", "ovn-scenarios", "a-ls-portsec")
# The vm1 flow this copies (tests/data/ovn-scenarios/a-ls-portsec/flows.txt):
VM1_IP_FLOW = ("cookie=0x7ab50ea8, table=73, priority=90,ip,reg14=0x1,metadata=0x1,"
               "dl_src=00:00:00:00:01:01,nw_src=10.0.1.11 actions=set_field:0/0x1000->reg10")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("addrs", type=int)
    ap.add_argument("--data", default=DEFAULT)
    a = ap.parse_args()
    lines = [l.strip() for l in open(os.path.join(a.data, "flows.txt")) if l.strip()]
    if VM1_IP_FLOW not in lines:
        raise SystemExit("gen_flows.py: %s/flows.txt has no vm1 port-security flow to copy" % a.data)
    out = lines[:]
    base = (10 << 24) | (128 << 16)
    for i in range(a.addrs):
        ip = base + i
        out.append(VM1_IP_FLOW.replace(
            "nw_src=10.0.1.11", "nw_src=%d.%d.%d.%d" % (ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255)))
    print("\n".join(out))


if __name__ == "__main__":
    main()
