#!/usr/bin/env python3
"""SIGHUP reloads `realnet dns`'s static mapping file without losing a query, judged by kdig.

A kdig loop asks for 10.1.0.0/24's answer the whole time while:
  1. the file changes (TTL 30 -> 45, 10.1.0.0/24 moved to pop-b) and SIGHUP: the new TTL and
     answer show, no query goes unanswered;
  2. a broken file and SIGHUP: the old mapping stays, the log names the file and line;
  3. SIGTERM: exit 0.

  static_reload.py CDNLAB_BINARY SOURCE_DIR
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from follower_probes import free_port, wait_for  # noqa: E402


def main():
    binary, source = sys.argv[1:3]
    work = tempfile.mkdtemp(prefix="cdnlab-dns-reload.")
    mapping = os.path.join(work, "mapping.yaml")
    original = open(os.path.join(source, "tests/realnet/data/two_subnets.yaml")).read()
    with open(mapping, "w") as f:
        f.write(original)
    port = free_port()
    log_path = os.path.join(work, "dns.log")
    log = open(log_path, "w")
    dns = subprocess.Popen([binary, "realnet", "dns", mapping, "--listen", f"127.0.0.1:{port}"], stdout=log,
                           stderr=subprocess.STDOUT)

    def ask():
        out = subprocess.run(["kdig", "@127.0.0.1", "-p", str(port), "+time=1", "+retry=0", "+noall", "+answer",
                              "A", "cdn.example.net", "+subnet=10.1.0.0/24"], capture_output=True, text=True).stdout
        m = re.search(r"cdn\.example\.net\.\s+(\d+)\s+IN\s+A\s+([0-9.]+)", out)
        return (m.group(2), int(m.group(1))) if m else None

    results = []
    looping = threading.Event()
    looping.set()

    def loop():
        while looping.is_set():
            results.append(ask())
            time.sleep(0.02)

    thread = threading.Thread(target=loop)
    try:
        assert wait_for("the first answer", ask, 10) == ("192.0.2.10", 30)
        thread.start()
        time.sleep(0.5)
        with open(mapping, "w") as f:
            f.write(original.replace("ttl_s: 30", "ttl_s: 45").replace("{prefix: 10.1.0.0/24, pops: [pop-a, pop-b]}",
                                                                         "{prefix: 10.1.0.0/24, pops: [pop-b, pop-a]}"))
        dns.send_signal(signal.SIGHUP)
        wait_for("the reloaded mapping", lambda: results and results[-1] == ("198.51.100.20", 45), 5)
        with open(mapping, "w") as f:
            f.write(original.replace("ttl_s: 30", "ttl_s: [oops"))
        dns.send_signal(signal.SIGHUP)
        wait_for("the refused reload", lambda: "reload failed" in open(log_path).read(), 5)
        time.sleep(0.5)
        looping.clear()
        thread.join()
        lost = [r for r in results if r is None]
        assert not lost, f"{len(lost)} of {len(results)} queries unanswered across the reloads"
        assert results[-1] == ("198.51.100.20", 45), f"a broken file changed the answer: {results[-1]}"
        text = open(log_path).read()
        assert re.search(r"reload failed.*mapping\.yaml:\d+", text), "the log must name the file and line:\n" + text
        dns.send_signal(signal.SIGTERM)
        assert dns.wait(timeout=10) == 0, "no exit 0 on SIGTERM"
        print(f"{len(results)} queries through two reloads, none lost; new TTL and PoP after the first, "
              "the second (broken file) refused with file and line")
    except AssertionError as e:
        print("FAIL:", e)
        print(open(log_path).read())
        return 1
    finally:
        looping.clear()
        if thread.is_alive():
            thread.join()
        if dns.poll() is None:
            dns.kill()
            dns.wait()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
