"""Intake: validate a batch of reports and store it whole, in one transaction, audited.

The file importer (``zicht import``), ``POST /reports`` and ``POST /reports/batch`` all
end here, so the three ways in share one validator and one writer.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from zicht.core.errors import ConflictError, Problem, ValidationError
from zicht.core.progress import Tick, no_progress
from zicht.registry.audit import AuditEvent, append_audit, append_audit_many
from zicht.registry.db import Registry
from zicht.registry.files import read_rows
from zicht.registry.record import (
    ReportRecord,
    ValidatedBatch,
    check_records,
    validate_records,
)
from zicht.registry.store import ErasedReportResent, StoreOutcome, store_each, store_records

ATTEMPTS = 3  # a concurrent first send of the same report_ref makes us retry once or twice


@dataclass(frozen=True)
class ImportSummary:
    """The outcome of an import; ``to_dict`` is the ``--json`` summary."""

    accepted: int
    updated: int
    anonymous: int
    rejected: int
    errors: list[Problem] = field(default_factory=list)
    import_id: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    report_ids: list[int] = field(default_factory=list)  # filled for single-report calls

    def to_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "updated": self.updated,
                "anonymous": self.anonymous, "rejected": self.rejected,
                "errors": [p.to_dict() for p in self.errors],
                "import_id": self.import_id, "ignored_columns": self.ignored_columns}


def summarise_refusal(exc: ValidationError) -> ImportSummary:
    """The summary of a refused batch: nothing stored, every problem listed."""
    rejected = len({p.row for p in exc.problems}) or 1
    return ImportSummary(0, 0, 0, rejected, errors=list(exc.problems))


def import_rows(registry: Registry, rows: Sequence[Mapping[str, Any]],
                row_numbers: Sequence[int | None], *, actor: str,
                only_org: str | None = None, ignored_columns: Sequence[str] = ()
                ) -> ImportSummary:
    """Validate and store ``rows`` all or nothing; raise ValidationError listing problems.

    ``only_org``: the caller's organisation (a reporter key); a row for another
    organisation is a problem.
    """
    return _import_batch(registry, validate_records(rows, row_numbers, org=only_org),
                         row_numbers, actor=actor, ignored_columns=ignored_columns)


def import_records(registry: Registry, records: Sequence[ReportRecord],
                   row_numbers: Sequence[int | None], *, actor: str,
                   only_org: str | None = None, writer: ReportWriter | None = None
                   ) -> ImportSummary:
    """As :func:`import_rows`, for records already parsed by the one validator (the API's
    request bodies): only the cross-field rules are checked here.

    ``writer``: store a single record through this group-committing writer (the API).
    """
    return _import_batch(registry, check_records(records, row_numbers, org=only_org),
                         row_numbers, actor=actor, writer=writer)


def _import_batch(registry: Registry, batch: ValidatedBatch,
                  row_numbers: Sequence[int | None], *, actor: str,
                  ignored_columns: Sequence[str] = (), writer: ReportWriter | None = None
                  ) -> ImportSummary:
    problems = list(batch.problems)
    if problems:
        raise ValidationError(
            f"{len({p.row for p in problems})} row(s) have problems; nothing was "
            "stored. Fix every listed problem and send the whole batch again.",
            problems=problems,
        )
    if not batch.records:
        return ImportSummary(0, 0, 0, 0, ignored_columns=list(ignored_columns))
    import_id = str(uuid.uuid4())
    try:
        if writer is not None and len(batch.records) == 1:
            record = batch.records[0]
            rid, created = writer.store(record, actor=actor, import_id=import_id)
            return ImportSummary(int(created), int(not created), int(record.anonymous), 0,
                                 import_id=import_id, report_ids=[rid])
        outcome = _store_with_retry(registry, batch.records, import_id, actor)
    except ErasedReportResent as exc:
        raise ValidationError(
            f"{len(exc.positions)} row(s) would restore erased identities; nothing was "
            "stored.", problems=[Problem(
                row_numbers[i], "report_ref", "this report's identifying fields were "
                "erased (consent withdrawn or retention ended) and cannot be sent again. "
                "Send it without identifying fields, or, with new consent, as a new report "
                "with a new report_ref") for i in exc.positions],
        ) from None
    return ImportSummary(outcome.accepted, outcome.updated, outcome.anonymous, 0,
                         import_id=import_id, ignored_columns=list(ignored_columns),
                         report_ids=outcome.inserted_ids + outcome.updated_ids)


def _store_with_retry(registry: Registry, records: Sequence[Any], import_id: str,
                      actor: str) -> StoreOutcome:
    for attempt in range(ATTEMPTS):
        try:
            with registry.begin() as conn:
                outcome = store_records(conn, registry.cipher, records, import_id=import_id,
                                        org_ids=registry.org_ids)
                if len(records) == 1:  # one report: name it in the audit log
                    rid = (outcome.inserted_ids + outcome.updated_ids)[0]
                    action = "report.create" if outcome.accepted else "report.update"
                    append_audit(conn, actor=actor, action=action, record_type="report",
                                 record_id=rid)
                else:  # a batch: the reports carry its import_id
                    append_audit(conn, actor=actor, action="report.import",
                                 record_type="import", record_id=import_id)
            return outcome
        except IntegrityError:
            registry.org_ids.clear()  # in case a cached organisation id is stale
            if attempt == ATTEMPTS - 1:
                raise ConflictError(
                    "The same report was being stored by another request at the same time; "
                    "nothing was stored. Send it again."
                ) from None
    raise AssertionError("unreachable")


@dataclass
class _Pending:
    """One request's report waiting in a :class:`ReportWriter`."""

    record: ReportRecord
    actor: str
    import_id: str
    result: tuple[int, bool] | None = None  # (report id, created)
    error: BaseException | None = None

    @property
    def done(self) -> bool:
        return self.result is not None or self.error is not None


class ReportWriter:
    """Stores single reports of concurrent requests several to a transaction.

    Group commit: a request that finds no write in progress writes every report queued
    so far (its own included) in one transaction, with one audit entry per report; the
    others wait for it. One transaction and one chain lock then serve the whole group,
    and every request is still answered only after its report is committed. If the
    group's transaction fails (e.g. another process stored the same report meanwhile),
    each report is written again alone, so one request never fails another.
    """

    def __init__(self, registry: Registry, max_group: int = 64) -> None:
        self.registry = registry
        self.max_group = max_group
        self._queue: list[_Pending] = []
        self._busy = False
        self._cond = threading.Condition()

    def store(self, record: ReportRecord, *, actor: str, import_id: str) -> tuple[int, bool]:
        """Store one validated record; ``(report id, created)`` once it is committed."""
        me = _Pending(record, actor, import_id)
        with self._cond:
            self._queue.append(me)
        while not me.done:
            with self._cond:
                while self._busy and not me.done:
                    self._cond.wait()
                if me.done:
                    break
                self._busy = True
                group = self._queue[:self.max_group]
                del self._queue[:self.max_group]
            try:
                self._write(group)
            finally:
                for pending in group:  # only if _write itself was interrupted
                    if not pending.done:
                        pending.error = ConflictError("The report was not stored (the "
                                                      "write was interrupted). Send it again.")
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()
        if me.error is not None:
            raise me.error
        assert me.result is not None
        return me.result

    def _write(self, group: list[_Pending]) -> None:
        keys = {(p.record.org_code, p.record.report_ref) for p in group}
        if len(keys) == len(group):
            try:
                self._write_together(group)
                return
            except Exception:  # each report gets its own try below
                self.registry.org_ids.clear()  # in case a cached organisation id is stale
        for pending in group:
            try:
                outcome = _store_with_retry(self.registry, [pending.record],
                                            pending.import_id, pending.actor)
                pending.result = ((outcome.inserted_ids + outcome.updated_ids)[0],
                                  bool(outcome.accepted))
            except Exception as exc:  # handed to the waiting request
                pending.error = exc

    def _write_together(self, group: list[_Pending]) -> None:
        with self.registry.begin() as conn:
            results = store_each(conn, self.registry.cipher, [p.record for p in group],
                                 [p.import_id for p in group], self.registry.org_ids)
            append_audit_many(conn, [
                AuditEvent(p.actor, "report.create" if created else "report.update",
                           "report", rid) for p, (rid, created) in zip(group, results,
                                                                        strict=True)])
        for pending, result in zip(group, results, strict=True):
            pending.result = result


def import_file(registry: Registry, source: Path | bytes, *, actor: str,
                name: str | None = None, only_org: str | None = None,
                progress: Tick | None = None) -> ImportSummary:
    """Import a CSV, XLSX or JSON Lines file (a path, or uploaded bytes named ``name``)."""
    tick = progress or no_progress
    tick("reading rows", 0, 0)
    raw = read_rows(source, name)
    n = len(raw.rows)
    tick(f"validating and storing {n:,} rows", 0, n)
    summary = import_rows(registry, raw.rows, raw.row_numbers, actor=actor,
                          only_org=only_org, ignored_columns=raw.ignored_columns)
    tick(f"stored {n:,} rows", n, n)
    return summary
