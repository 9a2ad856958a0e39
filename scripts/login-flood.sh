#!/usr/bin/env bash
# Login-flood measurement (issue 13): authenticated read latency alone, then under a flood of
# wrong-password logins and anonymous registrations; checks that a real login still works
# during the flood. Everything runs on 127.0.0.x, for bounded durations, and is cleaned up.
#
#   scripts/login-flood.sh            # per-address auth limit lifted: the worst case, a flood
#                                     # from many addresses, where only the hashing lanes and
#                                     # the login throttle protect the server
#   AUTH_RATE=30 scripts/login-flood.sh   # the default per-address limit (one flooding address)
#
# Knobs: DURATION (s, default 20), READ_CONNS (4), FLOOD_CONNS (32), PORT (18473),
# FLOOD (both | login | register), SKIP_BUILD=1; SPRINGRAIN_* settings pass through.
set -euo pipefail

DURATION=${DURATION:-20}
READ_CONNS=${READ_CONNS:-4}
FLOOD_CONNS=${FLOOD_CONNS:-32}
PORT=${PORT:-18473}
AUTH_RATE=${AUTH_RATE:-1000000}
BASE="http://127.0.0.1:${PORT}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/springrain"
ADMIN_PASSWORD='Flood-Bench-Ministry-1'
STAFF_PASSWORD='Flood-Bench-Staff-1'

WORK=$(mktemp -d)
SERVER_PID=""
FLOOD_PID=""
cleanup() {
    [[ -n "$FLOOD_PID" ]] && kill "$FLOOD_PID" 2>/dev/null || true
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true
    [[ -n "$SERVER_PID" ]] && wait "$SERVER_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

if ! command -v wrk >/dev/null; then
    echo "installing wrk" >&2
    apt-get install -y wrk >/dev/null
fi
command -v jq >/dev/null || apt-get install -y jq >/dev/null

if [[ -z "${SKIP_BUILD:-}" ]]; then
    echo "building the release binary (once)" >&2
    (cd "$ROOT" && cargo build --release --quiet)
fi

SPRINGRAIN_DATA_DIR="$WORK/data" \
SPRINGRAIN_BIND="127.0.0.1:${PORT}" \
SPRINGRAIN_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
SPRINGRAIN_AUTH_RATE_PER_MINUTE="$AUTH_RATE" \
SPRINGRAIN_ACCESS_TOKEN_TTL_SECS=3600 \
SPRINGRAIN_LOG=error \
    "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    curl -fs "$BASE/health/live" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -fs "$BASE/health/live" >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }

post() { curl -fsS -X POST "$BASE$1" -H 'Content-Type: application/json' "${@:3}" -d "$2"; }
ADMIN=$(post /api/v1/auth/login "{\"username\":\"admin\",\"password\":\"$ADMIN_PASSWORD\"}" | jq -r .access_token)
ORG=$(curl -fsS "$BASE/api/v1/organizations?kind=provincial_bureau&region_code=330000" \
    -H "Authorization: Bearer $ADMIN" | jq -r '.items[0].id')
post /api/v1/users "{\"username\":\"bench.staff\",\"password\":\"$STAFF_PASSWORD\",\"role\":\"bureau_admin\",\"organization_id\":$ORG}" \
    -H "Authorization: Bearer $ADMIN" >/dev/null
# The real user logs in from another loopback address than the flood.
login_real() {
    curl -s -o /dev/null -w '%{http_code} %{time_total}' --interface 127.0.0.2 \
        -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d "{\"username\":\"bench.staff\",\"password\":\"$STAFF_PASSWORD\"}"
}
TOKEN=$(post /api/v1/auth/login "{\"username\":\"bench.staff\",\"password\":\"$STAFF_PASSWORD\"}" | jq -r .access_token)

cat >"$WORK/read.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA

# The flood: alternately a wrong password for a random (mostly unknown) username, which costs
# a dummy argon2 verification, and an anonymous registration with a fresh valid ID number.
cat >"$WORK/flood.lua" <<'LUA'
local org = os.getenv("FLOOD_ORG")
local weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
local checks = "10X98765432"
local n = 0
function setup(thread) thread:set("id", math.random(1, 1000000)) end
function init(args) math.randomseed(os.time() + (id or 0)) end
local function id_number()
  local s = "330106" .. string.format("%04d", math.random(1960, 2004)) .. "0615" .. string.format("%03d", math.random(0, 999))
  local sum = 0
  for i = 1, 17 do sum = sum + tonumber(s:sub(i, i)) * weights[i] end
  local k = sum % 11 + 1
  return s .. checks:sub(k, k)
end
function request()
  n = n + 1
  local who = string.format("flood%d_%d", math.random(1, 1000000000), n)
  local mix = os.getenv("FLOOD") or "both"
  if mix == "login" or (mix == "both" and n % 2 == 0) then
    return wrk.format("POST", "/api/v1/auth/login", {["Content-Type"] = "application/json"},
      '{"username":"' .. who .. '","password":"wrong-password-123"}')
  end
  local body = '{"name":"压测","id_type":"resident_id","id_number":"' .. id_number() ..
    '","mobile":"13800138000","home_region_code":"330106",' ..
    '"skills":[{"code":"performance.music","level":2}],"languages":[{"code":"zh","proficiency":"native"}],' ..
    '"attest_true":true,"privacy_consent_version":"2026-01","organization_id":' .. org ..
    ',"username":"' .. who .. '","password":"Flood-pass-12345"}'
  return wrk.format("POST", "/api/v1/auth/register", {["Content-Type"] = "application/json"}, body)
end
LUA

# wrk prints latencies as 1.23ms / 456.00us / 1.20s; this turns the 99% line into ms.
p99_ms() { awk '$1=="99%"{v=$2; if (v ~ /us$/) {sub(/us$/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); print v} else {sub(/s$/,"",v); print v*1000}}' "$1"; }
rps() { awk '/^Requests\/sec:/{print $2}' "$1"; }
read_load() { wrk -t1 -c"$READ_CONNS" -d"${DURATION}s" --latency -s "$WORK/read.lua" "$BASE/api/v1/volunteers?limit=20" >"$1"; }

echo "1/2 authenticated reads alone (${DURATION}s)" >&2
read_load "$WORK/alone.txt"

echo "2/2 the same reads during the flood" >&2
FLOOD_ORG="$ORG" wrk -t1 -c"$FLOOD_CONNS" -d"$((DURATION + 6))s" -s "$WORK/flood.lua" \
    "$BASE" >"$WORK/flood.txt" 2>&1 &
FLOOD_PID=$!
sleep 3
read_load "$WORK/during.txt" &
READ_PID=$!
sleep $((DURATION / 2))
REAL_LOGIN=$(login_real)
wait "$READ_PID"
wait "$FLOOD_PID" || true
FLOOD_PID=""

# What the flood got back (the server's log of refusals is quieter than counting in Lua).
FLOOD_RPS=$(rps "$WORK/flood.txt")
ALONE_P99=$(p99_ms "$WORK/alone.txt"); DURING_P99=$(p99_ms "$WORK/during.txt")
ALONE_RPS=$(rps "$WORK/alone.txt"); DURING_RPS=$(rps "$WORK/during.txt")
STATS=$(curl -fsS "$BASE/metrics" | grep -E '^http_requests_total\{.*route="/api/v1/auth/(login|register)"' || true)

echo
echo "auth per-address limit: ${AUTH_RATE}/min; cores: $(nproc)"
echo "reads alone : p99 ${ALONE_P99} ms, ${ALONE_RPS} req/s"
echo "reads+flood : p99 ${DURING_P99} ms, ${DURING_RPS} req/s (flood answered ${FLOOD_RPS} req/s)"
awk -v a="$ALONE_P99" -v d="$DURING_P99" -v ra="$ALONE_RPS" -v rd="$DURING_RPS" \
    'BEGIN{printf "p99 ratio   : %.2fx (goal <= 2x)\nthroughput  : %.2fx of alone\n", d/a, rd/ra}'
echo "real login during the flood (from 127.0.0.2): HTTP ${REAL_LOGIN% *} in ${REAL_LOGIN#* } s"
echo "flood answers by route and status:"
echo "${STATS:-  (no metrics)}" | sed 's/^/  /'
