#!/usr/bin/env bash
# Real-user measurement end to end, on loopback: three `cdnlab realnet rum-object-server`s
# stand for the PoPs (artificial delays 2, 40 and 120 ms; not 0, since browsers coarsen
# timestamps to 0.1 ms and a 0 ms RTT is out of range for the collector),
# `cdnlab realnet rum-collector` serves the page with the measurement tag, and headless
# Chromium loads it repeatedly (the page reloads itself ?views=N times). The tag fetches the
# test object from each candidate, reads Resource Timing and posts beacons; the test reads the
# collector's /rum/state.
#   phase 1: pop-fast's server is down: its fetches fail, group g-lo (127.0.0.0/24) goes to pop-mid
#   phase 2: pop-fast comes up: beacons measure it and the mapping moves to pop-fast
#   rum_chromium_loop.sh CDNLAB_BINARY [SCENARIO]
set -euo pipefail
cdnlab="$1"
scenario="${2:-$(cd "$(dirname "$0")/.." && pwd)/data/rum_loopback.yaml}"
collector=127.0.0.1:27380
object_port=27381
state_url="http://$collector/rum/state"

chromium="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
[ -n "$chromium" ] || { echo "FAIL: no chromium (the setup script .ci/setup-debian.sh installs it)"; exit 1; }
work="$(mktemp -d)"
pids=()
browser_pid=""
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
  echo "FAIL: $*"
  echo "--- state:"; curl -s --max-time 2 "$state_url" || true
  echo "--- collector log:"; tail -n 30 "$work/collector.log" || true
  echo "--- chromium log:"; tail -n 15 "$work/chromium.log" || true
  exit 1
}

# Prints one value from the state: state GROUP_FIELD_EXPR (a Python expression on `s`).
state() {
  curl -s --max-time 2 "$state_url" | python3 -c "import json,sys; s=json.load(sys.stdin); print($1)"
}
group='[g for g in s["groups"] if g["group"]=="g-lo"][0]'

start_object_server() {  # ADDRESS DELAY_MS
  "$cdnlab" realnet rum-object-server --listen "$1:$object_port" --delay-ms "$2" --for 170 --plain-http \
    2>>"$work/objects.log" & pids+=($!)
}

# Loads /?views=N in a fresh headless Chromium and waits until `accepted` reaches TARGET.
browse() {  # VIEWS TARGET
  setsid "$chromium" --headless=new --no-sandbox --disable-gpu --no-first-run --no-default-browser-check \
    --disable-extensions --disable-background-networking --user-data-dir="$work/profile-$1-$2" \
    "http://$collector/?views=$1" >>"$work/chromium.log" 2>&1 &
  browser_pid=$!
  local accepted=0
  for _ in $(seq 120); do  # at most 60 s
    accepted="$(state 's["beacons"]["accepted"]' 2>/dev/null || echo 0)"
    [ "$accepted" -ge "$2" ] && break
    sleep 0.5
  done
  stop_browser
  [ "$accepted" -ge "$2" ] || fail "only $accepted beacons accepted, expected $2"
}

# Waits (at most 10 s) until g-lo is mapped to POP.
wait_mapping() {
  local pop=""
  for _ in $(seq 20); do
    pop="$(state "$group[\"pop\"]" 2>/dev/null || true)"
    [ "$pop" = "$1" ] && return 0
    sleep 0.5
  done
  fail "g-lo is mapped to '$pop', expected $1"
}

start_object_server 127.0.4.12 40
start_object_server 127.0.4.13 120
"$cdnlab" realnet rum-collector "$scenario" --policy rum --listen "$collector" --object-port "$object_port" \
  --rate 5 --burst 20 --for 170 --plain-http 2>"$work/collector.log" & pids+=($!)
ready=""
for _ in $(seq 50); do curl -s --max-time 1 -o /dev/null "$state_url" && { ready=1; break; }; sleep 0.1; done
[ -n "$ready" ] || fail "the collector did not start (port taken?)"
before="$(state "$group[\"pop\"]")"
echo "before any beacon: g-lo -> $before"
[ "$before" = "None" ] || fail "g-lo was mapped before any measurement"

echo "phase 1: pop-fast down, 3 page views"
browse 3 3
wait_mapping pop-mid
state "$group[\"rtt_ms\"], $group[\"samples\"]"
[ "$(state "$group[\"rtt_ms\"][\"pop-fast\"] is None and $group[\"samples\"][\"pop-fast\"] >= 3")" = True ] ||
  fail "pop-fast's failed fetches should have been reported (loss, no RTT)"

echo "phase 2: pop-fast up, 5 page views"
start_object_server 127.0.4.11 2
sleep 0.5
browse 5 8
wait_mapping pop-fast
rtts="$(state "' '.join('%.1f' % $group[\"rtt_ms\"][p] for p in ['pop-fast','pop-mid','pop-slow'])")"
read -r fast mid slow <<<"$rtts"
echo "beacon RTT (EWMA, ms): pop-fast $fast, pop-mid $mid, pop-slow $slow"
python3 - "$fast" "$mid" "$slow" <<'PY' || fail "implausible RTTs"
import sys
fast, mid, slow = map(float, sys.argv[1:])
# Each includes its server's delay; loopback adds little, a loaded machine some more.
ok = 2 <= fast < mid < slow and 40 <= mid < 300 and 120 <= slow < 1000
sys.exit(0 if ok else 1)
PY
state 's["beacons"]'
[ "$(state 's["beacons"]["accepted"] >= 8 and s["page_views"] >= 8')" = True ] || fail "too few page views or beacons"
[ "$(state '[g for g in s["groups"] if g["group"]=="g-far"][0]["pop"]')" = None ] || fail "g-far was measured by nobody"
echo "beacons as the collector logged them:"
grep -o 'beacon .*' "$work/collector.log" | sed 's/^/  /'
echo "PASS"
