"""Golden cases of the source figures: residence scheme (2.11-2.15), the justice chain
and chat signals."""

from __future__ import annotations

from monitor_extract import ExtractBuilder, RunMonitor, rows, value

F = "figures/"


def _ind(b: ExtractBuilder, did: str, pid: str | None, qualification: str, date: str,
         **fields: object) -> None:
    b.source("ind_decisions", decision_id=did, person_pid=pid, qualification=qualification,
             decision_date=date, **fields)


def test_residence_scheme_figures(builder: ExtractBuilder, run_monitor: RunMonitor):
    builder.report("v1", "2020-03-01", "police", ("sexual",), nationality="NG")
    builder.report("v2", "2020-03-01", "police", ("sexual",), nationality="NL")
    builder.report("v3", "2020-03-01", "kmar", ("sexual",), nationality="BR")  # excluded
    _ind(builder, "d1", "p1", "779", "2020-01-10", nationality="NG", sex="female")
    _ind(builder, "d2", "p1", "420", "2020-03-10", outcome="granted", dublin_indication=True,
         nationality="NG")
    _ind(builder, "d3", "p2", "421", "2020-05-10", outcome="rejected", dublin_indication=False,
         nationality="VN", sex="male")
    _ind(builder, "d4", "p3", "420", "2019-05-10", outcome=None, dublin_indication=True,
         nationality="PL")
    _ind(builder, "d5", "p1", "305", "2020-11-10", outcome="granted", ground="prosecution")
    _ind(builder, "d6", None, "301", "2020-12-10", outcome="rejected", nationality="UG")
    res = run_monitor(builder)
    series = {r["series"]: r["number"] for r in rows(res, F + "2.11", year=2020)}
    assert series == {"reflection_offers": 1, "temporary_decisions": 2,
                      "continued_decisions": 2, "registered_foreign_victims": 1}
    assert value(res, F + "2.12", "decisions", year=2020, dublin_indication="yes") == 1
    assert value(res, F + "2.12", "decisions", year=2020, dublin_indication="no") == 1
    assert value(res, F + "2.13", "decisions", year=2019, outcome="other") == 1
    assert value(res, F + "2.14", "decisions", year=2020, outcome="granted") == 1
    assert value(res, F + "2.14_ground", "decisions", year=2020, ground="prosecution") == 1
    # p1 has three decisions and counts once; the decision without a pseudonym counts once.
    regions = {r["origin_region"]: r["persons"] for r in rows(res, F + "2.15")}
    assert regions == {"eu": 1, "africa": 2, "asia": 1}


def test_residence_users_are_counted_by_foreigner_number(builder: ExtractBuilder,
                                                          run_monitor: RunMonitor):
    # The IND gives the foreigner number on every decision; the person pseudonym only
    # for persons in the population register (most foreign victims are not).
    builder.report("v1", "2020-03-01", "police", ("sexual",), nationality="NG")
    _ind(builder, "d1", None, "779", "2020-01-10", v_number="vA", nationality="NG")
    _ind(builder, "d2", None, "420", "2020-03-10", v_number="vA", nationality="NG")
    _ind(builder, "d3", None, "305", "2021-03-10", v_number="vA", nationality="NG")
    _ind(builder, "d4", "p2", "420", "2020-05-10", v_number="vB", nationality="VN")
    _ind(builder, "d5", "p2", "305", "2021-05-10", v_number="vB", nationality="VN")
    _ind(builder, "d6", None, "420", "2020-06-10", nationality="UG")  # no key: a person
    _ind(builder, "d7", None, "305", "2021-06-10", nationality="UG")  # ... and another
    res = run_monitor(builder)
    # Hand count: vA (3 decisions) 1 + vB (2) 1 + two decisions without a key 2 = 4.
    regions = {r["origin_region"]: r["persons"] for r in rows(res, F + "2.15")}
    assert regions == {"africa": 3, "asia": 1}
    assert sum(r["persons"] for r in rows(res, F + "2.15_sex")) == 4


def _case(b: ExtractBuilder, cid: str, form: str, **fields: object) -> None:
    b.source("justice_cases", case_id=cid, incident_id=f"i{cid}", form=form, **fields)


def test_justice_chain_rates(builder: ExtractBuilder, run_monitor: RunMonitor):
    builder.report("v1", "2023-03-01", "police", ("sexual",))
    for i in range(4):
        _case(builder, f"s{i}", "sexual", incident_year=2022, suspect_known=i < 3,
              victim_report=True, prosecution_year=2023,
              prosecution_decision="summons" if i < 1 else "dismissal")
    _case(builder, "l1", "labour", incident_year=2022, suspect_known=False,
          victim_report=False, prosecution_year=2023, prosecution_decision="summons",
          court_year=2023, court_decision="convicted", unconditional_prison_days=300)
    _case(builder, "l2", "labour", incident_year=2022, court_year=2023,
          court_decision="convicted", unconditional_prison_days=900)
    _case(builder, "l3", "labour", incident_year=2022, court_year=2023,
          court_decision="convicted", unconditional_prison_days=0)
    _case(builder, "l4", "labour", incident_year=2022, court_year=2023,
          court_decision="acquitted")
    res = run_monitor(builder)
    t = "justice_chain/"
    assert value(res, t + "cases", "suspects_known", year=2022, form="sexual") == 3
    assert value(res, t + "cases", "cases", year=2022, form="all") == 8
    assert value(res, t + "prosecution", "summons_rate", year=2023, form="all") == 40.0
    assert value(res, t + "prosecution", "summons", year=2023, form="sexual") == 1
    assert value(res, t + "courts", "conviction_rate", year=2023, form="labour") == 75.0
    # Mean prison over convictions with unconditional prison only (300 and 900 days).
    assert value(res, t + "courts", "mean_prison_days", year=2023, form="labour") == 600.0


def test_justice_incidents_from_police(builder: ExtractBuilder, run_monitor: RunMonitor):
    builder.report("v1", "2020-03-01", "police", ("sexual",))
    incidents = [("i1", "p1", "F561", True), ("i1", "p2", "F561", False),
                 ("i2", "p1", "F563", True), ("i3", "p3", "F5293", False),
                 ("i4", "p4", "V100", True)]  # not a trafficking code
    for iid, pid, code, report in incidents:
        builder.source("police_incidents", incident_id=iid, person_pid=pid, role="victim",
                       offence_code=code, registration_date="2020-05-01",
                       victim_report=report)
    res = run_monitor(builder)
    t = "justice_chain/incidents"
    assert value(res, t, "incidents", year=2020, form="all") == 3
    assert value(res, t, "victims", year=2020, form="sexual") == 2
    assert value(res, t, "victim_reports", year=2020, form="all") == 2
    assert value(res, t, "victim_reports_share", year=2020, form="criminal") == 50.0
    assert value(res, t, "incidents", year=2020, form="unknown") == 1


def test_justice_incident_with_two_codes_counts_its_victim_once_in_all(
        builder: ExtractBuilder, run_monitor: RunMonitor):
    builder.report("v1", "2020-03-01", "police", ("sexual",))
    # One victim, one incident, registered with two trafficking codes (rows), the
    # report by the victim on one of them; a second victim without a person pseudonym.
    rows_ = [("i1", "p1", "F561", False), ("i1", "p1", "F563", True),
             ("i1", None, "F561", False)]
    for iid, pid, code, report in rows_:
        builder.source("police_incidents", incident_id=iid, person_pid=pid, role="victim",
                       offence_code=code, registration_date="2020-05-01",
                       victim_report=report)
    res = run_monitor(builder)
    t = "justice_chain/incidents"
    assert value(res, t, "victims", year=2020, form="sexual") == 2
    assert value(res, t, "victims", year=2020, form="criminal") == 1
    assert value(res, t, "victims", year=2020, form="all") == 2  # not 3
    assert value(res, t, "victim_reports", year=2020, form="all") == 1
    assert value(res, t, "incidents", year=2020, form="all") == 1


def _chat(b: ExtractBuilder, cid: str, visitor: str, date: str, **fields: object) -> None:
    base = {"trafficking_question": True, "about": "self", "minor": False, "forms": ["sexual"],
            "still_unsafe": False, "duration": "unknown", "parents_exploiters": False,
            "several_perpetrators": False}
    base.update(fields)
    b.source("chat_contacts", contact_id=cid, visitor_key=visitor, contact_date=date, **base)


def test_chat_visitors_deduplicated(builder: ExtractBuilder, run_monitor: RunMonitor):
    builder.report("v1", "2020-03-01", "police", ("sexual",))
    _chat(builder, "c1", "a", "2020-01-01", about="other")
    _chat(builder, "c2", "a", "2020-02-01", about="self", minor=True, duration="1_5y")
    _chat(builder, "c3", "a", "2020-03-01", duration="gt_5y", still_unsafe=True)
    _chat(builder, "c4", "b", "2020-01-01", about="other", forms=[])
    _chat(builder, "c5", "c", "2020-01-01", forms=["criminal", "sexual"])
    _chat(builder, "c6", "d", "2020-01-01", trafficking_question=False)
    res = run_monitor(builder)
    # a: self (sexual), b: other (no form), c: self (criminal + sexual).
    assert rows(res, "chat/visitors") == [{"year": 2020, "visitors": 3, "victims": 2,
                                           "sexual": 2, "criminal": 1, "minors": 1}]
    t = "chat/signals"
    assert value(res, t, "visitors", year=2020, visitor_group="visitors",
                 measure="about_other") == 1
    assert value(res, t, "visitors", year=2020, visitor_group="victims",
                 measure="exploited_gt_5y") == 1
    assert value(res, t, "share", year=2020, visitor_group="victims",
                 measure="exploited_gt_1y") == 50.0
    assert value(res, t, "visitors", year=2020, visitor_group="criminal",
                 measure="criminal_and_sexual") == 1


def test_chat_forms_count_over_all_visitors_as_the_factsheet(builder: ExtractBuilder,
                                                             run_monitor: RunMonitor):
    """Golden case of factsheet 001 (314 visitors: 285 victims themselves, 278 sexual,
    36 criminal, the forms over all visitors). Visitors: s1, s2 self sexual; s3 self
    criminal + sexual; o1 about someone else, sexual; o2 about someone else, criminal;
    o3 about someone else, no form; x1 no trafficking question (out).
    Hand count: visitors 6, victims themselves 3, sexual 4 (s1 s2 s3 o1), criminal 2
    (s3 o2); victims themselves only would give sexual 3, criminal 1."""
    builder.report("v1", "2020-03-01", "police", ("sexual",))
    _chat(builder, "c1", "s1", "2020-01-01")
    _chat(builder, "c2", "s2", "2020-02-01")
    _chat(builder, "c3", "s2", "2020-05-01")  # a second contact: still one visitor
    _chat(builder, "c4", "s3", "2020-02-01", forms=["criminal", "sexual"])
    _chat(builder, "c5", "o1", "2020-03-01", about="other")
    _chat(builder, "c6", "o2", "2020-03-01", about="other", forms=["criminal"])
    _chat(builder, "c7", "o3", "2020-03-01", about="other", forms=[])
    _chat(builder, "c8", "x1", "2020-03-01", trafficking_question=False)
    res = run_monitor(builder)
    assert rows(res, "chat/visitors") == [{"year": 2020, "visitors": 6, "victims": 3,
                                           "sexual": 4, "criminal": 2, "minors": 0}]
    t = "chat/signals"
    assert value(res, t, "visitors", year=2020, visitor_group="sexual", measure="total") == 4
    assert value(res, t, "visitors", year=2020, visitor_group="criminal", measure="total") == 2
    # Victims themselves stay a line of their own, with their own forms.
    assert value(res, t, "visitors", year=2020, visitor_group="victims", measure="total") == 3
    assert value(res, t, "visitors", year=2020, visitor_group="victims", measure="sexual") == 3
    assert value(res, t, "visitors", year=2020, visitor_group="victims",
                 measure="criminal") == 1
    # Half of the criminal group is also sexual (s3 of s3, o2): the factsheet's "ruim de
    # helft" is a share of this group.
    assert value(res, t, "share", year=2020, visitor_group="criminal",
                 measure="criminal_and_sexual") == 50.0


def test_missing_sources_are_skipped_and_listed(builder: ExtractBuilder,
                                                run_monitor: RunMonitor):
    builder.report("v1", "2020-03-01", "police", ("sexual",))
    res = run_monitor(builder)
    assert not any(n.startswith(("justice_chain", "chat", "figures/2.11")) for n in res.names())
    assert len(res.skipped) == 4
