"""Anonymous chat contacts (Chat met Fier): visitors, repeat visits, what they tell."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from zicht.synth import params as P
from zicht.synth.allocate import assign_exact
from zicht.synth.traits import to_day


def build_contacts(rng: np.random.Generator, persons: pd.DataFrame,
                   scale: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(contacts, truth): chat contacts and, for victims about themselves, the person."""
    frames, truths = [], []
    for y, n_traf in P.CHAT_TRAFFICKING_VISITORS.items():
        n = round(n_traf * scale)
        n_other = round(n * P.CHAT_OTHER_VISITOR_RATIO)
        v = _visitors(rng, y, n, scale)
        other = pd.DataFrame({"trafficking_question": False, "about": assign_exact(
            rng, n_other, {"self": .7, "other": .3}), "minor": rng.random(n_other) < .35,
            "forms": [[] for _ in range(n_other)], "still_unsafe": False,
            "duration": "unknown", "parents_exploiters": False,
            "several_perpetrators": False, "criminal_manner": None, "met_where": None,
            "first_disclosure": None})
        vis = pd.concat([v, other], ignore_index=True)
        vis["visitor_key"] = [f"{x:016x}" for x in rng.integers(0, 2**63, len(vis))]
        # victims about themselves stand for hidden domestic victims of that year
        self_traf = np.flatnonzero(vis["trafficking_question"] & (vis["about"] == "self"))
        pool = persons[(persons["year"] == min(y, 2024)) &
                       (persons["main_form"] == "domestic_sexual")]["person_id"].to_numpy()
        pid = rng.choice(pool, min(len(pool), len(self_traf)), replace=False)
        truths.append(pd.DataFrame({"visitor_key": vis["visitor_key"].to_numpy()[
            self_traf[: len(pid)]], "person_id": pid}))
        visits = 1 + rng.poisson(P.CHAT_REPEAT_MEAN, len(vis))
        rep = vis.loc[vis.index.repeat(visits)].reset_index(drop=True)
        start = to_day(dt.date(y, 1, 1))
        rep["contact_date"] = start + rng.integers(0, 365, len(rep))
        frames.append(rep)
    c = pd.concat(frames, ignore_index=True).sort_values(["contact_date", "visitor_key"],
                                                         kind="stable").reset_index(drop=True)
    c["contact_id"] = [f"CHAT{i:07d}" for i in range(1, len(c) + 1)]
    return c, pd.concat(truths, ignore_index=True)


def _visitors(rng: np.random.Generator, year: int, n: int, scale: float) -> pd.DataFrame:
    # (scale only matters for the 2023 minors; the 2020 margins scale with n)
    """Visitors with a trafficking question; 2020 margins exact (factsheet 001)."""
    k = P.CHAT_2020
    ratio = n / P.CHAT_TRAFFICKING_VISITORS[2020]  # this year's size on the 2020 margins
    self_share = k["self"] / P.CHAT_TRAFFICKING_VISITORS[2020]
    about = assign_exact(rng, n, {"self": self_share, "other": 1 - self_share})
    minor_share = k["minor"] / P.CHAT_TRAFFICKING_VISITORS[2020]
    minor = assign_exact(rng, n, {"y": minor_share, "n": 1 - minor_share}) == "y"
    if year == 2023:  # 90 minor victims about themselves (factsheet 000)
        target = round(P.CHAT_MINOR_SELF_2023 * scale)
        minor[:] = False
        selfs = np.flatnonzero(about == "self")
        minor[rng.choice(selfs, min(target, len(selfs)), replace=False)] = True
    sexual_n = round(k["sexual"] * ratio)
    crim_n = round(k["criminal"] * ratio)
    both_n = round(k["criminal_and_sexual"] * ratio)
    sexual = np.zeros(n, dtype=bool)
    sexual[rng.choice(n, min(n, sexual_n), replace=False)] = True
    criminal = np.zeros(n, dtype=bool)
    s_idx, ns_idx = np.flatnonzero(sexual), np.flatnonzero(~sexual)
    criminal[rng.choice(s_idx, min(both_n, len(s_idx)), replace=False)] = True
    criminal[rng.choice(ns_idx, min(crim_n - both_n, len(ns_idx)), replace=False)] = True
    forms = [[f for f, on in (("sexual", s), ("criminal", c)) if on] or ["other"]
             for s, c in zip(sexual, criminal, strict=True)]

    def flag(share: float) -> np.ndarray:
        return np.asarray(assign_exact(rng, n, {"y": share, "n": 1 - share}) == "y",
                          dtype=bool)

    # The manner is told only where the chat is about criminal exploitation.
    manner = np.asarray(assign_exact(rng, n, P.CHAT_CRIMINAL_MANNER), dtype=object)
    manner[~criminal] = None
    return pd.DataFrame({"trafficking_question": True, "about": about, "minor": minor,
                         "forms": forms, "still_unsafe": flag(k["still_unsafe"]),
                         "duration": assign_exact(rng, n, P.CHAT_DURATION),
                         "parents_exploiters": flag(k["parents_exploiters"]),
                         "several_perpetrators": flag(k["several_perpetrators"]),
                         "criminal_manner": manner,
                         "met_where": assign_exact(rng, n, P.CHAT_MET_WHERE),
                         "first_disclosure": flag(P.CHAT_FIRST_DISCLOSURE)})
