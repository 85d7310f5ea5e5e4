"""Bad input: hypothesis-generated files are stored whole or refused whole, never partly."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from security_figures import report_figure
from security_seed import TEST_KEY, report_row
from sqlalchemy import func, select

from zicht.core.errors import ValidationError, ZichtError
from zicht.registry import Registry, import_file, open_registry
from zicht.registry.models import AuditEntry, Report, ReportHistory

COLUMNS = ["report_ref", "reporter", "police_unit", "report_date", "consent", "family_name",
           "given_names", "birth_date", "birth_year", "sex", "nationality", "bsn", "forms",
           "labour_sector", "municipality", "dublin_indication", "exploitation_start",
           "exploitation_end"]
#: Values that break the contract in a known way (each refused by itself).
BAD = {
    "report_date": ["2024-13-01", "2999-01-01", "", "01-03-2024"],
    "reporter": ["polise", ""],
    "forms": ["sexual;bogus", ""],
    "bsn": ["123456788", "12345678", "abcdefghi"],
    "birth_date": ["1990-02-30", "3000-01-01"],
    "police_unit": ["", "atlantis"],
    "nationality": ["NLD", "1"],
    "municipality": ["GM12", "0363"],
    "sex": ["f"],
}
STATS = {"files": 0, "rows": 0, "stored": 0, "refused": 0}


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ZICHT_ENCRYPTION_KEY", TEST_KEY)
        reg = open_registry(f"sqlite:///{tmp_path_factory.mktemp('bad') / 'r.db'}")
    yield reg
    reg.dispose()
    report_figure("hypothesis files tried", STATS["files"], "files",
                  rows=STATS["rows"], stored_whole=STATS["stored"],
                  refused_whole=STATS["refused"])


@st.composite
def report_files(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A file of 1-8 rows: valid rows, rows with a known bad value, rows with random text."""
    n = draw(st.integers(1, 8))
    base = draw(st.integers(0, 10**6))
    rows = []
    for i in range(n):
        row = report_row(base + i, draw(st.sampled_from(["police:amsterdam", "kmar",
                                                         "fairwork"])))
        kind = draw(st.sampled_from(["valid", "valid", "bad", "text"]))
        if kind == "bad":
            column = draw(st.sampled_from(sorted(BAD)))
            row[column] = draw(st.sampled_from(BAD[column]))
        elif kind == "text":
            row[draw(st.sampled_from(COLUMNS))] = draw(st.text(
                st.characters(exclude_categories=("Cs",)), max_size=30))
        rows.append(row)
    return rows


def _counts(reg: Registry) -> tuple[int, ...]:
    with reg.engine.connect() as conn:
        return tuple(conn.scalar(select(func.count()).select_from(t.__table__)) or 0
                     for t in (Report, ReportHistory, AuditEntry))


def _encode(rows: list[dict[str, Any]], fmt: str) -> bytes:
    if fmt == "jsonl":
        return "".join(json.dumps(r) + "\n" for r in rows).encode()
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[*COLUMNS, "reporter_org"], extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode()


@settings(max_examples=500, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=report_files(), fmt=st.sampled_from(["csv", "jsonl"]))
def test_a_file_is_stored_whole_or_refused_whole(registry: Registry, rows: list[dict[str, Any]],
                                                 fmt: str, tmp_path: Path) -> None:
    before = _counts(registry)
    STATS["files"] += 1
    STATS["rows"] += len(rows)
    try:
        summary = import_file(registry, _encode(rows, fmt), actor="test", name=f"f.{fmt}")
    except ValidationError as exc:
        STATS["refused"] += 1
        assert exc.problems, "a refusal names its problems"
        assert _counts(registry) == before, "a refused file changed the registry"
        return
    except ZichtError as exc:  # any other clean refusal must also leave nothing behind
        STATS["refused"] += 1
        assert _counts(registry) == before, f"{type(exc).__name__} left a partial import"
        return
    STATS["stored"] += 1
    after = _counts(registry)
    assert summary.accepted + summary.updated == len(rows)
    assert after[0] == before[0] + summary.accepted
    assert after[1] == before[1] + summary.updated


def test_the_generator_makes_both_outcomes() -> None:
    """Guard: the property above is only meaningful if both branches were taken."""
    if STATS["files"] == 0:
        pytest.skip("run together with the property test")
    assert STATS["stored"] > 10 and STATS["refused"] > 10, STATS
