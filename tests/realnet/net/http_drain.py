#!/usr/bin/env python3
"""SIGTERM drains an HTTP service, judged by curl (a client nobody here wrote).

`realnet rum-object-server --delay-ms 3000` holds each reply 3 s. While curl waits for one,
the server gets SIGTERM:
  1. the listener closes at once: a new curl cannot connect;
  2. the request in flight still completes: 200 with the whole object, "Connection: close";
  3. the process exits 0 right after (not at the drain timeout).
With --drain-timeout 0.5 the same request is cut off and the process exits within the bound.

  http_drain.py CDNLAB_BINARY
"""
import os
import signal
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


def curl(port, *extra):
    return subprocess.Popen(["curl", "-s", "-o", "/dev/null", "-D", "-", "-w", "\\n%{http_code} %{size_download}",
                             "--max-time", "15"] + list(extra) + [f"http://127.0.0.1:{port}/rum/test-object"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run(binary, drain_timeout):
    port = free_port()
    server = subprocess.Popen([binary, "realnet", "rum-object-server", "--listen", f"127.0.0.1:{port}", "--delay-ms",
                               "3000", "--bytes", "5000", "--drain-timeout", str(drain_timeout), "--plain-http"],
                              stderr=subprocess.PIPE, text=True)
    try:
        wait_listening(port)
        slow = curl(port)
        time.sleep(0.7)  # the request is in, its reply held for 3 s
        server.send_signal(signal.SIGTERM)
        sent = time.time()
        time.sleep(0.3)
        late = curl(port, "--max-time", "2")
        late_out, _ = late.communicate()
        out, _ = slow.communicate()
        rc = server.wait(timeout=15)
        exited = time.time() - sent
        return late.returncode, out, rc, exited, server.stderr.read()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def main():
    binary = sys.argv[1]
    late_rc, out, rc, exited, log = run(binary, 10)
    try:
        assert late_rc == 7, f"a new connection during the drain: curl exit {late_rc}, expected 7 (refused)"
        assert out.strip().endswith("200 5000"), f"the request in flight did not complete: {out!r}"
        assert "connection: close" in out.lower(), f"the drained reply must close its connection: {out!r}"
        assert rc == 0, f"exit status {rc} after SIGTERM"
        assert exited < 6, f"exited {exited:.2f} s after SIGTERM (the reply was due ~2.3 s after it)"
        assert "draining (SIGTERM)" in log, "no log line for the drain"
        print(f"drain: new connections refused, the slow request got 200 with 5000 bytes, exit 0 {exited:.2f} s "
              "after SIGTERM")
        late_rc, out, rc, exited, log = run(binary, 0.5)
        assert rc == 0 and exited < 2.0, f"--drain-timeout 0.5: exit {rc} after {exited:.2f} s"
        assert "drain timeout" in log, "the timeout must be logged"
        assert not out.strip().endswith("200 5000"), "the request should have been cut off by the timeout"
        print(f"--drain-timeout 0.5: stopped {exited:.2f} s after SIGTERM with the request still in flight")
    except AssertionError as e:
        print("FAIL:", e)
        print(log)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
