#!/bin/bash
# The drop-in claim, end to end: the real ovn-controller (OVN 23.03) programs a
# running dpuflowd exactly as it would program ovs-vswitchd.
#
# Everything lives in one private directory that is both OVS_RUNDIR and
# OVN_RUNDIR, so ovn-controller finds dpuflowd at $OVS_RUNDIR/br-int.mgmt
# (ofctrl.c builds "unix:<ovs_rundir()>/<bridge>.mgmt") and no system-wide
# instance (from the packages' own scripts) is used or touched.  There is no
# ovs-vswitchd: dpuflowd does not speak OVSDB, so the Interface.ofport values
# that ovs-vswitchd would write are written here by hand; that is all
# ovn-controller needs to bind a port (binding.c: iface-id and ofport > 0).
#
# Usage: run.sh [PATH/TO/dpuflowd]
# Exit: 0 all checks passed, 1 a check failed, 77 skipped (OVN not installed).
# DPUFLOW_KEEP_TMP=1 keeps the directory (databases, logs) for a post-mortem.
set -Eeuo pipefail

DPUFLOWD=${1:-$(dirname "$0")/../../../build/control/dpuflowd}

skip() { echo "ovn_controller: SKIP: $*"; exit 77; }
for prog in ovn-controller ovn-northd ovn-nbctl ovn-sbctl ovsdb-server ovsdb-tool ovsdb-client \
            ovs-vsctl ovs-ofctl ovs-appctl timeout; do
  command -v "$prog" >/dev/null || skip "$prog not installed (packages ovn-central, ovn-host, openvswitch-switch)"
done
for schema in /usr/share/ovn/ovn-nb.ovsschema /usr/share/ovn/ovn-sb.ovsschema \
              /usr/share/openvswitch/vswitch.ovsschema; do
  [[ -r $schema ]] || skip "$schema missing (packages ovn-common, openvswitch-switch)"
done
[[ -x $DPUFLOWD ]] || { echo "ovn_controller: FAIL: dpuflowd not found at $DPUFLOWD"; exit 1; }

# A short path: unix socket names are limited to 108 bytes.
T=$(mktemp -d /tmp/dpuflow-ovnc.XXXXXX)
export OVS_RUNDIR=$T OVN_RUNDIR=$T OVS_LOGDIR=$T OVN_LOGDIR=$T OVS_DBDIR=$T OVN_DBDIR=$T
export OVS_SYSCONFDIR=$T OVN_SYSCONFDIR=$T
PIDS=()
START=$SECONDS

# A setup step that fails aborts the script (set -e): say where, and why.
SUMMARY_PRINTED=0
ABORTED_AT=
trap 'ABORTED_AT="line $LINENO: $BASH_COMMAND"' ERR

cleanup() {
  local rc=$?
  local pid
  if ((rc != 0 && SUMMARY_PRINTED == 0)); then
    echo "ovn_controller: aborted (exit $rc) at ${ABORTED_AT:-an unknown point}"
    declare -F diagnostics >/dev/null && diagnostics
    echo "ovn_controller: ${PASSED:-0} passed, $((${FAILED:-0} > 0 ? FAILED : 1)) failed"
  fi
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do exited "$pid" && break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ ${DPUFLOW_KEEP_TMP:-0} == 1 ]]; then echo "ovn_controller: kept $T"; else rm -rf "$T"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- helpers
T_OUT=10  # seconds any single client command may take
vsctl()  { timeout $T_OUT ovs-vsctl --no-wait --db="unix:$T/db.sock" "$@"; }
nbctl()  { timeout 30 ovn-nbctl --db="unix:$T/ovnnb_db.sock" "$@"; }
sbctl()  { timeout $T_OUT ovn-sbctl --db="unix:$T/ovnsb_db.sock" "$@"; }
ofctl()  { timeout $T_OUT ovs-ofctl -O OpenFlow15 "$1" br-int "${@:2}"; }
dpctl()  { timeout $T_OUT ovs-appctl -t dpuflowd "$@"; }

# wait_until SECONDS CMD...: polls CMD every 0.2 s; false on timeout, or at
# once if dpuflowd has died (nothing it should bring about can come then).
wait_until() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    [[ -n ${PID_dpuflowd:-} ]] && exited "$PID_dpuflowd" && return 1
    sleep 0.2
  done
}

# bash reaps its children as they die, so kill -0 fails once one has exited.
exited() { ! kill -0 "$1" 2>/dev/null; }

# Starts a daemon in the background (it dies with this script through cleanup).
spawn() {
  local name=$1; shift
  "$@" >"$T/$name.out" 2>&1 &
  PIDS+=($!)
  eval "PID_${name//-/_}=$!"
}

die() {
  ABORTED_AT=$*
  exit 1
}

# require_running NAME: a dead daemon makes every later check meaningless
# (and slow: each would wait for its timeout), so stop here.
require_running() {
  local pid status=0
  eval "pid=\$PID_${1//-/_}"
  kill -0 "$pid" 2>/dev/null && return 0
  wait "$pid" || status=$?
  fail "$1 is running" "it exited with status $status"
  die "$1 exited with status $status"
}

coverage() {  # coverage NAME -> the total of dpuflowd's counter NAME ("?" if unknown)
  local out
  out=$(dpctl coverage/show 2>/dev/null | awk -v n="$1" '$1 == n { print $NF }') || true
  echo "${out:-?}"
}
flow_count() {  # "?" if dpuflowd does not answer
  local out
  out=$(ofctl dump-aggregate 2>/dev/null | sed -n 's/.*flow_count=\([0-9]*\).*/\1/p') || true
  echo "${out:-?}"
}

# The log without the debug records (a vconn record spans several lines:
# the continuation lines belong to the record above them).
log_nodebug() {
  awk '/^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T/ { dbg = index($0, "|DBG|") > 0 } !dbg' "$T/ovn-controller.log"
}

diagnostics() {
  echo "---- ovn-controller log (last 40 non-debug lines) ----"
  [[ -f $T/ovn-controller.log ]] && log_nodebug | tail -40 || true
  echo "---- OpenFlow errors received by ovn-controller, with the messages sent before each ----"
  [[ -f $T/ovn-controller.log ]] && grep -B6 -A3 'received: OFPT_ERROR' "$T/ovn-controller.log" | head -80 || true
  echo "---- dpuflowd coverage/show ----"
  dpctl coverage/show 2>&1 || echo "(dpuflowd does not answer)"
  echo "---- dpuflowd memory/show ----"
  dpctl memory/show 2>&1 || true
  echo "---- dpuflowd output (last 20 lines) ----"
  tail -20 "$T/dpuflowd.out" 2>/dev/null || true
  echo "(DPUFLOW_KEEP_TMP=1 keeps the logs and databases; ovn-controller.log has every OpenFlow message)"
}

PASSED=0
FAILED=0
FAILED_NAMES=()
pass() { PASSED=$((PASSED + 1)); echo "ok   - $1"; }
fail() {
  FAILED=$((FAILED + 1)); FAILED_NAMES+=("$1")
  echo "FAIL - $1"
  [[ -n ${2:-} ]] && printf '%s\n' "$2" | sed 's/^/       /'
  return 0
}
# check NAME CMD...: one assertion; the command's output explains a failure.
check() {
  local name=$1; shift
  local out
  if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$out"; fi
}

# ---------------------------------------------------------------- OVN central
ovsdb-tool create "$T/ovnnb_db.db" /usr/share/ovn/ovn-nb.ovsschema
ovsdb-tool create "$T/ovnsb_db.db" /usr/share/ovn/ovn-sb.ovsschema
ovsdb-tool create "$T/conf.db" /usr/share/openvswitch/vswitch.ovsschema
for db in ovnnb_db ovnsb_db; do
  spawn "$db" ovsdb-server "$T/$db.db" --remote="punix:$T/$db.sock" --pidfile="$T/$db.pid" \
    --unixctl="$T/$db.ctl" --log-file="$T/$db.log" -vconsole:off --no-chdir
done
# The local Open_vSwitch database, as ovs-ctl would serve it (minus vswitchd).
spawn ovsdb-server ovsdb-server "$T/conf.db" --remote="punix:$T/db.sock" \
  --remote=db:Open_vSwitch,Open_vSwitch,manager_options --pidfile="$T/ovsdb-server.pid" \
  --unixctl="$T/ovsdb-server.ctl" --log-file="$T/ovsdb-server.log" -vconsole:off --no-chdir
for sock in ovnnb_db ovnsb_db db; do
  wait_until 10 test -S "$T/$sock.sock" || die "ovsdb-server did not create $T/$sock.sock"
done
nbctl init
spawn ovn-northd ovn-northd --ovnnb-db="unix:$T/ovnnb_db.sock" --ovnsb-db="unix:$T/ovnsb_db.sock" \
  --pidfile="$T/ovn-northd.pid" --log-file="$T/ovn-northd.log" -vconsole:off --no-chdir

# ---------------------------------------------------------------- the chassis
vsctl init
vsctl -- add-br br-int \
      -- set bridge br-int fail_mode=secure other_config:disable-in-band=true \
             other_config:hwaddr=00:00:5e:00:53:01 \
      -- set interface br-int ofport=65534 \
      -- set open . external_ids:system-id=chassis1 \
             external_ids:ovn-remote="unix:$T/ovnsb_db.sock" \
             external_ids:ovn-encap-type=geneve external_ids:ovn-encap-ip=127.0.0.1 \
             external_ids:ovn-bridge=br-int
# What ovs-vswitchd would have written for two VIFs (ofport, states).
for i in 1 2; do
  vsctl -- add-port br-int vif$i \
        -- set interface vif$i type='""' external_ids:iface-id=lsp$i ofport=$i \
               admin_state=up link_state=up mtu=1500
done

# -vvconn:file:dbg logs every OpenFlow message ovn-controller sends and
# receives: the record to hand to dpuflowd's owner when something fails, and
# what the barrier check below counts.  Those records are rate-limited (600 a
# minute, lib/vconn.c), so the limit goes before dpuflowd starts; meanwhile
# ovn-controller finds no switch, as when it starts before ovs-vswitchd.
spawn ovn-controller ovn-controller "unix:$T/db.sock" --pidfile="$T/ovn-controller.pid" \
  --log-file="$T/ovn-controller.log" -vconsole:off -vvconn:file:dbg --no-chdir
wait_until 10 timeout $T_OUT ovs-appctl -t ovn-controller vlog/disable-rate-limit vconn ||
  die "ovn-controller's control socket does not answer"

spawn dpuflowd "$DPUFLOWD" --run-dir "$T"
wait_until 10 test -S "$T/br-int.mgmt" || die "dpuflowd did not create $T/br-int.mgmt"
wait_until 10 dpctl coverage/show || die "dpuflowd's control socket does not answer"

# ---------------------------------------------------------------- the logical network
nbctl ls-add ls1
nbctl lsp-add ls1 lsp1 -- lsp-set-addresses lsp1 "00:00:00:00:00:01 10.0.0.1" \
                       -- lsp-set-port-security lsp1 "00:00:00:00:00:01 10.0.0.1"
nbctl lsp-add ls1 lsp2 -- lsp-set-addresses lsp2 "00:00:00:00:00:02 10.0.0.2" \
                       -- lsp-set-port-security lsp2 "00:00:00:00:00:02 10.0.0.2"
# A logged, metered ACL: a meter (METER_MOD outside bundles) and controller2 with meter_id.
nbctl meter-add acl-meter drop 100 pktps
nbctl --log --meter=acl-meter --name=no-ssh acl-add ls1 to-lport 1000 'ip4 && tcp.dst==22' drop
# A load balancer: conntrack zones (CT_FLUSH_ZONE), ct(..., nat), a select group.
nbctl lb-add lb1 10.0.0.100:80 10.0.0.2:8080 tcp
nbctl ls-lb-add ls1 lb1

# ---------------------------------------------------------------- convergence
require_running ovn-controller
# --wait=hv returns once ovn-controller reported the nb_cfg back, which it
# does after dpuflowd answered the barrier that follows its bundle.
synced() { nbctl --wait=hv --timeout=3 sync; }
if wait_until 40 synced; then
  pass "ovn-controller reports the configuration installed (ovn-nbctl --wait=hv sync) after $((SECONDS - START)) s"
else
  fail "ovn-controller reports the configuration installed (ovn-nbctl --wait=hv sync)" \
       "timed out after 40 s; Chassis_Private: $(sbctl --columns=name,nb_cfg list Chassis_Private 2>&1)"
fi
require_running dpuflowd
# Before any ovs-ofctl of ours connects: only ovn-controller's sessions
# (ofctrl, pinctrl, features) so far.  More means it reconnected, which it
# does on any OFPT_ERROR.
ACCEPTED_OVNC=$(coverage ofconn_accepted)
check "ovn-controller did not reconnect while installing (ofconn_accepted total: ${ACCEPTED_OVNC:-?} <= 3)" \
  test "${ACCEPTED_OVNC:-99}" -le 3

installed() { [[ $(vsctl get interface "$1" external_ids:ovn-installed 2>/dev/null) == '"true"' ]]; }
not_installed() { ! installed "$1"; }
check_installed() {
  if wait_until 20 installed "$1"; then
    pass "Interface $1 external_ids:ovn-installed=true"
  else
    fail "Interface $1 external_ids:ovn-installed=true" "external_ids: $(vsctl get interface "$1" external_ids 2>&1)"
  fi
}
check_installed vif1
check_installed vif2
BOUND=$(sbctl --bare --columns=logical_port find Port_Binding "chassis!=[]" 2>&1 | sort | xargs)
check "SB Port_Binding lsp1 and lsp2 are bound to this chassis" test "$BOUND" = "lsp1 lsp2"

FLOWS=$(flow_count)
check "ovn-controller installed its flows (flow_count=$FLOWS > 200)" test "${FLOWS:-0}" -gt 200

# Groups and meters: dpuflowd holds what ovn-controller says it allocated.
LB_GROUP=$(timeout $T_OUT ovs-appctl -t ovn-controller group-table-list 2>&1 | grep 'nat(dst=10.0.0.2:8080)' || true)
GROUP_ID=$(sed -n 's/.*: \([0-9]*\)$/\1/p' <<<"$LB_GROUP")
GROUPS_OUT=$(ofctl dump-groups 2>&1 || true)
check "dump-groups shows the load balancer's select group ${GROUP_ID:-?} (nat to 10.0.0.2:8080)" \
  bash -c 'grep -Eq "group_id=$2,type=select,.*nat\(dst=10\.0\.0\.2:8080\)" <<<"$1" || { echo "$1"; echo "ovn-controller group-table-list: $3"; exit 1; }' \
  _ "$GROUPS_OUT" "${GROUP_ID:-none}" "$LB_GROUP"

TLV_OUT=$(ofctl dump-tlv-map 2>&1 || true)
check "dump-tlv-map shows OVN's Geneve option 0x102/0x80/4 as tun_metadata0" \
  bash -c 'grep -Eq "^ *0x102 +0x80 +4 +tun_metadata0$" <<<"$1" || { echo "$1"; exit 1; }' _ "$TLV_OUT"

METER_ID=$(timeout $T_OUT ovs-appctl -t ovn-controller meter-table-list 2>&1 | sed -n 's/^acl-meter: \([0-9]*\)$/\1/p')
METERS_OUT=$(ofctl dump-meters 2>&1 || true)
check "dump-meters shows the ACL log meter ${METER_ID:-?} (pktps, drop band rate 100)" \
  bash -c 'tr "\n" " " <<<"$1" | grep -Eq "meter=$2 pktps [^=]*bands= *type=drop rate=100" || { echo "$1"; exit 1; }' \
  _ "$METERS_OUT" "${METER_ID:-none}"

check "dpuflowd committed ovn-controller's bundles (ofproto_bundle_commit > 0)" \
  bash -c '[[ ${1:-0} -gt 0 ]] || { echo "ofproto_bundle_commit: ${1:-?}"; exit 1; }' _ "$(coverage ofproto_bundle_commit)"

# ---------------------------------------------------------------- the pipeline
require_running dpuflowd
PING='in_port=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,ip,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=64,icmp,icmp_type=8'
SSH='in_port=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=64,tp_src=40000,tp_dst=22'
SPOOF='in_port=1,dl_src=00:00:00:00:00:09,dl_dst=00:00:00:00:00:02,ip,nw_src=10.0.0.9,nw_dst=10.0.0.2,nw_ttl=64,icmp,icmp_type=8'
trace() { dpctl ofproto/trace br-int "$1" 2>&1 || true; }
# The OpenFlow part of a trace, over every recirculation: an "output:2"
# action line.  ("Datapath actions:" name datapath ports, and dpuflowd has
# none yet, so they are not looked at.)
outputs_to_2() { grep -Eq '^[[:space:]]+output:2[[:space:]]*$' <<<"$1"; }
expect_output() {  # expect_output TRACE yes|no [EXTENDED-REGEX that must match too]...
  local trace=$1 want=$2 ok=1 re
  shift 2
  if outputs_to_2 "$trace"; then [[ $want == yes ]] || ok=0; else [[ $want == no ]] || ok=0; fi
  for re in "$@"; do
    grep -Eq "$re" <<<"$trace" || { ok=0; echo "no line matches: $re"; }
  done
  ((ok)) || { echo "$trace" | tail -60; return 1; }
}

check "trace: ICMP lsp1 -> lsp2 walks the pipeline (through conntrack) to output:2" \
  expect_output "$(trace "$PING")" yes
# The ACL (to-lport priority 1000 = OpenFlow priority 2000 in the egress ACL
# table) logs through its meter and drops.
check "trace: TCP dst 22 lsp1 -> lsp2 hits the ACL (log with meter, drop: no output:2)" \
  expect_output "$(trace "$SSH")" no "tp_dst=22, priority 2000," \
  "^ *controller\(userdata=[0-9a-f.]*,meter_id=${METER_ID:-none}\)$"
# Port security marks the packet (reg0 bit 15) and ls_in_check_port_sec drops it.
check "trace: a spoofed source MAC on vif1 is dropped by port security (no output:2)" \
  expect_output "$(trace "$SPOOF")" no '^ *9\. reg0=0x8000/0x8000,metadata=0x1, priority 50'

# ---------------------------------------------------------------- incremental changes
require_running dpuflowd
nbctl lsp-del lsp2
if wait_until 30 synced; then
  pass "ovn-nbctl --wait=hv lsp-del lsp2 converges"
else
  fail "ovn-nbctl --wait=hv lsp-del lsp2 converges" "timed out after 30 s"
fi
FLOWS_DEL=$(flow_count)
check "lsp-del lsp2 removes flows ($FLOWS -> $FLOWS_DEL)" test "${FLOWS_DEL:-0}" -lt "${FLOWS:-0}"
if wait_until 20 not_installed vif2; then
  pass "lsp-del lsp2: ovn-controller released vif2 (ovn-installed removed)"
else
  fail "lsp-del lsp2: ovn-controller released vif2 (ovn-installed removed)" \
       "external_ids: $(vsctl get interface vif2 external_ids 2>&1)"
fi
# 00:00:00:00:00:02 is now unknown: the L2 lookup leaves outport 0, dropped.
check "trace: after lsp-del lsp2, ICMP lsp1 -> 10.0.0.2 no longer reaches output:2" \
  expect_output "$(trace "$PING")" no 'reg15=0,metadata=0x1, priority 50'

nbctl lsp-add ls1 lsp2 -- lsp-set-addresses lsp2 "00:00:00:00:00:02 10.0.0.2" \
                       -- lsp-set-port-security lsp2 "00:00:00:00:00:02 10.0.0.2"
if wait_until 30 synced; then
  pass "ovn-nbctl --wait=hv lsp-add lsp2 converges"
else
  fail "ovn-nbctl --wait=hv lsp-add lsp2 converges" "timed out after 30 s"
fi
FLOWS_ADD=$(flow_count)
check "lsp-add lsp2 restores the flows ($FLOWS_DEL -> $FLOWS_ADD, first $FLOWS)" \
  test "${FLOWS_ADD:-0}" -eq "${FLOWS:-0}"
check "trace: after lsp-add lsp2, ICMP lsp1 -> lsp2 reaches output:2 again" \
  expect_output "$(trace "$PING")" yes
check_installed vif2

# ---------------------------------------------------------------- no errors anywhere
require_running dpuflowd
ERRORS_SENT=$(coverage ofproto_error_sent)
check "dpuflowd sent no OpenFlow error (ofproto_error_sent total: ${ERRORS_SENT:-?})" test "${ERRORS_SENT:-x}" = 0
check "dpuflowd rolled back no bundle (ofproto_bundle_failed total: $(coverage ofproto_bundle_failed))" \
  test "$(coverage ofproto_bundle_failed)" = 0
RX_ERRORS=$(grep -c 'received: OFPT_ERROR' "$T/ovn-controller.log" || true)
check "ovn-controller received no OFPT_ERROR (count in its vconn log: $RX_ERRORS)" test "$RX_ERRORS" = 0
# ovn-installed and --wait=hv are reported after the barrier that follows a
# bundle; each barrier must have been answered.
BARRIERS_SENT=$(grep -c 'sent (Success): OFPT_BARRIER_REQUEST' "$T/ovn-controller.log" || true)
BARRIERS_RCVD=$(grep -c 'received: OFPT_BARRIER_REPLY' "$T/ovn-controller.log" || true)
check "dpuflowd answered every barrier ovn-controller sent ($BARRIERS_RCVD of $BARRIERS_SENT)" \
  bash -c '[[ $1 -gt 0 && $1 == "$2" ]] || { echo "sent $1, answered $2"; grep "excessive rate" "$3"; exit 1; }' \
  _ "$BARRIERS_SENT" "$BARRIERS_RCVD" "$T/ovn-controller.log"
# One "connected" per session (ofctrl, features, pinctrl) and nothing dropped.
CONNECTS=$(log_nodebug | grep -c 'br-int.mgmt: connected' || true)
check "ovn-controller opened its 3 OpenFlow sessions once each (connected: $CONNECTS)" test "$CONNECTS" = 3
LOG_ERRORS=$(log_nodebug |
             grep -Ei 'OFPT_ERROR|connection (dropped|closed)|disconnected|[|](ERR|EMER)[|]|error' || true)
check "ovn-controller logged no OpenFlow/rconn error" \
  bash -c '[[ -z $1 ]] || { echo "$1" | head -30; exit 1; }' _ "$LOG_ERRORS"
require_running ovn-controller
require_running dpuflowd
pass "ovn-controller and dpuflowd are still running"
COMMITS=$(coverage ofproto_bundle_commit)
ACCEPTED=$(coverage ofconn_accepted)

# ---------------------------------------------------------------- dpuflowd restarts
# As after an ovs-vswitchd restart: ovn-controller reconnects (rconn backoff
# 1, 2, 4 s) and pushes its whole state again.
# stop_dpuflowd WHEN: SIGTERM is a clean exit (status 0, sockets and pidfile
# removed); a crash or a sanitizer report is not.
stop_dpuflowd() {
  local status=0 left f
  kill -TERM "$PID_dpuflowd"
  if ! wait_until 10 exited "$PID_dpuflowd"; then
    fail "dpuflowd exits on SIGTERM ($1)" "still running after 10 s"
    return
  fi
  wait "$PID_dpuflowd" || status=$?
  left=
  for f in "$T"/br-int.mgmt "$T"/dpuflowd.*; do
    [[ -e $f && $f != *.out ]] && left+=" ${f##*/}"
  done
  check "dpuflowd exits cleanly on SIGTERM ($1: status $status, left: ${left:-nothing})" \
    test "$status" = 0 -a -z "$left"
}
stop_dpuflowd "under ovn-controller"
spawn dpuflowd "$DPUFLOWD" --run-dir "$T"
wait_until 10 test -S "$T/br-int.mgmt" || die "the restarted dpuflowd did not create $T/br-int.mgmt"
restored() { [[ $(flow_count) == "$FLOWS_ADD" ]]; }
if wait_until 30 restored; then
  pass "after a dpuflowd restart ovn-controller reinstalls its $FLOWS_ADD flows"
else
  fail "after a dpuflowd restart ovn-controller reinstalls its $FLOWS_ADD flows" "flow_count: $(flow_count 2>&1)"
fi
check "after the restart: group, meter and TLV map are back" bash -c '
  g=$(timeout 10 ovs-ofctl -O OpenFlow15 dump-groups br-int); m=$(timeout 10 ovs-ofctl -O OpenFlow15 dump-meters br-int)
  t=$(timeout 10 ovs-ofctl -O OpenFlow15 dump-tlv-map br-int)
  [[ $g == *"nat(dst=10.0.0.2:8080)"* && $m == *"type=drop rate=100"* && $t == *tun_metadata0* ]] || { echo "$g"; echo "$m"; echo "$t"; exit 1; }'
check "after the restart: ICMP lsp1 -> lsp2 reaches output:2" expect_output "$(trace "$PING")" yes
check "after the restart: dpuflowd sent no OpenFlow error (ofproto_error_sent total: $(coverage ofproto_error_sent))" \
  test "$(coverage ofproto_error_sent)" = 0
stop_dpuflowd "after the restart"

echo "flows: initial $FLOWS, after lsp-del $FLOWS_DEL, after lsp-add $FLOWS_ADD;" \
     "bundles committed $COMMITS; connections accepted ${ACCEPTED_OVNC:-?} by ovn-controller ($ACCEPTED with ours);" \
     "OpenFlow errors sent ${ERRORS_SENT:-?}; $((SECONDS - START)) s"
if ((FAILED > 0)); then
  printf 'failed: %s\n' "${FAILED_NAMES[@]}"
  diagnostics
fi
echo "ovn_controller: $PASSED passed, $FAILED failed"
SUMMARY_PRINTED=1
((FAILED == 0))
