#!/usr/bin/env bash
# LL-HLS end to end on real processes and sockets (loopback only, ports 31000-31499):
# ffmpeg publishes 0.5 s segments (a key frame every 0.5 s) by PUT straight to an ingest
# started with --parts-per-segment 2, which packages each as a part (two parts: one 1 s
# segment); a mid-tier cache and an edge below it. curl, at the edge:
#  1. the playlist carries EXT-X-SERVER-CONTROL/-PART-INF/-PART/-PRELOAD-HINT;
#  2. a blocking reload for a part not yet published returns as soon as it exists, with it;
#  3. the hinted part (EXT-X-PRELOAD-HINT) is held until it exists, then served;
#  4. identical blocked requests are collapsed into one upstream request (edge's log);
#  5. _HLS_msn too far ahead gets 400; a malformed directive gets 400;
#  6. _HLS_skip=YES returns a delta update (EXT-X-SKIP:SKIPPED-SEGMENTS);
#  7. with the publisher paused, a blocked reload is answered 503 after ~3 target durations;
#  8. the latency of a part from ingest to edge is measured (blocked reloads for the same part
#     at the ingest and at the edge, released by its arrival; the difference of their ends);
#  9. ffmpeg plays the edge (it reads LL-HLS playlists as plain HLS) and a plain request (no
#     query) is answered at once.
# Bounded (< 100 s); every process is killed on exit. Logs printed on failure (or always with
# CDNLAB_SHOW_LOGS=1).
#   streaming_llhls_loop.sh CDNLAB_BINARY
set -euo pipefail
cdnlab="$1"
host=127.0.0.1
ingest=$host:31001 ingest_health=$host:31002 ingest_announce=$host:31003
mid=$host:31010 mid_announce=$host:31011
edge=$host:31020 edge_announce=$host:31021
source "$(dirname "$0")/loop_harness.sh"
harness_start llhls-loop 95
now_ms() { date +%s%3N; }

# The ingest's own (fresh) preload hint "M P": the next part, not yet published.
ingest_hint() {
  curl -sf --max-time 2 "http://$ingest/news/playlist.m3u8" |
    sed -n 's/^#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg-\([0-9]*\)\.part-\([0-9]*\)\.ts"/\1 \2/p'
}
# The part after (M, P) with 2 parts per segment.
next_part() { if [ "$2" -ge 1 ]; then echo "$(($1 + 1)) 0"; else echo "$1 $(($2 + 1))"; fi; }

"$cdnlab" realnet stream-ingest --id ingest-1 --listen "$ingest" --health "$ingest_health" \
  --announce-from "$ingest_announce" --relay "$mid_announce" --target-duration-s 1 --window 12 \
  --parts-per-segment 2 --part-target-s 0.5 --plain-http 2>>"$work/logs/ingest.log" &
pid_of[ingest]=$!
"$cdnlab" realnet stream-cache --id mid-1 --tier mid --listen "$mid" --announce "$mid_announce" --plain-http \
  2>>"$work/logs/mid.log" &
pid_of[mid]=$!
"$cdnlab" realnet stream-cache --id edge-1 --tier edge --listen "$edge" --announce "$edge_announce" --plain-http \
  --parent "$mid" --parent-announce "$mid_announce" 2>>"$work/logs/edge.log" &
pid_of[edge]=$!
for name in ingest mid edge; do wait_for_log "$work/logs/$name.log" "listening\|HTTP on\|serving" 10; done

# 24 frames/s, a key frame every 12 frames: every 0.5 s segment starts with one (INDEPENDENT).
ffmpeg -nostdin -hide_banner -loglevel warning -re -f lavfi -i testsrc=size=320x240:rate=24 -t 90 \
  -c:v libx264 -preset ultrafast -tune zerolatency -g 12 -keyint_min 12 -sc_threshold 0 -pix_fmt yuv420p \
  -f hls -hls_time 0.5 -hls_list_size 20 -method PUT \
  -hls_segment_filename "http://$ingest/news/seg-%d.ts" "http://$ingest/news/playlist.m3u8" \
  >>"$work/logs/publisher.log" 2>&1 &
pid_of[publisher]=$!

# --- 1. the edge serves the LL-HLS playlist (the skip test below needs > 6 s listed) ---
for _ in $(seq 200); do
  n="$(curl -sf --max-time 2 "http://$edge/news/playlist.m3u8" 2>/dev/null | grep -c '^seg-' || true)"
  [ "${n:-0}" -ge 8 ] && break
  sleep 0.1
done
[ "${n:-0}" -ge 8 ] || fail "the edge never listed 8 segments of news"
playlist="$(curl -sf "http://$edge/news/playlist.m3u8")"
for tag in '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.500,CAN-SKIP-UNTIL=6.000' \
           '#EXT-X-PART-INF:PART-TARGET=0.500' '#EXT-X-PART:DURATION=0.500,URI="seg-' '#EXT-X-PRELOAD-HINT:TYPE=PART'; do
  echo "$playlist" | grep -qF -- "$tag" || { echo "$playlist"; fail "the edge playlist has no '$tag'"; }
done
grep -q "news: part [0-9]*\.1 ingested" "$work/logs/ingest.log" || fail "the ingest logged no part"
echo "ok: the edge serves the LL-HLS playlist (parts, part target, server control, preload hint) ($(elapsed))"

# --- 2. a blocking reload returns when the part exists ---
read -r m p <<<"$(ingest_hint)"
read -r m2 p2 <<<"$(next_part "$m" "$p")"  # the part after the next: ~0.5-1 s away
t0=$(now_ms)
body="$(curl -sf --max-time 8 "http://$edge/news/playlist.m3u8?_HLS_msn=$m2&_HLS_part=$p2")" ||
  fail "blocking reload for $m2.$p2 failed"
waited=$(($(now_ms) - t0))
echo "$body" | grep -qF "URI=\"seg-$m2.part-$p2.ts\"" || { echo "$body"; fail "the answer does not list part $m2.$p2"; }
[ "$waited" -ge 150 ] && [ "$waited" -le 3000 ] ||
  fail "a blocking reload for a part ~0.5-1 s away took $waited ms (expected 150-3000 ms)"
echo "ok: blocking reload at the edge for part $m2.$p2 returned with it after $waited ms ($(elapsed))"

# --- 3. the preload-hinted part is held until it exists ---
read -r m p <<<"$(ingest_hint)"
t0=$(now_ms)
code="$(curl -s --max-time 8 -o "$work/part.ts" -w '%{http_code} %{content_type}' \
        "http://$edge/news/seg-$m.part-$p.ts")"
waited=$(($(now_ms) - t0))
[ "$code" = "200 video/mp2t" ] || fail "the hinted part seg-$m.part-$p.ts answered '$code'"
[ "$(head -c 1 "$work/part.ts" | od -An -tx1 | tr -d ' ')" = 47 ] || fail "the part is not MPEG-TS (sync byte)"
[ "$waited" -le 3000 ] || fail "the hinted part took $waited ms"
echo "ok: the hinted part seg-$m.part-$p.ts was held and served ($(stat -c %s "$work/part.ts") bytes, $waited ms)"

# --- 4. identical blocked requests: one upstream request ---
read -r m p <<<"$(ingest_hint)"
read -r m2 p2 <<<"$(next_part "$m" "$p")"
curls=()
for i in 1 2 3 4 5; do
  curl -sf --max-time 8 -o "$work/collapse-$i.m3u8" "http://$edge/news/playlist.m3u8?_HLS_msn=$m2&_HLS_part=$p2" &
  curls+=($!)
done
wait_all_ok=1
for job in "${curls[@]}"; do wait "$job" || wait_all_ok=0; done
[ "$wait_all_ok" = 1 ] || fail "a collapsed blocking reload failed"
for i in 2 3 4 5; do cmp -s "$work/collapse-1.m3u8" "$work/collapse-$i.m3u8" || fail "collapsed answers differ"; done
echo "ok: 5 identical blocking reloads answered with one playlist ($(elapsed))"

# --- 5. too far ahead, malformed ---
last="$(curl -sf "http://$ingest/news/playlist.m3u8" | grep '^seg-' | tail -n 1 | sed 's/seg-\([0-9]*\)\.ts/\1/')"
code="$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://$edge/news/playlist.m3u8?_HLS_msn=$((last + 5))")"
[ "$code" = 400 ] || fail "_HLS_msn=$((last + 5)) (last segment $last) answered $code, not 400"
code="$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://$edge/news/playlist.m3u8?_HLS_part=1")"
[ "$code" = 400 ] || fail "_HLS_part without _HLS_msn answered $code, not 400"
echo "ok: _HLS_msn too far ahead and a malformed directive get 400 at the edge"

# --- 6. delta update ---
delta="$(curl -sf --max-time 5 "http://$edge/news/playlist.m3u8?_HLS_skip=YES")"
echo "$delta" | grep -q '^#EXT-X-SKIP:SKIPPED-SEGMENTS=[1-9]' || { echo "$delta"; fail "no EXT-X-SKIP in the delta update"; }
[ "$(echo "$delta" | grep -c '^seg-')" -lt "$(curl -sf "http://$ingest/news/playlist.m3u8" | grep -c '^seg-')" ] ||
  fail "the delta update lists as many segments as the full playlist"
echo "ok: _HLS_skip=YES returns a delta update ($(echo "$delta" | grep '^#EXT-X-SKIP')) ($(elapsed))"

# --- 7. the bound: publisher paused, a blocked reload gets 503 after ~3 target durations ---
read -r m p <<<"$(ingest_hint)"
read -r m2 p2 <<<"$(next_part "$m" "$p")"
kill -STOP "${pid_of[publisher]}"
t0=$(now_ms)
code="$(curl -s --max-time 9 -o /dev/null -w '%{http_code}' "http://$edge/news/playlist.m3u8?_HLS_msn=$m2&_HLS_part=$p2")"
waited=$(($(now_ms) - t0))
kill -CONT "${pid_of[publisher]}"
[ "$code" = 503 ] || fail "a reload blocked on a paused publisher answered $code, not 503"
[ "$waited" -ge 2500 ] && [ "$waited" -le 6000 ] || fail "the 503 came after $waited ms (bound: 3 x 1 s)"
echo "ok: with the publisher paused, the blocked reload got 503 after $waited ms ($(elapsed))"
sleep 2  # ffmpeg (-re) catches up

# --- 8. the latency of a part from ingest to edge ---
# Blocked reloads for the next part at the ingest and at the edge are released by the same
# upload; the edge then fetches the part's bytes (a miss at edge and mid). Measured: the end
# of the edge's reload, and the part's bytes at the edge, minus the end of the ingest's reload.
listed=() bytes=()
for _ in $(seq 10); do
  read -r m p <<<"$(ingest_hint)"
  q="_HLS_msn=$m&_HLS_part=$p"
  ( curl -sf --max-time 8 -o /dev/null "http://$ingest/news/playlist.m3u8?$q" && now_ms >"$work/t-ingest" ) &
  a=$!
  ( curl -sf --max-time 8 -o /dev/null "http://$edge/news/playlist.m3u8?$q" && now_ms >"$work/t-edge" &&
    curl -sf --max-time 8 -o /dev/null "http://$edge/news/seg-$m.part-$p.ts" && now_ms >"$work/t-bytes" ) &
  b=$!
  wait "$a" || fail "blocked reload at the ingest for $m.$p failed"
  wait "$b" || fail "blocked reload or part fetch at the edge for $m.$p failed"
  listed+=($(($(cat "$work/t-edge") - $(cat "$work/t-ingest"))))
  bytes+=($(($(cat "$work/t-bytes") - $(cat "$work/t-ingest"))))
done
sorted_listed=($(printf '%s\n' "${listed[@]}" | sort -n))
sorted_bytes=($(printf '%s\n' "${bytes[@]}" | sort -n))
echo "measured: a part listed at the edge after the ingest (ms, 10 parts): p50 ${sorted_listed[4]}" \
  "max ${sorted_listed[9]} (all: ${listed[*]})"
echo "measured: a part's bytes at the edge after the ingest listed it (ms, 10 parts): p50 ${sorted_bytes[4]}" \
  "max ${sorted_bytes[9]} (all: ${bytes[*]})"
[ "${sorted_listed[4]}" -le 500 ] || fail "median listing latency ingest->edge ${sorted_listed[4]} ms > 500 ms"
[ "${sorted_bytes[4]}" -le 1000 ] || fail "median part bytes latency ingest->edge ${sorted_bytes[4]} ms > 1000 ms"

# --- 9. players ---
t0=$(now_ms)
curl -sf --max-time 2 -o /dev/null "http://$edge/news/playlist.m3u8" || fail "plain playlist request failed"
waited=$(($(now_ms) - t0))
[ "$waited" -le 1000 ] || fail "a plain playlist request (no query) took $waited ms"
if ! timeout 25 ffmpeg -nostdin -hide_banner -loglevel error -rw_timeout 5000000 \
    -i "http://$edge/news/playlist.m3u8" -t 6 -f null - >"$work/logs/player.log" 2>&1; then
  cat "$work/logs/player.log"
  fail "ffmpeg could not play 6 s of the LL-HLS edge"
fi
echo "ok: a plain request is answered at once ($waited ms) and ffmpeg played 6 s from the edge ($(elapsed))"

kill -TERM "${pid_of[edge]}"
wait "${pid_of[edge]}" 2>/dev/null || true
unset "pid_of[edge]"
line="$(grep 'LL-HLS playlist requests with directives' "$work/logs/edge.log" || true)"
[ -n "$line" ] || fail "the edge logged no LL-HLS request counts"
collapsed="$(echo "$line" | sed -n 's/.* \([0-9]*\) collapsed.*/\1/p')"
[ "${collapsed:-0}" -ge 4 ] || fail "the edge collapsed ${collapsed:-0} blocked requests (expected >= 4): $line"
echo "ok: edge: ${line#*: }"
echo "ok: total $(elapsed)"
failed=0
