#!/usr/bin/env bash
# Large commands and dead agents on real processes and sockets (loopback only): the gateways
# and agents of tests/realnet/data/federation_loopback.yaml, on ports the OS hands out, with a
# short retry budget. A trigger of 1,300 URLs (about 58 KB, far over one UDP datagram) is
# POSTed with curl:
#  1. it completes on every news server of the three platforms (the federation transport
#     carries it in 1200-byte fragments with acknowledgements);
#  2. with agent a-e1 killed, the same trigger ends `processed`, a-e1 listed under an `ecdn`
#     error that names the refused connection (ICMP port unreachable -> ECONNREFUSED);
#  3. with every news agent killed, it ends `failed` with `ecdn`; never stays `active`.
#   large_trigger_loop.sh CDNLAB_BINARY SCENARIO
set -euo pipefail
cdnlab="$1"
template="$2"
work="$(mktemp -d "${TMPDIR:-/tmp}/cdnlab-federation-large.XXXXXX")"
mkdir -p "$work/logs"
failed=1
source "$(dirname "$0")/federation_processes.sh"

# The scenario with free ports (asked of the OS, UDP and TCP alike) and a short retry budget.
scenario="$work/federation.yaml"
python3 - "$template" "$scenario" <<'PY'
import re, socket, sys
text = open(sys.argv[1]).read()
held = []
def free_port(_match):
    while True:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
        port = u.getsockname()[1]
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            t.bind(("127.0.0.1", port))
        except OSError:
            u.close(); continue
        held.extend([u, t])
        return "127.0.0.1:%d" % port
text = re.sub(r"127\.0\.0\.1:274\d\d", free_port, text)
text = re.sub(r"max_attempts: \d+", "max_attempts: 8", text)
open(sys.argv[2], "w").write(text)
PY
api="http://$(awk '/federation_http:/{f=1;next} f&&/cdn-a:/{print $2; exit}' "$scenario")"

news_servers=(a-p1 a-e1 b-p1 b-e1 c-p1 c-e1)
for s in a-p1 a-e1 a-e2 b-p1 b-e1 b-e2 c-p1 c-e1; do
  mkdir -p "$work/cache/$s/www.news.example/bulk" "$work/origin"
  for i in 7 1299; do echo x > "$work/cache/$s/www.news.example/bulk/object-$i.html"; done
done

for p in cdn-a cdn-b cdn-c; do start_gateway "$p"; done
for s in a-p1 a-e1 a-e2 b-p1 b-e1 b-e2 c-p1 c-e1; do start_agent "$s"; done
for p in cdn-a cdn-b cdn-c; do wait_for_log "$work/logs/gw-$p.log" "HTTP API on"; done
for s in a-p1 a-e1 a-e2 b-p1 b-e1 b-e2 c-p1 c-e1; do wait_for_log "$work/logs/agent-$s.log" "cache "; done
token="$("$cdnlab" realnet federation-token "$scenario" --as cp-news --ttl-s 600)"

# 1,300 URLs, about 58 KB of JSON.
python3 - > "$work/trigger.json" <<'PY'
import json
urls = ["https://www.news.example/bulk/object-%d.html" % i for i in range(1300)]
print(json.dumps({"trigger": {"type": "purge", "content.urls": urls}, "cdn-path": []}))
PY
bytes="$(wc -c < "$work/trigger.json")"
[ "$bytes" -gt 55000 ] || fail "the trigger is only $bytes bytes"

post() {
  code="$(curl -sS --max-time 10 -o "$work/post-body" -D "$work/headers" -w '%{http_code}' \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/cdni; ptype=ci-trigger-command' \
    --data-binary "@$work/trigger.json" "$api/triggers")"
  [ "$code" = 201 ] || fail "POST: HTTP $code $(cat "$work/post-body")"
  location="$(grep -i '^Location:' "$work/headers" | tr -d '\r' | awk '{print $2}')"
}
# final_status SECONDS: polls until the status is final; sets $status and $status_body.
final_status() {
  status=none
  for _ in $(seq $(( $1 * 10 ))); do
    status_body="$(curl -sS --max-time 5 -H "Authorization: Bearer $token" "$location" || true)"
    status="$(echo "$status_body" | python3 -c 'import json,sys
try: print(json.load(sys.stdin)["status"])
except Exception: print("none")')"
    case "$status" in complete|processed|failed|cancelled) return 0 ;; esac
    sleep 0.1
  done
}

# --- 1. the whole trigger reaches every news server ---
start=$(date +%s.%N)
post
final_status 60
[ "$status" = complete ] || fail "1,300-URL trigger: $status; last: $status_body"
elapsed="$(echo "$(date +%s.%N) - $start" | bc)"
for s in "${news_servers[@]}"; do
  [ ! -e "$work/cache/$s/www.news.example/bulk/object-1299.html" ] || fail "object-1299 still cached on $s"
done
for s in a-e2 b-e2; do
  [ -e "$work/cache/$s/www.news.example/bulk/object-1299.html" ] || fail "$s does not carry news but was purged"
done
echo "1: $bytes-byte trigger complete on ${news_servers[*]} in ${elapsed}s"

# --- 2. one agent killed: processed, a-e1 under ecdn, the refusal named ---
stop "agent:a-e1" KILL
post
final_status 90
[ "$status" = processed ] || fail "with a-e1 dead: $status (expected processed); last: $status_body"
echo "$status_body" | python3 -c '
import json, sys
errors = json.load(sys.stdin)["errors"]
ecdn = [e for e in errors if e["error"] == "ecdn"]
assert ecdn, errors
assert any("ECONNREFUSED" in e.get("description", "") for e in ecdn), errors
print("2: processed; errors:", json.dumps(ecdn))
' || fail "no ecdn error naming ECONNREFUSED: $status_body"

# --- 3. every news agent killed: failed with ecdn ---
for s in a-p1 b-p1 b-e1 c-p1 c-e1; do stop "agent:$s" KILL; done
post
final_status 90
[ "$status" = failed ] || fail "with every news agent dead: $status (expected failed); last: $status_body"
echo "$status_body" | grep -q '"error": "ecdn"' || fail "no ecdn in $status_body"
echo "3: failed with ecdn"

failed=0
echo "PASS"
