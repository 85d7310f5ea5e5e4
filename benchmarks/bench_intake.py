"""Intake throughput: bulk import (SQLite, PostgreSQL) and the API with 8 clients.

Issue 2 targets: >= 20,000 rows/s bulk on PostgreSQL for 100,000 rows; >= 1,000
reports/s over the API with 8 concurrent clients. Rows are synthetic-looking, made here
with a seeded RNG (no dependence on ``zicht.synth``).

    python -m benchmarks intake            # 100,000 rows, 8 x 1,000 API reports
    python -m benchmarks intake --quick    # 5,000 rows
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
from pathlib import Path
from typing import Any

from zicht.core.codes import LABOUR_SECTORS, POLICE_UNITS, REPORTERS, SEXUAL_SECTORS

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
