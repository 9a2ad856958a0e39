# Shared by scripts/load.sh, scripts/fault-postgres.sh and scripts/fault-sqlite.sh (sourced):
# tools, the release build, starting and stopping one server, a scratch PostgreSQL database.
# Everything listens on 127.0.0.1 and lives in a temporary folder removed on exit.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/springrain"
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}

say() { printf '%s\n' "$*" >&2; }
die() { say "FAILED: $*"; exit 1; }

APT_UPDATED=""
# need COMMAND [PACKAGE]: installs PACKAGE (default COMMAND) with apt-get when COMMAND is missing.
need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    say "installing ${2:-$1}"
    [[ -n "$APT_UPDATED" ]] || { apt-get update -qq >/dev/null; APT_UPDATED=1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${2:-$1}" >/dev/null
}

build_release() {
    [[ -n "${SKIP_BUILD:-}" ]] && return 0
    need pkg-config
    [[ -e /usr/include/postgresql/libpq-fe.h ]] || need pg_config libpq-dev
    say "building the release binary (cargo build --release --features postgres)"
    (cd "$ROOT" && cargo build --release --features postgres --quiet)
}

# The local PostgreSQL cluster, started if it is down.
pg_cluster_version() { ls /etc/postgresql | sort -n | tail -1; }
ensure_postgres() {
    need psql postgresql-client
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then need pg_ctlcluster postgresql; fi
    if ! pg_isready -q -h 127.0.0.1 -p 5432; then
        say "starting PostgreSQL"
        pg_ctlcluster --skip-systemctl-redirect "$(pg_cluster_version)" main start
        for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
    fi
}

# pg_fresh_db NAME: drops and creates database NAME; prints its URL.
pg_fresh_db() {
    PGOPTIONS='-c client_min_messages=warning' psql "$PG_ADMIN_URL" -qAt -v ON_ERROR_STOP=1 \
        -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" -c "CREATE DATABASE \"$1\"" >/dev/null
    echo "${PG_ADMIN_URL%/*}/$1"
}
pg_drop_db() {
    PGOPTIONS='-c client_min_messages=warning' psql "$PG_ADMIN_URL" -qAt -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null 2>&1 || true
}

# start_server PORT DATA_DIR DATABASE_URL LOG [VAR=VALUE …]: starts the release binary in the
# background with the given extra settings and waits until it is live; sets SERVER_PID.
SERVER_PID=""
start_server() {
    local port=$1 data=$2 url=$3 log=$4
    shift 4
    env SPRINGRAIN_BIND="127.0.0.1:$port" SPRINGRAIN_DATA_DIR="$data" DATABASE_URL="$url" \
        SPRINGRAIN_ACCESS_TOKEN_TTL_SECS=3600 SPRINGRAIN_LOG="${SPRINGRAIN_LOG:-warn}" "$@" \
        "$BIN" serve >>"$log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 150); do
        curl -fs "http://127.0.0.1:$port/health/live" >/dev/null 2>&1 && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.2
    done
    tail -20 "$log" >&2
    die "the server did not start on port $port"
}

stop_server() {
    if [[ -n "$SERVER_PID" ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
}

post() { curl -fsS -X POST "$BASE$1" -H 'Content-Type: application/json' "${@:3}" -d "$2"; }

# zhejiang_staff_login USERNAME: logs in as the first-start admin (ADMIN), finds the Zhejiang
# bureau (ORG), creates a bureau admin USERNAME there and logs in as it (TOKEN). Needs BASE,
# ADMIN_PASSWORD and STAFF_PASSWORD.
zhejiang_staff_login() {
    local user=$1
    ADMIN=$(post /api/v1/auth/login "{\"username\":\"admin\",\"password\":\"$ADMIN_PASSWORD\"}" | jq -r .access_token)
    ORG=$(curl -fsS "$BASE/api/v1/organizations?kind=provincial_bureau&region_code=330000" \
        -H "Authorization: Bearer $ADMIN" | jq -r '.items[0].id')
    post /api/v1/users "{\"username\":\"$user\",\"password\":\"$STAFF_PASSWORD\",\"role\":\"bureau_admin\",\"organization_id\":$ORG}" \
        -H "Authorization: Bearer $ADMIN" >/dev/null
    TOKEN=$(post /api/v1/auth/login "{\"username\":\"$user\",\"password\":\"$STAFF_PASSWORD\"}" | jq -r .access_token)
}

# wrk prints latencies as 1.23ms / 456.00us / 1.20s; these turn a percentile line into ms.
pct_ms() {
    awk -v p="$2" '$1==p{v=$2; if (v ~ /us$/) {sub(/us$/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); print v} else {sub(/s$/,"",v); print v*1000}}' "$1"
}
rps() { awk '/^Requests\/sec:/{print $2}' "$1"; }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
