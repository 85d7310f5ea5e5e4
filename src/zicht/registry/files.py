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
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from zicht.core.config import get_settings
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
        raise _refuse(f"Cannot read '{Path(name).name}': expected a .csv, .xlsx or .jsonl "
                      "file in the format of docs/schema.md.")
    return fmt


@dataclass(frozen=True)
class Limits:
    """How large a report file may be (``ZICHT_MAX_*``, zicht.core.config)."""

    max_bytes: int
    xlsx_unpacked_bytes: int
    xlsx_ratio: int
    field_chars: int

    @classmethod
    def from_settings(cls) -> Limits:
        s = get_settings()
        return cls(s.max_import_bytes, s.max_xlsx_unpacked_bytes, s.max_xlsx_ratio,
                   s.max_field_chars)


def _refuse(message: str, row: int | None = None, field: str | None = None) -> ValidationError:
    return ValidationError(message, problems=[Problem(row, field, message)])


def read_rows(source: Path | bytes, name: str | None = None, *,
              limits: Limits | None = None) -> RawRows:
    """Read a report file from a path or from uploaded bytes named ``name``.

    A file over ``limits.max_bytes`` is refused before it is read; a CSV is read as a
    stream of lines (never decoded whole); an XLSX is checked for its unpacked size and
    compression ratio before it is opened; any value over ``limits.field_chars`` is refused.
    """
    limits = limits or Limits.from_settings()
    name = name or (source.name if isinstance(source, Path) else "upload.csv")
    fmt = detect_format(name)
    size = source.stat().st_size if isinstance(source, Path) else len(source)
    if size > limits.max_bytes:
        raise _refuse(f"The file is {size:,} bytes; at most {limits.max_bytes:,} are accepted "
                      "(ZICHT_MAX_IMPORT_BYTES). Split it into smaller files.")
    if fmt == "csv":
        if isinstance(source, Path):
            with source.open("rb") as raw:
                return _read_csv(raw, limits)
        return _read_csv(io.BytesIO(source), limits)
    data = source.read_bytes() if isinstance(source, Path) else source
    if fmt == "xlsx":
        return _read_xlsx(data, limits)
    return _read_jsonl(data, limits)


def _too_long(row: int | None, field: str | None, limits: Limits) -> Problem:
    return Problem(row, field or None, f"is longer than {limits.field_chars:,} characters "
                   "(ZICHT_MAX_FIELD_CHARS); no field of the contract needs that much")


def _check_header(header: list[str]) -> list[str]:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        problems = [Problem(1, c, "required column is missing from the header row")
                    for c in missing]
        raise ValidationError(f"The file lacks required column(s) {', '.join(missing)}.",
                              problems=problems)
    return sorted(c for c in header if c and c not in KNOWN_COLUMNS)


_NOT_UTF8 = "The CSV file is not UTF-8 text; save it as CSV UTF-8 and send it again."


def _read_csv(raw: BinaryIO, limits: Limits) -> RawRows:
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    rows: list[dict[str, Any]] = []
    numbers: list[int | None] = []
    problems: list[Problem] = []
    try:
        header = [h.strip() for h in next(reader, [])]
        ignored = _check_header(header)
        for values in reader:
            if not any(values):
                continue  # blank line
            number = reader.line_num
            row = {h: v for h, v in zip(header, values, strict=False) if v}
            long = [h for h, v in row.items() if len(v) > limits.field_chars]
            if long:
                problems += [_too_long(number, h, limits) for h in long]
                continue
            numbers.append(number)
            for name in LIST_FIELDS:  # split here: the row is ours, no copy needed later
                if name in row:
                    row[name] = split_list(row[name])
            rows.append(row)
    except UnicodeDecodeError:
        raise _refuse(_NOT_UTF8, reader.line_num + 1) from None
    except csv.Error:  # a field over the csv module's own limit (128 KiB)
        problems.append(_too_long(reader.line_num, None, limits))
    if problems:
        raise ValidationError(f"{len({p.row for p in problems})} row(s) have too long "
                              "fields; nothing was stored.", problems=problems)
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


def _check_zip(data: bytes, limits: Limits) -> None:
    """Refuse an XLSX that would unpack too large (a zip bomb) before openpyxl opens it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise _refuse("The XLSX file cannot be opened (it is not a zip archive); save it "
                      "again as an Excel workbook (.xlsx).") from None
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if unpacked > limits.xlsx_unpacked_bytes:
        raise _refuse(f"The XLSX file unpacks to {unpacked:,} bytes; at most "
                      f"{limits.xlsx_unpacked_bytes:,} are accepted "
                      "(ZICHT_MAX_XLSX_UNPACKED_BYTES). Split it, or send CSV.")
    if unpacked > 2**20 and unpacked / packed > limits.xlsx_ratio:
        raise _refuse(f"The XLSX file is compressed {unpacked / packed:,.0f} to 1; at most "
                      f"{limits.xlsx_ratio} to 1 is accepted (ZICHT_MAX_XLSX_RATIO): this "
                      "is not an ordinary workbook. Save it again, or send CSV.")


def _read_xlsx(data: bytes, limits: Limits) -> RawRows:
    from openpyxl import load_workbook

    _check_zip(data, limits)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise _refuse(f"The XLSX file cannot be opened ({type(exc).__name__}); save it "
                      "again.") from None
    try:
        if not book.worksheets:
            raise _refuse("The XLSX file has no worksheet; put the reports on its first "
                          "sheet, header in row 1.", 1)
        lines = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(lines, ())]
        ignored = _check_header(header)
        rows: list[dict[str, Any]] = []
        numbers: list[int | None] = []
        problems: list[Problem] = []
        for number, values in enumerate(lines, start=2):
            if all(v is None or v == "" for v in values):
                continue
            row = {h: _cell(v) for h, v in zip(header, values, strict=False) if h}
            long = [h for h, v in row.items() if isinstance(v, str)
                    and len(v) > limits.field_chars]
            problems += [_too_long(number, h, limits) for h in long]
            numbers.append(number)
            rows.append(row)
    finally:
        book.close()
    if problems:
        raise ValidationError(f"{len({p.row for p in problems})} row(s) have too long "
                              "fields; nothing was stored.", problems=problems)
    return RawRows(rows, numbers, ignored)


def _scalar_or_list(value: Any) -> bool:
    if isinstance(value, list):
        return all(isinstance(v, str | int | float | bool) or v is None for v in value)
    return not isinstance(value, dict)


def _read_jsonl(data: bytes, limits: Limits) -> RawRows:
    rows: list[dict[str, Any]] = []
    numbers: list[int | None] = []
    problems: list[Problem] = []
    for number, raw in enumerate(data.removeprefix(b"\xef\xbb\xbf").splitlines(), 1):
        try:
            line = raw.decode("utf-8")  # strict: never store U+FFFD for a broken byte
        except UnicodeDecodeError:
            problems.append(Problem(number, None, "is not UTF-8 text; save the file as "
                                    "UTF-8 and send it again"))
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(number, None, f"is not valid JSON ({exc.msg})"))
            continue
        except RecursionError:
            problems.append(Problem(number, None, "is nested too deeply; a report is one "
                                    "JSON object of texts, numbers and lists of texts"))
            continue
        if not isinstance(obj, dict):
            problems.append(Problem(number, None, "is not a JSON object"))
            continue
        bad = [k for k, v in obj.items() if not _scalar_or_list(v)]
        problems += [Problem(number, k, "must be a text, number or list of texts, not a "
                             "nested object") for k in bad]
        long = [k for k, v in obj.items() if len(str(v)) > limits.field_chars]
        problems += [_too_long(number, k, limits) for k in long if k not in bad]
        if bad or long:
            continue
        numbers.append(number)
        rows.append({k: _cell(v) if not isinstance(v, list) else v for k, v in obj.items()})
    if problems:
        raise ValidationError(f"{len({p.row for p in problems})} line(s) of the JSON Lines "
                              "file cannot be read.", problems=problems)
    ignored = sorted({k for r in rows for k in r} - KNOWN_COLUMNS)
    return RawRows(rows, numbers, ignored)
