"""Large RFC 8007 triggers on real processes (loopback only), for the bulk-trigger test
(tests/realnet/federation/bulk_triggers.py) and benchmark (bench/federation_bulk_bench.py).

Two platforms on free ports: cdn-a (gateway, parent a-p1, edges a-e1 and a-e2) delegates the
"bulk" configuration to cdn-b (b-p1 parent, b-e1 edge); "other" is carried by every server and
never targeted. Each server's cache directory holds objects a trigger selects and objects it
must not touch. Triggers are POSTed with curl, status resources read with curl.

  purge:      100,000 URLs (~60 bytes each), of which `cached` per server are in the caches
  invalidate: 10,000 patterns "https://www.bulk.example/set<i>/*", `cached` per server match
"""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

from processes import stop_processes
from waiting import wait_for

SERVERS = {"a-p1": "cdn-a", "a-e1": "cdn-a", "a-e2": "cdn-a", "b-p1": "cdn-b", "b-e1": "cdn-b"}
COMMAND_TYPE = "application/cdni; ptype=ci-trigger-command"


def purge_url(i):
    return f"https://www.bulk.example/assets/v2/images/item-{i:07d}.jpg"


def pattern_url(i):
    return f"https://www.bulk.example/set{i}/*"


def cache_path(url):
    """Where DirectoryContentStore keeps a plain URL's file: <host>/<path>."""
    rest = url.split("://", 1)[1]
    return rest


def free_ports(n):
    """N ports free for both UDP and TCP on 127.0.0.1 (held open until all are chosen)."""
    held, ports = [], []
    while len(ports) < n:
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
        except OSError:
            t.close()
            u.close()
            continue
        held += [t, u]
        ports.append(port)
    for s in held:
        s.close()
    return ports


def scenario_text(ports):
    nodes = ["cdn-a-gw", "cdn-b-gw"] + list(SERVERS)
    node_lines = "\n".join(f"    {n}: 127.0.0.1:{p}" for n, p in zip(nodes, ports))
    return f"""name: federation-bulk
seed: 5
duration_s: 60
routers:
  - {{id: r-lo, lat: 0, lon: 0}}
federation:
  participants:
    - {{id: cdn-a, secret: cdn-a-bulk-secret-2026}}
    - {{id: cdn-b, secret: cdn-b-bulk-secret-2026}}
    - {{id: cp-bulk, secret: cp-bulk-bulk-secret-2026}}
  platforms:
    - id: cdn-a
      gateway_at: r-lo
      supports: [preposition, invalidate, purge]
      servers:
        - {{id: a-p1, tier: parent, at: r-lo}}
        - {{id: a-e1, tier: edge, parent: a-p1, at: r-lo}}
        - {{id: a-e2, tier: edge, parent: a-p1, at: r-lo}}
    - id: cdn-b
      gateway_at: r-lo
      supports: [preposition, invalidate, purge]
      servers:
        - {{id: b-p1, tier: parent, at: r-lo}}
        - {{id: b-e1, tier: edge, parent: b-p1, at: r-lo}}
  providers:
    - {{id: cp-bulk, platform: cdn-a}}
  configurations:
    - id: bulk
      provider: cp-bulk
      hosts: [www.bulk.example]
      deployments:
        - {{platform: cdn-a, servers: [a-p1, a-e1, a-e2]}}
        - {{platform: cdn-b, delegated_by: cdn-a, servers: [b-p1, b-e1]}}
    - id: other
      provider: cp-bulk
      hosts: [www.other.example]
      deployments:
        - {{platform: cdn-a, servers: [a-p1, a-e1, a-e2]}}
  retry:
    initial_ms: 2000
    multiplier: 2
    max_ms: 4000
    max_attempts: 60
    jitter: 0.1
    poll_interval_s: 1
    give_up_after_s: 120
realnet:
  federation_nodes:
{node_lines}
  federation_http:
    cdn-a: 127.0.0.1:{ports[-2]}
    cdn-b: 127.0.0.1:{ports[-1]}
"""


def vm_hwm_kib(pid):
    """Peak resident memory of a live process (VmHWM), in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError(f"no VmHWM for pid {pid}")


class BulkTestbed:
    """Two gateways and five agents over prefilled caches; stop() in a finally."""

    def __init__(self, cdnlab, kind, cached=2000, work=None):
        self.cdnlab = cdnlab
        self.kind = kind  # "purge" or "invalidate"
        self.cached = cached
        self.work = work or tempfile.mkdtemp(prefix="cdnlab-federation-bulk.")
        self.procs = {}
        self.logs = {}
        ports = free_ports(len(SERVERS) + 4)
        self.api = f"http://127.0.0.1:{ports[-2]}"
        self.scenario = os.path.join(self.work, "scenario.yaml")
        with open(self.scenario, "w") as f:
            f.write(scenario_text(ports))
        os.makedirs(os.path.join(self.work, "logs"), exist_ok=True)
        os.makedirs(os.path.join(self.work, "origin"), exist_ok=True)
        self.selected, self.kept = self._fill_caches()

    # --- objects ---
    def _fill_caches(self):
        """Every server: `cached` objects the trigger selects, and objects it must not touch."""
        if self.kind == "purge":
            step = 100000 // self.cached
            selected = [purge_url(i) for i in range(0, 100000, step)][: self.cached]
            kept = [f"https://www.bulk.example/assets/v3/item-{i}.jpg" for i in range(200)]
        else:
            step = 10000 // self.cached
            selected = [f"https://www.bulk.example/set{i}/index.html" for i in range(0, 10000, step)][: self.cached]
            # set10000.. are beyond the patterns; "sets1/" and "set1x" only look alike.
            kept = [f"https://www.bulk.example/set{10000 + i}/index.html" for i in range(100)]
            kept += [f"https://www.bulk.example/sets{i}/index.html" for i in range(50)]
        kept += [f"https://www.other.example/assets/v2/images/item-{i:07d}.jpg" for i in range(100)]
        for server in SERVERS:
            root = os.path.join(self.work, "cache", server)
            for url in selected + kept:
                path = os.path.join(root, cache_path(url))
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as f:
                    f.write(url)
        return selected, kept

    def body(self):
        if self.kind == "purge":
            trigger = {"type": "purge", "content.urls": [purge_url(i) for i in range(100000)]}
        else:
            trigger = {"type": "invalidate", "content.patterns": [{"pattern": pattern_url(i)} for i in range(10000)]}
        return json.dumps({"trigger": trigger, "cdn-path": []})

    # --- processes ---
    def _spawn(self, key, args):
        log = open(os.path.join(self.work, "logs", key + ".log"), "ab")
        self.logs[key] = log.name
        self.procs[key] = subprocess.Popen([self.cdnlab, "realnet"] + args, stdout=log, stderr=log)

    def start_gateway(self, platform, *extra):
        self._spawn(platform, ["federation-gateway", self.scenario, "--platform", platform, "--journal",
                               os.path.join(self.work, platform + ".journal"), "--allow-plain-bearer"] + list(extra))
        wait_for(f"{platform} serving HTTP", lambda: "HTTP API on" in self.log_of(platform))

    def start_agent(self, server):
        self._spawn(server, ["federation-agent", self.scenario, "--server", server, "--cache-dir",
                             os.path.join(self.work, "cache", server), "--origin-dir",
                             os.path.join(self.work, "origin")])
        wait_for(f"agent {server} up", lambda: "cache " in self.log_of(server))

    def log_of(self, key):
        with open(self.logs[key], errors="replace") as f:
            return f.read()

    def token(self):
        return subprocess.run([self.cdnlab, "realnet", "federation-token", self.scenario, "--as", "cp-bulk",
                               "--ttl-s", "3600"], check=True, capture_output=True, text=True).stdout.strip()

    def stop(self, keep=False):
        stop_processes(self.procs)
        if not keep:
            shutil.rmtree(self.work, ignore_errors=True)

    def dump_logs(self):
        for key in self.logs:
            print(f"--- {key}")
            print("\n".join(self.log_of(key).splitlines()[-25:]))

    # --- HTTP, with curl ---
    def post(self, token, body_file):
        """POSTs a trigger command; returns (HTTP code, Location, body)."""
        headers = os.path.join(self.work, "post-headers")
        out = os.path.join(self.work, "post-body")
        code = subprocess.run(["curl", "-sS", "--max-time", "60", "-o", out, "-D", headers, "-w", "%{http_code}",
                               "-H", "Authorization: Bearer " + token, "-H", "Content-Type: " + COMMAND_TYPE,
                               "--data-binary", "@" + body_file, self.api + "/triggers"],
                              check=True, capture_output=True, text=True).stdout
        location = ""
        with open(headers) as f:
            for line in f:
                if line.lower().startswith("location:"):
                    location = line.split(":", 1)[1].strip()
        with open(out, errors="replace") as f:
            return int(code), location, f.read()

    def status(self, token, url):
        """The status resource, less its (large) trigger echo; None when unreadable."""
        got = subprocess.run(["curl", "-sS", "--max-time", "30", "-H", "Authorization: Bearer " + token, url],
                             capture_output=True, text=True)
        try:
            resource = json.loads(got.stdout)
        except ValueError:
            return None
        resource.pop("trigger", None)
        return resource

    # --- what the caches hold ---
    def files_of(self, server):
        root = os.path.join(self.work, "cache", server)
        out = set()
        for d, _, names in os.walk(root):
            for n in names:
                if not n.startswith(".cdnlab-"):
                    out.add(os.path.relpath(os.path.join(d, n), root))
        return out

    def stale_of(self, server):
        index = os.path.join(self.work, "cache", server, ".cdnlab-index.json")
        if not os.path.exists(index):
            return set()
        with open(index) as f:
            objects = json.load(f)["objects"]
        return {o["url"] for o in objects.values() if o.get("stale")}


def baseline_seconds(testbed):
    """The same cache work with no federation at all, on a copy of the caches: the files a purge
    selects deleted with os.remove; for an invalidate, the caches walked, the 10,000 patterns'
    prefixes checked and each server's index written once (what an agent must do at least)."""
    copy = os.path.join(testbed.work, "baseline")
    shutil.copytree(os.path.join(testbed.work, "cache"), copy)
    begin = time.monotonic()
    if testbed.kind == "purge":
        wanted = {cache_path(purge_url(i)) for i in range(100000)}
        for server in SERVERS:
            for d, _, names in os.walk(os.path.join(copy, server)):
                for n in names:
                    path = os.path.join(d, n)
                    if os.path.relpath(path, os.path.join(copy, server)) in wanted:
                        os.remove(path)
    else:
        prefixes = {pattern_url(i)[:-1].split("://", 1)[1] for i in range(10000)}
        for server in SERVERS:
            root = os.path.join(copy, server)
            stale = {}
            for d, _, names in os.walk(root):
                for n in names:
                    rel = os.path.relpath(os.path.join(d, n), root)
                    if rel.rsplit("/", 1)[0] + "/" in prefixes:
                        stale[rel] = {"url": "https://" + rel, "stale": True}
            with open(os.path.join(root, ".cdnlab-index.json"), "w") as f:
                json.dump({"objects": stale}, f)
    elapsed = time.monotonic() - begin
    shutil.rmtree(copy, ignore_errors=True)
    return elapsed
