"""Small valid report rows for the registry and API tests (CSV-shaped: all strings)."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

COLUMNS = ("report_ref", "reporter", "reporter_org", "police_unit", "report_date", "consent",
           "family_name", "given_names", "birth_date", "birth_year", "sex", "nationality",
           "nationality_2", "bsn", "forms", "sexual_sector", "labour_sector",
           "criminal_manner", "municipality", "dublin_indication", "exploitation_start",
           "exploitation_end")
#: BSNs passing the eleven-test.
VALID_BSNS = ("111222333", "123456782", "999999990", "100000010")


def report(i: int = 1, **overrides: Any) -> dict[str, str]:
    """A valid police report; ``overrides`` replace fields ("" = not known)."""
    row = dict.fromkeys(COLUMNS, "")
    row.update(report_ref=f"R{i:05d}", reporter="police", police_unit="amsterdam",
               report_date="2023-03-01", family_name=f"Name{i}", given_names="Anna",
               birth_date="1999-05-04", sex="female", nationality="NL",
               bsn=VALID_BSNS[i % len(VALID_BSNS)], forms="sexual;labour",
               sexual_sector="window", labour_sector="cleaning;horeca",
               municipality="GM0363", dublin_indication="no")
    row.update({k: str(v) for k, v in overrides.items()})
    return row


def write_csv(path: Path, rows: Sequence[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    lines = []
    for row in rows:
        obj: dict[str, Any] = {k: v for k, v in row.items() if v != ""}
        for name in ("forms", "labour_sector"):
            if name in obj:
                obj[name] = obj[name].split(";")
        lines.append(json.dumps(obj))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xlsx(path: Path, rows: Sequence[dict[str, str]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row[c] or None for c in COLUMNS])
    book.save(path)
    return path
