#!/usr/bin/env bash
# `cdnlab realnet controller`'s RUM flags against what cannot work: each is refused before the
# controller runs, with exit status 1 or 2 and a message naming the flag.
#   controller_flags.sh CDNLAB_BINARY SCENARIO
set -uo pipefail
cdnlab="$1"
scenario="$2"
failures=0

expect_refused() {  # FLAG-IN-MESSAGE ARGS...
  local needle="$1"; shift
  local out status
  out="$(timeout 20 "$cdnlab" realnet controller "$scenario" --accept-unsigned-reports --for 1 "$@" 2>&1)"
  status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 124 ] && grep -q -- "$needle" <<<"$out"; then
    echo "ok: $* -> $(head -n 1 <<<"$out")"
  else
    echo "FAIL: $* (exit $status) should be refused naming $needle; got: $out"
    failures=$((failures + 1))
  fi
}

expect_refused --rum-listen --policy rum                                       # rum ranks beacons only
expect_refused --rum-listen --policy geo --rum-listen 127.0.0.1:0 --rum-object-port 9 --rum-plain-http  # geo takes none
expect_refused --rum-object-port --policy hybrid --rum-listen 127.0.0.1:0      # where are the objects?
expect_refused --rum-object-port --policy hybrid --rum-object-port 9           # objects, but no page
expect_refused --rum-listen --policy hybrid --rum-listen localhost:80 --rum-object-port 9 --rum-plain-http  # not IPV4:PORT
expect_refused --rum-object-port --policy hybrid --rum-listen 127.0.0.1:0 --rum-object-port 70000
expect_refused --rum-plain-http --policy hybrid --rum-listen 127.0.0.1:0 --rum-object-port 9  # HTTPS or, asked for, HTTP
expect_refused --rum-tls-key --policy hybrid --rum-listen 127.0.0.1:0 --rum-object-port 9 --rum-tls-cert "$scenario"
[ "$failures" -eq 0 ] && echo PASS
exit "$failures"
