#!/usr/bin/env python3
"""A real resolver in front of `cdnlab realnet dns`: unbound (Debian package) on loopback with
qname minimisation and its subnetcache module, sending ECS to cdnlab's server (stub zone).

Through unbound, checked with kdig:
  - clients of different subnets each get their own mapping row's answer, with that row's scope;
  - IPv6 clients (ECS family 2) are mapped by the IPv6 rows, A and AAAA, with their scope;
  - a second subnet inside a row's scope is answered from unbound's cache (with cdnlab's server stopped);
  - the apex SOA and NS resolve;
  - names unbound resolves for itself while minimising (the name servers' A/AAAA) do not fail it.

  unbound_resolver.py CDNLAB_BINARY SOURCE_DIR
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kdig(port, *args):
    out = subprocess.run(["kdig", "@127.0.0.1", "-p", str(port), "+time=3", "+retry=1"] + list(args),
                         capture_output=True, text=True)
    return out.stdout + out.stderr


def answers(text):
    return [line.split()[4] for line in text.splitlines()
            if not line.startswith(";") and len(line.split()) == 5 and line.split()[3] == "A"]


def wait_until(what, predicate, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come up within {seconds} s")


def main():
    binary, source = sys.argv[1:3]
    unbound = shutil.which("unbound") or "/usr/sbin/unbound"
    zone = os.path.join(source, "tests/realnet/data/conformance_zone.yaml")
    work = tempfile.mkdtemp(prefix="cdnlab-unbound.")
    auth_port, resolver_port = free_port(), free_port()
    config = os.path.join(work, "unbound.conf")
    with open(config, "w") as f:
        f.write(f"""server:
  interface: 127.0.0.1
  port: {resolver_port}
  do-daemonize: no
  use-systemd: no
  username: ""
  chroot: ""
  directory: "{work}"
  pidfile: "{work}/unbound.pid"
  logfile: "{work}/unbound.log"
  use-syslog: no
  verbosity: 1
  do-ip6: no
  do-not-query-localhost: no
  access-control: 127.0.0.0/8 allow
  qname-minimisation: yes
  qname-minimisation-strict: no
  module-config: "subnetcache iterator"
  send-client-subnet: 127.0.0.1
  max-client-subnet-ipv4: 24
  max-client-subnet-ipv6: 56
  val-log-level: 0
remote-control:
  control-enable: no
stub-zone:
  name: "example.net"
  stub-addr: 127.0.0.1@{auth_port}
""")
    check = subprocess.run([shutil.which("unbound-checkconf") or "/usr/sbin/unbound-checkconf", config],
                           capture_output=True, text=True)
    if check.returncode != 0:
        print("unbound-checkconf rejected the config:\n" + check.stdout + check.stderr)
        return 1
    auth_log = open(os.path.join(work, "cdnlab-dns.log"), "w")
    auth = subprocess.Popen([binary, "realnet", "dns", zone, "--listen", f"127.0.0.1:{auth_port}"],
                            stdout=auth_log, stderr=subprocess.STDOUT)
    resolver = subprocess.Popen([unbound, "-d", "-c", config], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    failures = []

    def expect(condition, message, output=""):
        if not condition:
            failures.append(message + ("\n" + output if output else ""))

    try:
        wait_until("cdnlab realnet dns", lambda: "NOERROR" in kdig(auth_port, "SOA", "example.net"))
        wait_until("unbound", lambda: "status:" in kdig(resolver_port, "SOA", "example.net"))

        for subnet, address, scope in (("10.1.0.0/24", "192.0.2.10", "24"), ("10.2.3.0/24", "198.51.100.20", "16"),
                                       ("172.16.5.0/24", "192.0.2.10", "24")):
            out = kdig(resolver_port, "+subnet=" + subnet, "A", "cdn.example.net")
            expect("status: NOERROR" in out, f"{subnet}: not NOERROR through unbound", out)
            expect(answers(out) == [address], f"{subnet}: expected {address} through unbound", out)
            m = re.search(r"CLIENT-SUBNET: (\S+)", out)
            expect(m is not None and m.group(1) == f"{subnet}/{scope}",
                   f"{subnet}: unbound should pass on scope {scope}", out)

        # IPv6 clients: unbound forwards their /56 as ECS family 2; cdnlab maps it by its IPv6 rows
        # (two adjacent /48s on pop-b: scope /47) and unbound passes the scope on.
        six = kdig(resolver_port, "+subnet=2001:db8:100:4200::/56", "AAAA", "cdn.example.net")
        expect("status: NOERROR" in six and "2001:db8:b::20" in six, "IPv6 subnet: pop-b's AAAA through unbound", six)
        m = re.search(r"CLIENT-SUBNET: (\S+)", six)
        expect(m is not None and m.group(1) == "2001:db8:100:4200::/56/47", "IPv6 subnet: scope /47 passed on", six)
        four = kdig(resolver_port, "+subnet=2001:db8:101:7700::/56", "A", "cdn.example.net")
        expect(answers(four) == ["198.51.100.20"], "IPv6 subnet: A from the same IPv6 row through unbound", four)

        soa = kdig(resolver_port, "SOA", "example.net")
        expect("status: NOERROR" in soa and re.search(r"\tSOA\tns1\.example\.net\.", soa) is not None,
               "apex SOA does not resolve through unbound", soa)
        ns = kdig(resolver_port, "NS", "example.net")
        expect("status: NOERROR" in ns and "ns1.example.net." in ns and "ns2.example.net." in ns,
               "apex NS does not resolve through unbound", ns)
        glue = kdig(resolver_port, "A", "ns1.example.net")
        expect(answers(glue) == ["192.0.2.53"], "a name server's address through unbound", glue)
        nx = kdig(resolver_port, "A", "nothing-here.example.net")
        expect("status: NXDOMAIN" in nx, "NXDOMAIN through unbound", nx)

        # 10.2.9.0/24 lies in the /16 that 10.2.3.0/24's answer was scoped to: with cdnlab's
        # server stopped, unbound still answers it, from its subnet cache.
        auth.terminate()
        auth.wait(timeout=5)
        out = kdig(resolver_port, "+subnet=10.2.9.0/24", "A", "cdn.example.net")
        expect(answers(out) == ["198.51.100.20"], "10.2.9.0/24: the cached /16 answer with the server gone", out)
    except RuntimeError as e:
        failures.append(str(e))
    finally:
        resolver.terminate()
        auth.terminate()
        for p in (resolver, auth):
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
        auth_log.close()
    if failures:
        for f in failures:
            print("FAIL:", f)
        for name in ("unbound.log", "cdnlab-dns.log"):
            path = os.path.join(work, name)
            if os.path.exists(path):
                print(f"--- {name} (tail) ---\n" + "".join(open(path).readlines()[-30:]))
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("ok: unbound with subnetcache in front of cdnlab realnet dns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
