"""Issue 9 load proof: 32 concurrent API clients x 500 reports, 10% re-sends, PostgreSQL.

A real ``zicht serve`` (uvicorn, ``ZICHT_BENCH_WORKERS`` worker processes, default 2) on
loopback over a fresh PostgreSQL database (``ZICHT_TEST_POSTGRES_URL``, default
``postgresql://postgres@127.0.0.1:5432/test``; the database is created and dropped).
Reported: throughput, p50/p99 latency, and the exactly-once check (stored, lost,
duplicated, 5xx). ``--quick``: 8 clients x 50 reports.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "security"))

import security_seed
from security_load import ORGS, ZichtServer, check_stored, make_reporter_keys, run_load
from security_seed import TEST_KEY, pg_database


def run(quick: bool) -> list[dict[str, Any]]:
    clients, reports = (8, 50) if quick else (32, 500)
    workers = int(os.environ.get("ZICHT_BENCH_WORKERS", "2"))
    security_seed.PG_URL = os.environ.get("ZICHT_TEST_POSTGRES_URL",
                                          "postgresql://postgres@127.0.0.1:5432/test")
    os.environ.setdefault("ZICHT_ENCRYPTION_KEY", TEST_KEY)
    with pg_database("zbench") as url, tempfile.TemporaryDirectory() as tmp:
        keys = make_reporter_keys(url, ORGS)
        server = ZichtServer(url, workers=workers,
                             env={"ZICHT_ENCRYPTION_KEY": os.environ["ZICHT_ENCRYPTION_KEY"]},
                             log=Path(tmp) / "server.log")
        server.start(timeout=180)
        try:
            result = run_load(server.base_url, keys, clients=clients, reports=reports)
        finally:
            server.stop()
        stored = check_stored(url, result)
    s = result.summary()
    exact = (stored["lost"] == 0 and stored["duplicated"] == 0 and s["5xx"] == 0
             and stored["stored"] == len(result.acked))
    what = f"{clients} clients x {reports} reports, 10% re-sends, PostgreSQL, {workers} workers"
    return [
        {"benchmark": f"API intake throughput ({what})", "value": s["throughput_rps"],
         "unit": "reports/s", "target": 1000, "met": s["throughput_rps"] >= 1000},
        {"benchmark": "API intake p50 latency", "value": s["p50_ms"], "unit": "ms"},
        {"benchmark": "API intake p99 latency", "value": s["p99_ms"], "unit": "ms"},
        {"benchmark": "requests sent (re-sends included)", "value": s["requests"],
         "unit": "requests"},
        {"benchmark": "reports stored exactly once (lost / duplicated / 5xx = 0)",
         "value": stored["stored"], "unit": f"reports (lost {stored['lost']}, duplicated "
         f"{stored['duplicated']}, 5xx {s['5xx']})", "target": "all exactly once",
         "met": exact},
    ]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
