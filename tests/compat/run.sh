#!/bin/sh
# Compatibility tests: the real Unleash SDKs from npm against the real
# vexil binary ($VEXIL_BIN). Installs the npm packages on first use.
set -eu
cd "$(dirname "$0")"
if [ ! -f node_modules/.vexil-installed ] ||
    [ package.json -nt node_modules/.vexil-installed ]; then
    npm install --no-audit --no-fund
    touch node_modules/.vexil-installed
fi
set -- ./*.test.mjs
if [ ! -e "$1" ]; then
    echo "no compatibility tests in tests/compat"
    exit 0
fi
exec node --test --test-reporter=spec "$@"
