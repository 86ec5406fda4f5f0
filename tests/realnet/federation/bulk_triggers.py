#!/usr/bin/env python3
"""Large RFC 8007 triggers end to end on real processes (loopback, free ports): a 100,000-URL
purge and a 10,000-pattern invalidate POSTed with curl to cdn-a's gateway, which runs them on
its three servers and delegates them to cdn-b's two (tests/support/federation_bulk.py).

  0. a gateway started with --max-body-bytes 1048576 refuses the purge list with 413 and says
     why; the default limit accepts it;
  1. while a-e2's agent is down, the status resource is "active" and its "cdnlab.progress"
     shows a-p1 acknowledged (with the objects it changed) and a-e2 sent, not acknowledged;
  2. once a-e2 is up, the command reaches "complete" with targeted = acknowledged = 5 servers;
  3. on every server exactly the selected objects are gone (purge) or stale (invalidate); the
     others are untouched.

  bulk_triggers.py CDNLAB_BINARY
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
from federation_bulk import SERVERS, BulkTestbed, cache_path  # noqa: E402
from waiting import wait_for  # noqa: E402


def progress_of(resource):
    return resource.get("cdnlab.progress", {}) if resource else {}


def server_entry(resource, server):
    for e in progress_of(resource).get("servers", []):
        if e["server"] == server:
            return e
    return {}


def run(cdnlab, kind):
    started = time.monotonic()
    bed = BulkTestbed(cdnlab, kind)
    ok = False
    try:
        body_file = os.path.join(bed.work, "body.json")
        with open(body_file, "w") as f:
            f.write(bed.body())
        size = os.path.getsize(body_file)
        print(f"{kind}: body of {size} bytes")

        if kind == "purge":
            # 0. The old 1 MiB limit refuses it, with a reason; the default takes it.
            assert size > 4 * 1024 * 1024, f"a 100,000-URL purge list of only {size} bytes"
            bed.start_gateway("cdn-a", "--max-body-bytes", "1048576")
            token = bed.token()
            code, _, reply = bed.post(token, body_file)
            assert code == 413, f"--max-body-bytes 1048576: HTTP {code} {reply[:300]}"
            assert "1048576" in reply, f"the 413 does not name the limit: {reply[:300]}"
            print("purge: 413 with --max-body-bytes 1048576:", reply.strip())
            bed.procs.pop("cdn-a").terminate()
            time.sleep(0.3)

        for platform in ("cdn-a", "cdn-b"):
            if platform not in bed.procs:
                bed.start_gateway(platform)
        late = "a-e2"
        for server in SERVERS:
            if server != late:
                bed.start_agent(server)
        token = bed.token()

        code, location, reply = bed.post(token, body_file)
        assert code == 201, f"{kind}: HTTP {code} {reply[:300]}"
        assert location.startswith(bed.api + "/triggers/"), f"{kind}: Location '{location}'"
        print(f"{kind}: accepted at {location} after {time.monotonic() - started:.1f} s")

        # 1. Progress while running: a-p1 acknowledged (parents first), a-e2 sent and silent.
        def running():
            r = bed.status(token, location)
            a_p1, a_e2 = server_entry(r, "a-p1"), server_entry(r, late)
            if r and r.get("status") == "active" and a_p1.get("state") == "acknowledged" and \
                    a_e2.get("state") == "sent" and a_e2.get("attempts", 0) >= 2:
                return r
            return None
        during = wait_for(f"{kind}: a-p1 acknowledged while a-e2 is down", running, seconds=30, every=0.3)
        p = progress_of(during)
        assert p["acknowledged"] < p["targeted"], f"{kind}: progress while running: {json.dumps(p)}"
        assert server_entry(during, "a-p1").get("objects") == bed.cached, json.dumps(p)
        print(f"{kind}: while a-e2 is down: {p['acknowledged']}/{p['targeted']} acknowledged;",
              json.dumps(server_entry(during, "a-p1")), json.dumps(server_entry(during, late)))

        # 2. Complete on every targeted server once a-e2 is back.
        bed.start_agent(late)
        done = wait_for(f"{kind}: complete", lambda: (lambda r: r if r and r.get("status") in
                                                      ("complete", "processed", "failed") else None)(
                                                          bed.status(token, location)), seconds=60, every=0.3)
        p = progress_of(done)
        assert done["status"] == "complete", f"{kind}: {json.dumps(done)[:2000]}"
        assert p["targeted"] == len(SERVERS) == p["acknowledged"], json.dumps(p)
        for server in SERVERS:
            assert server_entry(done, server).get("state") == "acknowledged", json.dumps(p)
        for server in ("a-p1", "a-e1", "a-e2"):
            assert server_entry(done, server).get("objects") == bed.cached, json.dumps(p)
        assert [d["status"] for d in p["downstreams"]] == ["complete"], json.dumps(p)
        print(f"{kind}: complete, {p['acknowledged']}/{p['targeted']} acknowledged "
              f"after {time.monotonic() - started:.1f} s")

        # 3. Exactly the selected objects changed, on every server.
        selected = {cache_path(u) for u in bed.selected}
        kept = {cache_path(u) for u in bed.kept}
        for server in SERVERS:
            files = bed.files_of(server)
            if kind == "purge":
                assert not (files & selected), f"{server}: {len(files & selected)} purged files still there"
                assert kept <= files, f"{server}: lost {sorted(kept - files)[:5]}"
            else:
                assert selected | kept <= files, f"{server}: an invalidate removed files"
                stale = bed.stale_of(server)
                assert stale == set(bed.selected), \
                    f"{server}: stale {len(stale)} vs {len(bed.selected)}: {sorted(stale ^ set(bed.selected))[:5]}"
        print(f"{kind}: exactly {bed.cached} objects {'gone' if kind == 'purge' else 'stale'} on each of "
              f"{len(SERVERS)} servers, {len(bed.kept)} untouched")
        ok = True
    finally:
        if not ok:
            bed.dump_logs()
        bed.stop()


def main():
    cdnlab = sys.argv[1]
    for kind in ("purge", "invalidate"):
        run(cdnlab, kind)
    print("PASS")


if __name__ == "__main__":
    main()
