#!/bin/bash
# dpuflowctl trace, end to end: for recorded OVS traces, the Megaflow and
# Datapath actions lines it prints equal OVS's (recirculation ids compared
# up to renaming: the recorded switch had allocated some before); bad input
# names what is wrong.
set -eu
ctl="$1"
data="$2/ovn-scenarios"
fail=0

# Renames recirculation ids to R1, R2... in order of first appearance.
norm_recirc() {
  awk '{
    out = ""
    while (match($0, /recirc(_id=|\()0x[0-9a-f]+/)) {
      tok = substr($0, RSTART, RLENGTH)
      id = tok; sub(/^recirc(_id=|\()/, "", id)
      if (!(id in map)) map[id] = "R" (++n)
      pre = substr(tok, 1, length(tok) - length(id))
      out = out substr($0, 1, RSTART - 1) pre map[id]
      $0 = substr($0, RSTART + RLENGTH)
    }
    print out $0
  }'
}

# Runs dpuflowctl on the dumps of scenario $1 with the command line that
# produced the recorded trace $2.
trace_like() {  # scenario trace-file
  s="$data/$1"
  t="$s/traces/$2"
  cmd=$(sed -n 's/^# ovs-appctl ofproto\/trace //p' "$t")
  ct_args=$(printf '%s\n' "$cmd" | grep -o -- "--ct-next [^ ]*" | tr '\n' ' ' || true)
  flow=$(printf '%s\n' "$cmd" | sed "s/.*'\(.*\)'.*/\1/")
  # shellcheck disable=SC2086
  "$ctl" trace --flows "$s/flows.txt" --groups "$s/groups.txt" --meters "$s/meters.txt" \
    --tlv-map "$s/tlv-map.txt" --dp-ports "$s/dp-ports.txt" \
    --ofports "$s/ofport-iface-map.csv" $ct_args "$flow"
}

check() {  # scenario trace-file: Megaflow and Datapath actions lines
  t="$data/$1/traces/$2"
  want=$(grep -E '^(Megaflow|Datapath actions):' "$t" | norm_recirc)
  got=$(trace_like "$1" "$2" | grep -E '^(Megaflow|Datapath actions):' | norm_recirc)
  if [ "$got" != "$want" ]; then
    echo "FAIL $1/$2"; echo "--- want"; echo "$want"; echo "--- got"; echo "$got"; fail=1
  else
    echo "ok   $1/$2"
  fi
}

# The whole output, table walk included, byte for byte as OVS printed it.
check_full() {  # scenario trace-file
  if trace_like "$1" "$2" | diff -u <(tail -n +3 "$data/$1/traces/$2") - ; then
    echo "ok   full text $1/$2"
  else
    echo "FAIL full text $1/$2"; fail=1
  fi
}

check_full a-ls-portsec 17-ipv6-nd-ns-vm1.txt
check_full b-ls-acl 01-icmp-vm1-to-vm2-new.txt
check_full c-router 06-icmp-vm1-to-vm3-routed.txt
check_full e-remote-chassis 08-icmp-vm1-to-local-vm3-routed.txt

check a-ls-portsec 04-icmp-echo-vm1-to-vm2.txt
check b-ls-acl 02-icmp-vm1-to-vm2-est.txt
check c-router "$(ls "$data/c-router/traces" | head -1)"

# Errors: a bad flow names the token; a missing file is refused; exit 1.
s="$data/a-ls-portsec"
if err=$("$ctl" trace --flows "$s/flows.txt" 'in_port=1,nw_srcc=1' 2>&1); then
  echo "FAIL: bad flow accepted"; fail=1
elif ! printf '%s' "$err" | grep -q "nw_srcc"; then
  echo "FAIL: error does not name the token: $err"; fail=1
else
  echo "ok   bad flow: $err"
fi
if "$ctl" trace --flows /nonexistent 'in_port=1' >/dev/null 2>&1; then
  echo "FAIL: missing file accepted"; fail=1
else
  echo "ok   missing file refused"
fi
exit $fail
