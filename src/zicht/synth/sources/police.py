"""Police incidents (BVH): trafficking victims, their index incident and later victimisation.

Who the police register is a list of its own, dependent on the registry: victims the
police also reported to the registry are ``BVH_POLICE_REPORT_WEIGHT`` times more likely
to be chosen. Revictimisation is a cure model: a person is ever revictimised with a
probability by sex and age group (``REVICTIM_PROB``), the first new incident follows
after an exponential time (mean ``REVICTIM_MEAN_DAYS``), further ones after shorter gaps.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from zicht.synth import geography as G
from zicht.synth import params as P
from zicht.synth.allocate import allocate_counts, choose, pick_weighted
from zicht.synth.traits import to_day

LAST_DAY = to_day(dt.date(2024, 12, 31))
_FORM_OF_MAIN = {"domestic_sexual": "sexual", "cross_border_sexual": "sexual",
                 "sexual_unknown": "sexual", "labour": "labour", "criminal": "criminal",
                 "unknown": "unknown"}


def select_bvh(rng: np.random.Generator, persons: pd.DataFrame, scale: float) -> np.ndarray:
    """Row positions of the persons the police register as trafficking victims."""
    chosen: list[np.ndarray] = []
    main = persons["main_form"].replace({"sexual_unknown": "cross_border_sexual"}).to_numpy()
    weight = (1.0 + (P.BVH_POLICE_REPORT_WEIGHT - 1) * persons["in_police"].to_numpy()
              + (persons["group"].to_numpy() == "registered"))
    weight = weight * np.where(persons["sex"].to_numpy() == "female", P.BVH_FEMALE_WEIGHT, 1.0)
    weight = weight * np.where(persons["age"].to_numpy() < 18, P.BVH_MINOR_WEIGHT, 1.0)
    year = persons["year"].to_numpy()
    resident = persons["resident"].to_numpy()
    for y in P.YEARS:
        for is_res, total, shares in ((True, P.BVH_RESIDENT[y], P.BVH_FORM_RESIDENT),
                                      (False, P.BVH_NON_RESIDENT[y], P.BVH_FORM_NON_RESIDENT)):
            forms = list(shares)
            counts = allocate_counts(round(total * scale), [shares[f] for f in forms])
            for f, k in zip(forms, counts, strict=True):
                pool = np.flatnonzero((year == y) & (resident == is_res) & (main == f))
                chosen.append(pool[pick_weighted(rng, weight[pool], int(k))])
    return np.sort(np.concatenate(chosen))


def _trafficking_code(rng: np.random.Generator, form: np.ndarray, days: np.ndarray) -> np.ndarray:
    year = pd.to_datetime(days, unit="D").year.to_numpy()
    code = np.array([P.TRAFFICKING_CODE["other" if f == "unknown" else f] for f in form],
                    dtype=object)
    general = rng.random(len(form)) < np.array([P.F5293_SHARE.get(int(y), 0.0) for y in year])
    general |= (form == "unknown") & (year <= 2017)
    code[general] = "F5293"
    return code


def build_incidents(rng: np.random.Generator, persons: pd.DataFrame,
                    bvh: np.ndarray, scale: float) -> pd.DataFrame:
    """Index trafficking incidents of the selected persons and every later incident."""
    p = persons.iloc[bvh]
    n = len(p)
    year = p["year"].to_numpy().astype(int)
    start = np.array([to_day(dt.date(int(y), 1, 1)) for y in year])
    near = np.clip(p["report_day"].to_numpy() + rng.integers(-30, 31, n), start, start + 364)
    reg = np.where(p["in_police"].to_numpy(), near, start + rng.integers(0, 365, n))
    reg = np.maximum(reg, p["exploitation_start"].to_numpy() + 1)
    reg = np.minimum(reg, LAST_DAY)
    form = np.array([_FORM_OF_MAIN[f] for f in p["main_form"]], dtype=object)
    unit = np.array([G.UNIT_OF[m] for m in p["municipality"]], dtype=object)
    end = np.minimum(p["exploitation_end"].to_numpy(), LAST_DAY)
    index = pd.DataFrame({
        "person_id": p["person_id"].to_numpy(), "bsn": p["bsn"].to_numpy(),
        "offence_group": "trafficking", "form": form,
        "offence_code": _trafficking_code(rng, form, reg), "registration_date": reg,
        "offence_start": _offence_start(rng.spawn(1)[0], p, end, reg),
        "offence_end": end,
        "police_unit": unit, "index": True,
        # BVH records the victim's nationality: chapter 3 splits sexual exploitation by it
        "nationality": p["nationality"].to_numpy(),
    })
    later = _revictimise(rng, p, reg, form, unit)
    inc = pd.concat([index, later], ignore_index=True)
    inc = inc.sort_values(["registration_date", "person_id"], kind="stable").reset_index(drop=True)
    inc["incident_id"] = [f"BVH{i:09d}" for i in range(1, len(inc) + 1)]
    inc["role"] = "victim"
    inc["victim_report"] = _victim_reports(rng, inc, scale)
    return inc


def _offence_start(rng: np.random.Generator, p: pd.DataFrame, end: np.ndarray,
                   reg: np.ndarray) -> np.ndarray:
    """The start of the offence period the police record (BVH's *pleegperiode*: from the
    day the incident took place, 003 §3.2), not of the whole exploitation: it ends where
    the exploitation ended and starts ``BVH_OFFENCE_DAYS`` (log-normal median) before,
    never before the exploitation began nor after the registration. ``rng`` is a stream
    of its own, so every other draw of the police source is unchanged."""
    span = rng.lognormal(np.log(P.BVH_OFFENCE_DAYS), 0.8, len(end)).astype(np.int64)
    start = np.maximum(p["exploitation_start"].to_numpy(), end - span)
    out: np.ndarray = np.minimum(start, reg)
    return out


def _revictimise(rng: np.random.Generator, p: pd.DataFrame, d0: np.ndarray, form: np.ndarray,
                 unit: np.ndarray) -> pd.DataFrame:
    n = len(p)
    age = (d0 - p["birth_day"].to_numpy()) / 365.25
    female = p["sex"].to_numpy() != "male"
    prob = np.array([P.REVICTIM_PROB[("female" if f else "male", bool(a < 23))]
                     for f, a in zip(female, age, strict=True)])
    again = rng.random(n) < prob
    rows: list[dict[str, object]] = []
    groups = list(P.NEW_INCIDENT_GROUPS)
    gp = np.array(list(P.NEW_INCIDENT_GROUPS.values()))
    for i in np.flatnonzero(again):
        day = int(d0[i]) + max(1, int(np.ceil(rng.exponential(P.REVICTIM_MEAN_DAYS))))
        for k in range(1 + int(rng.poisson(P.REVICTIM_EXTRA_INCIDENTS))):
            if k:
                day += max(1, int(rng.exponential(P.REVICTIM_GAP_DAYS)))
            if day > LAST_DAY:
                break
            g = groups[int(rng.choice(len(groups), p=gp / gp.sum()))]
            rows.append({"person_id": int(p["person_id"].iat[i]), "bsn": p["bsn"].iat[i],
                         "offence_group": g, "form": form[i] if g == "trafficking" else "",
                         "registration_date": day,
                         "offence_start": day - int(rng.integers(0, 60)),
                         "offence_end": day - int(rng.integers(0, 3)),
                         "police_unit": unit[i] if rng.random() < 0.7 else
                         choose(rng, P.UNIT_WEIGHTS, 1)[0], "index": False,
                         "nationality": p["nationality"].iat[i]})
    later = pd.DataFrame(rows)
    if later.empty:
        return later
    code = np.array([P.OFFENCE_CODES.get(g, "") for g in later["offence_group"]], dtype=object)
    traf = (later["offence_group"] == "trafficking").to_numpy()
    code[traf] = _trafficking_code(rng, later["form"].to_numpy()[traf],
                                   later["registration_date"].to_numpy()[traf])
    later["offence_code"] = code
    return later


def _victim_reports(rng: np.random.Generator, inc: pd.DataFrame, scale: float) -> np.ndarray:
    """Aangiften: exact counts a year on trafficking incidents (criminal share planted)."""
    out = np.zeros(len(inc), dtype=bool)
    year = pd.to_datetime(inc["registration_date"].to_numpy(), unit="D").year.to_numpy()
    traf = (inc["offence_group"] == "trafficking").to_numpy()
    crim = (inc["form"] == "criminal").to_numpy()
    for y in P.YEARS:
        total = round(P.AANGIFTEN[y] * scale)
        n_crim = round(total * P.AANGIFTEN_CRIMINAL_SHARE.get(y, P.AANGIFTEN_CRIMINAL_DEFAULT))
        c_pool = np.flatnonzero(traf & crim & (year == y))
        o_pool = np.flatnonzero(traf & ~crim & (year == y))
        c = rng.choice(c_pool, min(n_crim, len(c_pool)), replace=False)
        o = rng.choice(o_pool, min(total - len(c), len(o_pool)), replace=False)
        out[c] = True
        out[o] = True
    other = ~traf
    out[other] = rng.random(int(other.sum())) < 0.45
    return out
