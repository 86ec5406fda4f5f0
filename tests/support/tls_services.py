"""Shared by the TLS tests of realnet services (tests/realnet/*/*_tls.py): a throwaway PKI
(tests/support/throwaway_ca.sh), free loopback ports, `cdnlab realnet` services started and
stopped by the test with their logs kept, and curl as the independent client."""
import os
import socket
import subprocess
import time

from waiting import wait_for  # noqa: F401  (re-exported for the TLS tests)


def make_pki(source, work):
    """Runs throwaway_ca.sh into WORK/pki; returns a function naming its files."""
    pki = os.path.join(work, "pki")
    subprocess.run(["sh", os.path.join(source, "tests/support/throwaway_ca.sh"), pki], check=True)
    return lambda name: os.path.join(pki, name)


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def curl(url, *args, max_time=5):
    """curl -sS with ARGS; the CompletedProcess (returncode 0: a response arrived)."""
    return subprocess.run(["curl", "-sS", "--max-time", str(max_time)] + list(args) + [url], capture_output=True,
                          text=True)


class Services:
    """`cdnlab realnet` processes of one test, each logging to WORK/NAME.log."""

    def __init__(self, binary, work):
        self.binary, self.work = binary, work
        self.procs, self.logs = {}, {}

    def start(self, name, args):
        self.logs[name] = open(os.path.join(self.work, name + ".log"), "a")
        self.procs[name] = subprocess.Popen([self.binary, "realnet"] + args, stdout=self.logs[name],
                                            stderr=subprocess.STDOUT)

    def run(self, args, timeout=20):
        """Runs a command to its end (one that must refuse to start)."""
        return subprocess.run([self.binary, "realnet"] + args, capture_output=True, text=True, timeout=timeout)

    def log(self, name):
        self.logs[name].flush()
        with open(os.path.join(self.work, name + ".log")) as f:
            return f.read()

    def dump_logs(self):
        for name in self.logs:
            print(f"--- {name} ---\n" + self.log(name)[-3000:])

    def stop_all(self):
        for p in self.procs.values():
            if p.poll() is None:
                p.terminate()
        for p in self.procs.values():
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
