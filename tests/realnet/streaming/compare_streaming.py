#!/usr/bin/env python3
"""`cdnlab compare-streaming` end to end on tests/realnet/data/streaming_compare.yaml: the
scenario in ns-3, then on real processes on loopback (stream-balancer, two stream-ingests, a mid
and two edge stream-caches as child processes, the holder of the stream killed with SIGKILL at
21 s, the in-tree publisher uploading over HTTP PUT, six LivePlayers over HTTP), for 40 s of
wall-clock time. Checks:
  1. a scenario without a streaming section is refused, naming it;
  2. the run completes (exit 0: agree, 1: disagree; never 2 or a crash) and prints the table;
  3. both runtimes played the same six viewers, every one started, the failure killed an ingest
     holding the stream while all six played, and the publisher re-homed;
  4. summary.json, comparison.csv and the exit status say the same thing, measure by measure;
  5. glass-to-glass latency is measured in both, within a sane range;
  6. every gated measure (startup, stall time, skipped content, recovery) agrees within 0.5 s
     (--allow-disagreement only reports it, e.g. for --ingest-fail freeze, which the scenario's
     crash does not model).

  compare_streaming.py CDNLAB_BINARY SOURCE_DIR PORT_BASE [--allow-disagreement] [--ingest-fail kill|freeze]
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def main():
    binary, source, port_base = sys.argv[1:4]
    extra = sys.argv[4:]
    require = "--allow-disagreement" not in extra
    passed_on = [a for a in extra if a != "--allow-disagreement"]  # e.g. --ingest-fail freeze
    scenario = os.path.join(source, "tests/realnet/data/streaming_compare.yaml")
    work = tempfile.mkdtemp(prefix="cdnlab-compare-streaming.")
    try:
        # 1. bad input: no streaming section
        no_streaming = os.path.join(source, "tests/realnet/data/agreement.yaml")
        r = subprocess.run([binary, "compare-streaming", no_streaming, "--out", work + "/bad"], capture_output=True,
                           text=True, timeout=60)
        if r.returncode == 0 or "streaming" not in r.stderr:
            fail(f"a scenario without streaming was not refused clearly: {r.returncode} {r.stderr!r}")

        # 2. the run
        out = os.path.join(work, "out")
        r = subprocess.run([binary, "compare-streaming", scenario, "--out", out, "--port-base", port_base,
                            "--max-viewers", "6"] + passed_on, capture_output=True, text=True, timeout=170)
        print(r.stdout)
        print(r.stderr[-3000:])
        if r.returncode not in (0, 1):
            for log in sorted(os.listdir(os.path.join(out, "real", "logs"))) if os.path.isdir(
                    os.path.join(out, "real", "logs")) else []:
                with open(os.path.join(out, "real", "logs", log)) as f:
                    print(f"--- {log}\n" + "".join(f.readlines()[-20:]))
            fail(f"compare-streaming exited {r.returncode}")
        if "real-ns3" not in r.stdout:
            fail("no comparison table printed")
        with open(os.path.join(out, "summary.json")) as f:
            summary = json.load(f)
        comparison = summary["comparison"]

        # 3. the same viewers, all playing, hit by the failure; the publisher re-homed
        if comparison["viewers_compared"] != 6:
            fail(f"compared {comparison['viewers_compared']} viewers, not 6")
        for side in ("sim", "real"):
            s = summary[side]
            if s["viewers"] != 6 or s["viewers_started"] != 6:
                fail(f"{side}: {s['viewers_started']} of {s['viewers']} viewers started")
            failures = [f for f in s["failures"] if f["ingest"]]
            if len(failures) != 1:
                fail(f"{side}: expected one ingest failure, got {s['failures']}")
            f = failures[0]
            if f["ingest"] not in ("ingest-1", "ingest-2") or f["streams"] != ["news"]:
                fail(f"{side}: the failure did not hit the holder of news: {f}")
            if f["affected_viewers"] != 6:
                fail(f"{side}: {f['affected_viewers']} viewers affected, expected all 6")
            reconnect = f["publisher_reconnect_s"].get("news")
            if reconnect is None or not 0 < reconnect < 6:
                fail(f"{side}: publisher re-homed after {reconnect} s")

        # 4. summary.json, comparison.csv and the exit status agree
        with open(os.path.join(out, "comparison.csv")) as f:
            rows = {row["measure"]: row for row in csv.DictReader(f)}
        if set(rows) != set(comparison["measures"]):
            fail(f"comparison.csv measures {sorted(rows)} != summary.json {sorted(comparison['measures'])}")
        for name, m in comparison["measures"].items():
            if rows[name]["agrees"] != ("1" if m["agrees"] else "0"):
                fail(f"{name}: csv and json disagree")
            if m["gated"] and m["sim"] is not None and m["real"] is not None:
                within = abs(m["real"] - m["sim"]) <= comparison["tolerance_s"] + 1e-6
                if within != m["agrees"]:
                    fail(f"{name}: agrees={m['agrees']} but |{m['real']} - {m['sim']}| vs {comparison['tolerance_s']}")
        if (r.returncode == 0) != comparison["agrees"]:
            fail(f"exit status {r.returncode} but agrees={comparison['agrees']}")
        for name in ("startup_p50", "stall_time", "skipped", "recovery"):
            if not comparison["measures"][name]["gated"]:
                fail(f"{name} is not gated")

        # 5. latency measured in both runtimes
        for side in ("sim", "real"):
            p50 = summary[side]["latency_ms"]["p50"]
            p95 = summary[side]["latency_ms"]["p95"]
            if p50 is None or not 2000 <= p50 <= p95 <= 30000:
                fail(f"{side}: latency p50 {p50} ms, p95 {p95} ms")

        # 6. agreement (unless --allow-disagreement)
        if require and not comparison["agrees"]:
            fail("the runtimes disagree beyond 0.5 s: " + ", ".join(
                f"{n} ns-3 {m['sim']} real {m['real']}" for n, m in comparison["measures"].items()
                if not m["agrees"]))
        print("compare-streaming: ok" + ("" if comparison["agrees"] else " (the runtimes disagree; --allow-disagreement)"))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
