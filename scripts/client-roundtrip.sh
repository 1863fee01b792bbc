#!/usr/bin/env bash
# Generated clients: the document the server serves at /api/openapi.json must pass
# openapi-spec-validator and Redocly's recommended lint rules, generate a Python client with openapi-python-client without warnings
# (no configuration, no edits), and give TypeScript types (openapi-typescript) that compile with
# tsc --strict. Then a rep's journey runs through the generated Python client against a server
# on a demo database (scripts/client_journey.py), ending with the rep's calendar feed read by
# Python's icalendar and vobject. Tools come from PyPI and npm into target/.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${CASELOAD_BIN:-target/debug/caseload}
venv=${CLIENT_VENV:-target/client-venv}
node_tools=${CLIENT_NODE_TOOLS:-target/client-node}
work=$(mktemp -d)
port=$((19800 + RANDOM % 90))
base="http://127.0.0.1:$port"
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ ! -x "$venv/bin/openapi-python-client" ] || ! "$venv/bin/python" -c 'import icalendar, vobject' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    'openapi-python-client>=0.24,<1' 'openapi-spec-validator>=0.7,<1' 'ruff>=0.6,<1' \
    'icalendar>=5,<8' 'vobject>=0.9,<1'
fi
if [ ! -x "$node_tools/node_modules/.bin/redocly" ]; then
  mkdir -p "$node_tools"
  (cd "$node_tools" && npm install --silent --no-audit --no-fund --no-save \
    'openapi-typescript@^7' 'typescript@^5' '@redocly/cli@^2' >/dev/null)
fi

(cd "$work" && DATABASE_URL="$work/caseload.db" CASELOAD_JWT_SECRET_FILE="$work/secret" RUST_LOG=warn \
  exec "$OLDPWD/$bin" serve --demo --bind "127.0.0.1:$port" >"$work/server.log" 2>&1) &
server=$!
for _ in $(seq 1 600); do grep -q "running at" "$work/server.log" 2>/dev/null && break; sleep 0.2; done
grep -q "running at" "$work/server.log" || { cat "$work/server.log"; echo "FAIL: the server did not start" >&2; exit 1; }
password() { awk -v role="$1" '$1 == role && NF == 3 {print $3}' "$work/server.log"; }

curl -sf "$base/api/openapi.json" -o "$work/openapi.json"

echo "==> openapi-spec-validator"
"$venv/bin/openapi-spec-validator" "$work/openapi.json"

echo "==> redocly lint (recommended rules)"
# Non-zero on any error (warnings are shown and fail nothing); its banners are left out.
lint=0
"$node_tools/node_modules/.bin/redocly" lint "$work/openapi.json" --format=summary \
  >"$work/lint.log" 2>&1 || lint=$?
grep -v -e '^ *[║╔╚]' -e '^$' "$work/lint.log" || true
[ "$lint" -eq 0 ] || { echo "FAIL: redocly lint found errors" >&2; exit 1; }

echo "==> openapi-python-client"
(cd "$work" && PATH="$OLDPWD/$venv/bin:$PATH" openapi-python-client generate \
  --path openapi.json --output-path client >generate.log 2>&1) || { cat "$work/generate.log"; exit 1; }
if grep -qi "warning" "$work/generate.log"; then
  cat "$work/generate.log"
  echo "FAIL: openapi-python-client warned about the document" >&2
  exit 1
fi
# This run's client replaces any earlier one; its dependencies (httpx, attrs) stay installed.
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps "$work/client"
"$venv/bin/pip" install --quiet --disable-pip-version-check "$work/client"

echo "==> openapi-typescript and tsc --strict"
"$node_tools/node_modules/.bin/openapi-typescript" "$work/openapi.json" -o "$work/api.d.ts" >/dev/null
"$node_tools/node_modules/.bin/tsc" --noEmit --strict "$work/api.d.ts"

echo "==> a rep's journey through the generated Python client"
"$venv/bin/python" scripts/client_journey.py "$base" officer "$(password officer)" \
  delegate "$(password delegate)"
