# Sourced by the federation loop tests: starting, stopping and waiting for gateway and agent
# processes, and the cleanup that stops them all (and shows their logs when the test failed).
# The sourcing script sets: cdnlab (the binary), scenario, work (with work/logs, work/cache,
# work/origin), and `failed=1` until it succeeds.
declare -A pid_of  # "gw:cdn-a" or "agent:a-p1" -> pid

cleanup() {
  for key in "${!pid_of[@]}"; do kill -TERM "${pid_of[$key]}" 2>/dev/null || true; done
  sleep 0.3
  for key in "${!pid_of[@]}"; do kill -KILL "${pid_of[$key]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$failed" = 1 ]; then
    for log in "$work"/logs/*.log; do echo "--- $log"; tail -n 30 "$log"; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; exit 1; }

start_gateway() {
  "$cdnlab" realnet federation-gateway "$scenario" --platform "$1" --journal "$work/$1.journal" --allow-plain-bearer \
    2>>"$work/logs/gw-$1.log" &
  pid_of["gw:$1"]=$!
}
start_agent() {
  "$cdnlab" realnet federation-agent "$scenario" --server "$1" --cache-dir "$work/cache/$1" \
    --origin-dir "$work/origin" 2>>"$work/logs/agent-$1.log" &
  pid_of["agent:$1"]=$!
}
stop() {  # stop KEY [SIGNAL]
  kill "-${2:-TERM}" "${pid_of[$1]}" 2>/dev/null || true
  wait "${pid_of[$1]}" 2>/dev/null || true
  unset "pid_of[$1]"
}
# Waits (at most 10 s) until a log has a line matching a pattern.
wait_for_log() {
  for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  fail "no '$2' in $1"
}
