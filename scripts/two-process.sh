#!/usr/bin/env bash
# Two `caseload serve` processes on one PostgreSQL database, behind the same load (requests
# alternate between them): no errors and no lost writes, sign-in throttling and token
# revocation that hold across both processes, the report summaries right afterwards, and one
# evidence release stored however many requests race to publish it.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${CASELOAD_BIN:-target/debug/caseload}
admin_url=${CASELOAD_TEST_DATABASE_URL:-postgres://root@127.0.0.1:5432/test}
work=$(mktemp -d)
db="caseload_two_$$"
port=$((19700 + RANDOM % 90))
a="http://127.0.0.1:$port"
b="http://127.0.0.1:$((port + 1))"
cleanup() {
  for pid in ${servers:-}; do kill "$pid" 2>/dev/null || true; done
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
json() { python3 -c "import sys, json; d = json.load(sys.stdin); print($1)"; }

psql "$admin_url" -qc "CREATE DATABASE $db" >/dev/null
export DATABASE_URL="${admin_url%/*}/$db" CASELOAD_JWT_SECRET_FILE="$work/secret" RUST_LOG=warn
password="two-process-password"
"$bin" seed --scale branch --password "$password" >/dev/null
servers=""
for base in "$a" "$b"; do
  "$bin" serve --bind "${base#http://}" >>"$work/server.log" 2>&1 &
  servers="$servers $!"
done
# A debug build starting on a busy machine can take a while: wait up to a minute for each,
# and say so (with the servers' log) rather than fail later on an empty answer.
for base in "$a" "$b"; do
  for _ in $(seq 1 600); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
  curl -sf "$base/healthz" >/dev/null || { head -n 30 "$work/server.log" >&2; fail "$base did not start"; }
done

token() { # username, server
  curl -sf -X POST "$2/api/v1/auth/token" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$password\"}" | json 'd["token"]'
}
officer=$(token officer "$a")
members=$(curl -sf "$b/api/v1/members?per_page=200" -H "authorization: Bearer $officer" | json '" ".join(str(m["id"]) for m in d["items"])')
read -r -a member <<<"$members"
[ "${#member[@]}" -ge 120 ] || fail "the seed has too few members in the officer's branch"
count() { curl -sf "$1?per_page=1" -H "authorization: Bearer $officer" | json 'd["total"]'; }
before=$(count "$a/api/v1/cases")

# The load: two writers open cases, two add workload records (each to its own members),
# alternating between the servers request by request.
writes=60
today=$(date +%F)
for writer in 1 2 3 4; do
  (
    for i in $(seq 1 $writes); do
      if (( (i + writer) % 2 )); then base=$a; else base=$b; fi
      if (( writer <= 2 )); then
        path="/api/v1/cases"
        body="{\"member_id\": ${member[0]}, \"type\": \"grievance\", \"opened_on\": \"$today\"}"
      else
        m=${member[$(( (writer - 3) * writes + i - 1 ))]}
        path="/api/v1/members/$m/workload"
        body="{\"recorded_on\": \"$today\", \"open_cases\": $(( 5 + i % 20 )), \"source\": \"employer_data\"}"
      fi
      curl -s -o /dev/null -w '%{http_code}\n' -X POST "$base$path" \
        -H "authorization: Bearer $officer" -H 'content-type: application/json' -d "$body" \
        >>"$work/codes.$writer"
    done
  ) &
  writers="${writers:-} $!"
done
wait $writers
bad=$(cat "$work"/codes.* | grep -vc '^201$' || true)
[ "$bad" = 0 ] || fail "$bad of $((4 * writes)) writes did not answer 201: $(sort "$work"/codes.* | uniq -c | tr '\n' ' ')"
after_a=$(count "$a/api/v1/cases")
after_b=$(count "$b/api/v1/cases")
[ "$after_a" = $((before + 2 * writes)) ] || fail "lost cases: $before + $((2 * writes)) != $after_a"
[ "$after_a" = "$after_b" ] || fail "the two servers disagree: $after_a and $after_b"
echo "load: $((4 * writes)) writes across both servers, all 201, none lost, both servers agree"

# The report summaries, kept by the database on every write, against the rows themselves.
dash() { curl -sf "$1/api/v1/dashboard" -H "authorization: Bearer $officer" | json 'd["total"]'; }
[ "$(dash "$a")" = "$(dash "$b")" ] || fail "the dashboards of the two servers differ"
q() { psql "$DATABASE_URL" -tAc "$1"; }
[ "$(q 'SELECT count(*) FROM workload_records')" = "$(q 'SELECT coalesce(sum(records), 0) FROM workload_monthly')" ] \
  || fail "workload_monthly does not count every workload record"
[ "$(q 'SELECT count(DISTINCT member_id) FROM workload_records')" = "$(q 'SELECT count(*) FROM workload_latest')" ] \
  || fail "workload_latest does not hold every member with a record"
[ "$(q "SELECT count(*) FROM workload_latest l JOIN workload_records r ON r.id = l.workload_id AND r.open_cases = l.open_cases")" = "$(q 'SELECT count(*) FROM workload_latest')" ] \
  || fail "workload_latest holds a figure its record does not"
# case_monthly: every case once under its type, stage and workload flag, in its month.
for dim in type stage workload; do
  [ "$(q 'SELECT count(*) FROM cases')" = "$(q "SELECT coalesce(sum(cases), 0) FROM case_monthly WHERE dimension = '$dim'")" ] \
    || fail "case_monthly does not count every case under $dim"
done
[ "$(q "SELECT count(*) FROM (SELECT to_char(opened_on, 'YYYY-MM'), branch_id, case_type, count(*), sum(record_key) FROM cases GROUP BY 1, 2, 3 EXCEPT SELECT month, branch_id, value, sum(cases), sum(key_sum) FROM case_monthly WHERE dimension = 'type' AND cases <> 0 GROUP BY 1, 2, 3) x")" = 0 ] \
  || fail "case_monthly's counts by month, branch and type differ from the cases"
echo "summaries: workload_monthly, workload_latest and case_monthly agree with the rows"

# Evidence releases: six requests for one release nobody has published, at once, alternating
# between the servers: one is stored, and every answer is that one, byte for byte.
delegate=$(token delegate "$a")
racers=""
for i in 1 2 3 4 5 6; do
  if (( i % 2 )); then base=$a; else base=$b; fi
  curl -sf "$base/api/v1/evidence?scope=national" -H "authorization: Bearer $delegate" -o "$work/release.$i" &
  racers="$racers $!"
done
for pid in $racers; do wait "$pid" || fail "a request for the release failed"; done
for i in 2 3 4 5 6; do
  cmp -s "$work/release.1" "$work/release.$i" || fail "answer $i differs from answer 1"
done
period=$(json 'd["release"]["period"]' < "$work/release.1")
[ "$(q "SELECT count(*) FROM evidence_releases WHERE scope = 'national' AND period = '$period'")" = 1 ] \
  || fail "the release of $period was stored more than once"
echo "releases: six racing requests over both servers stored one release ($period) and all answered with it"

# Throttling holds across processes: five wrong passwords, alternating, then the right one.
for i in 1 2 3 4 5; do
  if (( i % 2 )); then base=$a; else base=$b; fi
  curl -s -o /dev/null -X POST "$base/api/v1/auth/token" -H 'content-type: application/json' \
    -d '{"username":"organiser","password":"not the password"}'
done
for base in "$a" "$b"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/api/v1/auth/token" \
    -H 'content-type: application/json' -d "{\"username\":\"organiser\",\"password\":\"$password\"}")
  [ "$code" = 429 ] || fail "the sixth attempt answered $code at $base, not 429"
done
echo "throttle: five failures spread over both servers lock the username on both"

# A token revoked through one server is refused by the other.
delegate=$(token delegate "$a")
[ "$(curl -s -o /dev/null -w '%{http_code}' "$b/api/v1/me" -H "authorization: Bearer $delegate")" = 200 ] || fail "token not taken by the other server"
curl -sf -o /dev/null -X POST "$b/api/v1/auth/logout" -H "authorization: Bearer $delegate"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$a/api/v1/me" -H "authorization: Bearer $delegate")" = 401 ] || fail "a revoked token still works on the other server"
echo "revocation: signing out on one server ends the session on both"
if grep -E ' 5[0-9][0-9] |panicked' "$work/server.log" | head -3 | grep -q .; then fail "server errors logged"; fi
echo "two-process drill passed"
