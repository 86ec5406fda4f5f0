#!/usr/bin/env bash
# Live streaming end to end on real processes and sockets (loopback only, fixed ports):
# the balancer (the ingest pool's one virtual address), two ingests that register with it
# themselves, a mid-tier cache (the relay the ingests announce to) and an edge below it.
#  1. ffmpeg publishes a generated test stream through the virtual address (HLS, -method PUT);
#  2. ffmpeg plays it back from the edge playlist (edge -> mid -> ingest) for 6 s, exit 0,
#     while a third ingest registers (the stream stays where it is: 0 healthy sessions moved);
#  3. the ingest holding the stream is killed -9 while a player watches: the publisher's next
#     uploads land on another ingest (balancer log), the edge playlist's media sequence advances
#     again, the watching player plays on through the failover, and a new playback succeeds;
#  4. the publisher stops (SIGINT): its last playlist upload carries EXT-X-ENDLIST, the ingest
#     ends the stream, and the edge goes on serving the ended playlist and its last segment
#     (fetched again through both tiers once their copies expire) instead of a 404.
# Bounded (< 90 s); every process is killed on exit. The logs are printed on failure (or
# always with CDNLAB_SHOW_LOGS=1).
#   streaming_ffmpeg_loop.sh CDNLAB_BINARY
set -euo pipefail
cdnlab="$1"
host=127.0.0.1
vip=$host:28480 admin=$host:28481
mid=$host:28601 mid_announce=$host:28611
edge=$host:28701 edge_announce=$host:28711
source "$(dirname "$0")/loop_harness.sh"
harness_start streaming-loop 85

start_ingest() {  # start_ingest N
  "$cdnlab" realnet stream-ingest --id "ingest-$1" --listen "$host:2850$1" --health "$host:2851$1" \
    --announce-from "$host:2852$1" --relay "$mid_announce" --register "$admin" --target-duration-s 1 --plain-http \
    2>>"$work/logs/ingest-$1.log" &
  pid_of["ingest-$1"]=$!
}

# The EXT-X-MEDIA-SEQUENCE of the edge's playlist (empty when it has none to give).
edge_sequence() {
  curl -sf --max-time 2 "http://$edge/news/playlist.m3u8" 2>/dev/null |
    sed -n 's/^#EXT-X-MEDIA-SEQUENCE:\([0-9]*\).*/\1/p'
}
edge_segments() {
  curl -sf --max-time 2 "http://$edge/news/playlist.m3u8" 2>/dev/null | grep -c '^seg-' || true
}

play() {  # play NAME: 6 s of the stream from the edge, decoded and discarded
  if ! timeout 25 ffmpeg -nostdin -hide_banner -loglevel error -rw_timeout 5000000 \
      -i "http://$edge/news/playlist.m3u8" -t 6 -f null - >"$work/logs/$1.log" 2>&1; then
    cat "$work/logs/$1.log"
    fail "$1: ffmpeg could not play 6 s from the edge"
  fi
  echo "ok: $1 played 6 s from the edge ($(elapsed))"
}

# --- the pool's front, two ingests, the cache tiers ---
"$cdnlab" realnet stream-balancer --listen "$vip" --admin "$admin" --balancing consistent_hash --plain-http \
  2>>"$work/logs/balancer.log" &
pid_of[balancer]=$!
wait_for_log "$work/logs/balancer.log" "virtual address"
start_ingest 1
start_ingest 2
start_caches
wait_for_two_ingests
echo "ok: balancer, 2 ingests (registered themselves), mid and edge up ($(elapsed))"

# --- 1. the publisher: only the virtual address ---
publish_test_stream

for _ in $(seq 150); do [ "$(edge_segments)" -ge 3 ] && break; sleep 0.1; done
[ "$(edge_segments)" -ge 3 ] || fail "the edge never listed 3 segments of news"
ctype="$(curl -s -o /dev/null -w '%{content_type}' "http://$edge/news/playlist.m3u8")"
[ "$ctype" = "application/vnd.apple.mpegurl" ] || fail "edge playlist Content-Type is '$ctype'"
holder="$(grep -o 'route PUT /news/[^ ]* -> ingest-[0-9]' "$work/logs/balancer.log" | tail -n 1 | sed 's/.*-> //')"
[ -n "$holder" ] || fail "no routing decision for news in the balancer log"
echo "ok: news is live at the edge through the virtual address, held by $holder ($(elapsed))"

# --- 2. playback through both tiers while a third ingest joins ---
play playback-1 &
player=$!
pid_of[player]=$player
sleep 1
start_ingest 3
wait_for_log "$work/logs/ingest-3.log" "registered with the balancer"
wait_for_log "$work/logs/balancer.log" "member ingest-3 added"
wait "$player" || fail "playback-1 failed"
unset "pid_of[player]"
members="$(curl -sf "http://$admin/members")"
echo "$members" | grep -q '"healthy_sessions_moved": 0' || fail "adding ingest-3 moved a healthy session: $members"
now_holder="$(grep -o 'route PUT /news/[^ ]* -> ingest-[0-9]' "$work/logs/balancer.log" | tail -n 1 | sed 's/.*-> //')"
[ "$now_holder" = "$holder" ] || fail "news moved from $holder to $now_holder when ingest-3 joined"
echo "ok: ingest-3 joined with no configuration change anywhere; news stayed on $holder ($(elapsed))"

# --- 3. the holder dies, while a player is watching ---
# This player starts before the kill and must play 16 s straight through the failover: the
# edge keeps serving the last playlist it had until the new ingest's segments arrive.
timeout 45 ffmpeg -nostdin -hide_banner -loglevel error -rw_timeout 10000000 \
  -i "http://$edge/news/playlist.m3u8" -t 16 -f null - >"$work/logs/playback-across.log" 2>&1 &
across=$!
pid_of[across]=$across
sleep 2
before="$(edge_sequence)"
routes_before="$(grep -c 'route PUT /news/' "$work/logs/balancer.log")"
{ kill -KILL "${pid_of[$holder]}"; wait "${pid_of[$holder]}"; } 2>/dev/null || true  # (quiet: no "Killed" notice)
unset "pid_of[$holder]"
killed_at=$SECONDS
echo "ok: killed $holder (-9) with the edge at media sequence $before ($(elapsed))"

new_holder=""
for _ in $(seq 150); do
  new_holder="$(tail -n +"$((routes_before + 1))" <(grep 'route PUT /news/' "$work/logs/balancer.log") |
                grep -o -- "-> ingest-[0-9]" | sed 's/-> //' | grep -v "^$holder\$" | head -n 1 || true)"
  [ -n "$new_holder" ] && break
  sleep 0.1
done
[ -n "$new_holder" ] || fail "no upload was routed away from $holder"
wait_for_log "$work/logs/$new_holder.log" "news: segment [0-9]* ingested" 15
echo "ok: the publisher's uploads now land on $new_holder ($((SECONDS - killed_at)) s after the kill)"

recovered=""
for _ in $(seq 200); do
  s="$(edge_sequence)"
  if [ -n "$s" ] && [ -n "$before" ] && [ "$s" -gt "$before" ] && [ "$(edge_segments)" -ge 3 ]; then
    recovered="$s"
    break
  fi
  sleep 0.1
done
[ -n "$recovered" ] || fail "the edge playlist did not advance past $before after the failover"
echo "ok: the edge playlist advances again (media sequence $before -> $recovered," \
  "$((SECONDS - killed_at)) s after the kill)"
wait "$across" || { cat "$work/logs/playback-across.log"; fail "the player watching through the failover failed"; }
unset "pid_of[across]"
echo "ok: a player that started before the kill played 16 s through the failover ($(elapsed))"
play playback-2
later="$(edge_sequence)"
[ -n "$later" ] && [ "$later" -gt "$recovered" ] || fail "the edge playlist stopped advancing ($recovered -> '$later')"
kill -0 "${pid_of[publisher]}" 2>/dev/null || fail "the publisher (ffmpeg) exited"
grep -q "news: segment [0-9]* ingested" "$work/logs/$new_holder.log" || fail "$new_holder ingested nothing"
echo "ok: playback recovered through the edge; media sequence now $later ($(elapsed))"

# --- 4. the publisher stops ---
edge_ended() { curl -sf --max-time 2 "http://$edge/news/playlist.m3u8" 2>/dev/null | grep -q '^#EXT-X-ENDLIST'; }
kill -INT "${pid_of[publisher]}"
wait "${pid_of[publisher]}" 2>/dev/null || true  # ffmpeg writes its final playlist and exits (watchdog-bounded)
unset "pid_of[publisher]"
wait_for_log "$work/logs/$new_holder.log" "news: stream ended here (EXT-X-ENDLIST)" 10
ended=""
for _ in $(seq 50); do edge_ended && { ended=1; break; }; sleep 0.1; done
[ -n "$ended" ] || fail "the edge never served the ended playlist (EXT-X-ENDLIST)"
sleep 2.5  # past both tiers' playlist freshness (1 s): the mid fetches it from the ingest again
edge_ended || fail "the edge stopped serving the ended playlist"
last_segment="$(curl -sf --max-time 2 "http://$edge/news/playlist.m3u8" | grep '^seg-' | tail -n 1)"
curl -sf --max-time 2 -o /dev/null "http://$edge/news/$last_segment" || fail "the edge did not serve $last_segment"
echo "ok: the publisher stopped; the edge serves the ended playlist (EXT-X-ENDLIST) and $last_segment; total $(elapsed)"
failed=0
