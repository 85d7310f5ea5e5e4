"""Golden cases of the registry figures (2.1-2.10, anonymous reports): each test is a
hand-built extract where a wrong rule gives a different number."""

from __future__ import annotations

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
    # Sexual exploitation without a known nationality cannot be split: unknown kind.
    assert value(res, F + "2.2", "victims", year=2020, form="unknown") == 1
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
