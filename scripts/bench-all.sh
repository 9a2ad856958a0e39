#!/usr/bin/env bash
# Issue 12, one command: every figure and ratio of the issue's goals from one run, on SQLite
# and PostgreSQL, ending with one table (goal, measured, met or not).
#
#   scripts/bench-all.sh                  # the full sizes of the issue (~10 min of runs after the build)
#   BENCH_QUICK=1 scripts/bench-all.sh    # a smoke run: small sizes, 3 s load runs
#   BENCH_ONLY="reads dispatch" scripts/bench-all.sh   # some of: reads dispatch dispatch_http registry
#
# Installs what it needs when missing (Debian packages: wrk, postgresql for pgbench and the
# server), starts PostgreSQL when it is down, builds the benches once (release, with the
# postgres feature), then runs them one after another. Each bench prints
# `RESULT <name> <value> <unit>` lines; this script collects them from the log and judges
# them against the goals. Other knobs: BENCH_PG_URL (admin URL of a PostgreSQL server,
# default postgres://postgres@127.0.0.1:5432/postgres), BENCH_LOG (where the full output
# goes, default target/bench-all.log), and every knob of the benches themselves
# (BENCH_SECONDS, BENCH_READ_VOLUNTEERS, BENCH_RUNS, BENCH_ROWS, ...).
set -uo pipefail
cd "$(dirname "$0")/.."

PG_URL=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
ONLY=${BENCH_ONLY:-reads dispatch dispatch_http registry}
LOG=${BENCH_LOG:-target/bench-all.log}
QUICK=${BENCH_QUICK:-}
REPORT_ONLY=${BENCH_REPORT_ONLY:-}
mkdir -p "$(dirname "$LOG")"

say() { echo "$*" | tee -a "$LOG"; }

measure() {
    as_root() {
        if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
    }

    apt_install() {
        say "--- installing $*"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >/dev/null 2>&1 ||
            { as_root apt-get update >/dev/null 2>&1 &&
                as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >/dev/null; } ||
            { say "could not install $*"; exit 1; }
    }

    # --- tools. /usr/bin/pgbench is a wrapper from postgresql-client-common; the program itself
    # comes with the server package (postgresql-15 on Debian 12), so ask it for its version.
    command -v wrk >/dev/null || apt_install wrk
    command -v psql >/dev/null || apt_install postgresql-client
    pgbench --version >/dev/null 2>&1 || apt_install postgresql

    # --- PostgreSQL (as .ci/run does)
    if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
        say "--- starting PostgreSQL"
        as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
        for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
    fi
    psql "$PG_URL" -qAtc 'SELECT 1' >/dev/null || { say "PostgreSQL at $PG_URL does not answer"; exit 1; }

    if [[ -n "$QUICK" ]]; then
        # Small sizes for a smoke run; anything set by the caller wins.
        : "${BENCH_SECONDS:=3}" "${BENCH_READ_VOLUNTEERS:=2000}" "${BENCH_RUNS:=1}"
        : "${BENCH_SPARSE_VOLUNTEERS:=4000}" "${BENCH_SPARSE_ACTIVITIES:=400}"
        : "${BENCH_PLAN_VOLUNTEERS:=2000}" "${BENCH_PLAN_ACTIVITIES:=50}"
        : "${BENCH_POOL_VOLUNTEERS:=10000}" "${BENCH_ROWS:=10000}"
        export BENCH_SECONDS BENCH_READ_VOLUNTEERS BENCH_RUNS BENCH_SPARSE_VOLUNTEERS \
            BENCH_SPARSE_ACTIVITIES BENCH_PLAN_VOLUNTEERS BENCH_PLAN_ACTIVITIES \
            BENCH_POOL_VOLUNTEERS BENCH_ROWS
    fi

    : >"$LOG"
    say "=== bench-all at $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)${QUICK:+ (BENCH_QUICK: reduced sizes, verdicts only indicative)}"

    # --- build once, so the timed runs do not share the machine with rustc
    benches=()
    for b in $ONLY; do benches+=(--bench "$b"); done
    say "--- building the benches (release, --features postgres)"
    cargo bench --features postgres --no-run "${benches[@]}" 2>&1 | tail -20 | tee -a "$LOG"
    [[ ${PIPESTATUS[0]} -eq 0 ]] || { say "build failed"; exit 1; }

    run() { # run <bench> <sqlite|postgres>
        local bench=$1 backend=$2
        say ""
        say "--- $bench ($backend) (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
        local database=(env -u BENCH_DATABASE_URL)
        [[ $backend == postgres ]] && database=(env "BENCH_DATABASE_URL=$PG_URL")
        "${database[@]}" cargo bench --features postgres --bench "$bench" 2>&1 | tee -a "$LOG"
        [[ ${PIPESTATUS[0]} -eq 0 ]] || say "FAILED $bench/$backend"
    }

    for b in $ONLY; do
        case $b in
            dispatch) run dispatch "no database" ;;
            reads | dispatch_http | registry) run "$b" sqlite; run "$b" postgres ;;
            *) say "FAILED $b: unknown bench" ;;
        esac
    done
    say "=== runs finished $(date -u '+%H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

[[ -n "$REPORT_ONLY" ]] || measure

# --- the table
get() { awk -v n="$1" '$1 == "RESULT" && $2 == n { v = $3 } END { if (v != "") print v }' "$LOG"; }
cmp() { awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
    if (op == "<=") ok = a <= b; else if (op == "<") ok = a < b;
    else if (op == ">=") ok = a >= b; else ok = a == b; exit !ok }'; }
# A count with thousands separators ("?" when the bench printed none).
num() { [[ -z "$1" ]] && { echo "?"; return; }
    awk -v a="$1" 'BEGIN { s = sprintf("%d", a); o = "";
        while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) }
        print s o }'; }
fmt() { awk -v a="$1" -v d="${2:-2}" 'BEGIN { printf "%.*f", d, a }'; }
row() { # row <what> <value> <unit> <op> <goal> [decimals]
    local what=$1 value=$2 unit=$3 op=$4 goal=$5 verdict
    if [[ -z "$value" ]]; then
        verdict="no figure"; value="—"
    else
        if cmp "$value" "$op" "$goal"; then verdict="met"; else verdict="**NOT met**"; fi
        value="$(fmt "$value" "${6:-2}")$unit"
    fi
    echo "| $what | $value | $op $goal$unit | $verdict |"
}
info() { # info <what> <value> <unit> [decimals]
    local value=$2
    [[ -n "$value" ]] && value="$(fmt "$value" "${4:-2}")$3" || value="—"
    echo "| $1 | $value | | |"
}
add() { awk -v a="$1" -v b="$2" 'BEGIN { print a + b }'; }

non2xx=""
for n in reads.sqlite.volunteer.non2xx reads.sqlite.page.non2xx reads.postgres.volunteer.non2xx reads.postgres.page.non2xx; do
    v=$(get $n); [[ -n "$v" ]] && non2xx=$(add "${non2xx:-0}" "$v")
done
ratio() { local a b; a=$(get "$1"); b=$(get "$2"); [[ -n "$a" && -n "$b" ]] && awk -v a="$a" -v b="$b" 'BEGIN { print a / b }'; }

{
echo ""
grep -m1 '^=== bench-all at' "$LOG"
grep -m1 '^=== runs finished' "$LOG"
echo ""
echo "| figure | measured | goal | verdict |"
echo "|---|---|---|---|"
row "PostgreSQL: GET /volunteers/{id} / pgbench PK SELECT" "$(get reads.postgres.volunteer.ratio)" "×" ">=" 0.35 3
info "  springrain req/s (p50 / p99 ms: $(fmt "$(get reads.postgres.volunteer.p50)") / $(fmt "$(get reads.postgres.volunteer.p99)"))" "$(get reads.postgres.volunteer.rps)" "" 0
info "  pgbench tps" "$(get reads.postgres.volunteer.pgbench_tps)" "" 0
info "  ceiling: the read's two statements in pgbench (prepared) / PK SELECT" "$(get reads.postgres.volunteer.db_only_ratio)" "×" 3
row "PostgreSQL: GET /volunteers?limit=50 / pgbench 50-row SELECT" "$(get reads.postgres.page.ratio)" "×" ">=" 0.6 3
info "  springrain req/s (p50 / p99 ms: $(fmt "$(get reads.postgres.page.p50)") / $(fmt "$(get reads.postgres.page.p99)"))" "$(get reads.postgres.page.rps)" "" 0
info "  pgbench tps" "$(get reads.postgres.page.pgbench_tps)" "" 0
row "non-2xx responses, all four read runs" "$non2xx" "" "==" 0 0
row "SQLite / PostgreSQL, GET /volunteers/{id} req/s" "$(ratio reads.sqlite.volunteer.rps reads.postgres.volunteer.rps)" "×" ">=" 1 2
info "  SQLite req/s (p50 / p99 ms: $(fmt "$(get reads.sqlite.volunteer.p50)") / $(fmt "$(get reads.sqlite.volunteer.p99)"))" "$(get reads.sqlite.volunteer.rps)" "" 0
row "SQLite / PostgreSQL, GET /volunteers?limit=50 req/s" "$(ratio reads.sqlite.page.rps reads.postgres.page.rps)" "×" ">=" 1 2
info "  SQLite req/s (p50 / p99 ms: $(fmt "$(get reads.sqlite.page.p50)") / $(fmt "$(get reads.sqlite.page.p99)"))" "$(get reads.sqlite.page.rps)" "" 0
row "dispatch 2,000 × 200 dense: solver / Hungarian time (same optimum: $( [[ "$(get dispatch.dense.same_objective)" == 1* ]] && echo yes || echo "not checked"))" "$(get dispatch.dense.ratio)" "×" "<=" 1.0 2
info "  solver / Hungarian ms" "$(get dispatch.dense.solver)" " / $(fmt "$(get dispatch.dense.hungarian)" 1)" 1
row "dispatch $(num "$(get dispatch.sparse.volunteers)") × $(num "$(get dispatch.sparse.activities)"), $(num "$(get dispatch.sparse.pairs)") pairs: time (optimality: property tests, not this run)" "$(get dispatch.sparse.solver)" " ms" "<" 2000 0
for db in sqlite postgres; do
    name=$([[ $db == sqlite ]] && echo SQLite || echo PostgreSQL)
    row "$name: POST /dispatch/plans, $(num "$(get dispatch_http.$db.plan_activities)") activities, $(num "$(get dispatch_http.$db.plan_volunteers)") volunteers" "$(get dispatch_http.$db.plan)" " s" "<" 10 2
done
for db in sqlite postgres; do
    name=$([[ $db == sqlite ]] && echo SQLite || echo PostgreSQL)
    row "$name: GET /activities/{id}/candidates p95, $(num "$(get dispatch_http.$db.candidates_volunteers)") volunteers (considered $(num "$(get dispatch_http.$db.candidates_considered)"))" "$(get dispatch_http.$db.candidates_p95)" " ms" "<" 100 1
done
for db in sqlite postgres; do
    name=$([[ $db == sqlite ]] && echo SQLite || echo PostgreSQL)
    row "$name: import of $(num "$(get registry.$db.import_rows)") rows" "$(get registry.$db.import)" " s" "<" 5 2
    row "  stretch" "$(get registry.$db.import)" " s" "<" 3 2
done
info "  PostgreSQL: psql \\copy of the same CSV (import / copy $(fmt "$(get registry.postgres.import_over_copy)" 1)×)" "$(get registry.postgres.copy)" " s" 2
info "  search p95 SQLite / PostgreSQL, ms" "$(get registry.sqlite.search_p95)" " / $(fmt "$(get registry.postgres.search_p95)" 1)" 1
echo ""
echo "load average (1 min) at the start of each run: $(sed -n 's/^--- \(.*\) (load average before: \([0-9.]*\).*/\1 \2;/p' "$LOG" | tr '\n' ' ')"
grep '^FAILED' "$LOG" || true
echo "full output: $LOG"
} | if [[ -n "$REPORT_ONLY" ]]; then cat; else tee -a "$LOG"; fi

! grep -q '^FAILED' "$LOG"
