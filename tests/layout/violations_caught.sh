#!/bin/sh
# The layout checker must fail on each kind of violation it guards against: a copy of the tree
# gets one violation at a time, and check_layout.py must name it and exit 1.
set -eu
src="$1"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fresh() {
  rm -rf "$work/tree"; mkdir -p "$work/tree"
  for top in models scenarios analysis sim realnet emulation cli; do cp -r "$src/$top" "$work/tree/"; done
}
expect() {  # expect "what" "text the checker must print"
  if python3 "$here/check_layout.py" "$work/tree" > "$work/out" 2>&1; then
    echo "FAIL: $1 was not caught"; cat "$work/out"; exit 1
  fi
  grep -q "$2" "$work/out" || { echo "FAIL: $1 caught without naming it:"; cat "$work/out"; exit 1; }
  echo "ok: $1"
}

fresh
python3 "$here/check_layout.py" "$work/tree" > "$work/out" || { echo "FAIL: clean copy rejected"; cat "$work/out"; exit 1; }

fresh; echo '#include "realnet/net/asio_clock.h"' >> "$work/tree/sim/net/ns3_clock.h"
expect "sim including realnet" "sim/net/ns3_clock.h:.*may not include 'realnet/net/asio_clock.h'"

fresh; echo '#include "sim/net/ns3_clock.h"' >> "$work/tree/realnet/net/asio_clock.h"
expect "realnet including sim" "realnet/net/asio_clock.h:.*may not include 'sim/net/ns3_clock.h'"

fresh; echo '#include "scenarios/core/scenario.h"' >> "$work/tree/models/routing/mapping_table.h"
expect "models including scenarios" "models/routing/mapping_table.h:.*may not include"

fresh; echo '#include <boost/asio.hpp>' >> "$work/tree/models/routing/mapping_table.h"
expect "models including Asio" "models/ must not include <boost/asio.hpp>"

fresh; echo '#include "realnet/federation/http_api.h"' >> "$work/tree/realnet/streaming/cache_service.h"
expect "a capability room including a sibling" "realnet/streaming/cache_service.h:.*may not include 'realnet/federation/http_api.h'"

fresh; cp "$work/tree/realnet/streaming/cache_service.h" "$work/tree/realnet/streaming/streaming_cache.h"
expect "a file name repeating its folder" "realnet/streaming/streaming_cache.h:1: file name repeats its folder 'streaming'"

fresh; mkdir "$work/tree/realnet/extra"; echo 'int x;' > "$work/tree/realnet/extra/thing.cpp"
expect "a folder that is not a room" "folder 'realnet/extra' is not a room"

fresh; sed -i '/cdnlab_room(cdnlab_realnet_rum/d' "$work/tree/realnet/CMakeLists.txt"
expect "a room without its library" "room 'realnet/rum' has code but no cdnlab_room"
echo "all violations caught"
