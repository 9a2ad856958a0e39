#!/usr/bin/env python3
"""Write load of scripts/fault-postgres.sh: WRITERS threads create sites (`POST /api/v1/sites`)
as fast as the server answers until STOP_FILE exists. Every id acknowledged with a 2xx is
appended to ACKED (one per line, flushed before the next request), and every answer to
EVENTS as "<unix time> <status>" (status 0: no HTTP answer, e.g. connection refused).

    writer.py BASE_URL TOKEN ORG_ID ACKED EVENTS STOP_FILE
"""

import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request

BASE, TOKEN, ORG, ACKED, EVENTS, STOP = sys.argv[1:7]
WRITERS = int(os.environ.get("WRITERS", "4"))
lock = threading.Lock()
acked = open(ACKED, "a")
events = open(EVENTS, "a")


def create(n):
    body = json.dumps(
        {
            "name": f"故障测试站点{n}",
            "kind": "community",
            "region_code": "330106",
            "address": "杭州市西湖区",
            "location_type": "community",
            "local_languages": ["zh"],
            "target_groups": ["elderly"],
            "contact": "社区办公室",
            "organization_id": int(ORG),
        }
    ).encode()
    req = urllib.request.Request(
        BASE + "/api/v1/sites",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
    )
    try:
        with urllib.request.urlopen(req, timeout=15) as res:
            return res.status, json.loads(res.read())
    except urllib.error.HTTPError as e:
        e.read()
        return e.code, None
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, None


def writer(k):
    n = k
    while not os.path.exists(STOP):
        status, body = create(n)
        n += WRITERS
        with lock:
            if 200 <= status < 300:
                acked.write(f"{body['id']}\n")
                acked.flush()
            events.write(f"{time.time():.3f} {status}\n")
            events.flush()
        if status == 0:
            time.sleep(0.05)


threads = [threading.Thread(target=writer, args=(k,)) for k in range(WRITERS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
