#!/bin/sh
# cli_sweep_smoke (issue 7): the example sweep (2 DNS TTLs x 4 seeds = 8 runs of
# scenarios/regression/routing_small.yaml) with --jobs 2; sweep.csv must have one row per grid
# point x policy x selected metric, each over 4 runs, every run its own directory, and a
# second sweep with --jobs 1 must write identical sweep.csv and sweep.json.
# Usage: sweep_smoke.sh CDNLAB_BINARY SOURCE_DIR
set -eu
cdnlab=$1
src=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

fail() { echo "cli_sweep_smoke: $*" >&2; exit 1; }

"$cdnlab" sweep "$src/scenarios/sweeps/routing_ttl.yaml" --jobs 2 --out "$out" >"$out/stdout.txt" \
  || { cat "$out/stdout.txt"; fail "cdnlab sweep failed"; }
cat "$out/stdout.txt"

csv=$out/sweep.csv
[ -f "$csv" ] || fail "no sweep.csv"
[ -f "$out/sweep.json" ] || fail "no sweep.json"
head -n 1 "$csv" | grep -qx 'point,dns.ttl_s,metric,n,mean,stddev,ci95,min,max' || fail "unexpected header: $(head -n 1 "$csv")"

# 2 points x 3 policies (probe, geo, oracle) x 5 metrics.
rows=$(($(wc -l <"$csv") - 1))
[ "$rows" -eq 30 ] || fail "expected 30 rows, got $rows"
for ttl in 10 60; do
  for policy in probe geo oracle; do
    for metric in regret_ms.mean regret_ms.p95 download_ms.mean dns_queries_per_min flaps.per_group_per_hour; do
      grep -q "^dns.ttl_s=$ttl,$ttl,routing.$policy.$metric,4," "$csv" || fail "no 4-run row for ttl $ttl $policy $metric"
    done
  done
done
# Every row has a confidence interval (n = 4), and mean lies within [min, max].
awk -F, 'NR > 1 && ($7 == "" || $5 + 0 < $8 + 0 || $5 + 0 > $9 + 0) { print "bad row: " $0; bad = 1 } END { exit bad }' "$csv" \
  || fail "rows without a CI or with mean outside [min, max]"

runs=$(ls "$out/runs" | wc -l)
[ "$runs" -eq 8 ] || fail "expected 8 run directories, got $runs"
for dir in "$out"/runs/*; do
  [ -f "$dir/summary.json" ] && [ -f "$dir/scenario.yaml" ] || fail "$dir lacks summary.json or scenario.yaml"
done
[ -d "$out/runs/r008-dns.ttl_s=60-seed4" ] || fail "no run r008-dns.ttl_s=60-seed4"
grep -q 'ttl_s: 60' "$out/runs/r008-dns.ttl_s=60-seed4/scenario.yaml" || fail "run r008 did not get ttl_s 60"

# Deterministic: the same sweep run one at a time gives byte-identical aggregate files.
# (With the progress bar forced on: it draws on stderr only, ending at 8/8 runs.)
"$cdnlab" sweep "$src/scenarios/sweeps/routing_ttl.yaml" --jobs 1 --out "$out/serial" --progress on \
  >/dev/null 2>"$out/serial.err" || fail "cdnlab sweep --jobs 1 failed"
cr=$(printf '\r')
grep -q "${cr}sweep \[#*\] 100% 8/8 runs in " "$out/serial.err" || fail "no finished progress bar on stderr"
grep -q ' done in ' "$out/serial.err" && fail "per-run lines printed while the bar draws"
cmp "$csv" "$out/serial/sweep.csv" || fail "sweep.csv differs between --jobs 2 and --jobs 1"
cmp "$out/sweep.json" "$out/serial/sweep.json" || fail "sweep.json differs between --jobs 2 and --jobs 1"
echo "cli_sweep_smoke: ok"
