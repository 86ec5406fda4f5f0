"""Network namespaces on one bridge, one namespace per host of a deployment (deployment_netns.py).

A hub namespace holds a bridge; every host namespace is linked to it by a veth pair and holds
its addresses as /32s with an on-link default route, so every address reaches every other by
ARP on the bridge, whatever its prefix. Namespace names carry the test's pid, and namespaces
left by a run that was killed (its pid gone) are removed at the next start.
"""
import os
import re
import subprocess

PREFIX = "cdnlab-deploy"


def ip(*args, check=True):
    out = subprocess.run(["ip"] + list(args), capture_output=True, text=True)
    if check and out.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {out.stderr.strip()}")
    return out.stdout


def _namespaces():
    return [line.split()[0] for line in ip("netns", "list").splitlines() if line.strip()]


def remove_stale():
    """Deletes namespaces of earlier runs whose test process is gone."""
    for ns in _namespaces():
        m = re.fullmatch(rf"{PREFIX}-(\d+)-.*", ns)
        if m and not os.path.exists(f"/proc/{m.group(1)}"):
            _delete(ns)


def _delete(ns):
    for pid in ip("netns", "pids", ns, check=False).split():
        try:
            os.kill(int(pid), 9)
        except (ProcessLookupError, ValueError):
            pass
    ip("netns", "delete", ns, check=False)


class Lab:
    def __init__(self):
        self.tag = f"{PREFIX}-{os.getpid()}"
        self.hub = f"{self.tag}-hub"
        self.hosts = {}  # host name -> namespace
        ip("netns", "add", self.hub)
        ip("-n", self.hub, "link", "add", "br0", "type", "bridge")
        ip("-n", self.hub, "link", "set", "br0", "up")

    def add_host(self, name, addresses):
        ns = f"{self.tag}-{name}"
        port = f"h{len(self.hosts)}"
        ip("netns", "add", ns)
        self.hosts[name] = ns
        ip("link", "add", port, "netns", self.hub, "type", "veth", "peer", "name", "eth0", "netns", ns)
        ip("-n", self.hub, "link", "set", port, "master", "br0", "up")
        ip("-n", ns, "link", "set", "lo", "up")
        for a in addresses:
            ip("-n", ns, "addr", "add", f"{a}/32", "dev", "eth0")
        ip("-n", ns, "link", "set", "eth0", "up")
        ip("-n", ns, "route", "add", "default", "dev", "eth0")
        return ns

    def link(self, name, up):
        ip("-n", self.hosts[name], "link", "set", "eth0", "up" if up else "down")

    def run(self, name, argv, **kw):
        return subprocess.run(["ip", "netns", "exec", self.hosts[name]] + argv, **kw)

    def popen(self, name, argv, **kw):
        return subprocess.Popen(["ip", "netns", "exec", self.hosts[name]] + argv, **kw)

    def close(self):
        for ns in list(self.hosts.values()) + [self.hub]:
            _delete(ns)
        self.hosts = {}
