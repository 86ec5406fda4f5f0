#!/usr/bin/env bash
# Installs the JavaScript test tools exactly as locked (npm ci): hls.js, hls-parser and
# puppeteer-core for the browser player test (tests/realnet/streaming/browser). puppeteer-core
# drives the system's /usr/bin/chromium and downloads no browser.
# Run by .ci/setup-debian.sh once the Debian packages (nodejs, npm) are in; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=tests/realnet/streaming/browser
command -v node >/dev/null || { echo "setup-js: node is missing (Debian package nodejs)"; exit 1; }
command -v npm >/dev/null || { echo "setup-js: npm is missing (Debian package npm)"; exit 1; }
PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix "$dir" --prefer-offline --no-audit --no-fund --loglevel=error
echo "cdnlab setup-js: JavaScript test tools installed in $dir ($(node --version))"
