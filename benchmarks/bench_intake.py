"""Intake throughput: bulk import (SQLite, PostgreSQL) and the API with 8 clients.

Issue 2 targets: >= 20,000 rows/s bulk on PostgreSQL for 100,000 rows; >= 1,000
reports/s over the API with 8 concurrent clients. Rows are synthetic-looking, made here
with a seeded RNG (no dependence on ``zicht.synth``).

    python -m benchmarks intake            # 100,000 rows, 8 x 1,000 API reports
    python -m benchmarks intake --quick    # 5,000 rows

Besides wall-clock rates, each row carries the CPU the work cost (the importer's and
its PostgreSQL server process's; the API server's per report) and the load average it
ran under: on a shared machine wall time mostly measures the neighbours.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from zicht.core.codes import LABOUR_SECTORS, POLICE_UNITS, REPORTERS, SEXUAL_SECTORS

KEY = "be" * 32  # the benchmark's own encryption key (throw-away data)
PG_URL = os.environ.get("ZICHT_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
COLUMNS = ("report_ref", "reporter", "reporter_org", "police_unit", "report_date", "consent",
           "family_name", "given_names", "birth_date", "birth_year", "sex", "nationality",
           "nationality_2", "bsn", "forms", "sexual_sector", "labour_sector",
           "criminal_manner", "municipality", "dublin_indication", "exploitation_start",
           "exploitation_end")
_NAMES = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Nowak", "Okafor", "Popescu",
          "Nguyen", "Kowalski", "Adeyemi", "Ivanova")
_GIVEN = ("Anna", "Maria", "Eva", "Olga", "Blessing", "Ioana", "Linh", "Sara", "Piotr", "Joy")
_NATS = ("NL", "NL", "NL", "PL", "RO", "BG", "NG", "HU", "VN", "UA", "CN", "BR")


def make_bsn(rng: random.Random) -> str:
    """A random 9-digit number passing the eleven-test."""
    while True:
        digits = [rng.randrange(10) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10 and total:
            return "".join(map(str, digits)) + str(last)


def make_rows(n: int, seed: int = 1) -> list[dict[str, Any]]:
    """``n`` synthetic-looking report rows in the import contract (CSV strings)."""
    rng = random.Random(seed)
    reporters = [c.code for c in REPORTERS]
    units = [c.code for c in POLICE_UNITS]
    rows = []
    for i in range(n):
        reporter = rng.choices(reporters, weights=(40, 10, 8, 12, 15, 15))[0]
        investigative = reporter in ("police", "kmar", "inspectie_szw")
        consent = "" if investigative else rng.choices(("yes", "no"), weights=(6, 4))[0]
        identified = consent != "no"
        report_date = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(5 * 365))
        form = rng.choices(("sexual", "labour", "criminal", "other"), weights=(5, 3, 2, 1))[0]
        birth = report_date - dt.timedelta(days=rng.randrange(15 * 365, 50 * 365))
        exact_birth = rng.random() < 0.7
        rows.append({
            "report_ref": f"{reporter[:3].upper()}-{i:07d}",
            "reporter": reporter,
            "reporter_org": "" if investigative else "Stichting Voorbeeld",
            "police_unit": rng.choice(units) if reporter == "police" else "",
            "report_date": report_date.isoformat(),
            "consent": consent,
            "family_name": rng.choice(_NAMES) if identified else "",
            "given_names": rng.choice(_GIVEN) if identified else "",
            "birth_date": birth.isoformat() if identified and exact_birth else "",
            "birth_year": str(birth.year) if identified and not exact_birth else "",
            "sex": rng.choices(("female", "male", "other"), weights=(7, 3, 0.1))[0],
            "nationality": rng.choice(_NATS),
            "nationality_2": "",
            "bsn": make_bsn(rng) if identified and rng.random() < 0.5 else "",
            "forms": form if rng.random() < 0.9 else f"{form};unknown",
            "sexual_sector": rng.choice(SEXUAL_SECTORS).code if form == "sexual" else "",
            "labour_sector": rng.choice(LABOUR_SECTORS).code if form == "labour" else "",
            "criminal_manner": "drugs" if form == "criminal" else "",
            "municipality": f"GM{rng.randrange(1, 2000):04d}",
            "dublin_indication": rng.choice(("", "yes", "no")),
            "exploitation_start": (report_date - dt.timedelta(days=400)).isoformat(),
            "exploitation_end": "",
        })
    return rows


def write_csv(rows: list[dict[str, Any]], path: Path) -> Path:
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _pg_schema(base: str) -> tuple[str, Any]:
    """A fresh schema in ``base`` (the URL using it) and a function dropping it."""
    import sqlalchemy as sa

    schema = f"zbench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")

    def drop() -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        engine.dispose()

    return f"{base}?options=-csearch_path%3D{schema}", drop


def _backend_pid(registry: Any) -> int | None:
    """The PostgreSQL server process of the registry's (pooled, reused) connection, when
    the server runs on this machine: its CPU is the database's share of an import."""
    if registry.engine.dialect.name != "postgresql":
        return None
    with registry.begin() as conn:
        pid = int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar())
    return pid if Path(f"/proc/{pid}/stat").exists() else None


def bench_bulk(url: str, path: Path, n: int, label: str) -> list[dict[str, Any]]:
    """Import the file into an empty registry, then re-send it whole (all updates)."""
    from zicht.registry import import_file, open_registry

    registry = open_registry(url)
    rows = []
    for what in ("bulk import", "bulk re-send (update, history kept)"):
        pid = _backend_pid(registry)
        db_cpu = _cpu_seconds(pid, children=False) if pid else 0.0
        load = os.getloadavg()[0]
        started, cpu = time.perf_counter(), time.process_time()
        summary = import_file(registry, path, actor="bench")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert summary.accepted + summary.updated == n
        rows.append({"benchmark": f"{what} {n:,} rows, {label}", "value": n / seconds,
                     "unit": "rows/s", "seconds": round(seconds, 2),
                     # CPU seconds of the importing process (and of its PostgreSQL
                     # server process): a shared, busy machine stretches wall time;
                     # these show the import's own cost.
                     "cpu_seconds": round(cpu, 2),
                     "db_cpu_seconds": round(_cpu_seconds(pid, children=False) - db_cpu, 2)
                     if pid else None,
                     "load_1min": round(load, 2),
                     "target": 20_000 if label == "PostgreSQL" and what == "bulk import"
                     else None})
    registry.dispose()
    for row in rows:
        row["met"] = None if row["target"] is None else row["value"] >= row["target"]
    return rows


def _start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ZICHT_ENCRYPTION_KEY": KEY}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from zicht.cli import main; main()", "serve", "--db", url,
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240  # a busy machine imports slowly
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    _, err = proc.communicate(timeout=30)
    raise RuntimeError(f"the benchmark server did not start: {err.decode()[-2000:]}")


def _cpu_seconds(pid: int, children: bool = True) -> float:
    """CPU seconds (user + system) of process ``pid`` (and its children), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    stats = Path("/proc").glob("[0-9]*/stat") if children else [Path(f"/proc/{pid}/stat")]
    for stat in stats:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(stat.parent.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


async def _post_all(port: int, key: str, parts: list[list[bytes]]) -> tuple[int, list[float]]:
    """One HTTP/1.1 keep-alive connection per client, each posting its bodies in turn.

    A minimal client on purpose: httpx spends about 1.5-2 ms of CPU per request, on the
    same two cores as the server, so it would measure itself rather than zicht.
    """
    head = (f"POST /reports HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n"
            "Content-Length: ").encode()
    latencies: list[float] = []

    async def client(bodies: list[bytes]) -> int:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        ok = 0
        for body in bodies:
            t0 = time.perf_counter()
            writer.write(head + str(len(body)).encode() + b"\r\n\r\n" + body)
            status = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - t0)
            ok += status in (200, 201)
        writer.close()
        await writer.wait_closed()
        return ok

    stored = sum(await asyncio.gather(*(client(p) for p in parts)))
    return stored, latencies


def bench_api(url: str, per_client: int, clients: int = 8, workers: int = 2,
              label: str = "PostgreSQL") -> dict[str, Any]:
    """``clients`` concurrent connections, each posting ``per_client`` reports one by one."""
    from argon2 import PasswordHasher

    from zicht.registry import open_registry
    from zicht.registry.keys import create_key

    registry = open_registry(url)
    with registry.begin() as conn:
        key = create_key(conn, role="registrar", org="bench", actor="bench",
                         hasher=PasswordHasher())[1]
    registry.dispose()
    rows = make_rows(per_client * clients, seed=7)
    bodies = [json.dumps({k: (v.split(";") if k in ("forms", "labour_sector") else v)
                          for k, v in row.items() if v != ""}).encode() for row in rows]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = _start_server(url, port, workers)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60,
                          headers={"Authorization": f"Bearer {key}"}) as http:
            for _ in range(4 * workers):  # each worker verifies the key (argon2) once
                http.get("/reports", params={"limit": 1})
        parts = [bodies[i::clients] for i in range(clients)]
        load = os.getloadavg()[0]
        server_cpu, cpu = _cpu_seconds(proc.pid), time.process_time()
        started = time.perf_counter()
        stored, latencies = asyncio.run(_post_all(port, key, parts))
        seconds = time.perf_counter() - started
        server_cpu, cpu = _cpu_seconds(proc.pid) - server_cpu, time.process_time() - cpu
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    latencies.sort()
    value = stored / seconds
    return {"benchmark": f"API intake, {clients} concurrent clients, {len(bodies):,} reports, "
            f"{label}, {workers} worker(s)", "value": value, "unit": "reports/s",
            "stored": stored, "seconds": round(seconds, 2),
            "p50_ms": round(1000 * latencies[len(latencies) // 2], 1),
            "p99_ms": round(1000 * latencies[int(0.99 * len(latencies))], 1),
            # the server's own CPU (all workers), and the load the machine ran under
            "server_cpu_ms_per_report": round(1000 * server_cpu / max(stored, 1), 2),
            "client_cpu_seconds": round(cpu, 2), "load_1min": round(load, 2),
            "target": 1_000, "met": value >= 1_000 and stored == len(bodies)}


def _note(row: dict[str, Any]) -> dict[str, Any]:
    """Print a finished row at once (a long run keeps its numbers if a later step fails)."""
    print(f"[intake] {row['benchmark']}: {row['value']:,.0f} {row['unit']}", file=sys.stderr)
    return row


def run(quick: bool) -> list[dict[str, Any]]:
    n = 5_000 if quick else 100_000
    per_client = 100 if quick else 1_000
    out: list[dict[str, Any]] = []
    os.environ.setdefault("ZICHT_ENCRYPTION_KEY", KEY)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_csv(make_rows(n), Path(tmp) / "reports.csv")
        out += map(_note, bench_bulk(f"sqlite:///{tmp}/bulk.db", path, n, "SQLite"))
        pg_url, drop = _pg_schema(PG_URL)
        try:
            out += map(_note, bench_bulk(pg_url, path, n, "PostgreSQL"))
        finally:
            drop()
        pg_url, drop = _pg_schema(PG_URL)
        try:
            out.append(_note(bench_api(pg_url, per_client)))
        finally:
            drop()
        out.append(_note(bench_api(f"sqlite:///{tmp}/api.db", per_client, workers=1,
                                   label="SQLite")))
    return out
