#!/usr/bin/env bash
# fMP4/CMAF live streaming end to end on real processes and sockets (loopback only, ports
# 29000-29499): the balancer (virtual address), an ingest that registers with it, a mid-tier
# cache and an edge below it.
#  1. ffmpeg publishes fMP4 through the virtual address (-hls_segment_type fmp4, -method PUT,
#     -hls_flags program_date_time): init.mp4, seg-<n>.m4s and the playlist;
#  2. the edge serves the playlist with EXT-X-MAP:URI="init.mp4", EXT-X-VERSION:6, .m4s URIs and
#     the publisher's EXT-X-PROGRAM-DATE-TIME; init.mp4 (an ISO BMFF 'ftyp' box) and the
#     segments as video/mp4;
#  3. ffprobe reads the stream from the edge (h264 in hls) and ffmpeg plays 6 s of it (exit 0);
#  4. how long after its capture ended each new segment is listed at the edge (from
#     EXT-X-PROGRAM-DATE-TIME + EXTINF, same host clock): printed, p50 and max, bounded;
#  5. the publisher stops (SIGINT): the edge serves the ended playlist (EXT-X-ENDLIST).
# Bounded (< 80 s); every process is killed on exit. The logs are printed on failure (or
# always with CDNLAB_SHOW_LOGS=1).
#   streaming_ffmpeg_fmp4_loop.sh CDNLAB_BINARY
set -euo pipefail
cdnlab="$1"
host=127.0.0.1
vip=$host:29080 admin=$host:29081
mid=$host:29201 mid_announce=$host:29211
edge=$host:29301 edge_announce=$host:29311
source "$(dirname "$0")/loop_harness.sh"
harness_start streaming-fmp4 75
edge_playlist() { curl -sf --max-time 2 "http://$edge/news/playlist.m3u8" 2>/dev/null || true; }
edge_segments() { edge_playlist | grep -c '^seg-' || true; }

"$cdnlab" realnet stream-balancer --listen "$vip" --admin "$admin" --plain-http 2>>"$work/logs/balancer.log" &
pid_of[balancer]=$!
wait_for_log "$work/logs/balancer.log" "virtual address"
"$cdnlab" realnet stream-ingest --id ingest-1 --listen "$host:29101" --health "$host:29111" \
  --announce-from "$host:29121" --relay "$mid_announce" --register "$admin" --target-duration-s 1 --plain-http \
  2>>"$work/logs/ingest-1.log" &
pid_of[ingest]=$!
"$cdnlab" realnet stream-cache --id mid-1 --tier mid --listen "$mid" --announce "$mid_announce" --plain-http \
  2>>"$work/logs/mid.log" &
pid_of[mid]=$!
"$cdnlab" realnet stream-cache --id edge-1 --tier edge --listen "$edge" --announce "$edge_announce" --plain-http \
  --parent "$mid" --parent-announce "$mid_announce" --cors-origin '*' 2>>"$work/logs/edge.log" &
pid_of[edge]=$!
wait_for_log "$work/logs/ingest-1.log" "registered with the balancer"
wait_for_log "$work/logs/balancer.log" "member ingest-1 added"
echo "ok: balancer, ingest, mid and edge up ($(elapsed))"

# --- 1. the publisher: fMP4 through the virtual address ---
ffmpeg -nostdin -hide_banner -loglevel warning -re -f lavfi -i testsrc=size=320x240:rate=25 -t 70 \
  -c:v libx264 -preset ultrafast -tune zerolatency -g 25 -keyint_min 25 -sc_threshold 0 -pix_fmt yuv420p \
  -f hls -hls_time 1 -hls_list_size 6 -hls_segment_type fmp4 -hls_flags program_date_time \
  -method PUT -ignore_io_errors 1 \
  -hls_segment_filename "http://$vip/news/seg-%d.m4s" "http://$vip/news/playlist.m3u8" \
  >>"$work/logs/publisher.log" 2>&1 &
pid_of[publisher]=$!

for _ in $(seq 150); do [ "$(edge_segments)" -ge 3 ] && break; sleep 0.1; done
[ "$(edge_segments)" -ge 3 ] || fail "the edge never listed 3 segments of news"
grep -q "news: init segment stored" "$work/logs/ingest-1.log" || fail "the ingest got no init.mp4"
grep -q 'route PUT /news/init.mp4 -> ingest-1' "$work/logs/balancer.log" || fail "the balancer routed no init.mp4"

# --- 2. what the edge serves ---
playlist="$(edge_playlist)"
echo "$playlist" | grep -qx '#EXT-X-VERSION:6' || fail "edge playlist is not version 6: $playlist"
echo "$playlist" | grep -qx '#EXT-X-MAP:URI="init.mp4"' || fail "edge playlist has no EXT-X-MAP: $playlist"
echo "$playlist" | grep -q '^seg-[0-9]*\.m4s$' || fail "edge playlist lists no .m4s segment: $playlist"
[ "$(echo "$playlist" | grep -c '^#EXT-X-PROGRAM-DATE-TIME:20[0-9-]*T[0-9:.]*Z$')" = "$(echo "$playlist" | grep -c '^seg-')" ] ||
  fail "not every segment at the edge has its EXT-X-PROGRAM-DATE-TIME: $playlist"
ctype="$(curl -s -o "$work/init.mp4" -w '%{content_type}' "http://$edge/news/init.mp4")"
[ "$ctype" = "video/mp4" ] || fail "edge init.mp4 Content-Type is '$ctype'"
[ "$(dd if="$work/init.mp4" bs=1 skip=4 count=4 2>/dev/null)" = "ftyp" ] || fail "edge init.mp4 is not ISO BMFF (no ftyp)"
first_segment="$(echo "$playlist" | grep '^seg-' | head -n 1)"
ctype="$(curl -s -o /dev/null -w '%{content_type}' "http://$edge/news/$first_segment")"
[ "$ctype" = "video/mp4" ] || fail "edge $first_segment Content-Type is '$ctype'"
echo "ok: the edge serves EXT-X-MAP (version 6), init.mp4 (ftyp) and .m4s as video/mp4, with EXT-X-PROGRAM-DATE-TIME ($(elapsed))"

# --- 3. real players ---
probe="$(timeout 20 ffprobe -v error -rw_timeout 5000000 -show_entries stream=codec_name:format=format_name \
  -of default=nw=1 "http://$edge/news/playlist.m3u8" 2>"$work/logs/ffprobe.log")" || fail "ffprobe failed on the edge"
echo "$probe" | grep -qx 'codec_name=h264' || fail "ffprobe found no h264 stream: $probe"
echo "$probe" | grep -qx 'format_name=hls' || fail "ffprobe did not read HLS: $probe"
if ! timeout 25 ffmpeg -nostdin -hide_banner -loglevel error -rw_timeout 5000000 \
    -i "http://$edge/news/playlist.m3u8" -t 6 -f null - >"$work/logs/playback.log" 2>&1; then
  cat "$work/logs/playback.log"
  fail "ffmpeg could not play 6 s of fMP4 from the edge"
fi
echo "ok: ffprobe reads h264 in hls from the edge; ffmpeg played 6 s of fMP4 from the edge ($(elapsed))"

# --- 4. capture end -> listed at the edge, from EXT-X-PROGRAM-DATE-TIME ---
# Polls the edge playlist; for each newly listed segment: now - (date-time + duration).
delays="$(python3 - "http://$edge/news/playlist.m3u8" <<'PY'
import datetime, sys, time, urllib.request
url, seen, delays = sys.argv[1], None, []
deadline = time.time() + 12
while time.time() < deadline and len(delays) < 8:
    text = urllib.request.urlopen(url, timeout=2).read().decode()
    now = time.time()
    lines = text.splitlines()
    date, last = None, None
    for i, line in enumerate(lines):
        if line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            date = datetime.datetime.fromisoformat(line.split(":", 1)[1].replace("Z", "+00:00")).timestamp()
        elif line.startswith("#EXTINF:"):
            duration = float(line[8:].split(",")[0])
        elif line.startswith("seg-"):
            last = (line, date, duration)
            date = None
    if last and last[0] != seen:
        if seen is not None and last[1] is not None:
            delays.append(now - (last[1] + last[2]))
        seen = last[0]
    time.sleep(0.05)
print(" ".join(f"{d:.3f}" for d in sorted(delays)))
PY
)"
[ -n "$delays" ] || fail "no new segment seen at the edge in 12 s"
read -r -a sorted <<<"$delays"
p50="${sorted[$(( ${#sorted[@]} / 2 ))]}"
max="${sorted[$(( ${#sorted[@]} - 1 ))]}"
python3 -c "import sys; sys.exit(0 if -0.5 < $p50 < 3.0 else 1)" ||
  fail "segments listed at the edge $p50 s (p50) after their capture ended: beyond 3 s, or clocks disagree"
echo "ok: ${#sorted[@]} new segments listed at the edge after their capture ended: p50 $p50 s, max $max s ($(elapsed))"

# --- 5. the publisher stops ---
kill -INT "${pid_of[publisher]}"
wait "${pid_of[publisher]}" 2>/dev/null || true
unset "pid_of[publisher]"
wait_for_log "$work/logs/ingest-1.log" "news: stream ended here (EXT-X-ENDLIST)" 10
ended=""
for _ in $(seq 50); do edge_playlist | grep -q '^#EXT-X-ENDLIST' && { ended=1; break; }; sleep 0.1; done
[ -n "$ended" ] || fail "the edge never served the ended playlist (EXT-X-ENDLIST)"
echo "ok: the publisher stopped; the edge serves the ended fMP4 playlist; total $(elapsed)"
failed=0
