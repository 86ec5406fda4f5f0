#!/usr/bin/env bash
# Real-user measurement steering DNS, end to end on loopback: three `cdnlab realnet
# rum-object-server`s stand for the PoPs (artificial delays 5, 250 and 750 ms), `cdnlab realnet
# controller --policy hybrid --rum-listen` serves the page with the measurement tag next to its
# DNS server, and headless Chromium loads the page repeatedly (it reloads itself ?views=N
# times). The tag fetches the test object from each candidate, reads Resource Timing and posts
# beacons, which feed the controller's measurement store; kdig asks the controller's DNS server
# for the CDN hostname with g-lo's subnet (ECS 127.0.0.0/24).
#   before any beacon: nothing is measured, so there is no mapping: SERVFAIL
#   phase 1: pop-fast's server is down: its fetches fail, g-lo's answer is pop-mid's address
#   phase 2: pop-fast comes up: beacons measure it and the answer moves to pop-fast's address
# The assertions are about decisions (which PoP wins, by the policy's hysteresis margin), not
# absolute timings: the delays are far apart (50x and 3x) so that a loaded machine, which only
# adds time to every fetch, cannot reorder them. The whole run is bounded (kBudget seconds).
#   chromium_loop.sh CDNLAB_BINARY [SCENARIO]
set -euo pipefail
cdnlab="$1"
scenario_in="${2:-$(cd "$(dirname "$0")/.." && pwd)/data/rum_loopback.yaml}"
readonly kBudget=80        # seconds for the whole test (ctest's TIMEOUT is a little more)
readonly kFastMs=5 kMidMs=250 kSlowMs=750
declare -A address=([pop-fast]=127.0.4.11 [pop-mid]=127.0.4.12 [pop-slow]=127.0.4.13)
dns_host=127.0.4.1
group_subnet=127.0.0.0/24

chromium="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
[ -n "$chromium" ] || { echo "FAIL: no chromium (the setup script .ci/setup-debian.sh installs it)"; exit 1; }
command -v kdig >/dev/null || { echo "FAIL: no kdig (knot-dnsutils; .ci/setup-debian.sh installs it)"; exit 1; }
work="$(mktemp -d)"
pids=()
browser_pid=""
state_url=""
stop_browser() {
  if [ -n "$browser_pid" ]; then
    kill -TERM -- "-$browser_pid" 2>/dev/null || true  # its own process group: renderers too
    sleep 0.3
    kill -KILL -- "-$browser_pid" 2>/dev/null || true
    wait "$browser_pid" 2>/dev/null || true
    browser_pid=""
  fi
}
cleanup() {
  stop_browser
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $* (after ${SECONDS} s)"
  if [ -n "$state_url" ]; then echo "--- state:"; curl -s --max-time 2 "$state_url" || true; fi
  echo "--- controller log:"; tail -n 30 "$work/controller.log" || true
  echo "--- object servers' logs:"; tail -n 5 "$work"/objects-*.log || true
  echo "--- chromium log:"; tail -n 15 "$work/chromium.log" || true
  exit 1
}
remaining() { echo $((kBudget - SECONDS)); }
check_budget() { [ "$(remaining)" -gt 0 ] || fail "over the ${kBudget} s budget while $1"; }

# Prints the first capture group of the extended REGEX in FILE once a line matches (at most 10 s).
wait_log() {  # FILE REGEX
  for _ in $(seq 100); do
    if [ -s "$1" ]; then
      local found
      found="$(sed -nE "s|.*$2.*|\\1|p" "$1" | head -n 1)"
      [ -n "$found" ] && { echo "$found"; return 0; }
    fi
    sleep 0.1
  done
  return 1
}

# Prints one value from the controller's /rum/state: a Python expression on `s`.
state() {
  curl -s --max-time 2 "$state_url" | python3 -c "import json,sys; s=json.load(sys.stdin); print($1)"
}
group='[g for g in s["groups"] if g["group"]=="g-lo"][0]'

# What the controller's DNS server answers for g-lo's subnet: the A address, or the rcode.
dns_answer() {
  local out
  out="$(kdig @"$dns_host" -p "$dns_port" +subnet="$group_subnet" +time=2 +retry=1 cdn.example.net A 2>&1)" ||
    { echo "kdig-failed"; return; }
  local a
  a="$(awk '$1 !~ /^;/ && $3 == "IN" && $4 == "A" {print $5; exit}' <<<"$out")"
  if [ -n "$a" ]; then echo "$a"; else sed -nE 's/.*status: ([A-Z]+).*/\1/p' <<<"$out" | head -n 1; fi
}

# Waits (within the budget) until kdig's answer for g-lo is EXPECTED.
wait_answer() {  # EXPECTED WHAT
  local got=""
  while [ "$(remaining)" -gt 0 ]; do
    got="$(dns_answer)"
    [ "$got" = "$1" ] && { echo "kdig +subnet=$group_subnet: $got ($2)"; return 0; }
    sleep 0.5
  done
  echo "--- kdig:"; kdig @"$dns_host" -p "$dns_port" +subnet="$group_subnet" +time=2 +retry=1 cdn.example.net A || true
  fail "kdig answers '$got' for $group_subnet, expected $1 ($2)"
}

start_object_server() {  # ADDRESS PORT DELAY_MS
  "$cdnlab" realnet rum-object-server --listen "$1:$2" --delay-ms "$3" --for "$kBudget" --plain-http \
    2>>"$work/objects-$1.log" & pids+=($!)
}

# Loads /?views=N in a fresh headless Chromium and waits until `accepted` reaches TARGET.
browse() {  # VIEWS TARGET
  setsid "$chromium" --headless=new --no-sandbox --disable-gpu --no-first-run --no-default-browser-check \
    --disable-extensions --disable-background-networking --user-data-dir="$work/profile-$1-$2" \
    "$page_url?views=$1" >>"$work/chromium.log" 2>&1 &
  browser_pid=$!
  local accepted=0
  while [ "$(remaining)" -gt 0 ]; do
    accepted="$(state 's["beacons"]["accepted"]' 2>/dev/null || echo 0)"
    [ "$accepted" -ge "$2" ] && break
    sleep 0.5
  done
  stop_browser
  [ "$accepted" -ge "$2" ] || fail "only $accepted beacons accepted, expected $2"
}

# Ports: the object servers' from the OS (the first one binds port 0, the others reuse its number
# on their own addresses); the scenario's controller and DNS ports are replaced by ones the OS
# has free now, on the scenario's addresses.
start_object_server "${address[pop-mid]}" 0 "$kMidMs"
object_port="$(wait_log "$work/objects-${address[pop-mid]}.log" "on http://${address[pop-mid]}:([0-9]+)")" ||
  fail "pop-mid's object server did not start"
start_object_server "${address[pop-slow]}" "$object_port" "$kSlowMs"
python3 - "$scenario_in" "$work/scenario.yaml" <<'PY'
import re, socket, sys
text = open(sys.argv[1]).read()
def free_port(host):
    # Free for UDP and TCP (the DNS server takes both) on that address.
    while True:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind((host, 0)); port = u.getsockname()[1]
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            t.bind((host, port)); return port
        except OSError:
            pass
        finally:
            u.close(); t.close()
for key in ("controller", "dns"):
    m = re.search(r"^([ \t]+%s:[ \t]*)([0-9.]+):[0-9]+" % key, text, re.M)
    text = text[:m.start()] + "%s%s:%d" % (m.group(1), m.group(2), free_port(m.group(2))) + text[m.end():]
open(sys.argv[2], "w").write(text)
PY
dns_port="$(sed -nE 's/^[ \t]+dns:[ \t]*[0-9.]+:([0-9]+).*/\1/p' "$work/scenario.yaml")"
"$cdnlab" realnet pop-key --pop pop-fast --secret-file "$work/pop-fast.key" >"$work/pop-keys"
"$cdnlab" realnet controller "$work/scenario.yaml" --policy hybrid --pop-keys "$work/pop-keys" \
  --rum-listen 127.0.0.1:0 --rum-object-port "$object_port" --rum-rate 5 --rum-burst 20 --rum-plain-http --for "$kBudget" \
  2>"$work/controller.log" & pids+=($!)
rum_port="$(wait_log "$work/controller.log" "RUM page and beacons on http://127.0.0.1:([0-9]+)/")" ||
  fail "the controller did not start"
page_url="http://127.0.0.1:$rum_port/"
state_url="http://127.0.0.1:$rum_port/rum/state"
echo "controller: RUM page $page_url, DNS $dns_host:$dns_port; object servers on port $object_port"

before="$(state "$group[\"pop\"]")"
[ "$before" = "None" ] || fail "g-lo was mapped before any measurement"
wait_answer SERVFAIL "no measurement yet, so no mapping"

echo "phase 1: pop-fast down, 3 page views"
browse 3 3
wait_answer "${address[pop-mid]}" "pop-mid, the faster of the two that answer"
[ "$(state "$group[\"rtt_ms\"][\"pop-fast\"] is None and $group[\"samples\"][\"pop-fast\"] >= 3")" = True ] ||
  fail "pop-fast's failed fetches should have been reported (loss, no RTT)"

echo "phase 2: pop-fast up, 5 page views"
start_object_server "${address[pop-fast]}" "$object_port" "$kFastMs"
sleep 0.5
check_budget "starting pop-fast"
browse 5 8
wait_answer "${address[pop-fast]}" "pop-fast, whose server has the smallest delay"

# The decision, from the measurements it was made on: each RTT includes its server's delay (a
# loaded machine only adds to it), and the winner beats the runner-up by the policy's
# hysteresis margin (10% and 5 ms), which is why the answer moved.
rtts="$(state "' '.join('%.1f' % $group[\"rtt_ms\"][p] for p in ['pop-fast','pop-mid','pop-slow'])")"
read -r fast mid slow <<<"$rtts"
echo "beacon RTT (EWMA, ms): pop-fast $fast, pop-mid $mid, pop-slow $slow"
python3 - "$fast" "$mid" "$slow" "$kFastMs" "$kMidMs" "$kSlowMs" <<'PY' || fail "the RTTs do not explain the decision"
import sys
fast, mid, slow, d_fast, d_mid, d_slow = map(float, sys.argv[1:])
at_least_delay = fast >= d_fast and mid >= d_mid and slow >= d_slow
wins_by_margin = fast < 0.9 * min(mid, slow) - 5
sys.exit(0 if at_least_delay and wins_by_margin else 1)
PY
[ "$(state "$group[\"pop\"]")" = pop-fast ] || fail "/rum/state disagrees with the DNS answer"
state 's["beacons"]'
[ "$(state 's["beacons"]["accepted"] >= 8 and s["page_views"] >= 8')" = True ] || fail "too few page views or beacons"
[ "$(state '[g for g in s["groups"] if g["group"]=="g-far"][0]["pop"]')" = None ] || fail "g-far was measured by nobody"
echo "beacons as the controller logged them:"
grep -o 'beacon .*' "$work/controller.log" | sed 's/^/  /'
echo "PASS in ${SECONDS} s"
