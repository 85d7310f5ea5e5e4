"""The registrar's review queue: pairs of reports dedupe was unsure about.

``accept`` says the two reports are one victim (a must-link), ``reject`` says they are
two (a cannot-link). A decision is stored in ``link_decisions`` and binds every later
dedupe run; it takes effect at once too: accepting merges the two victims (the lower id
survives), rejecting a linked pair moves the second report out into a victim of its own
(the next dedupe run re-clusters around the cannot-link). Each decision and each
merge or split is a ``victim_events`` row and an audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, insert, select, update

from zicht.core.errors import ConflictError, NotFoundError
from zicht.registry.audit import append_audit
from zicht.registry.crypto import FieldCipher
from zicht.registry.dedupe.models import LinkDecision, ReviewPair, VictimEvent, table_of
from zicht.registry.dedupe.store import VictimIds
from zicht.registry.models import Report, ReportVictim, utcnow

__all__ = ["ReviewItem", "decide_review", "list_review"]

Decision = Literal["accept", "reject"]
_SHOWN = ("reporter", "report_ref", "report_date", "sex", "nationality", "nationality_2")
_SECRET = ("family_name", "given_names", "birth_date", "birth_year")


@dataclass(frozen=True)
class ReviewItem:
    """One queued pair, with both reports' fields for the registrar to compare."""

    id: int
    status: str
    match_probability: float
    linked: bool
    left: dict[str, Any]
    right: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _report(conn: Connection, cipher: FieldCipher | None, report_id: int) -> dict[str, Any]:
    t = table_of(Report)
    row = conn.execute(select(t).where(t.c.id == report_id)).mappings().one()
    out: dict[str, Any] = {"report_id": report_id, **{k: row[k] for k in _SHOWN}}
    out["report_date"] = str(out["report_date"])
    v = table_of(ReportVictim)
    out["victim_id"] = conn.scalar(select(v.c.victim_id).where(v.c.report_id == report_id))
    if cipher is not None:
        for name in _SECRET:
            out[name] = cipher.decrypt(name, row[f"{name}_enc"])
    return out


def list_review(conn: Connection, cipher: FieldCipher | None = None, *,
                status: str = "open", limit: int = 50,
                actor: str | None = None) -> list[ReviewItem]:
    """Queued pairs, most uncertain first; identifying fields only with a ``cipher``.

    A listing with identifying fields is audited (``review.list``, naming ``actor``).
    """
    t = table_of(ReviewPair)
    rows = conn.execute(select(t).where(t.c.status == status)
                        .order_by((t.c.match_probability - 0.5) * (t.c.match_probability - 0.5),
                                  t.c.id).limit(limit)).mappings().all()
    items = [ReviewItem(id=r["id"], status=r["status"],
                        match_probability=r["match_probability"], linked=r["linked"],
                        left=_report(conn, cipher, r["report_id_l"]),
                        right=_report(conn, cipher, r["report_id_r"])) for r in rows]
    if cipher is not None and items:
        append_audit(conn, actor=actor or "unknown", action="review.list",
                     record_type="review_pair",
                     record_id=",".join(str(i.id) for i in items)[:100])
    return items


def decide_review(conn: Connection, review_id: int, decision: Decision, *, actor: str,
                  note: str | None = None) -> dict[str, Any]:
    """Record a decision on queued pair ``review_id`` and apply it to the victims."""
    t = table_of(ReviewPair)
    row = conn.execute(select(t).where(t.c.id == review_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"Review pair {review_id} does not exist. "
                            "List open pairs with `zicht review list`.", review_id=review_id)
    if row["status"] == "decided":
        raise ConflictError(f"Review pair {review_id} was already decided. A decision is "
                            "kept as history; to change it, decide the pair again after "
                            "revoking, or ask the registry admin.", review_id=review_id)
    left, right = int(row["report_id_l"]), int(row["report_id_r"])
    kind = "match" if decision == "accept" else "non_match"
    conn.execute(insert(table_of(LinkDecision)).values(
        report_id_l=left, report_id_r=right, decision=kind, origin="review",
        review_id=review_id, actor=actor, decided_at=utcnow(), note=note))
    conn.execute(update(t).where(t.c.id == review_id).values(status="decided"))
    effect = _merge(conn, left, right, actor) if kind == "match" else _split(conn, left, right,
                                                                             actor)
    append_audit(conn, actor=actor, action=f"review.{decision}", record_type="review_pair",
                 record_id=review_id)
    return {"review_id": review_id, "decision": kind, **effect}


def _victim(conn: Connection, report_id: int) -> int | None:
    v = table_of(ReportVictim)
    return conn.scalar(select(v.c.victim_id).where(v.c.report_id == report_id))


def _event(conn: Connection, event: str, victim_id: int, other: int | None, actor: str) -> None:
    conn.execute(insert(table_of(VictimEvent)).values(
        run_id=None, at=utcnow(), event=event, victim_id=victim_id, other_victim_id=other,
        actor=actor))


def _merge(conn: Connection, left: int, right: int, actor: str) -> dict[str, Any]:
    a, b = _victim(conn, left), _victim(conn, right)
    if a is None or b is None or a == b:
        return {"victim_id": a if a is not None else b, "changed": False}
    keep, gone = min(a, b), max(a, b)
    v = table_of(ReportVictim)
    conn.execute(update(v).where(v.c.victim_id == gone).values(victim_id=keep,
                                                               linked_at=utcnow()))
    _event(conn, "merged", keep, gone, actor)
    append_audit(conn, actor=actor, action="victim.merge", record_type="victim",
                 record_id=keep)
    return {"victim_id": keep, "changed": True}


def _split(conn: Connection, left: int, right: int, actor: str) -> dict[str, Any]:
    a, b = _victim(conn, left), _victim(conn, right)
    if a is None or a != b:
        return {"victim_id": b, "changed": False}
    ids = VictimIds(conn)
    new = ids()
    ids.insert(conn)
    v = table_of(ReportVictim)
    conn.execute(update(v).where(v.c.report_id == right).values(victim_id=new,
                                                                linked_at=utcnow()))
    _event(conn, "split", new, a, actor)
    append_audit(conn, actor=actor, action="victim.split", record_type="victim",
                 record_id=new)
    return {"victim_id": new, "changed": True}
