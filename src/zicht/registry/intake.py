"""Intake: validate a batch of reports and store it whole, in one transaction, audited.

The file importer (``zicht import``), ``POST /reports`` and ``POST /reports/batch`` all
end here, so the three ways in share one validator and one writer.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from zicht.core.errors import ConflictError, Problem, ValidationError
from zicht.registry.audit import append_audit
from zicht.registry.db import Registry
from zicht.registry.files import read_rows
from zicht.registry.record import validate_records
from zicht.registry.store import StoreOutcome, store_records

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
    batch = validate_records(rows, row_numbers)
    problems = list(batch.problems)
    if only_org is not None and not problems:
        problems = [Problem(n, "reporter", f"is for organisation {r.org_code}, but the key "
                            f"belongs to {only_org}; send only your own reports")
                    for r, n in zip(batch.records, row_numbers, strict=True)
                    if r.org_code != only_org]
    if problems:
        raise ValidationError(
            f"{len({p.row for p in problems})} row(s) have problems; nothing was "
            "stored. Fix every listed problem and send the whole batch again.",
            problems=problems,
        )
    if not batch.records:
        return ImportSummary(0, 0, 0, 0, ignored_columns=list(ignored_columns))
    import_id = str(uuid.uuid4())
    outcome = _store_with_retry(registry, batch.records, import_id, actor)
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


def import_file(registry: Registry, source: Path | bytes, *, actor: str,
                name: str | None = None, only_org: str | None = None) -> ImportSummary:
    """Import a CSV, XLSX or JSON Lines file (a path, or uploaded bytes named ``name``)."""
    raw = read_rows(source, name)
    return import_rows(registry, raw.rows, raw.row_numbers, actor=actor, only_org=only_org,
                       ignored_columns=raw.ignored_columns)
