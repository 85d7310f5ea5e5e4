"""IND residence-scheme decisions for foreign victims: reflection period (779), temporary
residence (420, 421) and continued residence (305, 301)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from zicht.synth import params as P
from zicht.synth.allocate import choose, pick_weighted
from zicht.synth.sources.route import v_numbers
from zicht.synth.traits import to_day

_NON_EU = ("africa", "asia", "other_europe", "latin_america", "other_unknown")


def _day_in(rng: np.random.Generator, year: int) -> int:
    return to_day(dt.date(year, 1, 1)) + int(rng.integers(0, 365))


def build_decisions(rng: np.random.Generator, persons: pd.DataFrame,
                    scale: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(decisions, truth): the IND rows and the person behind each decision."""
    year = persons["year"].to_numpy()
    region = persons["region"].to_numpy()
    eligible = np.isin(region, _NON_EU) & (persons["nationality"].to_numpy() != "")
    w = (1.0 + 5.0 * persons["in_police"].to_numpy()
         + (persons["group"].to_numpy() == "registered")
         + (persons["dublin"].to_numpy() == "yes"))
    w = w * np.where(persons["age"].to_numpy() < 18, P.IND_MINOR_WEIGHT, 1.0)
    rows: list[dict[str, object]] = []
    for y in P.YEARS:
        pool = np.flatnonzero(eligible & (year == y))
        users = pool[pick_weighted(rng, w[pool], round(P.IND_NEW_USERS[y] * scale))]
        dublin_p = P.IND_DUBLIN.get(y, P.IND_DUBLIN_DEFAULT)
        for i in users:
            p = persons.iloc[int(i)]
            dublin = bool(rng.random() < (0.9 if p.dublin == "yes" else dublin_p * 0.6))
            base = {"person_id": int(p.person_id), "bsn": p.bsn or None, "sex": p.sex or None,
                    "birth_year": int(pd.Timestamp(int(p.birth_day), unit="D").year),
                    "nationality": p.nationality, "dublin_indication": dublin}
            reflection_day = None
            if rng.random() < P.IND_REFLECTION:
                reflection_day = _day_in(rng, y)
                rows.append({**base, "qualification": "779", "procedure": "reflection",
                             "decision_date": reflection_day, "outcome": "granted",
                             "ground": None})
            if rng.random() >= P.IND_TEMPORARY:
                continue
            ty = y if rng.random() < P.IND_TEMPORARY_SAME_YEAR else y + 1
            if ty > 2024:
                continue
            outcome = str(choose(rng, P.IND_TEMP_OUTCOME, 1)[0])
            if dublin and ty >= 2019 and outcome == "granted" and rng.random() < 0.3:
                outcome = "rejected"  # mid-2019 policy: Dublin cases need investigative leads
            qual = "421" if ty >= 2019 and rng.random() < P.IND_TEMPORARY_421 else "420"
            temporary_day = _day_in(rng, ty)
            if reflection_day is not None and temporary_day < reflection_day:
                # the application follows the reflection period (at most three months),
                # within the same year; no extra draw, so every other draw stays
                temporary_day = min(reflection_day + P.REFLECTION_DAYS,
                                    to_day(dt.date(ty, 12, 31)))
            rows.append({**base, "qualification": qual, "procedure": "temporary",
                         "decision_date": temporary_day, "outcome": outcome, "ground": None})
            cy = ty + 3
            if outcome != "granted" or cy > 2024 or rng.random() >= P.IND_CONTINUED:
                continue
            rows.append({**base, "qualification": "301" if rng.random() < P.IND_CONTINUED_301
                         else "305", "procedure": "continued",
                         "decision_date": _day_in(rng, cy),
                         "outcome": str(choose(rng, P.IND_CONT_OUTCOME, 1)[0]),
                         "ground": str(choose(rng, P.IND_GROUND, 1)[0])})
    d = pd.DataFrame(rows).sort_values(["decision_date", "person_id"], kind="stable")
    d = d.reset_index(drop=True)
    d["decision_id"] = [f"IND{i:08d}" for i in range(1, len(d) + 1)]
    d["v_number"] = v_numbers(d["person_id"].to_numpy())
    return d, d[["decision_id", "person_id"]]
