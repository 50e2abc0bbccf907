#!/bin/sh
# Installs the Debian packages that building, testing and running Vexil
# need, and only those that are missing. Safe to run again.
set -eu

pkgs="build-essential pkg-config libmicrohttpd-dev libsqlite3-dev \
libjansson-dev libsodium-dev zlib1g-dev check libcurl4-openssl-dev curl"
# node and npm count as present when on PATH, whoever installed them.
if [ "${1:-}" = "--test" ] && ! command -v npm >/dev/null; then
    pkgs="$pkgs nodejs npm"
fi
[ "${1:-}" = "--bench" ] && pkgs="$pkgs wrk"
[ "${1:-}" = "--lint" ] && pkgs="$pkgs clang-format cppcheck"
[ "${1:-}" = "--fuzz" ] && pkgs="$pkgs clang libclang-rt-14-dev"

missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
        grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing:$missing" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
