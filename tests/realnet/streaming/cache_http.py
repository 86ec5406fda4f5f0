#!/usr/bin/env python3
"""The caches' HTTP for browsers and players, with curl against real processes on loopback:

  publisher (curl PUT) -> stream-ingest -> stream-cache mid (--cors-origin '*')
                                        -> stream-cache edge (--cors-origin https://player.example, twice)

  1. a malformed --cors-origin is refused at start, naming the flag;
  2. an fMP4 stream (init.mp4, seg-<n>.m4s, EXT-X-MAP, EXT-X-PROGRAM-DATE-TIME) reaches the
     edge: playlist with EXT-X-MAP and the publisher's date-times, init and segments as video/mp4;
  3. CORS: the allowed origin gets Access-Control-Allow-Origin (+ Vary: Origin, Expose-Headers),
     another origin none; a preflight (curl -X OPTIONS) is answered 204 with the methods,
     headers and max-age, for another origin without them; the mid ('*') answers '*';
  4. ranges: curl -r 0-99 gives 206 and exactly those bytes, -r past the end 416, a multi-range
     the whole segment (200);
  5. Cache-Control: playlists max-age=1 (--playlist-ttl-ms 1000), segments and init immutable;
     Age: a segment the mid fetched 2 s before the edge has Age >= 2 at the edge.

  cache_http.py CDNLAB_BINARY
"""
import os
import re
import shutil
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../support"))
from tls_services import Services, curl, free_port, wait_for  # noqa: E402

UDP = socket.SOCK_DGRAM
PLAYER = "https://player.example"


def fetch(url, *args):
    """(status, headers with lower-case names, body bytes) of one curl request."""
    work = tempfile.mkdtemp(prefix="cdnlab-cache-http-curl.")
    try:
        head, body = os.path.join(work, "head"), os.path.join(work, "body")
        r = curl(url, "-D", head, "-o", body, *args)
        assert r.returncode == 0, f"curl {url} {args}: {r.stderr}"
        with open(head) as f:
            lines = f.read().splitlines()
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        with open(body, "rb") as f:
            return status, headers, f.read()
    finally:
        shutil.rmtree(work)


def main():
    binary = sys.argv[1]
    work = tempfile.mkdtemp(prefix="cdnlab-cache-http.")
    svc = Services(binary, work)
    at = lambda port: f"127.0.0.1:{port}"
    ingest, mid, edge = (free_port() for _ in range(3))
    health, announce_from, mid_announce, edge_announce = (free_port(UDP) for _ in range(4))
    try:
        # 1. a malformed origin
        out = svc.run(["stream-cache", "--id", "e", "--tier", "mid", "--listen", at(free_port()), "--announce",
                       at(free_port(UDP)), "--plain-http", "--cors-origin", "player.example/path"])
        assert out.returncode != 0 and "--cors-origin" in out.stderr, f"bad origin accepted: {out.stderr}"
        print("refused: --cors-origin player.example/path")

        svc.start("ingest", ["stream-ingest", "--id", "ingest-1", "--listen", at(ingest), "--health", at(health),
                             "--announce-from", at(announce_from), "--relay", at(mid_announce), "--plain-http",
                             "--target-duration-s", "1"])
        svc.start("mid", ["stream-cache", "--id", "mid-1", "--tier", "mid", "--listen", at(mid), "--announce",
                          at(mid_announce), "--plain-http", "--cors-origin", "*"])
        svc.start("edge", ["stream-cache", "--id", "edge-1", "--tier", "edge", "--listen", at(edge), "--announce",
                           at(edge_announce), "--parent", at(mid), "--parent-announce", at(mid_announce),
                           "--plain-http", "--cors-origin", PLAYER, "--cors-origin", "http://localhost:9000",
                           "--playlist-ttl-ms", "1000"])

        # 2. an fMP4 stream, uploaded as ffmpeg -hls_segment_type fmp4 -hls_flags program_date_time does
        def put(name, data):
            path = os.path.join(work, "upload")
            with open(path, "wb") as f:
                f.write(data)
            r = curl(f"http://{at(ingest)}/cmaf/{name}", "-X", "PUT", "--data-binary", "@" + path, "-o", "/dev/null",
                     "-w", "%{http_code}")
            return r.stdout if r.returncode == 0 else None
        init = b"\0\0\0\x18ftypiso6" + bytes(300)
        segments = [bytes([n]) * (5000 + n) for n in range(3)]
        wait_for("the ingest", lambda: put("init.mp4", init) == "201", 20)
        for n, data in enumerate(segments):
            assert put(f"seg-{n}.m4s", data) == "201"
        playlist = ("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n"
                    "#EXT-X-MAP:URI=\"init.mp4\"\n")
        for n in range(3):
            playlist += f"#EXTINF:1.000000,\n#EXT-X-PROGRAM-DATE-TIME:2026-12-06T08:04:1{n}.250+0000\nseg-{n}.m4s\n"
        assert put("playlist.m3u8", playlist.encode()) == "204"
        base = f"http://{at(edge)}/cmaf/"
        wait_for("the playlist at the edge", lambda: fetch(base + "playlist.m3u8")[0] == 200, 20)

        # The mid fetches seg-0 now; the edge 2 s later (step 5).
        status, headers, _ = fetch(f"http://{at(mid)}/cmaf/seg-0.m4s")
        assert status == 200 and headers.get("age") == "0", (status, headers)
        mid_fetched = time.monotonic()

        status, headers, body = fetch(base + "playlist.m3u8", "-H", f"Origin: {PLAYER}")
        text = body.decode()
        assert status == 200 and headers["content-type"] == "application/vnd.apple.mpegurl", (status, headers)
        assert "#EXT-X-VERSION:6\n" in text and '#EXT-X-MAP:URI="init.mp4"\n' in text, text
        assert "#EXT-X-PROGRAM-DATE-TIME:2026-12-06T08:04:12.250Z\n#EXTINF:1.000,\nseg-2.m4s\n" in text, text
        print("fmp4: edge playlist has EXT-X-MAP, version 6 and the publisher's EXT-X-PROGRAM-DATE-TIME")
        # 3. CORS on that GET
        assert headers.get("access-control-allow-origin") == PLAYER, headers
        assert headers.get("vary") == "Origin", headers
        assert "Age" in headers.get("access-control-expose-headers", ""), headers
        # 5. Cache-Control of a playlist
        assert headers["cache-control"] == "public, max-age=1, stale-if-error=10", headers
        print(f"cors: GET from {PLAYER}: Access-Control-Allow-Origin {PLAYER}, Vary: Origin; playlist "
              f"Cache-Control '{headers['cache-control']}'")

        status, headers, body = fetch(base + "init.mp4", "-H", "Origin: https://evil.example")
        assert status == 200 and body == init and headers["content-type"] == "video/mp4", (status, headers)
        assert headers["cache-control"] == "public, max-age=300, immutable, stale-if-error=10", headers
        assert "access-control-allow-origin" not in headers, headers
        print("fmp4: init.mp4 at the edge, video/mp4, immutable; no CORS for https://evil.example")

        status, headers, _ = fetch(base + "seg-1.m4s", "-X", "OPTIONS", "-H", f"Origin: {PLAYER}",
                                   "-H", "Access-Control-Request-Method: GET",
                                   "-H", "Access-Control-Request-Headers: range")
        assert status == 204, (status, headers)
        assert headers.get("access-control-allow-origin") == PLAYER, headers
        assert headers.get("access-control-allow-methods") == "GET, HEAD, OPTIONS", headers
        assert "Range" in headers.get("access-control-allow-headers", ""), headers
        assert headers.get("access-control-max-age") == "600", headers
        status, headers, _ = fetch(base + "seg-1.m4s", "-X", "OPTIONS", "-H", "Origin: https://evil.example",
                                   "-H", "Access-Control-Request-Method: GET")
        assert status == 204 and "access-control-allow-origin" not in headers, (status, headers)
        status, headers, _ = fetch(base + "seg-1.m4s", "-X", "OPTIONS")
        assert status == 204 and headers.get("allow") == "GET, HEAD, OPTIONS", (status, headers)
        status, headers, _ = fetch(f"http://{at(mid)}/cmaf/seg-1.m4s", "-H", "Origin: https://any.example")
        assert headers.get("access-control-allow-origin") == "*", headers
        print("cors: preflight 204 with methods/headers/max-age for the allowed origin, none for another; "
              "plain OPTIONS 204 with Allow; mid '*'")

        # 4. ranges
        whole = segments[1]
        status, headers, body = fetch(base + "seg-1.m4s", "-r", "0-99")
        assert status == 206 and body == whole[:100], (status, headers, len(body))
        assert headers["content-range"] == f"bytes 0-99/{len(whole)}", headers
        assert headers["content-type"] == "video/mp4", headers
        status, headers, body = fetch(base + "seg-1.m4s", "-r", "-10")
        assert status == 206 and body == whole[-10:], (status, headers)
        status, headers, _ = fetch(base + "seg-1.m4s", "-r", f"{len(whole)}-")
        assert status == 416 and headers["content-range"] == f"bytes */{len(whole)}", (status, headers)
        status, headers, body = fetch(base + "seg-1.m4s", "-r", "0-1,10-11")
        assert status == 200 and body == whole and headers.get("accept-ranges") == "bytes", (status, headers)
        print(f"range: 206 for -r 0-99 and -r -10, 416 past the end (bytes */{len(whole)}), 200 for a multi-range")

        # 5. Age across the tiers
        time.sleep(max(0.0, 2.2 - (time.monotonic() - mid_fetched)))
        status, headers, body = fetch(base + "seg-0.m4s")
        assert status == 200 and body == segments[0], status
        age = int(headers.get("age", "-1"))
        assert headers.get("x-cache") == "MISS" and 2 <= age <= 5, headers
        assert headers["cache-control"] == "public, max-age=300, immutable, stale-if-error=10", headers
        print(f"age: seg-0.m4s fetched by the mid 2.2 s earlier, first fetched by the edge now: Age {age}")
        print("PASS")
        return 0
    except AssertionError:
        svc.dump_logs()
        raise
    finally:
        svc.stop_all()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
