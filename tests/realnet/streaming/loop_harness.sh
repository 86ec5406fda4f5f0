# Shared set-up of the streaming loops on real processes (sourced, not run): a work directory
# with logs/, the pid_of table every started process goes into, cleanup on exit (SIGCONT for
# stopped ones, SIGTERM, then SIGKILL; the logs' tails printed on failure or always with
# CDNLAB_SHOW_LOGS=1), a watchdog that fails the run past its budget wherever it waits, and
# fail, elapsed and wait_for_log.
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
