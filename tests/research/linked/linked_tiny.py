"""A hand-made extract whose every expected number can be worked out by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from linked_world import REPORT_COLUMNS, SCHEMAS, as_crossed, write_table


def person(pid: str, sex: str, birth_year: int, *, registered_from: date = date(1990, 1, 1),
           registered_until: date | None = None) -> dict[str, Any]:
    return as_crossed({"person_pid": pid, "sex": sex, "birth_year": birth_year,
                       "municipality": "GM0363", "registered_from": registered_from,
                       "registered_until": registered_until})


def incident(iid: str, pid: str | None, code: str, reg: date, start: date | None = None,
             end: date | None = None, group: str = "trafficking") -> dict[str, Any]:
    return {"incident_id": iid, "person_pid": pid, "role": "victim", "offence_code": code,
            "offence_group": group, "registration_date": reg, "offence_start": start or reg,
            "offence_end": end or start or reg, "police_unit": "amsterdam",
            "victim_report": False}


def care(pid: str, start: date, end: date | None = None, care_type: str = "ambulant",
         with_stay: bool = False, referrer: str = "gp",
         end_reason: str | None = None) -> dict[str, Any]:
    return {"person_pid": pid, "start_date": start, "end_date": end, "care_type": care_type,
            "with_stay": with_stay, "referrer": referrer, "end_reason": end_reason}


def write_extract(root: Path, **tables: list[dict[str, Any]]) -> Path:
    """Write ``tables`` (by source name; missing ones empty) as an extract under ``root``."""
    extract = root / "extract"
    (extract / "sources").mkdir(parents=True, exist_ok=True)
    write_table(extract / "reports.parquet", [], REPORT_COLUMNS)
    for name, schema in SCHEMAS.items():
        write_table(extract / "sources" / f"{name}.parquet", tables.get(name, []), schema)
    return extract
