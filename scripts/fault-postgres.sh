#!/usr/bin/env bash
# Fault: PostgreSQL goes away in the middle of a write load, then comes back (issue 15).
#
#   scripts/fault-postgres.sh
#
# The server runs on a fresh database while scripts/load/writer.py creates sites on WRITERS
# connections and logs every id acknowledged with a 2xx. After WARMUP seconds PostgreSQL is
# stopped (PG_STOP_MODE: fast = a clean shutdown, immediate = a crash and WAL recovery), kept
# down DOWN seconds, and started again. The script asserts that
#   1. /health/ready answers 503 while the database is down, each probe within READY_LIMIT
#      (2) seconds, so that a load balancer's probe hears "not ready" before its own timeout;
#   2. the service recovers by itself: /health/ready is 200 and a write is acknowledged
#      again within RECOVERY_LIMIT (5) seconds of the database accepting connections;
#   3. every acknowledged id is in the database afterwards;
#   4. no request got a 500 (an outage is 503 `unavailable`, not an internal error; requests
#      in flight when the connection drops included).
#
# By default PostgreSQL is a private cluster made for this run (initdb in a temporary
# folder, port PG_PORT), so other people's tests on the machine's cluster are not cut off.
# PG_CLUSTER=main restarts the machine's own cluster instead, with
# `pg_ctlcluster --skip-systemctl-redirect <version> main stop|start` (as CI would).
#
# Knobs: WARMUP (5), DOWN (5), AFTER (8), WRITERS (4), RECOVERY_LIMIT (5), READY_LIMIT (2), PG_STOP_MODE
# (fast), PG_CLUSTER (private | main), PG_PORT (55439), PORT (18490), SKIP_BUILD=1.
set -euo pipefail
source "$(dirname "$0")/load/common.sh"

WARMUP=${WARMUP:-5}
DOWN=${DOWN:-5}
AFTER=${AFTER:-8}
RECOVERY_LIMIT=${RECOVERY_LIMIT:-5}
READY_LIMIT=${READY_LIMIT:-2}
PG_STOP_MODE=${PG_STOP_MODE:-fast}
PG_CLUSTER=${PG_CLUSTER:-private}
PG_PORT=${PG_PORT:-55439}
PORT=${PORT:-18490}
BASE="http://127.0.0.1:$PORT"
ADMIN_PASSWORD='Fault-Postgres-Ministry-1'
STAFF_PASSWORD='Fault-Postgres-Staff-1'
DB="springrain_fault_$$"

WORK=$(mktemp -d)
chmod 755 "$WORK"
WRITER_PID=""
PGBIN=""
PGDATA_DIR="$WORK/pg"
cleanup() {
    touch "$WORK/stop"
    [[ -n "$WRITER_PID" ]] && wait "$WRITER_PID" 2>/dev/null || true
    stop_server
    if [[ $PG_CLUSTER == private ]]; then
        [[ -n "$PGBIN" && -e "$PGDATA_DIR/postmaster.pid" ]] &&
            runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w stop >/dev/null 2>&1 || true
    else
        pg_drop_db "$DB"
    fi
    if [[ -n "${KEEP_WORK:-}" ]]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM

need python3
need curl
ensure_postgres # the client tools, and the machine's cluster for PG_CLUSTER=main
build_release

if [[ $PG_CLUSTER == private ]]; then
    PGBIN="/usr/lib/postgresql/$(pg_cluster_version)/bin"
    mkdir -p "$PGDATA_DIR"
    chown postgres "$PGDATA_DIR"
    runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres >/dev/null
    pg_start() {
        runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/log" -w \
            -o "-p $PG_PORT -k $PGDATA_DIR -c listen_addresses=127.0.0.1" start >/dev/null
    }
    pg_stop() { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m "$PG_STOP_MODE" -w stop >/dev/null; }
    pg_start
    PG_ADMIN_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
    pg_ready() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; }
else
    VERSION=$(pg_cluster_version)
    pg_start() { pg_ctlcluster --skip-systemctl-redirect "$VERSION" main start; }
    pg_stop() { pg_ctlcluster --skip-systemctl-redirect "$VERSION" main stop -m "$PG_STOP_MODE"; }
    pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432; }
fi
URL=$(pg_fresh_db "$DB")

mkdir -p "$WORK/data"
start_server "$PORT" "$WORK/data" "$URL" "$WORK/server.log" SPRINGRAIN_ADMIN_PASSWORD="$ADMIN_PASSWORD"
zhejiang_staff_login fault.staff

# /health/ready probes, one every 100 ms, each given PROBE_TIMEOUT seconds to answer.
PROBE_TIMEOUT=${PROBE_TIMEOUT:-7}
probe() {
    curl -s -o /dev/null -m "$PROBE_TIMEOUT" -w '%{http_code} %{time_total}' "$BASE/health/ready" || true
}
now() { date +%s.%N; }

say "write load: ${WRITERS:-4} writers creating sites (load average $(load_average))"
python3 "$ROOT/scripts/load/writer.py" "$BASE" "$TOKEN" "$ORG" "$WORK/acked" "$WORK/events" "$WORK/stop" &
WRITER_PID=$!
sleep "$WARMUP"

say "stopping PostgreSQL (-m $PG_STOP_MODE)"
pg_stop
T_DOWN=$(now)
DOWN_PROBES="$WORK/down-probes"
: >"$DOWN_PROBES"
while awk -v a="$(now)" -v b="$T_DOWN" -v d="$DOWN" 'BEGIN{exit !(a - b < d)}'; do
    probe >>"$DOWN_PROBES"
    echo >>"$DOWN_PROBES"
    sleep 0.1
done
say "starting PostgreSQL"
pg_start
for _ in $(seq 1 100); do pg_ready && break; sleep 0.05; done
T_UP=$(now)
T_READY=""
UP_PROBES="$WORK/up-probes"
: >"$UP_PROBES"
while awk -v a="$(now)" -v b="$T_UP" 'BEGIN{exit !(a - b < 30)}'; do
    p=$(probe)
    echo "$(now) $p" >>"$UP_PROBES"
    if [[ ${p%% *} == 200 ]]; then T_READY=$(now); break; fi
    sleep 0.1
done
sleep "$AFTER"
touch "$WORK/stop"
wait "$WRITER_PID" || true
WRITER_PID=""

# What the writers and the probes saw.
FAILED=0
check() { if [[ $1 == ok ]]; then say "ok    $2"; else say "FAIL  $2"; FAILED=1; fi; }
DOWN_CODES=$(awk 'NF{print $1}' "$DOWN_PROBES" | sort | uniq -c | awk '{printf "%s x%s ", $2, $1}')
DOWN_SLOWEST=$(awk 'NF{if ($2 > m) m = $2} END{printf "%.2f", m}' "$DOWN_PROBES")
[[ -s $DOWN_PROBES ]] && ! awk -v l="$READY_LIMIT" 'NF && ($1 != 503 || $2 > l) {bad = 1} END {exit !bad}' "$DOWN_PROBES" && r=ok || r=no
check $r "/health/ready while the database was down: ${DOWN_CODES:-no probe} (slowest answer ${DOWN_SLOWEST}s, limit ${READY_LIMIT}s)"
if [[ -n $T_READY ]]; then
    READY_AFTER=$(awk -v a="$T_READY" -v b="$T_UP" 'BEGIN{printf "%.2f", a - b}')
else
    READY_AFTER=never
fi
FIRST_WRITE=$(awk -v up="$T_UP" '$1 > up && $2 >= 200 && $2 < 300 {printf "%.2f", $1 - up; exit}' "$WORK/events")
awk -v r="$READY_AFTER" -v w="${FIRST_WRITE:-999}" -v l="$RECOVERY_LIMIT" 'BEGIN{exit !(r != "never" && r <= l && w <= l)}' && r=ok || r=no
check $r "recovered by itself: /health/ready 200 after ${READY_AFTER}s, first acknowledged write after ${FIRST_WRITE:-never}s (limit ${RECOVERY_LIMIT}s)"

ACKED=$(wc -l <"$WORK/acked")
IDS=$(paste -sd, "$WORK/acked")
PRESENT=$(psql "$URL" -qAt -c "SELECT count(*) FROM sites WHERE id IN (${IDS:-0})")
[[ $ACKED -gt 0 && $PRESENT == "$ACKED" ]] && r=ok || r=no
check $r "acknowledged writes present afterwards: $PRESENT of $ACKED"

STATUSES=$(awk '{print $2}' "$WORK/events" | sort | uniq -c | awk '{printf "%s x%s, ", $2, $1}')
! awk '$2 >= 500 && $2 != 503 {bad = 1} END {exit !bad}' "$WORK/events" && r=ok || r=no
check $r "writers' answers (0 = no HTTP answer): ${STATUSES%, }"

echo
echo "fault-postgres.sh $(date -u '+%Y-%m-%d %H:%M UTC'), cluster: $PG_CLUSTER, stop -m $PG_STOP_MODE for ${DOWN}s, load average $(load_average), $(git -C "$ROOT" rev-parse --short HEAD)"
echo "  ready while down: ${DOWN_CODES}(slowest ${DOWN_SLOWEST}s); ready again ${READY_AFTER}s and first write ${FIRST_WRITE:-never}s after the database was back; acknowledged ${ACKED}, present ${PRESENT}; writers: ${STATUSES%, }"
if [[ $FAILED != 0 ]]; then
    say "server log (last errors):"
    grep -iE 'error|warn|panic' "$WORK/server.log" | tail -15 >&2 || true
    echo "FAILED"
    exit 1
fi
echo "OK"
