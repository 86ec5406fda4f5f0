#!/usr/bin/env bash
# Builds the libFuzzer target for cdnlab's DNS server with clang (ASan + UBSan) and fuzzes
# it for N seconds (default 60), starting from the committed corpus. Exits non-zero on a
# crash, leak or sanitizer report; the crashing input is left in the work directory.
#   tests/realnet/dns/fuzz/run-fuzzer.sh [seconds]
set -euo pipefail
seconds="${1:-60}"
root="$(cd "$(dirname "$0")/../../../.." && pwd)"
build="${CDNLAB_FUZZ_BUILD:-$root/build-fuzz}"
mkdir -p "$build"
cmake -S "$root" -B "$build" -DCDNLAB_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$build/configure.log" 2>&1 \
  || { cat "$build/configure.log"; exit 1; }
cmake --build "$build" --target dns_query_fuzzer -j2 > "$build/build.log" 2>&1 || { tail -50 "$build/build.log"; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work/corpus"' EXIT
mkdir -p "$work/corpus"
cp "$root"/tests/realnet/dns/fuzz/corpus/* "$work/corpus/"
cd "$work"  # crash-* files land here
set +e
"${CDNLAB_FUZZER:-$build/tests/realnet/dns/fuzz/dns_query_fuzzer}" -max_total_time="$seconds" -max_len=4096 \
  -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" > "$work/fuzz.log" 2>&1
status=$?
set -e
grep -E "DONE|stat::number_of_executed_units|stat::peak_rss" "$work/fuzz.log" || true
if [ "$status" -ne 0 ]; then
  tail -40 "$work/fuzz.log"
  echo "fuzzer failed (exit $status); inputs and log in $work"
fi
exit "$status"
