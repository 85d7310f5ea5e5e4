"""Consent withdrawal erases identities of a report and its history at once, audited."""

from __future__ import annotations

import pytest
from reports_factory import report
from sqlalchemy import select

from zicht.core.errors import NotFoundError, ValidationError
from zicht.registry import import_rows, open_registry, read_reports, withdraw_consent
from zicht.registry.access import Principal, Role
from zicht.registry.models import AuditEntry, ReportHistory


def test_withdrawal_erases_report_and_history(db_url: str) -> None:
    reg = open_registry(db_url)
    fw = {"reporter": "fairwork", "police_unit": "", "consent": "yes"}
    import_rows(reg, [report(1, **fw)], [2], actor="t")
    rid = import_rows(reg, [report(1, **fw, family_name="Second")], [2], actor="t").report_ids[0]
    other = Principal("k2", Role.REPORTER, "police:amsterdam")
    with reg.begin() as conn, pytest.raises(NotFoundError):
        withdraw_consent(conn, rid, other)
    with reg.begin() as conn:
        withdraw_consent(conn, rid, Principal("k1", Role.REPORTER, "fairwork"))
    row = read_reports(reg.engine, reg.cipher, actor="t").to_pylist()[0]
    assert row["anonymous"] and row["consent"] == "no" and row["erased_at"] is not None
    assert all(row[f] is None for f in ("family_name", "given_names", "birth_date",
                                        "birth_year", "bsn_hash"))
    with reg.read() as conn:
        hist = conn.execute(select(ReportHistory.__table__)).one()
        assert hist.family_name_enc is None and hist.bsn_enc is None
        actions = list(conn.scalars(select(AuditEntry.__table__.c.action)))
    assert "report.withdraw_consent" in actions
    reg.dispose()


def test_resend_cannot_restore_erased_identities(db_url: str) -> None:
    reg = open_registry(db_url)
    fw = {"reporter": "fairwork", "police_unit": "", "consent": "yes"}
    rid = import_rows(reg, [report(1, **fw)], [2], actor="t").report_ids[0]
    with reg.begin() as conn:
        withdraw_consent(conn, rid, Principal("k1", Role.REPORTER, "fairwork"))
    # the same report again, identities included, beside a valid new one: all refused
    with pytest.raises(ValidationError) as refused:
        import_rows(reg, [report(2, **fw), report(1, **fw)], [2, 3], actor="t")
    assert [(p.row, p.field) for p in refused.value.problems] == [(3, "report_ref")]
    assert "new report_ref" in refused.value.problems[0].message
    rows = read_reports(reg.engine, reg.cipher, actor="t").to_pylist()
    assert len(rows) == 1 and rows[0]["family_name"] is None  # nothing changed
    # without identifying fields the re-send is an ordinary update of the anonymous report
    blank = dict.fromkeys(("family_name", "given_names", "birth_date", "bsn"), "")
    summary = import_rows(reg, [report(1, reporter="fairwork", police_unit="",
                                       consent="no", **blank)], [2], actor="t")
    assert summary.updated == 1
    reg.dispose()
