"""Dedupe: merge reports into unique victims with Splink (``docs/dedupe.md``).

Modules, in the order data flows through them: ``normalise`` (names, dates),
``model`` (Splink comparisons, blocking, priors), ``engine`` (train and score, DuckDB
or Spark), ``rules`` (certain matches), ``cluster`` (coherent clusters),
``assign`` (stable victim ids), ``store`` and ``queue`` (registry reads and writes),
``pipeline`` (``run_dedupe``, the one stage function).
"""

from zicht.registry.dedupe.cluster import Clustering, ClusterPolicy, cluster_reports
from zicht.registry.dedupe.engine import ScoredPairs, score_pairs
from zicht.registry.dedupe.model import ModelSpec, build_settings
from zicht.registry.dedupe.normalise import normalise_frame, normalise_text
from zicht.registry.dedupe.pipeline import (
    DedupeOptions,
    DedupeSummary,
    link_reports,
    run_dedupe,
)

__all__ = [
    "ClusterPolicy",
    "Clustering",
    "DedupeOptions",
    "DedupeSummary",
    "ModelSpec",
    "ScoredPairs",
    "build_settings",
    "cluster_reports",
    "link_reports",
    "normalise_frame",
    "normalise_text",
    "run_dedupe",
    "score_pairs",
]
