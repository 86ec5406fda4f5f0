#!/bin/sh
# sweep_mpi_failure (issue 7): a sweep whose second run (on rank 1) fails, under mpirun -n 2,
# exits non-zero within the time limit (no hang) and names the failed run; the good run is
# still aggregated. Usage: mpi_sweep_failure.sh CDNLAB SOURCE_DIR
set -eu
cdnlab=$1
src=$2
. "$src/tests/cli/sweep/mpi_env.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "sweep_mpi_failure: $*" >&2; exit 1; }

# Two runs, one per rank; run r002 (rank 1) fails at run time: CDNLAB_SWEEP_FAIL_RUNS makes the
# sweep's child for it exit with status 3 (no scenario is invalid at run time only).
cat >"$work/bad.yaml" <<YAML
scenario: $src/scenarios/regression/routing_small.yaml
seeds: [1]
grid:
  dns.ttl_s: [10, 60]
metrics: ["routing.*.regret_ms.mean"]
YAML
export CDNLAB_SWEEP_FAIL_RUNS=r002-dns.ttl_s=60-seed1
status=0
# shellcheck disable=SC2086
timeout 60 mpirun $mpirun_flags -n 2 -x CDNLAB_SWEEP_FAIL_RUNS "$cdnlab" sweep "$work/bad.yaml" --jobs 1 --out "$work/out" \
  >"$work/mpi.txt" 2>&1 || status=$?
cat "$work/mpi.txt"
[ "$status" -ne 124 ] || fail "mpirun hung (killed by timeout)"
[ "$status" -ne 0 ] || fail "the sweep succeeded although run r002 failed"
grep -q 'r002-dns.ttl_s=60-seed1: exit status 3 (rank 1 on ' "$work/mpi.txt" \
  || fail "the failed run r002 (rank 1) is not named"
grep -q '^dns.ttl_s=10,10,routing.probe.regret_ms.mean,1,' "$work/out/sweep.csv" || fail "the good run is not in sweep.csv"
grep -q 'failure injected' "$work/out/runs/r002-dns.ttl_s=60-seed1/run.log" \
  || fail "rank 1's run.log of r002 did not reach rank 0's DIR"
echo "sweep_mpi_failure: ok"
