#!/usr/bin/env python3
"""Many DNS servers follow one controller through signed mapping snapshots, and outlive it.

A controller (`realnet controller --publish-snapshots`, policy geo, so mappings come without
probes) and two followers (`realnet dns --follow --state-dir`) on loopback:
  1. both followers answer like the controller's own server, SOA serial = mapping version;
  2. the controller is killed (-9): both keep answering, same version;
  3. one follower is restarted while the controller is still gone: it answers at once from
     its kept snapshot, same version;
  4. a follower given another public key refuses every snapshot (bad_signature) and stays
     REFUSED; a corrupt kept snapshot is refused at start.

  snapshot_followers.py CDNLAB_BINARY SOURCE_DIR
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from follower_probes import CONTROLLER_DNS, answer, free_port, kdig, wait_for  # noqa: E402
from processes import stop_processes  # noqa: E402


def serial(address, port):
    m = re.search(r"\tSOA\t\S+ \S+ (\d+) ", kdig(address, port, "SOA", "example.net"))
    return int(m.group(1)) if m else None


def main():
    binary, source = sys.argv[1:3]
    scenario = os.path.join(source, "tests/realnet/data/loopback_routing.yaml")
    work = tempfile.mkdtemp(prefix="cdnlab-snapshots.")
    secret = os.path.join(work, "snapshot.secret")
    with open(secret, "w") as f:
        f.write("a long enough secret for signing snapshots\n")
    public = subprocess.run([binary, "realnet", "snapshot-key", "--secret-file", secret], capture_output=True,
                            text=True, check=True).stdout.strip()
    with open(os.path.join(work, "other.secret"), "w") as f:
        f.write("somebody else's secret, not the controller's\n")
    other_public = subprocess.run([binary, "realnet", "snapshot-key", "--secret-file", os.path.join(work, "other.secret")],
                                  capture_output=True, text=True, check=True).stdout.strip()
    publish = ("127.0.3.1", free_port("127.0.3.1"))
    procs = {}
    logs = {}

    def start(name, args):
        logs[name] = open(os.path.join(work, name + ".log"), "a")
        procs[name] = subprocess.Popen([binary, "realnet"] + args, stdout=logs[name], stderr=subprocess.STDOUT)

    def follower(name, port, key=public):
        start(name, ["dns", "--follow", f"{publish[0]}:{publish[1]}", "--snapshot-public-key", key,
                     "--state-dir", os.path.join(work, name), "--listen", f"127.0.0.1:{port}"])

    def log_of(name):
        logs[name].flush()
        return open(os.path.join(work, name + ".log")).read()

    ports = {"dns-a": free_port(), "dns-b": free_port(), "dns-c": free_port()}
    try:
        # geo needs no probe reports: no agent runs, so no PoP keys (explicitly).
        start("controller", ["controller", scenario, "--policy", "geo", "--accept-unsigned-reports", "--publish-snapshots",
                             f"{publish[0]}:{publish[1]}", "--snapshot-secret-file", secret, "--plain-http"])
        follower("dns-a", ports["dns-a"])
        follower("dns-b", ports["dns-b"])
        follower("dns-c", ports["dns-c"], key=other_public)

        # 1. followers answer as the controller's own DNS does, from the same version
        expected = wait_for("the controller's first mapping", lambda: answer(*CONTROLLER_DNS), 20)
        version = wait_for("a mapping version", lambda: serial(*CONTROLLER_DNS), 10)
        for name in ("dns-a", "dns-b"):
            got = wait_for(f"{name} following", lambda: answer("127.0.0.1", ports[name]), 20)
            assert got == expected, f"{name} answers {got}, the controller {expected}"
            assert serial("127.0.0.1", ports[name]) == version, f"{name}: SOA serial is not version {version}"
        print(f"followers answer {expected} from mapping version {version}")

        # 4a. the follower with another key refuses the controller's snapshots
        wait_for("dns-c refusing", lambda: "snapshot refused: bad_signature" in log_of("dns-c"), 10)
        assert "status: REFUSED" in kdig("127.0.0.1", ports["dns-c"], "A", "cdn.example.net"), "dns-c must not answer"

        # 2. the controller dies; both followers keep answering the same
        procs["controller"].send_signal(signal.SIGKILL)
        procs["controller"].wait()
        time.sleep(1.5)
        for name in ("dns-a", "dns-b"):
            assert answer("127.0.0.1", ports[name]) == expected, f"{name} stopped answering without the controller"
            assert serial("127.0.0.1", ports[name]) == version
        assert "unreachable" in log_of("dns-a"), "the follower must say the controller is gone"
        print("controller killed: both followers still answer")

        # 3. restart dns-b with the controller still gone: it answers at once from its kept snapshot
        procs["dns-b"].terminate()
        procs["dns-b"].wait(timeout=5)
        started = time.time()
        follower("dns-b", ports["dns-b"])
        got = wait_for("restarted dns-b", lambda: answer("127.0.0.1", ports["dns-b"]), 5)
        took = time.time() - started
        assert got == expected and serial("127.0.0.1", ports["dns-b"]) == version, "restarted dns-b: wrong answer"
        assert "answering from the kept snapshot" in log_of("dns-b")
        print(f"dns-b restarted without the controller: answering version {version} after {took:.2f} s")

        # 4b. a corrupt kept snapshot is refused at start, and the server answers nothing rather than garbage
        procs["dns-b"].terminate()
        procs["dns-b"].wait(timeout=5)
        with open(os.path.join(work, "dns-b", "snapshot.json"), "w") as f:
            f.write('{"format": "cdnlab-mapping-snapshot/1", "body": "{}", "signer": "controller", "signature": "00"}')
        follower("dns-b", ports["dns-b"])
        wait_for("corrupt snapshot refused", lambda: "kept snapshot" in log_of("dns-b") and "refused" in log_of("dns-b"), 5)
        wait_for("dns-b answering REFUSED",
                 lambda: "status: REFUSED" in kdig("127.0.0.1", ports["dns-b"], "A", "cdn.example.net"), 5)
        print("a corrupt kept snapshot is refused")
    except AssertionError as e:
        print("FAIL:", e)
        for name in logs:
            print(f"--- {name} ---\n" + log_of(name)[-3000:])
        return 1
    finally:
        stop_processes(procs)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
