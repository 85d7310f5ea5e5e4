"""The rule tables: every row reachable, nothing falls through, the docs match them."""

from __future__ import annotations

import itertools
from pathlib import Path

import duckdb
import pytest

from zicht.core import codes as c
from zicht.research import classify as cl

ROOT = Path(__file__).resolve().parents[2]

FORM_FLAGS = ("has_sexual", "has_labour", "has_criminal", "has_other_form", "is_dutch",
              "nationality_known")


def _form_cases() -> list[dict[str, bool]]:
    cases = []
    for bits in itertools.product((False, True), repeat=len(FORM_FLAGS)):
        case = dict(zip(FORM_FLAGS, bits, strict=True))
        if case["is_dutch"] and not case["nationality_known"]:
            continue  # Dutch implies a known nationality
        cases.append(case)
    return cases


def _classify(table: cl.RuleTable, cases: list[dict[str, object]]) -> list[str | None]:
    con = duckdb.connect()
    out = []
    for case in cases:
        cols = ", ".join(f"{_literal(v)} AS {k}" for k, v in case.items())
        out.append(con.execute(f"SELECT {cl.case_sql(table)} FROM (SELECT {cols}) t")
                   .fetchone()[0])
    return out


def _literal(v: object) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    return f"'{v}'"


def test_form_hierarchy_is_exhaustive_and_every_row_reachable():
    got = _classify(cl.FORM, _form_cases())
    assert None not in got
    assert set(got) == set(cl.FORM.codes())


@pytest.mark.parametrize(("flags", "expected"), [
    ({"has_sexual": True, "is_dutch": True, "nationality_known": True, "has_labour": True},
     "domestic_sexual"),
    ({"has_sexual": True, "nationality_known": True, "has_criminal": True},
     "cross_border_sexual"),
    # Sexual of unknown kind (no nationality) is still sexual: it outranks labour.
    ({"has_sexual": True, "has_labour": True}, "sexual_unknown"),
    ({"has_sexual": True}, "sexual_unknown"),
    ({"has_labour": True, "has_criminal": True}, "labour"),
    ({"has_criminal": True, "has_other_form": True}, "criminal"),
    ({"has_other_form": True}, "unknown"),
    ({}, "unknown"),
])
def test_form_hierarchy(flags: dict[str, bool], expected: str):
    case = {f: flags.get(f, False) for f in FORM_FLAGS}
    assert _classify(cl.FORM, [case]) == [expected]


@pytest.mark.parametrize(("age", "group"), [
    (0, "minor"), (17, "minor"), (18, "adolescent"), (22, "adolescent"), (23, "23_plus"),
    (80, "23_plus"), (None, "unknown"),
])
def test_age_groups(age: int | None, group: str):
    con = duckdb.connect()
    got = con.execute(f"SELECT {cl.case_sql(cl.AGE_GROUP)} FROM "
                      f"(SELECT CAST({_literal(age)} AS SMALLINT) AS age) t").fetchone()[0]
    assert got == group


@pytest.mark.parametrize(("dutch", "nationality", "region"), [
    (True, "NL", "netherlands"), (True, "MA", "netherlands"), (False, "PL", "eu"),
    (False, "GB", "other_europe"), (False, "UA", "other_europe"), (False, "NG", "africa"),
    (False, "VN", "asia"), (False, "BR", "latin_america"), (False, "US", "other_unknown"),
    (False, None, "other_unknown"),
])
def test_origin_regions(dutch: bool, nationality: str | None, region: str):
    assert _classify(cl.ORIGIN_REGION, [{"is_dutch": dutch, "nationality": nationality}]) \
        == [region]


def test_region_lists_do_not_overlap():
    from zicht.research import regions

    lists = [regions.EU, regions.OTHER_EUROPE, regions.AFRICA, regions.ASIA,
             regions.LATIN_AMERICA]
    flat = [x for lst in lists for x in lst]
    assert len(flat) == len(set(flat))
    assert "NL" not in flat


def test_exclusion_needs_sexual_and_only_kmar():
    rule = cl.EXCLUSION.rule("kmar_only_sexual")
    con = duckdb.connect()
    got = {
        (s, k): con.execute(f"SELECT ({rule.sql}) FROM (SELECT {s} AS has_sexual, "
                            f"{k} AS only_kmar) t").fetchone()[0]
        for s in (True, False) for k in (True, False)
    }
    assert got == {(True, True): True, (True, False): False, (False, True): False,
                   (False, False): False}


def test_labour_sector_order_rarest_first_other_work_last():
    freq = {"horeca": 10, "shipping": 1, "other_work": 0, "agriculture": 5}
    order = [r.code for r in cl.order_labour_sectors(freq)]
    assert order[0] in {s.code for s in c.LABOUR_SECTORS} - set(freq)  # never named = rarest
    assert order.index("shipping") < order.index("agriculture") < order.index("horeca")
    assert order[-2:] == ["other_work", "unknown"]


def test_justice_form_from_offence_codes():
    cases = [{"offence_code": code} for code in cl.TRAFFICKING_CODES]
    assert _classify(cl.JUSTICE_FORM, cases) == [
        "unknown", "sexual", "labour", "criminal", "other", "other"]


def test_ind_procedure_from_qualification():
    cases = [{"qualification": q} for q in ("779", "420", "421", "305", "301", "999")]
    assert _classify(cl.IND_PROCEDURE, cases) == [
        "reflection", "temporary", "temporary", "continued", "continued", "other"]


def test_every_table_ends_with_a_catch_all_or_is_a_list():
    for table in cl.RULE_TABLES:
        if table.name in ("counting", "chat_group", "chat_measure"):
            continue
        assert table.rules[-1].sql == "TRUE" or table.name == "form", table.name
        assert len(set(table.codes())) == len(table.codes()), table.name


def test_labels_come_from_core_codes():
    for rule in cl.FORM.rules:
        assert (rule.en, rule.nl) == next((x.en, x.nl) for x in c.FORMS if x.code == rule.code)


def test_docs_match_the_rule_tables():
    doc = ROOT / "docs" / "classification.md"
    assert doc.read_text() == cl.render_markdown() + "\n", (
        "docs/classification.md is out of date: python -m zicht.research.classify "
        "> docs/classification.md")


def test_rules_document_lists_every_rule():
    doc = cl.rules_document()
    assert set(doc) == {t.name for t in cl.RULE_TABLES}
    assert doc["form"]["rules"][0]["code"] == "domestic_sexual"
