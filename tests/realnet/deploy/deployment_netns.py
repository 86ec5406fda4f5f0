#!/usr/bin/env python3
"""The deployment example (realnet/deploy/) end to end, one network namespace per host.

Every service runs the command line of its systemd unit, read from the unit and env files
(systemd_unit.py; paths moved into a temporary directory), as an unprivileged user with only
the unit's AmbientCapabilities (setpriv), and writing only where ProtectSystem=strict lets it,
with the keys and certificates of make-keys.sh (made for that user's group). Hosts from the example scenario: the controller, dns-1 and dns-2, three PoPs of
two servers (probe agent, RUM test objects, federation agents), three client groups
(responders), the RUM collector, the federation gateway, and a client running kdig and curl.
  0. `systemd-analyze verify` accepts every unit instance without a word;
  1. the controller's DNS and both followers answer each group's subnet (ECS) with the same PoP;
  2. the snapshot channel (mutual TLS) serves a DNS server's certificate and refuses curl
     without a client certificate and with one from another CA;
  2b. every service answers /healthz with 200 and serves /metrics that promtool accepts;
  3. the RUM page and each PoP server's test object are served over HTTPS; the federation API answers a
     provider's bearer token over mutual TLS, and refuses a client without a certificate; a
     purge through it completes and the object is gone from every server's cache;
  4. the PoP answering the first group loses its link: every answer, on every DNS server,
     moves to another PoP;
  5. no service died; the controller accepted signed reports and refused none; every log line
     is JSON; the controller kept its mapping in its state directory.

  deployment_netns.py CDNLAB_BINARY SOURCE_DIR      (root: ip netns)
"""
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns_lab import Lab, remove_stale  # noqa: E402
from systemd_unit import ServiceCommand, UnitError  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../support"))
from waiting import wait_for  # noqa: E402
from processes import stop_processes  # noqa: E402


# Who the services run as: the units say User=cdnlab, Group=cdnlab; Debian always has these.
SERVICE_USER, SERVICE_GROUP = "nobody", "nogroup"
# Flags naming what a service writes: under ProtectSystem=strict only its StateDirectory and
# ReadWritePaths are writable.
WRITING_FLAGS = ("--state-dir", "--journal", "--state-out", "--cache-dir")


def as_unit_user(svc):
    """setpriv in front of the command: the unit's user and only its AmbientCapabilities."""
    caps = "".join(f",+{c.lower().removeprefix('cap_')}" for v in svc.setting("AmbientCapabilities") for c in v.split())
    prefix = ["setpriv", f"--reuid={SERVICE_USER}", f"--regid={SERVICE_GROUP}", "--clear-groups", "--no-new-privs",
              f"--inh-caps=-all{caps}", f"--bounding-set=-all{caps}"]
    if caps:
        prefix.append(f"--ambient-caps={caps[1:]}")
    return prefix + svc.argv


def check_writable(svc):
    """Every path the command line writes lies in a StateDirectory or ReadWritePaths of the unit."""
    writable = svc.state_directories + [p for v in svc.setting("ReadWritePaths") for p in v.split()]
    for flag in WRITING_FLAGS:
        path = svc.option(flag)
        if path and not any(path == w or path.startswith(w.rstrip("/") + "/") for w in writable):
            raise AssertionError(f"{svc.name}: {flag} {path} is read-only under ProtectSystem=strict "
                                 f"(writable: {writable})")


def host_of(endpoint):
    return endpoint.rsplit(":", 1)[0]


class Deployment:
    """The example's files in a temporary /etc, /var/lib..., and its unit instances."""

    def __init__(self, binary, source, work):
        deploy = os.path.join(source, "realnet/deploy")
        self.sources = os.path.join(deploy, "systemd")
        self.work = work
        self.etc = os.path.join(work, "etc/cdnlab")
        self.state_root = os.path.join(work, "var/lib")
        os.makedirs(self.etc)
        for f in glob.glob(os.path.join(deploy, "etc/*.env")) + [os.path.join(deploy, "cdnlab.yaml")]:
            shutil.copy(f, self.etc)
        self.remap = {"/usr/local/bin/cdnlab": binary, "/etc/cdnlab": self.etc,
                      "/var/lib/cdnlab": os.path.join(self.state_root, "cdnlab"),
                      "/var/cache/cdnlab": os.path.join(work, "var/cache/cdnlab"),
                      "/srv/cdnlab": os.path.join(work, "srv/cdnlab")}
        # The units with the paths moved, for systemd-analyze (the test reads the originals).
        self.units = os.path.join(work, "units")
        os.makedirs(self.units)
        for unit in glob.glob(os.path.join(deploy, "systemd/*.service")):
            text = open(unit).read()
            for old, new in self.remap.items():
                text = text.replace(old, new)
            with open(os.path.join(self.units, os.path.basename(unit)), "w") as f:
                f.write(text)
        # The services run as nobody:nogroup here (cdnlab:cdnlab in the units), so the keys are
        # made for that group.
        self.keys = subprocess.run(["sh", os.path.join(deploy, "make-keys.sh"), self.etc],
                                   env=dict(os.environ, CDNLAB=binary, CDNLAB_GROUP=SERVICE_GROUP),
                                   capture_output=True, text=True)
        if self.keys.returncode != 0:
            raise AssertionError("make-keys.sh failed: " + self.keys.stderr)
        self.scenario = yaml.safe_load(open(os.path.join(self.etc, "cdnlab.yaml")))

    def service(self, unit, instance=None):
        return ServiceCommand(os.path.join(self.sources, unit), instance, self.remap, self.state_root)

    def instance_names(self, prefix):
        """dns-1, dns-2 from the env files dns-dns-1.env, dns-dns-2.env."""
        return sorted(os.path.basename(p)[len(prefix) + 1:-4] for p in glob.glob(os.path.join(self.etc, prefix + "-*.env")))


def main():
    binary, source = sys.argv[1:3]
    if os.geteuid() != 0:
        print("FAIL: needs root (ip netns)")
        return 1
    remove_stale()
    work = tempfile.mkdtemp(prefix="cdnlab-deploy.")
    lab = None
    procs = {}   # unit instance -> Popen
    logs = {}
    failed = True

    def stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)

    def log_of(name):
        return open(logs[name]).read() if name in logs else ""

    try:
        d = Deployment(binary, source, work)
        rn = d.scenario["realnet"]
        pop_of = {a: pop for pop, addresses in rn["servers"].items() for a in addresses}
        groups = {g["id"]: g["prefix"] for g in d.scenario["client_groups"]}
        platform = d.scenario["federation"]["platforms"][0]

        # --- the unit instances the deployment runs, and the host each runs on ---
        services = []  # (host, ServiceCommand)
        controller = d.service("cdnlab-controller.service")
        services.append(("controller", controller))
        dns_servers = {name: d.service("cdnlab-dns@.service", name) for name in d.instance_names("dns")}
        assert len(dns_servers) == 2, f"expected two DNS servers' env files, found {sorted(dns_servers)}"
        for name, svc in dns_servers.items():
            services.append((name, svc))
        for pop in rn["servers"]:
            services.append((pop, d.service("cdnlab-probe-agent@.service", pop)))
        for group in rn["groups"]:
            services.append((group, d.service("cdnlab-responder@.service", group)))
        for address, pop in pop_of.items():
            services.append((pop, d.service("cdnlab-rum-object-server@.service", address)))
        collector = d.service("cdnlab-rum-collector.service")
        services.append(("rum", collector))
        gateway = d.service("cdnlab-federation-gateway@.service", platform["id"])
        services.append(("federation", gateway))
        node_of = {n: host_of(e) for n, e in rn["federation_nodes"].items()}
        for server in platform["servers"]:
            services.append((pop_of[node_of[server["id"]]], d.service("cdnlab-federation-agent@.service", server["id"])))
        print(f"{len(services)} unit instances: " + ", ".join(s.name for _, s in services))

        # Every path a command line names must have been moved into the test's directory.
        for _, svc in services:
            for arg in svc.argv:
                if arg.startswith("/") and not (arg.startswith(work) or arg == binary):
                    raise AssertionError(f"{svc.name}: path {arg} outside the deployment's directories")

        # --- 0. systemd itself reads the units without complaint ---
        instances = sorted({s.name for _, s in services})
        out = subprocess.run(["systemd-analyze", "verify"] + [os.path.join(d.units, n) for n in instances],
                             capture_output=True, text=True, cwd=d.units)
        assert out.returncode == 0 and not (out.stdout + out.stderr).strip(), \
            f"systemd-analyze verify: {out.stdout}{out.stderr}"
        print(f"systemd-analyze verify: {len(instances)} unit instances, no remarks")

        # --- hosts: addresses from the scenario and the env files ---
        publish = controller.option("--publish-snapshots")
        hosts = {
            "controller": {host_of(rn["controller"]), host_of(rn["dns"]), host_of(publish)},
            "rum": {host_of(collector.option("--listen"))},
            "federation": {host_of(rn["federation_http"][platform["id"]]), node_of[platform["id"] + "-gw"]},
            "client": {"192.0.2.99"},
        }
        for name, svc in dns_servers.items():
            hosts[name] = {host_of(svc.option("--listen"))}
        for pop, addresses in rn["servers"].items():
            hosts[pop] = set(addresses)
        for group, address in rn["groups"].items():
            hosts[group] = {address}
        lab = Lab()
        for name, addresses in hosts.items():
            lab.add_host(name, sorted(addresses))

        # What systemd would make: state directories owned by the unit's user; and the agents'
        # caches (the cache software's, writable by them) and origin.
        os.chmod(work, 0o755)
        for _, svc in services:
            check_writable(svc)
            made = list(svc.state_directories)
            if svc.option("--cache-dir"):
                made += [svc.option("--cache-dir"), svc.option("--origin-dir")]
            for directory in made:
                os.makedirs(directory, exist_ok=True)
                shutil.chown(directory, SERVICE_USER, SERVICE_GROUP)
        # Every server's cache holds the configuration's object, for the purge in step 3.
        objects = [o["url"] for c in d.scenario["federation"]["configurations"] for o in c["objects"]]
        cached = []
        for _, svc in services:
            if svc.option("--cache-dir"):
                for url in objects:
                    path = os.path.join(svc.option("--cache-dir"), url.split("://", 1)[1])
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    with open(path, "w") as f:
                        f.write(url + "\n")
                    cached.append(path)
                for root, dirs, files in os.walk(svc.option("--cache-dir")):
                    for name in dirs + files:
                        shutil.chown(os.path.join(root, name), SERVICE_USER, SERVICE_GROUP)

        def start(host, svc):
            logs[svc.name] = os.path.join(work, svc.name + ".log")
            procs[svc.name] = lab.popen(host, as_unit_user(svc), stdout=open(logs[svc.name], "w"),
                                        stderr=subprocess.STDOUT)

        for host, svc in services:
            start(host, svc)

        def kdig(server, *args):
            out = lab.run("client", ["kdig", "@" + server, "-p", "53", "+time=1", "+retry=0"] + list(args),
                          capture_output=True, text=True)
            return out.stdout + out.stderr

        name_servers = {"controller": host_of(rn["dns"])}
        name_servers.update({n: host_of(s.option("--listen")) for n, s in dns_servers.items()})
        hostname = d.scenario["dns"]["hostname"]

        def pops_answered(server, prefix):
            """The PoPs of the A records for `prefix`'s clients, or None without an answer."""
            out = kdig(server, "+short", "A", hostname, f"+subnet={prefix}")
            addresses = out.split()
            if not addresses or not all(re.fullmatch(r"[0-9.]+", a) for a in addresses):
                return None
            return frozenset(pop_of.get(a, "?" + a) for a in addresses)

        def check_alive():
            dead = {name: p.returncode for name, p in procs.items() if p.poll() is not None}
            if dead:
                raise AssertionError(f"services exited: {dead}")

        def agreed_mapping():
            """{group: PoPs} when every DNS server answers every group alike, else None."""
            check_alive()
            mapping = {}
            for group, prefix in groups.items():
                answers = {n: pops_answered(a, prefix) for n, a in name_servers.items()}
                if None in answers.values() or len(set(answers.values())) != 1:
                    return None
                mapping[group] = next(iter(answers.values()))
            return mapping

        # --- 1. the same PoP for each group on all DNS servers ---
        started = time.time()
        before = wait_for("every DNS server answering every group alike", agreed_mapping, 45)
        for group, pops in before.items():
            assert len(pops) == 1 and not next(iter(pops)).startswith("?"), f"{group}: answered with {set(pops)}"
        print(f"after {time.time() - started:.1f} s, controller, dns-1 and dns-2 agree: "
              + ", ".join(f"{g} -> {next(iter(p))}" for g, p in before.items()))

        # --- 2. the snapshot channel: mutual TLS ---
        tls = os.path.join(d.etc, "tls")
        other = os.path.join(work, "other-pki")
        subprocess.run(["sh", os.path.join(source, "tests/support/throwaway_ca.sh"), other], check=True)

        def curl(host, url, *args):
            return lab.run(host, ["curl", "-sS", "--max-time", "5"] + list(args) + [url], capture_output=True, text=True)

        healthz = f"https://{publish}/healthz"
        dns1 = sorted(dns_servers)[0]
        ok = curl(dns1, healthz, "--cacert", f"{tls}/ca.pem", "--cert", f"{tls}/{dns1}.pem", "--key", f"{tls}/{dns1}.key")
        assert ok.returncode == 0 and ok.stdout.startswith("ok"), f"{dns1}'s certificate refused: {ok.stderr}"
        bare = curl(dns1, healthz, "--cacert", f"{tls}/ca.pem")
        assert bare.returncode != 0 and "ok" not in bare.stdout, f"no client certificate: {bare.returncode} {bare.stdout}"
        foreign = curl(dns1, healthz, "--cacert", f"{tls}/ca.pem", "--cert", f"{other}/other-client.pem",
                       "--key", f"{other}/other-client.key")
        assert foreign.returncode != 0 and "ok" not in foreign.stdout, f"another CA's client: {foreign.returncode}"
        print(f"snapshot channel: {dns1}'s certificate accepted; none (curl {bare.returncode}) and another CA's "
              f"(curl {foreign.returncode}) refused")

        # --- 2b. every service's /healthz and /metrics, as its unit configures them ---
        scraped = 0
        for host, svc in services:
            listen = svc.option("--metrics-listen")
            assert listen, f"{svc.name}: its unit sets no --metrics-listen"
            health = curl(host, f"http://{listen}/healthz", "-w", "\n%{http_code}")
            assert health.returncode == 0 and health.stdout.endswith("\n200"), \
                f"{svc.name}: /healthz on {listen}: {health.stdout!r} {health.stderr}"
            metrics = curl(host, f"http://{listen}/metrics", "--fail")
            assert metrics.returncode == 0 and "# TYPE cdnlab_" in metrics.stdout, f"{svc.name}: /metrics: {metrics.stderr}"
            lint = subprocess.run(["promtool", "check", "metrics"], input=metrics.stdout, capture_output=True, text=True)
            assert lint.returncode == 0, f"{svc.name}: promtool check metrics: {lint.stdout}{lint.stderr}"
            scraped += 1
        print(f"/healthz 200 and /metrics accepted by promtool on all {scraped} services")

        # --- 3. RUM page and objects; the federation API over mutual TLS ---
        # From a client group's host: the page then lists that group's candidate PoP servers.
        page = curl(next(iter(groups)), f"https://{collector.option('--listen')}/", "--cacert", f"{tls}/ca.pem",
                    "-w", "\n%{http_code}")
        assert page.stdout.endswith("\n200"), f"RUM page: {page.stdout[-300:]} {page.stderr}"
        assert re.search(r"https://203\.0\.113\.[0-9]+:", page.stdout) and "http://" not in page.stdout, \
            "the HTTPS page must name its test objects with https:// URLs only"
        object_port = collector.option("--object-port")
        for address in pop_of:
            got = curl("client", f"https://{address}:{object_port}/rum/test-object", "--cacert", f"{tls}/ca.pem",
                       "-o", "/dev/null", "-w", "%{http_code}")
            assert got.stdout == "200", f"test object on {address}: {got.stdout} {got.stderr}"
        print(f"RUM page (only https:// URLs) and the test object on all {len(pop_of)} PoP servers over HTTPS: 200")
        provider = d.scenario["federation"]["providers"][0]["id"]
        token = subprocess.run([binary, "realnet", "federation-token", os.path.join(d.etc, "cdnlab.yaml"), "--as", provider,
                                "--ttl-s", "600"], capture_output=True, text=True, check=True).stdout.strip()
        api = f"https://{rn['federation_http'][platform['id']]}/triggers"
        auth = ["-H", f"Authorization: Bearer {token}", "--cacert", f"{tls}/ca.pem"]
        listed = curl("client", api, *auth, "--cert", f"{tls}/federation-client.pem", "--key", f"{tls}/federation-client.key",
                      "-w", "\n%{http_code}")
        assert listed.returncode == 0 and listed.stdout.endswith("\n200"), f"federation API: {listed.stdout} {listed.stderr}"
        refused = curl("client", api, *auth)
        assert refused.returncode != 0, f"federation API without a client certificate: {refused.stdout}"
        print(f"federation API: {provider}'s token over mutual TLS 200; no client certificate refused "
              f"(curl {refused.returncode})")
        # A purge through the gateway reaches the agents on every PoP server.
        auth += ["--cert", f"{tls}/federation-client.pem", "--key", f"{tls}/federation-client.key"]
        posted = curl("client", api, *auth, "-D", "-", "-H", "Content-Type: application/cdni; ptype=ci-trigger-command",
                      "--data-binary", json.dumps({"trigger": {"type": "purge", "content.urls": objects}, "cdn-path": []}))
        location = re.search(r"(?im)^location:\s*(\S+)", posted.stdout)
        assert posted.returncode == 0 and " 201" in posted.stdout.splitlines()[0] and location, f"purge: {posted.stdout}"
        wait_for("the purge complete", lambda: '"status": "complete"' in curl("client", location.group(1), *auth).stdout, 30)
        left = [p for p in cached if os.path.exists(p)]
        assert not left, f"purge complete, but still cached: {left}"
        print(f"federation purge: complete, gone from all {len(cached)} server caches")

        # --- 4. a PoP fails ---
        first_group = next(iter(groups))
        failed_pop = next(iter(before[first_group]))
        lab.link(failed_pop, up=False)
        failed_at = time.time()

        def moved():
            mapping = agreed_mapping()
            if mapping is None or any(failed_pop in pops for pops in mapping.values()):
                return None
            return mapping

        after = wait_for(f"answers leaving {failed_pop}", moved, 30)
        for group, pops in after.items():
            assert len(pops) == 1 and not next(iter(pops)).startswith("?"), f"{group}: answered with {set(pops)}"
        print(f"{failed_pop} link down: after {time.time() - failed_at:.1f} s all three agree: "
              + ", ".join(f"{g} -> {next(iter(p))}" for g, p in after.items()))

        # --- 5. nothing died; every signed report accepted ---
        check_alive()
        procs[controller.name].terminate()
        procs[controller.name].wait(timeout=15)
        summary = wait_for("the controller's summary", lambda: re.search(r"(\d+) reports accepted, (\d+) rejected \(.*\)",
                                                                           log_of(controller.name)), 5)
        assert int(summary.group(1)) > 0 and summary.group(2) == "0", f"controller: {summary.group(0)}"
        print(f"controller: {summary.group(0)}")
        # The units ask for JSON logs: every line of every service parses.
        for name in logs:
            for line in log_of(name).splitlines():
                entry = json.loads(line)  # raises on a line that is not JSON
                assert {"ts", "service", "level", "msg"} <= entry.keys(), f"{name}: log line {line}"
        print(f"logs: every line of all {len(logs)} services is a JSON object")
        # The controller kept its mapping for the next start (its unit's --state-dir).
        state = os.path.join(controller.option("--state-dir"), "controller-state.json")
        assert json.load(open(state))["mapping"]["version"] > 0, f"{state}: no mapping kept"
        print(f"controller state kept in {state}")
        failed = False
    except (AssertionError, UnitError) as e:
        print("FAIL:", e)
    except KeyboardInterrupt:
        print("FAIL: interrupted")
    finally:
        stop_processes(procs)
        if lab is not None:
            lab.close()
        if failed:
            for name in logs:
                print(f"--- {name} ---\n" + log_of(name)[-2000:])
        shutil.rmtree(work, ignore_errors=True)
    if failed:
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
