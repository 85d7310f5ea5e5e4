"""The one validator: every rule of the import contract, table-driven."""

from __future__ import annotations

import datetime as dt

import pytest
from reports_factory import report

from zicht.registry.record import bsn_passes_eleven_test, validate_records

TODAY = dt.date(2024, 6, 1)


def problems_of(**overrides: str) -> list[tuple[str | None, str]]:
    batch = validate_records([report(**overrides)], [2], today=TODAY)
    return [(p.field, p.message) for p in batch.problems]


def test_valid_row_gives_a_record() -> None:
    batch = validate_records([report()], [2], today=TODAY)
    assert batch.problems == []
    rec = batch.records[0]
    assert rec.forms == ["sexual", "labour"] and rec.labour_sector == ["cleaning", "horeca"]
    assert rec.org_code == "police:amsterdam" and not rec.anonymous


@pytest.mark.parametrize(("overrides", "field", "fragment"), [
    ({"reporter": "postman"}, "reporter", "'police'"),
    ({"report_date": "2024-13-01"}, "report_date", "date"),
    ({"report_date": "2024-06-02"}, "report_date", "future"),
    ({"birth_date": "2030-01-01"}, "birth_date", "future"),
    ({"birth_date": "", "birth_year": "2025"}, "birth_year", "future"),
    ({"bsn": "123456789"}, "bsn", "eleven-test"),
    ({"bsn": "12345"}, "bsn", "eleven-test"),
    ({"forms": ""}, "forms", "required"),
    ({"forms": "sexual;dancing"}, "forms", "'sexual'"),
    ({"police_unit": ""}, "police_unit", "required when reporter is police"),
    ({"police_unit": "gotham"}, "police_unit", "'amsterdam'"),
    ({"reporter": "fairwork"}, "police_unit", "only for reporter police"),
    ({"reporter": "fairwork", "police_unit": ""}, "consent", "required for reporter fairwork"),
    ({"reporter": "care_coordinator", "police_unit": "", "consent": "no"}, "family_name",
     "anonymous report"),
    ({"birth_year": "1999"}, "birth_year", "birth_date is given"),
    ({"municipality": "Amsterdam"}, "municipality", "pattern"),
    ({"nationality": "NLD"}, "nationality", "pattern"),
    ({"exploitation_start": "2023-02-01", "exploitation_end": "2023-01-01"},
     "exploitation_end", "before"),
    ({"consent": "maybe"}, "consent", "'yes'"),
])
def test_each_rule_refuses_with_field_and_reason(overrides: dict[str, str], field: str,
                                                 fragment: str) -> None:
    found = problems_of(**overrides)
    assert any(f == field and fragment.lower() in m.lower() for f, m in found), found


def test_consent_no_without_identity_is_an_anonymous_report() -> None:
    anon = report(reporter="fairwork", police_unit="", consent="no", family_name="",
                  given_names="", birth_date="", bsn="")
    batch = validate_records([anon], [2], today=TODAY)
    assert batch.problems == [] and batch.records[0].anonymous


def test_investigative_reporters_need_no_consent() -> None:
    for reporter in ("kmar", "inspectie_szw"):
        assert problems_of(reporter=reporter, police_unit="") == []


def test_every_problem_of_a_batch_is_reported_with_its_row() -> None:
    rows = [report(1), report(2, bsn="123456789"), report(3, reporter="x"), report(1)]
    batch = validate_records(rows, [2, 3, 4, 5], today=TODAY)
    assert batch.records == []
    assert [(p.row, p.field) for p in batch.problems] == [
        (3, "bsn"), (4, "reporter"), (5, "report_ref")]


def test_same_ref_for_two_police_units_is_two_reports() -> None:
    rows = [report(1), report(1, police_unit="rotterdam")]
    assert validate_records(rows, [2, 3], today=TODAY).problems == []


def test_messages_never_echo_the_input() -> None:
    found = problems_of(family_name="x" * 300, bsn="987654321")
    assert all("987654321" not in m and "xxxx" not in m for _, m in found)


@pytest.mark.parametrize(("bsn", "ok"), [("111222333", True), ("123456782", True),
                                        ("123456789", False), ("000000000", False),
                                        ("12345678", False), ("１２３４５６７８２", False)])
def test_eleven_test(bsn: str, ok: bool) -> None:
    assert bsn_passes_eleven_test(bsn) is ok
