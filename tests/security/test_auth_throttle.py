"""Finding 9 of issue 12: wrong keys must not stall the server or be tried without end.

Before, the dashboard's async login ran argon2 on the event loop (4 clients with wrong
keys raised ``/health`` from 0.6 ms to 1.9 s) and every wrong API key ran argon2 at once
(16 of them added 0.9 GB). Now argon2 runs in the thread pool, at most
``ZICHT_AUTH_MAX_CONCURRENT`` at a time, and failures are throttled per key id and per
client address (429 with Retry-After). Real argon2 (the production profile), a real
uvicorn server on loopback.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from security_server import attach_dashboard, start_server

from zicht.api import create_app
from zicht.registry import open_registry
from zicht.registry.access import Role
from zicht.registry.keys import create_key


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """A live server with one real (production-profile) key: ``(base_url, key)``."""
    for name, value in getattr(request, "param", {}).items():
        monkeypatch.setenv(name, value)
    reg = open_registry(f"sqlite:///{tmp_path / 'r.db'}")
    with reg.begin() as conn:
        key = create_key(conn, role=Role.REGISTRAR, org="office", actor="t")[1]
    app = create_app(reg)
    attach_dashboard(app, tmp_path / "publish")
    live = start_server(app)
    try:
        yield live.base_url, key
    finally:
        live.stop()
        reg.dispose()


UNLIMITED = {"ZICHT_AUTH_FAILURES_PER_KEY": "1000000",
             "ZICHT_AUTH_FAILURES_PER_ADDRESS": "1000000"}


@pytest.mark.parametrize("served", [UNLIMITED], indirect=True)
def test_health_stays_fast_while_wrong_keys_hammer(served: tuple[str, str]) -> None:
    base, key = served
    wrong = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    stop = threading.Event()
    statuses: Counter[int] = Counter()

    def hammer(login: bool) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            while not stop.is_set():
                res = (http.post("/dashboard/login", data={"api_key": wrong})
                       if login else http.get("/reports",
                                              headers={"Authorization": f"Bearer {wrong}"}))
                statuses[res.status_code] += 1

    threads = [threading.Thread(target=hammer, args=(i % 2 == 0,)) for i in range(8)]
    for t in threads:
        t.start()
    times = []
    try:
        time.sleep(1.0)  # let the hammering reach its steady state
        with httpx.Client(base_url=base, timeout=60) as http:
            for _ in range(30):
                start = time.perf_counter()
                assert http.get("/health").status_code == 200
                times.append(time.perf_counter() - start)
                time.sleep(0.05)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert statuses[401] >= 8, statuses  # argon2 really ran on wrong keys meanwhile
    assert set(statuses) <= {401, 429}, statuses
    # Before the fix a single login's argon2 held the loop for its whole run (~0.1-2 s).
    assert statistics.median(times) < 0.1 and max(times) < 0.5, times


LIMITED = {"ZICHT_AUTH_FAILURES_PER_KEY": "3", "ZICHT_AUTH_FAILURES_PER_ADDRESS": "8"}


@pytest.mark.parametrize("served", [LIMITED], indirect=True)
def test_failed_keys_are_throttled_per_key_and_per_address(served: tuple[str, str]) -> None:
    base, key = served
    key_id = key.split("_")[1]
    wrong = f"zk_{key_id}_wrongsecret"

    def get(http: httpx.Client, token: str) -> httpx.Response:
        return http.get("/reports", headers={"Authorization": f"Bearer {token}"})

    with httpx.Client(base_url=base, timeout=60) as http:
        assert get(http, key).status_code == 200  # the owner signs in once
        assert [get(http, wrong).status_code for _ in range(3)] == [401] * 3
        blocked = get(http, wrong)
        assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
        login = http.post("/dashboard/login", data={"api_key": wrong})
        assert login.status_code == 429 and "Retry-After" in login.headers
        assert get(http, key).status_code == 200  # a verified key is not locked out
        # Per address: unknown key ids and junk count too, until this address waits.
        codes = [get(http, f"zk_{i:012x}_x").status_code for i in range(8)]
        assert codes[:5] == [401] * 5 and codes[-1] == 429, codes
        assert get(http, "junk").status_code == 429
        assert get(http, key).status_code == 200
