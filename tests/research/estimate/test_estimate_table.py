"""CaptureTable: reading, validating, collapsing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from zicht.core.errors import EstimationError, NotFoundError
from zicht.research.estimate import CaptureTable, estimate


def test_from_csv_reads_the_reference_format(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("A,B,count\n1,0,10\n0,1,20\n1,1,5\n1,1,1\n")
    t = CaptureTable.from_csv(path)
    assert t.lists == ("A", "B") and t.observed == 36
    assert t.list_totals == {"A": 16, "B": 26}
    assert t.counts.tolist() == [10, 20, 6]  # repeats add up


@pytest.mark.parametrize(("text", "match"), [
    ("A,B,n\n1,0,3\n", "no `count` column"),
    ("A,B,count\n1,2,3\n", "0/1"),
    ("A,B,count\n1,0,x\n", "not an integer"),
    ("A,B,count\n0,0,4\n", "all-zero"),
    ("A,count\n1,3\n", "at least 2 lists"),
])
def test_malformed_tables_are_refused(tmp_path, text, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(EstimationError, match=match):
        CaptureTable.from_csv(path)


def test_missing_file(tmp_path):
    with pytest.raises(NotFoundError):
        CaptureTable.from_csv(tmp_path / "nope.csv")


def test_from_counts_and_frame_agree(uk5):
    frame = pd.DataFrame(uk5.to_rows())
    assert np.array_equal(CaptureTable.from_frame(frame).counts, uk5.counts)
    t = CaptureTable.from_counts(("A", "B", "C"), {"100": 40, "010": 30, "001": 20, "110": 6})
    assert t.observed == 96


def test_collapse_reproduces_the_5_list_uk_table(uk5, uk6):
    """UK 5 lists = UK 6 lists with police forces and NCA merged (shared/mse/README.md)."""
    merged = uk6.collapse({"PFNCA": ["PF", "NCA"]})
    assert merged.observed == uk6.observed
    reordered = merged.collapse({})  # no-op
    assert reordered.lists == ("LA", "NG", "GO", "GP", "PFNCA")
    assert estimate(merged).estimate == pytest.approx(estimate(uk5).estimate, rel=1e-9)


def test_unknown_method_and_level(uk5):
    with pytest.raises(EstimationError, match="Unknown method"):
        estimate(uk5, "magic")
    with pytest.raises(EstimationError, match="between 0 and 1"):
        estimate(uk5, "main", level=95)
