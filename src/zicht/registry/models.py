"""The registry's tables (SQLAlchemy 2, typed declarative).

The migrations in ``zicht/registry/migrations`` create exactly these tables; a change
here needs a new migration. Identifying columns (``IDENTIFYING_FIELDS``) are stored only
as AES-GCM ciphertext (``*_enc``, see ``zicht.registry.crypto``); the BSN is also kept
as a keyed hash (``bsn_hash``) so it can be looked up and used for dedupe blocking
without decrypting.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column


def utcnow() -> dt.datetime:
    """Now, timezone-aware UTC (every timestamp of the registry is UTC)."""
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored timestamp as aware UTC (SQLite may hand back naive ones)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of every registry table."""


def table_of(model: type[Base]) -> Table:
    """The Core ``Table`` of a model (typed, for Core statements)."""
    return cast(Table, model.__table__)


class Organisation(Base):
    """A reporting organisation: a reporter code of SCHEMA.md, with the unit for police.

    ``code`` is ``reporter`` or ``police:UNIT`` (``police:amsterdam``, ``fairwork``):
    the same string an API key's ``org`` carries.
    """

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    reporter: Mapped[str] = mapped_column(String(32))
    police_unit: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReportFields:
    """The stored fields of a report version, shared by ``reports`` and ``report_history``."""

    reporter: Mapped[str] = mapped_column(String(32))
    police_unit: Mapped[str | None] = mapped_column(String(32))
    reporter_org: Mapped[str | None] = mapped_column(String(200))
    report_date: Mapped[dt.date] = mapped_column(Date)
    consent: Mapped[str | None] = mapped_column(String(8))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    # Identifying fields: AES-GCM ciphertext only (nonce || ciphertext || tag).
    family_name_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    given_names_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    birth_date_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    birth_year_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    bsn_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Keyed hash (HMAC-SHA256, hex) of the BSN: a blind index for lookup and blocking.
    bsn_hash: Mapped[str | None] = mapped_column(String(64))
    sex: Mapped[str | None] = mapped_column(String(8))
    nationality: Mapped[str | None] = mapped_column(String(2))
    nationality_2: Mapped[str | None] = mapped_column(String(2))
    forms: Mapped[str] = mapped_column(String(100))  # ';'-separated codes
    sexual_sector: Mapped[str | None] = mapped_column(String(32))
    labour_sector: Mapped[str | None] = mapped_column(String(300))  # ';'-separated codes
    criminal_manner: Mapped[str | None] = mapped_column(String(16))
    municipality: Mapped[str | None] = mapped_column(String(6))
    dublin_indication: Mapped[bool | None] = mapped_column(Boolean)
    exploitation_start: Mapped[dt.date | None] = mapped_column(Date)
    exploitation_end: Mapped[dt.date | None] = mapped_column(Date)
    # The import (or API call) that wrote this version; named in the audit log.
    import_id: Mapped[str | None] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer, default=1)


#: Stored value columns of a report version, in table order (bulk writes use this).
REPORT_VALUE_COLUMNS: tuple[str, ...] = (
    "reporter", "police_unit", "reporter_org", "report_date", "consent", "anonymous",
    "family_name_enc", "given_names_enc", "birth_date_enc", "birth_year_enc", "bsn_enc",
    "bsn_hash", "sex", "nationality", "nationality_2", "forms", "sexual_sector",
    "labour_sector", "criminal_manner", "municipality", "dublin_indication",
    "exploitation_start", "exploitation_end", "import_id", "version",
)  # fmt: skip

#: The ciphertext columns, one per identifying field.
ENCRYPTED_COLUMNS: tuple[str, ...] = (
    "family_name_enc", "given_names_enc", "birth_date_enc", "birth_year_enc", "bsn_enc",
)  # fmt: skip


class Report(ReportFields, Base):
    """The current version of a report; ``(organisation_id, report_ref)`` is unique."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    report_ref: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set when consent was withdrawn and the identifying fields were erased.
    erased_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    @declared_attr.directive
    def __table_args__(cls) -> tuple[object, ...]:
        return (
            UniqueConstraint("organisation_id", "report_ref", name="uq_reports_org_ref"),
            Index("ix_reports_bsn_hash", "bsn_hash"),
            Index("ix_reports_updated_at", "updated_at"),
        )


class ReportHistory(ReportFields, Base):
    """A previous version of a report, kept when a re-send updated it."""

    __tablename__ = "report_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    replaced_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @declared_attr.directive
    def __table_args__(cls) -> tuple[object, ...]:
        return (Index("ix_report_history_report_id", "report_id"),)


class Victim(Base):
    """A unique victim: one or more reports merged by dedupe (``zicht.registry.dedupe``)."""

    __tablename__ = "victims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReportVictim(Base):
    """Which victim a report belongs to; a report belongs to at most one victim."""

    __tablename__ = "report_victim"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    victim_id: Mapped[int] = mapped_column(ForeignKey("victims.id", ondelete="CASCADE"))
    linked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @declared_attr.directive
    def __table_args__(cls) -> tuple[object, ...]:
        return (Index("ix_report_victim_victim_id", "victim_id"),)


class ApiKey(Base):
    """An API key: only its argon2 hash is stored; the key itself is shown once."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # public key id
    prefix: Mapped[str] = mapped_column(String(32))  # first characters, to recognise it
    hash: Mapped[str] = mapped_column(String(200))  # argon2id
    role: Mapped[str] = mapped_column(String(16))
    org: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class DashboardSession(Base):
    """A dashboard sign-in: the cookie names it; sign-out or key revocation ends it."""

    __tablename__ = "dashboard_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token
    key_id: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One entry of the append-only, hash-chained audit log (``zicht.registry.audit``).

    Never holds sensitive content: who (key id or cli user), what action, which record.
    Entries form ``chain``s (one on SQLite; a few on PostgreSQL so concurrent writers do
    not queue on one lock); ``seq`` counts 1, 2, ... within a chain.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chain: Mapped[int] = mapped_column(SmallInteger)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[str] = mapped_column(String(32))  # ISO 8601 UTC, exactly as hashed
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(100))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    @declared_attr.directive
    def __table_args__(cls) -> tuple[object, ...]:
        return (UniqueConstraint("chain", "seq", name="uq_audit_log_chain_seq"),)


class RegistryMeta(Base):
    """Small facts about the registry, e.g. the fingerprint of its encryption key."""

    __tablename__ = "registry_meta"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
