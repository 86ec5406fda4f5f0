# Shared set-up of the streaming loops on real processes (sourced, not run): a work directory
# with logs/, the pid_of table every started process goes into, cleanup on exit (SIGCONT for
# stopped ones, SIGTERM, then SIGKILL; the logs' tails printed on failure or always with
# CDNLAB_SHOW_LOGS=1), a watchdog that fails the run past its budget wherever it waits, and
# fail, elapsed and wait_for_log; and the pieces of the loops' stack: start_caches,
# wait_for_two_ingests, publish_test_stream (they use $cdnlab, $vip, $mid, $edge and their announce
# addresses, set by the loop).
#   source loop_harness.sh; harness_start NAME BUDGET_S
#   ... pid_of[name]=$! for each process; failed=0 once every check passed

harness_start() {  # harness_start NAME BUDGET_S
  work="$(mktemp -d "${TMPDIR:-/tmp}/cdnlab-$1.XXXXXX")"
  mkdir -p "$work/logs"
  declare -gA pid_of=()
  failed=1
  started=$SECONDS
  harness_budget=$2
  trap cleanup EXIT
  trap 'fail "not done within $harness_budget s"' TERM
  (sleep "$harness_budget"; kill -TERM $$) >/dev/null 2>&1 &
  pid_of[watchdog]=$!
}

cleanup() {
  for key in "${!pid_of[@]}"; do kill -CONT "${pid_of[$key]}" 2>/dev/null || true; done
  for key in "${!pid_of[@]}"; do kill -TERM "${pid_of[$key]}" 2>/dev/null || true; done
  sleep 0.3
  for key in "${!pid_of[@]}"; do kill -KILL "${pid_of[$key]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$failed" = 1 ] || [ -n "${CDNLAB_SHOW_LOGS:-}" ]; then
    for log in "$work"/logs/*.log; do echo "--- $log"; tail -n 40 "$log"; done
  fi
  rm -rf "$work"
}

fail() { echo "FAIL: $*"; exit 1; }
elapsed() { echo "$((SECONDS - started)) s"; }

# Waits (at most $3 s, default 10) until a log has a line matching a pattern.
wait_for_log() {  # wait_for_log FILE PATTERN [SECONDS]
  for _ in $(seq $((${3:-10} * 10))); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  fail "no '$2' in $1 after ${3:-10} s"
}

# The loops' cache chain on loopback: a mid-tier cache (the relay at $mid_announce) and an edge
# below it, plain HTTP; both get any extra flags given.
start_caches() {  # start_caches [FLAG...]
  "$cdnlab" realnet stream-cache --id mid-1 --tier mid --listen "$mid" --announce "$mid_announce" --plain-http "$@" \
    2>>"$work/logs/mid.log" &
  pid_of[mid]=$!
  "$cdnlab" realnet stream-cache --id edge-1 --tier edge --listen "$edge" --announce "$edge_announce" --plain-http \
    --parent "$mid" --parent-announce "$mid_announce" "$@" 2>>"$work/logs/edge.log" &
  pid_of[edge]=$!
}

# ingest-1 and ingest-2 have registered with the balancer and it added both.
wait_for_two_ingests() {
  for n in 1 2; do wait_for_log "$work/logs/ingest-$n.log" "registered with the balancer"; done
  wait_for_log "$work/logs/balancer.log" "member ingest-2 added"
}

# ffmpeg publishes "news" through the virtual address $vip: a test pattern in 1 s TS segments
# (a key frame each second) for 80 s, by HLS PUT, as a real encoder would.
publish_test_stream() {
  ffmpeg -nostdin -hide_banner -loglevel warning -re -f lavfi -i testsrc=size=320x240:rate=25 -t 80 \
    -c:v libx264 -preset ultrafast -tune zerolatency -g 25 -keyint_min 25 -sc_threshold 0 -pix_fmt yuv420p \
    -f hls -hls_time 1 -hls_list_size 6 -method PUT -ignore_io_errors 1 \
    -hls_segment_filename "http://$vip/news/seg-%d.ts" "http://$vip/news/playlist.m3u8" \
    >>"$work/logs/publisher.log" 2>&1 &
  pid_of[publisher]=$!
}
