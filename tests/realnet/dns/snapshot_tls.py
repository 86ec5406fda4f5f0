#!/usr/bin/env python3
"""The snapshot channel over mutual TLS, with a throwaway CA (tests/support/throwaway_ca.sh).

A controller serves snapshots with `--tls-cert --tls-key --tls-client-ca` (HTTPS, client
certificates required); on loopback:
  1. curl with the CA and a client certificate reads /healthz; curl with a wrong CA, or without a
     client certificate, is refused;
  2. a follower with `--tls-ca --tls-cert --tls-key` answers like the controller's own DNS server;
  3. a follower trusting another CA, and one without a client certificate, stay REFUSED and log
     the TLS failure;
  4. a controller whose key file is missing exits 1 naming it; so does a follower.

  snapshot_tls.py CDNLAB_BINARY SOURCE_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from follower_probes import CONTROLLER_DNS, answer, free_port, kdig, wait_for  # noqa: E402
from processes import stop_processes  # noqa: E402


def main():
    binary, source = sys.argv[1:3]
    scenario = os.path.join(source, "tests/realnet/data/loopback_routing.yaml")
    work = tempfile.mkdtemp(prefix="cdnlab-snapshot-tls.")
    pki = os.path.join(work, "pki")
    subprocess.run(["sh", os.path.join(source, "tests/support/throwaway_ca.sh"), pki], check=True)
    pem = lambda name: os.path.join(pki, name)
    secret = os.path.join(work, "snapshot.secret")
    with open(secret, "w") as f:
        f.write("a long enough secret for signing snapshots\n")
    public = subprocess.run([binary, "realnet", "snapshot-key", "--secret-file", secret], capture_output=True,
                            text=True, check=True).stdout.strip()
    publish = ("127.0.0.1", free_port())  # the server certificate names 127.0.0.1
    url = f"https://{publish[0]}:{publish[1]}/healthz"
    procs = {}
    logs = {}

    def start(name, args):
        logs[name] = open(os.path.join(work, name + ".log"), "a")
        procs[name] = subprocess.Popen([binary, "realnet"] + args, stdout=logs[name], stderr=subprocess.STDOUT)

    def follower(name, port, tls):
        start(name, ["dns", "--follow", f"{publish[0]}:{publish[1]}", "--snapshot-public-key", public,
                     "--listen", f"127.0.0.1:{port}"] + tls)

    def log_of(name):
        logs[name].flush()
        return open(os.path.join(work, name + ".log")).read()

    def curl(*args):
        return subprocess.run(["curl", "-sS", "--max-time", "5"] + list(args) + [url], capture_output=True, text=True)

    client_cert = ["--cert", pem("client.pem"), "--key", pem("client.key")]
    ports = {"dns-a": free_port(), "dns-b": free_port(), "dns-c": free_port()}
    try:
        # 4. unreadable PEM files stop the process with the file's name
        for args, missing in (
                (["controller", scenario, "--policy", "geo", "--accept-unsigned-reports",
                  "--publish-snapshots", f"{publish[0]}:{publish[1]}", "--snapshot-secret-file", secret, "--tls-cert", pem("server.pem"), "--tls-key", pem("nope.key")],
                 pem("nope.key")),
                (["dns", "--follow", f"{publish[0]}:{publish[1]}", "--snapshot-public-key", public,
                  "--listen", f"127.0.0.1:{ports['dns-a']}", "--tls-ca", pem("nope-ca.pem")], pem("nope-ca.pem"))):
            out = subprocess.run([binary, "realnet"] + args, capture_output=True, text=True, timeout=20)
            assert out.returncode == 1 and missing in out.stderr, f"{args[0]}: {out.returncode} {out.stderr}"
        print("missing PEM files are named")

        # geo needs no probe agents, so no PoP keys: the explicit opt-out of signed reports.
        start("controller", ["controller", scenario, "--policy", "geo", "--accept-unsigned-reports", "--publish-snapshots",
                             f"{publish[0]}:{publish[1]}", "--snapshot-secret-file", secret,
                             "--tls-cert", pem("server.pem"), "--tls-key", pem("server.key"),
                             "--tls-client-ca", pem("ca.pem")])
        wait_for("the controller's HTTPS publisher", lambda: "https://" in log_of("controller"), 20)

        # 1. curl: the right CA with a client certificate, a wrong CA, no client certificate
        ok = wait_for("curl over mutual TLS", lambda: (lambda r: r if r.returncode == 0 else None)(
            curl("--cacert", pem("ca.pem"), *client_cert)), 10)
        assert ok.stdout.startswith("ok"), ok.stdout
        wrong = curl("--cacert", pem("other-ca.pem"), *client_cert)
        assert wrong.returncode == 60, f"wrong CA: {wrong.returncode} {wrong.stderr}"
        missing = curl("--cacert", pem("ca.pem"))
        assert missing.returncode != 0 and "ok" not in missing.stdout, f"no client cert: {missing.returncode}"
        print("curl: right CA and client certificate accepted; wrong CA and no client certificate refused")

        # 2, 3. followers
        follower("dns-a", ports["dns-a"], ["--tls-ca", pem("ca.pem")] + ["--tls-cert", pem("client.pem"),
                                                                          "--tls-key", pem("client.key")])
        follower("dns-b", ports["dns-b"], ["--tls-ca", pem("other-ca.pem"), "--tls-cert", pem("client.pem"),
                                           "--tls-key", pem("client.key")])
        follower("dns-c", ports["dns-c"], ["--tls-ca", pem("ca.pem")])
        expected = wait_for("the controller's first mapping", lambda: answer(*CONTROLLER_DNS), 20)
        got = wait_for("dns-a following over mutual TLS", lambda: answer("127.0.0.1", ports["dns-a"]), 20)
        assert got == expected, f"dns-a answers {got}, the controller {expected}"
        print(f"follower with the CA and a client certificate answers {expected}")
        for name in ("dns-b", "dns-c"):
            wait_for(f"{name} logging the TLS failure",
                     lambda: re.search(r"unreachable \((TLS handshake failed|.*reset|.*eof|.*truncated)", log_of(name)),
                     10)
            assert "status: REFUSED" in kdig("127.0.0.1", ports[name], "A", "cdn.example.net"), f"{name} answers"
        assert "TLS handshake failed" in log_of("dns-b"), log_of("dns-b")
        print("followers with a wrong CA or without a client certificate stay REFUSED")
    except AssertionError as e:
        print("FAIL:", e)
        for name in logs:
            print(f"--- {name} ---\n" + log_of(name)[-3000:])
        return 1
    finally:
        stop_processes(procs)
    shutil.rmtree(work, ignore_errors=True)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
