"""Give clusters victim ids that stay stable from one dedupe run to the next.

A new cluster keeps the id of the previous victim it shares most reports with (ties:
the lower id), and each previous id goes to one cluster only: the one holding most of
its reports. So a victim whose reports did not change keeps its id; a victim that
gained a new report keeps its id; when two victims merge the older id survives and the
other is retired; when a victim splits, the larger part keeps the id. Every change is
an event (``created``, ``merged``, ``split``, ``retired``) for the history table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Assignment", "assign_victim_ids"]


@dataclass(frozen=True)
class Assignment:
    """``victim_of[report_id] = victim_id`` plus the events that explain changes."""

    victim_of: dict[int, int]
    events: list[dict[str, int | str | None]]
    kept: int
    new: int


def assign_victim_ids(
    ids: np.ndarray,
    labels: np.ndarray,
    previous: dict[int, int],
    new_id: Callable[[], int],
) -> Assignment:
    """Map each cluster (``labels`` of report ``ids``) to a victim id.

    ``previous`` maps report id -> victim id of the last run; ``new_id`` makes a fresh
    victim id (e.g. inserts a ``victims`` row).
    """
    frame = pd.DataFrame({"report": np.asarray(ids, dtype=np.int64),
                          "label": np.asarray(labels, dtype=np.int64)})
    frame["old"] = frame["report"].map(previous)
    overlap = (frame.dropna(subset=["old"]).astype({"old": "int64"})
               .groupby(["label", "old"]).size().rename("n").reset_index())
    old_sizes = overlap.groupby("old")["n"].sum()
    # Strongest claims first: most shared reports, then the older victim id.
    overlap = overlap.sort_values(["n", "old", "label"], ascending=[False, True, True])
    chosen: dict[int, int] = {}
    taken: set[int] = set()
    for label, old, _n in overlap.itertuples(index=False):
        if label in chosen or old in taken:
            continue
        chosen[int(label)] = int(old)
        taken.add(int(old))
    events: list[dict[str, int | str | None]] = []
    victim_of_label: dict[int, int] = {}
    new = 0
    for label in np.unique(frame["label"].to_numpy()):
        label = int(label)
        if label in chosen:
            victim_of_label[label] = chosen[label]
        else:
            victim_of_label[label] = new_id()
            new += 1
    for label, old, _n in overlap.itertuples(index=False):
        vid = victim_of_label[int(label)]
        if int(old) == vid:
            continue
        kind = "merged" if int(old) not in taken else "split"
        events.append({"event": kind, "victim_id": vid, "other_victim_id": int(old)})
    for old in old_sizes.index:
        if int(old) not in taken:
            events.append({"event": "retired", "victim_id": int(old), "other_victim_id": None})
    for label, vid in victim_of_label.items():
        if label not in chosen:
            events.append({"event": "created", "victim_id": vid, "other_victim_id": None})
    victim_of = dict(zip(frame["report"].tolist(),
                         frame["label"].map(victim_of_label).tolist(), strict=True))
    return Assignment(victim_of=victim_of, events=events, kept=len(chosen), new=new)
