"""Golden cases of the registry figures (2.1-2.10, anonymous reports): each test is a
hand-built extract where a wrong rule gives a different number."""

from __future__ import annotations

import pytest
from monitor_extract import ExtractBuilder, RunMonitor, rows, value

F = "figures/"


def test_overlap_of_forms_across_reporters(builder: ExtractBuilder, run_monitor: RunMonitor):
    # Police report sexual exploitation, FairWork labour: one victim, two forms.
    builder.report("v1", "2020-02-01", "police", ("sexual",), nationality="NL")
    builder.report("v1", "2020-06-01", "fairwork", ("labour",), nationality="NL")
    res = run_monitor(builder)
    assert value(res, F + "2.1", "victims", year=2020) == 1
    assert value(res, F + "2.2", "victims", year=2020, form="domestic_sexual") == 1
    assert value(res, F + "2.2", "victims", year=2020, form="labour") == 1
    assert res.table(F + "2.2").n == 2  # N with overlap, as the monitor's N=5,186
    assert value(res, F + "2.2_overlap", "victims", year=2020, combination="sexual+labour") == 1
    # Breakdowns use the hierarchy: sexual > labour, so the victim is domestic sexual only.
    assert rows(res, F + "2.6", year=2020) == [
        {"year": 2020, "form": "domestic_sexual", "sex": "female", "victims": 1, "share": 100.0}]
    # Figure 2.9 counts both reporters, both under the victim's (hierarchy) form.
    assert value(res, F + "2.9", "reports", year=2020, form="domestic_sexual",
                 reporter="police") == 1
    assert value(res, F + "2.9", "reports", year=2020, form="domestic_sexual",
                 reporter="fairwork") == 1


def test_homonyms_are_two_victims(builder: ExtractBuilder, run_monitor: RunMonitor):
    same = {"nationality": "RO", "sex": "female", "age_at_report": 24, "birth_year": 1996}
    builder.report("v1", "2020-03-01", "police", ("sexual",), **same)
    builder.report("v2", "2020-03-01", "police", ("sexual",), **same)
    res = run_monitor(builder)
    assert value(res, F + "2.1", "victims", year=2020) == 2
    assert value(res, F + "2.2", "victims", year=2020, form="cross_border_sexual") == 2


def test_resend_is_one_report_and_one_victim(builder: ExtractBuilder, run_monitor: RunMonitor):
    # The registry merged the re-send: one row. Two police units in one year count
    # once in 2.9 and once per unit in 2.10.
    builder.report("v1", "2020-03-01", "police", ("labour",), police_unit="amsterdam")
    builder.report("v1", "2020-04-01", "police", ("labour",), police_unit="amsterdam")
    builder.report("v1", "2020-05-01", "police", ("labour",), police_unit="rotterdam")
    res = run_monitor(builder)
    assert value(res, F + "2.1", "victims", year=2020) == 1
    assert value(res, F + "2.9", "reports", year=2020, form="labour", reporter="police") == 1
    assert value(res, F + "2.10", "victims", year=2020, police_unit="amsterdam") == 1
    assert value(res, F + "2.10", "victims", year=2020, police_unit="rotterdam") == 1
    assert res.table(F + "2.10").n == 2


def test_victim_counts_once_per_report_year(builder: ExtractBuilder, run_monitor: RunMonitor):
    builder.report("v1", "2019-12-31", "police", ("labour",))
    builder.report("v1", "2020-01-01", "police", ("labour",))
    res = run_monitor(builder)
    assert value(res, F + "2.1", "victims", year=2019) == 1
    assert value(res, F + "2.1", "victims", year=2020) == 1


def test_age_groups_on_the_birthday(builder: ExtractBuilder, run_monitor: RunMonitor):
    # age_at_report = completed years on the report date (the boundary counts the
    # birthday itself as the new age): 17 minor, 18 adolescent, 22 adolescent, 23 older.
    for pid, age in (("a", 17), ("b", 18), ("c", 22), ("d", 23), ("e", None)):
        builder.report(pid, "2020-03-01", "police", ("labour",), age_at_report=age)
    res = run_monitor(builder)
    got = {r["age_group"]: r["victims"] for r in rows(res, F + "2.8_total", year=2020)}
    assert got == {"minor": 1, "adolescent": 2, "23_plus": 1, "unknown": 1}
    assert value(res, F + "2.8_mean_age", "mean_age", year=2020, form="all") == 20.0
    assert value(res, F + "2.8_mean_age", "victims", year=2020, form="all") == 4


def test_age_group_is_at_the_first_report_of_the_year(builder: ExtractBuilder,
                                                      run_monitor: RunMonitor):
    builder.report("v1", "2020-11-01", "fairwork", ("labour",), age_at_report=18)
    builder.report("v1", "2020-02-01", "police", ("labour",), age_at_report=17)
    builder.report("v1", "2021-02-01", "police", ("labour",), age_at_report=18)
    res = run_monitor(builder)
    assert value(res, F + "2.8", "victims", year=2020, form="labour", age_group="minor") == 1
    assert value(res, F + "2.8", "victims", year=2020, form="labour",
                 age_group="adolescent") == 0
    assert value(res, F + "2.8", "victims", year=2021, form="labour",
                 age_group="adolescent") == 1


def test_dual_nationality_with_dutch_counts_as_dutch(builder: ExtractBuilder,
                                                     run_monitor: RunMonitor):
    builder.report("dual", "2020-03-01", "police", ("sexual",), nationality="MA",
                   nationality_2="NL")
    builder.report("later", "2020-03-01", "police", ("sexual",), nationality="MA")
    builder.report("later", "2020-04-01", "other", ("sexual",), nationality="MA",
                   nationality_2="NL")
    builder.report("pl", "2020-03-01", "police", ("sexual",), nationality="PL")
    builder.report("unk", "2020-03-01", "police", ("sexual",), nationality=None)
    res = run_monitor(builder)
    assert value(res, F + "2.2", "victims", year=2020, form="domestic_sexual") == 2
    assert value(res, F + "2.2", "victims", year=2020, form="cross_border_sexual") == 1
    # Sexual exploitation without a known nationality cannot be split: sexual of unknown
    # kind, still sexual exploitation (not the form "unknown").
    assert value(res, F + "2.2", "victims", year=2020, form="sexual_unknown") == 1
    assert value(res, F + "2.2", "victims", year=2020, form="unknown") == 0
    regions = {r["origin_region"]: r["victims"] for r in rows(res, F + "2.7_total", year=2020)}
    assert regions == {"netherlands": 2, "eu": 1, "other_unknown": 1}
    top = {r["nationality"]: r["victims"] for r in rows(res, F + "2.7_nationalities")}
    assert top == {"NL": 2, "PL": 1}


def test_kmar_only_sexual_is_excluded_but_kmar_plus_police_is_not(builder: ExtractBuilder,
                                                                  run_monitor: RunMonitor):
    builder.report("kmar_only", "2020-03-01", "kmar", ("sexual",))
    builder.report("kmar_police", "2020-03-01", "kmar", ("sexual",))
    builder.report("kmar_police", "2020-05-01", "police", ("sexual",))
    builder.report("kmar_labour", "2020-03-01", "kmar", ("labour",))
    res = run_monitor(builder)
    assert rows(res, F + "2.1") == [{"year": 2020, "victims": 2, "victims_incl_kmar_only": 3}]
    assert value(res, F + "2.2", "victims", year=2020, form="cross_border_sexual") == 1
    # The excluded victim's KMar report is left out of 2.9; the included victim's is in.
    assert value(res, F + "2.9_total", "reports", year=2020, reporter="kmar") == 2
    assert value(res, F + "2.6_total", "victims", year=2020, sex="female") == 2
    assert sum(r["victims"] for r in rows(res, "regional/municipality/victims")) == 2


def test_kmar_only_means_every_report_of_the_year_is_from_the_kmar(
        builder: ExtractBuilder, run_monitor: RunMonitor):
    """Golden case of the exclusion rule (seed 003 §2.3: victims of sexual exploitation
    reported *uitsluitend* by the KMar). Under the right rule ("only KMar") 2 of the 7
    victims are excluded; "any report from the KMar" would exclude 6, "the first report
    from the KMar" 5, "the last report from the KMar" 3 (other victims), and "only KMar"
    without the sexual condition 3, so each wrong rule fails the first assert."""
    # Excluded: every report of the year from the KMar, sexual exploitation among the forms.
    builder.report("kmar_once", "2020-03-01", "kmar", ("sexual",))
    builder.report("kmar_twice", "2020-03-01", "kmar", ("labour",))
    builder.report("kmar_twice", "2020-07-01", "kmar", ("sexual",))
    # Included: the KMar next to any other reporter, before or after it, whatever the form.
    builder.report("kmar_then_police", "2020-03-01", "kmar", ("sexual",))
    builder.report("kmar_then_police", "2020-05-01", "police", ("sexual",))
    builder.report("police_then_kmar", "2020-02-01", "police", ("sexual",))
    builder.report("police_then_kmar", "2020-06-01", "kmar", ("sexual",))
    builder.report("kmar_and_fairwork", "2020-03-01", "kmar", ("sexual",))
    builder.report("kmar_and_fairwork", "2020-08-01", "fairwork", ("labour",))
    builder.report("kmar_same_day_other", "2020-04-01", "kmar", ("sexual",))
    builder.report("kmar_same_day_other", "2020-04-01", "other", ("sexual",))
    # Included: KMar only, but no sexual exploitation.
    builder.report("kmar_labour", "2020-03-01", "kmar", ("labour",))
    res = run_monitor(builder)
    assert rows(res, F + "2.1") == [{"year": 2020, "victims": 5, "victims_incl_kmar_only": 7}]
    # Reports of the excluded victims are in no figure; those of included ones are.
    assert value(res, F + "2.9_total", "reports", year=2020, reporter="kmar") == 5
    assert value(res, F + "2.9_total", "reports", year=2020, reporter="police") == 2
    assert value(res, F + "2.10", "victims", year=2020, police_unit="amsterdam") == 2
    assert value(res, F + "2.2", "victims", year=2020, form="labour") == 2


def test_police_report_without_unit_counts_under_unit_unknown(builder: ExtractBuilder,
                                                              run_monitor: RunMonitor):
    builder.report("v1", "2020-03-01", "police", ("labour",), police_unit=None)
    builder.report("v1", "2020-04-01", "police", ("labour",), police_unit="limburg")
    builder.report("v2", "2020-03-01", "fairwork", ("labour",))
    res = run_monitor(builder)
    assert value(res, F + "2.10", "victims", year=2020, police_unit="unknown") == 1
    assert value(res, F + "2.10", "victims", year=2020, police_unit="limburg") == 1
    assert res.table(F + "2.10").n == 2
    assert value(res, F + "2.9_total", "reports", year=2020, reporter="police") == 1
    assert value(res, F + "2.9_total", "reports", year=2020, reporter="fairwork") == 1


def test_kmar_only_exclusion_is_per_year(builder: ExtractBuilder, run_monitor: RunMonitor):
    builder.report("v1", "2019-06-01", "kmar", ("sexual",))
    builder.report("v1", "2020-06-01", "police", ("sexual",))
    res = run_monitor(builder)
    assert rows(res, F + "2.1") == [
        {"year": 2019, "victims": 0, "victims_incl_kmar_only": 1},
        {"year": 2020, "victims": 1, "victims_incl_kmar_only": 1},
    ]


def test_anonymous_reports_are_reports_not_victims(builder: ExtractBuilder,
                                                   run_monitor: RunMonitor):
    builder.report("v1", "2023-03-01", "police", ("sexual",))
    for reporter in ("fairwork", "fairwork", "other"):
        builder.report(None, "2023-04-01", reporter, ("labour",), anonymous=True,
                       nationality=None, sex=None, age_at_report=None)
    res = run_monitor(builder)
    assert rows(res, F + "2.1") == [{"year": 2023, "victims": 1, "victims_incl_kmar_only": 1}]
    assert rows(res, "anonymous_reports") == [{"year": 2023, "reports": 3}]
    assert value(res, "anonymous_reports_by_reporter", "reports", year=2023,
                 reporter="fairwork") == 2
    assert value(res, F + "2.2", "victims", year=2023, form="labour") == 0


def test_hierarchy_of_forms(builder: ExtractBuilder, run_monitor: RunMonitor):
    cases = {
        "all_three": ("sexual", "labour", "criminal"),
        "labour_criminal": ("labour", "criminal"),
        "criminal_organ": ("criminal", "organ"),
        "organ": ("organ",),
        "other": ("other",),
        "unknown": ("unknown",),
    }
    for pid, forms in cases.items():
        builder.report(pid, "2020-03-01", "police", forms, nationality="BG")
    res = run_monitor(builder)
    got = {r["form"]: r["victims"] for r in rows(res, F + "2.6", year=2020)}
    assert got == {"cross_border_sexual": 1, "labour": 1, "criminal": 1, "unknown": 3}
    every = {r["form"]: r["victims"] for r in rows(res, F + "2.2", year=2020)}
    # Every form: organ / other count under unknown, also next to criminal.
    assert every == {"cross_border_sexual": 1, "labour": 2, "criminal": 3, "unknown": 4}


def test_labour_sector_hierarchy_rarer_wins_other_work_last(builder: ExtractBuilder,
                                                            run_monitor: RunMonitor):
    for i in range(3):
        builder.report(f"h{i}", "2020-03-01", "fairwork", ("labour",), labour_sectors=["horeca"])
    builder.report("s1", "2020-03-01", "fairwork", ("labour",),
                   labour_sectors=["horeca", "shipping"])
    builder.report("o1", "2020-03-01", "fairwork", ("labour",),
                   labour_sectors=["other_work", "horeca"])
    builder.report("u1", "2020-03-01", "fairwork", ("labour",), labour_sectors=None)
    res = run_monitor(builder, focus_year=2020)
    got = {r["sector"]: r["victims"] for r in rows(res, F + "2.4a")}
    assert got == {"horeca": 4, "shipping": 1, "unknown": 1}
    assert {r["sector"]: r["victims"] for r in rows(res, F + "2.4c")} == got


def test_labour_by_month_of_first_report(builder: ExtractBuilder, run_monitor: RunMonitor):
    builder.report("v1", "2020-03-15", "fairwork", ("labour",))
    builder.report("v1", "2020-05-15", "police", ("labour",))
    builder.report("v2", "2020-04-01", "fairwork", ("labour",))
    builder.report("v3", "2019-04-01", "fairwork", ("labour",))
    res = run_monitor(builder, focus_year=2020)
    assert [(r["month"], r["victims"]) for r in rows(res, F + "2.4b")] == [(3, 1), (4, 1)]


def test_sexual_sector_known_only_first_known(builder: ExtractBuilder, run_monitor: RunMonitor):
    builder.report("v1", "2020-02-01", "police", ("sexual",), sexual_sector=None)
    builder.report("v1", "2020-03-01", "police", ("sexual",), sexual_sector="window")
    builder.report("v1", "2020-04-01", "police", ("sexual",), sexual_sector="escort_hotel")
    builder.report("v2", "2020-03-01", "police", ("sexual",), sexual_sector=None)
    res = run_monitor(builder)
    assert rows(res, F + "2.3") == [{"year": 2020, "sector": "window", "visibility": "visible",
                                     "victims": 1, "share": 100.0}]
    assert rows(res, F + "2.3_known") == [{"year": 2020, "victims": 2, "sector_known": 1,
                                           "share": 50.0}]


def test_criminal_manner(builder: ExtractBuilder, run_monitor: RunMonitor):
    builder.report("v1", "2020-02-01", "police", ("criminal",), criminal_manner="drugs")
    builder.report("v2", "2020-02-01", "police", ("criminal",), criminal_manner="drugs")
    builder.report("v3", "2020-02-01", "police", ("criminal",), criminal_manner=None)
    res = run_monitor(builder)
    assert value(res, F + "2.5", "victims", year=2020, manner="drugs") == 2
    assert value(res, F + "2.5", "share", year=2020, manner="drugs") == 66.7
    assert value(res, F + "2.5", "victims", year=2020, manner="unknown") == 1


def test_sex_first_known_and_unknown(builder: ExtractBuilder, run_monitor: RunMonitor):
    builder.report("v1", "2020-02-01", "police", ("labour",), sex=None)
    builder.report("v1", "2020-03-01", "fairwork", ("labour",), sex="male")
    builder.report("v2", "2020-02-01", "police", ("labour",), sex=None)
    res = run_monitor(builder)
    got = {r["sex"]: r["victims"] for r in rows(res, F + "2.6", year=2020, form="labour")}
    assert got == {"male": 1, "unknown": 1}


def test_police_unit_missing_is_unknown(builder: ExtractBuilder, run_monitor: RunMonitor):
    builder.report("v1", "2020-02-01", "police", ("labour",), police_unit=None)
    builder.report("v2", "2020-02-01", "inspectie_szw", ("labour",))
    res = run_monitor(builder)
    assert rows(res, F + "2.10") == [{"year": 2020, "police_unit": "unknown", "victims": 1}]


def test_fixed_column_names(builder: ExtractBuilder, run_monitor: RunMonitor):
    builder.report("v1", "2020-02-01", "police", ("sexual",), nationality="NL")
    builder.report(None, "2020-02-01", "other", ("sexual",), anonymous=True)
    res = run_monitor(builder)
    expect = {
        F + "2.1": ["year", "victims", "victims_incl_kmar_only"],
        F + "2.2": ["year", "form", "victims"],
        F + "2.6": ["year", "form", "sex", "victims"],
        F + "2.8": ["year", "form", "age_group", "victims"],
        F + "2.9": ["year", "form", "reporter", "reports"],
        F + "2.10": ["year", "police_unit", "victims"],
        "anonymous_reports": ["year", "reports"],
    }
    for name, columns in expect.items():
        got = list(res.table(name).rows[0])
        assert got[: len(columns)] == columns, name
        assert set(got) - set(columns) <= {"share"}, name


def test_age_shares_are_over_known_ages(builder: ExtractBuilder, run_monitor: RunMonitor):
    """Golden case of figure 2.8 (seed 003: shares of known ages; unknown is a count
    outside the denominator). 2 minors, 1 adolescent, 5 aged 23+, 2 unknown, all labour:
    known = 8, so minor 2/8 = 25.0%, adolescent 1/8 = 12.5%, 23+ 5/8 = 62.5%; over all
    ten (the old rule) they would be 20.0 / 10.0 / 50.0 and unknown 20.0."""
    ages = (15, 16, 20, 30, 31, 40, 50, 60, None, None)
    for i, age in enumerate(ages):
        builder.report(f"v{i}", "2020-03-01", "fairwork", ("labour",), age_at_report=age)
    res = run_monitor(builder)
    for name, match in ((F + "2.8_total", {}), (F + "2.8", {"form": "labour"})):
        got = {r["age_group"]: (r["victims"], r["share"])
               for r in rows(res, name, year=2020, **match)}
        assert got == {"minor": (2, 25.0), "adolescent": (1, 12.5), "23_plus": (5, 62.5),
                       "unknown": (2, None)}, name
    # Under 23 among the known: 3 of 8 = 37.5% (the seed's "34% younger than 23").
    assert sum(r["share"] for r in rows(res, F + "2.8_total", year=2020)
               if r["age_group"] in ("minor", "adolescent")) == 37.5


def test_age_shares_per_form_have_their_own_known_denominator(builder: ExtractBuilder,
                                                               run_monitor: RunMonitor):
    # Labour: 1 minor, 1 unknown -> minor 100%. Criminal: 1 minor, 3 aged 23+ -> 25 / 75.
    # Over all forms: 2 minors, 3 aged 23+ known (5) -> 40 / 60; unknown outside.
    builder.report("l1", "2020-03-01", "fairwork", ("labour",), age_at_report=16)
    builder.report("l2", "2020-03-01", "fairwork", ("labour",), age_at_report=None)
    builder.report("c1", "2020-03-01", "police", ("criminal",), age_at_report=17)
    for i in range(3):
        builder.report(f"c{i + 2}", "2020-03-01", "police", ("criminal",), age_at_report=35)
    res = run_monitor(builder)
    assert value(res, F + "2.8", "share", year=2020, form="labour", age_group="minor") == 100.0
    assert value(res, F + "2.8", "share", year=2020, form="criminal", age_group="minor") == 25.0
    assert value(res, F + "2.8", "share", year=2020, form="criminal",
                 age_group="23_plus") == 75.0
    assert value(res, F + "2.8_total", "share", year=2020, age_group="minor") == 40.0
    assert value(res, F + "2.8_total", "share", year=2020, age_group="23_plus") == 60.0
    assert value(res, F + "2.8_total", "share", year=2020, age_group="unknown") is None


def test_sexual_exploitation_with_unknown_nationality_is_sexual(builder: ExtractBuilder,
                                                                run_monitor: RunMonitor):
    """Golden case of figure 2.2 (seed 003: 2,819 victims of sexual exploitation in
    2016-2020, whatever their nationality). 2 Dutch, 3 foreign and 2 of unknown
    nationality with sexual exploitation (one of them also labour), 1 organ removal:
    sexual = 2 + 3 + 2 = 7; the form 'unknown' holds only the organ removal."""
    for i in range(2):
        builder.report(f"nl{i}", "2020-03-01", "police", ("sexual",), nationality="NL")
    for i, nat in enumerate(("RO", "NG", "HU")):
        builder.report(f"x{i}", "2020-03-01", "police", ("sexual",), nationality=nat)
    builder.report("u1", "2020-03-01", "police", ("sexual",), nationality=None)
    builder.report("u2", "2020-03-01", "police", ("sexual", "labour"), nationality=None)
    builder.report("organ", "2020-03-01", "police", ("organ",), nationality="NL")
    res = run_monitor(builder)
    every = {r["form"]: r["victims"] for r in rows(res, F + "2.2", year=2020)}
    assert every == {"domestic_sexual": 2, "cross_border_sexual": 3, "sexual_unknown": 2,
                     "labour": 1, "unknown": 1}
    sexual = ("domestic_sexual", "cross_border_sexual", "sexual_unknown")
    assert sum(every[f] for f in sexual) == 7
    # The hierarchy puts u2 under sexual exploitation too (sexual > labour).
    by_form = {r["form"]: r["victims"] for r in rows(res, F + "2.6", year=2020)}
    assert by_form == {"domestic_sexual": 2, "cross_border_sexual": 3, "sexual_unknown": 2,
                       "unknown": 1}
    # Figure 2.3_known counts every victim of sexual exploitation (the seed's n=2,819).
    assert value(res, F + "2.3_known", "victims", year=2020) == 7


def test_period_chooses_the_years_of_chapter_2(builder: ExtractBuilder,
                                               run_monitor: RunMonitor) -> None:
    # Labour victims: one in 2018, two in 2019, three in 2020.
    for year, n in ((2018, 1), (2019, 2), (2020, 3)):
        for i in range(n):
            builder.report(f"v{year}{i}", f"{year}-03-01", "police", ("labour",))
    everything = run_monitor(builder)
    assert everything.table(F + "2.4a").rows[0]["period"] == "2018-2020"
    assert sum(r["victims"] for r in everything.table(F + "2.4a").rows) == 6
    res = run_monitor(builder, period=(2019, 2020))
    # 2.4a sums the period and names it; yearly figures keep its years; 2.4b/c its last.
    a = res.table(F + "2.4a")
    assert {r["period"] for r in a.rows} == {"2019-2020"}
    assert sum(r["victims"] for r in a.rows) == 5
    assert "2019-2020" in a.title_en and "2019-2020" in a.title_nl
    assert [r["year"] for r in res.table(F + "2.1").rows] == [2019, 2020]
    assert res.table(F + "2.4c").rows[0]["year"] == 2020
    assert res.meta["years"] == [2019, 2020]


def test_a_period_after_its_end_is_refused(builder: ExtractBuilder,
                                           run_monitor: RunMonitor) -> None:
    from zicht.core.errors import ConfigError

    builder.report("v1", "2020-03-01", "police", ("labour",))
    with pytest.raises(ConfigError, match="first year is after the last"):
        run_monitor(builder, period=(2021, 2019))
