"""How a released table is shown: label columns first, empty columns left out."""

from __future__ import annotations

from zicht.disclosure import TableSpec, apply_rules
from zicht.publish.render import show_table


def test_estimate_table_shows_labels_first_and_drops_an_empty_column() -> None:
    rows = [{"year": 2024, "row": "stratum", "observed": 900, "estimate": 2400,
             "ci_lower": 1900, "ci_upper": 11500, "error": None, "model": "police:kmar"},
            {"year": None, "row": "pooled", "observed": 16600, "estimate": 118000,
             "ci_lower": 96800, "ci_upper": 159000, "error": None, "model": "police:kmar"}]
    table = apply_rules(TableSpec("figures/estimate", rows, ("observed", "estimate",
                                  "ci_lower", "ci_upper"), "E", "S"))
    shown = show_table(table, "en")
    assert shown.headings[:3] == ("Year", "Estimate of", "Model (list interactions)")
    assert "Not estimable because" not in shown.headings  # no stratum failed
    assert shown.n_label_columns == 3
    assert shown.rows[0][:3] == ("2024", "Stratum", "police:kmar")  # formula as it is
    assert shown.rows[1][1] == "Pooled"
