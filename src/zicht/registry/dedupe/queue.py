"""Fill the review queue after a run: pairs between the two review thresholds.

A pair is queued when its match probability lies in ``[low, high)`` and no person has
decided it yet. Open pairs from an earlier run that no longer qualify become
``obsolete`` (kept, not deleted); decided pairs are never touched.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, bindparam, insert, select, update

from zicht.registry.dedupe.models import LinkDecision, ReviewPair, table_of
from zicht.registry.models import utcnow

__all__ = ["refresh_review_queue"]


def refresh_review_queue(conn: Connection, run_id: int, pairs: pd.DataFrame,
                         cluster_of: dict[int, int], *, low: float, high: float) -> int:
    """Queue the uncertain pairs of this run; return how many pairs are open now."""
    band = pairs[(pairs["match_probability"] >= low) & (pairs["match_probability"] < high)]
    a = np.minimum(band["unique_id_l"].to_numpy(np.int64), band["unique_id_r"].to_numpy(np.int64))
    b = np.maximum(band["unique_id_l"].to_numpy(np.int64), band["unique_id_r"].to_numpy(np.int64))
    wanted = {(int(x), int(y)): float(p) for x, y, p in
              zip(a, b, band["match_probability"].to_numpy(), strict=True)}
    d = table_of(LinkDecision)
    decided = {(min(x, y), max(x, y)) for x, y in conn.execute(
        select(d.c.report_id_l, d.c.report_id_r).where(d.c.revoked_at.is_(None)))}
    t = table_of(ReviewPair)
    existing = {(r.report_id_l, r.report_id_r): (r.id, r.status)
                for r in conn.execute(select(t.c.id, t.c.report_id_l, t.c.report_id_r, t.c.status))}
    obsolete = [rid for pair, (rid, status) in existing.items()
                if status == "open" and (pair not in wanted or pair in decided)]
    if obsolete:
        conn.execute(update(t).where(t.c.id == bindparam("rid")).values(status="obsolete"),
                     [{"rid": r} for r in obsolete])
    now = utcnow()
    fresh, refresh = [], []
    for (x, y), p in wanted.items():
        if (x, y) in decided:
            continue
        linked = cluster_of.get(x) == cluster_of.get(y)
        if (x, y) in existing:
            rid, status = existing[(x, y)]
            if status != "decided":
                refresh.append({"rid": rid, "p": p, "linked": linked, "run": run_id})
        else:
            fresh.append({"report_id_l": x, "report_id_r": y, "match_probability": p,
                          "linked": linked, "status": "open", "run_id": run_id,
                          "created_at": now})
    if refresh:
        conn.execute(update(t).where(t.c.id == bindparam("rid")).values(
            match_probability=bindparam("p"), linked=bindparam("linked"),
            run_id=bindparam("run"), status="open"), refresh)
    if fresh:
        conn.execute(insert(t), fresh)
    return len(fresh) + len(refresh)
