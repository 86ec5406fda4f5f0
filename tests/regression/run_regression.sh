#!/usr/bin/env bash
# Regression check (issue 7): runs every scenarios/regression/*.yaml with `cdnlab run` into a
# temporary directory and compares its summary.json with the committed baseline
# scenarios/regression/baselines/<name>.summary.json using `cdnlab compare`.
#
#   run_regression.sh CDNLAB_BINARY
#
# Tolerance (the runs are deterministic, so an unchanged tree reproduces the baselines exactly;
# the tolerance only keeps small side effects of unrelated changes from failing CI):
#   --tolerance 2%          a metric may worsen by 2% of its baseline value,
#   --abs-tolerance 0.5     or by 0.5 in its own unit (ms, counts, percentage points), whichever
#                           is larger: metrics that are 0 or nearly 0 (regret p50, failures);
#   --tolerance-for '*ratio*=0.001'  ratios (stall_ratio, peak_ratio, ...) live in [0, 1]:
#                           0.5 would allow anything, so they get 0.001 absolute.
# A metric missing from the run, a changed identity (scenario name, seed, policy, a command's
# status) or a baseline without its scenario fails too.
#
# Accepting a deliberate change: UPDATE_BASELINES=1 run_regression.sh CDNLAB_BINARY rewrites the
# baselines from this tree's runs (review and commit the diff).
set -euo pipefail
cdnlab="${1:?usage: run_regression.sh CDNLAB_BINARY}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
scenarios="$(cd "$here/../../scenarios/regression" && pwd)"
baselines="$scenarios/baselines"
tolerance=(--tolerance 2% --abs-tolerance 0.5 --tolerance-for '*ratio*=0.001')

work="$(mktemp -d "${TMPDIR:-/tmp}/cdnlab-regression.XXXXXX")"
trap 'rm -rf "$work"' EXIT

failed=()
ran=0
for scenario in "$scenarios"/*.yaml; do
  name="$(basename "$scenario" .yaml)"
  baseline="$baselines/$name.summary.json"
  out="$work/$name"
  start=$EPOCHREALTIME
  # Run from the repository root with a relative path, so summary.json's scenario.source is
  # the same on every checkout.
  if ! (cd "$scenarios/../.." && "$cdnlab" run "scenarios/regression/$name.yaml" --out "$out") >"$work/$name.log" 2>&1; then
    echo "FAIL $name: cdnlab run failed:"
    cat "$work/$name.log"
    failed+=("$name")
    continue
  fi
  ran=$((ran + 1))
  echo "== $name (ran in $(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s)"
  if [ "${UPDATE_BASELINES:-0}" = 1 ]; then
    mkdir -p "$baselines"
    cp "$out/summary.json" "$baseline"
    echo "updated $baseline"
    continue
  fi
  if [ ! -f "$baseline" ]; then
    echo "FAIL $name: no baseline $baseline (create it with UPDATE_BASELINES=1)"
    failed+=("$name")
    continue
  fi
  status=0
  "$cdnlab" compare "$baseline" "$out/summary.json" "${tolerance[@]}" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "FAIL $name: cdnlab compare exited $status"
    failed+=("$name")
  fi
done

# Nothing already measured may silently disappear: every baseline needs its scenario.
for baseline in "$baselines"/*.summary.json; do
  [ -e "$baseline" ] || continue
  name="$(basename "$baseline" .summary.json)"
  if [ ! -f "$scenarios/$name.yaml" ]; then
    echo "FAIL $name: baseline $baseline has no scenario $scenarios/$name.yaml"
    failed+=("$name")
  fi
done

if [ "$ran" -eq 0 ]; then
  echo "FAIL: no scenario in $scenarios"
  exit 1
fi
if [ "${#failed[@]}" -ne 0 ]; then
  echo "regression: FAILED: ${failed[*]}"
  exit 1
fi
echo "regression: ok ($ran scenarios)"
