"""Reviewers teach the model (issue 13): labels calibrate the weights, and the review
queue's decisions give precision and recall with an interval."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2] / "registry" / "dedupe"))

import numpy as np
import pandas as pd
import pytest
from dedupe_fixtures import UNSURE, add_reports

from zicht.registry.db import Registry
from zicht.registry.dedupe import run_dedupe
from zicht.registry.dedupe.labels import (
    MIN_LABELS,
    apply_offset,
    calibrate_offset,
    reviewed_accuracy,
    wilson,
)
from zicht.registry.review import decide_review, list_review


def test_wilson_interval_matches_the_textbook_values() -> None:
    est = wilson(8, 10)
    assert est.value == pytest.approx(0.8)
    assert est.low == pytest.approx(0.4902, abs=1e-4)
    assert est.high == pytest.approx(0.9433, abs=1e-4)
    assert wilson(0, 0).value is None
    assert wilson(0, 5).low == 0.0


def _labelled(n: int, true_shift: float, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pairs whose real match rate is σ(w + true_shift bits), decided accordingly."""
    rng = np.random.default_rng(seed)
    w = rng.uniform(-4, 4, n)
    match = rng.random(n) < 1 / (1 + np.exp2(-(w + true_shift)))
    ids = np.arange(n, dtype=np.int64)
    pairs = pd.DataFrame({"unique_id_l": 2 * ids, "unique_id_r": 2 * ids + 1,
                          "match_weight": w, "match_probability": 1 / (1 + np.exp2(-w))})
    labels = pd.DataFrame({"unique_id_l": 2 * ids + 1, "unique_id_r": 2 * ids,
                           "decision": np.where(match, "match", "non_match")})
    return pairs, labels


def test_labels_move_the_weights_towards_the_reviewers() -> None:
    pairs, labels = _labelled(2_000, true_shift=3.0)
    bits = calibrate_offset(pairs, labels)
    assert bits == pytest.approx(3.0, abs=0.4)
    shifted, model = apply_offset(pairs, {"probability_two_random_records_match": 1e-4}, bits)
    assert (shifted["match_weight"] - pairs["match_weight"]).round(9).eq(round(bits, 9)).all()
    # The Bayes factors stay: λ moved by the same bits.
    lam = model["probability_two_random_records_match"]
    assert np.log2(lam / (1 - lam)) - np.log2(1e-4 / (1 - 1e-4)) == pytest.approx(bits)


def test_a_calibrated_model_is_left_alone_and_few_labels_say_nothing() -> None:
    pairs, labels = _labelled(2_000, true_shift=0.0)
    assert abs(calibrate_offset(pairs, labels)) < 0.4
    few_pairs, few = _labelled(MIN_LABELS - 1, true_shift=3.0)
    assert calibrate_offset(few_pairs, few) == 0.0


def test_summary_reports_precision_and_recall_from_reviewed_pairs(registry: Registry) -> None:
    ids = add_reports(registry, UNSURE)
    first = run_dedupe(registry)
    assert first.reviewed["precision"].n == 0 and first.reviewed["recall"].n == 0
    with registry.begin() as conn:
        items = list_review(conn, registry.cipher)
        assert items
        # The reviewer accepts every queued pair: whatever was linked was right, and
        # what was not linked was missed.
        for item in items:
            decide_review(conn, item.id, "accept", actor="cli:test")
        linked = sum(i.linked for i in items)
    summary = run_dedupe(registry)
    recall = summary.reviewed["recall"]
    assert recall.n == len(items)
    assert recall.value == pytest.approx(linked / len(items))
    assert recall.low is not None and recall.low <= recall.value <= (recall.high or 0)
    with registry.begin() as conn:
        assert reviewed_accuracy(conn)["recall"].n == len(items)
    assert len(ids) == len(UNSURE)
    assert "reviewed" in summary.to_dict()


def test_reviewers_who_accept_unsure_pairs_raise_every_weight() -> None:
    """Labels saying the model is too cautious move unlabelled pairs too: the lesson
    generalises beyond the pairs decided."""
    from test_small_registries import registry as small_registry

    from zicht.registry.dedupe.pipeline import DedupeOptions, link_reports

    frame = small_registry(200)
    options = DedupeOptions(review_low=0.001)  # keep the unlikely pairs too
    plain = link_reports(frame, options)
    p = plain.pairs["match_probability"]
    # Reviewers accept every pair the model put above 0.1 (it was too cautious) and
    # reject the hopeless ones.
    must = plain.pairs[p > 0.1][["unique_id_l", "unique_id_r"]]
    cannot = plain.pairs[p < 0.02][["unique_id_l", "unique_id_r"]]
    assert len(must) + len(cannot) >= MIN_LABELS and len(cannot)
    taught = link_reports(frame, options, must_link=must, cannot_link=cannot)
    assert taught.label_offset_bits > 0.5
    before = plain.pairs.set_index(["unique_id_l", "unique_id_r"])["match_probability"]
    after = taught.pairs.set_index(["unique_id_l", "unique_id_r"])["match_probability"]
    common = before.index.intersection(after.index)
    assert len(common) and (after[common] > before[common]).all()
    off = link_reports(frame, DedupeOptions(review_low=0.001, learn_from_reviews=False),
                       must_link=must)
    assert off.label_offset_bits == 0.0
