#!/usr/bin/env bash
# `cdnlab import topology-zoo` end to end (issue 18 item 2):
#   1. every shipped scenarios/topology_zoo_*.yaml is written again, byte for byte, by the command
#      recorded in its header, from the GraphML committed in scenarios/topologies/;
#   2. `cdnlab validate` accepts each, and a short import of each topology runs in flow mode (and
#      Abilene's in packet mode too): summary.json has every policy and oracle's regret is 0;
#   3. bad input fails with the file, option or file:line named: a missing file, a file that is
#      not GraphML, an unknown node in --pop-nodes, malformed RTT matrices.
#
#   import_cli.sh CDNLAB_BINARY SOURCE_DIR
set -euo pipefail
cdnlab="${1:?usage: import_cli.sh CDNLAB_BINARY SOURCE_DIR}"
source_dir="${2:?usage: import_cli.sh CDNLAB_BINARY SOURCE_DIR}"
work="$(mktemp -d "${TMPDIR:-/tmp}/cdnlab-import.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$source_dir"  # the recorded commands use paths relative to the repository root

fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. Reproducible from the committed GraphML.
shipped=(scenarios/topology_zoo_*.yaml)
[ "${#shipped[@]}" -ge 2 ] || fail "expected at least two shipped topology_zoo scenarios"
for scenario in "${shipped[@]}"; do
  command="$(sed -n '3s/^#   cdnlab import /import /p' "$scenario")"
  [ -n "$command" ] || fail "$scenario: line 3 does not hold the import command"
  # shellcheck disable=SC2086  # the recorded command is split into its words on purpose
  "$cdnlab" $command -o "$work/again.yaml" 2>"$work/again.log" || { cat "$work/again.log"; fail "$scenario: import failed"; }
  cmp "$scenario" "$work/again.yaml" || { diff "$scenario" "$work/again.yaml" | head -20; fail "$scenario differs from a fresh import"; }
  "$cdnlab" validate "$scenario" >"$work/validate.log" 2>&1 || { cat "$work/validate.log"; fail "$scenario does not validate"; }
  echo "ok: $scenario re-imported byte for byte and validates"
done

# 2. Short runs (the shipped files run 120 s with five policies; the same import, shorter here).
check_run() {  # NAME FIDELITY GRAPHML OPTIONS...
  local name="$1" fidelity="$2" graphml="$3"
  shift 3
  "$cdnlab" import topology-zoo "$graphml" --name "$name" --duration 45 --fidelity "$fidelity" \
    --policies probe,geo,oracle "$@" -o "$work/$name.yaml" 2>"$work/$name.import.log"
  "$cdnlab" validate "$work/$name.yaml" >/dev/null
  "$cdnlab" run "$work/$name.yaml" --out "$work/$name" >"$work/$name.run.log" 2>&1 \
    || { tail -20 "$work/$name.run.log"; fail "$name: run failed"; }
  python3 - "$work/$name/summary.json" "$name" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
labels = {k: v for k, v in summary["routing"].items() if isinstance(v, dict) and "regret_ms" in v}
assert set(labels) >= {"probe", "geo", "oracle"}, f"{sys.argv[2]}: policies {sorted(labels)}"
oracle = labels["oracle"]["regret_ms"]
assert oracle["p95"] == 0 and oracle["mean"] == 0, f"{sys.argv[2]}: oracle regret {oracle}"
assert labels["probe"]["download_ms"], f"{sys.argv[2]}: no downloads"
print(f"ok: {sys.argv[2]} ran: {sorted(labels)}, oracle regret 0, probe regret {labels['probe']['regret_ms']}")
PY
}
check_run geant-flow flow scenarios/topologies/Geant2012.graphml --pop-nodes UK=pop-lon,DE=pop-fra,AT=pop-vie,GR=pop-ath
check_run abilene-flow flow scenarios/topologies/Abilene.graphml --pops 3
check_run abilene-packet packet scenarios/topologies/Abilene.graphml --pops 3

# 3. Bad input: a non-zero exit and a message naming what is wrong, never a scenario.
expect_error() {  # WHAT EXPECTED_TEXT ARGS...
  local what="$1" expected="$2"
  shift 2
  if "$cdnlab" import topology-zoo "$@" -o "$work/bad.yaml" >"$work/bad.out" 2>"$work/bad.err"; then
    fail "$what: accepted"
  fi
  grep -qF -- "$expected" "$work/bad.err" || { cat "$work/bad.err"; fail "$what: message lacks \"$expected\""; }
  [ ! -s "$work/bad.yaml" ] || fail "$what: wrote a scenario anyway"
  echo "ok: $what: $(head -1 "$work/bad.err")"
}
expect_error "missing file" "scenarios/topologies/Nowhere.graphml: cannot open" scenarios/topologies/Nowhere.graphml
expect_error "not GraphML" "scenarios/default.yaml: not readable as GraphML" scenarios/default.yaml
expect_error "unknown PoP node" "--pop-nodes: no node \"Atlantis\" in scenarios/topologies/Geant2012.graphml" \
  scenarios/topologies/Geant2012.graphml --pop-nodes UK,Atlantis
printf 'node,NL,DE\nUK,10,abc\n' >"$work/nan.csv"
expect_error "non-numeric RTT" "$work/nan.csv:2: column 3 (DE): \"abc\" is not a number" \
  scenarios/topologies/Geant2012.graphml --rtt-matrix "$work/nan.csv"
printf 'node,NL\n# measured 2026\nUK,-1\n' >"$work/neg.csv"
expect_error "negative RTT" "$work/neg.csv:3: column 2 (NL): RTT -1 ms is negative" \
  scenarios/topologies/Geant2012.graphml --rtt-matrix "$work/neg.csv"
printf 'node,NL\nNarnia,4\n' >"$work/name.csv"
expect_error "unknown RTT name" "$work/name.csv:2: column 1: unknown name \"Narnia\"" \
  scenarios/topologies/Geant2012.graphml --rtt-matrix "$work/name.csv"
printf 'node,NL,pop-lon\ng-cz,20,\n' >"$work/missing.csv"
expect_error "missing RTT pair" "$work/missing.csv:2: column 3 (pop-lon): missing RTT for g-cz - pop-lon" \
  scenarios/topologies/Geant2012.graphml --pop-nodes UK=pop-lon --rtt-matrix "$work/missing.csv"
echo "all import checks passed"
