#!/usr/bin/env bash
# Fault: the server is killed (SIGKILL) in the middle of a bulk import on SQLite (issue 15).
#
#   scripts/fault-sqlite.sh
#
# scripts/load/import_batches.py sends BATCHES sequential imports of BATCH_ROWS volunteers and
# records every batch acknowledged with a 2xx (with the ids the report gave). KILL_DELAY
# seconds after batch KILL_AT was sent, `kill -9` hits the server (usually inside that batch;
# the script reports which batch was in flight).
# The server is then started again on the same files, and the script asserts that
#   1. `PRAGMA integrity_check` answers ok (and `PRAGMA foreign_key_check` finds nothing);
#   2. every row of every acknowledged batch is in the database;
#   3. the batch in flight is all there or not there at all (one transaction per batch);
#   4. the restarted server is ready and takes a new import.
#
# Knobs: BATCHES (12), BATCH_ROWS (5000), KILL_AT (4), KILL_DELAY (0.2), PORT (18495),
# SKIP_BUILD=1.
set -euo pipefail
source "$(dirname "$0")/load/common.sh"

export BATCHES=${BATCHES:-12}
export BATCH_ROWS=${BATCH_ROWS:-5000}
KILL_AT=${KILL_AT:-4}
KILL_DELAY=${KILL_DELAY:-0.2}
PORT=${PORT:-18495}
BASE="http://127.0.0.1:$PORT"
ADMIN_PASSWORD='Fault-Sqlite-Ministry-1'
STAFF_PASSWORD='Fault-Sqlite-Staff-1'

WORK=$(mktemp -d)
CLIENT_PID=""
cleanup() {
    [[ -n "$CLIENT_PID" ]] && kill "$CLIENT_PID" 2>/dev/null || true
    stop_server
    if [[ -n "${KEEP_WORK:-}" ]]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM

need python3
need sqlite3
need jq
build_release

DATA="$WORK/data"
DBFILE="$DATA/springrain.db"
URL="sqlite://$DBFILE"
mkdir -p "$DATA"
start_server "$PORT" "$DATA" "$URL" "$WORK/server.log" SPRINGRAIN_ADMIN_PASSWORD="$ADMIN_PASSWORD"
zhejiang_staff_login fault.staff

say "importing $BATCHES batches of $BATCH_ROWS volunteers; kill -9 ${KILL_DELAY}s after sending batch $KILL_AT (load average $(load_average))"
: >"$WORK/acked"
: >"$WORK/progress"
python3 "$ROOT/scripts/load/import_batches.py" "$BASE" "$TOKEN" "$ORG" "$WORK/acked" "$WORK/progress" &
CLIENT_PID=$!
for _ in $(seq 1 3000); do
    grep -q "^sending $KILL_AT\$" "$WORK/progress" && break
    kill -0 "$CLIENT_PID" 2>/dev/null || die "the import client ended before batch $KILL_AT: $(cat "$WORK/progress")"
    sleep 0.05
done
sleep "$KILL_DELAY"
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
wait "$CLIENT_PID" || true
CLIENT_PID=""
sed 's/^/  client: /' "$WORK/progress" >&2
# The batch in flight when the kill landed: the last one sent without an answer.
INFLIGHT_BATCH=$(awk '/^sending/{k = $2} /^acknowledged/{a = $2 + 0} END{print (k + 0 > a + 0 || a == "") ? k : "none"}' "$WORK/progress")
ls -l "$DATA" | sed 's/^/  files after the kill: /' >&2

FAILED=0
check() { if [[ $1 == ok ]]; then say "ok    $2"; else say "FAIL  $2"; FAILED=1; fi; }

# The restart opens the files as left (SQLite rolls back the interrupted transaction from
# the WAL) and runs the migrations check.
start_server "$PORT" "$DATA" "$URL" "$WORK/server.log" SPRINGRAIN_ADMIN_PASSWORD="$ADMIN_PASSWORD"
READY=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/health/ready")
stop_server # the checks below read the files with nobody writing

INTEGRITY=$(sqlite3 "$DBFILE" 'PRAGMA integrity_check;' | paste -sd' ')
FK=$(sqlite3 "$DBFILE" 'PRAGMA foreign_key_check;' | wc -l)
[[ $INTEGRITY == ok && $FK == 0 ]] && r=ok || r=no
check $r "PRAGMA integrity_check: $INTEGRITY; foreign_key_check: $FK rows"

ACKED_BATCHES=$(wc -l <"$WORK/acked")
ACKED_ROWS=$(awk '{s += $2} END {print s + 0}' "$WORK/acked")
# Every acknowledged id, checked in one query against a temporary table.
{
    echo "CREATE TEMP TABLE acked(id INTEGER PRIMARY KEY);"
    awk '{n = split($3, ids, ","); for (i = 1; i <= n; i++) print "INSERT INTO acked VALUES (" ids[i] ");"}' "$WORK/acked"
    echo "SELECT (SELECT count(*) FROM acked), (SELECT count(*) FROM acked JOIN volunteers v ON v.id = acked.id);"
} >"$WORK/check.sql"
read -r LISTED PRESENT < <(sqlite3 -separator ' ' "$DBFILE" <"$WORK/check.sql")
[[ $ACKED_BATCHES -ge 1 && $LISTED == "$ACKED_ROWS" && $PRESENT == "$ACKED_ROWS" ]] && r=ok || r=no
check $r "acknowledged batches: $ACKED_BATCHES ($ACKED_ROWS rows, $LISTED ids reported); present after the restart: $PRESENT"

# The batch in flight: its rows are all there or none (names carry the row number).
TOTAL=$(sqlite3 "$DBFILE" 'SELECT count(*) FROM volunteers;')
INFLIGHT=$((TOTAL - ACKED_ROWS))
[[ $INFLIGHT == 0 || $INFLIGHT == "$BATCH_ROWS" ]] && r=ok || r=no
check $r "batch $INFLIGHT_BATCH (in flight when killed): $INFLIGHT of $BATCH_ROWS rows stored (all or nothing)"

# The restarted server is ready and imports again.
start_server "$PORT" "$DATA" "$URL" "$WORK/server.log" SPRINGRAIN_ADMIN_PASSWORD="$ADMIN_PASSWORD"
# A new batch after the restart (a fresh range of ID numbers, past every batch sent).
AFTER_STATUS=$(curl -s -o "$WORK/after.json" -w '%{http_code}' -X POST \
    "$BASE/api/v1/volunteers/import?organization_id=$ORG" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: text/csv' --data-binary @<(python3 - <<'PY'
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
print("name,id_type,id_number,mobile,home_region_code,skills,languages,attest_true,email")
for n in range(50):
    first = f"33010619550101{n:03d}"
    c = "10X98765432"[sum(int(a) * b for a, b in zip(first, w)) % 11]
    print(f"重启后{n},resident_id,{first}{c},1390000{n:04d},330106,performance.music,zh,true,")
PY
))
AFTER_INSERTED=$(jq -r .inserted "$WORK/after.json" 2>/dev/null || echo "?")
[[ $READY == 200 && $AFTER_STATUS == 200 && $AFTER_INSERTED == 50 ]] && r=ok || r=no
check $r "after the restart: /health/ready $READY, a new import of 50 rows answered $AFTER_STATUS with $AFTER_INSERTED inserted"
stop_server

echo
echo "fault-sqlite.sh $(date -u '+%Y-%m-%d %H:%M UTC'), $BATCHES batches x $BATCH_ROWS rows, kill -9 ${KILL_DELAY}s after batch $KILL_AT was sent (in flight: batch $INFLIGHT_BATCH), load average $(load_average), $(git -C "$ROOT" rev-parse --short HEAD)"
echo "  integrity_check: $INTEGRITY; acknowledged $ACKED_BATCHES batches / $ACKED_ROWS rows, present $PRESENT; in-flight batch: $INFLIGHT rows stored; after restart: ready $READY, import $AFTER_STATUS"
if [[ $FAILED != 0 ]]; then
    echo "FAILED"
    exit 1
fi
echo "OK"
