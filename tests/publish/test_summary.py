"""Key findings: the largest year-on-year changes, with their numbers."""

from __future__ import annotations

from zicht.disclosure import TableSpec, apply_rules
from zicht.publish.summary import find_changes, headline


def _table(name: str, rows: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    return apply_rules(TableSpec(name, rows, ("reports",), "Reports by reporter",
                                 "Meldingen naar melder"))


REPORTERS = _table("figures/2.9", [
    {"year": 2019, "form": f, "reporter": r, "reports": n}
    for f, share in (("labour", 0.3), ("criminal", 0.7))
    for r, n0 in (("police", 953), ("fairwork", 100))
    for n in [round(n0 * share)]
] + [
    {"year": 2020, "form": f, "reporter": r, "reports": n}
    for f, share in (("labour", 0.3), ("criminal", 0.7))
    for r, n0 in (("police", 468), ("fairwork", 104))
    for n in [round(n0 * share)]
])


def test_police_reports_halved_in_english_and_dutch() -> None:
    top = find_changes([REPORTERS], "en")[0]
    assert (top.value_from, top.value_to) == (953, 468)
    assert top.sentence("en") == "Reports by reporter, Police: halved from 953 to 468 (2019-2020)."
    nl = find_changes([REPORTERS], "nl")[0].sentence("nl")
    assert nl == "Meldingen naar melder, Politie: gehalveerd van 953 naar 468 (2019-2020)."


def test_small_steady_series_make_no_headline() -> None:
    subjects = [f.subject for f in find_changes([REPORTERS], "en")]
    assert not any("FairWork" in s for s in subjects)  # 100 -> 104 is noise


def test_rise_is_worded_with_percentage() -> None:
    t = _table("anonymous_reports", [{"year": 2022, "reports": 400},
                                     {"year": 2023, "reports": 605}])
    assert find_changes([t], "en")[0].sentence("en").endswith(
        "rose 51% from 400 to 605 (2022-2023).")
    assert "51% gestegen van 400 naar 605" in find_changes([t], "nl")[0].sentence("nl")


def test_year_with_suppressed_cell_is_not_compared() -> None:
    t = _table("regional/municipality/x", [{"year": 2019, "unit": "a", "reports": 100},
                              {"year": 2020, "unit": "a", "reports": 4}])
    assert find_changes([t], "en") == []


def test_headline_states_last_year_victims() -> None:
    t = apply_rules(TableSpec("figures/2.1", [{"year": 2023, "victims": 868}], ("victims",),
                              "Victims", "Slachtoffers"))
    assert headline([t], "en") == ["In 2023, 868 unique victims were registered."]


def test_headline_estimate_is_the_last_years_not_the_pooled_sum() -> None:
    rows = [{"year": y, "row": "stratum", "observed": 900, "estimate": e, "ci_lower": e - 500,
             "ci_upper": e + 500} for y, e in ((2023, 6000), (2024, 6500))]
    rows.append({"year": None, "row": "pooled", "observed": 1800, "estimate": 90000,
                 "ci_lower": 80000, "ci_upper": 99000})
    t = apply_rules(TableSpec("figures/estimate", rows, ("observed", "estimate", "ci_lower",
                                                         "ci_upper"), "E", "S"))
    assert headline([t], "en") == ["Estimated number of victims (2024): 6,500 "
                                   "(interval 6,000-7,000)."]


def test_findings_are_about_the_last_year_only() -> None:
    t = _table("figures/2.9", [
        {"year": 2018, "form": "labour", "reporter": "police", "reports": 95},
        {"year": 2019, "form": "labour", "reporter": "police", "reports": 25},
        {"year": 2020, "form": "labour", "reporter": "fairwork", "reports": 300},
        {"year": 2021, "form": "labour", "reporter": "fairwork", "reports": 100},
    ])
    subjects = [(f.subject, f.year_to) for f in find_changes([t], "en")]
    assert subjects and all(year == 2021 for _s, year in subjects)
    assert not any("Police" in s for s, _y in subjects)  # 2018-2019: stale, not a finding


def test_headline_uses_the_published_estimate_and_its_band() -> None:
    """Issue 16: the headline is the estimate chosen by the documented rule, with the
    spread between credible methods, not the per-year stepwise figure."""
    stepwise = apply_rules(TableSpec(
        "figures/estimate", [{"year": 2024, "row": "stratum", "observed": 900,
                              "estimate": 2380, "ci_lower": 1875, "ci_upper": 11480}],
        ("observed", "estimate", "ci_lower", "ci_upper"), "protected", "E", "S"))
    published = apply_rules(TableSpec(
        "figures/estimate_published",
        [{"year": 2024, "observed": 900, "estimate": 5200, "ci_lower": 4100, "ci_upper": 6600,
          "band_lower": 2400, "band_upper": 5900, "methods_in_band": 3,
          "chosen": "multiyear"}],
        ("observed", "estimate", "ci_lower", "ci_upper", "band_lower", "band_upper"),
        "protected", "E", "S"))
    assert headline([stepwise, published], "en") == [
        "Estimated number of victims (2024): 5,200 (interval 4,100-6,600; methods "
        "2,400-5,900)."]
    assert "methoden 2.400-5.900" in headline([published, stepwise], "nl")[0]
