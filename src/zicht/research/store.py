"""Open a research extract (``docs/data-flow.md`` §2) in DuckDB: one view per Parquet file.

Views, not copies: DuckDB scans the Parquet files when a query runs, so opening is
instant at any size. ``reports`` and ``victims`` come from the extract folder; every
``sources/*.parquet`` becomes a view named after its file (``ind_decisions``,
``justice_cases``, ...). The same names work as Spark SQL temporary views over the same
files, which is how the SQL of ``zicht.research.monitor`` ports to Spark.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from zicht.core.errors import NotFoundError, Problem, ValidationError

#: Columns the monitor reads from each extract file (data-flow.md §2); more are allowed.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "reports": (
        "report_pid", "victim_pid", "person_pid", "anonymous", "reporter", "police_unit",
        "report_date", "sex", "nationality", "nationality_2", "birth_year", "age_at_report",
        "forms", "sexual_sector", "labour_sectors", "criminal_manner", "municipality",
        "dublin_indication",
    ),
    "victims": ("victim_pid", "person_pid", "n_reports", "first_report_date"),
    "ind_decisions": (
        "decision_id", "person_pid", "qualification", "procedure", "decision_date", "outcome",
        "ground", "dublin_indication", "sex", "birth_year", "nationality",
    ),
    "police_incidents": (
        "incident_id", "person_pid", "role", "offence_code", "registration_date",
        "police_unit", "victim_report",
    ),
    "justice_cases": (
        "case_id", "incident_id", "form", "incident_year", "suspect_known", "victim_report",
        "prosecution_year", "prosecution_decision", "court_year", "court_decision",
        "unconditional_prison_days",
    ),
    "chat_contacts": (
        "contact_id", "visitor_key", "contact_date", "trafficking_question", "about", "minor",
        "forms", "still_unsafe", "duration", "parents_exploiters", "several_perpetrators",
    ),
}


@dataclass(frozen=True)
class ResearchStore:
    """An open extract: a DuckDB connection with one view per Parquet file."""

    con: duckdb.DuckDBPyConnection
    extract_dir: Path
    sources_dir: Path | None
    views: tuple[str, ...]
    manifest: dict[str, Any] = field(default_factory=dict)

    def has(self, view: str) -> bool:
        return view in self.views

    def rows(self, sql: str) -> list[dict[str, Any]]:
        """Run ``sql`` and return tidy rows (dicts of plain Python values).

        A final ``ORDER BY`` is applied to the query's *output* columns (the query is
        wrapped), so an output alias such as ``sex`` never resolves to a source column
        of the same name; DuckDB and Spark differ there, the wrapped form runs on both.
        """
        cur = self.con.execute(wrap_order_by(sql))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def close(self) -> None:
        self.con.close()


def open_extract(
    extract_dir: Path, sources_dir: Path | None = None, *, threads: int | None = None
) -> ResearchStore:
    """Open ``extract_dir`` (and ``sources_dir``, default ``extract_dir/sources`` when it
    exists) as DuckDB views, checking that every file has the columns the monitor reads."""
    extract_dir = Path(extract_dir)
    reports = extract_dir / "reports.parquet"
    if not reports.exists():
        raise NotFoundError(
            f"No reports.parquet in {extract_dir}. Expected a research extract "
            "(docs/data-flow.md §2); make one with `zicht extract --out DIR`."
        )
    if sources_dir is None and (extract_dir / "sources").is_dir():
        sources_dir = extract_dir / "sources"
    if sources_dir is not None and not Path(sources_dir).is_dir():
        raise NotFoundError(f"Sources folder {sources_dir} does not exist. "
                            "Pass --sources DIR with the pseudonymised sources, or leave it out.")
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")  # a library never draws on stderr
    # Every monitor query ends in ORDER BY, so the scan order need not be kept (faster).
    con.execute("SET preserve_insertion_order = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    files: dict[str, Path] = {"reports": reports}
    if (extract_dir / "victims.parquet").exists():
        files["victims"] = extract_dir / "victims.parquet"
    if sources_dir is not None:
        for path in sorted(Path(sources_dir).glob("*.parquet")):
            files[path.stem] = path
    problems: list[Problem] = []
    for name, path in files.items():
        literal = str(path).replace("'", "''")
        con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet(\'{literal}\')')
        have = {row[0] for row in con.execute(f'DESCRIBE "{name}"').fetchall()}
        for column in REQUIRED_COLUMNS.get(name, ()):
            if column not in have:
                problems.append(Problem(None, column, f"{path.name} has no column {column!r}"))
    if problems:
        con.close()
        raise ValidationError(
            f"The extract in {extract_dir} breaks the contract of docs/data-flow.md §2 "
            f"({len(problems)} missing columns). Re-run `zicht extract` with this zicht version.",
            problems,
        )
    manifest_path = extract_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    return ResearchStore(
        con=con,
        extract_dir=extract_dir,
        sources_dir=Path(sources_dir) if sources_dir is not None else None,
        views=tuple(files),
        manifest=manifest,
    )


def wrap_order_by(sql: str) -> str:
    """``SELECT ... ORDER BY k`` -> ``SELECT * FROM (SELECT ...) q ORDER BY k`` when the
    last top-level clause is an ``ORDER BY`` (not one inside ``OVER (...)``)."""
    depth, last = 0, -1
    upper = sql.upper()
    i = 0
    while i < len(sql):
        ch = sql[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "'":
            i = sql.index("'", i + 1)
        elif depth == 0 and upper.startswith("ORDER BY", i):
            last = i
        i += 1
    if last < 0:
        return sql
    return f"SELECT * FROM ({sql[:last]}) q {sql[last:]}"


def has_columns(store: ResearchStore, view: str, *columns: str) -> bool:
    """True when ``view`` exists and has every column in ``columns`` (newer tables read
    columns that older extracts lack, and then skip or fall back)."""
    if not store.has(view):
        return False
    cursor = store.con.execute(f"SELECT * FROM {view} LIMIT 0")
    names = {d[0] for d in cursor.description or ()}
    return set(columns) <= names
