"""Routes for reports: submit one or a file, read back, withdraw consent."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Path, Query, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from zicht.api.auth import get_registry, get_writer, require
from zicht.core.config import get_settings
from zicht.core.errors import ValidationError
from zicht.registry.access import ORG_SCOPED, Action, Principal
from zicht.registry.db import Registry
from zicht.registry.intake import (
    ReportWriter,
    import_file,
    import_records,
    summarise_refusal,
)
from zicht.registry.record import ReportRecord
from zicht.registry.reports import get_report, list_reports, withdraw_consent

router = APIRouter(tags=["reports"])
RegistryDep = Annotated[Registry, Depends(get_registry)]
# Ids are 32-bit integers in the database; a larger number would crash the driver (500).
ReportId = Annotated[int, Path(ge=1, le=2**31 - 1, description="A report id")]


class ReportOut(BaseModel):
    """A stored report as its reporter (or a registrar) reads it back."""

    id: int
    report_ref: str
    organisation: str
    reporter: str
    police_unit: str | None
    reporter_org: str | None
    report_date: dt.date
    consent: str | None
    anonymous: bool
    family_name: str | None
    given_names: str | None
    birth_date: dt.date | None
    birth_year: int | None
    sex: str | None
    nationality: str | None
    nationality_2: str | None
    bsn: str | None
    forms: list[str]
    sexual_sector: str | None
    labour_sector: list[str]
    criminal_manner: str | None
    municipality: str | None
    dublin_indication: bool | None
    exploitation_start: dt.date | None
    exploitation_end: dt.date | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    erased_at: dt.datetime | None


class Stored(BaseModel):
    """The outcome of ``POST /reports``."""

    id: int
    status: str  # created | updated
    anonymous: bool


class BatchSummary(BaseModel):
    """The outcome of ``POST /reports/batch`` (the ``zicht import --json`` summary)."""

    accepted: int
    updated: int
    anonymous: int
    rejected: int
    errors: list[dict[str, Any]]
    import_id: str | None
    ignored_columns: list[str]


def _only_org(principal: Principal) -> str | None:
    return principal.org if principal.role in ORG_SCOPED else None


@router.post("/reports", response_model=Stored, status_code=201,
             responses={200: {"model": Stored, "description": "Updated an earlier send"}},
             summary="Submit one report (a re-send of reporter + report_ref updates it)")
def post_report(
    report: ReportRecord, response: Response, registry: RegistryDep,
    writer: Annotated[ReportWriter, Depends(get_writer)],
    principal: Annotated[Principal, Depends(require(Action.REPORT_SUBMIT))],
) -> Stored:
    """Validate and store one report. 201 when new, 200 when it updated an earlier send."""
    summary = import_records(registry, [report], [None], actor=principal.actor,
                             only_org=_only_org(principal), writer=writer)
    if summary.updated:
        response.status_code = 200
    return Stored(id=summary.report_ids[0], status="updated" if summary.updated else "created",
                  anonymous=bool(summary.anonymous))


@router.post("/reports/batch", response_model=BatchSummary,
             responses={422: {"description": "Refused whole; every problem listed"}},
             summary="Submit a file of reports (CSV, XLSX or JSON Lines), all or nothing")
def post_batch(
    file: Annotated[UploadFile, File(description="A .csv, .xlsx or .jsonl file")],
    registry: RegistryDep,
    principal: Annotated[Principal, Depends(require(Action.REPORT_SUBMIT))],
) -> Any:
    """The same importer as ``zicht import``: any problem refuses the whole file."""
    data = file.file.read(get_settings().max_import_bytes + 1)  # over the cap: refused
    try:
        summary = import_file(registry, data, name=file.filename or "upload.csv",
                              actor=principal.actor, only_org=_only_org(principal))
    except ValidationError as exc:
        return JSONResponse({**exc.to_dict(), **summarise_refusal(exc).to_dict()},
                            status_code=422)
    return summary.to_dict()


@router.get("/reports/{report_id}", response_model=ReportOut,
            summary="Read one report (a reporter: only its own organisation's)")
def get_one(report_id: ReportId, registry: RegistryDep,
            principal: Annotated[Principal, Depends(require(Action.REPORT_READ))]) -> Any:
    """Another organisation's report is answered as not found (404)."""
    with registry.begin() as conn:
        return get_report(conn, registry.cipher, report_id, principal)


@router.get("/reports", response_model=list[ReportOut],
            summary="List reports of the caller's organisation")
def get_many(
    registry: RegistryDep,
    principal: Annotated[Principal, Depends(require(Action.REPORT_READ))],
    report_ref: str | None = None,
    since: Annotated[dt.datetime | None, Query(description="updated at or after")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Any:
    """Newest update first; filter by ``report_ref`` or by ``since`` (ISO date-time)."""
    with registry.begin() as conn:
        return list_reports(conn, registry.cipher, principal, report_ref=report_ref,
                            since=since, limit=limit)


@router.post("/reports/{report_id}/withdraw-consent",
             summary="Consent withdrawn: erase the report's identifying fields at once")
def post_withdraw(report_id: ReportId, registry: RegistryDep,
                  principal: Annotated[Principal, Depends(require(Action.REPORT_WITHDRAW_CONSENT))]
                  ) -> dict[str, Any]:
    """The report stays as an anonymous report; its history loses identities too."""
    with registry.begin() as conn:
        withdraw_consent(conn, report_id, principal)
    return {"id": report_id, "erased": True}
