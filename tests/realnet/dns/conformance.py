#!/usr/bin/env python3
"""DNS conformance of `cdnlab realnet dns`, judged by kdig and dig (clients nobody here wrote).

Each case is one rule from an RFC, quoted where it is stated; ctest runs every case on its own
(`dns_conformance_<case>`). A case starts the server on a free loopback port with
tests/realnet/data/conformance_zone.yaml, asks, and checks what the client printed.

  conformance.py CDNLAB_BINARY SOURCE_DIR CASE     run one case
  conformance.py CDNLAB_BINARY SOURCE_DIR --list   the case names
"""
import os
import re
import socket
import struct
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


def expect(condition, message, output=""):
    if not condition:
        raise Failure(message + ("\n--- client output ---\n" + output if output else ""))


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`cdnlab realnet dns ZONE --listen 127.0.0.1:PORT`, stopped on exit."""

    def __init__(self, binary, zone, also_ipv6=False):
        self.port = free_port()
        self.log = tempfile.TemporaryFile()
        listen = ["--listen", f"127.0.0.1:{self.port}"] + (["--listen", f"[::1]:{self.port}"] if also_ipv6 else [])
        self.proc = subprocess.Popen([binary, "realnet", "dns", zone] + listen,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise Failure("the server exited: " + self.output())
            if subprocess.run(["kdig", "@127.0.0.1", "-p", str(self.port), "+time=1", "+retry=0", "SOA",
                               "example.net"], capture_output=True, text=True).returncode == 0:
                return
            time.sleep(0.1)
        raise Failure("the server did not answer within 10 s: " + self.output())

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Reply:
    """kdig's (or dig's) text output, read into the parts the cases check."""

    def __init__(self, text):
        self.text = text
        m = re.search(r"status: (\w+)", text)
        self.status = m.group(1) if m else None
        m = re.search(r"[Ff]lags: ([a-z ]*);", text)
        self.flags = set(m.group(1).split()) if m else set()
        counts = {}
        for name in ("QUERY", "ANSWER", "AUTHORITY", "ADDITIONAL"):
            m = re.search(name + r": (\d+)", text)
            counts[name] = int(m.group(1)) if m else None
        self.counts = counts
        # kdig: ";; Version: 0; flags: do; UDP size: 1232 B; ext-rcode: NOERROR"
        m = re.search(r";; Version: (\d+); flags: ([a-z ]*); UDP size: (\d+) B; ext-rcode: (\w+)", text)
        self.edns = None
        if m:
            self.edns = {"version": int(m.group(1)), "flags": set(m.group(2).split()), "udp": int(m.group(3)),
                         "ext_rcode": m.group(4)}
        m = re.search(r";; CLIENT-SUBNET: (\S+)", text)
        self.client_subnet = m.group(1) if m else None
        self.sections = {}
        current = None
        for line in text.splitlines():
            h = re.match(r";; (\w+) SECTION:", line)
            if h:
                current = h.group(1)
                self.sections[current] = []
                continue
            if current and line.strip() and not line.startswith(";;"):
                self.sections[current].append(line.split())
            elif current and line.startswith(";;") and current != "QUESTION":
                current = None
        m = re.search(r";; QUESTION SECTION:\n;; (\S+)", text)
        self.question_name = m.group(1) if m else None

    def records(self, section, rtype=None):
        return [r for r in self.sections.get(section, []) if rtype is None or (len(r) > 3 and r[3] == rtype)]


def kdig(server, *args, at="127.0.0.1"):
    cmd = ["kdig", "@" + at, "-p", str(server.port), "+time=2", "+retry=1"] + list(args)
    out = subprocess.run(cmd, capture_output=True, text=True)
    return Reply(out.stdout + out.stderr)


def raw_udp(server, message):
    """Sends bytes no client will produce (two OPT records); returns the reply bytes."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        s.sendto(message, ("127.0.0.1", server.port))
        return s.recvfrom(65535)[0]


def ecs_hex(family, source, scope, address_hex):
    return f"8:{family:04x}{source:02x}{scope:02x}{address_hex}"


# --- RFC 1035 / 2181 / 2308: the apex, NODATA, NXDOMAIN, REFUSED ---------------------------

@case
def apex_soa(server):
    """RFC 1035 3.3.13 / 2181 6.1: the zone apex has exactly one SOA; its serial is the mapping version."""
    r = kdig(server, "SOA", "example.net")
    expect(r.status == "NOERROR" and "aa" in r.flags, "apex SOA is not an authoritative NOERROR", r.text)
    soa = r.records("ANSWER", "SOA")
    expect(len(soa) == 1, "expected one SOA in the answer", r.text)
    _, ttl, _, _, mname, rname, serial, refresh, retry, expire, minimum = soa[0]
    expect(mname == "ns1.example.net." and rname == "dns-admin.example.net.", "mname/rname not as configured", r.text)
    expect((serial, refresh, retry, expire, minimum) == ("1", "7200", "900", "1209600", "60"),
           "serial must be mapping version 1, timers as configured", r.text)
    expect(ttl == "3600", "the SOA RRset's TTL is the configured ttl_s", r.text)


@case
def apex_ns_with_glue(server):
    """RFC 1035 3.3.11, 2181 5.4.1: the apex NS set, with the in-zone servers' addresses (glue) in additional."""
    r = kdig(server, "NS", "example.net")
    expect(r.status == "NOERROR" and "aa" in r.flags, "apex NS is not an authoritative NOERROR", r.text)
    names = sorted(rr[4] for rr in r.records("ANSWER", "NS"))
    expect(names == ["ns1.example.net.", "ns2.example.net."], "NS set not as configured", r.text)
    glue = sorted((rr[0], rr[4]) for rr in r.records("ADDITIONAL", "A"))
    expect(glue == [("ns1.example.net.", "192.0.2.53"), ("ns2.example.net.", "198.51.100.53")], "glue missing", r.text)
    a = kdig(server, "A", "ns1.example.net")
    expect([rr[4] for rr in a.records("ANSWER", "A")] == ["192.0.2.53"], "the name server's own A record", a.text)


@case
def nodata_at_apex_and_hostname(server):
    """RFC 2308 2.2: a name that exists without the asked type is NOERROR, no answer, the SOA in authority."""
    for qtype, name in (("TXT", "example.net"), ("AAAA", "example.net"), ("MX", "cdn.example.net")):
        r = kdig(server, qtype, name)
        expect(r.status == "NOERROR" and "aa" in r.flags, f"{qtype} {name}: not NOERROR", r.text)
        expect(r.counts["ANSWER"] == 0, f"{qtype} {name}: NODATA must have no answer", r.text)
        soa = r.records("AUTHORITY", "SOA")
        expect(len(soa) == 1, f"{qtype} {name}: the SOA belongs in the authority section", r.text)
        expect(soa[0][1] == "60", "negative TTL = min(SOA TTL, SOA minimum) (RFC 2308 3)", r.text)


@case
def nxdomain_with_soa(server):
    """RFC 2308 2.1: a name that does not exist in the zone is NXDOMAIN with the SOA in authority."""
    r = kdig(server, "A", "no-such-name.example.net")
    expect(r.status == "NXDOMAIN" and "aa" in r.flags, "expected an authoritative NXDOMAIN", r.text)
    expect(len(r.records("AUTHORITY", "SOA")) == 1, "NXDOMAIN carries the SOA", r.text)


@case
def refused_outside_the_zone(server):
    """An authoritative-only server refuses names it is not authoritative for (no recursion, no aa)."""
    r = kdig(server, "A", "www.example.org")
    expect(r.status == "REFUSED" and "aa" not in r.flags, "outside the zone: REFUSED without aa", r.text)
    axfr = kdig(server, "+tcp", "AXFR", "example.net")
    expect("REFUSED" in axfr.text or "refused" in axfr.text.lower(), "zone transfers are refused", axfr.text)


@case
def question_case_echoed(server):
    """RFC 1035 7.3 / draft-vixie-dnsext-dns0x20: the question comes back as asked, case and all."""
    # dig, because kdig lower-cases the name it sends.
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(server.port), "+time=2", "+tries=1", "A", "CdN.ExAmPlE.nEt"],
                         capture_output=True, text=True).stdout
    expect("status: NOERROR" in out and "ANSWER: 1" in out, "mixed-case name not answered", out)
    m = re.search(r";; QUESTION SECTION:\n;(\S+)", out)
    expect(m is not None and m.group(1) == "CdN.ExAmPlE.nEt.", "question not echoed in its case", out)
    answer = re.search(r";; ANSWER SECTION:\n(\S+)", out)
    expect(answer is not None and answer.group(1).lower() == "cdn.example.net.", "answer owner is the name", out)


@case
def tcp_answers_like_udp(server):
    """RFC 7766: DNS over TCP is a full transport; the same answer as over UDP."""
    u = kdig(server, "A", "cdn.example.net", "+subnet=10.2.3.0/24")
    t = kdig(server, "+tcp", "A", "cdn.example.net", "+subnet=10.2.3.0/24")
    expect(u.records("ANSWER", "A") == t.records("ANSWER", "A") and t.client_subnet == u.client_subnet,
           "TCP and UDP answers differ", u.text + t.text)


@case
def ipv6_transport(server):
    """Served over IPv6 as over IPv4, UDP and TCP (`--listen [::1]:PORT` beside 127.0.0.1)."""
    with Server(server.binary, server.zone, also_ipv6=True) as both:
        for transport in ([], ["+tcp"]):
            r6 = kdig(both, *transport, "+subnet=10.2.3.0/24", "A", "cdn.example.net", at="::1")
            r4 = kdig(both, *transport, "+subnet=10.2.3.0/24", "A", "cdn.example.net")
            expect(r6.status == "NOERROR" and r6.records("ANSWER", "A") == r4.records("ANSWER", "A"),
                   f"over IPv6 {transport}: not the IPv4 answer", r6.text + r4.text)
            expect(r6.client_subnet == "10.2.3.0/24/16", "ECS over IPv6", r6.text)
        # An IPv6 resolver without ECS has no IPv4 row: the default row answers it.
        r = kdig(both, "A", "cdn.example.net", at="::1")
        expect([rr[4] for rr in r.records("ANSWER", "A")] == ["192.0.2.10"], "IPv6 resolver: default row", r.text)


@case
def aaaa_from_the_same_ranking(server):
    """RFC 3596: AAAA for the CDN name, from the same mapping row and PoP as A (and with the
    same ECS scope); NODATA with the SOA, still scoped to the row, where that PoP has no IPv6."""
    for subnet, a, aaaa, scope in (("10.1.0.0/24", "192.0.2.10", "2001:db8:a::10", "24"),
                                   ("10.2.3.0/24", "198.51.100.20", "2001:db8:b::20", "16")):
        r4 = kdig(server, "+subnet=" + subnet, "A", "cdn.example.net")
        r6 = kdig(server, "+subnet=" + subnet, "AAAA", "cdn.example.net")
        expect([rr[4] for rr in r4.records("ANSWER", "A")] == [a], f"{subnet}: A", r4.text)
        expect([rr[4] for rr in r6.records("ANSWER", "AAAA")] == [aaaa], f"{subnet}: AAAA from the same PoP", r6.text)
        expect(r6.client_subnet == f"{subnet}/{scope}", f"{subnet}: AAAA scoped like A", r6.text)
    r = kdig(server, "+subnet=10.3.0.0/24", "AAAA", "cdn.example.net")
    expect(r.status == "NOERROR" and r.counts["ANSWER"] == 0 and len(r.records("AUTHORITY", "SOA")) == 1,
           "a PoP without IPv6: NODATA with the SOA", r.text)
    expect(r.client_subnet == "10.3.0.0/24/24", "that NODATA depends on the subnet: the row's scope", r.text)
    t = kdig(server, "+tcp", "AAAA", "cdn.example.net")
    expect([rr[4] for rr in t.records("ANSWER", "AAAA")] == ["2001:db8:a::10"], "AAAA by resolver over TCP", t.text)


@case
def ecs_family_2_mapped_by_ipv6_rows(server):
    """RFC 7871 6: FAMILY 2 is an IPv6 client subnet. It is mapped by the IPv6 rows (never by an
    IPv4 one), A and AAAA come from that row's PoP, and the scope is the widest true one (two
    adjacent /48s on one PoP: a /47). A subnet no IPv6 row covers is answered for the resolver,
    valid for that subnet alone (7.2.1: the answer depends on it, other subnets have rows)."""
    six = kdig(server, "+subnet=2001:db8:100:4200::/56", "AAAA", "cdn.example.net")
    expect([rr[4] for rr in six.records("ANSWER", "AAAA")] == ["2001:db8:b::20"], "AAAA of the IPv6 row's PoP", six.text)
    expect(six.client_subnet == "2001:db8:100:4200::/56/47", "scope: the two /48s aggregated", six.text)
    four = kdig(server, "+subnet=2001:db8:101::/56", "A", "cdn.example.net")
    expect([rr[4] for rr in four.records("ANSWER", "A")] == ["198.51.100.20"], "A from the same IPv6 row", four.text)
    expect(four.client_subnet == "2001:db8:101::/56/47", "A scoped like AAAA", four.text)
    nodata = kdig(server, "+subnet=2001:db8:102::/56", "AAAA", "cdn.example.net")
    expect(nodata.status == "NOERROR" and nodata.counts["ANSWER"] == 0, "PoP without IPv6: NODATA", nodata.text)
    expect(nodata.client_subnet == "2001:db8:102::/56/48", "that NODATA is the row's", nodata.text)
    other = kdig(server, "+subnet=2001:db8:999::/56", "AAAA", "cdn.example.net")
    expect([rr[4] for rr in other.records("ANSWER", "AAAA")] == ["2001:db8:a::10"],
           "no IPv6 row: the resolver's (default) row", other.text)
    expect(other.client_subnet == "2001:db8:999::/56/56", "valid for that subnet alone", other.text)
    tcp = kdig(server, "+tcp", "+subnet=2001:db8:100::/56", "AAAA", "cdn.example.net")
    expect(tcp.records("ANSWER", "AAAA") == six.records("ANSWER", "AAAA"), "the same over TCP", tcp.text)


# --- RFC 6891: EDNS ------------------------------------------------------------------------

@case
def badvers_for_edns_version_1(server):
    """RFC 6891 6.1.3: 'If a responder does not implement the VERSION level of the request, then
    it MUST respond with RCODE=BADVERS', and the OPT it sends carries its own version, 0."""
    r = kdig(server, "+edns=1", "A", "cdn.example.net")
    expect(r.status == "BADVERS", "EDNS version 1 must get BADVERS", r.text)
    expect(r.edns is not None and r.edns["version"] == 0, "the BADVERS reply's OPT has version 0", r.text)
    expect(r.counts["ANSWER"] == 0, "BADVERS carries no answer", r.text)


@case
def opt_in_every_edns_reply(server):
    """RFC 6891 7: 'the responder MUST include an OPT RR in its response' to a query with one: for
    answers, NODATA, NXDOMAIN, REFUSED, FORMERR and NOTIMP alike."""
    for args, status in ((["A", "cdn.example.net"], "NOERROR"), (["AAAA", "cdn.example.net"], "NOERROR"),
                         (["A", "x.example.net"], "NXDOMAIN"), (["A", "example.org"], "REFUSED"),
                         (["-c", "CH", "TXT", "version.bind"], "REFUSED"),
                         (["+ednsopt=" + ecs_hex(1, 24, 0, "0a01"), "A", "cdn.example.net"], "FORMERR")):
        r = kdig(server, "+edns=0", *args)
        expect(r.status == status, f"{args}: expected {status}", r.text)
        expect(r.edns is not None and r.edns["version"] == 0, f"{args}: no OPT in the {status} reply", r.text)
    notify = subprocess.run(["dig", "@127.0.0.1", "-p", str(server.port), "+opcode=notify", "+edns=0", "+time=2",
                             "+tries=1", "SOA", "example.net"], capture_output=True, text=True).stdout
    expect("status: NOTIMP" in notify and "; EDNS: version: 0" in notify, "NOTIFY: NOTIMP with an OPT", notify)


@case
def dnssec_ok_echoed(server):
    """RFC 3225 3: the DO bit of the query is copied into the response's OPT."""
    r = kdig(server, "+dnssec", "A", "cdn.example.net")
    expect(r.edns is not None and "do" in r.edns["flags"], "DO not echoed", r.text)
    plain = kdig(server, "+edns", "A", "cdn.example.net")
    expect(plain.edns is not None and "do" not in plain.edns["flags"], "DO set though not asked", plain.text)


@case
def two_opt_records_are_formerr(server):
    """RFC 6891 6.1.1: 'If a query message with more than one OPT RR is received, a FORMERR
    (RCODE=1) MUST be returned.' No client sends this; the bytes are built here."""
    name = b"\x03cdn\x07example\x03net\x00"
    header = struct.pack("!HHHHHH", 0x4242, 0x0100, 1, 0, 0, 2)

    def opt(ecs_address):
        option = struct.pack("!HHHBB", 8, 7, 1, 24, 0) + ecs_address
        return b"\x00" + struct.pack("!HHIH", 41, 1232, 0, len(option)) + option

    reply = raw_udp(server, header + name + struct.pack("!HH", 1, 1) + opt(b"\x0a\x01\x00") + opt(b"\x0a\x02\x00"))
    rid, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", reply[:12])
    expect(rid == 0x4242 and flags & 0x8000, "no reply to a query with two OPTs")
    expect(flags & 0x000F == 1, f"rcode {flags & 0xF}, expected FORMERR (1)")
    expect(an == 0 and ar == 1, "a FORMERR with one OPT and no answer (the second OPT's subnet never used)")


@case
def truncated_reply_keeps_opt(server):
    """RFC 6891 7 / RFC 2181 9: a reply larger than the requestor's payload size is truncated
    (TC) and still carries the OPT; over TCP the whole answer comes."""
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(open(server.zone).read().split("name_servers:")[0])
        f.write("name_servers:\n")
        for i in range(20):
            f.write(f"  - {{name: a-rather-long-name-server-name-{i:02d}.example.net, addresses: [192.0.2.{i + 1}]}}\n")
        big = f.name
    try:
        with Server(server.binary, big) as s:
            s.binary = server.binary
            u = kdig(s, "+bufsize=512", "+ignore", "NS", "example.net")
            expect("tc" in u.flags, "an NS set over 512 bytes must be truncated at bufsize 512", u.text)
            expect(u.edns is not None, "the truncated reply carries the OPT", u.text)
            t = kdig(s, "+tcp", "NS", "example.net")
            expect(len(t.records("ANSWER", "NS")) == 20 and "tc" not in t.flags, "TCP gets all 20 NS", t.text)
    finally:
        os.unlink(big)


# --- RFC 7871: client subnet ---------------------------------------------------------------

@case
def ecs_formerr_cases(server):
    """RFC 7871 6: FORMERR for a SOURCE PREFIX-LENGTH beyond the family's address, ADDRESS octets
    not ceil(SOURCE/8), bits set beyond the prefix, an unknown FAMILY, a non-zero SCOPE in a
    query ('SCOPE PREFIX-LENGTH ... MUST be set to 0 in queries'), or more than one ECS option."""
    bad = {
        "source longer than IPv4": ecs_hex(1, 33, 0, "0a01000000"),
        "source longer than IPv6": ecs_hex(2, 129, 0, "20" * 17),
        "address shorter than the prefix": ecs_hex(1, 24, 0, "0a01"),
        "address longer than the prefix": ecs_hex(1, 16, 0, "0a0100"),
        "bits beyond the prefix": ecs_hex(1, 20, 0, "0a011f"),
        "unknown family": ecs_hex(3, 8, 0, "0a"),
        "non-zero scope": ecs_hex(1, 24, 16, "0a0100"),
    }
    for what, option in bad.items():
        r = kdig(server, "+ednsopt=" + option, "A", "cdn.example.net")
        expect(r.status == "FORMERR", f"{what}: expected FORMERR", r.text)
        expect(r.edns is not None, f"{what}: the FORMERR carries an OPT", r.text)
    two = kdig(server, "+ednsopt=" + ecs_hex(1, 24, 0, "0a0100"), "+ednsopt=" + ecs_hex(1, 24, 0, "0a0200"),
               "A", "cdn.example.net")
    expect(two.status == "FORMERR", "two ECS options: expected FORMERR", two.text)


@case
def ecs_scope_rules(server):
    """RFC 7871 7.2.1: the reply echoes FAMILY, SOURCE PREFIX-LENGTH and ADDRESS; SCOPE says how
    far the answer holds: the matching row's prefix (shorter than the source is allowed), 0 when
    the answer does not depend on the subnet at all."""
    for subnet, scope, address in (("10.1.0.0/24", "24", "192.0.2.10"), ("10.2.3.0/24", "16", "198.51.100.20"),
                                   ("10.2.0.0/16", "16", "198.51.100.20")):
        r = kdig(server, "+subnet=" + subnet, "A", "cdn.example.net")
        expect(r.client_subnet == f"{subnet}/{scope}", f"{subnet}: expected scope {scope}", r.text)
        expect([rr[4] for rr in r.records("ANSWER", "A")] == [address], f"{subnet}: answered {address}", r.text)
    # No row covers 172.16.5.0/24 but others would differ: the default row's answer holds for
    # this subnet only (cdnlab's choice: scope = source, never 0, so it is not reused wider).
    r = kdig(server, "+subnet=172.16.5.0/24", "A", "cdn.example.net")
    expect(r.client_subnet == "172.16.5.0/24/24", "unmapped subnet: scope = source", r.text)
    for args in (["SOA", "example.net"], ["NS", "example.net"], ["MX", "cdn.example.net"],
                 ["A", "nope.example.net"], ["A", "ns1.example.net"]):
        r = kdig(server, "+subnet=10.1.0.0/24", *args)
        expect(r.client_subnet == "10.1.0.0/24/0", f"{args}: does not depend on the subnet: scope 0", r.text)
    r = kdig(server, "+subnet=0.0.0.0/0", "A", "cdn.example.net")
    expect(r.client_subnet == "0.0.0.0/0/0", "source 0 (RFC 7871 7.1.2: no subnet to use): scope 0", r.text)


def main():
    if len(sys.argv) == 4 and sys.argv[3] == "--list":
        print("\n".join(CASES))
        return 0
    if len(sys.argv) != 4 or sys.argv[3] not in CASES:
        print(__doc__)
        return 2
    binary, source, name = sys.argv[1:]
    zone = os.path.join(source, "tests/realnet/data/conformance_zone.yaml")
    try:
        with Server(binary, zone) as server:
            server.binary = binary
            server.zone = zone
            CASES[name](server)
    except Failure as e:
        print(f"FAIL {name}: {e}")
        return 1
    print(f"ok {name}: {CASES[name].__doc__.split(chr(10))[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
