#!/usr/bin/env bash
# End to end on real sockets: a controller, two probe agents and two responders as separate
# `cdnlab realnet` processes on loopback addresses, and kdig asking cdnlab's DNS server.
# pop-b probes with ICMP echo, pop-a with UDP. pop-a's agent starts first, so group g1 is mapped to pop-a; when pop-a's agent stops, its
# measurements age out and the answer for g1's subnet must move to a pop-b server.
# Reports are signed: each PoP gets a key pair from `realnet pop-key`, the controller their public
# keys; a controller started without keys (and without --accept-unsigned-reports) must refuse to run.
#   realnet_routing_loop.sh CDNLAB_BINARY SCENARIO
set -euo pipefail
cdnlab="$1"
scenario="$2"
dns=(kdig @127.0.3.1 -p 17153 +time=1 +retry=0 +short cdn.example.net A +subnet=10.1.0.0/24)
# g1's IPv6 users (ECS family 2): AAAA from g1's IPv6 row, which follows the same measurements.
dns6=(kdig @127.0.3.1 -p 17153 +time=1 +retry=0 +short cdn.example.net AAAA +subnet=2001:db8:1:4200::/56)
pids=()
keys="$(mktemp -d)"
cleanup() {
  local rc=$?
  kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true
  [ "$rc" = 0 ] || cat "$keys/controller.log" 2>/dev/null || true
  rm -rf "$keys"
}
trap cleanup EXIT

"$cdnlab" realnet pop-key --pop pop-a --secret-file "$keys/pop-a.key" > "$keys/public"
"$cdnlab" realnet pop-key --pop pop-b --secret-file "$keys/pop-b.key" >> "$keys/public"
[ "$(stat -c %a "$keys/pop-a.key")" = 600 ] || { echo "FAIL: the secret key file is not mode 0600"; exit 1; }
if "$cdnlab" realnet controller "$scenario" --policy measured --for 1 2> "$keys/unkeyed"; then
  echo "FAIL: a controller without --pop-keys ran"; exit 1
fi
grep -q -- "--pop-keys" "$keys/unkeyed" || { echo "FAIL: no word of --pop-keys:"; cat "$keys/unkeyed"; exit 1; }

"$cdnlab" realnet controller "$scenario" --policy measured --for 30 --pop-keys "$keys/public" 2> "$keys/controller.log" &
controller=$!; pids+=($controller)
"$cdnlab" realnet responder "$scenario" --group g1 --for 30 & pids+=($!)
"$cdnlab" realnet responder "$scenario" --group g2 --for 30 & pids+=($!)
"$cdnlab" realnet probe-agent "$scenario" --pop pop-a --key-file "$keys/pop-a.key" --for 30 & pop_a=$!; pids+=($pop_a)
sleep 1.5
"$cdnlab" realnet probe-agent "$scenario" --pop pop-b --key-file "$keys/pop-b.key" --method icmp --for 30 & pids+=($!)  # ICMP: same store, same policy

# Wait (at most 10 s) for the first mapping: only pop-a has been measured.
answer=""
for _ in $(seq 20); do
  answer="$("${dns[@]}" || true)"
  [ -n "$answer" ] && break
  sleep 0.5
done
echo "before: g1 -> $answer"
[ "$answer" = "127.0.2.1" ] || { echo "FAIL: expected pop-a's server 127.0.2.1 first"; exit 1; }
answer6="$("${dns6[@]}")"
echo "before: g1 over IPv6 -> $answer6"
[ "$answer6" = "2001:db8:a::1" ] || { echo "FAIL: expected pop-a's IPv6 server first"; exit 1; }

# Equal RTTs: hysteresis keeps pop-a while both are measured.
sleep 2
answer="$("${dns[@]}")"
echo "both measured: g1 -> $answer"
[ "$answer" = "127.0.2.1" ] || { echo "FAIL: the mapping flapped between equal PoPs"; exit 1; }

kill -TERM "$pop_a"
for _ in $(seq 20); do  # max_age_s is 2.5 s; allow 10 s
  answer="$("${dns[@]}" || true)"
  case "$answer" in 127.0.2.2|127.0.2.3) break ;; esac
  sleep 0.5
done
echo "after pop-a's agent stopped: g1 -> $answer"
case "$answer" in
  127.0.2.2|127.0.2.3) ;;
  *) echo "FAIL: g1 was not moved to pop-b"; exit 1 ;;
esac
answer6="$("${dns6[@]}")"
echo "after pop-a's agent stopped: g1 over IPv6 -> $answer6"
[ "$answer6" = "2001:db8:b::2" ] || { echo "FAIL: g1's IPv6 users were not moved to pop-b"; exit 1; }

# The controller's summary line counts every report accepted and none refused.
kill -TERM "$controller"; wait "$controller" || true
summary="$(grep 'reports accepted' "$keys/controller.log")"
echo "$summary"
case "$summary" in
  *" 0 reports accepted"*) echo "FAIL: no signed report was accepted"; exit 1 ;;
  *" 0 rejected (malformed 0, unknown_pop 0, unsigned 0, forged 0, stale 0, replayed 0)"*) ;;
  *) echo "FAIL: signed reports were refused"; exit 1 ;;
esac
echo "PASS"
