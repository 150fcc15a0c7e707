#!/usr/bin/env python3
"""Summarise a perf/compare-peers run: throughput medians, ratios, flow-setup
rates, a PNG plot, and one summary line per flow count (printed last).

usage: report.py --throughput CSV --setup CSV --env ENV.txt --png OUT.png
"""
import argparse
import csv
import math
import re
import statistics
from collections import defaultdict


def med(xs):
    xs = [x for x in xs if not math.isnan(x)]
    return statistics.median(xs) if xs else float("nan")


def fmt(x, nd=2):
    return "n/a" if x is None or math.isnan(x) else ("%.*f" % (nd, x))


def ratio(a, b):
    return a / b if b and not math.isnan(a) and not math.isnan(b) and b > 0 else float("nan")


def parse_samples(path):
    """[(t, {counter: value})] from pmd_sampler.py output, and T0."""
    samples, t0, cur = [], None, None
    for line in open(path):
        if line.startswith("T0 "):
            t0 = float(line.split()[1])
        elif line.startswith("S "):
            cur = (float(line.split()[1]), {})
            samples.append(cur)
        elif cur is not None:
            m = re.match(r"\s*([a-z. ]+):\s*(\d+)", line)
            if m:
                cur[1][m.group(1).strip()] = int(m.group(2))
    return t0, samples


def setup_rates(path):
    t0, s = parse_samples(path)
    if not s:
        return None
    g = lambda c, k: c.get(k, 0)
    last = s[-1][1]
    U, L = g(last, "miss with success upcall"), g(last, "miss with failed upcall")
    P, C = g(last, "packets received"), g(last, "processing cycles")
    # TSC rate from the cycle counters (idle + processing advance with the TSC).
    tsc = float("nan")
    if len(s) > 2:
        a, b = s[0], s[-1]
        dc = (g(b[1], "idle cycles") + g(b[1], "processing cycles")) - (
            g(a[1], "idle cycles") + g(a[1], "processing cycles"))
        if b[0] > a[0] and dc > 0:
            tsc = dc / (b[0] - a[0])
    # Wall-clock ramp: from the last sample before the first upcall to the
    # first sample holding 95 % of the final count.
    start = t0
    for t, c in s:
        if g(c, "miss with success upcall") + g(c, "miss with failed upcall") == 0:
            start = t
        else:
            break
    t95 = next((t for t, c in s if g(c, "miss with success upcall") >= 0.95 * U), s[-1][0])
    wall = 0.95 * U / (t95 - start) if U and t95 > start else float("nan")
    busy_s = C / tsc if tsc == tsc and tsc > 0 else float("nan")
    return {
        "upcalls_ok": U, "upcalls_failed": L, "packets": P, "ramp_s": t95 - start,
        "wall_rate": wall, "busy_s": busy_s,
        "cyc_rate_ok": U / busy_s if busy_s == busy_s and busy_s > 0 else float("nan"),
        "cyc_rate_all": (U + L) / busy_s if busy_s == busy_s and busy_s > 0 else float("nan"),
        "us_per_upcall": 1e6 * busy_s / (U + L) if U + L and busy_s == busy_s else float("nan"),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--throughput", required=True)
    ap.add_argument("--setup", required=True)
    ap.add_argument("--env", required=True)
    ap.add_argument("--png", required=True)
    a = ap.parse_args()

    rows = list(csv.DictReader(open(a.throughput)))
    by = defaultdict(list)
    for r in rows:
        by[(r["peer"], int(r["flows"]))].append(r)
    flows = sorted({int(r["flows"]) for r in rows})
    mpps = {k: med([float(r["mpps"]) for r in v]) for k, v in by.items()}

    print()
    print("=" * 78)
    print(open(a.env).read().rstrip())
    print()
    print("Throughput, Mpps on one forwarding core (median of rounds; each round's figure in [])")
    print("%-16s %8s %8s  %-24s %s" % ("peer", "flows", "Mpps", "rounds", "notes"))
    for peer in ("testpmd", "testpmd-stream", "ovs", "dpuflow", "dpuflow-stream"):
        for f in flows:
            v = by.get((peer, f))
            if not v:
                continue
            notes = []
            r0 = v[0]
            if peer in ("testpmd", "testpmd-stream"):
                run = med([float(r.get("fwd_run_pct") or "nan") for r in v])
                if run == run and run < 97:
                    notes.append("forwarding thread on CPU only %.0f%%" % run)
            else:
                tot = lambda k: sum(int(r[k]) for r in v)
                pk = sum(int(r["packets"]) for r in v) or 1
                notes.append("emc %.0f%% megaflow %.0f%% upcall %.2f%%" % (
                    100.0 * tot("emc_hits") / pk, 100.0 * tot("megaflow_hits") / pk,
                    100.0 * (tot("misses") + tot("failed")) / pk))
                notes.append("%s megaflows" % r0["megaflows"])
                if tot("drops"):
                    notes.append("DROPPED %.2f%% (dpuflowd drop counters)" % (100.0 * tot("drops") / pk))
                txs = [float(r["tx_mpps"]) for r in v]
                if not any(math.isnan(x) for x in txs):
                    notes.append("port-2 tx %.2f Mpps" % med(txs))
                if any(r["settled"] != "ok" for r in v):
                    notes.append("NOT SETTLED (upcalls >= 0.1%)")
                run = med([float(r.get("fwd_run_pct") or "nan") for r in v])
                wait = med([float(r.get("fwd_wait_pct") or "nan") for r in v])
                if run == run and run < 97:
                    notes.append("forwarding thread on CPU only %.0f%% (runnable, waiting %.0f%%; "
                                 "not runnable %.0f%%)" % (run, wait, max(0.0, 100 - run - wait)))
                idle = med([float(r["idle_pct"]) for r in v])
                if idle == idle and idle > 1:
                    notes.append("idle %.1f%%" % idle)
            print("%-16s %8d %8s  %-24s %s" % (
                peer, f, fmt(mpps[(peer, f)]), "[" + " ".join(fmt(float(r["mpps"])) for r in v) + "]",
                ", ".join(notes)))
    print()

    # Under CPU contention (other jobs on the VM) a forwarding thread gets less
    # than its core; Mpps per second the thread was on CPU corrects for that.
    cpu = {}
    for k, v in by.items():
        xs = []
        for r in v:
            run = float(r.get("fwd_run_pct") or "nan")
            if run == run and run > 5:
                xs.append(float(r["mpps"]) * 100.0 / min(run, 100.0))
        cpu[k] = med(xs)
    print("Per second on CPU (Mpps / share of the interval the forwarding thread ran):")
    for f in flows:
        parts = []
        for peer in ("testpmd", "ovs", "dpuflow", "dpuflow-stream"):
            if (peer, f) in cpu:
                parts.append("%s %s" % (peer, fmt(cpu[(peer, f)])))
        d = cpu.get(("dpuflow", f), cpu.get(("dpuflow-stream", f), float("nan")))
        print("  flows=%d: %s;  dpuflow/ovs-dpdk %s, dpuflow/testpmd %s" % (
            f, ", ".join(parts), fmt(ratio(d, cpu.get(("ovs", f), float("nan")))),
            fmt(ratio(d, cpu.get(("testpmd", f), float("nan"))))))
    print()

    # dpuflow's figure per flow count: the infinite_rx one, else the streamed one.
    def dpu(f):
        x = mpps.get(("dpuflow", f), float("nan"))
        return (x, "") if not math.isnan(x) else (mpps.get(("dpuflow-stream", f), float("nan")), "stream")

    for f in flows:
        x, how = dpu(f)
        if how:
            ts = mpps.get(("testpmd-stream", f), float("nan"))
            print("note flows=%d: dpuflowd could not replay the %d-frame pcap with infinite_rx (its mbuf pool "
                  "is smaller than the file); its figure is from the same flows streamed from a long pcap "
                  "(no infinite_rx), where testpmd makes %s Mpps (dpuflow/testpmd-stream %s)."
                  % (f, f, fmt(ts), fmt(ratio(x, ts))))

    # Flow setup.
    setups = {r["peer"]: r for r in csv.DictReader(open(a.setup))}
    sr = {}
    if setups:
        print("Flow setup: a loaded table, then a pcap of %s new flows (each frame once) on port 1"
              % next(iter(setups.values()))["flows"])
        for peer, r in setups.items():
            x = setup_rates(r["samples_file"])
            if not x:
                print("  %-8s no samples" % peer)
                continue
            sr[peer] = x
            print("  %-8s %6d megaflows set up (%d failed upcalls, %d packets) in %.2f s: "
                  "%s k/s wall clock; per busy core second %s k/s set up, %s k/s upcalls, %s us/upcall;"
                  " %s megaflows at the end" % (
                      peer, x["upcalls_ok"], x["upcalls_failed"], x["packets"], x["ramp_s"],
                      fmt(x["wall_rate"] / 1e3, 1), fmt(x["cyc_rate_ok"] / 1e3, 1),
                      fmt(x["cyc_rate_all"] / 1e3, 1), fmt(x["us_per_upcall"], 1), r["megaflows_after"]))
        if "dpuflow" in sr and "ovs" in sr:
            print("flow setup dpuflow/ovs-dpdk: %s (wall clock, new megaflows/s)  %s (per busy core second)"
                  % (fmt(ratio(sr["dpuflow"]["wall_rate"], sr["ovs"]["wall_rate"])),
                     fmt(ratio(sr["dpuflow"]["cyc_rate_ok"], sr["ovs"]["cyc_rate_ok"]))))
        print()

    # Plot.
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(7, 4.5))
        series = [("testpmd", "testpmd io (I/O limit)", "k", "s"), ("ovs", "OVS-DPDK 3.1", "tab:blue", "o"),
                  ("dpuflow", "dpuflowd", "tab:red", "^")]
        for peer, label, col, mk in series:
            pts = [(f, mpps[(peer, f)]) for f in flows if (peer, f) in mpps]
            if peer == "dpuflow":
                pts = [(f, dpu(f)[0]) for f in flows if not math.isnan(dpu(f)[0])]
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker=mk, color=col, label=label)
        st = [(f, mpps[("dpuflow-stream", f)]) for f in flows if ("dpuflow-stream", f) in mpps
              and math.isnan(mpps.get(("dpuflow", f), float("nan")))]
        for f, y in st:
            ax.annotate("streamed pcap", (f, y), textcoords="offset points", xytext=(-40, 8), fontsize=8)
        ts = [(f, mpps[("testpmd-stream", f)]) for f in flows if ("testpmd-stream", f) in mpps]
        if ts:
            ax.plot([p[0] for p in ts], [p[1] for p in ts], "x", color="gray", label="testpmd io, streamed pcap")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("distinct flows in the traffic")
        ax.set_ylabel("Mpps, one forwarding core")
        ax.set_title("64-byte frames, OVN a-ls-portsec table, net_pcap -> net_null")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(a.png, dpi=110)
        print("plot: %s" % a.png)
    except ImportError:
        print("plot: skipped (no matplotlib; apt-get install python3-matplotlib)")
    print()

    for f in flows:
        x, _ = dpu(f)
        o = mpps.get(("ovs", f), float("nan"))
        t = mpps.get(("testpmd", f), float("nan"))
        print("flows=%d dpuflow: %s Mpps  ovs-dpdk: %s Mpps  testpmd: %s Mpps  dpuflow/ovs-dpdk: %s  dpuflow/testpmd: %s"
              % (f, fmt(x), fmt(o), fmt(t), fmt(ratio(x, o)), fmt(ratio(x, t))))


if __name__ == "__main__":
    main()
