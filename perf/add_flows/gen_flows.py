#!/usr/bin/env python3
"""Write N distinct OVN-like flows for `ovs-ofctl add-flows`, deterministically.

usage: gen_flows.py N [--seed S] [--data DIR] > flows.txt

The flows are the shapes ovn-controller really installs: the recorded flow
tables of tests/data/ovn-scenarios/*/flows.txt (tables 0-75, metadata,
reg14/reg15, eth/ip/arp/nd matches, conjunctions, ct(...) with nat, learn,
resubmit, set_field on regs/xxregs).  The union of the scenarios (about 3.5k
flows) is replicated as copies k = 0, 1, 2, ..., each copy standing for more
logical datapaths and ports on the same chassis:

  metadata        V -> V + k * 0x100 (match and set_field:...->metadata)
  in_port/output  P -> P + k * 16
  conj_id         C -> (C + k * 0x9e3779b1) mod 2^32 (match and conjunction())
  IPv4 10/8       second octet + k (mod 256), when the prefix covers it
  IPv4 172.16/12  second octet cycles within 16..31, when the prefix covers it
  unicast MAC     third octet + k (mod 256), unmasked literals only

Every map is injective within a copy, and a flow whose (table, priority,
match) was already written is skipped, so the N flows are pairwise distinct
and `ovs-ofctl dump-aggregate` must count exactly N after a load.  The
output order is shuffled with the seed, as ovn-controller's is arbitrary.

Left out so that the file loads into an empty switch: flows that use
groups (group:N) or Geneve options (tun_metadata, needs a TLV map); the
meter_id of controller(...) actions is dropped (no meters are created).
"""
import argparse
import glob
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "..", "..", "tests", "data", "ovn-scenarios")

META_STRIDE = 0x100
PORT_STRIDE = 16
CONJ_STRIDE = 0x9E3779B1

# A dotted quad not part of a longer dotted run (controller userdata is
# dotted hex bytes), with an optional prefix length.
IPV4 = re.compile(r"(?<![\w.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(/\d{1,2})?(?![\w.])")
MAC = re.compile(r"(?<![\w:/])((?:[0-9a-f]{2}:){5}[0-9a-f]{2})(?![\w:/])")
USERDATA = re.compile(r"(userdata=[0-9a-f.]+)")
TUN_METADATA = re.compile(r"tun_metadata", re.IGNORECASE)  # match field or NXM_NX_TUN_METADATAn
GROUP = re.compile(r"\bgroup:")
METADATA = re.compile(r"(?<![\w_])metadata=(0x[0-9a-f]+|\d+)(?![/\w])")
SET_METADATA = re.compile(r"set_field:(0x[0-9a-f]+|\d+)->metadata\b")
IN_PORT = re.compile(r"\bin_port=(\d+)\b")
OUTPUT = re.compile(r"\boutput:(\d+)\b")
CONJ_ID = re.compile(r"\bconj_id=(\d+)")
CONJUNCTION = re.compile(r"\bconjunction\((\d+),")


def load_templates(data_dir):
    """(table, priority, match, actions, cookie) of every usable scenario flow, in file order."""
    out = []
    paths = sorted(glob.glob(os.path.join(data_dir, "*", "flows.txt")))
    if not paths:
        sys.exit("gen_flows.py: no */flows.txt under %s" % data_dir)
    for path in paths:
        for line in open(path):
            line = line.strip()
            if not line or " actions=" not in line:
                continue
            head, actions = line.split(" actions=", 1)
            if TUN_METADATA.search(line) or GROUP.search(actions):
                continue
            actions = re.sub(r",meter_id=\d+", "", actions)
            cookie, table, priority, match = "0", "0", "32768", []
            for f in head.replace(",", " ").split():
                k, _, v = f.partition("=")
                if k == "cookie":
                    cookie = v
                elif k == "table":
                    table = v
                elif k == "priority":
                    priority = v
                else:
                    match.append(f)
            out.append((int(table), int(priority), ",".join(match), actions, cookie))
    return out


def shift_ipv4(m, k):
    a, b, c, d = (int(x) for x in m.group(1, 2, 3, 4))
    plen = int(m.group(5)[1:]) if m.group(5) else 32
    if plen >= 16 and a == 10:
        b = (b + k) % 256
    elif plen >= 16 and a == 172 and 16 <= b <= 31:
        b = 16 + (b - 16 + k) % 16
    return "%d.%d.%d.%d%s" % (a, b, c, d, m.group(5) or "")


def shift_mac(m, k):
    octets = [int(x, 16) for x in m.group(1).split(":")]
    if octets[0] & 1 or not any(octets):  # multicast/broadcast or all-zero: keep
        return m.group(1)
    octets[2] = (octets[2] + k) % 256
    return ":".join("%02x" % o for o in octets)


def rewrite(text, k):
    """Copy k of a match or action string (see the module docstring)."""
    if k == 0:
        return text

    def outside_userdata(s):
        s = IPV4.sub(lambda m: shift_ipv4(m, k), s)
        return MAC.sub(lambda m: shift_mac(m, k), s)

    parts = USERDATA.split(text)
    text = "".join(p if USERDATA.fullmatch(p) else outside_userdata(p) for p in parts)
    meta = lambda v: hex(int(v, 0) + k * META_STRIDE)
    text = METADATA.sub(lambda m: "metadata=" + meta(m.group(1)), text)
    text = SET_METADATA.sub(lambda m: "set_field:%s->metadata" % meta(m.group(1)), text)
    port = lambda v: str(int(v) + k * PORT_STRIDE)
    text = IN_PORT.sub(lambda m: "in_port=" + port(m.group(1)), text)
    text = OUTPUT.sub(lambda m: "output:" + port(m.group(1)), text)
    conj = lambda v: str((int(v) + k * CONJ_STRIDE) % (1 << 32))
    text = CONJ_ID.sub(lambda m: "conj_id=" + conj(m.group(1)), text)
    text = CONJUNCTION.sub(lambda m: "conjunction(%s," % conj(m.group(1)), text)
    return text


def generate(n, seed, data_dir):
    templates = load_templates(data_dir)
    seen, flows = set(), []
    k = 0
    while len(flows) < n:
        added = 0
        for table, prio, match, actions, cookie in templates:
            m = rewrite(match, k)
            key = (table, prio, m)
            if key in seen:
                continue
            seen.add(key)
            added += 1
            fields = ["cookie=" + cookie, "table=%d" % table, "priority=%d" % prio]
            if m:
                fields.append(m)
            fields.append("actions=" + rewrite(actions, k))
            flows.append(",".join(fields))
            if len(flows) == n:
                break
        if added == 0:
            sys.exit("gen_flows.py: copy %d added no new flow; cannot reach %d" % (k, n))
        k += 1
    random.Random(seed).shuffle(flows)
    return flows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int, help="number of flows")
    ap.add_argument("--seed", type=int, default=1, help="shuffle seed (default 1)")
    ap.add_argument("--data", default=DEFAULT_DATA, help="ovn-scenarios directory")
    args = ap.parse_args()
    if args.n < 1:
        sys.exit("gen_flows.py: N must be >= 1")
    sys.stdout.write("\n".join(generate(args.n, args.seed, args.data)) + "\n")


if __name__ == "__main__":
    main()
