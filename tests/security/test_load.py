"""Load and faults over HTTP: concurrent clients with re-sends against a real multi-worker
``zicht serve``, which is SIGKILLed mid-load and started again.

Every acknowledged report is stored exactly once, none is lost, no 5xx. The clients
retry what the dead server never answered (a re-send is safe: same ``report_ref``).
The full-size run (32 clients x 500 reports, PostgreSQL, no kill) is
``python -m benchmarks security``.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from security_figures import report_figure
from security_load import ORGS, LoadResult, ZichtServer, check_stored, make_reporter_keys, run_load
from security_seed import PG_URL, TEST_KEY, database

CLIENTS, REPORTS = 8, 20


def restart_when(result: LoadResult, server: ZichtServer, after_acks: int,
                 log: list[str]) -> threading.Thread:
    """Kill the server (SIGKILL, all workers) once ``after_acks`` reports were acknowledged,
    then start it again on the same port."""

    def watch() -> None:
        while len(result.acked) < after_acks:
            time.sleep(0.01)
        server.kill()
        log.append(f"killed after {len(result.acked)} acknowledged reports")
        server.start()
        log.append("restarted")

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


@pytest.mark.slow
def test_load_with_a_server_kill_loses_no_acknowledged_report(tmp_path: Path) -> None:
    kind = "postgresql" if PG_URL else "sqlite"
    with database(kind, tmp_path) as url:
        keys = make_reporter_keys(url, ORGS[:8])
        server = ZichtServer(url, workers=2, env={"ZICHT_ENCRYPTION_KEY": TEST_KEY},
                             log=tmp_path / "server.log")
        server.start()
        result, log = LoadResult(), []
        try:
            watcher = restart_when(result, server, CLIENTS * REPORTS // 3, log)
            run_load(server.base_url, keys, clients=CLIENTS, reports=REPORTS, into=result)
            watcher.join(timeout=120)
        finally:
            server.stop()
        stored = check_stored(url, result)
        summary = result.summary()
        report_figure(f"load with kill, {kind}, {CLIENTS}x{REPORTS}",
                      summary["throughput_rps"], "reports/s", p99_ms=summary["p99_ms"],
                      kill=log, transport_errors_retried=summary["transport_errors"],
                      **stored, **{"5xx": summary["5xx"]})
        assert log == [log[0], "restarted"], "the server was not killed and restarted mid-load"
        assert summary["5xx"] == 0, summary["statuses"]
        assert result.resends > 0
        assert stored["lost"] == 0, "an acknowledged report is missing"
        assert stored["duplicated"] == 0
        assert stored["stored"] == len(result.acked)
        assert stored["versions_short"] == 0
