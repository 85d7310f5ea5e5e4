"""Registered victims of one year: forms, nationality and sex, with exact margins.

The published registry margins (victims a year, forms with overlap, cross-border vs
domestic sexual exploitation, sex) are allocated first and then shuffled over random
persons; see ``allocate``. Count rule at scale ``s``: each published count becomes
``round(count * s)`` and inner splits follow by largest remainder.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zicht.synth import params as P
from zicht.synth.allocate import allocate_counts, assign_exact, choose, pick_weighted

FORM_SETS = ("S", "L", "C", "U", "SC", "LS", "LC", "SLC")
_SET_FORMS = {"S": "sexual", "L": "labour", "C": "criminal", "U": "unknown",
              "SC": "sexual;criminal", "LS": "sexual;labour", "LC": "labour;criminal",
              "SLC": "sexual;labour;criminal"}


def period_of(year: int) -> str:
    """The period key of the planted region tables."""
    if year in (2019, 2020):
        return str(year)
    return "early" if year < 2016 else "mid" if year <= 2018 else "late"


def form_set_weights(year: int) -> dict[str, float]:
    """Victims in exactly each form set at scale 1 (unknown = the remainder)."""
    total = P.VICTIMS[year]
    if year in P.FORM_TOTALS:
        t: dict[str, float] = {k: float(v) for k, v in P.FORM_TOTALS[year].items()}
    else:
        shares = P.FORM_SHARES_EARLY if year < 2016 else P.FORM_SHARES_LATE
        t = {k: v * total for k, v in shares.items()}
    only = {
        "S": t["S"] - t["SC"] - t["LS"] - t["SLC"],
        "L": t["L"] - t["LS"] - t["LC"] - t["SLC"],
        "C": t["C"] - t["SC"] - t["LC"] - t["SLC"],
    }
    known = sum(only.values()) + t["SC"] + t["LS"] + t["LC"] + t["SLC"]
    return {**only, "U": total - known, "SC": t["SC"], "LS": t["LS"], "LC": t["LC"],
            "SLC": t["SLC"]}


def scaled(count: float, scale: float) -> int:
    """The documented scaling rule for one published count."""
    return round(count * scale)


def draw_registered(rng: np.random.Generator, year: int, scale: float,
                    first_id: int) -> pd.DataFrame:
    """The registered victims of ``year`` with forms, nationality, sex and visibility."""
    n = scaled(P.VICTIMS[year], scale)
    weights = form_set_weights(year)
    counts = allocate_counts(n, [weights[k] for k in FORM_SETS])
    sets = np.repeat(np.array(FORM_SETS, dtype=object), counts)
    rng.shuffle(sets)
    v = pd.DataFrame({
        "person_id": np.arange(first_id, first_id + n, dtype=np.int64),
        "year": np.full(n, year, dtype=np.int16),
        "group": "registered",
        "form_set": sets,
    })
    v["forms"] = v["form_set"].map(_SET_FORMS)
    v["main_form"] = _main_forms(rng, v, year)
    _assign_origin(rng, v, year)
    _assign_sex(rng, v, year)
    v["u"] = rng.normal(0.0, P.HETEROGENEITY_SD, n)
    return v


def _main_forms(rng: np.random.Generator, v: pd.DataFrame, year: int) -> np.ndarray:
    """Hierarchy sexual > labour > criminal > unknown; sexual split by nationality."""
    sets = v["form_set"].to_numpy()
    main = np.where(np.isin(sets, ["L", "LC"]), "labour",
                    np.where(sets == "C", "criminal", "unknown")).astype(object)
    sexual = np.flatnonzero(np.char.find(sets.astype(str), "S") >= 0)
    if year in P.SEXUAL_NATIONALITY:
        nl, foreign, unk = P.SEXUAL_NATIONALITY[year]
        shares: dict[str, float] = {"domestic_sexual": nl, "cross_border_sexual": foreign,
                                    "sexual_unknown": unk}
    else:
        d, u = P.SEXUAL_DOMESTIC_SHARE, P.SEXUAL_UNKNOWN_NAT_SHARE
        shares = {"domestic_sexual": d, "cross_border_sexual": 1 - d - u, "sexual_unknown": u}
    main[sexual] = assign_exact(rng, len(sexual), shares)
    return main


def _assign_origin(rng: np.random.Generator, v: pd.DataFrame, year: int) -> None:
    """Region by exact allocation within each main form; nationality within region."""
    n = len(v)
    region = np.empty(n, dtype=object)
    nationality = np.empty(n, dtype=object)
    main = v["main_form"].to_numpy()
    for form in np.unique(main):
        idx = np.flatnonzero(main == form)
        if form == "domestic_sexual":
            region[idx] = "netherlands"
        elif form == "sexual_unknown":
            region[idx] = "other_unknown"
        else:
            region[idx] = assign_exact(rng, len(idx), P.REGION_SHARES[form][period_of(year)])
        for reg in np.unique(region[idx]):
            sub = idx[region[idx] == reg]
            tables = P.NATIONALITIES[reg]
            nationality[sub] = assign_exact(rng, len(sub), tables.get(form, tables["*"]))
    v["region"] = region
    v["nationality"] = nationality
    # Only Dutch victims carry a second nationality: Dutch as a second nationality makes
    # a person Dutch (domestic), which would contradict a cross-border victim's origin.
    dual = (rng.random(n) < P.SECOND_NATIONALITY_PROB) & (nationality == "NL")
    second = choose(rng, {"MA": 4, "TR": 3, "SR": 3}, n)
    v["nationality_2"] = np.where(dual, second, "")


def _assign_sex(rng: np.random.Generator, v: pd.DataFrame, year: int) -> None:
    """Exact male count per year, men drawn with a propensity by main form."""
    n = len(v)
    male_n = round(P.MALE_SHARE.get(year, P.MALE_SHARE_DEFAULT) * n)
    unknown_n = round(P.SEX_UNKNOWN_SHARE * n)
    w = v["main_form"].map(P.MALE_WEIGHT).to_numpy(dtype=float)
    sex = np.full(n, "female", dtype=object)
    male = pick_weighted(rng, w, male_n)
    sex[male] = "male"
    rest = np.flatnonzero(sex == "female")
    sex[rng.choice(rest, size=min(unknown_n, len(rest)), replace=False)] = ""
    v["sex"] = sex
