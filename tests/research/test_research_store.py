"""Opening an extract: views over the Parquet files, contract checks."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from monitor_extract import ExtractBuilder

from zicht.core.errors import NotFoundError, ValidationError
from zicht.research.store import open_extract, wrap_order_by


def test_open_extract_makes_views(builder: ExtractBuilder, tmp_path: Path):
    builder.report("v1", "2020-03-01")
    builder.source("chat_contacts", contact_id="c", visitor_key="k", contact_date="2020-01-01")
    store = open_extract(builder.write(tmp_path / "x"))
    assert store.views == ("reports", "victims", "chat_contacts")
    assert store.rows("SELECT COUNT(*) AS n FROM reports") == [{"n": 1}]
    store.close()


def test_sources_default_and_explicit(builder: ExtractBuilder, tmp_path: Path):
    builder.report("v1", "2020-03-01")
    folder = builder.write(tmp_path / "x")
    other = tmp_path / "other"
    other.mkdir()
    store = open_extract(folder, other)
    assert store.views == ("reports", "victims")
    store.close()
    with pytest.raises(NotFoundError, match="does not exist"):
        open_extract(folder, tmp_path / "nope")


def test_missing_reports_is_not_found(tmp_path: Path):
    with pytest.raises(NotFoundError, match=r"reports\.parquet"):
        open_extract(tmp_path)


def test_missing_columns_are_all_listed(tmp_path: Path):
    pq.write_table(pa.table({"report_pid": ["r1"]}), tmp_path / "reports.parquet")
    with pytest.raises(ValidationError) as err:
        open_extract(tmp_path)
    assert len(err.value.problems) >= 10
    assert {p.field for p in err.value.problems} >= {"victim_pid", "forms"}


def test_wrap_order_by_only_the_top_level_clause():
    sql = "SELECT a, ROW_NUMBER() OVER (ORDER BY b) AS r FROM t ORDER BY a"
    assert wrap_order_by(sql) == ("SELECT * FROM (SELECT a, ROW_NUMBER() OVER (ORDER BY b) "
                                  "AS r FROM t ) q ORDER BY a")
    assert wrap_order_by("SELECT 'ORDER BY' AS x FROM t") == "SELECT 'ORDER BY' AS x FROM t"
