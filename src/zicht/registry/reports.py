"""Read reports back (decrypted, audited) and erase identities on consent withdrawal.

Every function that returns an identifying field writes an audit entry naming the
reader and the record: one per report, for a list too (the bulk read of every report for
dedupe and extract names how many it read).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
from sqlalchemy import Connection, Engine, Row, delete, select, update

from zicht.core.codes import INVESTIGATIVE_REPORTERS
from zicht.core.errors import NotFoundError
from zicht.registry.access import ORG_SCOPED, Principal
from zicht.registry.audit import AuditEvent, append_audit, append_audit_many
from zicht.registry.crypto import FieldCipher
from zicht.registry.models import (
    ENCRYPTED_COLUMNS,
    Organisation,
    Report,
    ReportVictim,
    as_utc,
    table_of,
    utcnow,
)
from zicht.registry.store import erase_history

_REPORTS = table_of(Report)
_ORGS = table_of(Organisation)
_PLAIN = ("reporter", "police_unit", "reporter_org", "report_date", "consent", "anonymous",
          "sex", "nationality", "nationality_2", "forms", "sexual_sector", "labour_sector",
          "criminal_manner", "municipality", "dublin_indication", "exploitation_start",
          "exploitation_end", "version", "created_at", "updated_at", "erased_at")
_SELECT = select(_REPORTS.c.id, _REPORTS.c.report_ref, _ORGS.c.code.label("organisation"),
                 *(_REPORTS.c[c] for c in (*_PLAIN, *ENCRYPTED_COLUMNS))
                 ).join(_ORGS, _ORGS.c.id == _REPORTS.c.organisation_id)


def decode_row(row: Row[Any], cipher: FieldCipher) -> dict[str, Any]:
    """A stored report as a dict with its identifying fields decrypted."""
    out: dict[str, Any] = {"id": row.id, "report_ref": row.report_ref,
                           "organisation": row.organisation}
    for c in _PLAIN:
        out[c] = getattr(row, c)
    for c in ("created_at", "updated_at", "erased_at"):
        out[c] = as_utc(out[c])
    out["forms"] = row.forms.split(";") if row.forms else []
    out["labour_sector"] = row.labour_sector.split(";") if row.labour_sector else []
    for c in ENCRYPTED_COLUMNS:
        out[c.removesuffix("_enc")] = cipher.decrypt(c.removesuffix("_enc"), getattr(row, c))
    by = out["birth_year"]
    out["birth_year"] = int(by) if by is not None else None
    out["birth_date"] = dt.date.fromisoformat(out["birth_date"]) if out["birth_date"] else None
    return out


def _scope(query: Any, principal: Principal) -> Any:
    if principal.role in ORG_SCOPED:
        query = query.where(_ORGS.c.code == principal.org)
    return query


def get_report(conn: Connection, cipher: FieldCipher, report_id: int,
               principal: Principal) -> dict[str, Any]:
    """One report; another organisation's report is "not found" for a reporter."""
    row = conn.execute(_scope(_SELECT.where(_REPORTS.c.id == report_id), principal)).first()
    if row is None:
        raise NotFoundError(f"No report with id {report_id} that this key may see.",
                            report_id=report_id)
    append_audit(conn, actor=principal.actor, action="report.read", record_type="report",
                 record_id=report_id)
    return decode_row(row, cipher)


def list_reports(conn: Connection, cipher: FieldCipher, principal: Principal, *,
                 report_ref: str | None = None, since: dt.datetime | None = None,
                 limit: int = 100) -> list[dict[str, Any]]:
    """The caller's reports (newest update first), optionally by ref or updated since."""
    query = _scope(_SELECT, principal)
    if report_ref is not None:
        query = query.where(_REPORTS.c.report_ref == report_ref)
    if since is not None:  # stored timestamps are UTC (SQLite compares them as text)
        since = since.astimezone(dt.UTC) if since.tzinfo else since.replace(tzinfo=dt.UTC)
        query = query.where(_REPORTS.c.updated_at >= since)
    rows = conn.execute(query.order_by(_REPORTS.c.updated_at.desc(), _REPORTS.c.id.desc())
                        .limit(limit)).all()
    # One entry per report returned: a list read is audited as completely as single reads.
    append_audit_many(conn, [AuditEvent(principal.actor, "report.list", "report", r.id)
                             for r in rows])
    return [decode_row(r, cipher) for r in rows]


def read_reports(engine_or_conn: Engine | Connection, cipher: FieldCipher, *, actor: str,
                 include_bsn: bool = False) -> pa.Table:
    """Every report, decrypted, as an Arrow table: the bulk read for dedupe and extract.

    Columns: ``id, report_ref, organisation`` and every field of ``docs/schema.md``
    (``forms`` and ``labour_sector`` as lists), plus ``bsn_hash`` (the blind index, for
    blocking), ``anonymous, consent, version, created_at, updated_at, erased_at`` and
    ``victim_id`` (null until dedupe links the report). The clear ``bsn`` column is present
    only with ``include_bsn=True``: use it only inside the registry zone. The read is
    audited (one entry naming how many reports were read).
    """
    if isinstance(engine_or_conn, Engine):
        with engine_or_conn.begin() as conn:
            return read_reports(conn, cipher, actor=actor, include_bsn=include_bsn)
    conn = engine_or_conn
    links = table_of(ReportVictim)
    query = (_SELECT.add_columns(_REPORTS.c.bsn_hash, links.c.victim_id)
             .outerjoin(links, links.c.report_id == _REPORTS.c.id).order_by(_REPORTS.c.id))
    records: list[dict[str, Any]] = []
    for row in conn.execute(query):
        rec = decode_row(row, cipher)
        rec["bsn_hash"], rec["victim_id"] = row.bsn_hash, row.victim_id
        if not include_bsn:
            rec.pop("bsn")
        records.append(rec)
    append_audit(conn, actor=actor, action="report.read_bulk", record_type="report",
                 record_id=f"{len(records)} reports" + (" with bsn" if include_bsn else ""))
    return pa.Table.from_pylist(records, schema=_arrow_schema(include_bsn))


def _arrow_schema(include_bsn: bool) -> pa.Schema:
    ts = pa.timestamp("us", tz="UTC")
    fields = [
        ("id", pa.int64()), ("report_ref", pa.string()), ("organisation", pa.string()),
        ("reporter", pa.string()), ("police_unit", pa.string()), ("reporter_org", pa.string()),
        ("report_date", pa.date32()), ("consent", pa.string()), ("anonymous", pa.bool_()),
        ("sex", pa.string()), ("nationality", pa.string()), ("nationality_2", pa.string()),
        ("forms", pa.list_(pa.string())), ("sexual_sector", pa.string()),
        ("labour_sector", pa.list_(pa.string())), ("criminal_manner", pa.string()),
        ("municipality", pa.string()), ("dublin_indication", pa.bool_()),
        ("exploitation_start", pa.date32()), ("exploitation_end", pa.date32()),
        ("version", pa.int32()), ("created_at", ts), ("updated_at", ts), ("erased_at", ts),
        ("family_name", pa.string()), ("given_names", pa.string()),
        ("birth_date", pa.date32()), ("birth_year", pa.int16()),
        ("bsn_hash", pa.string()), ("victim_id", pa.int64()),
    ]
    if include_bsn:
        fields.insert(-2, ("bsn", pa.string()))
    return pa.schema(fields)


def read_bsn(conn: Connection, cipher: FieldCipher, report_id: int, *, actor: str) -> str | None:
    """The clear BSN of one report (registry zone only; audited)."""
    blob = conn.scalar(select(_REPORTS.c.bsn_enc).where(_REPORTS.c.id == report_id))
    append_audit(conn, actor=actor, action="report.read_bsn", record_type="report",
                 record_id=report_id)
    return cipher.decrypt("bsn", blob)


def find_reports_by_bsn(conn: Connection, cipher: FieldCipher, bsn: str, *,
                        actor: str) -> list[int]:
    """Ids of the reports carrying ``bsn``, found through its keyed hash (audited)."""
    ids = list(conn.scalars(select(_REPORTS.c.id)
                            .where(_REPORTS.c.bsn_hash == cipher.blind_index(bsn))
                            .order_by(_REPORTS.c.id)))
    append_audit_many(conn, [AuditEvent(actor, "report.find_by_bsn", "report", i)
                             for i in ids or ["none"]])
    return ids


def withdraw_consent(conn: Connection, report_id: int, principal: Principal) -> None:
    """Consent withdrawn: erase the report's identifying fields and history at once.

    The report stays as an anonymous report (kept for the counts, no longer a registered
    victim: its link to a victim is removed). Audited.
    """
    query = _scope(select(_REPORTS.c.id, _REPORTS.c.reporter)
                   .join(_ORGS, _ORGS.c.id == _REPORTS.c.organisation_id)
                   .where(_REPORTS.c.id == report_id), principal)
    row = conn.execute(query).first()
    if row is None:
        raise NotFoundError(f"No report with id {report_id} that this key may see.",
                            report_id=report_id)
    erase_identities(conn, [report_id], consent="no"
                     if row.reporter not in INVESTIGATIVE_REPORTERS else None)
    append_audit(conn, actor=principal.actor, action="report.withdraw_consent",
                 record_type="report", record_id=report_id)


def erase_identities(conn: Connection, report_ids: Sequence[int], *,
                     consent: str | None = "no") -> None:
    """Erase identifying fields of reports and their history; they become anonymous.

    The building block of consent withdrawal (and of retention); the caller audits.
    """
    values: dict[str, Any] = {c: None for c in (*ENCRYPTED_COLUMNS, "bsn_hash")}
    values.update(anonymous=True, erased_at=utcnow())
    if consent is not None:
        values["consent"] = consent
    ids = list(report_ids)
    conn.execute(update(_REPORTS).where(_REPORTS.c.id.in_(ids)).values(values))
    erase_history(conn, ids)
    links = table_of(ReportVictim)
    conn.execute(delete(links).where(links.c.report_id.in_(ids)))
