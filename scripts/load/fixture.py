#!/usr/bin/env python3
"""Builds the load fixture of scripts/load.sh through the public API of a running server that
holds `springrain seed-demo` data, and writes it as a Lua table for wrk (fixture.lua) and as
JSON (fixture.json).

    fixture.py BASE_URL SEED_OUTPUT OUT_DIR

What it makes, as a real bureau would (nothing is written to the database directly):
- tokens for the ministry admin, the Zhejiang bureau admin, the Hangzhou coordinator and the
  auditor printed by seed-demo;
- IMPORT_VOLUNTEERS extra volunteers imported into the coordinator's organisation (one CSV),
  VOLUNTEER_LOGINS of them activated and signed in (volunteer tokens, for confirms);
- ACTIVITIES published activities at the coordinator's site with HEADCOUNT places each, spread
  over SLOTS time slots: slot 0 starts in 40 minutes (confirm and check-in both possible:
  check-in opens an hour before the start), slot k on day k (confirm, no check-in yet). The
  activities of one slot overlap, so a volunteer may hold one live assignment per slot;
- offers of every volunteer with a login to one activity of slots 0 and 1, so that confirms
  outnumber places (48 volunteers for 2 x 4 places per slot by default); the later slots get
  their offers during the load;
- the public feedback link of a demo activity that ended a few days ago (feedback is open
  from an activity's start to 14 days after its end).

Only the standard library, so a fresh clone needs nothing but python3.
"""

import datetime as dt
import json
import os
import re
import sys
import urllib.error
import urllib.request

BASE, SEED_OUTPUT, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
IMPORT_VOLUNTEERS = int(os.environ.get("IMPORT_VOLUNTEERS", "2000"))
VOLUNTEER_LOGINS = int(os.environ.get("VOLUNTEER_LOGINS", "48"))
ACTIVITIES = int(os.environ.get("ACTIVITIES", "12"))
HEADCOUNT = int(os.environ.get("HEADCOUNT", "4"))
SLOTS = int(os.environ.get("SLOTS", "6"))
VOLUNTEER_PASSWORD = "Load-volunteer-2026"


def call(method, path, token=None, body=None, content_type="application/json", expect=(200, 201)):
    data = None
    headers = {}
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        headers["Content-Type"] = content_type
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=300) as res:
            status, text = res.status, res.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    if status not in expect:
        sys.exit(f"fixture: {method} {path} answered {status}: {text[:500]}")
    return json.loads(text) if text else None


def login(username, password):
    return call("POST", "/api/v1/auth/login", body={"username": username, "password": password})[
        "access_token"
    ]


def seed_logins(path):
    """The role → (username, password) lines seed-demo printed."""
    logins = {}
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^  (ministry_admin|bureau_admin|coordinator|auditor|volunteer)\s+(\S+)\s+(\S+)\s*$", line)
        if m:
            logins[m.group(1)] = (m.group(2), m.group(3))
    missing = {"ministry_admin", "bureau_admin", "coordinator", "auditor", "volunteer"} - logins.keys()
    if missing:
        sys.exit(f"fixture: seed-demo printed no login for {sorted(missing)}")
    return logins


def resident_id(area, birth, seq):
    """A valid GB 11643 resident ID number."""
    first17 = f"{area}{birth}{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(first17, weights))
    return first17 + "10X98765432"[total % 11]


def rfc3339(t):
    return t.strftime("%Y-%m-%dT%H:%M:00Z")


def main():
    logins = seed_logins(SEED_OUTPUT)
    staff = {role: login(*logins[role]) for role in ("ministry_admin", "bureau_admin", "coordinator", "auditor")}
    coordinator = staff["coordinator"]
    me = call("GET", "/api/v1/me", coordinator)
    org = me.get("organization_id") or me["organization"]["id"]
    sites = call("GET", "/api/v1/sites?limit=200", coordinator)["items"]
    site = next(s for s in sites if s.get("organization_id") == org) if any(
        s.get("organization_id") == org for s in sites
    ) else sites[0]

    # Extra volunteers through the import, in the coordinator's organisation (so offers reach
    # them). Birth dates 1970-1999, ten per day: unlikely to meet a demo number, and a row
    # that does is only rejected.
    rows = ["name,id_type,id_number,mobile,home_region_code,skills,languages,attest_true,email"]
    skills = ["performance.music:2", "reading.promotion", "fine_arts.calligraphy:3", "library.services", "digital.literacy:2"]
    start = dt.date(1970, 1, 1)
    for i in range(IMPORT_VOLUNTEERS):
        birth = (start + dt.timedelta(days=(i // 10) * 7 % 10950)).strftime("%Y%m%d")
        number = resident_id("330106", birth, 900 + i % 10 * 9)
        rows.append(
            f"压测志愿者{i},resident_id,{number},1380013{i % 10000:04d},330106,"
            f"{skills[i % 5]};{skills[(i + 2) % 5]},zh;en:basic,true,"
        )
    report = call(
        "POST",
        f"/api/v1/volunteers/import?organization_id={org}",
        staff["bureau_admin"],
        "\n".join(rows) + "\n",
        content_type="text/csv",
    )
    activations = [a for a in report["activations"] if a.get("activation_code")]
    if len(activations) < VOLUNTEER_LOGINS:
        sys.exit(f"fixture: only {len(activations)} volunteers imported ({len(report['rejected'])} rejected)")

    volunteers = []
    for n, a in enumerate(activations[:VOLUNTEER_LOGINS]):
        username = f"load.v{n}"
        call(
            "POST",
            "/api/v1/auth/activate",
            body={"code": a["activation_code"], "username": username, "password": VOLUNTEER_PASSWORD},
        )
        volunteers.append({"id": a["volunteer_id"], "token": login(username, VOLUNTEER_PASSWORD)})

    # Slot 0 starts in 40 minutes (check-in already open), slot k on day k.
    now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    slots = [now + dt.timedelta(minutes=40)] + [now + dt.timedelta(days=k) for k in range(1, SLOTS)]
    activities = []
    for k in range(ACTIVITIES):
        slot = k % SLOTS
        starts = slots[slot]
        body = {
            "site_id": site["id"],
            "title": f"压测活动{k}",
            "description": "负载测试用的社区文艺活动",
            "category": "grassroots_culture",
            "form": "performance",
            "starts_at": rfc3339(starts),
            "ends_at": rfc3339(starts + dt.timedelta(hours=2)),
            "headcount_min": 1,
            "headcount_max": HEADCOUNT,
            "physical_demand": 1,
            "risk_level": "low",
            "risk_disclosure": "室内活动，注意防滑",
            "requirements": {"summary": "热爱文艺"},
        }
        a = call("POST", "/api/v1/activities", coordinator, body)
        call("POST", f"/api/v1/activities/{a['id']}/publish", coordinator, {})
        activities.append({"id": a["id"], "slot": slot})

    # One offer per volunteer in slots 0 and 1, round-robin over the slot's activities.
    offers = []
    by_slot = [[a["id"] for a in activities if a["slot"] == s] for s in (0, 1)]
    for n, v in enumerate(volunteers):
        for slot in (0, 1):
            if not by_slot[slot]:
                continue
            activity = by_slot[slot][n % len(by_slot[slot])]
            o = call("POST", f"/api/v1/activities/{activity}/assignments", coordinator, {"volunteer_id": v["id"]})
            offers.append({"id": o["id"], "volunteer": n + 1})

    # Single reads: volunteers every staff role can see (the coordinator's organisation).
    read_ids = [a["volunteer_id"] for a in activations[VOLUNTEER_LOGINS : VOLUNTEER_LOGINS + 500]]

    # A demo activity that ended within the last 14 days takes public feedback.
    feedback = None
    cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=13)
    page = call("GET", "/api/v1/activities?status=completed&limit=200", staff["bureau_admin"])
    for a in page["items"]:
        ends = dt.datetime.fromisoformat(a["ends_at"].replace("Z", "+00:00"))
        if ends > cutoff:
            link = call("GET", f"/api/v1/activities/{a['id']}/feedback-link", staff["bureau_admin"], expect=(200, 403, 404, 409))
            if link and "path" in link:
                feedback = link["path"]
                break
    if feedback is None:
        sys.exit("fixture: no demo activity ended in the last 13 days to take feedback")

    fixture = {
        "staff": staff,
        "volunteers": volunteers,
        "offers": offers,
        "activities": [a["id"] for a in activities],
        "read_ids": read_ids,
        "feedback": feedback,
    }
    with open(os.path.join(OUT, "fixture.json"), "w") as f:
        json.dump(fixture, f)
    with open(os.path.join(OUT, "fixture.lua"), "w") as f:
        f.write("return " + to_lua(fixture) + "\n")
    print(
        f"fixture: {report['inserted']} volunteers imported, {len(volunteers)} volunteer logins, "
        f"{len(activities)} activities x {HEADCOUNT} places, {len(offers)} offers, feedback at {feedback}"
    )


def to_lua(v):
    if isinstance(v, dict):
        return "{" + ",".join(f"[{json.dumps(k)}]={to_lua(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "{" + ",".join(to_lua(x) for x in v) + "}"
    if isinstance(v, str):
        return json.dumps(v)
    return str(v)


main()
