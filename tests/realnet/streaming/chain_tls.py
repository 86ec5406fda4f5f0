#!/usr/bin/env python3
"""A live-streaming chain over mutual TLS, with a throwaway CA and curl, on loopback:

  publisher (curl) -> stream-balancer -> stream-ingest -> stream-cache (mid) -> player (curl)

Every service serves HTTPS; the ingest and the balancer require client certificates, and the
services present one to each other (--upstream-tls-ca/-cert/-key): the ingest registers with the
balancer's admin endpoint, the balancer proxies the uploads, the cache fetches from the ingest.
  1. without --tls-cert or --plain-http each of the three refuses to start, naming the flags;
  2. the chain works: the upload through the balancer is held by the ingest, and curl with the
     CA reads the playlist and segment from the cache;
  3. a second cache, trusting the CA but without a client certificate, learns of the stream but
     cannot fetch it from the ingest (404 to its player; its stop line counts the failed fetches);
  4. curl to the ingest: a wrong CA, no client certificate, are refused; an ingest serving an
     expired certificate is refused.

  chain_tls.py CDNLAB_BINARY SOURCE_DIR
"""
import os
import re
import shutil
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../support"))
from tls_services import Services, curl, free_port, make_pki, wait_for  # noqa: E402

UDP = socket.SOCK_DGRAM


def main():
    binary, source = sys.argv[1:3]
    work = tempfile.mkdtemp(prefix="cdnlab-stream-tls.")
    pem = make_pki(source, work)
    svc = Services(binary, work)
    at = lambda port: f"127.0.0.1:{port}"
    vip, admin, ingest, mid, blind, expired = (free_port() for _ in range(6))
    health, announce_from, mid_announce, blind_announce = (free_port(UDP) for _ in range(4))
    serve = ["--tls-cert", pem("server.pem"), "--tls-key", pem("server.key")]
    mutual = serve + ["--tls-client-ca", pem("ca.pem")]
    upstream = ["--upstream-tls-ca", pem("ca.pem"), "--upstream-tls-cert", pem("client.pem"),
                "--upstream-tls-key", pem("client.key")]
    ca = ["--cacert", pem("ca.pem")]
    client = ["--cert", pem("client.pem"), "--key", pem("client.key")]
    balancer_args = ["stream-balancer", "--listen", at(vip), "--admin", at(admin), "--health-interval-ms", "100"]
    ingest_args = ["stream-ingest", "--id", "ingest-1", "--listen", at(ingest), "--health", at(health),
                   "--announce-from", at(announce_from), "--relay", f"{at(mid_announce)},{at(blind_announce)}"]
    mid_args = ["stream-cache", "--id", "mid-1", "--tier", "mid", "--listen", at(mid), "--announce", at(mid_announce)]
    try:
        # 1. no certificate and no --plain-http
        for args in (balancer_args, ingest_args, mid_args):
            out = svc.run(args)
            assert out.returncode != 0, f"{args[0]} started without TLS: {out.stderr}"
            for flag in ("--tls-cert", "--tls-key", "--plain-http"):
                assert flag in out.stderr, f"{args[0]}: refusal does not name {flag}: {out.stderr}"
        print("refused: each service without a certificate and without --plain-http")

        # 2. the chain
        svc.start("balancer", balancer_args + mutual + upstream)
        svc.start("ingest", ingest_args + ["--register", at(admin)] + mutual + upstream)
        svc.start("mid", mid_args + serve + upstream)
        svc.start("blind", ["stream-cache", "--id", "mid-blind", "--tier", "mid", "--listen", at(blind),
                            "--announce", at(blind_announce), "--upstream-tls-ca", pem("ca.pem")] + serve)
        wait_for("the ingest's registration over mutual TLS",
                 lambda: "registered with the balancer" in svc.log("ingest"), 20)
        segment = os.path.join(work, "seg-0.ts")
        with open(segment, "wb") as f:
            f.write(bytes(range(256)) * 40)
        playlist = os.path.join(work, "playlist.m3u8")
        with open(playlist, "w") as f:
            f.write("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
                    "#EXTINF:2.000,\nseg-0.ts\n")

        def put(name, path):
            r = curl(f"https://{at(vip)}/news/{name}", *ca, *client, "-X", "PUT", "--data-binary", "@" + path,
                     "-o", "/dev/null", "-w", "%{http_code}")
            return r.stdout if r.returncode == 0 and r.stdout.startswith("2") else None
        # The balancer routes only to an ingest its health checks have found healthy.
        wait_for("the segment upload through the balancer", lambda: put("seg-0.ts", segment), 20)
        wait_for("the playlist upload", lambda: put("playlist.m3u8", playlist), 10)
        assert "news: segment 0 ingested" in svc.log("ingest"), svc.log("ingest")
        print("upload through the balancer (mutual TLS both hops) ingested")

        got = wait_for("the playlist at the cache", lambda: (lambda r: r if r.returncode == 0 and "seg-0.ts" in r.stdout
                                                            else None)(curl(f"https://{at(mid)}/news/playlist.m3u8",
                                                                            *ca)), 20)
        seg = curl(f"https://{at(mid)}/news/seg-0.ts", *ca, "-o", os.path.join(work, "got.ts"), "-w", "%{http_code}")
        assert seg.returncode == 0 and seg.stdout == "200", f"segment: {seg.stdout} {seg.stderr}"
        with open(segment, "rb") as a, open(os.path.join(work, "got.ts"), "rb") as b:
            assert a.read() == b.read(), "the cache served other bytes than were uploaded"
        print("curl with the CA read playlist and segment from the cache, fetched from the ingest over mutual TLS")

        # 3. a cache without a client certificate knows the stream but cannot fetch it
        for _ in range(5):
            r = curl(f"https://{at(blind)}/news/playlist.m3u8", *ca, "-o", "/dev/null", "-w", "%{http_code}")
            assert r.returncode == 0 and r.stdout == "404", f"blind cache: {r.returncode} {r.stdout} {r.stderr}"
            time.sleep(0.3)
        svc.procs["blind"].terminate()
        svc.procs["blind"].wait(timeout=10)
        stats = re.search(r"(\d+) upstream \((\d+) failed\)", svc.log("blind"))
        assert stats and int(stats.group(2)) >= 1 and stats.group(1) == stats.group(2), \
            f"the blind cache never tried the ingest, or got through: {svc.log('blind')}"
        print(f"a cache without a client certificate gets nothing from the ingest: 404 to its player, "
              f"{stats.group(2)} upstream fetches failed")

        # 4. curl against the ingest: wrong CA, no client certificate; an expired certificate
        url = f"https://{at(ingest)}/news/playlist.m3u8"
        ok = curl(url, *ca, *client)
        assert ok.returncode == 0 and "seg-0.ts" in ok.stdout, f"ingest with CA and certificate: {ok.stderr}"
        wrong = curl(url, "--cacert", pem("other-ca.pem"), *client)
        assert wrong.returncode == 60, f"wrong CA: {wrong.returncode} {wrong.stderr}"
        missing = curl(url, *ca)
        assert missing.returncode != 0 and "seg-0.ts" not in missing.stdout, f"no client cert: {missing.returncode}"
        svc.start("expired", ["stream-ingest", "--id", "ingest-x", "--listen", at(expired), "--health",
                              at(free_port(UDP)), "--announce-from", at(free_port(UDP)), "--relay",
                              at(free_port(UDP)), "--tls-cert", pem("expired.pem"), "--tls-key", pem("expired.key")])
        wait_for("the expired ingest", lambda: "HTTPS on" in svc.log("expired"), 20)
        old = curl(f"https://{at(expired)}/news/playlist.m3u8", *ca)
        assert old.returncode == 60 and "expired" in old.stderr, f"expired: {old.returncode} {old.stderr}"
        print("refused by curl: a wrong CA (60), no client certificate, an expired certificate")
    except AssertionError as e:
        print("FAIL:", e)
        svc.dump_logs()
        return 1
    finally:
        svc.stop_all()
    shutil.rmtree(work, ignore_errors=True)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
