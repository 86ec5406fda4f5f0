"""What the snapshot-follower tests (snapshot_followers.py, snapshot_tls.py) ask DNS servers on
loopback with kdig: the CDN name's answer for one client subnet, and free ports to put them on."""
import os
import re
import socket
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../support"))
from waiting import wait_for  # noqa: E402,F401  (re-exported for the DNS tests)

CONTROLLER_DNS = ("127.0.3.1", 17153)  # from loopback_routing.yaml's realnet section


def free_port(address="127.0.0.1"):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def kdig(address, port, *args):
    out = subprocess.run(["kdig", "@" + address, "-p", str(port), "+time=1", "+retry=0"] + list(args),
                         capture_output=True, text=True)
    return out.stdout + out.stderr


def answer(address, port):
    """The A answer for 10.1.0.0/24's clients, or None when the server gives none."""
    out = kdig(address, port, "+short", "A", "cdn.example.net", "+subnet=10.1.0.0/24")
    return out.strip() if re.fullmatch(r"[0-9.]+\n?", out) else None
