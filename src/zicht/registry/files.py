"""Read report files (CSV, XLSX, JSON Lines) into plain rows with their row numbers.

Row numbers are the ones a user sees: in CSV and XLSX the header is row 1, so the first
report is row 2; in JSON Lines a row is its line number. Every value becomes a string
(or a list, from JSON), so one validator parses all formats the same way.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zicht.core.errors import Problem, ValidationError
from zicht.registry.record import LIST_FIELDS, ReportRecord, split_list

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl"}
REQUIRED_COLUMNS = tuple(n for n, f in ReportRecord.model_fields.items() if f.is_required())
KNOWN_COLUMNS = frozenset(ReportRecord.model_fields)


@dataclass
class RawRows:
    """Rows as read from a file, before validation."""

    rows: list[dict[str, Any]]
    row_numbers: list[int | None]
    ignored_columns: list[str] = field(default_factory=list)


def detect_format(name: str) -> str:
    """The format of a file from its name; a clear error for anything else."""
    fmt = FORMATS.get(Path(name).suffix.lower())
    if fmt is None:
        message = (f"Cannot read '{Path(name).name}': expected a .csv, .xlsx or .jsonl file "
                   "in the format of docs/schema.md.")
        raise ValidationError(message, problems=[Problem(None, None, message)])
    return fmt


def read_rows(source: Path | bytes, name: str | None = None) -> RawRows:
    """Read a report file from a path or from uploaded bytes named ``name``."""
    name = name or (source.name if isinstance(source, Path) else "upload.csv")
    data = source.read_bytes() if isinstance(source, Path) else source
    fmt = detect_format(name)
    if fmt == "csv":
        return _read_csv(data)
    if fmt == "xlsx":
        return _read_xlsx(data)
    return _read_jsonl(data)


def _check_header(header: list[str]) -> list[str]:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        problems = [Problem(1, c, "required column is missing from the header row")
                    for c in missing]
        raise ValidationError(f"The file lacks required column(s) {', '.join(missing)}.",
                              problems=problems)
    return sorted(c for c in header if c and c not in KNOWN_COLUMNS)


def _read_csv(data: bytes) -> RawRows:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        message = "The CSV file is not UTF-8 text; save it as CSV UTF-8 and send it again."
        raise ValidationError(message, problems=[Problem(None, None, message)]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    ignored = _check_header(header)
    rows: list[dict[str, Any]] = []
    numbers: list[int | None] = []
    for values in reader:
        if not any(values):
            continue  # blank line
        numbers.append(reader.line_num)
        row = {h: v for h, v in zip(header, values, strict=False) if v}
        for name in LIST_FIELDS:  # split here: the row is ours, no copy needed later
            if name in row:
                row[name] = split_list(row[name])
        rows.append(row)
    return RawRows(rows, numbers, ignored)


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return value


def _read_xlsx(data: bytes) -> RawRows:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        message = f"The XLSX file cannot be opened ({type(exc).__name__}); save it again."
        raise ValidationError(message, problems=[Problem(None, None, message)]) from None
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(lines, ())]
    ignored = _check_header(header)
    rows: list[dict[str, Any]] = []
    numbers: list[int | None] = []
    for number, values in enumerate(lines, start=2):
        if all(v is None or v == "" for v in values):
            continue
        numbers.append(number)
        rows.append({h: _cell(v) for h, v in zip(header, values, strict=False) if h})
    book.close()
    return RawRows(rows, numbers, ignored)


def _read_jsonl(data: bytes) -> RawRows:
    rows: list[dict[str, Any]] = []
    numbers: list[int | None] = []
    problems: list[Problem] = []
    for number, line in enumerate(data.decode("utf-8-sig", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(number, None, f"is not valid JSON ({exc.msg})"))
            continue
        if not isinstance(obj, dict):
            problems.append(Problem(number, None, "is not a JSON object"))
            continue
        numbers.append(number)
        rows.append({k: _cell(v) if not isinstance(v, list) else v for k, v in obj.items()})
    if problems:
        raise ValidationError(f"{len(problems)} line(s) of the JSON Lines file cannot be read.",
                              problems=problems)
    ignored = sorted({k for r in rows for k in r} - KNOWN_COLUMNS)
    return RawRows(rows, numbers, ignored)
