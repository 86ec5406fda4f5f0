#!/bin/sh
# sweep_mpi_identical (issue 7): the 8-run example sweep under `mpirun -n 2` gives a sweep.csv
# and sweep.json byte-identical to a local `--jobs 2` run, and the same per-run files.
# The two ranks get different working directories (MPMD with -wdir) and a relative --out, so
# they share no output directory: rank 0's DIR must still end up with all 8 runs, which only
# works if the results travel over MPI. Usage: mpi_sweep_identical.sh CDNLAB SOURCE_DIR
set -eu
cdnlab=$1
src=$2
. "$src/tests/cli/sweep/mpi_env.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "sweep_mpi_identical: $*" >&2; exit 1; }
sweep=$src/scenarios/sweeps/routing_ttl.yaml

"$cdnlab" sweep "$sweep" --jobs 2 --out "$work/local" >"$work/local.txt" 2>&1 \
  || { cat "$work/local.txt"; fail "local cdnlab sweep failed"; }

mkdir -p "$work/rank0" "$work/rank1"
# shellcheck disable=SC2086
timeout 120 mpirun $mpirun_flags -n 1 -wdir "$work/rank0" "$cdnlab" sweep "$sweep" --jobs 1 --out out \
  : -n 1 -wdir "$work/rank1" "$cdnlab" sweep "$sweep" --jobs 1 --out out >"$work/mpi.txt" 2>&1 \
  || { cat "$work/mpi.txt"; fail "mpirun -n 2 cdnlab sweep failed"; }
cat "$work/mpi.txt"
mpi=$work/rank0/out

grep -q '^\[rank 1\] \[4/4\] r008-dns.ttl_s=60-seed4 done' "$work/mpi.txt" || fail "rank 1 did not run r008 (runs 1,3,5,7)"
grep -q '^\[rank 1\].*r001' "$work/mpi.txt" && fail "rank 1 ran r001, which belongs to rank 0"
# Rank 1's own directory has only its runs; rank 0's has all of them.
[ "$(ls "$work/rank1/out/runs" | wc -l)" -eq 4 ] || fail "rank 1 should have run 4 runs: $(ls "$work/rank1/out/runs")"
[ ! -e "$work/rank1/out/sweep.csv" ] || fail "rank 1 wrote sweep.csv; only rank 0 aggregates"

cmp "$work/local/sweep.csv" "$mpi/sweep.csv" || fail "sweep.csv differs between mpirun -n 2 and --jobs 2"
cmp "$work/local/sweep.json" "$mpi/sweep.json" || fail "sweep.json differs between mpirun -n 2 and --jobs 2"
(cd "$work/local/runs" && find . -type f | sort) >"$work/local.files"
(cd "$mpi/runs" && find . -type f | sort) >"$work/mpi.files"
cmp "$work/local.files" "$work/mpi.files" || { diff "$work/local.files" "$work/mpi.files"; fail "different run files"; }
[ "$(wc -l <"$work/mpi.files")" -ge 32 ] || fail "expected at least 4 files per run"
# summary.json names its scenario file ("source"), which is under each sweep's own DIR.
for f in $(cat "$work/mpi.files"); do
  case $f in */summary.json | */scenario.yaml | *.csv)
    grep -v '"source":' "$work/local/runs/$f" >"$work/a"
    grep -v '"source":' "$mpi/runs/$f" >"$work/b"
    cmp -s "$work/a" "$work/b" || fail "runs/$f differs between mpirun and local";;
  esac
done
echo "sweep_mpi_identical: ok"
