#!/bin/sh
# Load benchmark: Vexil side by side with Unleash, the server it replaces.
#
# usage: bench/run.sh PATH/TO/vexil
#
# Starts Vexil and Unleash (unleash-server from npm, on a private
# PostgreSQL cluster) on loopback ports, loads the same data set into
# both through their admin APIs, runs wrk against the SDK endpoints of
# each and prints req/s, the ratio Vexil/Unleash and p99 latencies.
# Everything it starts is stopped on exit. docs/benchmarks.md explains
# the scenarios and the numbers.
#
# Knobs (environment): BENCH_DURATION (seconds per run, 10),
# BENCH_THREADS (wrk threads, 2), BENCH_CONNECTIONS (32),
# BENCH_FLAGS (flags per project, 100; two projects).
set -eu

VEXIL=${1:?usage: bench/run.sh PATH/TO/vexil}
case $VEXIL in /*) ;; *) VEXIL=$PWD/$VEXIL ;; esac
[ -x "$VEXIL" ] || { echo "bench: $VEXIL is not executable" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
DURATION=${BENCH_DURATION:-10}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-32}
FLAGS=${BENCH_FLAGS:-100}

# Known secrets, the same on both servers. Unleash reads them in the
# same <project>:<environment>.<random> form.
ADMIN='*:*.bench-admin-0123456789abcdef'
CLIENT='*:production.bench-client-0123456789abcdef'
FRONTEND='*:production.bench-frontend-0123456789abcdef'
USER_ID=1007 # in the beta-users segment, so segments are evaluated

log() { echo "bench: $*" >&2; }
die() { log "$*"; exit 1; }

# ---------------------------------------------------------------- install

# Installs the Debian packages given that are not installed yet.
apt_need() {
    missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
            grep -q 'install ok installed' || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    log "installing:$missing"
    $sudo apt-get update -qq
    # shellcheck disable=SC2086 # one word per package
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
}

apt_need wrk postgresql curl
command -v npm >/dev/null || apt_need nodejs npm
PGBIN=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d |
        sort -V | tail -n 1)
[ -x "$PGBIN/initdb" ] || die "no PostgreSQL server binaries found"

# unleash-server and its dependencies, once per change of package.json.
stamp=$HERE/node_modules/.vexil-bench-installed
if [ ! -f "$stamp" ] ||
    [ -n "$(find "$HERE/package.json" -newer "$stamp")" ]; then
    log "installing unleash-server into bench/node_modules"
    npm install --prefix "$HERE" --no-audit --no-fund --loglevel=error
    touch "$stamp"
fi

# ---------------------------------------------------------------- cleanup

TMP=$(mktemp -d /tmp/vexil-bench.XXXXXX)
chmod 711 "$TMP" # the postgres user walks through to its own directory
VEXIL_PID=""
UNLEASH_PID=""
PG_DIR=""

# Runs a command as the owner of the PostgreSQL cluster.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Stops one process we started: TERM, then KILL after 10 seconds.
stop_pid() {
    [ -n "$1" ] || return 0
    kill -TERM "$1" 2>/dev/null || return 0
    i=0
    while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# Stops everything this script started and removes its files.
cleanup() {
    status=$?
    trap - EXIT INT TERM
    stop_pid "$UNLEASH_PID"
    stop_pid "$VEXIL_PID"
    if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
        as_pg "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop \
            >/dev/null 2>&1 || true
    fi
    rm -rf "$TMP"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- helpers

# Prints a TCP port that is free on loopback now.
free_port() {
    node -e 'const s = require("net").createServer();
             s.listen(0, "127.0.0.1",
                      () => { console.log(s.address().port); s.close(); });'
}

# api BASE TOKEN METHOD PATH [JSON_FILE]: one admin call; dies unless 2xx.
api() {
    set -- "$1" "$2" "$3" "$4" "${5:-/dev/null}"
    code=$(curl -sS -o "$TMP/last-body" -w '%{http_code}' -X "$3" \
        -H "Authorization: $2" -H 'Content-Type: application/json' \
        --data-binary "@$5" "$1$4") || die "$3 $1$4: no answer"
    case $code in
    2??) ;;
    *) die "$3 $1$4: HTTP $code: $(head -c 400 "$TMP/last-body")" ;;
    esac
}

# Waits until URL answers 200, up to SECONDS; PID must stay alive.
wait_ready() {
    i=0
    until curl -fsS -o /dev/null "$1" 2>/dev/null; do
        kill -0 "$3" 2>/dev/null || return 1
        [ $i -ge $(($2 * 10)) ] && return 1
        sleep 0.1
        i=$((i + 1))
    done
}

# Loads the data set into the server at BASE with admin token TOKEN.
load_data() {
    for f in "$TMP"/data/context-*.json; do
        api "$1" "$2" POST /api/admin/context "$f"
    done
    for f in "$TMP"/data/segment-*.json; do
        api "$1" "$2" POST /api/admin/segments "$f"
    done
    for f in "$TMP"/data/import-*.json; do
        api "$1" "$2" POST /api/admin/features-batch/import "$f"
    done
}

# Prints the resident memory of PID in MiB.
rss_mib() {
    awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}

# Prints the memory of the PostgreSQL cluster in MiB: the proportional
# set size (PSS) summed over its processes, so that the shared buffers
# all of them map count once.
pg_pss_mib() {
    total=0
    main=$(head -n 1 "$PG_DIR/data/postmaster.pid")
    for p in "$main" $(pgrep -P "$main"); do
        kb=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" \
             2>/dev/null || echo 0)
        total=$((total + ${kb:-0}))
    done
    echo $((total / 1024))
}

# ---------------------------------------------------------------- data

node "$HERE/dataset.mjs" "$TMP/data" "$FLAGS"

# ---------------------------------------------------------------- Vexil

log "starting Vexil"
VEXIL_ADMIN_TOKEN=$ADMIN VEXIL_INIT_CLIENT_TOKENS=$CLIENT \
VEXIL_INIT_FRONTEND_TOKENS=$FRONTEND \
    "$VEXIL" serve --host 127.0.0.1 --port 0 --port-file "$TMP/vexil.port" \
    --db "$TMP/vexil.db" --log-level error 2>"$TMP/vexil.log" &
VEXIL_PID=$!
i=0
until [ -s "$TMP/vexil.port" ]; do
    kill -0 "$VEXIL_PID" 2>/dev/null || die "Vexil exited: $(cat "$TMP/vexil.log")"
    [ $i -ge 100 ] && die "Vexil did not start"
    sleep 0.1
    i=$((i + 1))
done
VX=http://127.0.0.1:$(cat "$TMP/vexil.port")
wait_ready "$VX/health" 10 "$VEXIL_PID" || die "Vexil is not healthy"
printf '{"id":"checkout","name":"Checkout"}' >"$TMP/project.json"
api "$VX" "$ADMIN" POST /api/admin/projects "$TMP/project.json"
load_data "$VX" "$ADMIN"

# ---------------------------------------------------------------- Unleash

log "starting PostgreSQL"
PG_DIR=$TMP/pg
mkdir -p "$PG_DIR"
[ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
PG_PORT=$(free_port)
as_pg "$PGBIN/initdb" -D "$PG_DIR/data" -U postgres -A trust \
    --no-sync >"$TMP/initdb.log" 2>&1 || die "initdb: $(cat "$TMP/initdb.log")"
as_pg "$PGBIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -o \
    "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off" \
    start >/dev/null || die "PostgreSQL: $(cat "$PG_DIR/log")"
as_pg "$PGBIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres \
    -c 'CREATE DATABASE unleash' >/dev/null

log "starting Unleash"
UN_PORT=$(free_port)
# Telemetry and the version check off; nothing points off this machine.
# The SDK rate limits (20000 a minute by default) are lifted, as the
# benchmark would otherwise measure 429s.
env DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/unleash" \
    DATABASE_SSL=false HTTP_HOST=127.0.0.1 HTTP_PORT="$UN_PORT" \
    UNLEASH_URL="http://127.0.0.1:$UN_PORT" \
    CHECK_VERSION=false SEND_TELEMETRY=false \
    UNLEASH_VERSION_URL=http://127.0.0.1:9/ SCARF_ANALYTICS=false \
    INIT_ADMIN_API_TOKENS="$ADMIN" INIT_CLIENT_API_TOKENS="$CLIENT" \
    INIT_FRONTEND_API_TOKENS="$FRONTEND" \
    SDK_API_RATE_LIMIT_PER_MINUTE=1000000000 \
    TOKEN_AUTHENTICATION_RATE_LIMIT_PER_MINUTE=1000000000 \
    UNLEASH_DEFAULT_ADMIN_USERNAME=admin \
    UNLEASH_DEFAULT_ADMIN_PASSWORD=bench-password-0123456789 \
    LOG_LEVEL=error NODE_ENV=production TZ=UTC \
    node "$HERE/node_modules/unleash-server/dist/server.js" \
    >"$TMP/unleash.log" 2>&1 &
UNLEASH_PID=$!
UN=http://127.0.0.1:$UN_PORT
wait_ready "$UN/health" 120 "$UNLEASH_PID" ||
    die "Unleash did not start: $(tail -n 20 "$TMP/unleash.log")"
# Unleash's open-source edition has one project; the second one of the
# data set is added to its database as its own project API would.
as_pg "$PGBIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d unleash \
    -v ON_ERROR_STOP=1 >/dev/null <<'EOF'
INSERT INTO projects (id, name, description) VALUES
    ('checkout', 'Checkout', '');
INSERT INTO project_environments (project_id, environment_name)
    SELECT 'checkout', environment_name FROM project_environments
    WHERE project_id = 'default';
EOF
# Unleash refuses imports made with admin API tokens: the data goes in
# with a personal access token of its admin user instead.
printf '{"username":"admin","password":"bench-password-0123456789"}' \
    >"$TMP/login.json"
curl -fsS -c "$TMP/cookies" -H 'Content-Type: application/json' \
    --data-binary "@$TMP/login.json" "$UN/auth/simple/login" >/dev/null ||
    die "cannot log in to Unleash"
printf '{"description":"bench","expiresAt":"2099-01-01T00:00:00Z"}' \
    >"$TMP/pat.json"
PAT=$(curl -fsS -b "$TMP/cookies" -H 'Content-Type: application/json' \
    --data-binary "@$TMP/pat.json" "$UN/api/admin/user/tokens" |
    node -e 'let s = ""; process.stdin.on("data", (d) => s += d)
             .on("end", () => console.log(JSON.parse(s).secret));') ||
    die "cannot create an Unleash access token"
load_data "$UN" "$PAT"

# ---------------------------------------------------------------- checks

# Prints a field of the JSON on stdin: features/toggles counted, etc.
json_count() {
    node -e 'let s = ""; process.stdin.on("data", (d) => s += d)
             .on("end", () => {
                 const j = JSON.parse(s);
                 console.log((j[process.argv[1]] || []).length);
             });' "$1"
}

# Prints the ETag header of a GET of URL with TOKEN.
etag_of() {
    curl -fsS -D - -o /dev/null -H "Authorization: $2" "$1" |
        tr -d '\r' | awk 'tolower($1) == "etag:" { print $2 }'
}

# Prints the status of a GET of URL with TOKEN and one more header.
status_of() {
    curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: $2" \
        -H "$3" "$1"
}

CF=/api/client/features
FE="/api/frontend?userId=$USER_ID&appName=web-shop"
want=$((FLAGS * 2))
for s in VX UN; do
    eval "base=\$$s"
    # shellcheck disable=SC2154 # set by the eval above
    n=$(curl -fsS -H "Authorization: $CLIENT" "$base$CF" |
        json_count features)
    [ "$n" -eq "$want" ] || die "$s serves $n flags, not $want"
done

# Unleash's frontend API answers from a cache it fills in the background:
# wait until it sees the flags, then both must turn on the same ones.
vx_on=$(curl -fsS -H "Authorization: $FRONTEND" "$VX$FE" | json_count toggles)
i=0
while :; do
    un_on=$(curl -fsS -H "Authorization: $FRONTEND" "$UN$FE" |
            json_count toggles)
    [ "$un_on" -eq "$vx_on" ] && break
    [ $i -ge 60 ] && die "frontend API: Vexil turns on $vx_on flags," \
        "Unleash $un_on"
    sleep 1
    i=$((i + 1))
done
[ "$vx_on" -gt 0 ] || die "the frontend API turns on no flag"

VX_ETAG=$(etag_of "$VX$CF" "$CLIENT")
UN_ETAG=$(etag_of "$UN$CF" "$CLIENT")
if [ -z "$VX_ETAG" ] || [ -z "$UN_ETAG" ]; then
    die "a server sends no ETag"
fi
for s in VX UN; do
    eval "base=\$$s etag=\$${s}_ETAG"
    # shellcheck disable=SC2154 # set by the eval above
    code=$(status_of "$base$CF" "$CLIENT" "If-None-Match: $etag")
    [ "$code" = 304 ] || log "note: $s answers $code to If-None-Match"
done

VX_RSS=$(rss_mib "$VEXIL_PID")
UN_RSS=$(rss_mib "$UNLEASH_PID")
PG_PSS=$(pg_pss_mib)
log "loaded: $want flags; frontend context turns on $vx_on on both"

# ---------------------------------------------------------------- runs

# run_wrk BASE PATH TOKEN EXPECTED_STATUS [HEADER]: prints the RESULT
# fields of check.lua (requests, req/s, p50, p99, good, bad, socket
# errors, bytes per answer).
run_wrk() {
    set -- "$1" "$2" "$3" "$4" "${5:-X-Bench: 1}" "${6:-$DURATION}"
    wrk -t "$THREADS" -c "$CONNS" -d "${6}s" --latency \
        -H "Authorization: $3" -H "$5" -s "$HERE/check.lua" \
        "$1$2" -- "$4" | awk '$1 == "RESULT" { $1 = ""; print }'
}

# Formats microseconds as milliseconds.
ms() { awk -v us="$1" 'BEGIN { printf "%.2f ms", us / 1000 }'; }

SCENARIOS="full 304 gzip frontend"
failed=0
RESULTS=$TMP/results
: >"$RESULTS"
for sc in $SCENARIOS; do
    for s in VX UN; do
        eval "base=\$$s etag=\$${s}_ETAG"
        case $sc in
        full) set -- "$CF" "$CLIENT" 200 ;;
        304) set -- "$CF" "$CLIENT" 304 "If-None-Match: $etag" ;;
        gzip) set -- "$CF" "$CLIENT" 200 "Accept-Encoding: gzip" ;;
        frontend) set -- "$FE" "$FRONTEND" 200 ;;
        esac
        log "$sc on $s"
        run_wrk "$base" "$1" "$2" "$3" "${4:-}" 3 >/dev/null # warm-up
        r=$(run_wrk "$base" "$1" "$2" "$3" "${4:-}")
        [ -n "$r" ] || die "wrk printed no result for $sc on $s"
        echo "$sc $s $r" >>"$RESULTS"
        # shellcheck disable=SC2086 # fields of one result line
        set -- $r
        if [ "$6" -ne 0 ] || [ "$7" -ne 0 ] || [ "$5" -eq 0 ]; then
            log "FAIL: $sc on $s: $5 answers of status $3 expected," \
                "$6 others, $7 socket errors"
            failed=1
        fi
    done
done
VX_RSS_AFTER=$(rss_mib "$VEXIL_PID")
UN_RSS_AFTER=$(rss_mib "$UNLEASH_PID")

# ---------------------------------------------------------------- table

# field SCENARIO SERVER N: the Nth field of that result line.
field() {
    awk -v sc="$1" -v s="$2" -v n="$3" \
        '$1 == sc && $2 == s { print $(n + 2) }' "$RESULTS"
}

echo
echo "Vexil $("$VEXIL" --version 2>/dev/null | head -n 1) vs" \
    "unleash-server $(node -p \
    "require('$HERE/node_modules/unleash-server/package.json').version")" \
    "on node $(node --version), PostgreSQL $("$PGBIN/postgres" --version |
    awk '{ print $3 }')"
echo "$want flags in 2 projects; wrk -t$THREADS -c$CONNS -d${DURATION}s" \
    "on $(nproc) cores shared with the servers"
echo
printf '%-10s %12s %12s %8s %11s %11s %9s %9s\n' scenario 'Vexil req/s' \
    'Unleash r/s' ratio 'Vexil p99' 'Unleash p99' 'Vexil B' 'Unleash B'
for sc in $SCENARIOS; do
    vr=$(field "$sc" VX 2)
    ur=$(field "$sc" UN 2)
    printf '%-10s %12.0f %12.0f %7.1fx %11s %11s %9s %9s\n' "$sc" \
        "$vr" "$ur" "$(awk -v a="$vr" -v b="$ur" 'BEGIN { print a / b }')" \
        "$(ms "$(field "$sc" VX 4)")" "$(ms "$(field "$sc" UN 4)")" \
        "$(field "$sc" VX 8)" "$(field "$sc" UN 8)"
done
echo
echo "(B: bytes per answer, headers included)"
echo "RSS after loading: Vexil $VX_RSS MiB; Unleash $UN_RSS MiB" \
    "(+ PostgreSQL $PG_PSS MiB PSS)"
echo "RSS after the runs: Vexil $VX_RSS_AFTER MiB; Unleash" \
    "$UN_RSS_AFTER MiB"
[ "$failed" -eq 0 ] || die "some answers had the wrong status (see above)"
