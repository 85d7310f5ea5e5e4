"""Chapter 3's form (003 §3.2.1): sexual exploitation split by the victim's nationality in
the police registration; where the nationality is unknown, the form is unknown too."""

from __future__ import annotations

import duckdb
import pytest

from zicht.research import classify as cl
from zicht.research.linked.rules import POLICE_FORM_DETAIL


@pytest.mark.parametrize(("code", "nationality", "expected"), [
    ("F561", "NL", "domestic_sexual"),
    ("F561", "RO", "cross_border_sexual"),
    ("F561", None, "unknown"),  # the seed's rule: no nationality, no form
    ("F562", None, "labour"),
    ("F563", "NL", "criminal"),
    ("F564", "NL", "unknown"),  # organ removal: too small, counted as unknown
    ("F5293", "NL", "unknown"),  # the old general code
])
def test_police_form_detail(code: str, nationality: str | None, expected: str) -> None:
    con = duckdb.connect()
    got = con.execute(f"SELECT {cl.case_sql(POLICE_FORM_DETAIL)} FROM "
                      "(SELECT ? AS offence_code, CAST(? AS VARCHAR) AS nationality)",
                      [code, nationality]).fetchone()
    assert got is not None and got[0] == expected
