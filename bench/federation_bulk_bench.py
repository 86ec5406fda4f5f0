#!/usr/bin/env python3
"""Benchmark: a 100,000-URL purge and a 10,000-pattern invalidate, each POSTed with curl to a
real gateway (cdn-a) that runs it on its 3 servers and delegates it to cdn-b's 2 (5 agent
processes over cache directories; tests/support/federation_bulk.py), on loopback.

For each command, on fresh processes: the time from the POST to "complete" on every targeted
server, and the peak resident memory (VmHWM, read from /proc before the processes stop) of the
gateway that took the POST, of the largest agent, and of all 7 processes together. The
baseline, measured in the same run, is the same cache work with no federation at all (the
selected files deleted, or the caches walked and each index written once, by this script on a
copy of the caches); ratio = federation seconds / baseline seconds.

Prints JSON: {"purge": {...}, "invalidate": {...}}.
  federation_bulk_bench.py CDNLAB_BINARY [--cached N objects selected per server, default 2000]
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "support"))
from federation_bulk import SERVERS, BulkTestbed, baseline_seconds, vm_hwm_kib  # noqa: E402
from waiting import wait_for  # noqa: E402


def measure(cdnlab, kind, cached):
    bed = BulkTestbed(cdnlab, kind, cached=cached)
    ok = False
    try:
        body_file = os.path.join(bed.work, "body.json")
        with open(body_file, "w") as f:
            f.write(bed.body())
        for platform in ("cdn-a", "cdn-b"):
            bed.start_gateway(platform)
        for server in SERVERS:
            bed.start_agent(server)
        token = bed.token()
        idle_kib = {k: vm_hwm_kib(p.pid) for k, p in bed.procs.items()}

        begin = time.monotonic()
        code, location, reply = bed.post(token, body_file)
        accepted = time.monotonic() - begin
        if code != 201:
            raise AssertionError(f"{kind}: HTTP {code} {reply[:300]}")

        def final():
            r = bed.status(token, location)
            return r if r and r.get("status") in ("complete", "processed", "failed") else None
        done = wait_for(f"{kind}: final", final, seconds=300, every=0.1)
        elapsed = time.monotonic() - begin
        if done["status"] != "complete":
            raise AssertionError(f"{kind}: {json.dumps(done)[:2000]}")
        peak_kib = {k: vm_hwm_kib(p.pid) for k, p in bed.procs.items()}
        progress = done["cdnlab.progress"]
        bed.stop(keep=True)
        baseline = baseline_seconds(bed)
        ok = True
        agents = [k for k in peak_kib if k in SERVERS]
        return {
            "body_bytes": os.path.getsize(body_file),
            "entries": 100000 if kind == "purge" else 10000,
            "objects_per_server": cached,
            "servers_targeted": progress["targeted"],
            "servers_acknowledged": progress["acknowledged"],
            "accepted_s": round(accepted, 3),
            "complete_s": round(elapsed, 3),
            "baseline_s": round(baseline, 3),
            "ratio": round(elapsed / baseline, 1) if baseline > 0 else None,
            "gateway_peak_mib": round(peak_kib["cdn-a"] / 1024, 1),
            "gateway_idle_mib": round(idle_kib["cdn-a"] / 1024, 1),
            "agent_peak_mib": round(max(peak_kib[a] for a in agents) / 1024, 1),
            "all_processes_peak_mib": round(sum(peak_kib.values()) / 1024, 1),
        }
    finally:
        if not ok:
            bed.dump_logs()
        bed.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cdnlab")
    parser.add_argument("--cached", type=int, default=2000)
    args = parser.parse_args()
    out = {kind: measure(args.cdnlab, kind, args.cached) for kind in ("purge", "invalidate")}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
