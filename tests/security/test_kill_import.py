"""Faults: ``zicht import`` killed with SIGKILL while it writes leaves the registry unchanged.

A real ``zicht import`` process on a file of many rows (new reports and re-sends of
stored ones) is killed once it is inside its write transaction: seen from outside as
the SQLite write-ahead log growing, or as a PostgreSQL backend holding a transaction
id. Afterwards every table is exactly as before, the audit chain verifies, and the
same file imports whole.
"""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
from security_figures import report_figure
from security_load import zicht_command
from security_seed import KINDS, TEST_KEY, database, report_row
from sqlalchemy import MetaData, select
from sqlalchemy.engine import make_url

from zicht.registry import import_rows, open_registry, verify_audit
from zicht.registry.db import make_engine, normalise_url

ROWS = 6_000  # SQLite: enough pages to spill into the WAL before COMMIT
SEEDED = 200
COLUMNS = ["report_ref", "reporter", "police_unit", "report_date", "consent", "family_name",
           "given_names", "birth_date", "sex", "nationality", "bsn", "forms", "municipality"]


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ROWS reports; the first SEEDED are re-sends of reports already stored."""
    path = tmp_path_factory.mktemp("kill") / "big.csv"
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for i in range(ROWS):
            writer.writerow(report_row(i, "police:amsterdam",
                                       family_name=f"Zchanged{i}" if i < SEEDED else None))
    return path


def fingerprint(url: str) -> dict[str, str]:
    """A digest of every table's rows (a changed, added or lost row changes it)."""
    engine = make_engine(url)
    meta = MetaData()
    out = {}
    with engine.connect() as conn:
        meta.reflect(bind=conn)
        for table in meta.sorted_tables:
            digest = hashlib.sha256()
            for row in conn.execute(select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
            out[table.name] = digest.hexdigest()
    engine.dispose()
    return out


def writing(url: str, wal: Path | None) -> bool:
    """Whether some process is inside a write transaction on the registry right now."""
    if wal is not None:  # SQLite: dirty pages beyond the page cache spill into the WAL
        # before COMMIT (a kill after COMMIT would change the registry and fail the test)
        return wal.exists() and wal.stat().st_size > 64 * 1024
    name = make_url(normalise_url(url)).database
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                           "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()",
                           (name,)).fetchone()
    return bool(row and row[0])


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_sigkill_mid_import_leaves_the_registry_unchanged(kind: str, tmp_path: Path,
                                                          big_file: Path) -> None:
    with database(kind, tmp_path) as url:
        reg = open_registry(url)
        import_rows(reg, [report_row(i, "police:amsterdam") for i in range(SEEDED)],
                    list(range(2, SEEDED + 2)), actor="seed")
        reg.dispose()
        wal = None
        if kind == "sqlite":
            wal = Path(str(make_url(url).database) + "-wal")
            with sqlite3.connect(str(make_url(url).database)) as raw:
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # empty WAL: growth = writing
        before = fingerprint(url)
        env = {**os.environ, "ZICHT_ENCRYPTION_KEY": TEST_KEY}
        proc = subprocess.Popen([zicht_command(), "import", str(big_file), "--db", url],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started = time.monotonic()
        while not writing(url, wal):
            assert proc.poll() is None, f"the import ended before it was killed: {proc.stderr}"
            assert time.monotonic() - started < 120, "the import never started writing"
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        killed_after = time.monotonic() - started
        assert proc.returncode == -signal.SIGKILL
        assert fingerprint(url) == before, "the killed import changed the registry"
        reg = open_registry(url)
        with reg.begin() as conn:
            assert verify_audit(conn).ok
        reg.dispose()
        small = tmp_path / "small.csv"  # the registry takes writes again: no lock left
        small.write_text("".join(big_file.read_text().splitlines(keepends=True)[:11]))
        done = subprocess.run([zicht_command(), "import", str(small), "--db", url, "--json"],
                              env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        assert '"updated": 10' in done.stdout
        report_figure(f"import SIGKILL mid-write, {kind}", "unchanged",
                      rows_in_file=ROWS, killed_after_s=round(killed_after, 2))
