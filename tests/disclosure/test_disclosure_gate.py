"""The gate: counts rounded to 5, small cells suppressed with a logged reason, zeros kept,
shares suppressed with their count and computed from unrounded counts."""

from __future__ import annotations

import pytest

from zicht.core.errors import DisclosureError
from zicht.disclosure import DisclosedTable, TableSpec, apply_rules, gate_statistics

ROWS = [
    {"group": "victims", "persons": 265, "with_care": 146, "share": 55.1},
    {"group": "small", "persons": 12, "with_care": 7, "share": 58.3},
    {"group": "none", "persons": 40, "with_care": 0, "share": 0.0},
]


def _spec(name: str = "aid/test", rows: list[dict[str, object]] | None = None) -> TableSpec:
    return TableSpec(name, rows if rows is not None else ROWS, ("persons", "with_care"),
                     "Test", "Test", n=317, shares={"share": "with_care"})


def test_protected_rounds_and_suppresses_with_reasons() -> None:
    table = apply_rules(_spec(), threshold=10, rounding_base=5)
    assert [r["persons"] for r in table.rows] == [265, 10, 40]
    assert [r["with_care"] for r in table.rows] == [145, None, 0]  # zero stays 0
    # the share is from the unrounded counts (146/265), whole, and goes with its count
    assert [r["share"] for r in table.rows] == [54.7, None, 0.0]  # 145 of 265
    assert table.n == 315
    reasons = {(s.row, s.column): s.reason for s in table.suppressed}
    assert reasons == {(1, "with_care"): "count below 10", (1, "share"): "with_care suppressed"}
    assert table.log_entry()["suppressed"][0] == {"row": 1, "column": "with_care",
                                                  "reason": "count below 10"}


def test_threshold_comes_from_the_argument_or_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert apply_rules(_spec(), threshold=15).rows[1]["persons"] is None
    monkeypatch.setenv("ZICHT_SUPPRESSION_THRESHOLD", "15")
    table = apply_rules(_spec())
    assert table.threshold == 15
    assert table.rows[1]["persons"] is None  # 12 < 15 now


def test_registry_policy_publishes_exact_counts() -> None:
    table = apply_rules(_spec("justice_chain/test"))
    assert [r["with_care"] for r in table.rows] == [146, 7, 0]
    assert table.suppressed == ()


def test_a_disclosed_table_cannot_be_built_outside_the_gate() -> None:
    with pytest.raises(DisclosureError, match="did not pass the disclosure gate"):
        DisclosedTable("aid/test", ("persons",), ({"persons": 7},), "protected",
                       "linked_microdata", "T", "T",
                       "", "", None, ("persons",), (), 10, 5)


def test_a_spec_naming_missing_columns_is_refused() -> None:
    spec = TableSpec("aid/test", ROWS, ("people",), "T", "T")
    with pytest.raises(DisclosureError, match="people"):
        apply_rules(spec)


def test_statistics_have_their_counts_rounded_or_are_suppressed() -> None:
    tests = [{"table": "t", "category": "a", "chi2": 3.574, "df": 1, "n": 25_142, "p": 0.059},
             {"table": "t", "category": "b", "chi2": 1.2, "df": 1, "n": 8, "p": 0.27}]
    gated = gate_statistics(tests, population="linked_microdata", threshold=10, rounding_base=5)
    assert gated[0] == {**tests[0], "n": 25_140}  # the statistic is kept as computed
    assert gated[1]["n"] is None and gated[1]["chi2"] is None and gated[1]["p"] is None
    assert gated[1]["category"] == "b" and gated[1]["suppressed"] == "n below 10"


def test_suppression_is_logged_without_values(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="zicht.disclosure.gate"):
        apply_rules(_spec(), threshold=10)
    assert "aid/test (protected): 2 cells suppressed below 10" in caplog.text
    assert "7" not in caplog.text.replace("aid/test", "")  # the suppressed value never
