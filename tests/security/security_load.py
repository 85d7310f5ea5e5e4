"""A load driver and a server launcher for the security proofs and ``bench_security``.

``run_load`` plays N concurrent API clients, each posting M reports of its own
organisation with a share of re-sends (same ``report_ref``, so an update), over real
HTTP. ``ZichtServer`` runs ``zicht serve`` as a real process (its own process group, so
a test can SIGKILL it with all its workers and start it again on the same port).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from security_seed import report_row

from zicht.registry import open_registry
from zicht.registry.keys import create_key

#: Reporting organisations the clients take turns at (one key each).
ORGS = ["police:amsterdam", "police:rotterdam", "police:den-haag", "police:limburg",
        "police:oost-brabant", "police:noord-holland", "kmar", "inspectie_szw",
        "fairwork", "care_coordinator", "other"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def zicht_command() -> str:
    """The ``zicht`` console script of this environment."""
    return str(Path(sys.executable).with_name("zicht"))


def make_reporter_keys(url: str, orgs: list[str]) -> dict[str, str]:
    """One reporter key per organisation (through the registry, as `zicht keys` does)."""
    reg = open_registry(url)
    try:
        with reg.begin() as conn:
            return {org: create_key(conn, role="reporter", org=org, actor="load")[1]
                    for org in orgs}
    finally:
        reg.dispose()


@dataclass
class ZichtServer:
    """``zicht serve`` in a subprocess on loopback."""

    db: str
    workers: int = 1
    port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=dict)
    log: Path | None = None
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        out = self.log.open("ab") if self.log else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [zicht_command(), "serve", "--db", self.db, "--port",
             str(self.port), "--workers", str(self.workers)],
            env={**os.environ, **self.env}, stdout=out, stderr=out, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"zicht serve exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.base_url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("zicht serve did not answer /health in time")

    def kill(self) -> None:
        """SIGKILL the server and every worker (no graceful shutdown, like a power cut)."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class LoadResult:
    """What the clients saw; ``acked`` maps each acknowledged ref to its highest version."""

    sent: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)  # transport errors, retried
    latencies: list[float] = field(default_factory=list)
    acked: dict[tuple[str, str], int] = field(default_factory=dict)  # (org, ref) -> sends
    resends: int = 0
    seconds: float = 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if s >= 500)

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0

    def summary(self) -> dict[str, Any]:
        ok = sum(n for s, n in self.statuses.items() if s in (200, 201))
        return {"requests": self.sent, "acknowledged": ok, "unique_reports": len(self.acked),
                "resends": self.resends, "5xx": self.server_errors,
                "transport_errors": sum(self.errors.values()),
                "statuses": dict(self.statuses), "seconds": round(self.seconds, 2),
                "throughput_rps": round(ok / self.seconds, 1) if self.seconds else 0.0,
                "p50_ms": round(self.percentile(0.50) * 1000, 1),
                "p99_ms": round(self.percentile(0.99) * 1000, 1)}


async def _client(n: int, base_url: str, org: str, key: str, reports: int, resend_share: float,
                  result: LoadResult, seed: int, deadline: float) -> None:
    rng = random.Random(seed * 1000 + n)
    sent_refs: list[str] = []
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60) as http:
        for i in range(reports):
            if sent_refs and rng.random() < resend_share:
                ref = rng.choice(sent_refs)
                result.resends += 1
            else:
                ref = f"L{seed}-{n:03d}-{i:05d}"
                sent_refs.append(ref)
            body = report_row(n * 100_000 + i, org, report_ref=ref)
            while True:  # retry transport failures: a re-send is safe (same report_ref)
                started = time.perf_counter()
                try:
                    res = await http.post("/reports", json=body)
                except httpx.TransportError as exc:
                    result.errors[type(exc).__name__] += 1
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.05)
                    continue
                result.latencies.append(time.perf_counter() - started)
                result.sent += 1
                result.statuses[res.status_code] += 1
                if res.status_code in (200, 201):
                    result.acked[(org, ref)] = result.acked.get((org, ref), 0) + 1
                    break
                if res.status_code == 409:  # a concurrent first send: the API says resend
                    continue
                break


def run_load(base_url: str, keys: dict[str, str], *, clients: int, reports: int,
             resend_share: float = 0.10, seed: int = 1, max_seconds: float = 600,
             into: LoadResult | None = None) -> LoadResult:
    """Run ``clients`` concurrent clients of ``reports`` posts each; return what they saw
    (``into``: a result to fill, so another thread can watch progress)."""
    result = into if into is not None else LoadResult()
    orgs = list(keys)
    deadline = time.monotonic() + max_seconds

    async def main() -> None:
        await asyncio.gather(*(
            _client(n, base_url, orgs[n % len(orgs)], keys[orgs[n % len(orgs)]], reports,
                    resend_share, result, seed, deadline) for n in range(clients)))

    started = time.perf_counter()
    asyncio.run(main())
    result.seconds = time.perf_counter() - started
    return result


def check_stored(url: str, result: LoadResult) -> dict[str, int]:
    """Compare the registry with what was acknowledged: lost, duplicated, wrong versions."""
    from sqlalchemy import func, select

    from zicht.registry.models import Organisation, Report, ReportHistory

    reg = open_registry(url)
    r, o = Report.__table__, Organisation.__table__
    try:
        with reg.read() as conn:
            rows = conn.execute(select(o.c.code, r.c.report_ref, r.c.version)
                                .join(o, o.c.id == r.c.organisation_id)
                                .where(r.c.report_ref.like("L%"))).all()
            history = conn.scalar(select(func.count()).select_from(ReportHistory.__table__))
    finally:
        reg.dispose()
    stored = Counter((code, ref) for code, ref, _ in rows)
    versions = {(code, ref): v for code, ref, v in rows}
    return {
        "stored": len(rows),
        "lost": sum(1 for k in result.acked if k not in stored),
        "duplicated": sum(1 for n in stored.values() if n > 1),
        # A version counts every stored send; it can exceed the acks (a send stored but
        # its answer lost to a crash) but never fall short of them.
        "versions_short": sum(1 for k, n in result.acked.items() if versions.get(k, 0) < n),
        "history": int(history or 0),
    }
