#!/usr/bin/env python3
"""The controller's restart and reload, judged by kdig and curl (clients nobody here wrote).

A controller (`--state-dir`, signed reports, `--publish-snapshots`), two responders and two
probe agents on loopback, every port picked free at run time:
  1. restart: once a mapping exists the agents stop, then the controller (SIGTERM: exit 0, state
     saved); restarted with the same --state-dir and no agent running, its DNS gives the same
     answer at once, and the snapshot endpoint serves a version >= the last one;
  2. SIGHUP: a kdig loop runs while the scenario's TTL changes and pop-b's key leaves the
     --pop-keys file: no query is lost, the new TTL shows, g1 is answered with pop-a only (pop-b
     withdrawn, in a newer snapshot version), pop-b's reports are then refused (unknown_pop)
     while pop-a's still count; a broken scenario or key file on SIGHUP keeps the old
     configuration and the log names the file and line;
  3. a corrupt state file stops the start naming file and field; --discard-bad-state sets it
     aside and starts cold.
  4. SIGHUP adds and removes PoPs and groups under a kdig loop: pop-b leaves, pop-c and group g3
     arrive (and the measurements' max age drops): no query is lost, pop-b is never answered
     after the reload, g3 gets answers, g1 keeps pop-a's carried-over measurements, then moves
     to pop-c once pop-a's agent stops; the snapshot version only grows; the kept state holds
     pop-c and g3 and nothing of pop-b.

  controller_operations.py CDNLAB_BINARY SOURCE_DIR
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dns"))
from follower_probes import free_port, wait_for  # noqa: E402

CONTROLLER_IP = "127.0.3.1"


def free_udp_port(address):
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def main():
    binary, source = sys.argv[1:3]
    work = tempfile.mkdtemp(prefix="cdnlab-controller-ops.")
    dns_port = free_udp_port(CONTROLLER_IP)
    reports_port = free_udp_port(CONTROLLER_IP)
    publish_port = free_port(CONTROLLER_IP)
    responder_port = free_udp_port("127.0.1.1")
    agent_port = free_udp_port("127.0.2.1")
    base = open(os.path.join(source, "tests/realnet/data/loopback_routing.yaml")).read()
    # Measurements stay fresh for a minute, so a restart a few seconds later still has them.
    base = base.replace("{name: measured, max_age_s: 2.5}", "{name: measured, max_age_s: 60}")
    base = base.replace("controller: 127.0.3.1:17100", f"controller: {CONTROLLER_IP}:{reports_port}")
    base = base.replace("dns: 127.0.3.1:17153",
                        f"dns: {CONTROLLER_IP}:{dns_port}\n  responder_port: {responder_port}\n  agent_port: {agent_port}")
    assert "max_age_s: 60" in base and str(dns_port) in base, "the test's scenario edits no longer apply"
    scenario = os.path.join(work, "scenario.yaml")

    def write_scenario(ttl):
        with open(scenario, "w") as f:
            f.write(base.replace("ttl_s: 5}", f"ttl_s: {ttl}}}"))

    write_scenario(5)
    keys = {}
    for pop in ("pop-a", "pop-b"):
        keys[pop] = subprocess.run([binary, "realnet", "pop-key", "--pop", pop, "--secret-file",
                                    os.path.join(work, pop + ".key")], capture_output=True, text=True,
                                   check=True).stdout
    pop_keys = os.path.join(work, "pop-keys")
    with open(pop_keys, "w") as f:
        f.write(keys["pop-a"] + keys["pop-b"])
    secret = os.path.join(work, "snapshot.secret")
    with open(secret, "w") as f:
        f.write("a long enough secret for signing snapshots\n")
    state_dir = os.path.join(work, "state")
    procs, logs = {}, {}

    def start(name, args):
        logs[name] = open(os.path.join(work, name + ".log"), "a")
        procs[name] = subprocess.Popen([binary, "realnet"] + args, stdout=logs[name], stderr=subprocess.STDOUT)
        return procs[name]

    def log_of(name):
        logs[name].flush()
        return open(os.path.join(work, name + ".log")).read()

    def controller(*extra):
        return start("controller", ["controller", scenario, "--policy", "measured", "--pop-keys", pop_keys,
                                    "--state-dir", state_dir, "--publish-snapshots", f"{CONTROLLER_IP}:{publish_port}",
                                    "--snapshot-secret-file", secret, "--plain-http", "--drain-timeout", "5"] + list(extra))

    def agent(pop):
        return start("agent-" + pop, ["probe-agent", scenario, "--pop", pop, "--key-file", os.path.join(work, pop + ".key")])

    def stop(name, timeout=10):
        procs[name].send_signal(signal.SIGTERM)
        return procs[name].wait(timeout=timeout)

    def kdig_answer(subnet="10.1.0.0/24"):
        """(address, TTL) of the A answer for a subnet (g1's by default), or None."""
        out = subprocess.run(["kdig", f"@{CONTROLLER_IP}", "-p", str(dns_port), "+time=1", "+retry=0", "+noall",
                              "+answer", "A", "cdn.example.net", "+subnet=" + subnet],
                             capture_output=True, text=True).stdout
        m = re.search(r"cdn\.example\.net\.\s+(\d+)\s+IN\s+A\s+([0-9.]+)", out)
        return (m.group(2), int(m.group(1))) if m else None

    def snapshot_version():
        out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-D", "-", "--max-time", "3",
                              f"http://{CONTROLLER_IP}:{publish_port}/mapping/snapshot"],
                             capture_output=True, text=True).stdout
        m = re.search(r"(?i)x-cdnlab-mapping-version: (\d+)", out)
        return int(m.group(1)) if m else None

    try:
        # 1. a first run until the mapping exists, then a restart with no agent running
        controller()
        start("responder-g1", ["responder", scenario, "--group", "g1"])
        start("responder-g2", ["responder", scenario, "--group", "g2"])
        agent("pop-a")
        agent("pop-b")
        wait_for("a first mapping", kdig_answer, 20)
        time.sleep(2)  # a few more reports: both PoPs measured
        for name in ("agent-pop-a", "agent-pop-b"):
            assert stop(name) == 0, f"{name} did not exit 0 on SIGTERM"
        before = kdig_answer()
        version_before = snapshot_version()
        assert before and version_before, f"no answer ({before}) or snapshot version ({version_before}) before the stop"
        assert stop("controller") == 0, "the controller did not exit 0 on SIGTERM"
        with open(os.path.join(state_dir, "controller-state.json")) as f:
            kept = json.load(f)
        assert kept["mapping"]["version"] >= version_before and kept["measurements"], "state file incomplete"
        print(f"first run: answer {before[0]} TTL {before[1]}, snapshot version {version_before}, "
              f"{len(kept['measurements'])} measurements kept")

        started = time.time()
        controller()
        after = wait_for("the restarted controller's answer", kdig_answer, 5)
        took = time.time() - started
        assert after[0] == before[0], f"restarted controller answers {after[0]}, before the restart {before[0]}"
        assert took < 2.5, f"first answer {took:.2f} s after the restart (the process start included)"
        version_after = wait_for("a snapshot after the restart", snapshot_version, 5)
        assert version_after >= kept["mapping"]["version"], f"snapshot version went back: {version_after}"
        assert "restored mapping version" in log_of("controller")
        print(f"restart: answer {after[0]} after {took:.2f} s with no agent running, snapshot version {version_after}")

        # 2. SIGHUP under a kdig loop: new TTL and pop-b's key removed; no query lost
        agent("pop-a")
        results, times = [], []
        looping = threading.Event()
        looping.set()

        def loop():
            while looping.is_set():
                results.append(kdig_answer())
                times.append(time.time())
                time.sleep(0.02)

        thread = threading.Thread(target=loop)
        thread.start()
        time.sleep(1)
        write_scenario(9)
        with open(pop_keys, "w") as f:
            f.write(keys["pop-a"])
        procs["controller"].send_signal(signal.SIGHUP)
        wait_for("the new TTL", lambda: results and results[-1] and results[-1][1] == 9, 5)
        reloaded_at = time.time() + 0.2  # answers from here on come after the whole reload
        agent("pop-b")  # its key is gone: refused as unknown_pop from now on
        time.sleep(2.5)
        # broken files: the old configuration stays, the log names file and line
        with open(scenario, "w") as f:
            f.write(base.replace("ttl_s: 5}", "ttl_s: [}"))
        procs["controller"].send_signal(signal.SIGHUP)
        wait_for("the refused scenario", lambda: "reload failed" in log_of("controller"), 5)
        write_scenario(11)
        with open(pop_keys, "w") as f:
            f.write("pop-a not-a-key\n")
        procs["controller"].send_signal(signal.SIGHUP)
        wait_for("the refused key file", lambda: log_of("controller").count("reload failed") >= 2, 5)
        time.sleep(1)
        looping.clear()
        thread.join()
        failures = [r for r in results if r is None]
        ttls = sorted({r[1] for r in results if r})
        assert not failures, f"{len(failures)} of {len(results)} queries got no answer across the reloads"
        assert 9 in ttls and 11 not in ttls, f"TTLs seen {ttls}: 9 after the reload, never 11 (bad key file)"
        late = {r[0] for r, t in zip(results, times) if t > reloaded_at}
        assert late == {"127.0.2.1"}, f"pop-b withdrawn with its key: g1 must get pop-a only, got {late}"
        g2 = kdig_answer("10.2.0.0/24")
        assert g2 and g2[0] == "127.0.2.1", f"pop-b withdrawn with its key: g2 must get pop-a, got {g2}"
        version_reloaded = snapshot_version()
        assert version_reloaded > version_after, f"the withdrawal must publish a newer version: {version_reloaded}"
        log = log_of("controller")
        assert re.search(r"reload failed.*scenario\.yaml:\d+", log), "the log must name the scenario file and line"
        assert re.search(r"reload failed.*pop-keys:1", log), "the log must name the key file and line"
        for name in ("agent-pop-a", "agent-pop-b"):
            stop(name)
        assert stop("controller") == 0
        summary = re.findall(r"(\d+) reports accepted, \d+ rejected \(.*unknown_pop (\d+)", log_of("controller"))[-1]
        assert int(summary[0]) > 0 and int(summary[1]) > 0, f"pop-a accepted and pop-b refused after the reload: {summary}"
        print(f"SIGHUP: {len(results)} queries, none lost, TTLs {ttls}; pop-b refused {summary[1]} times after its "
              f"key left, g1 and g2 answered with pop-a (snapshot version {version_after} -> {version_reloaded}); "
              "broken files kept the old configuration")

        # 3. a corrupt state file: refused by name, or set aside with --discard-bad-state
        write_scenario(5)
        with open(pop_keys, "w") as f:
            f.write(keys["pop-a"] + keys["pop-b"])
        path = os.path.join(state_dir, "controller-state.json")
        kept = json.load(open(path))
        kept["mapping"]["version"] = -3
        with open(path, "w") as f:
            json.dump(kept, f)
        rc = controller("--for", "3").wait(timeout=10)
        assert rc != 0, "a controller with a corrupt state file started"
        assert re.search(r"controller-state\.json: field 'mapping\.version'", log_of("controller")), "no file/field named"
        assert controller("--for", "1", "--discard-bad-state").wait(timeout=10) == 0
        assert [n for n in os.listdir(state_dir) if n.startswith("controller-state.json.bad-")], "nothing set aside"
        print("a corrupt state file is refused naming file and field; --discard-bad-state sets it aside")

        # 4. PoPs and groups added and removed on SIGHUP, under a kdig loop
        write_scenario(5)
        keys["pop-c"] = subprocess.run([binary, "realnet", "pop-key", "--pop", "pop-c", "--secret-file",
                                        os.path.join(work, "pop-c.key")], capture_output=True, text=True,
                                       check=True).stdout
        controller()
        agent("pop-a")
        agent("pop-b")
        wait_for("a mapping", kdig_answer, 20)
        time.sleep(2)
        version_before = wait_for("a snapshot", snapshot_version, 5)
        results, times = [], []
        looping.set()
        thread = threading.Thread(target=loop)
        thread.start()
        time.sleep(1)
        reshaped = base
        for old_text, new_text in [
                ("  - {id: pop-b, lat: 51.5, lon: -0.1, servers: 2, capacity_rps: 100}",
                 "  - {id: pop-c, lat: 50.1, lon: 8.7, servers: 1, capacity_rps: 100}"),
                ("population: 100, resolver: res}\ndns:",
                 "population: 100, resolver: res}\n  - {id: g3, prefix: 10.3.0.0/24, lat: 50, lon: 8, "
                 "population: 100, resolver: res}\ndns:"),
                ("  - {a: pop-b, b: g2}", "  - {a: pop-c, b: g2}\n  - {a: g3, b: g2}"),
                ("pop-b: [127.0.2.2, 127.0.2.3, '2001:db8:b::2']", "pop-c: [127.0.2.4]"),
                ("g2: 127.0.1.2}", "g2: 127.0.1.2, g3: 127.0.1.3}"),
                ("{name: measured, max_age_s: 60}", "{name: measured, max_age_s: 2.5}")]:
            assert old_text in reshaped, f"the test's scenario edit no longer applies: {old_text!r}"
            reshaped = reshaped.replace(old_text, new_text)
        with open(scenario, "w") as f:
            f.write(reshaped.replace("ttl_s: 5}", "ttl_s: 7}"))
        with open(pop_keys, "w") as f:
            f.write(keys["pop-a"] + keys["pop-c"])
        procs["controller"].send_signal(signal.SIGHUP)
        wait_for("the reload", lambda: "2 PoPs, 3 client groups" in log_of("controller"), 5)
        reloaded_at = time.time() + 0.2
        start("responder-g3", ["responder", scenario, "--group", "g3"])
        agent("pop-c")
        g3 = wait_for("an answer for the new group g3", lambda: kdig_answer("10.3.0.0/24"), 10)
        assert stop("agent-pop-a") == 0
        wait_for("g1 moved to pop-c once pop-a's measurements aged out",
                 lambda: results and results[-1] and results[-1][0] == "127.0.2.4", 15)
        time.sleep(0.5)
        looping.clear()
        thread.join()
        failures = [r for r in results if r is None]
        assert not failures, f"{len(failures)} of {len(results)} queries got no answer across the reload"
        late = [r[0] for r, t in zip(results, times) if t > reloaded_at]
        assert not {"127.0.2.2", "127.0.2.3"} & set(late), f"pop-b answered after it was removed: {sorted(set(late))}"
        assert late and late[0] == "127.0.2.1", f"g1 must keep pop-a (carried-over measurements) first: {late[:3]}"
        version_reloaded = snapshot_version()
        assert version_reloaded > version_before, f"snapshot version {version_before} -> {version_reloaded}"
        for name in ("agent-pop-b", "agent-pop-c", "responder-g3"):
            stop(name)
        assert stop("controller") == 0
        kept = json.load(open(os.path.join(state_dir, "controller-state.json")))
        cells = {(c["group"], c["pop"]) for c in kept["measurements"]}
        assert ("g3", "pop-c") in cells and ("g1", "pop-c") in cells, f"pop-c or g3 unmeasured: {sorted(cells)}"
        assert not [c for c in cells if c[1] == "pop-b"], f"pop-b's measurements kept: {sorted(cells)}"
        assert ("g1", "pop-a") in cells, "pop-a's measurements were lost on the reload"
        print(f"SIGHUP reshaping: {len(results)} queries, none lost; pop-b never answered after the reload, g3 answered "
              f"{g3[0]}, g1 moved to pop-c; snapshot version {version_before} -> {version_reloaded}")
    except (AssertionError, OSError, KeyError, ValueError) as e:
        print("FAIL:", repr(e))
        for name in logs:
            print(f"--- {name} ---\n" + log_of(name)[-3000:])
        return 1
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
                p.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
