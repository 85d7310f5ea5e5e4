"""Golden cases of the figures issue 14 found missing: the Dublin indication, the labour
sector by reporter, residence-scheme users by age and nationality, the justice chain by
registering agency, suspects by age and origin, and the chat's circumstances. Every
expected value is counted by hand from the rows below."""

from __future__ import annotations

from pathlib import Path

from monitor_extract import ExtractBuilder, RunMonitor, d, rows, value


def test_dublin_indication_by_form_and_drug_sector(builder: ExtractBuilder,
                                                   run_monitor: RunMonitor) -> None:
    crim = ("criminal",)
    builder.report("v1", "2020-02-01", "police", crim, nationality="NG",
                   criminal_manner="drugs", dublin_indication=True)
    # v2: one report says no, a later one says nothing: 'no'
    builder.report("v2", "2020-02-01", "police", crim, nationality="NG",
                   criminal_manner="drugs", dublin_indication=False)
    builder.report("v2", "2020-06-01", "other", crim, nationality="NG")
    # v3: any report saying yes makes the year 'yes' (no first, yes later)
    builder.report("v3", "2020-02-01", "police", crim, nationality="NL",
                   criminal_manner="drugs", dublin_indication=False)
    builder.report("v3", "2020-05-01", "other", crim, nationality="NL",
                   dublin_indication=True)
    builder.report("v4", "2020-02-01", "police", crim, nationality="NL",
                   criminal_manner="drugs")
    builder.report("v5", "2020-02-01", "police", ("sexual",), nationality="BR",
                   dublin_indication=True)
    builder.report("v6", "2020-02-01", "kmar", ("sexual",), nationality="BR",
                   dublin_indication=True)  # KMar-only sexual: excluded
    res = run_monitor(builder)
    crim_rows = {r["dublin_indication"]: (r["victims"], r["share"])
                 for r in rows(res, "dublin/by_form", year=2020, form="criminal")}
    # known: v1 yes, v3 yes, v2 no -> 2 of 3 yes; v4 unknown outside the denominator
    assert crim_rows == {"yes": (2, 66.7), "no": (1, 33.3), "unknown": (1, None)}
    assert value(res, "dublin/by_form", "victims", year=2020, form="cross_border_sexual",
                 dublin_indication="yes") == 1
    total = {r["dublin_indication"]: r["victims"] for r in rows(res, "dublin/total", year=2020)}
    assert total == {"yes": 3, "no": 1, "unknown": 1}
    # drug sector: v1-v4; African with a Dublin indication: v1 only (v3 is Dutch)
    drugs = rows(res, "dublin/criminal_drugs", year=2020)[0]
    assert (drugs["victims"], drugs["african_dublin"], drugs["share"]) == (4, 1, 25.0)


def test_labour_sector_known_by_reporter(builder: ExtractBuilder,
                                         run_monitor: RunMonitor) -> None:
    lab = ("labour",)
    builder.report("v1", "2020-03-01", "fairwork", lab)
    builder.report("v2", "2020-03-01", "fairwork", lab, labour_sectors=["horeca"])
    # v3: FairWork gives no sector, the inspectorate does: known for both reporters
    builder.report("v3", "2020-03-01", "fairwork", lab)
    builder.report("v3", "2020-04-01", "inspectie_szw", lab, labour_sectors=["agriculture"])
    builder.report("v4", "2020-03-01", "inspectie_szw", lab)
    builder.report("v5", "2020-03-01", "fairwork", ("sexual",))  # not labour
    res = run_monitor(builder)
    fw = rows(res, "figures/2.4_by_reporter", year=2020, reporter="fairwork")[0]
    assert (fw["victims"], fw["sector_known"], fw["sector_unknown"], fw["share_unknown"]) \
        == (3, 2, 1, 33.3)
    szw = rows(res, "figures/2.4_by_reporter", year=2020, reporter="inspectie_szw")[0]
    assert (szw["victims"], szw["sector_unknown"], szw["share_unknown"]) == (2, 1, 50.0)


def test_residence_users_by_age_group_and_nationality(builder: ExtractBuilder,
                                                      run_monitor: RunMonitor) -> None:
    builder.report("v1", "2020-03-01", "police", ("sexual",))

    def ind(did: str, pid: str | None, date: str, birth: int | None, nat: str) -> None:
        builder.source("ind_decisions", decision_id=did, person_pid=pid, qualification="420",
                       decision_date=date, outcome="granted", birth_year=birth,
                       nationality=nat)

    ind("d1", "p1", "2019-06-01", 2003, "NG")  # 2019 - 2003 - 1 = 15: minor
    ind("d2", "p1", "2020-06-01", 2003, "NG")  # the same person again: counts once
    ind("d3", "p2", "2020-06-01", 1998, "NG")  # 21: adolescent
    ind("d4", "p3", "2020-06-01", 1997, "UG")  # 22: adolescent
    ind("d5", "p4", "2019-06-01", 1990, "UG")  # 28: 23 and older
    ind("d6", None, "2020-06-01", None, "NG")  # no pseudonym, no birth year: unknown age
    res = run_monitor(builder)
    ages = {r["age_group"]: (r["persons"], r["share"])
            for r in rows(res, "figures/2.15_age_group")}
    assert ages == {"minor": (1, 25.0), "adolescent": (2, 50.0), "23_plus": (1, 25.0),
                    "unknown": (1, None)}
    top = [(r["rank"], r["nationality"], r["persons"], r["share"])
           for r in rows(res, "figures/2.15_nationalities")]
    assert top == [(1, "NG", 3, 60.0), (2, "UG", 2, 40.0)]
    assert res.table("figures/2.15_nationalities").n == 5


def test_justice_chain_by_registering_agency(builder: ExtractBuilder,
                                             run_monitor: RunMonitor) -> None:
    builder.report("v1", "2021-03-01", "police", ("sexual",))

    def case(cid: str, form: str, agency: str, known: bool) -> None:
        builder.source("justice_cases", case_id=cid,
                       incident_id=None if agency == "nla" else f"i{cid}", form=form,
                       incident_year=2021, suspect_known=known, registering_agency=agency)

    case("c1", "sexual", "police", True)
    case("c2", "labour", "police", False)
    case("c3", "labour", "nla", True)
    case("c4", "criminal", "police", True)
    res = run_monitor(builder)
    t = "justice_chain/by_agency"
    nla = rows(res, t, year=2021, registering_agency="nla", form="all")[0]
    assert (nla["cases"], nla["cases_share"]) == (1, 25.0)
    labour = rows(res, t, year=2021, registering_agency="all", form="labour")[0]
    # 2 of 4 cases; 1 of the 3 investigations (cases with a known suspect)
    assert (labour["cases"], labour["cases_share"], labour["investigations"],
            labour["investigations_share"]) == (2, 50.0, 1, 33.3)
    assert value(res, t, "cases", year=2021, registering_agency="police", form="all") == 3


def test_suspects_by_age_group_and_origin(builder: ExtractBuilder,
                                          run_monitor: RunMonitor) -> None:
    builder.report("v1", "2022-03-01", "police", ("sexual",))
    for iid, pid, code, nat in (("i1", "p1", "F561", "NL"), ("i1", "p2", "F561", "RO"),
                                ("i2", "p3", "F561", "RO"), ("i3", "p4", "F561", None),
                                ("i4", "p5", "F562", "PL")):
        builder.source("police_incidents", incident_id=iid, person_pid=pid, role="victim",
                       offence_code=code, registration_date="2022-02-01", nationality=nat)
    for sid, iid, code, age, nat in (("s1", "i1", "F561", 19, "NL"),
                                     ("s2", "i1", "F561", 30, "NL"),
                                     ("s3", "i1", "F561", None, None),
                                     ("s4", "i2", "F561", 17, "RO"),
                                     ("s5", "i3", "F561", 40, "NG"),
                                     ("s6", "i4", "F562", 50, "PL")):
        builder.source("police_suspects", suspect_id=sid, incident_id=iid,
                       registration_date="2022-02-01", offence_code=code,
                       age_at_registration=age, nationality=nat)
    res = run_monitor(builder)
    t = "justice_chain/suspects_age"

    def ages(form: str) -> dict[str, tuple[int, float | None]]:
        return {r["age_group"]: (r["suspects"], r["share"])
                for r in rows(res, t, year=2022, form=form)}

    # i1 has a Dutch victim (and a Romanian one): domestic; i2 cross-border; i3's
    # victim has no known nationality: unknown form
    assert ages("domestic_sexual") == {"adolescent": (1, 50.0), "23_plus": (1, 50.0),
                                       "unknown": (1, None)}
    assert ages("cross_border_sexual") == {"minor": (1, 100.0)}
    assert ages("unknown") == {"23_plus": (1, 100.0)}
    assert ages("all") == {"minor": (1, 20.0), "adolescent": (1, 20.0),
                           "23_plus": (3, 60.0), "unknown": (1, None)}
    origin = {r["origin_region"]: r["suspects"]
              for r in rows(res, "justice_chain/suspects_origin", year=2022, form="all")}
    assert origin["netherlands"] == 2 and origin["eu"] == 2 and origin["africa"] == 1


def test_chat_circumstances(builder: ExtractBuilder, run_monitor: RunMonitor) -> None:
    builder.report("v1", "2020-03-01", "police", ("sexual",))

    def contact(cid: str, key: str, date: str, about: str, forms: list[str],
                **fields: object) -> None:
        builder.source("chat_contacts", contact_id=cid, visitor_key=key, contact_date=date,
                       trafficking_question=True, about=about, forms=forms, **fields)

    # a: the manner only in the second contact: the first known answer counts
    contact("c1", "a", "2020-01-05", "self", ["criminal"], met_where="online",
            first_disclosure=True)
    contact("c2", "a", "2020-02-05", "self", ["criminal"], criminal_manner="drugs")
    contact("c3", "b", "2020-03-05", "other", ["criminal"], criminal_manner="property",
            met_where="school_or_work")
    contact("c4", "c", "2020-04-05", "self", ["sexual"], first_disclosure=False)
    res = run_monitor(builder)

    def answers(question: str) -> dict[str, tuple[int, float | None]]:
        return {r["answer"]: (r["visitors"], r["share"])
                for r in rows(res, "chat/circumstances", year=2020, question=question)}

    assert answers("criminal_manner") == {"drugs": (1, 50.0), "property": (1, 50.0)}
    assert answers("met_where") == {"online": (1, 50.0), "school_or_work": (1, 50.0),
                                    "unknown": (1, None)}
    # first disclosure over victims themselves only (a and c; b asks about someone else)
    assert answers("first_disclosure") == {"yes": (1, 50.0), "no": (1, 50.0)}


def test_older_sources_without_the_new_columns(builder: ExtractBuilder,
                                              tmp_path: Path) -> None:
    """An extract from before these columns: a case without a police incident is the
    NLA's, and the chat circumstances are skipped (not an error)."""
    import pyarrow as pa

    from zicht.research.monitor import compute_monitor
    from zicht.research.store import open_extract

    builder.report("v1", "2021-03-01", "police", ("sexual",))
    cases = pa.table({"case_id": ["c1", "c2", "c3"], "incident_id": ["i1", None, "i3"],
                      "form": ["sexual", "labour", "labour"],
                      "incident_year": pa.array([2021, 2021, 2021], pa.int32()),
                      "suspect_known": [True, True, False],
                      "victim_report": [False, False, False],
                      "prosecution_year": pa.array([None] * 3, pa.int32()),
                      "prosecution_decision": pa.array([None] * 3, pa.string()),
                      "court_year": pa.array([None] * 3, pa.int32()),
                      "court_decision": pa.array([None] * 3, pa.string()),
                      "unconditional_prison_days": pa.array([None] * 3, pa.int32())})
    chat = pa.table({"contact_id": ["c1"], "visitor_key": ["a"],
                     "contact_date": pa.array([d("2021-01-01")], pa.date32()),
                     "trafficking_question": [True], "about": ["self"], "minor": [False],
                     "forms": [["sexual"]], "still_unsafe": [True], "duration": ["lt_1y"],
                     "parents_exploiters": [False], "several_perpetrators": [False]})
    store = open_extract(builder.write(tmp_path / "old",
                                       {"justice_cases": cases, "chat_contacts": chat}))
    try:
        res = compute_monitor(store)
    finally:
        store.close()
    nla = rows(res, "justice_chain/by_agency", year=2021, registering_agency="nla",
               form="all")[0]
    assert (nla["cases"], nla["investigations"]) == (1, 1)
    assert "chat/visitors" in res.names() and "chat/circumstances" not in res.names()
