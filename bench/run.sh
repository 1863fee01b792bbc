#!/usr/bin/env bash
# Benchmarks caseload: seeds a data set, starts the server, measures each scenario with wrk,
# and prints a table. Usage:
#   bench/run.sh [--scale branch|region|national] [--backend sqlite|postgres] [--seconds N] [--smoke]
# --smoke: debug build, branch scale, 2 s per scenario (CI keeps the driver working with it).
# PostgreSQL: set BENCH_PG_ADMIN_URL (default postgres://root@127.0.0.1:5432/test).
set -euo pipefail
cd "$(dirname "$0")/.."

scale=national backend=sqlite seconds=10 smoke=0
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale=$2; shift 2 ;;
    --backend) backend=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --smoke) smoke=1; scale=branch; seconds=2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed: apt-get install -y sqlite3" >&2; exit 2; }

features=()
[ "$backend" = postgres ] && features=(--features postgres)
if [ "$smoke" = 1 ]; then
  cargo build -q "${features[@]}" --bin caseload --example ceiling
  bin=target/debug/caseload ceiling=target/debug/examples/ceiling
else
  cargo build -q --release "${features[@]}" --bin caseload --example ceiling
  bin=target/release/caseload ceiling=target/release/examples/ceiling
fi

work=$(mktemp -d)
port=$((18900 + RANDOM % 500))
base="http://127.0.0.1:$port"
password="benchmark-password-$RANDOM"
pg_db="caseload_bench_$$"
admin_url=${BENCH_PG_ADMIN_URL:-postgres://root@127.0.0.1:5432/test}
if [ "$backend" = postgres ]; then
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS $pg_db" -c "CREATE DATABASE $pg_db" >/dev/null
  export DATABASE_URL="${admin_url%/*}/$pg_db"
else
  export DATABASE_URL="$work/caseload.db"
fi
export CASELOAD_JWT_SECRET_FILE="$work/secret" RUST_LOG=warn
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  [ "$backend" = postgres ] && psql "$admin_url" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
t0=$(now)
"$bin" seed --scale "$scale" --password "$password" | tail -1
seed_seconds=$(echo "$(now) - $t0" | bc)
# Flush what the seed wrote before measuring, so that the database's own catching up (writing
# out gigabytes of dirty pages) does not land in the first scenarios.
if [ "$backend" = postgres ]; then
  psql "$DATABASE_URL" -qc CHECKPOINT >/dev/null
else
  sqlite3 "$DATABASE_URL" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
fi

# Report queries are logged with their SQL (ids, dates and numbers only) so that the same SQL
# can be timed straight in the database below.
RUST_LOG=warn,caseload::reports::sql=debug "$bin" serve --bind "127.0.0.1:$port" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done

token() {
  curl -sf -X POST "$base/api/v1/auth/token" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$password\"}" | python3 -c 'import sys,json; print(json.load(sys.stdin)["token"])'
}
officer=$(token officer) admin=$(token admin) organiser=$(token organiser) delegate=$(token delegate)
case_id=$(curl -sf "$base/api/v1/cases?per_page=1" -H "authorization: Bearer $officer" | python3 -c 'import sys,json; print(json.load(sys.stdin)["items"][0]["id"])')
member_id=$(curl -sf "$base/api/v1/members?per_page=1" -H "authorization: Bearer $officer" | python3 -c 'import sys,json; print(json.load(sys.stdin)["items"][0]["id"])')
session=$(curl -si -X POST "$base/login" -d "username=officer&password=$password" | grep -i '^set-cookie: caseload_session=' | sed 's/^[^=]*=\([^;]*\).*/\1/I')
year_ago=$(date -d '1 year ago' +%F)

cat > "$work/create.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"member_id": $member_id, "type": "disciplinary", "opened_on": "$(date +%F)"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $officer"
LUA

results="$work/results.tsv"
# scenario name, connections, url, extra wrk args...
measure() {
  local name=$1 connections=$2 url=$3; shift 3
  local out
  local threads=$(( connections < 2 ? 1 : 2 ))
  out=$(wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "$@" "$url")
  local rps p50 p99 errors non2xx
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errors=$(echo "$out" | awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$connections" "$rps" "$p50" "$p99" "$(( ${errors:-0} + ${non2xx:-0} ))" >> "$results"
}

before_cases=$(curl -sf "$base/api/v1/cases?per_page=1" -H "authorization: Bearer $admin" | python3 -c 'import sys,json; print(json.load(sys.stdin)["total"])')
# The ceiling first: the same token check and the same row by id from the same database, with
# nothing else (examples/ceiling.rs), under the same wrk settings.
cport=$((port + 1)); cbase="http://127.0.0.1:$cport"
"$ceiling" "127.0.0.1:$cport" > "$work/ceiling.log" 2>&1 &
ceiling_pid=$!
for _ in $(seq 1 100); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$cbase/api/v1/cases/$case_id" -H "Authorization: Bearer $officer")" = 200 ] && break; sleep 0.1; done
measure "ceiling: same token, same row by id (no audit)" 32 "$cbase/api/v1/cases/$case_id" -H "Authorization: Bearer $officer"
kill "$ceiling_pid" 2>/dev/null || true
measure "GET /api/v1/cases/{id} (audited)" 32 "$base/api/v1/cases/$case_id" -H "Authorization: Bearer $officer"
measure "case list page, officer, 50 rows, filtered" 32 "$base/cases?status=open&per_page=50" -H "Cookie: caseload_session=$session"
measure "POST /api/v1/cases" 32 "$base/api/v1/cases" -s "$work/create.lua"
measure "dashboard, one region, one year" 1 "$base/api/v1/dashboard?from=$year_ago" -H "Authorization: Bearer $organiser"
measure "dashboard, national, one year" 1 "$base/api/v1/dashboard?from=$year_ago" -H "Authorization: Bearer $admin"

# The same SQL run directly: one more request of each report scenario, the report queries the
# server logged for it, and those statements timed in sqlite3 or psql (each set runs twice;
# the second, warm run counts, as the server's cache is warm too).
direct_ms() {
  local file=$1 n
  n=$(wc -l < "$file")
  if [ "$backend" = postgres ]; then
    { echo '\timing on'; cat "$file" "$file"; } | psql -X -q "$DATABASE_URL" -o /dev/null | awk '/^Time:/ {print $2}'
  else
    { echo '.timer on'; echo '.output /dev/null'; cat "$file" "$file"; } | sqlite3 "$DATABASE_URL" | awk '/Run Time/ {print $4 * 1000}'
  fi | tail -n "$n" | awk '{s += $1} END {printf "%.1f", s}'
}
direct() {
  local name=$1 url=$2 auth=$3 lines took sql
  lines=$(wc -l < "$work/server.log")
  took=$(curl -s -o /dev/null -w '%{time_total}' "$url" -H "Authorization: Bearer $auth")
  tail -n +"$((lines + 1))" "$work/server.log" | sed 's/\x1b\[[0-9;]*m//g' | { grep -a 'report query' || true; } \
    | sed 's/.* sql="\(.*\)"$/\1;/' > "$work/direct.sql"
  sql=$(direct_ms "$work/direct.sql")
  printf '%s\t%s\t%s\t%s\n' "$name" "$(echo "$took * 1000" | bc)" "$sql" "$(wc -l < "$work/direct.sql")" >> "$work/direct.tsv"
}
sleep 2  # let the last in-flight request of the scenarios above finish and log
direct "dashboard, one region, one year" "$base/api/v1/dashboard?from=$year_ago" "$organiser"
direct "dashboard, national, one year" "$base/api/v1/dashboard?from=$year_ago" "$admin"
# Evidence is published as releases. The financial year before last first (with the releases
# its comparison column reads), so that last year's release is then worked out alone: its first
# request is timed with its SQL, and every later request is a lookup of the stored release.
read -r release release_before < <(curl -sf "$base/api/v1/evidence/releases?scope=national" \
  -H "Authorization: Bearer $delegate" | python3 -c '
import sys, json
ready = [i["period"] for i in json.load(sys.stdin)["items"] if i["status"] in ("available", "published")]
release = next(p for p in ready if "-" in p and "Q" not in p)
start = int(release[:4])
before = f"{start - 1}-{start % 100:02d}"
print(release, before if before in ready else "-")')
[ "$release_before" != - ] && curl -sf -o /dev/null "$base/api/v1/evidence?scope=national&period=$release_before" -H "Authorization: Bearer $delegate"
sleep 1
direct "evidence release $release, national, first request" "$base/api/v1/evidence?scope=national&period=$release" "$delegate"
measure "evidence release $release, national, published" 1 "$base/api/v1/evidence?scope=national&period=$release" -H "Authorization: Bearer $delegate"
measure "evidence release $release, national, published" 32 "$base/api/v1/evidence?scope=national&period=$release" -H "Authorization: Bearer $delegate"

after_cases=$(curl -sf "$base/api/v1/cases?per_page=1" -H "authorization: Bearer $admin" | python3 -c 'import sys,json; print(json.load(sys.stdin)["total"])')

peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=

# Import 100,000 members (10,000 in a smoke run) through the command line.
rows=100000; [ "$smoke" = 1 ] && rows=10000
python3 - "$work/import.csv" "$rows" <<'PY'
import sys
path, rows = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("membership_number,first_name,last_name,employer,job_role,team,fte,branch_code\n")
    for i in range(rows):
        f.write(f"IMP{i:07},First{i},Last{i},Council 0001,Social worker,Assessment,1,B0001\n")
PY
t0=$(now)
"$bin" import members "$work/import.csv" 2>/dev/null | tail -1
import_seconds=$(echo "$(now) - $t0" | bc)

echo
echo "caseload benchmark — $(date -u +%F), $(nproc) cores, backend $backend, scale $scale, ${seconds}s per scenario"
printf '%-46s %5s %10s %10s %10s %7s\n' scenario conns req/s p50 p99 errors
while IFS=$'\t' read -r name conns rps p50 p99 errors; do
  printf '%-46s %5s %10s %10s %10s %7s\n' "$name" "$conns" "$rps" "$p50" "$p99" "$errors"
done < "$results"
echo
printf '%-46s %12s %14s %8s\n' "same SQL run directly ($backend)" "request ms" "direct SQL ms" ratio
while IFS=$'\t' read -r name took sql statements; do
  printf '%-46s %12.1f %14s %8s\n' "$name" "$took" "$sql ($statements)" "$(echo "scale=2; $took / $sql" | bc)"
done < "$work/direct.tsv"
echo
ceiling_rps=$(awk -F'\t' '$1 ~ /^ceiling/ {print $3}' "$results")
read_rps=$(awk -F'\t' '$1 ~ /audited/ {print $3}' "$results")
printf '%-46s %s%%\n' "audited read as a share of the ceiling" "$(echo "scale=0; 100 * $read_rps / $ceiling_rps" | bc)"
# wrk writes latencies with their unit (850.00us, 1.20ms, 2.00s): in milliseconds.
ms() { echo "$1" | awk '/us$/ {printf "%.3f", $1 / 1000; next} /ms$/ {printf "%.3f", $1 + 0; next} /s$/ {printf "%.3f", $1 * 1000}'; }
lookup_ms=$(ms "$(awk -F'\t' '$1 ~ /^evidence release.*published$/ && $2 == 1 {print $4}' "$results")")
first_ms=$(awk -F'\t' '$1 ~ /^evidence release.*first request$/ {print $2}' "$work/direct.tsv")
printf '%-46s %s ms, %s%% of the first request (%s ms)\n' "published release p50 (one connection)" "$lookup_ms" \
  "$(awk -v l="$lookup_ms" -v f="$first_ms" 'BEGIN {printf "%.2f", 100 * l / f}')" "$first_ms"
printf '%-46s %s\n' "cases created (rows present afterwards)" "$((after_cases - before_cases))"
printf '%-46s %.1f s\n' "seed $scale" "$seed_seconds"
printf '%-46s %.1f s\n' "import $rows members from CSV" "$import_seconds"
printf '%-46s %s MB\n' "server peak memory (VmHWM)" "$((peak_kb / 1024))"
