#!/usr/bin/env python3
"""Sample a switch's PMD counters over its unixctl socket, fast enough to
follow a flow-setup ramp (ovs-appctl costs a process start per call).

usage: pmd_sampler.py SOCKET OUT [--interval S] [--max S] [--quiet-for S]

Speaks the unixctl JSON-RPC that ovs-appctl speaks (ovs-vswitchd and
dpuflowd answer the same), sends `dpif-netdev/pmd-stats-show` every
INTERVAL s and appends "S <unix time>" plus the core_id 1 section of each
reply to OUT.  Stops after MAX s, or once "packets received" has been
non-zero and unchanged for QUIET-FOR s (a finite pcap has been consumed).
"""
import argparse
import json
import re
import socket
import time


class Unixctl:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.id = 0
        self.buf = b""
        self.dec = json.JSONDecoder()

    def call(self, method, *params):
        self.id += 1
        self.s.sendall(json.dumps({"method": method, "params": list(params), "id": self.id}).encode())
        while True:
            try:
                text = self.buf.decode()
                msg, end = self.dec.raw_decode(text.lstrip())
                self.buf = text.lstrip()[end:].encode()
                if msg.get("id") == self.id:
                    if msg.get("error"):
                        raise RuntimeError(str(msg["error"]))
                    return msg.get("result") or ""
                continue
            except ValueError:
                pass
            chunk = self.s.recv(65536)
            if not chunk:
                raise RuntimeError("unixctl connection closed")
            self.buf += chunk


def core1(text):
    out, on = [], False
    for line in text.splitlines():
        if "core_id 1:" in line:
            on = True
            continue
        if line and not line[0].isspace():
            on = False
        if on:
            out.append(line)
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("out")
    ap.add_argument("--interval", type=float, default=0.02)
    ap.add_argument("--max", type=float, default=60.0)
    ap.add_argument("--quiet-for", type=float, default=1.0)
    a = ap.parse_args()
    c = Unixctl(a.socket)
    t0 = time.time()
    last_pk, last_change = None, t0
    with open(a.out, "a") as out:
        out.write("T0 %.6f\n" % t0)
        while True:
            time.sleep(a.interval)
            sec = core1(c.call("dpif-netdev/pmd-stats-show"))
            now = time.time()
            out.write("S %.6f\n%s\n" % (now, sec))
            m = re.search(r"packets received:\s*(\d+)", sec)
            pk = int(m.group(1)) if m else 0
            if pk != last_pk:
                last_pk, last_change = pk, now
            if now - t0 >= a.max or (pk > 0 and now - last_change >= a.quiet_for):
                break


if __name__ == "__main__":
    main()
