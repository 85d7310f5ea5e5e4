"""Hand-made reports and helpers to load them into a real registry (shared by the
dedupe, boundary and review API tests; imported via ``sys.path`` like
``tests/registry/reports_factory.py``)."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import select

from zicht.core.config import Settings
from zicht.registry.db import Registry, open_registry
from zicht.registry.intake import import_rows
from zicht.registry.models import Report

#: 20 reports of 12 people. Truth: the ``person`` field (never stored).
TWENTY: list[dict[str, Any]] = [
    dict(person=1, reporter="police", family_name="de Vries", given_names="Anna Maria",
         birth_date="1990-04-12", sex="female", nationality="NL"),
    dict(person=1, reporter="fairwork", family_name="Vries, de", given_names="anna",
         birth_date="1990-04-12", sex="female", nationality="NL"),
    dict(person=1, reporter="care_coordinator", family_name="De Vris", given_names="Anna",
         birth_date="1990-12-04", sex="female", nationality="NL"),
    dict(person=2, reporter="police", family_name="Kowalski", given_names="Łukasz",
         birth_date="1985-01-30", sex="male", nationality="PL"),
    dict(person=2, reporter="inspectie_szw", family_name="Lukasz", given_names="Kowalski",
         birth_date="1985-01-30", sex="male", nationality="PL"),
    dict(person=3, reporter="kmar", family_name="Okafor", given_names="Blessing",
         birth_year="1998", sex="female", nationality="NG"),
    dict(person=3, reporter="police", family_name="Okafor", given_names="Blessing",
         birth_date="1998-07-01", sex="female", nationality="NG", nationality_2="GB"),
    dict(person=4, reporter="police", family_name="Okafor", given_names="Grace",
         birth_date="2001-03-15", sex="female", nationality="NG"),
    dict(person=5, reporter="police", family_name="van der Berg", given_names="Jan",
         birth_date="1979-09-09", sex="male", nationality="NL", bsn="111222333"),
    dict(person=5, reporter="other", family_name="Berg", given_names="J.",
         birth_date="1979-09-09", sex="male", nationality="NL", bsn="111222333"),
    dict(person=6, reporter="police", family_name="Jansen", given_names="Piet",
         birth_date="1970-02-02", sex="male", nationality="NL", bsn="123456782"),
    dict(person=7, reporter="police", family_name="Jansen", given_names="Piet",
         birth_date="1970-02-03", sex="male", nationality="NL", bsn="234567806"),
    dict(person=8, reporter="fairwork", family_name="Popescu", given_names="Ioana",
         birth_date="1995-05-05", sex="female", nationality="RO"),
    dict(person=8, reporter="fairwork", family_name="Popescu", given_names="Ioana",
         birth_date="1995-05-05", sex="female", nationality="RO"),
    dict(person=9, reporter="police", family_name="Nguyen", given_names="Van Thanh",
         birth_date="2005-11-20", sex="male", nationality="VN"),
    dict(person=10, reporter="kmar", family_name="Müller", given_names="Eva",
         birth_date="1988-08-08", sex="female", nationality="DE"),
    dict(person=10, reporter="police", family_name="Mueller", given_names="Eva",
         birth_date="1988-08-08", sex="female", nationality="DE"),
    dict(person=11, reporter="other", anonymous=True),
    dict(person=12, reporter="other", anonymous=True),
    dict(person=13, reporter="police", family_name="Ivanova", given_names="Maria",
         birth_date="1993-06-06", sex="female", nationality="BG"),
]


def make_registry(tmp_path: Path) -> Registry:
    settings = Settings(encryption_key=secrets.token_hex(32))
    return open_registry(f"sqlite:///{tmp_path / 'zicht.db'}", settings=settings)


# Two pairs the model is unsure about: same name, one birth date year-only and another
# nationality; same name, birth years one apart and other nationalities.
UNSURE = [
    dict(reporter="police", family_name="Bakker", given_names="Sanne",
         birth_date="1992-03-03", sex="female", nationality="NL"),
    dict(reporter="fairwork", family_name="Bakker", given_names="Sanne",
         birth_year="1992", sex="female", nationality="BE"),
    dict(reporter="police", family_name="Ahmed", given_names="Mohamed",
         birth_year="1990", sex="male", nationality="SD"),
    dict(reporter="kmar", family_name="Ahmed", given_names="Mohamed",
         birth_year="1991", sex="male", nationality="ER"),
]

_IDENTIFYING = ("family_name", "given_names", "birth_date", "birth_year", "bsn")
_INVESTIGATIVE = ("police", "kmar", "inspectie_szw")


def add_reports(registry: Registry, rows: list[dict[str, Any]], start: int = 0) -> list[int]:
    """Import reports through the registry's own intake (validated, encrypted, audited)."""
    records = []
    for i, row in enumerate(rows, start=start):
        reporter = row["reporter"]
        anonymous = bool(row.get("anonymous"))
        record = {k: v for k, v in row.items()
                  if k not in ("person", "anonymous") and not (anonymous and k in _IDENTIFYING)}
        record.update(report_ref=f"R{i:05d}", forms=row.get("forms", "sexual"),
                      report_date=(dt.date(2022, 1, 1) + dt.timedelta(days=i % 300)).isoformat())
        if reporter == "police":
            record["police_unit"] = "amsterdam"
        if reporter not in _INVESTIGATIVE:
            record["consent"] = "no" if anonymous else "yes"
        records.append(record)
    summary = import_rows(registry, records, list(range(2, len(records) + 2)),
                          actor="cli:test")
    assert summary.rejected == 0
    with registry.begin() as conn:
        refs = [r["report_ref"] for r in records]
        found = dict(conn.execute(select(Report.report_ref, Report.id)
                                  .where(Report.report_ref.in_(refs))).all())
    return [int(found[r]) for r in refs]
