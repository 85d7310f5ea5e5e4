"""``zicht dedupe``: reports in, unique victims out, in one transaction.

read reports (decrypt in memory) -> normalise -> Splink scores -> certain rules and
reviewer decisions -> coherent clusters -> stable victim ids -> write links, the
review queue, the history and one audit entry.
"""

from __future__ import annotations

import csv
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, insert, select, update

from zicht.registry.audit import append_audit, cli_actor
from zicht.registry.db import Registry
from zicht.registry.dedupe.assign import assign_victim_ids
from zicht.registry.dedupe.cluster import ClusterPolicy, cluster_reports
from zicht.registry.dedupe.engine import Backend, score_pairs
from zicht.registry.dedupe.models import DedupeRun, LinkDecision, VictimEvent, table_of
from zicht.registry.dedupe.normalise import normalise_frame
from zicht.registry.dedupe.queue import refresh_review_queue
from zicht.registry.dedupe.rules import certain_pairs
from zicht.registry.dedupe.store import VictimIds, read_links, read_reports, write_links
from zicht.registry.models import utcnow

__all__ = ["DedupeOptions", "DedupeSummary", "link_reports", "run_dedupe"]


@dataclass(frozen=True)
class DedupeOptions:
    """How to dedupe: thresholds, review band, backend."""

    policy: ClusterPolicy = field(default_factory=ClusterPolicy)
    review_low: float = 0.3
    review_high: float = 0.97
    backend: Backend = "duckdb"
    spark: Any | None = None
    min_train: int | None = None


@dataclass(frozen=True)
class DedupeSummary:
    """What a run did (counts only: no personal data)."""

    run_id: int
    reports: int
    anonymous: int
    linkable: int
    victims: int
    kept_ids: int
    new_ids: int
    links_changed: int
    split_clusters: int
    review_open: int
    trained: bool
    seconds: float
    timings: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Linkage:
    """The in-memory result of linking a frame of reports (no database involved)."""

    ids: np.ndarray
    labels: np.ndarray
    pairs: pd.DataFrame
    model: dict[str, Any]
    trained: bool
    split: list[dict[str, object]]
    dropped: pd.DataFrame


def link_reports(reports: pd.DataFrame, options: DedupeOptions,
                 must_link: pd.DataFrame | None = None,
                 cannot_link: pd.DataFrame | None = None,
                 timings: dict[str, float] | None = None) -> Linkage:
    """Cluster non-anonymous ``reports`` (``report_id`` + identifying fields)."""
    timings = timings if timings is not None else {}
    t0 = time.perf_counter()
    records = normalise_frame(reports)
    records["unique_id"] = records["report_id"].astype("int64")
    keep = ["unique_id", "given1", "given_all", "given_rest", "family", "family_full",
            "name_key", "full_name", "full_name_all", "sound_key", "birth_date", "birth_year",
            "sex", "nationality", "nationality_2", "bsn_key"]
    records = records[keep]
    timings["normalise"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    kwargs: dict[str, Any] = {"floor": min(options.review_low, options.policy.threshold),
                              "backend": options.backend, "spark": options.spark,
                              "timings": timings}
    if options.min_train is not None:
        kwargs["min_train"] = options.min_train
    scored = score_pairs(records, **kwargs)
    timings["splink"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    certain = certain_pairs(records)
    must = pd.concat([certain, must_link], ignore_index=True) if must_link is not None else certain
    clustering = cluster_reports(
        records["unique_id"].to_numpy(), scored.pairs, policy=options.policy,
        must_link=must, cannot_link=cannot_link,
        bsn_key=records.set_index("unique_id")["bsn_key"],
    )
    timings["cluster"] = time.perf_counter() - t0
    return Linkage(ids=clustering.ids, labels=clustering.labels, pairs=scored.pairs,
                   model=scored.model, trained=scored.trained, split=clustering.split,
                   dropped=clustering.dropped_links)


def _decisions(conn: Connection) -> tuple[pd.DataFrame, pd.DataFrame]:
    t = table_of(LinkDecision)
    rows = conn.execute(select(t.c.report_id_l, t.c.report_id_r, t.c.decision)
                        .where(t.c.revoked_at.is_(None)).order_by(t.c.id)).all()
    frame = pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "decision"])
    # The latest decision on a pair wins.
    frame = frame.assign(a=frame[["unique_id_l", "unique_id_r"]].min(axis=1),
                         b=frame[["unique_id_l", "unique_id_r"]].max(axis=1))
    frame = frame.drop_duplicates(["a", "b"], keep="last")
    must = frame[frame["decision"] == "match"][["unique_id_l", "unique_id_r"]]
    cannot = frame[frame["decision"] == "non_match"][["unique_id_l", "unique_id_r"]]
    return must, cannot


def run_dedupe(registry: Registry, options: DedupeOptions | None = None, *,
               actor: str | None = None, links_out: Path | None = None) -> DedupeSummary:
    """Dedupe every report of ``registry`` into unique victims (one transaction)."""
    options = options or DedupeOptions()
    actor = actor or cli_actor()
    started = time.perf_counter()
    timings: dict[str, float] = {}
    with registry.begin() as conn:
        t0 = time.perf_counter()
        reports = read_reports(conn, registry.cipher, actor=actor)
        previous = read_links(conn)
        must, cannot = _decisions(conn)
        timings["read"] = time.perf_counter() - t0
        inserted = conn.execute(insert(table_of(DedupeRun)).values(
            started_at=utcnow(), actor=actor, backend=options.backend, n_reports=len(reports),
            n_linkable=0, n_victims=0, n_review=0, trained=False,
        )).inserted_primary_key
        run_id = int(inserted[0]) if inserted is not None else 0
        linkable = reports[~reports["anonymous"]]
        linkage = link_reports(linkable, options, must, cannot, timings)
        t0 = time.perf_counter()
        new_ids = VictimIds(conn)
        assignment = assign_victim_ids(linkage.ids, linkage.labels, previous, new_ids)
        new_ids.insert(conn)
        changed = write_links(conn, assignment.victim_of, previous)
        if assignment.events:
            now = utcnow()
            conn.execute(insert(table_of(VictimEvent)), [
                {**e, "run_id": run_id, "at": now, "actor": actor} for e in assignment.events
            ])
        same = dict(zip(linkage.ids.tolist(), linkage.labels.tolist(), strict=True))
        review_open = refresh_review_queue(
            conn, run_id, pd.concat([linkage.pairs, linkage.dropped], ignore_index=True),
            same, low=options.review_low, high=options.review_high,
        )
        n_victims = len(set(assignment.victim_of.values()))
        conn.execute(update(table_of(DedupeRun)).where(DedupeRun.id == run_id).values(
            finished_at=utcnow(), n_linkable=len(linkable), n_victims=n_victims,
            n_review=review_open, trained=linkage.trained,
            model_json=json.dumps(linkage.model),
        ))
        timings["write"] = time.perf_counter() - t0
        append_audit(conn, actor=actor, action="dedupe.run", record_type="dedupe_run",
                     record_id=run_id)
    if links_out is not None:
        write_links_csv(links_out, linkable, assignment.victim_of)
    return DedupeSummary(
        run_id=run_id, reports=len(reports), anonymous=int(reports["anonymous"].sum()),
        linkable=len(linkable), victims=n_victims, kept_ids=assignment.kept,
        new_ids=assignment.new, links_changed=changed, split_clusters=len(linkage.split),
        review_open=review_open, trained=linkage.trained,
        seconds=time.perf_counter() - started, timings=timings,
    )


def write_links_csv(path: Path, reports: pd.DataFrame, victim_of: dict[int, int]) -> None:
    """``reporter,report_ref,victim_id`` for every non-anonymous report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["reporter", "report_ref", "victim_id"])
        for rid, reporter, ref in reports[["report_id", "reporter", "report_ref"]].itertuples(
                index=False):
            writer.writerow([reporter, ref, victim_of[int(rid)]])
