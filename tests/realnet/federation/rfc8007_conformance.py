#!/usr/bin/env python3
"""RFC 8007 (CDNI Control Interface / Triggers) conformance of the federation gateway's HTTP API,
judged with curl (a client nobody here wrote) against real processes on loopback.

Each case re-creates one exchange of RFC 8007 section 6 (request headers and bodies as the RFC
shows them) or one rule of sections 5 and 5.2.6, and checks the response: status, headers, body
members. ctest runs every case on its own (`federation_rfc8007_<case>`). A case starts two
gateways (cdn-a, and cdn-b that cdn-a delegates to) and the agents of three servers, on free
ports, with a scenario written here; the configuration "rfc" serves the RFC examples' hosts
(www.example.com, metadata https://metadata.example.com/a/b/c) so the RFC bodies work verbatim.
"archive" is carried by a server whose agent never runs: its triggers stay active.

  rfc8007_conformance.py CDNLAB_BINARY CASE     run one case
  rfc8007_conformance.py CDNLAB_BINARY --list   the case names
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


class Failure(Exception):
    pass


def expect(condition, message, detail=""):
    if not condition:
        raise Failure(message + ("\n--- detail ---\n" + str(detail) if detail else ""))


def free_port(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


COMMAND_TYPE = "application/cdni; ptype=ci-trigger-command"
STATUS_TYPE = "application/cdni; ptype=ci-trigger-status"
COLLECTION_TYPE = "application/cdni; ptype=ci-trigger-collection"
HTTP_DATE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                       r"\d{4} \d\d:\d\d:\d\d GMT$")

# RFC 8007 section 6.1.1: pre-positioning (the request body as the RFC shows it).
RFC_PREPOSITION = """{
  "trigger": {
    "type": "preposition",

    "metadata.urls": [ "https://metadata.example.com/a/b/c" ],
    "content.urls": [
        "https://www.example.com/a/b/c/1",
        "https://www.example.com/a/b/c/2",
        "https://www.example.com/a/b/c/3",
        "https://www.example.com/a/b/c/4"
      ]
  },
  "cdn-path": [ "AS64496:0" ]
}"""

# RFC 8007 section 6.1.2: invalidation with patterns.
RFC_INVALIDATE = """{
  "trigger": {
    "type": "invalidate",

    "metadata.patterns": [
        { "pattern": "https://metadata.example.com/a/b/*" }
      ],

    "content.urls": [ "https://www.example.com/a/index.html" ],
    "content.patterns": [
        { "pattern": "https://www.example.com/a/b/*",
          "case-sensitive": true
        }
      ]
  },
  "cdn-path": [ "AS64496:0" ]
}"""

# RFC 8007 section 6's error example: content under a host the dCDN has no metadata for.
RFC_ERROR_PREPOSITION = """{
  "trigger": {
    "type": "preposition",
    "content.urls": [ "https://newsite.example.com/index.html" ]
  },
  "cdn-path": [ "AS64496:0" ]
}"""

# The request headers of the RFC's examples (curl adds Host and Content-Length itself).
RFC_HEADERS = ["User-Agent: example-user-agent/0.1", "Accept: */*"]

RFC_OBJECTS = ["www.example.com/a/b/c/1", "www.example.com/a/b/c/2", "www.example.com/a/b/c/3",
               "www.example.com/a/b/c/4", "www.example.com/a/index.html", "www.example.com/a/b/x.html"]
SERVERS_WITH_AGENTS = ["a-p1", "a-e1", "b-p1"]


def scenario(nodes, http):
    node_lines = "\n".join(f"    {n}: 127.0.0.1:{p}" for n, p in nodes.items())
    http_lines = "\n".join(f"    {n}: 127.0.0.1:{p}" for n, p in http.items())
    return f"""name: federation-rfc8007
seed: 7
duration_s: 60
routers:
  - {{id: r-lo, lat: 0, lon: 0}}
federation:
  participants:
    - {{id: cdn-a, secret: cdn-a-rfc8007-secret-2026}}
    - {{id: cdn-b, secret: cdn-b-rfc8007-secret-2026}}
    - {{id: cp-rfc, secret: cp-rfc-rfc8007-secret-2026}}
    - {{id: cp-other, secret: cp-other-rfc8007-secret-2026}}
  platforms:
    - id: cdn-a
      gateway_at: r-lo
      supports: [preposition, invalidate, purge]
      servers:
        - {{id: a-p1, tier: parent, at: r-lo}}
        - {{id: a-e1, tier: edge, parent: a-p1, at: r-lo}}
        - {{id: a-x1, tier: edge, parent: a-p1, at: r-lo}}
    - id: cdn-b
      gateway_at: r-lo
      supports: [preposition, invalidate, purge]
      servers:
        - {{id: b-p1, tier: parent, at: r-lo}}
  providers:
    - {{id: cp-rfc, platform: cdn-a}}
    - {{id: cp-other, platform: cdn-a}}
  configurations:
    - id: rfc
      provider: cp-rfc
      hosts: [www.example.com]
      metadata_url: https://metadata.example.com/a/b/c
      deployments:
        - {{platform: cdn-a, servers: [a-p1, a-e1]}}
        - {{platform: cdn-b, delegated_by: cdn-a, servers: [b-p1]}}
    - id: archive
      provider: cp-rfc
      hosts: [archive.example.com]
      metadata_url: https://metadata.example.com/archive
      deployments:
        - {{platform: cdn-a, servers: [a-x1]}}
    - id: other
      provider: cp-other
      hosts: [www.other.example]
      metadata_url: https://metadata.other.example/x
      deployments:
        - {{platform: cdn-a, servers: [a-p1]}}
  retry:
    initial_ms: 100
    multiplier: 2
    max_ms: 1000
    max_attempts: 200
    jitter: 0.1
    poll_interval_s: 1
    give_up_after_s: 300
realnet:
  federation_nodes:
{node_lines}
  federation_http:
{http_lines}
"""


class Response:
    def __init__(self, code, headers, body):
        self.code = code
        self.headers = headers  # lower-case name -> value (the last one)
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError as e:
            raise Failure(f"not JSON ({e}): {self.body!r}")

    def __str__(self):
        return f"HTTP {self.code} {self.headers}\n{self.body}"


class Federation:
    """Gateways cdn-a and cdn-b with their agents, on free ports, stopped by close()."""

    def __init__(self, binary):
        self.binary = binary
        self.work = tempfile.mkdtemp(prefix="cdnlab-rfc8007.")
        self.procs = []
        nodes = {n: free_port(socket.SOCK_DGRAM) for n in ["cdn-a-gw", "cdn-b-gw", "a-p1", "a-e1", "a-x1", "b-p1"]}
        http = {p: free_port(socket.SOCK_STREAM) for p in ["cdn-a", "cdn-b"]}
        self.base = {p: f"http://127.0.0.1:{port}" for p, port in http.items()}
        self.scenario = os.path.join(self.work, "scenario.yaml")
        with open(self.scenario, "w") as f:
            f.write(scenario(nodes, http))
        for obj in RFC_OBJECTS:
            self.put(os.path.join(self.work, "origin", obj))
        for s in SERVERS_WITH_AGENTS:
            for obj in RFC_OBJECTS[4:]:  # cached already: what an invalidate marks stale
                self.put(os.path.join(self.work, "cache", s, obj))
        try:
            for p in ["cdn-a", "cdn-b"]:
                self.start(p, ["federation-gateway", self.scenario, "--platform", p, "--journal",
                               os.path.join(self.work, p + ".journal"), "--allow-plain-bearer"], "HTTP API on")
            for s in SERVERS_WITH_AGENTS:
                self.start(s, ["federation-agent", self.scenario, "--server", s, "--cache-dir",
                               os.path.join(self.work, "cache", s), "--origin-dir", os.path.join(self.work, "origin")],
                           "cache ")
            self.tokens = {who: self.token(who) for who in ["cp-rfc", "cp-other", "cdn-a"]}
        except BaseException:
            self.close()
            raise

    @staticmethod
    def put(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(path + "\n")

    def start(self, name, args, ready):
        log = os.path.join(self.work, name + ".log")
        proc = subprocess.Popen([self.binary, "realnet"] + args, stdout=subprocess.DEVNULL,
                                stderr=open(log, "w"))
        self.procs.append((name, proc, log))
        deadline = time.time() + 15
        while time.time() < deadline:
            if proc.poll() is not None:
                raise Failure(f"{name} exited: {open(log).read()}")
            if ready in open(log).read():
                return
            time.sleep(0.05)
        raise Failure(f"{name} not ready within 15 s: {open(log).read()}")

    def token(self, who):
        out = subprocess.run([self.binary, "realnet", "federation-token", self.scenario, "--as", who, "--ttl-s", "600"],
                             capture_output=True, text=True, check=True)
        return out.stdout.strip()

    def close(self):
        for _, proc, _ in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for _, proc, _ in self.procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(self.work, ignore_errors=True)

    def logs(self):
        return "\n".join(f"--- {n}\n" + "".join(open(log).readlines()[-20:]) for n, _, log in self.procs)

    def curl(self, method, url, who="cp-rfc", body=None, headers=()):
        """One request with curl; the status, headers and body it printed."""
        head = os.path.join(self.work, "headers")
        out = os.path.join(self.work, "body")
        args = ["curl", "-sS", "--max-time", "10", "-o", out, "-D", head, "-w", "%{http_code}"]
        args += ["-I"] if method == "HEAD" else ["-X", method]
        args += ["-H", f"Authorization: Bearer {self.tokens[who]}"]
        for h in headers:
            args += ["-H", h]
        if body is not None:
            args += ["-H", f"Content-Type: {COMMAND_TYPE}", "--data-binary", body]
        args.append(url)
        done = subprocess.run(args, capture_output=True, text=True)
        if done.returncode != 0:
            raise Failure(f"curl {method} {url} failed: {done.stderr}")
        parsed = {}
        with open(head, newline="") as f:  # keep the CRLFs that separate responses
            blocks = [b for b in f.read().split("\r\n\r\n") if b.strip()]
        for line in blocks[-1].split("\r\n")[1:]:  # the final response, after any 100 Continue
            if ":" in line:
                name, value = line.split(":", 1)
                parsed[name.strip().lower()] = value.strip()
        text = ""
        if method != "HEAD" and os.path.exists(out):  # curl -I writes the headers there, not a body
            with open(out) as f:
                text = f.read()
            os.unlink(out)
        return Response(int(done.stdout), parsed, text)

    def create(self, body, who="cp-rfc", platform="cdn-a"):
        """POSTs a trigger with the RFC's request headers; checks 201 + Location; returns both."""
        r = self.curl("POST", self.base[platform] + "/triggers", who, body, RFC_HEADERS)
        expect(r.code == 201, "a trigger is created with 201", r)
        location = r.header("Location") or ""
        expect(re.fullmatch(re.escape(self.base[platform]) + r"/triggers/[^/]+", location),
               f"Location names the status resource under {self.base[platform]}/triggers/", r)
        expect(r.header("Content-Type") == STATUS_TYPE, "201 carries the status resource's type", r)
        return r, location

    def wait_status(self, url, wanted, who="cp-rfc", seconds=30):
        deadline = time.time() + seconds
        last = None
        while time.time() < deadline:
            last = self.curl("GET", url, who)
            if last.code == 200 and last.json().get("status") in wanted:
                return last
            time.sleep(0.1)
        raise Failure(f"{url} never became {wanted}; last: {last}\n{self.logs()}")


def check_status_resource(r, trigger_type):
    """The members RFC 8007 section 5.1.2 requires of a Trigger Status Resource."""
    doc = r.json()
    for member in ["trigger", "ctime", "mtime", "status"]:
        expect(member in doc, f"status resource has '{member}'", r)
    expect(doc["trigger"]["type"] == trigger_type, f"the trigger echoed with type {trigger_type}", r)
    expect(isinstance(doc["ctime"], int) and isinstance(doc["mtime"], int), "ctime/mtime are integers", r)
    expect(doc["status"] in ["pending", "active", "complete", "processed", "failed", "cancelling", "cancelled"],
           "status is one of the RFC's values", r)
    return doc


def check_cacheable(r):
    """Validators and freshness as in RFC 8007 section 6's responses."""
    expect(re.fullmatch(r'"[^"]+"', r.header("ETag") or ""), "a strong ETag", r)
    expect(r.header("Cache-Control") == "max-age=60", "Cache-Control: max-age=60 (as in RFC 8007 section 6)", r)
    expect(HTTP_DATE.match(r.header("Expires") or ""), "an Expires date", r)
    expect(HTTP_DATE.match(r.header("Date") or ""), "a Date", r)


@case
def create_preposition(fed):
    """6.1.1: POST a pre-position; 201, Location, the status resource; it completes on every server."""
    r, location = fed.create(RFC_PREPOSITION)
    doc = check_status_resource(r, "preposition")
    expect(doc["trigger"]["content.urls"] == [f"https://www.example.com/a/b/c/{i}" for i in range(1, 5)],
           "the trigger's content.urls echoed", r)
    expect(doc["trigger"]["metadata.urls"] == ["https://metadata.example.com/a/b/c"], "metadata.urls echoed", r)
    expect(doc["status"] in ["pending", "active"], "a new trigger is pending or active", r)
    done = fed.wait_status(location, ["complete"])
    expect("etime" in done.json(), "a final status resource has etime", done)
    for s in SERVERS_WITH_AGENTS:  # cdn-b's b-p1 through the cascade
        for i in range(1, 5):
            path = os.path.join(fed.work, "cache", s, f"www.example.com/a/b/c/{i}")
            expect(os.path.exists(path), f"{s} holds object {i} after the pre-position", path)


@case
def create_invalidate(fed):
    """6.1.2: POST an invalidation with metadata and content patterns; 201, then complete."""
    r, location = fed.create(RFC_INVALIDATE)
    doc = check_status_resource(r, "invalidate")
    expect(doc["trigger"]["content.patterns"] == [{"pattern": "https://www.example.com/a/b/*",
                                                     "case-sensitive": True}], "content.patterns echoed", r)
    expect(doc["trigger"]["metadata.patterns"] == [{"pattern": "https://metadata.example.com/a/b/*"}],
           "metadata.patterns echoed", r)
    fed.wait_status(location, ["complete"])


@case
def collections(fed):
    """6.2.1 and 6.2.2: the Trigger Collection and its filtered views (pending, active, complete, failed)."""
    _, complete = fed.create(RFC_PREPOSITION)
    fed.wait_status(complete, ["complete"])
    _, active = fed.create('{"trigger": {"type": "purge", "content.urls": ["https://archive.example.com/x"]},'
                           ' "cdn-path": ["AS64496:0"]}')
    fed.wait_status(active, ["active"])
    _, failed = fed.create(RFC_ERROR_PREPOSITION)
    fed.wait_status(failed, ["failed"])
    r = fed.curl("GET", fed.base["cdn-a"] + "/triggers", headers=RFC_HEADERS)
    expect(r.code == 200 and r.header("Content-Type") == COLLECTION_TYPE, "200, ci-trigger-collection", r)
    check_cacheable(r)
    doc = r.json()
    expect(sorted(doc["triggers"]) == sorted([complete, active, failed]), "every trigger of the caller, by URL", r)
    expect(doc.get("staleresourcetime") == 86400, "staleresourcetime (24 h, as recommended)", r)
    expect(doc.get("cdn-id") == "cdn-a", "cdn-id", r)
    for name in ["pending", "active", "complete", "failed"]:
        expect(doc.get("coll-" + name) == fed.base["cdn-a"] + "/triggers/" + name, f"coll-{name} link", r)
    views = {}
    for name in ["pending", "active", "complete", "failed"]:
        v = fed.curl("GET", doc["coll-" + name], headers=RFC_HEADERS)
        expect(v.code == 200 and v.header("Content-Type") == COLLECTION_TYPE, f"/triggers/{name}: 200", v)
        check_cacheable(v)
        views[name] = v.json()["triggers"]
    expect(views == {"pending": [], "active": [active], "complete": [complete], "failed": [failed]},
           "each trigger in exactly the view of its status", views)
    # Another participant sees none of them.
    other = fed.curl("GET", fed.base["cdn-a"] + "/triggers", who="cp-other")
    expect(other.json()["triggers"] == [], "collections are per participant", other)


@case
def status_resource(fed):
    """6.2.3: GET a Trigger Status Resource: 200, its type, validators, Last-Modified, members."""
    _, location = fed.create(RFC_PREPOSITION)
    fed.wait_status(location, ["complete"])
    r = fed.curl("GET", location, headers=RFC_HEADERS)
    expect(r.code == 200 and r.header("Content-Type") == STATUS_TYPE, "200, ci-trigger-status", r)
    check_cacheable(r)
    expect(HTTP_DATE.match(r.header("Last-Modified") or ""), "Last-Modified (the mtime)", r)
    doc = check_status_resource(r, "preposition")
    expect(doc["status"] == "complete" and doc["etime"] >= doc["ctime"], "complete, etime >= ctime", r)
    head = fed.curl("HEAD", location)
    expect(head.code == 200 and head.header("ETag") == r.header("ETag") and
           head.header("Content-Length") == str(len(r.body.encode())), "HEAD: the GET's headers", head)
    other = fed.curl("GET", location, who="cp-other")
    expect(other.code == 404, "another participant's trigger does not exist for it", other)


@case
def etag_304(fed):
    """6.2.4: polling with If-None-Match: 304 while unchanged (weak comparison), 200 once changed."""
    _, location = fed.create(RFC_PREPOSITION)
    fed.wait_status(location, ["complete"])
    first = fed.curl("GET", location)
    etag = first.header("ETag")
    for tag in [etag, "W/" + etag, '"nope", ' + etag, "*"]:
        r = fed.curl("GET", location, headers=RFC_HEADERS + [f"If-None-Match: {tag}"])
        expect(r.code == 304, f"If-None-Match: {tag} -> 304", r)
        expect(r.body == "" and r.header("ETag") == etag, "304: no body, the same ETag", r)
        check_cacheable(r)
    r = fed.curl("HEAD", location, headers=[f"If-None-Match: {etag}"])
    expect(r.code == 304, "HEAD with a matching If-None-Match -> 304", r)
    r = fed.curl("GET", location, headers=['If-None-Match: "something-else"'])
    expect(r.code == 200 and r.json()["status"] == "complete", "a stale tag gets the full 200", r)
    # A collection's tag changes when a trigger joins it.
    coll = fed.curl("GET", fed.base["cdn-a"] + "/triggers")
    unchanged = fed.curl("GET", fed.base["cdn-a"] + "/triggers", headers=[f"If-None-Match: {coll.header('ETag')}"])
    expect(unchanged.code == 304, "an unchanged collection -> 304", unchanged)
    fed.create(RFC_INVALIDATE)
    changed = fed.curl("GET", fed.base["cdn-a"] + "/triggers", headers=[f"If-None-Match: {coll.header('ETag')}"])
    expect(changed.code == 200 and changed.header("ETag") != coll.header("ETag"), "a changed collection -> 200",
           changed)


@case
def delete_204(fed):
    """6.2.5: DELETE a status resource: 204; then 404 and gone from every collection."""
    _, location = fed.create(RFC_PREPOSITION)
    fed.wait_status(location, ["complete"])
    r = fed.curl("DELETE", location, headers=RFC_HEADERS)
    expect(r.code == 204 and r.body == "", "DELETE -> 204 No Content", r)
    expect(fed.curl("GET", location).code == 404, "the deleted resource is gone")
    for view in ["", "/complete"]:
        c = fed.curl("GET", fed.base["cdn-a"] + "/triggers" + view)
        expect(location not in c.json()["triggers"], f"gone from /triggers{view}", c)
    again = fed.curl("DELETE", location)
    expect(again.code == 404, "a second DELETE -> 404", again)


@case
def error_emeta(fed):
    """Section 6's error example: content under a host not in the HostIndex: failed, "emeta"."""
    r, location = fed.create(RFC_ERROR_PREPOSITION)
    done = fed.wait_status(location, ["failed"])
    doc = check_status_resource(done, "preposition")
    expect(len(doc.get("errors", [])) == 1, "one Error Description", done)
    e = doc["errors"][0]
    expect(e["error"] == "emeta", "error emeta (no metadata for the host)", done)
    expect(e["content.urls"] == ["https://newsite.example.com/index.html"], "the URL the error applies to", done)
    expect("HostIndex" in e.get("description", ""), "a description naming the HostIndex", done)
    expect("etime" in doc, "failed is final: etime", done)
    # eperm is for what another participant owns (RFC 8007 section 5.2.6).
    _, stolen = fed.create('{"trigger": {"type": "purge", "content.urls": ["https://www.other.example/a"]},'
                           ' "cdn-path": []}')
    s = fed.wait_status(stolen, ["failed"]).json()
    expect([x["error"] for x in s["errors"]] == ["eperm"], "another provider's content -> eperm", s)


@case
def unknown_type_eunsupported(fed):
    """Section 5.2.6: an unknown trigger type is a status resource that fails with "eunsupported"."""
    r, location = fed.create('{"trigger": {"type": "x-reheat", "content.urls": ["https://www.example.com/a/b/c/1"]},'
                             ' "cdn-path": ["AS64496:0"]}')
    done = fed.wait_status(location, ["failed"])
    doc = check_status_resource(done, "x-reheat")
    expect([e["error"] for e in doc["errors"]] == ["eunsupported"], "error eunsupported", done)
    failed = fed.curl("GET", fed.base["cdn-a"] + "/triggers/failed").json()["triggers"]
    expect(location in failed, "listed in /triggers/failed", failed)
    # A malformed request is still refused outright: 400 naming the member.
    bad = fed.curl("POST", fed.base["cdn-a"] + "/triggers", body='{"trigger": {"type": 7}, "cdn-path": []}')
    expect(bad.code == 400 and "trigger.type" in bad.body, "a type that is no string -> 400", bad)


@case
def extension_members(fed):
    """Section 5: unknown members are ignored and passed on to downstream CDNs; "cdnlab." is ours."""
    body = ('{"trigger": {"type": "invalidate", "content.urls": ["https://www.example.com/a/index.html"],'
            ' "x-vendor-priority": {"level": 5}}, "cdn-path": ["AS64496:0"], "x-vendor-note": "ignored"}')
    r, location = fed.create(body)
    doc = check_status_resource(r, "invalidate")
    expect(doc["trigger"].get("x-vendor-priority") == {"level": 5}, "an unknown trigger member is kept", r)
    fed.wait_status(location, ["complete"])
    # cdn-b received it from cdn-a: its own status resource, visible to cdn-a, carries the member.
    downstream = fed.curl("GET", fed.base["cdn-b"] + "/triggers", who="cdn-a").json()["triggers"]
    expect(len(downstream) == 1, "cdn-a submitted one command to cdn-b", downstream)
    there = fed.curl("GET", downstream[0], who="cdn-a").json()
    expect(there["trigger"].get("x-vendor-priority") == {"level": 5}, "passed on down the cascade", there)
    for refused in ['{"trigger": {"type": "purge", "content.urls": ["https://www.example.com/a/index.html"],'
                    ' "cdnlab.priority": 1}, "cdn-path": []}',
                    '{"trigger": {"type": "purge", "content.urls": ["https://www.example.com/a/index.html"]},'
                    ' "cdn-path": [], "cdnlab.note": 1}']:
        bad = fed.curl("POST", fed.base["cdn-a"] + "/triggers", body=refused)
        expect(bad.code == 400 and "unknown cdnlab member" in bad.body, "an unknown cdnlab. member -> 400", bad)


@case
def cancel_errata(fed):
    """Cancel in errata 5064's shape; the status spellings cancelling/cancelled, error ecanceled."""
    _, location = fed.create('{"trigger": {"type": "purge", "content.urls": ["https://archive.example.com/x"]},'
                             ' "cdn-path": ["AS64496:0"]}')
    fed.wait_status(location, ["active"])
    r = fed.curl("POST", fed.base["cdn-a"] + "/triggers", body=json.dumps({"cancel": [location],
                                                                           "cdn-path": ["AS64496:0"]}))
    expect(r.code in (200, 202) and r.header("Content-Type") == COLLECTION_TYPE, "cancel -> 200/202, a collection", r)
    expect(r.json()["triggers"] == [location], "the cancelled trigger listed", r)
    done = fed.wait_status(location, ["cancelled"])
    expect([e["error"] for e in done.json()["errors"]] == ["ecanceled"], "error ecanceled", done)
    failed = fed.curl("GET", fed.base["cdn-a"] + "/triggers/failed").json()["triggers"]
    expect(location in failed, "a cancelled trigger is in /triggers/failed", failed)


def main():
    if len(sys.argv) == 3 and sys.argv[2] == "--list":
        print("\n".join(CASES))
        return 0
    if len(sys.argv) != 3 or sys.argv[2] not in CASES:
        print(__doc__, file=sys.stderr)
        return 2
    fed = Federation(sys.argv[1])
    try:
        CASES[sys.argv[2]](fed)
    except Failure as f:
        print(f"FAIL {sys.argv[2]}: {f}\n{fed.logs()}")
        return 1
    finally:
        fed.close()
    print(f"PASS {sys.argv[2]}: {CASES[sys.argv[2]].__doc__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
