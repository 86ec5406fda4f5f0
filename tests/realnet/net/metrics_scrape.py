#!/usr/bin/env python3
"""Every long-running `cdnlab realnet` service serves Prometheus metrics and health, and logs JSON.

Each service is started on loopback with `--metrics-listen 127.0.0.1:0 --log-format json`
(the port it got is read back from its log), then:
  - every stderr line it wrote is one JSON object with ts, service, level and msg;
  - GET /healthz is 200 "ok" (a DNS follower without a mapping: 503 naming why);
  - GET /metrics is text/plain; version=0.0.4 and passes `promtool check metrics` (Debian's
    prometheus package: syntax, HELP/TYPE, counter names, base units);
  - the families the service must expose are there, with values that follow what the test did
    (kdig queries counted by rcode and PoP, a beacon per verdict, a cache miss then a hit...).

  metrics_scrape.py CDNLAB_BINARY SOURCE_DIR
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../support"))
from waiting import wait_for  # noqa: E402

BINARY, SOURCE = sys.argv[1:3]
DATA = os.path.join(SOURCE, "tests/realnet/data")
WORK = tempfile.mkdtemp(prefix="cdnlab-metrics.")
PROCS = {}


def free_port(address="127.0.0.1"):
    """A port free for both TCP and UDP on `address` (DNS and the federation need both)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
            t.bind((address, 0))
            port = t.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                    u.bind((address, port))
                    return port
            except OSError:
                continue


def log_path(name):
    return os.path.join(WORK, name + ".log")


def start(name, args):
    """Starts `cdnlab realnet ARGS...` with metrics on a free port; returns that port."""
    with open(log_path(name), "w") as log:
        PROCS[name] = subprocess.Popen([BINARY, "realnet"] + args + ["--metrics-listen", "127.0.0.1:0",
                                                                      "--log-format", "json"],
                                       stdout=subprocess.DEVNULL, stderr=log)

    def port():
        if PROCS[name].poll() is not None:
            raise AssertionError(f"{name} exited ({PROCS[name].returncode}):\n" + open(log_path(name)).read())
        for line in open(log_path(name)):
            m = re.search(r"metrics on http://127\.0\.0\.1:(\d+)/metrics", line)
            if m:
                return int(m.group(1))
        return None
    return wait_for(f"{name}'s metrics port in its log", port)


def get(port, path):
    """(status, content type, body) of GET http://127.0.0.1:PORT/PATH."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


def curl(*args):
    return subprocess.run(["curl", "-sS", "--max-time", "5"] + list(args), capture_output=True, text=True)


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def scrape(name, port):
    """The service's metrics as {(name, ((label, value), ...)): value}, after promtool passed them."""
    status, content_type, text = get(port, "/metrics")
    assert status == 200, f"{name}: /metrics answered {status}"
    assert content_type.startswith("text/plain; version=0.0.4"), f"{name}: Content-Type {content_type}"
    check = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
    assert check.returncode == 0 and not check.stdout.strip() and not check.stderr.strip(), \
        f"{name}: promtool check metrics:\n{check.stdout}{check.stderr}\n--- metrics:\n{text}"
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, f"{name}: unparsable sample line {line!r}"
        labels = tuple(sorted(LABEL.findall(m.group(2) or "")))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def family(samples, name):
    """{labels: value} of every sample named `name`."""
    return {dict(k[1]).get("state", k[1]): v for k, v in samples.items() if k[0] == name}


def require(samples, service, *names):
    present = {k[0] for k in samples}
    missing = [n for n in names if n not in present]
    assert not missing, f"{service}: no {missing} in /metrics (has {sorted(present)})"


def healthy(name, port):
    status, _, body = get(port, "/healthz")
    assert (status, body.strip()) == (200, "ok"), f"{name}: /healthz {status} {body!r}"


def kdig(port, *args):
    return subprocess.run(["kdig", "@127.0.0.1", "-p", str(port), "+time=2", "+retry=1"] + list(args),
                          capture_output=True, text=True).stdout


def port_in_log(name, pattern):
    def find():
        m = re.search(pattern, open(log_path(name)).read())
        return int(m.group(1)) if m else None
    return wait_for(f"{pattern} in {name}'s log", find)


def scenario_copy(file, replacements):
    """A copy of a test scenario with its fixed addresses/ports replaced (other tests use those)."""
    text = open(os.path.join(DATA, file)).read()
    for old, new in replacements:
        text = text.replace(old, new)
    path = os.path.join(WORK, file)
    with open(path, "w") as f:
        f.write(text)
    return path


def check_dns():
    """A static-mapping server: queries counted by rcode and PoP; a follower with no mapping is not ready."""
    dns_port = free_port()
    metrics = start("dns", ["dns", os.path.join(DATA, "conformance_zone.yaml"), "--listen", f"127.0.0.1:{dns_port}",
                            "--udp-threads", "2"])
    healthy("dns", metrics)
    before = scrape("dns", metrics)
    require(before, "dns", "cdnlab_dns_received_total", "cdnlab_mapping_version", "cdnlab_mapping_age_seconds")
    assert "# TYPE cdnlab_dns_queries_total counter" in get(metrics, "/metrics")[2], \
        "dns: cdnlab_dns_queries_total not listed before the first query"
    assert value(before, "cdnlab_mapping_version") >= 1, "dns: a loaded static mapping has version 0"
    for _ in range(5):  # 10.1.0.0/24 is mapped to pop-a
        assert "192.0.2.10" in kdig(dns_port, "+short", "A", "cdn.example.net", "+subnet=10.1.0.0/24")
    for _ in range(2):  # 10.2.0.0/16 to pop-b, over TCP this time
        assert "198.51.100.20" in kdig(dns_port, "+tcp", "+short", "A", "cdn.example.net", "+subnet=10.2.0.0/16")
    assert "REFUSED" in kdig(dns_port, "A", "www.example.org")  # outside the zone
    after = scrape("dns", metrics)
    require(after, "dns", "cdnlab_dns_queries_total")
    grew = {labels: value(after, "cdnlab_dns_queries_total", rcode=r, pop=p) -
            value(before, "cdnlab_dns_queries_total", rcode=r, pop=p)
            for labels, (r, p) in {"a": ("NOERROR", "pop-a"), "b": ("NOERROR", "pop-b"),
                                   "refused": ("REFUSED", "none")}.items()}
    assert grew == {"a": 5, "b": 2, "refused": 1}, f"dns: queries counted {grew}, sent a:5 b:2 refused:1"
    assert value(after, "cdnlab_dns_received_total", transport="tcp") - \
        value(before, "cdnlab_dns_received_total", transport="tcp") == 2
    print(f"dns: ok, NOERROR pop-a +5, pop-b +2, REFUSED +1 ({len(after)} series)")

    # A follower whose controller never answers has no mapping: not ready, and says why.
    secret = os.path.join(WORK, "snapshot.secret")
    with open(secret, "w") as f:
        f.write("a long enough secret for signing snapshots\n")
    public = subprocess.run([BINARY, "realnet", "snapshot-key", "--secret-file", secret], capture_output=True,
                            text=True, check=True).stdout.strip()
    follower = start("dns-follower", ["dns", "--follow", f"127.0.0.1:{free_port()}", "--snapshot-public-key", public,
                                      "--listen", f"127.0.0.1:{free_port()}"])
    status, _, body = get(follower, "/healthz")
    assert status == 503 and "no mapping" in body, f"dns-follower: /healthz {status} {body!r}, expected 503"
    samples = scrape("dns-follower", follower)
    require(samples, "dns-follower", "cdnlab_mapping_version", "cdnlab_dns_snapshots_taken_total",
            "cdnlab_dns_snapshot_poll_failures_total")
    assert value(samples, "cdnlab_mapping_version") == 0
    print(f"dns follower without a controller: /healthz 503 {body.strip()!r}")


def check_routing():
    """Controller, probe agents (UDP and ICMP) and responders on their own loopback addresses."""
    controller_port, dns_port = free_port("127.0.0.1"), free_port("127.0.0.1")
    scenario = scenario_copy("loopback_routing.yaml", [
        ("127.0.1.", "127.0.91."), ("127.0.2.", "127.0.92."),
        ("controller: 127.0.3.1:17100", f"controller: 127.0.0.1:{controller_port}"),
        ("dns: 127.0.3.1:17153", f"dns: 127.0.0.1:{dns_port}")])
    ports = {"controller": start("controller", ["controller", scenario, "--policy", "measured",
                                                "--accept-unsigned-reports"])}
    for group in ("g1", "g2"):
        ports[f"responder-{group}"] = start(f"responder-{group}", ["responder", scenario, "--group", group])
    ports["agent-udp"] = start("agent-udp", ["probe-agent", scenario, "--pop", "pop-a", "--unsigned-reports"])
    ports["agent-icmp"] = start("agent-icmp", ["probe-agent", scenario, "--pop", "pop-b", "--unsigned-reports",
                                               "--method", "icmp"])
    for name, port in ports.items():
        healthy(name, port)

    def reported():
        s = scrape("controller", ports["controller"])
        accepted = sum(v for k, v in s.items() if k[0] == "cdnlab_controller_reports_accepted_total")
        return s if accepted >= 4 and value(s, "cdnlab_mapping_version") >= 1 else None
    controller = wait_for("reports accepted and a mapping at the controller", reported, 30)
    require(controller, "controller", "cdnlab_controller_reports_accepted_total",
            "cdnlab_controller_reports_rejected_total", "cdnlab_controller_probe_loss_ratio_count",
            "cdnlab_controller_probe_loss_ratio_last", "cdnlab_mapping_version", "cdnlab_mapping_age_seconds",
            "cdnlab_routing_mapping_updates_total")
    assert value(controller, "cdnlab_controller_reports_rejected_total", reason="forged") == 0
    assert value(controller, "cdnlab_mapping_age_seconds") >= 0
    answer = kdig(dns_port, "+short", "A", "cdn.example.net", "+subnet=10.1.0.0/24").strip()
    assert re.fullmatch(r"127\.0\.92\.\d", answer), f"controller DNS answered {answer!r}"
    after = scrape("controller", ports["controller"])
    assert sum(v for k, v in after.items() if k[0] == "cdnlab_dns_queries_total" and ("rcode", "NOERROR") in k[1]) \
        >= 1, "the controller's DNS answer was not counted"
    for agent in ("agent-udp", "agent-icmp"):
        s = scrape(agent, ports[agent])
        require(s, agent, "cdnlab_probe_trains_total", "cdnlab_agent_probes_sent_total",
                "cdnlab_agent_probes_lost_total", "cdnlab_agent_reports_sent_total", "cdnlab_probe_rtt_seconds_count")
        assert value(s, "cdnlab_probe_trains_total") >= 1, f"{agent}: no probe train counted"
    for group in ("g1", "g2"):
        s = scrape(f"responder-{group}", ports[f"responder-{group}"])
        assert value(s, "cdnlab_responder_probes_echoed_total") >= 1, f"responder-{group}: nothing echoed"
    loss = {k: v for k, v in controller.items() if k[0] == "cdnlab_controller_probe_loss_ratio_last"}
    print(f"routing: ok, {len(loss)} (pop, group) loss gauges, controller DNS answered {answer}")


def check_federation():
    """A gateway with its agents; one trigger POSTed with curl is counted in exactly one state."""
    text = open(os.path.join(DATA, "federation_loopback.yaml")).read()
    realnet = text.index("\nrealnet:")
    ports = sorted(set(re.findall(r"127\.0\.0\.1:(\d+)", text[realnet:])))
    scenario = scenario_copy("federation_loopback.yaml",
                             [(f"127.0.0.1:{p}", f"127.0.0.1:{free_port()}") for p in ports])
    api = int(re.search(r"cdn-a: 127\.0\.0\.1:(\d+)", open(scenario).read()[realnet:]).group(1))
    origin = os.path.join(WORK, "origin")
    os.makedirs(origin, exist_ok=True)
    metrics = {"gateway": start("gateway", ["federation-gateway", scenario, "--platform", "cdn-a", "--journal",
                                            os.path.join(WORK, "cdn-a.journal"), "--allow-plain-bearer"])}
    for server in ("a-p1", "a-e2"):
        os.makedirs(os.path.join(WORK, "cache-" + server), exist_ok=True)
        metrics[server] = start(server, ["federation-agent", scenario, "--server", server, "--cache-dir",
                                         os.path.join(WORK, "cache-" + server), "--origin-dir", origin])
    for name, port in metrics.items():
        healthy(name, port)
    token = subprocess.run([BINARY, "realnet", "federation-token", scenario, "--as", "cp-video", "--ttl-s", "600"],
                           capture_output=True, text=True, check=True).stdout.strip()
    posted = curl("-o", "/dev/null", "-w", "%{http_code}", "-H", f"Authorization: Bearer {token}", "-H",
                  "Content-Type: application/cdni; ptype=ci-trigger-command", "--data-binary",
                  '{"trigger": {"type": "invalidate", "content.urls": ["https://vod.video.example/m1/master.m3u8"]},'
                  ' "cdn-path": []}', f"http://127.0.0.1:{api}/triggers")
    assert posted.stdout == "201", f"trigger POST answered {posted.stdout} {posted.stderr}"
    s = scrape("gateway", metrics["gateway"])
    require(s, "gateway", "cdnlab_federation_commands", "cdnlab_http_requests_total",
            "cdnlab_http_tls_handshake_failures_total", "cdnlab_federation_messages_sent_total")
    states = family(s, "cdnlab_federation_commands")
    assert len(states) == 7 and sum(states.values()) == 1, f"gateway: commands by state {states}, one POSTed"
    assert value(s, "cdnlab_http_requests_total", server="api") >= 1
    for server in ("a-p1", "a-e2"):
        require(scrape(server, metrics[server]), server, "cdnlab_federation_agent_commands_applied_total")
    print(f"federation: ok, commands by state {({k: v for k, v in states.items() if v})}")


def check_streaming():
    """Balancer, an ingest given one segment with curl, a mid-tier cache: a miss, then a hit."""
    ip = "127.0.0.1"
    vip, admin, ingest_http, health, announce_from, relay, cache_http = (free_port() for _ in range(7))
    metrics = {"balancer": start("balancer", ["stream-balancer", "--listen", f"{ip}:{vip}", "--admin",
                                              f"{ip}:{admin}", "--plain-http"]),
               "ingest": start("ingest", ["stream-ingest", "--id", "ingest-1", "--listen", f"{ip}:{ingest_http}",
                                          "--health", f"{ip}:{health}", "--announce-from", f"{ip}:{announce_from}",
                                          "--relay", f"{ip}:{relay}", "--register", f"{ip}:{admin}",
                                          "--target-duration-s", "1", "--plain-http"]),
               "cache": start("cache", ["stream-cache", "--id", "mid-1", "--tier", "mid", "--listen",
                                        f"{ip}:{cache_http}", "--announce", f"{ip}:{relay}", "--plain-http"])}
    for name, port in metrics.items():
        healthy(name, port)
    segment = os.path.join(WORK, "seg-0.ts")
    with open(segment, "wb") as f:
        f.write(b"\x47" + bytes(187))  # one MPEG-TS packet's worth
    playlist = os.path.join(WORK, "playlist.m3u8")
    with open(playlist, "w") as f:
        f.write("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1.000,\nseg-0.ts\n")
    for file, path in ((segment, "seg-0.ts"), (playlist, "playlist.m3u8")):  # as ffmpeg -method PUT does
        put = curl("-f", "-T", file, f"http://{ip}:{vip}/news/{path}")
        assert put.returncode == 0, f"PUT {path} through the balancer: {put.stderr}"
    ingest = wait_for("the ingest's session", lambda: (lambda s: s if value(
        s, "cdnlab_ingest_sessions_started_total") == 1 else None)(scrape("ingest", metrics["ingest"])))
    require(ingest, "ingest", "cdnlab_ingest_sessions_active", "cdnlab_ingest_sessions_ended_total",
            "cdnlab_http_requests_total")
    assert value(ingest, "cdnlab_ingest_sessions_active") == 1
    wait_for("the cache serving the segment",
             lambda: curl("-f", "-o", "/dev/null", f"http://{ip}:{cache_http}/news/seg-0.ts").returncode == 0)
    before = scrape("cache", metrics["cache"])
    assert curl("-f", "-o", "/dev/null", f"http://{ip}:{cache_http}/news/seg-0.ts").returncode == 0
    cache = scrape("cache", metrics["cache"])
    require(cache, "cache", "cdnlab_cache_hits_total", "cdnlab_cache_misses_total", "cdnlab_cache_collapsed_total",
            "cdnlab_http_requests_total")
    assert value(cache, "cdnlab_cache_misses_total") >= 1, "cache: the first fetch was no miss"
    assert value(cache, "cdnlab_cache_hits_total") - value(before, "cdnlab_cache_hits_total") == 1, \
        "cache: the second fetch of a segment was no hit"
    balancer = scrape("balancer", metrics["balancer"])
    require(balancer, "balancer", "cdnlab_balancer_members", "cdnlab_http_requests_total")
    assert value(balancer, "cdnlab_balancer_members") == 1
    assert value(balancer, "cdnlab_http_requests_total", server="vip") >= 2
    print("streaming: ok, 1 ingest session, cache miss then hit")


def check_rum():
    """The collector counts a beacon per verdict; the object server counts what it served."""
    listen, objects = free_port(), free_port()
    scenario = os.path.join(DATA, "rum_loopback.yaml")
    metrics = {"rum-collector": start("rum-collector", ["rum-collector", scenario, "--listen", f"127.0.0.1:{listen}",
                                                        "--object-port", str(objects), "--plain-http"]),
               "rum-object-server": start("rum-object-server", ["rum-object-server", "--listen",
                                                                f"127.0.0.1:{objects}", "--plain-http"])}
    for name, port in metrics.items():
        healthy(name, port)
    now = time.time()
    timing = '{"pop":"pop-fast","ok":true,"rtt_ms":12.5,"dur_ms":30.1,"bytes":10000}'
    for page_view, at in (("pv-now", now), ("pv-old", now - 86400)):  # accepted, then stale
        curl("-o", "/dev/null", "-H", "Content-Type: application/json", "--data-binary",
             f'{{"v":1,"pv":"{page_view}","t":{at},"m":[{timing}]}}', f"http://127.0.0.1:{listen}/rum/beacon")
    s = scrape("rum-collector", metrics["rum-collector"])
    require(s, "rum-collector", "cdnlab_rum_beacons_total", "cdnlab_http_requests_total")
    verdicts = {dict(k[1])["verdict"]: v for k, v in s.items() if k[0] == "cdnlab_rum_beacons_total"}
    assert verdicts.get("accepted") == 1 and verdicts.get("stale") == 1 and sum(verdicts.values()) == 2, \
        f"rum-collector: beacons by verdict {verdicts}"
    assert curl("-f", "-o", "/dev/null", f"http://127.0.0.1:{objects}/").returncode in (0, 22)
    s = scrape("rum-object-server", metrics["rum-object-server"])
    require(s, "rum-object-server", "cdnlab_rum_objects_served_total", "cdnlab_http_requests_total")
    assert value(s, "cdnlab_http_requests_total", server="objects") >= 1
    print(f"rum: ok, beacons by verdict {({k: v for k, v in verdicts.items() if v})}")


def check_json_logs():
    for name in PROCS:
        lines = [line for line in open(log_path(name)).read().splitlines() if line.strip()]
        assert lines, f"{name}: logged nothing"
        for line in lines:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as e:
                raise AssertionError(f"{name}: log line is not JSON ({e}): {line!r}")
            missing = {"ts", "service", "level", "msg"} - set(entry)
            assert not missing, f"{name}: log line without {missing}: {line!r}"
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["ts"]), line
    print(f"logs: every line of {len(PROCS)} services is a JSON object")


def main():
    failed = True
    try:
        check_dns()
        check_routing()
        check_federation()
        check_streaming()
        check_rum()
        for proc in PROCS.values():  # the summary lines at exit are JSON too
            proc.send_signal(signal.SIGTERM)
        for name, proc in PROCS.items():
            assert proc.wait(timeout=10) == 0, f"{name} exited {proc.returncode} on SIGTERM"
        check_json_logs()
        failed = False
    finally:
        for proc in PROCS.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if failed:
            for name in PROCS:
                print(f"--- {name}.log (last lines)")
                print("".join(open(log_path(name)).readlines()[-15:]))
        subprocess.run(["rm", "-rf", WORK])


if __name__ == "__main__":
    main()
