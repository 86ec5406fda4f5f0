#!/usr/bin/env python3
"""The RUM collector and object server over HTTPS, with a throwaway CA and curl, on loopback.

  1. without --tls-cert or --plain-http, both refuse to start, naming the flags; an HTTPS page
     with --object-scheme http is refused (browsers block mixed content);
  2. rum-object-server --tls-cert: curl with the CA gets the test object;
  3. rum-collector with mutual TLS: curl with the CA and a client certificate gets the page, whose
     every URL is https (test objects included), /rum/state, and a beacon answer; a wrong CA, no
     client certificate, and a client certificate from another CA are each refused;
  4. a collector serving an expired certificate is refused by curl.

  collector_tls.py CDNLAB_BINARY SOURCE_DIR
"""
import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../support"))
from tls_services import Services, curl, free_port, make_pki, wait_for  # noqa: E402


def main():
    binary, source = sys.argv[1:3]
    scenario = os.path.join(source, "tests/realnet/data/rum_loopback.yaml")
    work = tempfile.mkdtemp(prefix="cdnlab-rum-tls.")
    pem = make_pki(source, work)
    svc = Services(binary, work)
    object_port, collector_port, expired_port = free_port(), free_port(), free_port()
    serve = ["--tls-cert", pem("server.pem"), "--tls-key", pem("server.key")]
    client = ["--cert", pem("client.pem"), "--key", pem("client.key")]
    collector = ["rum-collector", scenario, "--policy", "rum", "--object-port", str(object_port)]
    try:
        # 1. no certificate and no --plain-http; mixed content
        for args in (collector + ["--listen", f"127.0.0.1:{collector_port}"],
                     ["rum-object-server", "--listen", f"127.0.0.1:{object_port}"]):
            out = svc.run(args)
            assert out.returncode != 0, f"{args[0]} started without TLS: {out.stdout} {out.stderr}"
            for flag in ("--tls-cert", "--tls-key", "--plain-http"):
                assert flag in out.stderr, f"{args[0]}: refusal does not name {flag}: {out.stderr}"
        out = svc.run(collector + ["--listen", f"127.0.0.1:{collector_port}", "--object-scheme", "http"] + serve)
        assert out.returncode != 0 and "--object-scheme" in out.stderr and "mixed content" in out.stderr, out.stderr
        print("refused: no certificate without --plain-http; an HTTPS page with http objects")

        # 2. the object server over HTTPS
        svc.start("objects", ["rum-object-server", "--listen", f"127.0.0.1:{object_port}", "--bytes", "1234"] + serve)
        wait_for("the object server", lambda: "https://" in svc.log("objects"), 20)
        got = curl(f"https://127.0.0.1:{object_port}/rum/test-object?pv=x", "--cacert", pem("ca.pem"),
                   "-o", "/dev/null", "-w", "%{http_code} %{size_download}")
        assert got.returncode == 0 and got.stdout == "200 1234", f"object: {got.returncode} {got.stdout} {got.stderr}"
        print("curl with the CA got the test object over HTTPS")

        # 3. the collector over mutual TLS
        base = f"https://127.0.0.1:{collector_port}"
        svc.start("collector", collector + ["--listen", f"127.0.0.1:{collector_port}", "--tls-client-ca",
                                            pem("ca.pem")] + serve)
        wait_for("the collector", lambda: "page at https://" in svc.log("collector"), 20)
        page = curl(base + "/", "--cacert", pem("ca.pem"), *client)
        assert page.returncode == 0 and "cdnlab-rum-config" in page.stdout, f"page: {page.returncode} {page.stderr}"
        config = json.loads(re.search(r'id="cdnlab-rum-config">(.*?)</script>', page.stdout).group(1))
        urls = [c["url"] for c in config["candidates"]]
        assert len(urls) == 3, f"expected the 3 PoPs as candidates: {config}"
        for url in urls:
            assert url.startswith(f"https://127.0.4.1") and f":{object_port}/rum/test-object?pv=" in url, url
        assert config["beacon"].startswith("/"), f"the beacon URL must follow the page's scheme: {config['beacon']}"
        assert "http://" not in page.stdout, "an http:// URL in the HTTPS page: " + \
            page.stdout[page.stdout.find("http://") - 80:page.stdout.find("http://") + 80]
        print(f"page over HTTPS: only https URLs ({', '.join(urls)}), beacon {config['beacon']}")
        state = curl(base + "/rum/state", "--cacert", pem("ca.pem"), *client)
        assert state.returncode == 0 and json.loads(state.stdout)["page_views"] == 1, state.stdout
        beacon = curl(base + "/rum/beacon", "--cacert", pem("ca.pem"), *client, "-X", "POST", "--data", "{}",
                      "-o", "/dev/null", "-w", "%{http_code}")
        assert beacon.returncode == 0 and beacon.stdout == "400", f"beacon: {beacon.stdout} {beacon.stderr}"
        print("/rum/state and /rum/beacon answer over mutual TLS")

        wrong = curl(base + "/", "--cacert", pem("other-ca.pem"), *client)
        assert wrong.returncode == 60, f"wrong CA: {wrong.returncode} {wrong.stderr}"
        missing = curl(base + "/", "--cacert", pem("ca.pem"))
        assert missing.returncode != 0 and "cdnlab" not in missing.stdout, f"no client cert: {missing.returncode}"
        foreign = curl(base + "/", "--cacert", pem("ca.pem"), "--cert", pem("other-client.pem"), "--key",
                       pem("other-client.key"))
        assert foreign.returncode != 0 and "cdnlab" not in foreign.stdout, f"foreign client: {foreign.returncode}"
        state = json.loads(curl(base + "/rum/state", "--cacert", pem("ca.pem"), *client).stdout)
        assert state["page_views"] == 1, f"a refused client got a page: {state['page_views']} views"
        print("refused: a wrong CA (curl 60), no client certificate, a client certificate from another CA")

        # 4. an expired server certificate
        svc.start("expired", collector + ["--listen", f"127.0.0.1:{expired_port}", "--tls-cert", pem("expired.pem"),
                                          "--tls-key", pem("expired.key")])
        wait_for("the expired collector", lambda: "page at https://" in svc.log("expired"), 20)
        expired = curl(f"https://127.0.0.1:{expired_port}/", "--cacert", pem("ca.pem"))
        assert expired.returncode == 60 and "expired" in expired.stderr, f"expired: {expired.returncode} {expired.stderr}"
        print("refused: an expired server certificate (curl: " + expired.stderr.splitlines()[0] + ")")
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
