"""Hand-made research extracts for golden tests: small Parquet files in the schema of
docs/data-flow.md §2, written with pyarrow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from zicht.research.monitor import MonitorResult

#: ``run_monitor(builder, **options)``: the fixture of conftest.py.
RunMonitor = Callable[..., MonitorResult]

STR = pa.string()
DATE = pa.date32()
LIST = pa.list_(pa.string())

REPORT_SCHEMA = pa.schema([
    ("report_pid", STR), ("victim_pid", STR), ("person_pid", STR), ("anonymous", pa.bool_()),
    ("reporter", STR), ("police_unit", STR), ("report_date", DATE), ("sex", STR),
    ("nationality", STR), ("nationality_2", STR), ("birth_year", pa.int16()),
    ("age_at_report", pa.int16()), ("forms", LIST), ("sexual_sector", STR),
    ("labour_sectors", LIST), ("criminal_manner", STR), ("municipality", STR),
    ("dublin_indication", pa.bool_()), ("exploitation_start", DATE), ("exploitation_end", DATE),
])
VICTIM_SCHEMA = pa.schema([
    ("victim_pid", STR), ("person_pid", STR), ("n_reports", pa.int32()),
    ("first_report_date", DATE),
])
SOURCE_SCHEMAS: dict[str, pa.Schema] = {
    "ind_decisions": pa.schema([
        ("decision_id", STR), ("person_pid", STR), ("qualification", STR), ("procedure", STR),
        ("decision_date", DATE), ("outcome", STR), ("ground", STR),
        ("dublin_indication", pa.bool_()), ("sex", STR), ("birth_year", pa.int16()),
        ("nationality", STR), ("v_number", STR),
    ]),
    "police_incidents": pa.schema([
        ("incident_id", STR), ("person_pid", STR), ("role", STR), ("offence_code", STR),
        ("offence_group", STR), ("registration_date", DATE), ("offence_start", DATE),
        ("offence_end", DATE), ("police_unit", STR), ("victim_report", pa.bool_()),
        ("nationality", STR),
    ]),
    "police_suspects": pa.schema([
        ("suspect_id", STR), ("incident_id", STR), ("registration_date", DATE),
        ("offence_code", STR), ("age_at_registration", pa.int16()), ("nationality", STR),
    ]),
    "justice_cases": pa.schema([
        ("case_id", STR), ("incident_id", STR), ("form", STR), ("incident_year", pa.int32()),
        ("suspect_known", pa.bool_()), ("victim_report", pa.bool_()),
        ("prosecution_year", pa.int32()), ("prosecution_decision", STR),
        ("court_year", pa.int32()), ("court_decision", STR),
        ("unconditional_prison_days", pa.int32()), ("registering_agency", STR),
    ]),
    "chat_contacts": pa.schema([
        ("contact_id", STR), ("visitor_key", STR), ("contact_date", DATE),
        ("trafficking_question", pa.bool_()), ("about", STR), ("minor", pa.bool_()),
        ("forms", LIST), ("still_unsafe", pa.bool_()), ("duration", STR),
        ("parents_exploiters", pa.bool_()), ("several_perpetrators", pa.bool_()),
        ("criminal_manner", STR), ("met_where", STR), ("first_disclosure", pa.bool_()),
    ]),
}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class ExtractBuilder:
    """Collect reports (one call each) and source rows, then write an extract folder."""

    def __init__(self) -> None:
        self.reports: list[dict[str, Any]] = []
        self.sources: dict[str, list[dict[str, Any]]] = {}

    def report(self, victim: str | None, date: str, reporter: str = "police",
               forms: tuple[str, ...] = ("sexual",), **fields: Any) -> ExtractBuilder:
        """Add one report; ``victim=None`` with ``anonymous=True`` for an anonymous one."""
        row: dict[str, Any] = {name: None for name in REPORT_SCHEMA.names}
        row.update(
            report_pid=f"r{len(self.reports) + 1:05d}", victim_pid=victim, anonymous=False,
            reporter=reporter, report_date=d(date), forms=list(forms), nationality="NG",
            sex="female", age_at_report=30,
            police_unit="amsterdam" if reporter == "police" else None,
        )
        row.update(fields)
        if isinstance(row["report_date"], str):
            row["report_date"] = d(row["report_date"])
        self.reports.append(row)
        return self

    def source(self, name: str, **fields: Any) -> ExtractBuilder:
        schema = SOURCE_SCHEMAS[name]
        row: dict[str, Any] = {n: None for n in schema.names}
        for key, value in fields.items():
            if key not in row:
                raise KeyError(f"{name} has no column {key}")
            row[key] = d(value) if isinstance(value, str) and schema.field(key).type == DATE \
                else value
        self.sources.setdefault(name, []).append(row)
        return self

    def write(self, out: Path, extra_sources: Mapping[str, pa.Table] | None = None) -> Path:
        out.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(self.reports, schema=REPORT_SCHEMA),
                       out / "reports.parquet")
        victims: dict[str, dict[str, Any]] = {}
        for r in self.reports:
            if r["victim_pid"] is None:
                continue
            v = victims.setdefault(r["victim_pid"], {
                "victim_pid": r["victim_pid"], "person_pid": r["person_pid"], "n_reports": 0,
                "first_report_date": r["report_date"]})
            v["n_reports"] += 1
            v["first_report_date"] = min(v["first_report_date"], r["report_date"])
        pq.write_table(pa.Table.from_pylist(list(victims.values()), schema=VICTIM_SCHEMA),
                       out / "victims.parquet")
        if self.sources or extra_sources:
            (out / "sources").mkdir(exist_ok=True)
        for name, rows in self.sources.items():
            pq.write_table(pa.Table.from_pylist(rows, schema=SOURCE_SCHEMAS[name]),
                           out / "sources" / f"{name}.parquet")
        for name, table in (extra_sources or {}).items():
            pq.write_table(table, out / "sources" / f"{name}.parquet")
        return out


def rows(result: MonitorResult, name: str, **match: Any) -> list[dict[str, Any]]:
    """The rows of table ``name`` whose columns equal ``match``."""
    return [r for r in result.table(name).rows
            if all(r.get(k) == v for k, v in match.items())]


def value(result: MonitorResult, name: str, column: str, **match: Any) -> Any:
    """The one value of ``column`` in the row matching ``match`` (0 when no row: tidy
    tables leave out empty cells)."""
    found = rows(result, name, **match)
    assert len(found) <= 1, f"{name} has {len(found)} rows for {match}"
    return found[0][column] if found else 0
