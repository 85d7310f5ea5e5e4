"""Retention: erase the identifying fields of expired records, keep the research data.

The policy says, per record type, how long identifying fields are kept
(``docs/security.md``). It is a small TOML file; every key is optional::

    [report]            # a report's names, birth date and BSN
    years = 5           # counted from the last update of the victim's newest report
    keep_birth_year = true

    [report_history]    # superseded versions of a report (after a re-send)
    years = 1           # counted from when the version was replaced

The clock of a report is the newest ``updated_at`` of every report linked to the same
unique victim (else the report's own), so a victim who is reported again keeps their
identity in the registry for dedupe. Erasure nulls the ciphertext and the BSN blind
index, sets ``erased_at`` and keeps everything else: the non-identifying fields, the link
to the unique victim (so unique-victim counts stay right) and, by default, the birth
year (so age at report stays computable). Unlike consent withdrawal the report does
not become anonymous: it was registered lawfully; only its identity expired. Every
erasure is audited.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, update

from zicht.core.errors import ConfigError
from zicht.registry.audit import append_audit
from zicht.registry.crypto import FieldCipher
from zicht.registry.models import (
    ENCRYPTED_COLUMNS,
    Report,
    ReportHistory,
    ReportVictim,
    table_of,
    utcnow,
)

_REPORTS = table_of(Report)
_HISTORY = table_of(ReportHistory)
_LINKS = table_of(ReportVictim)
CHUNK = 1_000
#: The record types a policy may name, with what their ``years`` count from.
RECORD_TYPES = {
    "report": "the last update of the newest report of the same unique victim",
    "report_history": "the moment the version was replaced by a re-send",
}


@dataclass(frozen=True)
class RetentionPolicy:
    """How long identifying fields are kept, per record type (whole years)."""

    report_years: int = 5
    report_history_years: int = 1
    keep_birth_year: bool = True

    def cutoff(self, years: int, as_of: dt.datetime) -> dt.datetime:
        """The moment before which a clock has expired (leap days fall back to 28 Feb)."""
        try:
            return as_of.replace(year=as_of.year - years)
        except ValueError:
            return as_of.replace(year=as_of.year - years, day=28)


def load_policy(path: Path | None) -> RetentionPolicy:
    """The policy in the TOML file at ``path``; the defaults when ``path`` is None."""
    if path is None:
        return RetentionPolicy()
    try:
        doc = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"The retention policy file {path} does not exist. Give the path "
                          "of a TOML file (see docs/security.md) or leave --policy out "
                          "for the defaults.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The retention policy file {path} is not valid TOML ({exc}). "
                          "Fix the file; see docs/security.md for an example.") from None
    unknown = set(doc) - set(RECORD_TYPES)
    if unknown:
        raise ConfigError(f"The retention policy names unknown record type(s) "
                          f"{', '.join(sorted(unknown))}; expected "
                          f"{', '.join(RECORD_TYPES)}.")
    values: dict[str, Any] = {}
    for rtype in RECORD_TYPES:
        section = doc.get(rtype, {})
        years = section.get("years")
        if years is not None:
            if not isinstance(years, int) or isinstance(years, bool) or years < 0:
                raise ConfigError(f"[{rtype}] years = {years!r} in {path}; expected a whole "
                                  "number of years, 0 or more.")
            values[f"{rtype}_years"] = years
    keep = doc.get("report", {}).get("keep_birth_year")
    if keep is not None:
        if not isinstance(keep, bool):
            raise ConfigError(f"[report] keep_birth_year = {keep!r} in {path}; expected "
                              "true or false.")
        values["keep_birth_year"] = keep
    return RetentionPolicy(**values)


@dataclass(frozen=True)
class RetentionOutcome:
    """What :func:`apply_retention` erased (or, in a dry run, would erase)."""

    as_of: dt.datetime
    dry_run: bool
    reports: int
    history_versions: int
    report_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "dry_run": self.dry_run,
                "reports_erased": self.reports, "history_versions_erased":
                self.history_versions}


def _has_identity(table: Any) -> Any:
    return or_(*(table.c[c].is_not(None) for c in ENCRYPTED_COLUMNS),
               table.c.bsn_hash.is_not(None))


def find_expired_reports(conn: Connection, cutoff: dt.datetime) -> list[int]:
    """Ids of reports still holding identifying fields whose clock is before ``cutoff``."""
    peer = _REPORTS.alias("peer")
    newest = (select(_LINKS.c.victim_id, func.max(peer.c.updated_at).label("last"))
              .select_from(_LINKS.join(peer, peer.c.id == _LINKS.c.report_id))
              .group_by(_LINKS.c.victim_id).subquery())
    clock = func.coalesce(newest.c.last, _REPORTS.c.updated_at)
    query = (select(_REPORTS.c.id)
             .select_from(_REPORTS.outerjoin(_LINKS, _LINKS.c.report_id == _REPORTS.c.id)
                          .outerjoin(newest, newest.c.victim_id == _LINKS.c.victim_id))
             .where(_REPORTS.c.erased_at.is_(None), _has_identity(_REPORTS), clock < cutoff)
             .order_by(_REPORTS.c.id))
    return list(conn.scalars(query))


def _expired_history(cutoff: dt.datetime) -> Any:
    return and_(_HISTORY.c.replaced_at < cutoff, _has_identity(_HISTORY))


def erase_expired(conn: Connection, cipher: FieldCipher, report_ids: list[int], *,
                  keep_birth_year: bool, now: dt.datetime) -> None:
    """Erase identifying fields of ``report_ids`` and of all their earlier versions."""
    for start in range(0, len(report_ids), CHUNK):
        ids = report_ids[start:start + CHUNK]
        years: dict[int, bytes | None] = {}
        if keep_birth_year:
            rows = conn.execute(select(_REPORTS.c.id, _REPORTS.c.birth_date_enc,
                                       _REPORTS.c.birth_year_enc)
                                .where(_REPORTS.c.id.in_(ids)))
            for rid, date_enc, year_enc in rows:
                birth_date = cipher.decrypt("birth_date", date_enc)
                # The year alone, re-encrypted: age at report survives, the date does not.
                years[rid] = (cipher.encrypt("birth_year", birth_date[:4]) if birth_date
                              else year_enc)
        cleared: dict[str, Any] = {c: None for c in (*ENCRYPTED_COLUMNS, "bsn_hash")}
        conn.execute(update(_REPORTS).where(_REPORTS.c.id.in_(ids))
                     .values(**cleared, erased_at=now))
        for rid, year_enc in years.items():
            if year_enc is not None:
                conn.execute(update(_REPORTS).where(_REPORTS.c.id == rid)
                             .values(birth_year_enc=year_enc))
        conn.execute(update(_HISTORY).where(_HISTORY.c.report_id.in_(ids)).values(**cleared))


def apply_retention(conn: Connection, cipher: FieldCipher, policy: RetentionPolicy, *,
                    actor: str, as_of: dt.datetime | None = None,
                    dry_run: bool = False) -> RetentionOutcome:
    """Erase (or with ``dry_run`` only count) every expired identity, in the caller's
    transaction; each erased report gets an audit entry, the history one in total."""
    as_of = as_of or utcnow()
    report_ids = find_expired_reports(conn, policy.cutoff(policy.report_years, as_of))
    history_cut = policy.cutoff(policy.report_history_years, as_of)
    expired_history = _expired_history(history_cut)
    history = conn.scalar(select(func.count()).select_from(_HISTORY).where(expired_history))
    outcome = RetentionOutcome(as_of=as_of, dry_run=dry_run, reports=len(report_ids),
                               history_versions=int(history or 0), report_ids=report_ids)
    if dry_run:
        return outcome
    if report_ids:
        erase_expired(conn, cipher, report_ids, keep_birth_year=policy.keep_birth_year,
                      now=utcnow())
    if history:
        conn.execute(update(_HISTORY).where(expired_history)
                     .values({c: None for c in (*ENCRYPTED_COLUMNS, "bsn_hash")}))
        append_audit(conn, actor=actor, action="retention.erase", record_type="report_history",
                     record_id=f"{history} versions replaced before {history_cut.date()}")
    for rid in report_ids:
        append_audit(conn, actor=actor, action="retention.erase", record_type="report",
                     record_id=rid)
    return outcome
