#!/usr/bin/env bash
# Crash safety: kills the server with SIGKILL under write load and the importer in the middle of
# a large import, then proves the SQLite database is consistent (integrity_check), every
# acknowledged write is present, and the import is all or nothing. Also takes a backup under
# write load and checks it holds every write acknowledged before it began.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${CASELOAD_BIN:-target/debug/caseload}
[ -x "$bin" ] || cargo build -q
work=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
export DATABASE_URL="$work/caseload.db" CASELOAD_JWT_SECRET_FILE="$work/secret" RUST_LOG=warn
password="crash-check-password"
port=$((19400 + RANDOM % 400))
base="http://127.0.0.1:$port"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" seed --scale branch --password "$password" >/dev/null
start() {
  "$bin" serve --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -sf "$base/healthz" >/dev/null && return; sleep 0.1; done
  fail "server did not start"
}
start
token=$(curl -sf -X POST "$base/api/v1/auth/token" -H 'content-type: application/json' \
  -d "{\"username\":\"officer\",\"password\":\"$password\"}" | python3 -c 'import sys,json; print(json.load(sys.stdin)["token"])')
member=$(curl -sf "$base/api/v1/members?per_page=1" -H "authorization: Bearer $token" | python3 -c 'import sys,json; print(json.load(sys.stdin)["items"][0]["id"])')

# Four writers record every reference the server acknowledged (201).
for w in 1 2 3 4; do
  (
    while true; do
      curl -s -X POST "$base/api/v1/cases" -H "authorization: Bearer $token" -H 'content-type: application/json' \
        -d "{\"member_id\":$member,\"type\":\"disciplinary\",\"opened_on\":\"$(date +%F)\"}" \
        | python3 -c 'import sys,json; print(json.load(sys.stdin)["reference"])' 2>/dev/null >> "$work/acked.$w" || true
    done
  ) &
done
sleep 3
kill -9 "$server"
sleep 0.5
kill $(jobs -p | grep -v "^$server$") 2>/dev/null || true
wait 2>/dev/null || true
cat "$work"/acked.* > "$work/acked"
acked=$(wc -l < "$work/acked")
[ "$acked" -gt 0 ] || fail "no write was acknowledged before the kill"
[ "$(sqlite3 "$DATABASE_URL" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check after SIGKILL under load"
missing=0
while read -r reference; do
  [ "$(sqlite3 "$DATABASE_URL" "SELECT count(*) FROM cases WHERE reference = '$reference'")" = 1 ] || missing=$((missing + 1))
done < "$work/acked"
[ "$missing" = 0 ] || fail "$missing acknowledged cases are missing"
echo "killed under write load: integrity ok, all $acked acknowledged cases present"

# Restart on the same file: it serves again.
start
curl -sf "$base/healthz" >/dev/null || fail "no restart after SIGKILL"

# A backup taken under write load holds every write acknowledged before it began.
rm -f "$work"/acked.*
for w in 1 2 3 4; do
  (
    while true; do
      curl -s -X POST "$base/api/v1/cases" -H "authorization: Bearer $token" -H 'content-type: application/json' \
        -d "{\"member_id\":$member,\"type\":\"grievance\",\"opened_on\":\"$(date +%F)\"}" \
        | python3 -c 'import sys,json; print(json.load(sys.stdin)["reference"])' 2>/dev/null >> "$work/acked.$w" || true
    done
  ) &
done
sleep 2
cat "$work"/acked.* > "$work/before-backup"
"$bin" backup "$work/backup.db" >/dev/null
sleep 1
kill $(jobs -p | grep -v "^$server$") 2>/dev/null || true
[ "$(sqlite3 "$work/backup.db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check of the backup"
before=$(wc -l < "$work/before-backup")
[ "$before" -gt 0 ] || fail "no write was acknowledged before the backup"
while read -r reference; do
  [ "$(sqlite3 "$work/backup.db" "SELECT count(*) FROM cases WHERE reference = '$reference'")" = 1 ] || fail "backup lacks $reference"
done < "$work/before-backup"
echo "backup under write load: integrity ok, all $before writes acknowledged before it are in it"
kill "$server"; wait "$server" 2>/dev/null || true

# Kill an import of 100,000 members part-way: all or nothing.
python3 - "$work/import.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("membership_number,first_name,last_name,employer,job_role,fte,branch_code\n")
    for i in range(100000):
        f.write(f"CRASH{i:06},First{i},Last{i},Council 0001,Social worker,1,B0001\n")
PY
"$bin" import members "$work/import.csv" >/dev/null 2>&1 &
importer=$!
sleep 1.5
kill -9 "$importer" 2>/dev/null || true
wait "$importer" 2>/dev/null || true
[ "$(sqlite3 "$DATABASE_URL" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check after killing the import"
imported=$(sqlite3 "$DATABASE_URL" "SELECT count(*) FROM members WHERE membership_number LIKE 'CRASH%'")
[ "$imported" = 0 ] || [ "$imported" = 100000 ] || fail "a killed import left $imported of 100000 rows"
echo "killed during an import: integrity ok, import all or nothing ($imported of 100000 rows)"
echo "crash check passed"
