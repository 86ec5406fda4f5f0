#!/usr/bin/env bash
# Failover continuity on real processes (issue 17 item 4), loopback only, ports 29500-29599:
# the balancer, two ingests replicating to each other (--replicate-to), a mid-tier cache and
# an edge; ffmpeg publishes HLS through the virtual address. The ingest holding the stream is
# killed -9 a moment after it ingested a segment, while curl polls the edge and the mid
# playlists every ~100 ms. Asserts, over every poll from before the kill to 8 s after it:
#  - 0 playlist answers other than 200 (stale-if-error at both caches);
#  - EXT-X-MEDIA-SEQUENCE never goes back, and never jumps past segments no poll listed;
#  - EXT-X-DISCONTINUITY exactly on the segments that follow missing ones (EXT-X-GAP), and
#    EXT-X-DISCONTINUITY-SEQUENCE consistent across polls (each segment keeps one number);
#  - every playlist lists at least three target durations of content;
#  - the segment ingested just before the kill reaches the edge;
#  - failure detected <= 1 s and publisher re-homed <= 2 s (balancer log timestamps).
# Prints the measured numbers (README "Failover continuity"). Bounded (< 100 s).
#   failover_continuity.sh CDNLAB_BINARY
set -euo pipefail
cdnlab="$1"
host=127.0.0.1
vip=$host:29500 admin=$host:29501
mid=$host:29541 mid_announce=$host:29551
edge=$host:29561 edge_announce=$host:29571
source "$(dirname "$0")/loop_harness.sh"
harness_start failover 95
mkdir -p "$work/polls/edge" "$work/polls/mid"

start_ingest() {  # start_ingest N PEER_N
  "$cdnlab" realnet stream-ingest --id "ingest-$1" --listen "$host:2951$1" --health "$host:2952$1" \
    --announce-from "$host:2953$1" --relay "$mid_announce" --register "$admin" --target-duration-s 1 \
    --replicate-to "$host:2951$2" --plain-http --log-format json 2>>"$work/logs/ingest-$1.log" &
  pid_of["ingest-$1"]=$!
}

edge_segments() {
  curl -sf --max-time 2 "http://$edge/news/playlist.m3u8" 2>/dev/null | grep -c '^seg-' || true
}

# poll NAME URL: the playlist every ~100 ms, each answer kept with its time and status.
poll() {
  local i=0
  while :; do
    local t code
    t="$(date +%s.%N)"
    code="$(curl -s --max-time 2 -D "$work/polls/$1/$i.headers" -o "$work/polls/$1/$i.m3u8" -w '%{http_code}' "$2" ||
            true)"
    echo "$t $code $i" >>"$work/polls/$1.index"
    i=$((i + 1))
    sleep 0.1
  done
}

"$cdnlab" realnet stream-balancer --listen "$vip" --admin "$admin" --balancing consistent_hash --plain-http \
  --log-format json 2>>"$work/logs/balancer.log" &
pid_of[balancer]=$!
wait_for_log "$work/logs/balancer.log" "virtual address"
start_ingest 1 2
start_ingest 2 1
start_caches
wait_for_two_ingests
echo "ok: balancer, 2 ingests replicating to each other, mid and edge up ($(elapsed))"

publish_test_stream
for _ in $(seq 200); do [ "$(edge_segments)" -ge 4 ] && break; sleep 0.1; done
[ "$(edge_segments)" -ge 4 ] || fail "the edge never listed 4 segments of news"
holder="$(grep -o 'route PUT /news/[^ ]* -> ingest-[0-9]' "$work/logs/balancer.log" | tail -n 1 | sed 's/.*-> //')"
[ -n "$holder" ] || fail "no routing decision for news in the balancer log"
other="ingest-1"; [ "$holder" = ingest-1 ] && other="ingest-2"
wait_for_log "$work/logs/$holder.log" "news: segment [0-9]* ingested"
echo "ok: news is live at the edge, held by $holder ($(elapsed))"

poll edge "http://$edge/news/playlist.m3u8" &
pid_of[poll-edge]=$!
poll mid "http://$mid/news/playlist.m3u8" &
pid_of[poll-mid]=$!
sleep 4

# Kill a moment after a segment was ingested: that segment is then on the dying ingest (and,
# replicated, on its peer) but probably not yet at the caches.
ingested() { grep -c "news: segment [0-9]* ingested" "$work/logs/$holder.log" || true; }
count="$(ingested)"
for _ in $(seq 40); do [ "$(ingested)" -gt "$count" ] && break; sleep 0.05; done
sleep 0.3
last_ingested="$(grep -o 'news: segment [0-9]* ingested' "$work/logs/$holder.log" | tail -n 1 | grep -o '[0-9]*')"
kill_at="$(date +%s.%N)"
{ kill -KILL "${pid_of[$holder]}"; wait "${pid_of[$holder]}"; } 2>/dev/null || true
unset "pid_of[$holder]"
echo "ok: killed $holder (-9); the last segment it ingested was $last_ingested ($(elapsed))"

wait_for_log "$work/logs/$other.log" "news: segment [0-9]* ingested" 15
sleep 8
kill "${pid_of[poll-edge]}" "${pid_of[poll-mid]}" 2>/dev/null || true
wait "${pid_of[poll-edge]}" "${pid_of[poll-mid]}" 2>/dev/null || true
unset "pid_of[poll-edge]" "pid_of[poll-mid]"
reached=0
curl -sf --max-time 2 -o /dev/null "http://$edge/news/seg-$last_ingested.ts" && reached=1

python3 - "$work" "$kill_at" "$holder" "$other" "$last_ingested" "$reached" <<'PY'
import json, os, re, sys
from datetime import datetime, timezone

work, kill_at, holder, other, last_ingested, reached = sys.argv[1:7]
kill_at, last_ingested, reached = float(kill_at), int(last_ingested), reached == "1"
problems = []

def ts(line):
    return datetime.strptime(line["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()

def log_lines(name):
    out = []
    for raw in open(os.path.join(work, "logs", name + ".log"), errors="replace"):
        try:
            out.append(json.loads(raw))
        except ValueError:
            pass
    return out

balancer = log_lines("balancer")
detected = next((ts(l) for l in balancer if l.get("msg", "").startswith(f"member {holder} unhealthy")), None)
rehomed = next((ts(l) for l in balancer if ts(l) > kill_at and
                re.match(rf"route PUT /news/\S+( \(retry\))? -> {other} ", l.get("msg", ""))), None)
taken_over = next((l["msg"] for l in log_lines(other) if "stream starts here" in l.get("msg", "")), "")

def parse(text):
    p = {"media": None, "dseq": 0, "target": None, "entries": []}
    disc = gap = False
    duration = None
    for line in text.splitlines():
        if line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            p["media"] = int(line.split(":")[1])
        elif line.startswith("#EXT-X-DISCONTINUITY-SEQUENCE:"):
            p["dseq"] = int(line.split(":")[1])
        elif line.startswith("#EXT-X-TARGETDURATION:"):
            p["target"] = int(line.split(":")[1])
        elif line == "#EXT-X-DISCONTINUITY":
            disc = True
        elif line == "#EXT-X-GAP":
            gap = True
        elif line.startswith("#EXTINF:"):
            duration = float(line[8:].split(",")[0])
        elif line and not line.startswith("#"):
            seq = p["media"] + len(p["entries"])
            if line != f"seg-{seq}.ts":
                problems.append(f"entry {line} at media sequence {seq}")
            p["entries"].append({"seq": seq, "duration": duration, "disc": disc, "gap": gap})
            disc = gap = False
    return p

results = {}
for node in ("edge", "mid"):
    polls, codes, stale = [], {}, 0
    for row in open(os.path.join(work, "polls", node + ".index")):
        t, code, i = row.split()
        codes[code] = codes.get(code, 0) + 1
        if code != "200":
            problems.append(f"{node}: HTTP {code} for the playlist at {float(t) - kill_at:+.2f} s from the kill")
            continue
        headers = open(os.path.join(work, "polls", node, i + ".headers"), errors="replace").read().lower()
        stale += "x-cache: stale" in headers
        polls.append((float(t), parse(open(os.path.join(work, "polls", node, i + ".m3u8")).read())))
    results[node] = {"polls": len(polls), "codes": codes, "stale": stale}
    # When this cache first lists content newer than the last segment the dead ingest took.
    results[node]["newer_at"] = next((t - kill_at for t, p in polls if t > kill_at and any(
        e["seq"] > last_ingested and not e["gap"] for e in p["entries"])), None)
    known_gap, dnum = {}, {}
    prev_media, prev_last, min_content = None, None, None
    for t, p in polls:
        if p["media"] is None or p["target"] is None:
            problems.append(f"{node}: a playlist without media sequence or target duration")
            continue
        if prev_media is not None and p["media"] < prev_media:
            problems.append(f"{node}: media sequence went back {prev_media} -> {p['media']} at "
                            f"{t - kill_at:+.2f} s")
        # Every sequence number is listed at some poll (as a segment or as EXT-X-GAP): a
        # playlist starting past the previous one's end skipped content without saying so.
        if prev_last is not None and p["media"] > prev_last + 1:
            problems.append(f"{node}: segments {prev_last + 1}..{p['media'] - 1} never listed (media sequence "
                            f"jumped {prev_media} -> {p['media']} at {t - kill_at:+.2f} s)")
        prev_media = p["media"]
        if p["entries"]:
            prev_last = p["entries"][-1]["seq"]
        content = sum(e["duration"] for e in p["entries"] if not e["gap"])
        min_content = content if min_content is None else min(min_content, content)
        if content < 3 * p["target"] - 1e-6:
            problems.append(f"{node}: {content:.3f} s of content listed < 3 x {p['target']} s at {t - kill_at:+.2f} s")
        n = p["dseq"]
        for e in p["entries"]:
            n += e["disc"]
            if known_gap.setdefault(e["seq"], e["gap"]) != e["gap"]:
                problems.append(f"{node}: segment {e['seq']} listed both as a gap and not")
            if dnum.setdefault(e["seq"], n) != n:
                problems.append(f"{node}: segment {e['seq']} has discontinuity number {n} and {dnum[e['seq']]}")
    for seq, gap in sorted(known_gap.items()):
        if gap or seq - 1 not in known_gap:
            continue
        tagged = any(e["seq"] == seq and e["disc"] for _, p in polls for e in p["entries"])
        if tagged != known_gap[seq - 1]:
            problems.append(f"{node}: segment {seq} {'has' if tagged else 'lacks'} EXT-X-DISCONTINUITY "
                            f"(segment {seq - 1} {'missing' if known_gap[seq - 1] else 'present'})")
    results[node]["gaps"] = sorted(s for s, g in known_gap.items() if g)
    results[node]["min_content"] = min_content
    results[node]["last_seen"] = max(known_gap) if known_gap else None
    if node == "edge" and last_ingested not in [s for s, g in known_gap.items() if not g]:
        problems.append(f"edge: segment {last_ingested} (ingested just before the kill) never listed")

if not reached:
    problems.append(f"edge: seg-{last_ingested}.ts (ingested just before the kill) not served")
detection = detected - kill_at if detected else None
rehome = rehomed - kill_at if rehomed else None
if detection is None or detection > 1.0:
    problems.append(f"failure detected after {detection} s (goal <= 1 s)")
if rehome is None or rehome > 2.0:
    problems.append(f"publisher re-homed after {rehome} s (goal <= 2 s)")

print(f"measured: failure detected {detection:.3f} s after the kill" if detection else "measured: not detected")
print(f"measured: publisher re-homed to {other} {rehome:.3f} s after the kill" if rehome else "measured: not re-homed")
print(f"measured: {other}: {taken_over}")
for node in ("edge", "mid"):
    r = results[node]
    non200 = sum(c for code, c in r["codes"].items() if code != "200")
    print(f"measured: {node}: {r['polls'] + non200} playlist polls, {non200} not 200, {r['stale']} answered stale, "
          f"segments missing (EXT-X-GAP) {r['gaps'] or 'none'}, least content listed {r['min_content']:.3f} s, "
          f"first segment after {last_ingested} listed "
          + (f"{r['newer_at']:.2f} s after the kill" if r["newer_at"] is not None else "never"))
print(f"measured: segment {last_ingested}, ingested just before the kill, "
      f"{'reached' if reached else 'did NOT reach'} the edge")
for p in problems[:30]:
    print("problem:", p)
sys.exit(1 if problems else 0)
PY
echo "ok: failover continuity goals hold ($(elapsed))"
failed=0
