#!/usr/bin/env bash
# Installs every Debian package cdnlab's build and tests need.
# Idempotent: apt-get skips what is already installed, so running it twice is safe.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  # ns-3 runtime (its CMake targets link libgsl, so the -dev package is required)
  libns3-dev libgsl-dev ns3  # ns3 ships the helper binaries its CMake targets reference
  # policy core, loader, analysis
  libboost-dev libboost-graph-dev libeigen3-dev libyaml-cpp-dev
  nlohmann-json3-dev libfmt-dev libcli11-dev
  # realnet: DNS wire format and TSIG (ldns), sockets and timers (Boost.Asio, header-only),
  # HTTPS through Beast's SSL stream on OpenSSL; the openssl CLI makes the TLS tests' throwaway CA
  libldns-dev libssl-dev openssl
  # realnet federation: the gateway's command journal (SQLite); curl drives its HTTP API in tests
  libsqlite3-dev sqlite3 curl
  # real peers the realnet tests start on loopback: Knot DNS, kdig/knsupdate, dig
  knot knot-dnsutils dnsutils dnsperf
  # Knot as the DNS data plane: its geoip module answers per client subnet from the file the
  # controller writes (realnet/dns/knot_geoip_writer.h)
  knot-module-geoip
  # a real resolver in front of cdnlab's DNS (qname minimisation, ECS through its subnetcache module)
  unbound
  # promtool checks every realnet service's /metrics (tests/realnet/net/metrics_scrape.py)
  prometheus
  # live streaming: ffmpeg publishes (HLS PUT) and plays in the realnet test; nginx serves
  # the same files as the edge benchmark's baseline, wrk is its load generator
  ffmpeg nginx-light wrk
  # real-user measurement: headless Chromium runs the page's measurement tag in the realnet
  # test (as root, with --no-sandbox); python3 reads the collector's JSON state there
  chromium python3
  # the browser player test (tests/realnet/streaming/browser): node runs puppeteer-core, which
  # drives that same Chromium with hls.js; npm installs them from the lockfile (.ci/setup-js.sh);
  # the publisher's burned-in clock (ffmpeg drawtext) needs a font
  nodejs fonts-dejavu-core
  # the DNS fuzz target (libFuzzer with ASan/UBSan)
  clang libclang-rt-14-dev
  # cdnlab sweep across machines (issue 7): Open MPI (mpirun, libmpi) for the sweep's rank-0 gather
  openmpi-bin libopenmpi-dev
  # jemalloc for the large simulations (CMakeLists.txt cdnlab_use_jemalloc)
  libjemalloc2
  # `cdnlab report` (issue 7): gnuplot renders the report's plots (svg terminal, no X needed)
  gnuplot-nox
  # the deployment example's test (tests/realnet/deploy): network namespaces (ip), systemd-analyze
  # verifies the units, python3-yaml reads the example's scenario
  iproute2 systemd python3-yaml
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# npm: Debian's nodejs needs the npm package; a nodejs that bundles npm (NodeSource's) conflicts
# with it, so it is installed only when no npm came with node.
if ! command -v npm >/dev/null; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm
fi
echo "cdnlab setup: all ${#packages[@]} packages present"
bash "$(dirname "$0")/setup-js.sh"
