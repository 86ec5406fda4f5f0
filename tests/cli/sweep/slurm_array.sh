#!/bin/sh
# sweep_slurm_array (issue 7): the 8-run example sweep as a Slurm array, without Slurm. The
# script from --slurm-script is executed once per array task (SLURM_ARRAY_TASK_ID=0..7, as
# Slurm would), then once outside a job with a fake `sbatch` on PATH, which must submit the
# array and a dependent gather job; the gather command it submitted is run and must give a
# sweep.csv/json byte-identical to a local --jobs 2 run. A missing task makes --gather fail
# naming it; bad task ids are clear errors. Usage: slurm_array.sh CDNLAB SOURCE_DIR
set -eu
cdnlab=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "sweep_slurm_array: $*" >&2; exit 1; }
sweep=$src/scenarios/sweeps/routing_ttl.yaml
out=$work/array

"$cdnlab" sweep "$sweep" --jobs 2 --out "$work/local" >"$work/local.txt" 2>&1 \
  || { cat "$work/local.txt"; fail "local cdnlab sweep failed"; }

script=$work/sweep.sbatch
"$cdnlab" sweep "$sweep" --out "$out" --slurm-script "$script" --sbatch=--time=00:10:00 >"$work/script.txt" \
  || fail "--slurm-script failed"
grep -qx '#SBATCH --array=0-7' "$script" || fail "no '#SBATCH --array=0-7' in $script"
grep -qx '#SBATCH --time=00:10:00' "$script" || fail "extra --sbatch option not in $script"
[ -d "$out/slurm" ] || fail "no $out/slurm for the array's logs"

# The array tasks, two at a time (as two nodes would), through the generated script itself.
for k in 0 2 4 6; do
  SLURM_ARRAY_TASK_ID=$k bash "$script" >"$work/task$k.txt" 2>&1 &
  k1=$((k + 1))
  SLURM_ARRAY_TASK_ID=$k1 bash "$script" >"$work/task$k1.txt" 2>&1 || { cat "$work/task$k1.txt"; fail "task $k1 failed"; }
  wait $! || { cat "$work/task$k.txt"; fail "task $k failed"; }
done
grep -q '^task 7: r008-dns.ttl_s=60-seed4 done' "$work/task7.txt" || fail "task 7 did not run r008: $(cat "$work/task7.txt")"
[ ! -e "$out/sweep.csv" ] || fail "a task wrote sweep.csv"

# Outside a job: the script submits the array and the gather job (fake sbatch records both).
mkdir "$work/bin"
cat >"$work/bin/sbatch" <<'FAKE'
#!/bin/sh
n=$(ls "$SBATCH_LOG_DIR" | wc -l)
for a in "$@"; do printf '%s\n' "$a"; done >"$SBATCH_LOG_DIR/call$n"
echo "$((1000 + n));cluster"
FAKE
chmod +x "$work/bin/sbatch"
mkdir "$work/sbatch-calls"
PATH=$work/bin:$PATH SBATCH_LOG_DIR=$work/sbatch-calls bash "$script" >"$work/submit.txt" || fail "submitting failed"
grep -qx -- "$script" "$work/sbatch-calls/call0" || fail "the array was not submitted: $(cat "$work/sbatch-calls/call0")"
grep -qx -- '--dependency=afterany:1000' "$work/sbatch-calls/call1" || fail "gather job does not depend on the array"
gather=$(sed -n 's/^--wrap=//p' "$work/sbatch-calls/call1")
[ -n "$gather" ] || fail "no --wrap gather command"
sh -c "$gather" >"$work/gather.txt" 2>&1 || { cat "$work/gather.txt"; fail "gather failed: $gather"; }
cmp "$work/local/sweep.csv" "$out/sweep.csv" || fail "sweep.csv differs between the array and --jobs 2"
cmp "$work/local/sweep.json" "$out/sweep.json" || fail "sweep.json differs between the array and --jobs 2"

# A missing task: --gather fails and names it.
rm -rf "$out/runs/r004-dns.ttl_s=10-seed4"
if "$cdnlab" sweep "$sweep" --out "$out" --gather >"$work/gather2.txt" 2>&1; then fail "--gather succeeded with run 3 missing"; fi
grep -q 'task id(s): 3 (r004-dns.ttl_s=10-seed4)' "$work/gather2.txt" || { cat "$work/gather2.txt"; fail "--gather did not name task 3"; }

# Bad task ids: clear errors, exit 2, nothing run.
expect_error() {  # expected-text command...
  text=$1; shift
  status=0; "$@" >"$work/err.txt" 2>&1 || status=$?
  [ "$status" -eq 2 ] || { cat "$work/err.txt"; fail "expected exit 2 from: $*"; }
  grep -qF -- "$text" "$work/err.txt" || { cat "$work/err.txt"; fail "expected '$text' from: $*"; }
}
expect_error "--task-id 8 is out of range: the sweep has 8 run(s) (expected 0-7)" \
  "$cdnlab" sweep "$sweep" --out "$out" --task-id 8
expect_error "SLURM_ARRAY_TASK_ID 'x1' is not a run index (expected 0-7)" \
  env SLURM_ARRAY_TASK_ID=x1 "$cdnlab" sweep "$sweep" --out "$out" --slurm
expect_error "SLURM_ARRAY_TASK_ID is not set" env -u SLURM_ARRAY_TASK_ID "$cdnlab" sweep "$sweep" --out "$out" --slurm
echo "sweep_slurm_array: ok"
