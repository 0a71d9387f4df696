#!/usr/bin/env bash
# jipsecd by hand: two network namespaces joined by a veth, a gateway in each, host-to-host transport ESP
# (AES-GCM-16) between 10.77.0.1 and 10.77.0.2, then ping and (if installed) iperf3 through it. Run as root from
# the repository root. Everything is removed at the end (or on Ctrl-C).
#
# The example keys are published in this file: never use them for real traffic.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/jipsec-gw.XXXXXX)
A=jipgwA$$ B=jipgwB$$
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

keys='add 10.77.0.1 10.77.0.2 esp 0x1001 -r 4 -E aes-gcm-16 0x0123456789abcdef0123456789abcdef01020304 ;
add 10.77.0.2 10.77.0.1 esp 0x1002 -r 4 -E aes-gcm-16 0xfedcba9876543210fedcba9876543210a1a2a3a4 ;'
printf '%s\nspdadd 10.77.0.1 10.77.0.2 any -P out ipsec esp/transport//require ;\nspdadd 10.77.0.2 10.77.0.1 any -P in ipsec esp/transport//require ;\n' "$keys" > "$work/a.conf"
printf '%s\nspdadd 10.77.0.2 10.77.0.1 any -P out ipsec esp/transport//require ;\nspdadd 10.77.0.1 10.77.0.2 any -P in ipsec esp/transport//require ;\n' "$keys" > "$work/b.conf"

ip netns add "$A"; ip netns add "$B"
ip link add vA netns "$A" type veth peer name vB netns "$B"
ip -n "$A" addr add 10.77.0.1/24 dev vA; ip -n "$B" addr add 10.77.0.2/24 dev vB
for n in "$A" "$B"; do ip -n "$n" link set lo up; done
ip -n "$A" link set vA up; ip -n "$B" link set vB up

"$here/jipsec" --version >/dev/null   # builds the jar once, outside the namespaces
for side in A B; do
  ns=${!side}
  ip netns exec "$ns" "$here/jipsec" gateway --config "$work/${side,,}.conf" --pfkey "$work/${side,,}/pfkey" \
      --state-dir "$work/${side,,}/state" \
      2> "$work/${side,,}.log" &
  pids+=($!)
done
for side in a b; do
  for _ in $(seq 100); do grep -q "running on" "$work/$side.log" 2>/dev/null && break; sleep 0.1; done
done

# Transport mode: the protected packets go to the peer's own address, so the daemon's (marked) packets must
# bypass the TUN: everything else to the peer is routed into jipsec0 by table 99.
ip -n "$A" rule add not fwmark 0x99 table 99 pref 100
ip -n "$A" route add 10.77.0.2 dev jipsec0 src 10.77.0.1 table 99
ip -n "$B" rule add not fwmark 0x99 table 99 pref 100
ip -n "$B" route add 10.77.0.1 dev jipsec0 src 10.77.0.2 table 99

ip netns exec "$A" ping -c 5 -i 0.2 10.77.0.2
if command -v iperf3 >/dev/null; then
  ip netns exec "$B" iperf3 -s -1 -D
  sleep 0.5
  ip netns exec "$A" iperf3 -c 10.77.0.2 -t 5
fi
kill -USR1 "${pids[0]}"; sleep 0.5     # counters to a.log
"$here/jipsec" setkey --pfkey "$work/a/pfkey" -D   # the SAs, over PF_KEY
cat "$work/a.log"
