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
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sqlalchemy import Connection, insert, select, update

from zicht.core.progress import Tick, no_progress
from zicht.core.safe_text import safe_cell
from zicht.registry.audit import append_audit, cli_actor
from zicht.registry.db import Registry
from zicht.registry.dedupe.assign import assign_victim_ids
from zicht.registry.dedupe.cluster import ClusterPolicy, cluster_reports
from zicht.registry.dedupe.engine import ScoredPairs, score_new_pairs, score_pairs
from zicht.registry.dedupe.labels import (
    Estimate,
    apply_offset,
    calibrate_offset,
    reviewed_accuracy,
)
from zicht.registry.dedupe.models import DedupeRun, LinkDecision, VictimEvent, table_of
from zicht.registry.dedupe.normalise import normalise_frame
from zicht.registry.dedupe.odds import log2_bayes_factors, rescale_lambda, with_lambda
from zicht.registry.dedupe.queue import refresh_review_queue
from zicht.registry.dedupe.rules import certain_pairs
from zicht.registry.dedupe.splink_io import Backend
from zicht.registry.dedupe.store import (
    VictimIds,
    fingerprints,
    read_links,
    read_pairs,
    read_reports,
    read_seen,
    write_links,
    write_pairs,
)
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
    #: Score every pair again (``zicht dedupe --full``) instead of only the pairs that
    #: involve a new or changed report.
    full: bool = False
    #: Above this share of new, changed or gone reports a run re-scores everything (and
    #: re-trains): the earlier model no longer describes the registry well enough.
    full_above: float = 0.3
    #: Calibrate the weights (and so the threshold) on reviewers' decisions
    #: (``labels.calibrate_offset``).
    learn_from_reviews: bool = True


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
    mode: str = "full"
    rescored_reports: int = 0
    #: Bits the reviewers' labels moved every weight by (0: too few labels).
    label_offset_bits: float = 0.0
    #: Precision and recall in the review band, from the reviewed pairs (Wilson 95%).
    reviewed: dict[str, Estimate] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["reviewed"] = {k: v.to_dict() for k, v in self.reviewed.items()}
        return out


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
    #: Bits the reviewers' labels moved every weight by (``labels.calibrate_offset``).
    label_offset_bits: float = 0.0


@dataclass(frozen=True)
class Increment:
    """What an incremental run starts from: the earlier run's model and its scored
    pairs among unchanged reports, and the reports to score again."""

    model: dict[str, Any]
    kept_pairs: pd.DataFrame
    rescore: set[int]
    trained: bool
    n_before: int


def link_reports(reports: pd.DataFrame, options: DedupeOptions,
                 must_link: pd.DataFrame | None = None,
                 cannot_link: pd.DataFrame | None = None,
                 timings: dict[str, float] | None = None,
                 increment: Increment | None = None) -> Linkage:
    """Cluster non-anonymous ``reports`` (``report_id`` + identifying fields).

    With an ``increment`` only pairs that involve a report of ``increment.rescore`` are
    scored (with the earlier model); the kept pairs stand for the rest.
    """
    timings = timings if timings is not None else {}
    t0 = time.perf_counter()
    records = normalise_frame(reports)
    records["unique_id"] = records["report_id"].astype("int64")
    keep = ["unique_id", "given1", "given1_canon", "given1_aliases", "given_all", "given_rest",
            "family", "family_full", "name_key", "full_name", "full_name_all", "sound_key",
            "family_sound", "given1_del", "family_del", "birth_date", "birth_year",
            "report_day", "sex", "nationality", "nationality_2", "bsn_key"]
    records = records[keep]
    timings["normalise"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    kwargs: dict[str, Any] = {"floor": min(options.review_low, options.policy.threshold),
                              "backend": options.backend, "spark": options.spark,
                              "timings": timings}
    if options.min_train is not None:
        kwargs["min_train"] = options.min_train
    if increment is not None:
        model = rescale_lambda(increment.model, increment.n_before, len(records),
                               trained=increment.trained)
        kept = with_lambda(increment.kept_pairs, model)
        kept = kept[kept["match_probability"] >= kwargs["floor"]]
        fresh = score_new_pairs(records, increment.rescore, model,
                                floor=kwargs["floor"], timings=timings)
        pairs = pd.concat([kept, fresh], ignore_index=True)
        scored = ScoredPairs(pairs, model, trained=increment.trained,
                             n_records=len(records))
    else:
        scored = score_pairs(records, **kwargs)
    offset = 0.0
    if options.learn_from_reviews:
        parts = [frame.assign(decision=kind) for frame, kind in
                 ((must_link, "match"), (cannot_link, "non_match"))
                 if frame is not None and len(frame)]
        offset = calibrate_offset(scored.pairs, pd.concat(parts, ignore_index=True)) \
            if parts else 0.0
        if offset:
            pairs, model = apply_offset(scored.pairs, scored.model, offset)
            scored = ScoredPairs(pairs, model, trained=scored.trained,
                                 n_records=scored.n_records)
    timings["splink"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    certain = certain_pairs(records)
    must = pd.concat([certain, must_link], ignore_index=True) if must_link is not None else certain
    clustering = cluster_reports(
        records["unique_id"].to_numpy(), scored.pairs, policy=options.policy,
        must_link=must, cannot_link=cannot_link,
        bsn_key=records.set_index("unique_id")["bsn_key"],
        birth_date=records.set_index("unique_id")["birth_date"],
    )
    timings["cluster"] = time.perf_counter() - t0
    return Linkage(ids=clustering.ids, labels=clustering.labels, pairs=scored.pairs,
                   model=scored.model, trained=scored.trained, split=clustering.split,
                   dropped=clustering.dropped_links, label_offset_bits=offset)


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


def _plan_increment(conn: Connection, linkable: pd.DataFrame, prints: dict[int, str],
                    options: DedupeOptions) -> Increment | None:
    """The increment of this run, or None when it must score every pair: asked to
    (``full``), Spark, no earlier model or kept pairs, or too much changed."""
    if options.full or options.backend != "duckdb":
        return None
    r = table_of(DedupeRun)
    last = conn.execute(select(r.c.model_json, r.c.mode, r.c.trained)
                        .where(r.c.finished_at.is_not(None))
                        .order_by(r.c.id.desc()).limit(1)).first()
    # Runs before migration 0003 kept no pairs (mode is null).
    if last is None or last.mode is None or not last.model_json:
        return None
    model = json.loads(last.model_json)
    if not model.get("comparisons"):
        return None
    seen = read_seen(conn)
    if not seen:
        return None
    rescore = {rid for rid, fp in prints.items() if seen.get(rid) != fp}
    gone = set(seen) - set(prints)
    if len(rescore) + len(gone) > options.full_above * max(len(seen), len(prints)):
        return None
    pairs = read_pairs(conn)
    stale = pairs["unique_id_l"].isin(list(rescore | gone)) | pairs["unique_id_r"].isin(
        list(rescore | gone))
    return Increment(model=model, kept_pairs=pairs[~stale].reset_index(drop=True),
                     rescore=rescore | gone, trained=bool(last.trained),
                     n_before=len(seen))


class PhaseTimings(dict[str, float]):
    """The seconds of each phase; each phase's end also moves ``progress`` to the next."""

    NEXT: ClassVar[dict[str, str]] = {
        "read": "normalising", "normalise": "training (lambda)",
            "train_lambda": "training (u, by sampling)", "train_u": "training (EM)",
            "train_em": "blocking and scoring pairs", "predict": "scored",
            "splink": "clustering", "cluster": "writing victims", "write": "done"}

    def __init__(self, progress: Tick | None) -> None:
        super().__init__()
        self.progress = progress or no_progress
        self.progress("reading reports", 0, len(self.NEXT))

    def __setitem__(self, phase: str, seconds: float) -> None:
        super().__setitem__(phase, seconds)
        if phase in self.NEXT:
            self.progress(self.NEXT[phase], list(self.NEXT).index(phase) + 1, len(self.NEXT))


def run_dedupe(registry: Registry, options: DedupeOptions | None = None, *,
               actor: str | None = None, links_out: Path | None = None,
               progress: Tick | None = None) -> DedupeSummary:
    """Dedupe every report of ``registry`` into unique victims (one transaction)."""
    options = options or DedupeOptions()
    actor = actor or cli_actor()
    started = time.perf_counter()
    timings: dict[str, float] = PhaseTimings(progress)
    with registry.begin() as conn:
        t0 = time.perf_counter()
        reports = read_reports(conn, registry.cipher, actor=actor)
        previous = read_links(conn)
        must, cannot = _decisions(conn)
        inserted = conn.execute(insert(table_of(DedupeRun)).values(
            started_at=utcnow(), actor=actor, backend=options.backend, n_reports=len(reports),
            n_linkable=0, n_victims=0, n_review=0, trained=False,
        )).inserted_primary_key
        run_id = int(inserted[0]) if inserted is not None else 0
        linkable = reports[~reports["anonymous"]]
        prints = dict(zip(linkable["report_id"].astype("int64").tolist(),
                          fingerprints(registry.cipher, linkable), strict=True))
        increment = _plan_increment(conn, linkable, prints, options)
        timings["read"] = time.perf_counter() - t0
        linkage = link_reports(linkable, options, must, cannot, timings, increment)
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
            mode="full" if increment is None else "incremental",
        ))
        # Kept for the next run: only the new pairs and fingerprints when incremental.
        scored = linkage.pairs.assign(
            log2_bayes_factor=log2_bayes_factors(linkage.pairs, linkage.model))
        if increment is not None:
            scored = scored[scored["unique_id_l"].isin(list(increment.rescore))
                            | scored["unique_id_r"].isin(list(increment.rescore))]
        write_pairs(conn, scored, prints,
                    replace=None if increment is None else increment.rescore)
        timings["write"] = time.perf_counter() - t0
        reviewed = reviewed_accuracy(conn)
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
        mode="full" if increment is None else "incremental",
        rescored_reports=len(linkable) if increment is None else len(increment.rescore),
        label_offset_bits=linkage.label_offset_bits, reviewed=reviewed,
    )


def write_links_csv(path: Path, reports: pd.DataFrame, victim_of: dict[int, int]) -> None:
    """``reporter,report_ref,victim_id`` for every non-anonymous report (cells that a
    spreadsheet would run as a formula are neutralised)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["reporter", "report_ref", "victim_id"])
        reporters = reports["reporter"].tolist()
        safe = {r: safe_cell(r) for r in set(reporters)}  # a handful of reporters
        writer.writerows(zip([safe[r] for r in reporters],
                             [safe_cell(ref) for ref in reports["report_ref"].tolist()],
                             [victim_of[rid] for rid in reports["report_id"].tolist()],
                             strict=True))
