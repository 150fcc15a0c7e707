#!/usr/bin/env bash
# add-flows benchmark: wall time of `ovs-ofctl -O OpenFlow15 add-flows br-int
# FILE` for N OVN-like flows (gen_flows.py), plain and with --bundle, into
# dpuflowd and into a real ovs-vswitchd (userspace/netdev datapath), in the
# same script, alternating the two switches within each repetition.
#
# Both switches run inside a private network namespace (a userspace OVS
# creates tap devices that would clash with any other OVS on the machine),
# each with its own run directory under one temp dir.  Before every timed
# load the table is emptied with del-flows and checked to count 0 flows;
# after it, dump-aggregate must count exactly N, so a failed or partial load
# is reported as a failure, never as a fast run.  Reported: median of REPS
# runs (min-max), flows/s, CPU seconds of the daemon and of ovs-ofctl, and
# the ratio OVS time / dpuflowd time per mode.
#
# ovs-ofctl parses the whole file before it sends the first FLOW_MOD, and
# that phase costs the same whichever switch listens.  The file is fed to it
# through a FIFO; the moment the writer finishes (ovs-ofctl has read all but
# the last pipe buffer, a few hundred flows) is reported as the "parse" part
# of the wall time, so the table shows how much of a run a switch can affect.
#
# Needs root (ip netns), an existing build (BUILD, default build/), and the
# packages of tools/deps.txt (openvswitch-switch, iproute2): tools/bootstrap.
# env: N     flow counts (default 100000; '10000 30000 100000' is a size sweep)
#      REPS  runs per cell (3)        SEED  gen_flows.py seed (1)
#      BUILD (build/)                 LOAD_TIMEOUT  seconds per load (300)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BUILD=${BUILD:-$REPO/build}
N=${N:-100000}
REPS=${REPS:-3}
SEED=${SEED:-1}
LOAD_TIMEOUT=${LOAD_TIMEOUT:-300}
SCHEMA=${SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}
DPUFLOWD=$BUILD/control/dpuflowd

die() { echo "add_flows: $*" >&2; exit 1; }

[[ -x $DPUFLOWD ]] || die "no $DPUFLOWD; build first (tools/bootstrap, or meson setup build && ninja -C build)"
for c in ovs-ofctl ovs-vsctl ovs-vswitchd ovsdb-server ovsdb-tool ip python3 timeout mkfifo; do
  command -v "$c" >/dev/null || die "$c not found; install the packages of tools/deps.txt (tools/bootstrap)"
done
[[ -f $SCHEMA ]] || die "no $SCHEMA (package openvswitch-common)"
[[ $(id -u) -eq 0 ]] || die "needs root for 'ip netns add'"
for n in $N; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "N must be flow counts, e.g. N=100000 or N='10000 30000 100000'"
done

T=$(mktemp -d /tmp/dpuflow-add-flows.XXXXXX)
NS=dpuflow-af-$$
DPU_DIR=$T/dpuflowd
OVS_DIR=$T/ovs
DPU_PID=

# Stop a daemon by pid: TERM, up to 10 s, then KILL.
stop_pid() {
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
  set +e
  stop_pid "$DPU_PID"
  local p
  for p in ovs-vswitchd ovsdb-server; do
    [[ -f $OVS_DIR/$p.pid ]] && stop_pid "$(cat "$OVS_DIR/$p.pid")"
  done
  ip netns list 2>/dev/null | grep -qw "^$NS" && ip netns del "$NS"
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

nsx() { ip netns exec "$NS" "$@"; }

# wait_for SECONDS DESCRIPTION COMMAND...: poll every 0.1 s until COMMAND succeeds.
wait_for() {
  local secs=$1 what=$2 i; shift 2
  for i in $(seq 1 $((secs * 10))); do "$@" && return 0; sleep 0.1; done
  die "timed out after ${secs}s waiting for $what"
}

# ---- flows ----
for n in $N; do
  echo "add_flows: generating $n flows (seed $SEED)" >&2
  python3 "$HERE/gen_flows.py" "$n" --seed "$SEED" > "$T/flows-$n.txt"
  [[ $(wc -l < "$T/flows-$n.txt") -eq $n ]] ||
    die "gen_flows.py wrote $(wc -l < "$T/flows-$n.txt") lines, not $n"
done
mkfifo "$T/fifo"

ip netns add "$NS"
ip -n "$NS" link set lo up

# ---- (a) dpuflowd ----
mkdir -p "$DPU_DIR"
# A copy, so that a rebuild of build/ during the run cannot swap the binary
# between repetitions (dpuflowd links no library of the project).
cp "$DPUFLOWD" "$T/dpuflowd.bin"
echo "add_flows: dpuflowd = $DPUFLOWD, built $(date -u -r "$DPUFLOWD" +%FT%TZ)," \
     "tree at $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?');" \
     "peer: $(ovs-vswitchd --version | head -n 1)" >&2
# Not through nsx: a backgrounded shell function would leave $! naming a
# subshell; ip netns exec execs the daemon, so $! is dpuflowd itself.
ip netns exec "$NS" "$T/dpuflowd.bin" --run-dir "$DPU_DIR" 2> "$T/dpuflowd.log" &
DPU_PID=$!
wait_for 10 "dpuflowd's $DPU_DIR/br-int.mgmt" test -S "$DPU_DIR/br-int.mgmt"
wait_for 10 "dpuflowd's pidfile" test -s "$DPU_DIR/dpuflowd.pid"
[[ $(cat "$DPU_DIR/dpuflowd.pid") == "$DPU_PID" ]] ||
  die "dpuflowd's pidfile says $(cat "$DPU_DIR/dpuflowd.pid"), expected $DPU_PID"

# ---- (b) ovs-vswitchd, userspace datapath ----
mkdir -p "$OVS_DIR"
ovs_env=(env OVS_RUNDIR="$OVS_DIR" OVS_DBDIR="$OVS_DIR" OVS_LOGDIR="$OVS_DIR" OVS_SYSCONFDIR="$OVS_DIR")
vsctl() { nsx "${ovs_env[@]}" ovs-vsctl --db="unix:$OVS_DIR/db.sock" --timeout=30 "$@"; }
ovsdb-tool create "$OVS_DIR/conf.db" "$SCHEMA"
nsx "${ovs_env[@]}" ovsdb-server "$OVS_DIR/conf.db" --remote="punix:$OVS_DIR/db.sock" \
    --pidfile="$OVS_DIR/ovsdb-server.pid" --unixctl="$OVS_DIR/ovsdb-server.ctl" \
    --log-file="$OVS_DIR/ovsdb-server.log" --detach --no-chdir -vconsole:off 2>> "$T/ovs-start.log"
vsctl --no-wait init
nsx "${ovs_env[@]}" ovs-vswitchd "unix:$OVS_DIR/db.sock" --pidfile="$OVS_DIR/ovs-vswitchd.pid" \
    --unixctl="$OVS_DIR/ovs-vswitchd.ctl" --log-file="$OVS_DIR/ovs-vswitchd.log" \
    --detach --no-chdir -vconsole:off 2>> "$T/ovs-start.log"
# fail-mode=secure as ovn-controller sets it: no NORMAL flow of OVS's own.
vsctl add-br br-int -- set bridge br-int datapath_type=netdev fail-mode=secure
wait_for 30 "ovs-vswitchd's $OVS_DIR/br-int.mgmt" test -S "$OVS_DIR/br-int.mgmt"
OVS_PID=$(cat "$OVS_DIR/ovs-vswitchd.pid")

# ---- one timed load ----
rundir_of() { [[ $1 == dpuflowd ]] && echo "$DPU_DIR" || echo "$OVS_DIR"; }
pid_of() { [[ $1 == dpuflowd ]] && echo "$DPU_PID" || echo "$OVS_PID"; }
ofctl() {  # ofctl TARGET ARGS...: ovs-ofctl against TARGET's br-int
  local t=$1; shift
  OVS_RUNDIR=$(rundir_of "$t") timeout 60 ovs-ofctl -O OpenFlow15 "$@"
}
flow_count() { ofctl "$1" dump-aggregate br-int | sed -n 's/.*flow_count=\([0-9]*\).*/\1/p'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime
# children_cpu FILE: CPU seconds (user + sys) of this shell's waited-for
# children, from the output of `times` saved in FILE; `times` itself must
# run in this shell (`times > FILE`), as a $(...) subshell has its own.
children_cpu() {
  tail -n 1 "$1" | awk '{ for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); s += a[1] * 60 + a[2] } print s }'
}

RESULTS=$T/results.txt
: > "$RESULTS"
FAILED=0
# load N TARGET MODE REP: appends "n target mode rep wall_us parse_us
# daemon_ticks client_cpu_s" to $RESULTS; client: ovs-ofctl, plus the cat
# feeding it (about 10 ms per 100k flows).
load() {
  local n=$1 t=$2 mode=$3 rep=$4 opts=() pid c0 c1 t0 t1 tp rc got k0 k1 feeder
  local log=$T/ofctl-$n-$t-$mode-$rep.log
  [[ $mode == bundle ]] && opts=(--bundle)
  pid=$(pid_of "$t")
  kill -0 "$pid" 2>/dev/null || die "$t (pid $pid) is not running"
  ofctl "$t" del-flows br-int
  got=$(flow_count "$t")
  [[ $got == 0 ]] || die "$t: $got flows left after del-flows"
  rm -f "$T/parsed"
  times > "$T/times0"; c0=$(cpu_ticks "$pid"); t0=$(date +%s%N)
  # The feeder blocks on the FIFO until ovs-ofctl opens it; if ovs-ofctl
  # dies before reading everything, the feeder's timeout ends it.
  ( timeout "$LOAD_TIMEOUT" cat "$T/flows-$n.txt" > "$T/fifo" && date +%s%N > "$T/parsed" ) &
  feeder=$!
  rc=0
  OVS_RUNDIR=$(rundir_of "$t") timeout "$LOAD_TIMEOUT" \
      ovs-ofctl -O OpenFlow15 "${opts[@]}" add-flows br-int "$T/fifo" > "$log" 2>&1 || rc=$?
  t1=$(date +%s%N); c1=$(cpu_ticks "$pid")
  if ! wait "$feeder"; then
    (( rc )) || rc=1
    echo "add_flows: ovs-ofctl did not read the whole file" >> "$log"
  fi
  times > "$T/times1"
  k0=$(children_cpu "$T/times0"); k1=$(children_cpu "$T/times1")
  got=$(flow_count "$t" || echo "?")
  if [[ $rc -ne 0 || $got != "$n" ]]; then
    echo "add_flows: FAILED $t $mode N=$n rep $rep: exit $rc, $got of $n flows; ovs-ofctl said:" >&2
    grep -v '|poll_loop|' "$log" | head -5 >&2
    FAILED=$((FAILED + 1))
    return 0
  fi
  tp=$(cat "$T/parsed")
  echo "$n $t $mode $rep $(( (t1 - t0) / 1000 )) $(( (tp - t0) / 1000 )) $(( c1 - c0 ))" \
       "$(awk -v a="$k0" -v b="$k1" 'BEGIN{print b - a}')" >> "$RESULTS"
  printf 'add_flows: N=%-7d %-8s %-6s rep %d: %6.2f s\n' "$n" "$t" "$mode" "$rep" \
      "$(awk -v us=$(( (t1 - t0) / 1000 )) 'BEGIN{print us / 1e6}')" >&2
}

for n in $N; do
  for rep in $(seq 1 "$REPS"); do
    for mode in plain bundle; do
      # Alternate which switch goes first, so a slow patch of the VM does
      # not always land on the same one.
      if (( rep % 2 )); then order=(dpuflowd ovs); else order=(ovs dpuflowd); fi
      for t in "${order[@]}"; do load "$n" "$t" "$mode" "$rep"; done
    done
  done
done

# Table: one row per N and mode, median of the runs.
python3 - "$RESULTS" "$(getconf CLK_TCK)" <<'EOF'
import statistics, sys
path, hz = sys.argv[1], int(sys.argv[2])
runs = {}
for line in open(path):
    n, t, mode, rep, us, parse_us, ticks, client = line.split()
    runs.setdefault((int(n), mode, t), []).append(
        (int(us) / 1e6, int(parse_us) / 1e6, int(ticks) / hz, float(client)))
med = statistics.median
def cells(key):
    r = runs.get(key)
    if not r:
        return None, None, ["failed", "", "", ""]
    s = sorted(x[0] for x in r)
    m, p = med(s), med([x[1] for x in r])
    return m, p, ["%.2f s (%.2f-%.2f)" % (m, s[0], s[-1]), "%.1f k" % (key[0] / m / 1e3),
                  "%.2f s" % p, "%.2f / %.2f s" % (med([x[2] for x in r]), med([x[3] for x in r]))]
if not runs:
    sys.exit("add_flows: no successful run")
print()
print("ovs-ofctl -O OpenFlow15 [--bundle] add-flows of N OVN-like flows; median of %d runs (min-max)"
      % max(len(v) for v in runs.values()))
print("parse: the part of the wall time ovs-ofctl spent reading and parsing the file before sending")
print("CPU: CPU seconds of the switch daemon / of ovs-ofctl during the load")
print("ratio: OVS time / dpuflowd time; after parse: the same with the parse part taken off both")
print()
print("| mode | N | dpuflowd | flows/s | parse | CPU daemon / ofctl "
      "| ovs-vswitchd | flows/s | parse | CPU daemon / ofctl | ratio | after parse |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for n in sorted({k[0] for k in runs}):
    for mode, label in (("plain", "plain"), ("bundle", "--bundle")):
        dm, dp, dc = cells((n, mode, "dpuflowd"))
        om, op, oc = cells((n, mode, "ovs"))
        ratio = after = "n/a"
        if dm and om:
            ratio = "%.2fx" % (om / dm)
            if dm > dp and om > op:
                after = "%.2fx" % ((om - op) / (dm - dp))
        print("| %s | %d | %s | %s | %s | %s |" % (label, n, " | ".join(dc), " | ".join(oc), ratio, after))
EOF
if (( FAILED )); then
  echo "add_flows: $FAILED load(s) failed (see above); their cells say 'failed' or hold fewer runs" >&2
  exit 1
fi
