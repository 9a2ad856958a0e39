#!/usr/bin/env bash
# Stateful API fuzzing (issue 15): schemathesis runs every documented operation as each role
# of the demo data set (ministry admin, Zhejiang's bureau admin, a Hangzhou coordinator,
# Zhejiang's auditor, a volunteer) and the public operations anonymously, on a fresh SQLite
# database filled by `springrain seed-demo`. The stateful phase follows the document's OpenAPI
# links (create and list → read and act, src/openapi/links.rs), and the fuzzing phase draws
# `{id}`s from what each role's lists return, so assignments, records, certificates and plans
# are reached with ids that exist. Goal: no 5xx, no status code, content type, header or body
# outside the document. Method and latest figures: docs/security.md, "Fuzzing".
#
#   scripts/fuzz-api.sh            # the long pass: release build, more examples, every phase
#   scripts/fuzz-api.sh --long     # the same
#   scripts/fuzz-api.sh --short    # the CI pass: debug build, fixed seed, few examples
#
# Knobs: SEED (2026), EXAMPLES (per operation in the fuzzing phase; short 3, long 50),
# SCENARIOS and STEPS (stateful phase: scenarios per role, calls per scenario), PHASES,
# ROLES ("volunteer auditor coordinator bureau_admin ministry_admin anonymous"; admins last,
# so that disabling accounts cannot cut another role's run short), PORT (18474), VOLUNTEERS
# (seeded; short 100, long 300), BIN (the springrain binary; built unless SKIP_BUILD=1),
# WORKERS (schemathesis workers; 2), FUZZ_VENV (target/fuzz-venv), REPORT_DIR
# (target/fuzz-report). Exit status 0 only when every role's run found nothing.
set -euo pipefail

MODE=long
for arg in "$@"; do
    case "$arg" in
        --short) MODE=short ;;
        --long) MODE=long ;;
        *) echo "usage: $0 [--short|--long]" >&2; exit 2 ;;
    esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
SCHEMATHESIS_VERSION=4.32.5
SEED=${SEED:-2026}
PORT=${PORT:-18474}
WORKERS=${WORKERS:-2}
ROLES=${ROLES:-volunteer auditor coordinator bureau_admin ministry_admin anonymous}
FUZZ_VENV=${FUZZ_VENV:-$TARGET/fuzz-venv}
REPORT_DIR=${REPORT_DIR:-$TARGET/fuzz-report}
BASE="http://127.0.0.1:${PORT}"
if [[ $MODE == short ]]; then
    VOLUNTEERS=${VOLUNTEERS:-100}
    EXAMPLES=${EXAMPLES:-3}
    SCENARIOS=${SCENARIOS:-15}
    STEPS=${STEPS:-6}
    PHASES=${PHASES:-fuzzing,stateful}
    PROFILE=debug
else
    VOLUNTEERS=${VOLUNTEERS:-300}
    EXAMPLES=${EXAMPLES:-50}
    SCENARIOS=${SCENARIOS:-1000}
    STEPS=${STEPS:-20}
    PHASES=${PHASES:-examples,coverage,fuzzing,stateful}
    PROFILE=release
fi
BIN=${BIN:-$TARGET/$PROFILE/springrain}
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

say() { echo "--- $*" >&2; }

# 1. schemathesis, pinned, in a virtualenv of its own.
if [[ ! -x "$FUZZ_VENV/bin/st" ]] || ! "$FUZZ_VENV/bin/st" --version | grep -q "$SCHEMATHESIS_VERSION"; then
    say "installing schemathesis $SCHEMATHESIS_VERSION into $FUZZ_VENV"
    python3 -m venv "$FUZZ_VENV"
    "$FUZZ_VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
command -v jq >/dev/null || { echo "jq is required" >&2; exit 1; }

# 2. The server binary.
if [[ -z "${SKIP_BUILD:-}" ]]; then
    say "building springrain ($PROFILE)"
    if [[ $PROFILE == release ]]; then
        (cd "$ROOT" && cargo build --release --quiet)
    else
        (cd "$ROOT" && cargo build --quiet)
    fi
fi
[[ -x "$BIN" ]] || { echo "no binary at $BIN" >&2; exit 1; }

# 3. A fresh database with the demo data; keep the printed logins.
export SPRINGRAIN_DATA_DIR="$WORK/data"
say "seeding $VOLUNTEERS demo volunteers"
"$BIN" seed-demo --volunteers "$VOLUNTEERS" >"$WORK/seed.txt" 2>&1 || { cat "$WORK/seed.txt" >&2; exit 1; }
declare -A USERNAME PASSWORD
while read -r role username password; do
    USERNAME[$role]=$username
    PASSWORD[$role]=$password
done < <(awk '$1 ~ /^(ministry_admin|bureau_admin|coordinator|auditor|volunteer)$/ && NF == 3 {print $1, $2, $3}' "$WORK/seed.txt")

# 4. The server. The per-address limits are lifted: one fuzzer from one address is not the
# flood they are for, and 429s would hide every other answer (429 stays documented).
say "starting $BIN on $BASE"
SPRINGRAIN_BIND="127.0.0.1:${PORT}" \
SPRINGRAIN_AUTH_RATE_PER_MINUTE=1000000 \
SPRINGRAIN_FEEDBACK_RATE_PER_MINUTE=1000000 \
SPRINGRAIN_FEEDBACK_TOKEN_RATE_PER_MINUTE=1000000 \
SPRINGRAIN_ACCESS_TOKEN_TTL_SECS=86400 \
SPRINGRAIN_LOG=${SPRINGRAIN_LOG:-warn} \
    "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do
    curl -fs "$BASE/health/ready" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -fs "$BASE/health/ready" >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }

requests_served() {
    curl -fs "$BASE/metrics" | awk '/^http_requests_total/ {n += $NF} END {printf "%d\n", n}'
}
login() {
    curl -fsS -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d "$(jq -n --arg u "${USERNAME[$1]}" --arg p "${PASSWORD[$1]}" '{username: $u, password: $p}')" |
        jq -r .access_token
}

OPERATIONS=$(curl -fs "$BASE/openapi.json" |
    jq '[.paths[] | to_entries[] | select(.key | test("^(get|put|post|patch|delete)$"))] | length')
# Per-phase volumes (the command line's --max-examples would set every phase alike); no
# automatic sign-up (schemathesis would register its own account through /auth/register).
cat >"$WORK/base.toml" <<TOML
[auth]
auto-signup = false
[phases.fuzzing.generation]
max-examples = $EXAMPLES
[phases.stateful]
max-steps = $STEPS
[phases.stateful.generation]
max-examples = $SCENARIOS
TOML

# Ids this role can see, for the fuzzing phase: every list operation the document links to
# read/act operations (src/openapi/links.rs) is called, and the ids it returns become a
# dictionary the linked operations' `{id}` draws from (3 requests in 4; the rest stay
# generated). Lists under a resource (a volunteer's service records) take that resource's ids
# from the first round.
harvest_ids() { # token role → a TOML fragment on stdout
    "$FUZZ_VENV/bin/python" - "$BASE" "$1" "$2" <<'PY'
import json, re, sys, urllib.request
from collections import defaultdict

base, token, role = sys.argv[1:4]
def get(path):
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.load(r)
    except Exception:
        return None

doc = get("/openapi.json")
path_of = {op["operationId"]: path for path, item in doc["paths"].items()
           for op in item.values() if isinstance(op, dict) and "operationId" in op}
def prefix(path):  # the resource a path acts on: everything up to its `{id}`
    return path[: path.index("{id}") + 4] if "{id}" in path else None
ids = defaultdict(list)
for _ in range(2):
    for path, item in doc["paths"].items():
        links = (item.get("get") or {}).get("responses", {}).get("200", {}).get("links")
        if not links:
            continue
        owner = prefix(path)
        if owner is None:
            urls = [path]
        elif path.count("{") == 1:
            urls = [path.replace("{id}", str(i)) for i in ids.get(owner, [])[:5]]
        else:
            continue
        bodies = []
        for url in urls:
            body = get(url + ("&" if "?" in url else "?") + "limit=20")
            items = body.get("items") if isinstance(body, dict) else body
            bodies += [x for x in items or [] if isinstance(x, dict)]
        for link in links.values():
            target = prefix(path_of.get(link["operationId"], ""))
            field = link["parameters"]["id"].rsplit("/", 1)[1]
            for i in (x.get(field) for x in bodies):
                if target and isinstance(i, int) and i not in ids[target]:
                    ids[target].append(i)
out = []
for n, (resource, values) in enumerate(sorted(ids.items())):
    if values:
        out.append(f"[dictionaries.r{n}]\nvalues = {json.dumps(values[:50])}\n")
for n, (resource, values) in enumerate(sorted(ids.items())):
    if values:
        regex = "^" + re.escape(resource).replace("\\", "\\\\") + "(/|$)"
        out.append(f'[[operations]]\ninclude-path-regex = "{regex}"\n'
                   f'parameters = {{ "path.id" = {{ dictionary = "r{n}", probability = 0.75 }} }}\n')
print("\n".join(out))
print(f"{role}: ids for {sum(1 for v in ids.values() if v)} resources", file=sys.stderr)
PY
}

rm -rf "$REPORT_DIR"
mkdir -p "$REPORT_DIR"
START_REQUESTS=$(requests_served)
STARTED=$SECONDS
FAILED=()
RUNS=0
for role in $ROLES; do
    args=()
    if [[ $role == anonymous ]]; then
        # Without a token: the operations documented as public.
        args+=(--include-path-regex '^/(health/|metrics$|api/v1/(auth|public)/)')
    else
        token=$(login "$role")
        [[ -n "$token" && "$token" != null ]] || { echo "cannot log in as $role" >&2; exit 1; }
        args+=(-H "Authorization: Bearer $token")
    fi
    config="$WORK/$role.toml"
    cp "$WORK/base.toml" "$config"
    [[ $role == anonymous ]] || harvest_ids "$token" "$role" >>"$config"
    cp "$config" "$REPORT_DIR/$role.toml"
    say "schemathesis as $role (seed $SEED, $EXAMPLES examples, phases $PHASES)"
    RUNS=$((RUNS + 1))
    # From the scratch directory: schemathesis keeps its own state in the working directory.
    if ! (cd "$WORK" && "$FUZZ_VENV/bin/st" --config-file "$config" run "$BASE/openapi.json" \
        --checks "$CHECKS" \
        --phases "$PHASES" \
        --seed "$SEED" \
        --workers "$WORKERS" \
        --generation-database none \
        --request-timeout 30 \
        --no-color \
        --report junit \
        --report-junit-path "$REPORT_DIR/$role.xml" \
        "${args[@]}") >"$REPORT_DIR/$role.txt" 2>&1; then
        FAILED+=("$role")
    fi
    tail -n 12 "$REPORT_DIR/$role.txt" >&2
done
REQUESTS=$(($(requests_served) - START_REQUESTS))

grep -E 'panicked| ERROR ' "$WORK/server.log" | head -n 20 >&2 || true
echo
echo "fuzz-api ($MODE): seed $SEED, $OPERATIONS operations, $RUNS roles ($ROLES), phases $PHASES ($EXAMPLES examples per operation, $SCENARIOS stateful scenarios of up to $STEPS calls): $REQUESTS requests in $((SECONDS - STARTED)) s"
if ((${#FAILED[@]})); then
    echo "FAILED as: ${FAILED[*]} — see $REPORT_DIR/<role>.txt"
    exit 1
fi
echo "no failures (reports in $REPORT_DIR)"
