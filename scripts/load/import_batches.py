#!/usr/bin/env python3
"""Bulk import of scripts/fault-sqlite.sh: BATCHES sequential `POST /api/v1/volunteers/import`
requests of BATCH_ROWS fresh volunteers each (valid resident ID numbers, unique across
batches). Before sending batch k it writes "sending k" to PROGRESS; when a batch is
acknowledged with a 2xx it appends one line to ACKED: "<k> <inserted> <volunteer id>,<id>,…"
(flushed before the next batch). It stops at the first batch without an HTTP answer (the
server was killed) and exits 0.

    import_batches.py BASE_URL TOKEN ORG_ID ACKED PROGRESS
"""

import datetime as dt
import json
import os
import sys
import urllib.error
import urllib.request

BASE, TOKEN, ORG, ACKED, PROGRESS = sys.argv[1:6]
BATCHES = int(os.environ.get("BATCHES", "12"))
BATCH_ROWS = int(os.environ.get("BATCH_ROWS", "5000"))
HEADER = "name,id_type,id_number,mobile,home_region_code,skills,languages,attest_true,email"


def resident_id(area, birth, seq):
    first17 = f"{area}{birth}{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(first17, weights))
    return first17 + "10X98765432"[total % 11]


def batch(k):
    """Rows n = k*BATCH_ROWS … : one birth date per 1,000 rows, the sequence the rest."""
    rows = [HEADER]
    for i in range(BATCH_ROWS):
        n = k * BATCH_ROWS + i
        birth = (dt.date(1960, 1, 1) + dt.timedelta(days=n // 1000)).strftime("%Y%m%d")
        rows.append(
            f"导入{n},resident_id,{resident_id('330106', birth, n % 1000)},"
            f"138{n % 100000000:08d},330106,performance.music:2;reading.promotion,zh,true,"
        )
    return ("\n".join(rows) + "\n").encode()


acked = open(ACKED, "a")
progress = open(PROGRESS, "a")
for k in range(BATCHES):
    body = batch(k)
    progress.write(f"sending {k}\n")
    progress.flush()
    req = urllib.request.Request(
        f"{BASE}/api/v1/volunteers/import?organization_id={ORG}",
        data=body,
        method="POST",
        headers={"Content-Type": "text/csv", "Authorization": f"Bearer {TOKEN}"},
    )
    try:
        with urllib.request.urlopen(req, timeout=300) as res:
            report = json.loads(res.read())
    except urllib.error.HTTPError as e:
        progress.write(f"batch {k} answered {e.code}: {e.read()[:300]!r}\n")
        progress.flush()
        continue
    except (urllib.error.URLError, ConnectionError, OSError) as e:
        progress.write(f"batch {k} got no answer: {e}\n")
        progress.flush()
        break
    ids = ",".join(str(a["volunteer_id"]) for a in report["activations"])
    acked.write(f"{k} {report['inserted']} {ids}\n")
    acked.flush()
    progress.write(f"acknowledged {k}: {report['inserted']} inserted, {len(report['rejected'])} rejected\n")
    progress.flush()
