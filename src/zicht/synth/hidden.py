"""The unseen part of the hidden population and the KMar-only group.

Per year and form the true number of victims is planted (``params.HIDDEN``; at least
``HIDDEN_MIN_RATIO`` times the registered ones). The unregistered victims differ from
the registered ones on purpose (heterogeneity the estimate must cope with): more
minors in domestic sexual exploitation, less visible sectors, lower visibility ``u``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zicht.synth import params as P
from zicht.synth.allocate import choose
from zicht.synth.traits import birth_days_for, draw_report_days

HIDDEN_FORMS = ("domestic_sexual", "cross_border_sexual", "labour", "criminal", "unknown")
_FEMALE = {"domestic_sexual": .95, "cross_border_sexual": .92, "labour": .30,
           "criminal": .35, "unknown": .60}
_AGE_MIX = {"domestic_sexual": (.65, .20), "cross_border_sexual": (.08, .25),
            "labour": (.02, .08), "criminal": (.20, .30), "unknown": (.15, .25)}
_INVISIBLE_SECTORS = {"window": 4, "club_brothel": 4, "private_house": 5, "street": 5,
                      "home": 35, "escort_hotel": 30, "other": 17}
_FORMS = {"domestic_sexual": "sexual", "cross_border_sexual": "sexual", "labour": "labour",
          "criminal": "criminal", "unknown": "unknown"}


def hidden_totals(year: int, registered: pd.DataFrame, scale: float) -> dict[str, int]:
    """True number of victims per form in ``year`` (truth for the estimate)."""
    main = registered["main_form"].replace({"sexual_unknown": "cross_border_sexual"})
    reg = main.value_counts().to_dict()
    out = {}
    for f in HIDDEN_FORMS:
        planted = P.HIDDEN[f] * P.HIDDEN_YEAR_FACTOR[year] * scale
        out[f] = round(max(planted, P.HIDDEN_MIN_RATIO * reg.get(f, 0)))
    return out


def draw_unregistered(rng: np.random.Generator, year: int, totals: dict[str, int],
                      registered: pd.DataFrame, first_id: int) -> pd.DataFrame:
    """Victims no reporter registered with consent (some may be reported anonymously)."""
    main_reg = registered["main_form"].replace({"sexual_unknown": "cross_border_sexual"})
    counts = {f: max(0, totals[f] - int((main_reg == f).sum())) for f in HIDDEN_FORMS}
    form = np.repeat(np.array(HIDDEN_FORMS, dtype=object), [counts[f] for f in HIDDEN_FORMS])
    n = len(form)
    v = pd.DataFrame({"person_id": np.arange(first_id, first_id + n, dtype=np.int64),
                      "year": np.full(n, year, dtype=np.int16), "group": "unregistered",
                      "main_form": form})
    forms = np.array([_FORMS[f] for f in form], dtype=object)
    overlap = rng.random(n) < 0.03
    forms[overlap & (forms == "sexual")] = "sexual;criminal"
    forms[overlap & (forms == "labour")] = "labour;criminal"
    v["forms"] = forms
    fill_hidden_traits(rng, v, year)
    return v


def draw_kmar_only(rng: np.random.Generator, year: int, scale: float,
                   first_id: int) -> pd.DataFrame:
    """Cross-border prostitution reported by the KMar alone (excluded by the monitor)."""
    n = round(P.KMAR_ONLY[year] * scale)
    v = pd.DataFrame({"person_id": np.arange(first_id, first_id + n, dtype=np.int64),
                      "year": np.full(n, year, dtype=np.int16), "group": "kmar_only",
                      "main_form": "cross_border_sexual", "forms": "sexual"})
    fill_hidden_traits(rng, v, year, regions={"eu": .5, "latin_america": .2,
                                              "other_europe": .15, "asia": .1, "africa": .05})
    v["sex"] = "female"
    return v


def fill_hidden_traits(rng: np.random.Generator, v: pd.DataFrame, year: int,
                       regions: dict[str, float] | None = None) -> None:
    """Region, nationality, sex, age, sectors and a reference day for hidden persons."""
    n = len(v)
    form = v["main_form"].to_numpy()
    region = np.empty(n, dtype=object)
    nat = np.empty(n, dtype=object)
    for f in np.unique(form):
        idx = np.flatnonzero(form == f)
        if f == "domestic_sexual":
            region[idx] = "netherlands"
        else:
            table = regions or P.REGION_SHARES[f]["mid"]
            region[idx] = choose(rng, table, len(idx))
        for r in np.unique(region[idx]):
            sub = idx[region[idx] == r]
            tables = P.NATIONALITIES[r]
            nat[sub] = choose(rng, tables.get(f, tables["*"]), len(sub))
    v["region"] = region
    v["nationality"] = nat
    v["nationality_2"] = ""
    v["sex"] = np.where(rng.random(n) < np.array([_FEMALE[f] for f in form]), "female", "male")
    mix = np.array([_AGE_MIX[f] for f in form], dtype=float).reshape(-1, 2)
    r = rng.random(n)
    age = np.where(r < mix[:, 0], rng.integers(12, 18, n),
                   np.where(r < mix[:, 0] + mix[:, 1], rng.integers(18, 23, n),
                            23 + rng.gamma(2.0, np.where(form == "labour", 6.5, 4.0))))
    v["age"] = age.astype(np.int64)
    v["age_known"] = True
    ref = draw_report_days(rng, n, year)
    v["ref_day"] = ref
    v["birth_day"] = birth_days_for(rng, ref, v["age"].to_numpy())
    forms = v["forms"].to_numpy().astype(str)
    sexual = np.char.find(forms, "sexual") >= 0
    labour = np.char.find(forms, "labour") >= 0
    criminal = np.char.find(forms, "criminal") >= 0
    v["sexual_sector"] = np.where(sexual, choose(rng, _INVISIBLE_SECTORS, n), "")
    v["labour_sector"] = np.where(labour, choose(rng, P.LABOUR_SECTOR_WEIGHTS, n), "")
    manner = {k: w for k, w in P.CRIMINAL_MANNER["*"].items() if k}
    v["criminal_manner"] = np.where(criminal, choose(rng, manner, n), "")
    foreign = ~np.isin(region, ["netherlands", "other_unknown"])
    p = np.array([P.DUBLIN_PROB.get(x, 0.0) for x in region])
    v["dublin"] = np.where(foreign, np.where(rng.random(n) < p, "yes", "no"), "")
    v["u"] = rng.normal(-0.5, P.HETEROGENEITY_SD, n)
