"""Tables of dedupe: runs, the review queue, reviewer decisions and victim history.

Created by migrations ``0002_dedupe`` and ``0003_dedupe_incremental`` (the scored
pairs and report fingerprints an incremental re-run starts from). Decisions are never
deleted: a reviewer's ``match`` / ``non_match`` on a pair of reports is a must-link /
cannot-link for every later run until it is revoked (``revoked_at``), which is itself a
kept fact.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from zicht.registry.models import Base, utcnow

__all__ = ["DedupePair", "DedupeRun", "DedupeSeen", "LinkDecision", "ReviewPair",
           "VictimEvent", "table_of"]


def table_of(model: type[Base]) -> Table:
    """The Core table of a mapped class, typed as a ``Table`` for insert/update/delete."""
    return cast(Table, model.__table__)


class DedupeRun(Base):
    """One run of ``zicht dedupe``: what it saw, what it made, the model it used."""

    __tablename__ = "dedupe_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    backend: Mapped[str] = mapped_column(String(16))
    n_reports: Mapped[int] = mapped_column(Integer, default=0)
    n_linkable: Mapped[int] = mapped_column(Integer, default=0)
    n_victims: Mapped[int] = mapped_column(Integer, default=0)
    n_review: Mapped[int] = mapped_column(Integer, default=0)
    trained: Mapped[bool] = mapped_column(Boolean, default=False)
    # The Splink model (settings + parameters) as JSON: no personal data.
    model_json: Mapped[str | None] = mapped_column(Text)
    # "full" (every pair scored) or "incremental" (only pairs with a new/changed report).
    mode: Mapped[str | None] = mapped_column(String(16))


class ReviewPair(Base):
    """A pair of reports whose match probability fell between the review thresholds."""

    __tablename__ = "review_pairs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id_l: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    report_id_r: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    match_probability: Mapped[float] = mapped_column(Float)
    linked: Mapped[bool] = mapped_column(Boolean)  # in one victim when queued
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|decided|obsolete
    run_id: Mapped[int] = mapped_column(ForeignKey("dedupe_runs.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @declared_attr.directive
    def __table_args__(cls) -> tuple[object, ...]:
        return (
            UniqueConstraint("report_id_l", "report_id_r", name="uq_review_pairs_pair"),
            Index("ix_review_pairs_status", "status"),
        )


class LinkDecision(Base):
    """A person's decision that two reports are (``match``) or are not the same victim."""

    __tablename__ = "link_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id_l: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    report_id_r: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(String(16))  # match | non_match
    origin: Mapped[str] = mapped_column(String(16))  # review | merge | split
    review_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str | None] = mapped_column(String(500))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    @declared_attr.directive
    def __table_args__(cls) -> tuple[object, ...]:
        return (Index("ix_link_decisions_pair", "report_id_l", "report_id_r"),)


class VictimEvent(Base):
    """History of unique victims: created, merged, split, retired (by a run or a person)."""

    __tablename__ = "victim_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("dedupe_runs.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    event: Mapped[str] = mapped_column(String(16))
    victim_id: Mapped[int] = mapped_column(Integer)
    other_victim_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(100))

    @declared_attr.directive
    def __table_args__(cls) -> tuple[object, ...]:
        return (Index("ix_victim_events_victim_id", "victim_id"),)


class DedupePair(Base):
    """A scored pair of the last run (at or above the lowest threshold used), kept so
    that the next run scores only pairs that involve a new or changed report."""

    __tablename__ = "dedupe_pairs"

    report_id_l: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    report_id_r: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    # log2 of the Bayes factor (match weight without the prior odds), so that the pair
    # stays valid when a later run moves λ for more reports.
    log2_bayes_factor: Mapped[float] = mapped_column(Float)


class DedupeSeen(Base):
    """A report as the last run linked it: a keyed fingerprint of its linking fields
    (no personal data in clear), to tell unchanged reports from changed ones."""

    __tablename__ = "dedupe_seen"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(32))
