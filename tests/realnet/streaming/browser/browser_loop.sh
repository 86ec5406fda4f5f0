#!/usr/bin/env bash
# hls.js (npm) in the system's headless Chromium plays the realnet streaming stack's edge from a
# page on another origin, through the kill -9 of the ingest holding the stream:
#   the balancer, two ingests, a mid cache and an edge cache (both caches allow the page's
#   origin with --cors-origin); ffmpeg publishes 2 s segments with a burned-in clock and
#   EXT-X-PROGRAM-DATE-TIME; a static server on another port serves player.html and hls.js;
#   play_edge.js plays the edge, kills the holder once the player has >= 2 segments buffered,
#   and judges: startup, stalls, content skipped, glass-to-glass latency p50/p95 (now minus the
#   program date time shown) and hls.js's latency; every playlist received passes hls-parser in
#   strict mode, none is a 404, the media sequence is monotonic, playback goes on.
# Needs `npm ci` in this folder (.ci/setup-js.sh). Ports 30000-30499 on 127.0.0.1 (another range
# with CDNLAB_BROWSER_PORT_BASE, e.g. 31500: a variant runs beside this one). Bounded (< 110 s).
#   browser_loop.sh CDNLAB_BINARY ARTIFACT_DIR [HLS_JS_CONFIG_JSON]
# ARTIFACT_DIR keeps the player's JSON report, screenshots (at the kill, at the end: the clock
# burned into the picture next to the page's wall clock) and every process's log.
# The third argument is the hls.js config (default: 2 s segments tuned for latency). An LL-HLS
# variant passes e.g. '{"lowLatencyMode":true}', its own CDNLAB_BROWSER_LATENCY_GOAL_S, and extra
# service flags in CDNLAB_BROWSER_INGEST_ARGS / CDNLAB_BROWSER_CACHE_ARGS (split on spaces), and
# CDNLAB_BROWSER_SEGMENT_S: the length (s) of ffmpeg's segments and GOP (default 2; LL-HLS: 0.5,
# packaged by the ingests into 2 s segments of parts with --parts-per-segment 4). The segments
# served are 2 s either way (--target-duration-s 2). CDNLAB_BROWSER_KILL_BUFFER_S: the buffer ahead
# (s) the kill waits for (default 2.2: 2 s segments; LL-HLS: 1.2, two of the publisher's 0.5 s ones).
# CDNLAB_BROWSER_WAIVE=goal,... (see play_edge.js: reported, not failed; the LL-HLS ctest waives one known gap), CDNLAB_BROWSER_DEV_CRUTCHES=1
# (no --cors-origin on the caches, Chromium without web security), CDNLAB_SHOW_LOGS=1.
set -euo pipefail
[ $# -ge 2 ] && [ -n "$2" ] || { echo "usage: browser_loop.sh CDNLAB_BINARY ARTIFACT_DIR [HLS_JS_CONFIG_JSON]"; exit 2; }
cdnlab="$1"
artifacts="$2"
# Tuned for latency with 2 s segments: play 3 s (1.5 segments; hls.js's default is 3 segments)
# behind the live edge it knows, and catch up at up to 1.2x after a stall. Glass-to-glass is that
# plus the age of the live edge (a segment is listed once complete: 2 s, plus delivery).
default_config='{"liveSyncDuration":3,"maxLiveSyncPlaybackRate":1.2}'
config="${3:-$default_config}"
here="$(cd "$(dirname "$0")" && pwd)"
host=127.0.0.1
base="${CDNLAB_BROWSER_PORT_BASE:-30000}"
[[ "$base" =~ ^[0-9]+$ ]] && [ "$base" -ge 1024 ] && [ "$base" -le 65000 ] ||
  { echo "CDNLAB_BROWSER_PORT_BASE must be a port number in 1024..65000 (got '$base')"; exit 2; }
segment_s="${CDNLAB_BROWSER_SEGMENT_S:-2}"
# A key frame starts every segment: 25 frames/s, or 24 when the segment is no whole number of
# 25 fps frames (0.5 s: 12 frames at 24 fps).
read -r fps gop_frames < <(awk -v s="$segment_s" 'BEGIN { if (s > 0 && 2 % s == 0) {
  if (s * 25 == int(s * 25)) print 25, s * 25; else if (s * 24 == int(s * 24)) print 24, s * 24 } }') || true
[[ "$segment_s" =~ ^[0-9]+(\.[0-9]+)?$ ]] && [ -n "${gop_frames:-}" ] || { echo "CDNLAB_BROWSER_SEGMENT_S must divide 2 s in whole frames at 25 or 24 fps, e.g. 0.5 (got '$segment_s')"; exit 2; }
port() { echo $((base + $1)); }
vip=$host:$(port 80) admin=$host:$(port 81)
mid=$host:$(port 201) mid_announce=$host:$(port 211)
edge=$host:$(port 301) edge_announce=$host:$(port 311)
page_port=$(port 401) page_origin="http://$host:$(port 401)"
work="$(mktemp -d "${TMPDIR:-/tmp}/cdnlab-streaming-browser.XXXXXX")"
mkdir -p "$work/logs" "$artifacts"
rm -f "$artifacts"/*.log "$artifacts"/*.png "$artifacts"/*.json
declare -A pid_of
failed=1
started=$SECONDS

cleanup() {
  for key in "${!pid_of[@]}"; do kill -TERM "${pid_of[$key]}" 2>/dev/null || true; done
  sleep 0.3
  for key in "${!pid_of[@]}"; do kill -KILL "${pid_of[$key]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$failed" = 1 ] || [ -n "${CDNLAB_SHOW_LOGS:-}" ]; then
    for log in "$work"/logs/*.log; do echo "--- $log"; tail -n 40 "$log"; done
  fi
  cp "$work"/logs/*.log "$artifacts/" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
trap 'fail "not done within 110 s"' TERM
(sleep 110; kill -TERM $$) >/dev/null 2>&1 &
pid_of[watchdog]=$!
elapsed() { echo "$((SECONDS - started)) s"; }

[ -d "$here/node_modules/hls.js" ] && [ -d "$here/node_modules/hls-parser" ] && [ -d "$here/node_modules/puppeteer-core" ] ||
  fail "the JavaScript test tools are not installed: run .ci/setup-js.sh (npm ci in $here)"
command -v "${CHROMIUM:-/usr/bin/chromium}" >/dev/null || fail "no Chromium at ${CHROMIUM:-/usr/bin/chromium}"

wait_for_log() {
  for _ in $(seq $((${3:-10} * 10))); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  fail "no '$2' in $1 after ${3:-10} s"
}
read -r -a ingest_args <<<"${CDNLAB_BROWSER_INGEST_ARGS:-}"
read -r -a cache_args <<<"${CDNLAB_BROWSER_CACHE_ARGS:-}"
cors=(--cors-origin "$page_origin") cors_note="CORS for $page_origin"
[ "${CDNLAB_BROWSER_DEV_CRUTCHES:-}" = 1 ] && cors=() cors_note="DEV CRUTCH: no --cors-origin"

start_ingest() {  # start_ingest N PEER: each ingest copies its segments to the other (--replicate-to)
  "$cdnlab" realnet stream-ingest --id "ingest-$1" --listen "$host:$(port "10$1")" --health "$host:$(port "11$1")" \
    --announce-from "$host:$(port "12$1")" --relay "$mid_announce" --register "$admin" --target-duration-s 2 --plain-http \
    --replicate-to "$host:$(port "10$2")" "${ingest_args[@]}" \
    2>>"$work/logs/ingest-$1.log" &
  pid_of["ingest-$1"]=$!
}
edge_segments() {
  curl -sf --max-time 2 "http://$edge/news/playlist.m3u8" 2>/dev/null | grep -c '^seg-' || true
}

# --- the stack: balancer, two ingests, mid and edge caches; the page's origin ---
"$cdnlab" realnet stream-balancer --listen "$vip" --admin "$admin" --balancing consistent_hash --plain-http \
  2>>"$work/logs/balancer.log" &
pid_of[balancer]=$!
wait_for_log "$work/logs/balancer.log" "virtual address"
start_ingest 1 2
start_ingest 2 1
"$cdnlab" realnet stream-cache --id mid-1 --tier mid --listen "$mid" --announce "$mid_announce" --plain-http \
  "${cors[@]}" "${cache_args[@]}" 2>>"$work/logs/mid.log" &
pid_of[mid]=$!
"$cdnlab" realnet stream-cache --id edge-1 --tier edge --listen "$edge" --announce "$edge_announce" --plain-http \
  --parent "$mid" --parent-announce "$mid_announce" "${cors[@]}" "${cache_args[@]}" \
  2>>"$work/logs/edge.log" &
pid_of[edge]=$!
node "$here/static_server.js" "$host" "$page_port" >>"$work/logs/page-server.log" 2>&1 &
pid_of[page]=$!
for n in 1 2; do wait_for_log "$work/logs/ingest-$n.log" "registered with the balancer"; done
wait_for_log "$work/logs/balancer.log" "member ingest-2 added"
wait_for_log "$work/logs/page-server.log" "serving the player page"
for tier in mid edge; do kill -0 "${pid_of[$tier]}" 2>/dev/null || fail "the $tier cache exited (see its log: this test needs stream-cache --cors-origin)"; done
echo "ok: balancer, 2 ingests, mid and edge ($cors_note), page origin up ($(elapsed))"

# --- the publisher: 2 s (or CDNLAB_BROWSER_SEGMENT_S) segments, a clock burned into the picture,
# program date times ---
publish_started_ms="$(date +%s%3N)"
clock="drawtext=text='%{localtime\:%H\\\\\:%M\\\\\:%S} f%{eif\:mod(n\,$fps)\:d\:2}':fontsize=32:fontcolor=white:box=1:boxcolor=black:x=10:y=10"
ffmpeg -nostdin -hide_banner -loglevel warning -re -f lavfi -i "testsrc=size=320x240:rate=$fps,$clock" -t 100 \
  -c:v libx264 -preset ultrafast -tune zerolatency -g "$gop_frames" -keyint_min "$gop_frames" -sc_threshold 0 -pix_fmt yuv420p \
  -f hls -hls_time "$segment_s" -hls_list_size 6 -hls_flags program_date_time -method PUT -ignore_io_errors 1 \
  -hls_segment_filename "http://$vip/news/seg-%d.ts" "http://$vip/news/playlist.m3u8" \
  >>"$work/logs/publisher.log" 2>&1 &
pid_of[publisher]=$!
for _ in $(seq 200); do [ "$(edge_segments)" -ge 3 ] && break; sleep 0.1; done
[ "$(edge_segments)" -ge 3 ] || fail "the edge never listed 3 segments of news"
holder="$(grep -o 'route PUT /news/[^ ]* -> ingest-[0-9]' "$work/logs/balancer.log" | tail -n 1 | sed 's/.*-> //')"
[ -n "$holder" ] || fail "no routing decision for news in the balancer log"
echo "ok: news is live at the edge, held by $holder ($(elapsed))"

# --- the browser plays the edge from the page's origin; the driver kills the holder mid-run ---
set +e
node "$here/play_edge.js" --page "$page_origin/player.html" --src "http://$edge/news/playlist.m3u8" \
  --config "$config" --segment-s 2 --steady-s 16 --after-kill-s 24 --kill-pid "${pid_of[$holder]}" \
  --publish-started-ms "$publish_started_ms" ${CDNLAB_BROWSER_KILL_BUFFER_S:+--kill-buffer-s "$CDNLAB_BROWSER_KILL_BUFFER_S"} \
  --latency-goal-s "${CDNLAB_BROWSER_LATENCY_GOAL_S:-6}" --out "$artifacts/player-report.json" 2>&1 |
  tee "$work/logs/player.log"
verdict=${PIPESTATUS[0]}
set -e
kill -0 "${pid_of[$holder]}" 2>/dev/null || unset "pid_of[$holder]"  # killed by the driver
[ "$verdict" = 0 ] || fail "the browser player missed a goal (exit $verdict; see the driver's lines above)"
waived="${CDNLAB_BROWSER_WAIVE:+ not waived (CDNLAB_BROWSER_WAIVE=$CDNLAB_BROWSER_WAIVE)}"
echo "ok: hls.js in Chromium met every goal$waived through the failover; total $(elapsed)"
failed=0
