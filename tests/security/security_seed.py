"""Shared helpers of the security tests: throw-away databases and planted reports.

Identifying values are planted as recognisable markers (``Zfam123``), so a test can
search every response body for them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest

PG_URL = os.environ.get("ZICHT_TEST_POSTGRES_URL")
needs_pg = pytest.mark.skipif(not PG_URL, reason="ZICHT_TEST_POSTGRES_URL is not set")
#: One fixed key for every test registry (64 hex = 32 bytes), so backups restore anywhere.
TEST_KEY = "5a" * 32


def valid_bsn(seed: int) -> str:
    """A 9-digit number passing the eleven-test, different for each ``seed`` < 10**7."""
    head = f"{100_000_00 + seed:08d}"[-8:]
    for last in range(10):
        digits = [int(c) for c in head + str(last)]
        total = sum(d * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
        if total % 11 == 0 and total != 0:
            return head + str(last)
    return valid_bsn(seed + 10_000_000)


def report_row(i: int, org: str = "police:amsterdam", *, municipality: str = "GM0363",
               identified: bool = True, **over: Any) -> dict[str, Any]:
    """One valid report row of the import contract; identity markers carry ``i``."""
    reporter, _, unit = org.partition(":")
    row: dict[str, Any] = {
        "report_ref": f"R{i:07d}", "reporter": reporter, "report_date": "2024-03-01",
        "forms": "sexual", "sex": "female", "nationality": "NL",
        "municipality": municipality,
    }
    if reporter == "police":  # other codes' suffix names the organisation, not a unit
        row["police_unit"] = unit
    if reporter in ("fairwork", "care_coordinator", "other"):
        row["consent"] = "yes"
    if identified:
        row.update(family_name=f"Zfam{i:07d}", given_names=f"Zgiv{i:07d}",
                   birth_date=f"19{80 + i % 20}-0{1 + i % 9}-1{i % 10}",
                   bsn=valid_bsn(i))
    row.update(over)
    return {k: v for k, v in row.items() if v is not None}


def markers(row: dict[str, Any]) -> list[str]:
    """The identifying values of a planted row, as they could appear in a response."""
    return [str(row[k]) for k in ("family_name", "given_names", "birth_date", "bsn") if k in row]


@contextmanager
def pg_database(prefix: str = "zsec") -> Iterator[str]:
    """A fresh PostgreSQL database (dropped afterwards); yields its URL."""
    assert PG_URL is not None
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def database(kind: str, tmp: Path) -> Iterator[str]:
    """A fresh registry database URL of ``kind`` (``sqlite`` or ``postgresql``)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / f'{uuid.uuid4().hex[:8]}.db'}"
    else:
        with pg_database() as url:
            yield url


KINDS = ["sqlite", pytest.param("postgresql", marks=[needs_pg, pytest.mark.postgres])]
