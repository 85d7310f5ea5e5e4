"""A research extract straight from a synthetic world (`zicht synth` output), for the
calibration test: the registry CSVs with re-sends collapsed (last version of each
reporter + report_ref wins, as the registry's update does), the true person behind each
named report as the victim (perfect de-duplication, from ``truth/``), ages from birth
date or year as the boundary computes them, and the sources with ``bsn`` replaced by a
hash. This skips import / dedupe / extract, which have their own tests; what it tests
is the monitor's counting on a world calibrated to the published figures."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from monitor_extract import REPORT_SCHEMA

from zicht.boundary.extract import age_at


def _pid(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return None
    return hashlib.sha256(f"test|{value}".encode()).hexdigest()[:20]


def _list(value: object) -> list[str] | None:
    return [x for x in str(value).split(";") if x] if isinstance(value, str) and value else None


def _date(value: object) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def extract_from_world(world: Path, out: Path) -> Path:
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False)
              for p in sorted((world / "registry").glob("reports_*.csv"))]
    rep = pd.concat(frames, ignore_index=True).drop_duplicates(
        ["reporter", "report_ref"], keep="last")
    named = pd.read_parquet(world / "truth" / "report_persons.parquet")
    rep = rep.merge(named, on=["reporter", "report_ref"], how="left")
    rows = []
    for i, r in enumerate(rep.itertuples(index=False)):
        report_date = dt.date.fromisoformat(r.report_date)
        birth = _date(r.birth_date)
        year = int(r.birth_year) if r.birth_year else (birth.year if birth else None)
        anonymous = pd.isna(r.person_id)
        rows.append({
            "report_pid": f"r{i}", "victim_pid": None if anonymous else f"v{r.person_id}",
            "person_pid": _pid(r.bsn), "anonymous": bool(anonymous), "reporter": r.reporter,
            "police_unit": r.police_unit or None, "report_date": report_date,
            "sex": r.sex or None, "nationality": r.nationality or None,
            "nationality_2": r.nationality_2 or None, "birth_year": year,
            "age_at_report": age_at(report_date, birth, year), "forms": _list(r.forms) or [],
            "sexual_sector": r.sexual_sector or None, "labour_sectors": _list(r.labour_sector),
            "criminal_manner": r.criminal_manner or None,
            "municipality": r.municipality or None,
            "dublin_indication": {"yes": True, "no": False}.get(r.dublin_indication),
            "exploitation_start": _date(r.exploitation_start),
            "exploitation_end": _date(r.exploitation_end),
        })
    out.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=REPORT_SCHEMA), out / "reports.parquet")
    (out / "sources").mkdir(exist_ok=True)
    for name in ("ind_decisions", "police_incidents", "justice_cases", "chat_contacts"):
        src = world / "sources" / f"{name}.parquet"
        if not src.exists():
            continue
        table = pq.read_table(src)
        if "bsn" in table.column_names:
            pids = pa.array([_pid(b) for b in table["bsn"].to_pylist()], pa.string())
            table = table.set_column(table.column_names.index("bsn"), "person_pid", pids)
        pq.write_table(table, out / "sources" / f"{name}.parquet")
    return out
