"""Suspects of police-registered trafficking incidents (BVH): age and nationality.

One row per suspect of an index trafficking incident. The offender monitor (letter 002)
publishes that almost four in ten offenders of domestic sexual exploitation are younger
than 23; that share is planted exactly per form (``SUSPECT_UNDER23``), the rest of the
ages and the nationalities are planted (``SUSPECT_NATIONALITY``, not published). A
suspect has no BSN here: suspects link to nothing in the research zone but their
incident.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zicht.synth import params as P
from zicht.synth.allocate import assign_exact


def _detailed_form(form: np.ndarray, nationality: np.ndarray) -> np.ndarray:
    """The victim's form with sexual exploitation split by the victim's nationality."""
    out = form.astype(object).copy()
    sexual = form == "sexual"
    out[sexual & (nationality == "NL")] = "domestic_sexual"
    out[sexual & (nationality != "NL")] = "cross_border_sexual"
    out[sexual & ((nationality == "") | pd.isna(nationality))] = "unknown"
    return out


def build_suspects(rng: np.random.Generator, incidents: pd.DataFrame) -> pd.DataFrame:
    """Suspects of the index trafficking incidents in ``incidents``."""
    index = incidents[incidents["index"].astype(bool)
                      & (incidents["offence_group"] == "trafficking")]
    nationality = index["nationality"].fillna("").to_numpy(dtype=object)
    form = _detailed_form(index["form"].to_numpy(dtype=object), nationality)
    n_susp = np.where(rng.random(len(index)) < P.SUSPECT_REGISTERED,
                      1 + rng.poisson(P.SUSPECT_EXTRA_MEAN, len(index)), 0)
    rows = index.loc[index.index.repeat(n_susp)].reset_index(drop=True)
    rows["detailed_form"] = np.repeat(form, n_susp)
    age = np.zeros(len(rows), dtype=np.int64)
    nat = np.empty(len(rows), dtype=object)
    for f, share in P.SUSPECT_UNDER23.items():
        sub = np.flatnonzero(rows["detailed_form"].to_numpy() == f)
        if not len(sub):
            continue
        young = assign_exact(rng, len(sub), {"y": share, "n": 1 - share}) == "y"
        age[sub] = np.where(young, rng.integers(15, 23, len(sub)),
                            np.minimum(75, 23 + np.floor(rng.gamma(2.0, 7.0, len(sub)))))
        nat[sub] = assign_exact(rng, len(sub), P.SUSPECT_NATIONALITY[f])
    return pd.DataFrame({
        "suspect_id": [f"SUS{i:08d}" for i in range(1, len(rows) + 1)],
        "incident_id": rows["incident_id"].to_numpy(),
        "registration_date": rows["registration_date"].to_numpy(),
        "offence_code": rows["offence_code"].to_numpy(),
        "age_at_registration": age.astype(np.int16),
        "nationality": nat,
    })
