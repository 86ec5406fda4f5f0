#!/usr/bin/env bash
# End to end on real processes and sockets (loopback only): three federation gateways
# (cdn-a -> cdn-b -> cdn-c, and cdn-a -> cdn-c directly) and one agent per server, each
# agent over a cache directory prefilled with objects; RFC 8007 triggers POSTed with curl to
# cdn-a's HTTP API with a bearer token from `cdnlab realnet federation-token`.
#  1. a purge by URL and by pattern reaches complete, and exactly the files of the servers
#     carrying the configuration are gone (every other file, on every server, is untouched);
#  1c. a statistics trigger (cdnlab's extension) for news comes back complete with one entry per
#     news server in the status resource's "cdnlab.statistics", and changes nothing;
#  2. a purge of another provider's configuration fails with eperm and changes nothing;
#  3. with cdn-a's agents stopped, a purge is pending when cdn-a's gateway is killed -9; the
#     gateway restarted on the same journal, and the agents restarted, it reaches complete.
# The gateways serve plain HTTP (--allow-plain-bearer): this loop is about RFC 8007's semantics
# across processes; HTTPS and mutual TLS are checked in http_api_test.cpp with a throwaway CA.
#   federation_http_loop.sh CDNLAB_BINARY SCENARIO
set -euo pipefail
cdnlab="$1"
scenario="$2"
api=http://127.0.0.1:27481
work="$(mktemp -d "${TMPDIR:-/tmp}/cdnlab-federation-loop.XXXXXX")"
mkdir -p "$work/logs"
failed=1
source "$(dirname "$0")/federation_processes.sh"

# --- objects: the same layout in origin and caches (<dir>/<host>/<path>) ---
news_files=(www.news.example/a.html www.news.example/b.html img.news.example/photos/p1.jpg img.news.example/photos/p2.jpg)
video_files=(vod.video.example/m1/master.m3u8 vod.video.example/photos/poster.jpg)
put() {  # put DIR FILE...
  local dir="$1"; shift
  for f in "$@"; do mkdir -p "$(dirname "$dir/$f")"; echo "$f" > "$dir/$f"; done
}
put "$work/origin" "${news_files[@]}" "${video_files[@]}"
# Each server caches its configurations' objects. a-e2 and b-e2 do not carry news but hold
# copies of its files anyway: a command for news must not touch them there.
for s in a-p1 a-e1 b-p1 b-e1 c-p1 c-e1 a-e2 b-e2; do put "$work/cache/$s" "${news_files[@]}"; done
for s in a-p1 a-e2 c-p1; do put "$work/cache/$s" "${video_files[@]}"; done
news_servers=(a-p1 a-e1 b-p1 b-e1 c-p1 c-e1)

snapshot() { (cd "$work/cache" && find . -type f ! -name '.cdnlab-*' | sort); }

# Without a certificate, and without the operator's explicit consent, no token travels in clear.
if refusal="$("$cdnlab" realnet federation-gateway "$scenario" --platform cdn-a --journal "$work/refused.journal" \
               --for 1 2>&1)"; then
  fail "a gateway started plain HTTP without --allow-plain-bearer"
fi
echo "$refusal" | grep -q -- "--allow-plain-bearer" || fail "the refusal does not say how to opt in: $refusal"

for p in cdn-a cdn-b cdn-c; do start_gateway "$p"; done
for s in a-p1 a-e1 a-e2 b-p1 b-e1 b-e2 c-p1 c-e1; do start_agent "$s"; done
for p in cdn-a cdn-b cdn-c; do wait_for_log "$work/logs/gw-$p.log" "HTTP API on"; done
for s in a-p1 a-e1 a-e2 b-p1 b-e1 b-e2 c-p1 c-e1; do wait_for_log "$work/logs/agent-$s.log" "cache "; done

news_token="$("$cdnlab" realnet federation-token "$scenario" --as cp-news --ttl-s 600)"
video_token="$("$cdnlab" realnet federation-token "$scenario" --as cp-video --ttl-s 600)"

# post TOKEN BODY: POSTs a CI/T command; sets $code and $location.
post() {
  local headers="$work/headers"
  code="$(curl -sS --max-time 5 -o "$work/post-body" -D "$headers" -w '%{http_code}' \
    -H "Authorization: Bearer $1" -H 'Content-Type: application/cdni; ptype=ci-trigger-command' \
    --data-binary "$2" "$api/triggers")"
  location="$(grep -i '^Location:' "$headers" | tr -d '\r' | awk '{print $2}')"
}
# wait_status TOKEN URL STATUS [SECONDS]: polls the status resource; its last body in $status_body.
wait_status() {
  local deadline=$(( ${4:-20} * 10 ))
  for _ in $(seq "$deadline"); do
    status_body="$(curl -sS --max-time 5 -H "Authorization: Bearer $1" "$2" || true)"
    echo "$status_body" | grep -q "\"status\": \"$3\"" && return 0
    sleep 0.1
  done
  fail "$2 never became $3; last: $status_body"
}

# --- 1. purge by URL and by pattern, down the cascade ---
before="$(snapshot)"
post "$news_token" '{"trigger": {"type": "purge", "content.urls": ["https://www.news.example/a.html"],
  "content.patterns": [{"pattern": "*/photos/*"}]}, "cdn-path": []}'
[ "$code" = 201 ] || fail "purge: HTTP $code $(cat "$work/post-body")"
case "$location" in "$api"/triggers/*) ;; *) fail "purge: Location '$location'" ;; esac
echo "purge accepted at $location"
wait_status "$news_token" "$location" complete
expected="$before"
for s in "${news_servers[@]}"; do
  for f in www.news.example/a.html img.news.example/photos/p1.jpg img.news.example/photos/p2.jpg; do
    expected="$(echo "$expected" | grep -vxF "./$s/$f")"
  done
done
# Emptied directories are removed along with the files.
after="$(snapshot)"
[ "$after" = "$expected" ] || { diff <(echo "$expected") <(echo "$after") || true; fail "purge touched the wrong files"; }
echo "purge complete: gone from ${news_servers[*]}; video's photos and a-e2/b-e2's copies untouched"

# The caller's collection lists it; another provider cannot see it.
curl -sS --max-time 5 -H "Authorization: Bearer $news_token" "$api/triggers" | grep -qF "\"$location\"" \
  || fail "the collection does not list $location"
foreign="$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $video_token" "$location")"
[ "$foreign" = 404 ] || fail "cp-video read cp-news's trigger (HTTP $foreign)"

# --- 1b. invalidate of video: cdn-a and, delegated directly, cdn-c; bytes kept, marked stale ---
before="$(snapshot)"
post "$video_token" '{"trigger": {"type": "invalidate", "content.urls": ["https://vod.video.example/m1/master.m3u8"]},
  "cdn-path": []}'
[ "$code" = 201 ] || fail "invalidate: HTTP $code $(cat "$work/post-body")"
wait_status "$video_token" "$location" complete
[ "$(snapshot)" = "$before" ] || fail "invalidate removed files"
for s in a-p1 a-e2 c-p1; do
  grep -q '"stale": true' "$work/cache/$s/.cdnlab-index.json" 2>/dev/null || fail "master.m3u8 not stale on $s"
done
for s in a-e1 b-p1 b-e1 b-e2 c-e1; do
  ! grep -q '"stale": true' "$work/cache/$s/.cdnlab-index.json" 2>/dev/null || fail "something went stale on $s"
done
echo "invalidate complete: stale on a-p1 a-e2 c-p1 (cdn-a -> cdn-c directly), files kept"

# --- 1c. statistics of news (cdnlab's extension trigger): counted on every news server, on all
# three platforms, reported back to cdn-a per server; nothing changes ---
before="$(snapshot)"
post "$news_token" '{"trigger": {"type": "statistics", "metadata.urls": ["https://cdni.cdn-a.example/metadata/news"]},
  "cdn-path": []}'
[ "$code" = 201 ] || fail "statistics: HTTP $code $(cat "$work/post-body")"
wait_status "$news_token" "$location" complete
[ "$(snapshot)" = "$before" ] || fail "statistics changed files"
compact="$(echo "$status_body" | tr -d ' \n')"
echo "$compact" | grep -q '"cdnlab.statistics":\[' || fail "no cdnlab.statistics in $status_body"
# Only b.html of news is left after the purge above; a-e2 and b-e2 hold a copy but do not carry news.
for s in "${news_servers[@]}"; do
  echo "$compact" | grep -qF "{\"server\":\"$s\",\"configuration\":\"news\",\"objects\":1,\"stale\":0}" \
    || fail "no statistics entry for $s in $status_body"
done
entries="$(echo "$compact" | grep -o '"configuration":' | wc -l)"
[ "$entries" = "${#news_servers[@]}" ] || fail "expected ${#news_servers[@]} statistics entries, got $entries"
echo "statistics complete: one entry per news server (${news_servers[*]}), files unchanged"

# --- 2. another provider's configuration: failed, eperm, nothing changed ---
before="$(snapshot)"
post "$video_token" '{"trigger": {"type": "purge", "content.urls": ["https://www.news.example/b.html"]}, "cdn-path": []}'
[ "$code" = 201 ] || fail "unauthorized purge: HTTP $code"
wait_status "$video_token" "$location" failed
echo "$status_body" | grep -q '"error": "eperm"' || fail "no eperm in $status_body"
sleep 0.5
[ "$(snapshot)" = "$before" ] || fail "the refused purge changed files"
echo "unauthorized purge: failed with eperm, nothing changed"

# Unauthenticated and wrongly typed requests.
[ "$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "$api/triggers")" = 401 ] || fail "no token was accepted"
[ "$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $news_token" \
  -H 'Content-Type: application/json' --data-binary '{}' "$api/triggers")" = 415 ] || fail "wrong content type accepted"

# --- 3. restart: cdn-a's agents stopped, its gateway killed with a command pending ---
for s in a-p1 a-e1 a-e2; do stop "agent:$s"; done
post "$news_token" '{"trigger": {"type": "purge", "content.urls": ["https://www.news.example/b.html"]}, "cdn-path": []}'
[ "$code" = 201 ] || fail "restart purge: HTTP $code"
restart_location="$location"
sleep 1
curl -sS --max-time 5 -H "Authorization: Bearer $news_token" "$restart_location" | grep -Eq '"status": "(pending|active)"' \
  || fail "the command should wait for cdn-a's stopped agents"
stop "gw:cdn-a" KILL
echo "cdn-a's gateway killed with $restart_location pending"
start_gateway cdn-a
wait_for_log "$work/logs/gw-cdn-a.log" "resumed"
for s in a-p1 a-e1 a-e2; do start_agent "$s"; done
wait_status "$news_token" "$restart_location" complete 30
for s in "${news_servers[@]}"; do
  [ ! -e "$work/cache/$s/www.news.example/b.html" ] || fail "b.html still on $s after the restart"
done
for s in a-e2 b-e2; do
  [ -e "$work/cache/$s/www.news.example/b.html" ] || fail "b.html purged on $s, which does not carry news"
done
echo "restart: $restart_location complete after cdn-a's gateway came back on its journal"

failed=0
echo "PASS"
