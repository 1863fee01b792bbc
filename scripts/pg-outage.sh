#!/usr/bin/env bash
# Database outage: with PostgreSQL stopped, the running server answers 503 with a JSON error and
# /healthz 503; when PostgreSQL starts again the same process recovers without a restart.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${CASELOAD_BIN:-target/debug/caseload}
admin_url=${CASELOAD_TEST_DATABASE_URL:-postgres://root@127.0.0.1:5432/test}
cluster=$(ls /etc/postgresql | head -1)
work=$(mktemp -d)
db="caseload_outage_$$"
port=$((19800 + RANDOM % 100))
base="http://127.0.0.1:$port"
start_pg() { pg_ctlcluster --skip-systemctl-redirect "$cluster" main start 2>/dev/null || true; for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 && return; sleep 0.5; done; }
cleanup() {
  start_pg
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

psql "$admin_url" -qc "CREATE DATABASE $db" >/dev/null
export DATABASE_URL="${admin_url%/*}/$db" CASELOAD_JWT_SECRET_FILE="$work/secret" CASELOAD_DB_TIMEOUT_SECS=2 RUST_LOG=warn
password="outage-check-password"
"$bin" seed --scale branch --password "$password" >/dev/null
"$bin" serve --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
token=$(curl -sf -X POST "$base/api/v1/auth/token" -H 'content-type: application/json' \
  -d "{\"username\":\"officer\",\"password\":\"$password\"}" | python3 -c 'import sys,json; print(json.load(sys.stdin)["token"])')
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")" = 200 ] || fail "healthz before the outage"

pg_ctlcluster --skip-systemctl-redirect "$cluster" main stop -m fast
health=$(curl -s -o "$work/health.json" -w '%{http_code}' "$base/healthz")
api=$(curl -s -o "$work/api.json" -w '%{http_code}' "$base/api/v1/members" -H "authorization: Bearer $token")
[ "$health" = 503 ] || fail "healthz answered $health during the outage"
[ "$api" = 503 ] || fail "the API answered $api during the outage"
python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["error"]; assert e["code"]=="unavailable", e' "$work/api.json" || fail "no JSON error"
echo "outage: /healthz 503, API 503 with a JSON error"

start_pg
for _ in $(seq 1 40); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")" = 200 ] && break; sleep 0.5; done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")" = 200 ] || fail "healthz did not recover"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/members" -H "authorization: Bearer $token")" = 200 ] || fail "the API did not recover"
kill -0 "$server" || fail "the server process is gone"
echo "recovered without a restart (same process $server)"
