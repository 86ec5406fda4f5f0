#!/usr/bin/env bash
# cli_report_browser (issue 7): `cdnlab report` pages rendered by headless Chromium.
# Runs the routing, federation and streaming regression scenarios (scenarios/regression/) into
# three directories and a small sweep into a fourth, writes each one's report.html, opens it in
# headless Chromium (as root, hence --no-sandbox, like realnet/rum_chromium_loop.sh) for a
# screenshot (kept in ARTIFACT_DIR) and the DOM, and checks that every expected plot is there
# with an <svg> whose data series draw data (not just axes), that the experiments a run lacks
# are marked absent with a reason, and that the screenshot is not blank. Bad input must exit 2
# with the file (and line) named.
# Usage: report_browser.sh CDNLAB_BINARY SOURCE_DIR ARTIFACT_DIR
set -euo pipefail
cdnlab="$1"
src="$2"
artifacts="$3"
check="$src/tests/cli/report_page_check.py"

chromium="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
[ -n "$chromium" ] || { echo "FAIL: no chromium (the setup script .ci/setup-debian.sh installs it)"; exit 1; }
command -v gnuplot >/dev/null || { echo "FAIL: no gnuplot (the setup script .ci/setup-debian.sh installs gnuplot-nox)"; exit 1; }
work="$(mktemp -d)"
browser_pid=""
stop_browser() {
  if [ -n "$browser_pid" ]; then
    kill -TERM -- "-$browser_pid" 2>/dev/null || true  # its own process group: renderers too
    sleep 0.3
    kill -KILL -- "-$browser_pid" 2>/dev/null || true
    wait "$browser_pid" 2>/dev/null || true
    browser_pid=""
  fi
}
trap 'stop_browser; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$artifacts"

# Runs headless Chromium on a page with extra arguments, at most 90 s, stdout to OUT.
browse() {  # OUT URL ARGS...
  local out="$1" url="$2"
  shift 2
  setsid "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check \
    --disable-extensions --disable-background-networking --hide-scrollbars \
    --user-data-dir="$work/profile" "$@" "$url" >"$out" 2>>"$work/chromium.log" &
  browser_pid=$!
  for _ in $(seq 180); do
    kill -0 "$browser_pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$browser_pid" 2>/dev/null; then
    stop_browser
    tail -n 20 "$work/chromium.log"
    fail "chromium did not finish within 90 s on $url"
  fi
  wait "$browser_pid" || true
  browser_pid=""
}

# NAME PLOTS ABSENT_SECTIONS [PRESENT_SECTIONS]: renders NAME's report and checks it.
check_report() {
  local name="$1" plots="$2" absent="$3" present="${4:-}"
  local dir="$work/$name" page="$work/$name/report.html" shot="$artifacts/$name.png"
  "$cdnlab" report "$dir" || fail "cdnlab report $name failed"
  [ -s "$page" ] || fail "no $page"
  grep -q '<link\|<script\|src="http' "$page" && fail "$name: the page is not self-contained"
  cp "$page" "$artifacts/$name.html"
  rm -f "$shot"
  browse "$work/$name.screenshot.log" "file://$page" --screenshot="$shot" --window-size=1280,4000
  [ -s "$shot" ] || { tail -n 20 "$work/chromium.log"; fail "$name: chromium wrote no screenshot"; }
  browse "$work/$name.dom.html" "file://$page" --dump-dom
  [ -s "$work/$name.dom.html" ] || { tail -n 20 "$work/chromium.log"; fail "$name: chromium dumped no DOM"; }
  cp "$work/$name.dom.html" "$artifacts/$name.dom.html"
  echo "$name: screenshot $shot"
  python3 "$check" dom "$work/$name.dom.html" --plots "$plots" --absent "$absent" --present "$present" ${extra_dom_args:-} \
    || fail "$name: DOM check failed (page $artifacts/$name.html)"
  python3 "$check" png "$shot" || fail "$name: screenshot check failed"
}

for s in routing_small federation_small streaming_small; do
  "$cdnlab" run "$src/scenarios/regression/$s.yaml" --out "$work/$s" >"$work/$s.run.log" 2>&1 \
    || { tail -n 20 "$work/$s.run.log"; fail "cdnlab run $s failed"; }
done
check_report routing_small regret_cdf,mapping_timeline federation,streaming routing
check_report federation_small command_completion_cdf routing,streaming federation
check_report streaming_small startup_delay_cdf,stalls,tier_offload routing,federation streaming

# A sweep (2 TTLs x 2 seeds of routing_small): one plot per metric with CI error bars.
cat >"$work/sweep.yaml" <<YAML
scenario: $src/scenarios/regression/routing_small.yaml
seeds: {from: 1, count: 2}
grid:
  dns.ttl_s: [10, 60]
metrics:
  - "routing.*.regret_ms.mean"
  - "routing.*.dns_queries_per_min"
YAML
"$cdnlab" sweep "$work/sweep.yaml" --jobs 2 --out "$work/sweep" >"$work/sweep.log" 2>&1 \
  || { tail -n 20 "$work/sweep.log"; fail "cdnlab sweep failed"; }
check_report sweep sweep_01,sweep_02 "" sweep

# Bad input: exit 2, naming the file and line.
expect_bad_input() {  # WHAT PATTERN ARGS...
  local what="$1" pattern="$2" rc=0
  shift 2
  "$cdnlab" report "$@" >"$work/bad.out" 2>"$work/bad.err" || rc=$?
  [ "$rc" -eq 2 ] || { cat "$work/bad.err"; fail "$what: exit $rc, expected 2"; }
  grep -q -- "$pattern" "$work/bad.err" || { cat "$work/bad.err"; fail "$what: message lacks '$pattern'"; }
  echo "bad input ($what): $(head -n 1 "$work/bad.err")"
}
expect_bad_input "missing dir" "no such directory" "$work/nonexistent"
mkdir -p "$work/empty"
expect_bad_input "no summary.json" "summary.json" "$work/empty"
cp -r "$work/routing_small" "$work/broken"
echo "probe,12.5,g-broken" >>"$work/broken/regret.csv"
line=$(wc -l <"$work/broken/regret.csv")
expect_bad_input "malformed CSV row" "regret.csv:$line: malformed row" "$work/broken"
echo "cli_report_browser: ok (screenshots in $artifacts)"
