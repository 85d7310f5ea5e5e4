"""Routes for the registrar's dedupe review queue (``docs/dedupe.md``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from zicht.api.auth import get_registry, require
from zicht.registry.access import Action, Principal
from zicht.registry.db import Registry
from zicht.registry.dedupe.labels import reviewed_accuracy
from zicht.registry.review import decide_review, list_review

router = APIRouter(tags=["review"])
RegistryDep = Annotated[Registry, Depends(get_registry)]
Registrar = Annotated[Principal, Depends(require(Action.REVIEW_DECIDE))]
PairId = Annotated[int, Path(ge=1, le=2**31 - 1, description="A review pair id")]


class ReviewItemOut(BaseModel):
    """A queued pair with both reports (identifying: registrar only)."""

    id: int
    status: str
    match_probability: float
    linked: bool
    left: dict[str, Any]
    right: dict[str, Any]


class DecisionIn(BaseModel):
    """Why (optional; no personal data)."""

    note: str | None = Field(default=None, max_length=500)


class DecisionOut(BaseModel):
    """The decision stored and its effect on the victims."""

    review_id: int
    decision: Literal["match", "non_match"]
    victim_id: int | None
    changed: bool


@router.get("/review", response_model=list[ReviewItemOut],
            summary="List review pairs (most uncertain first)")
def get_review(registry: RegistryDep, principal: Registrar,
               status: Annotated[Literal["open", "decided", "obsolete"], Query()] = "open",
               limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Any:
    """Pairs dedupe was unsure about, with both reports side by side."""
    with registry.begin() as conn:
        items = list_review(conn, registry.cipher, status=status, limit=limit,
                            actor=principal.actor)
    return [i.to_dict() for i in items]


class ShareOut(BaseModel):
    """A share estimated from reviewed pairs, with its Wilson 95% interval."""

    value: float | None
    low: float | None
    high: float | None
    n: int


class AccuracyOut(BaseModel):
    """Precision and recall of the links in the review band, from reviewed pairs."""

    precision: ShareOut
    recall: ShareOut


@router.get("/review/accuracy", response_model=AccuracyOut,
            summary="Precision and recall estimated from the reviewed pairs")
def get_accuracy(registry: RegistryDep, principal: Registrar) -> Any:
    """Of the reviewed pairs that were linked, the share accepted (precision); of the
    accepted ones, the share that was linked (recall); Wilson 95% intervals."""
    with registry.begin() as conn:
        return {k: v.to_dict() for k, v in reviewed_accuracy(conn).items()}


@router.post("/review/{pair_id}/accept", response_model=DecisionOut,
             summary="The two reports are one victim")
def accept(pair_id: PairId, registry: RegistryDep, principal: Registrar,
           body: DecisionIn | None = None) -> Any:
    """Merge the two victims now; a must-link for every later dedupe run."""
    with registry.begin() as conn:
        return decide_review(conn, pair_id, "accept", actor=principal.actor,
                             note=body.note if body else None)


@router.post("/review/{pair_id}/reject", response_model=DecisionOut,
             summary="The two reports are different victims")
def reject(pair_id: PairId, registry: RegistryDep, principal: Registrar,
           body: DecisionIn | None = None) -> Any:
    """Keep the two apart now; a cannot-link for every later dedupe run."""
    with registry.begin() as conn:
        return decide_review(conn, pair_id, "reject", actor=principal.actor,
                             note=body.note if body else None)
