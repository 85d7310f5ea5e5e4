"""Youth care, Wmo shelter and mental-health costs: population base rates and the
planted effects for trafficking victims (chapter 3).

Everything is vectorised over arrays of persons so that the same functions serve the
17.5 million residents (in chunks) and the few ten thousand resident victims. For a
victim the effect window is the year after the end of the exploitation period (the
offence period the linked analysis uses); outside it victims follow the base rates.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from zicht.synth import params as P
from zicht.synth.allocate import choose
from zicht.synth.traits import NULL_DAY, to_day

FIRST_DAY, LAST_DAY = to_day(dt.date(2010, 1, 1)), to_day(dt.date(2024, 12, 31))
_YEAR_START = {y: to_day(dt.date(y, 1, 1)) for y in range(2009, 2027)}


def _starts_by_rate(rng: np.random.Generator, birth: np.ndarray, rate_of_age: dict[
        tuple[int, int], float], skip: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(person index, start day): yearly Bernoulli starts by age band, 2010-2024."""
    idx_parts, day_parts = [], []
    for y in P.YEARS:
        age = (_YEAR_START[y] + 182 - birth) / 365.25
        p = np.zeros(len(birth))
        for (lo, hi), rate in rate_of_age.items():
            p[(age >= lo) & (age < hi)] = rate
        hit = rng.random(len(birth)) < p
        if skip is not None:  # the victim's effect window replaces the base rate
            hit &= (skip != y) & (skip + 1 != y)
        idx = np.flatnonzero(hit)
        idx_parts.append(idx)
        day_parts.append(_YEAR_START[y] + rng.integers(0, 365, len(idx)))
    return np.concatenate(idx_parts), np.concatenate(day_parts)


def youth_care_rows(rng: np.random.Generator, slot: np.ndarray, start: np.ndarray,
                    victim: bool) -> pd.DataFrame:
    """Trajectories for each start: every type drawn with its own probability (a person
    may have several), at least one."""
    types = P.YOUTH_TYPES_VICTIM if victim else P.YOUTH_TYPES_BASE
    names = list(types)
    probs = np.array(list(types.values()))
    hit = rng.random((len(start), len(names))) < probs
    none = ~hit.any(axis=1)
    hit[none, names.index("ambulant")] = True
    who, kind = np.nonzero(hit)
    s = start[who] + rng.integers(0, 30, len(who))
    e = s + np.ceil(rng.exponential(P.YOUTH_CARE_MEAN_DAYS, len(who))).astype(np.int64)
    running = e > LAST_DAY
    care = np.array(names, dtype=object)[kind]
    return pd.DataFrame({
        "slot": slot[who], "start_date": np.minimum(s, LAST_DAY),
        "end_date": np.where(running, NULL_DAY, e), "care_type": care,
        "with_stay": np.isin(care, P.WITH_STAY),
        "referrer": choose(rng, P.REFERRER_VICTIM if victim else P.REFERRER_BASE, len(who)),
        "end_reason": _or_null(choose(rng, P.END_REASON_VICTIM if victim
                                      else P.END_REASON_BASE, len(who)), ~running),
    })


def _or_null(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    out = values.astype(object)
    out[~keep] = None
    return out


def wmo_rows(rng: np.random.Generator, slot: np.ndarray, start: np.ndarray,
             victim: bool) -> pd.DataFrame:
    e = start + np.ceil(rng.exponential(150.0, len(start))).astype(np.int64)
    return pd.DataFrame({"slot": slot, "start_date": start,
                         "end_date": np.where(e > LAST_DAY, NULL_DAY, e),
                         "shelter_type": choose(rng, P.WMO_TYPES_VICTIM if victim
                                                else P.WMO_TYPES_BASE, len(start))})


def cost_rows(rng: np.random.Generator, slot: np.ndarray, years: np.ndarray,
              special: tuple[float, float], basic: tuple[float, float]) -> pd.DataFrame:
    """Yearly costs per (person, year); only rows with a cost are delivered."""
    n = len(slot)
    sig = P.MH_COST_SIGMA
    has_s = rng.random(n) < special[0]
    has_b = rng.random(n) < basic[0]
    keep = np.flatnonzero(has_s | has_b)
    spec = np.where(has_s[keep], rng.lognormal(np.log(special[1]) - sig ** 2 / 2, sig,
                                               len(keep)), 0.0).round(2)
    bas = np.where(has_b[keep], rng.lognormal(np.log(basic[1]) - sig ** 2 / 2, sig,
                                              len(keep)), 0.0).round(2)
    return pd.DataFrame({"slot": slot[keep], "year": years[keep].astype(np.int16),
                         "mental_health_specialist_eur": spec,
                         "mental_health_basic_eur": bas, "total_eur": (spec + bas).round(2)})


def base_rows(rng: np.random.Generator, slot: np.ndarray, birth: np.ndarray,
              skip_year: np.ndarray | None = None) -> dict[str, pd.DataFrame]:
    """Population base rates for a block of residents (``skip_year``: no base rate in
    that year, where a victim's planted effect applies instead)."""
    who, day = _starts_by_rate(rng, birth, {(0, 18): P.YOUTH_CARE_BASE_MINOR,
                                            (18, 23): P.YOUTH_CARE_BASE_18_22}, skip_year)
    youth = youth_care_rows(rng, slot[who], day, victim=False)
    who, day = _starts_by_rate(rng, birth, {(18, 120): P.WMO_BASE_ADULT}, skip_year)
    wmo = wmo_rows(rng, slot[who], day, victim=False)
    parts = []
    for y in P.HEALTH_COST_YEARS:  # year by year: no 11-fold copies of the block
        who = slot if skip_year is None else slot[(skip_year != y) & (skip_year + 1 != y)]
        parts.append(cost_rows(rng, who, np.full(len(who), y, dtype=np.int16),
                               P.MH_SPECIALIST_BASE, P.MH_BASIC_BASE))
    return {"youth_care": youth, "wmo_shelter": wmo,
            "health_costs": pd.concat(parts, ignore_index=True)}


def victim_rows(rng: np.random.Generator, victims: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Planted effects in the year after the exploitation ends, base rates elsewhere."""
    bsn = victims["slot"].to_numpy()  # register slots; the BSN follows at write time
    birth = victims["birth_day"].to_numpy()
    end = victims["exploitation_end"].to_numpy()
    end_year = pd.to_datetime(end, unit="D").year.to_numpy()
    out = base_rows(rng, bsn, birth, skip_year=end_year)
    minor = (end - birth) / 365.25 < 18
    yc = minor & (rng.random(len(end)) < P.YOUTH_CARE_VICTIM_MINOR)
    start = end + rng.integers(0, 366, len(end))
    ok = yc & (start <= LAST_DAY)
    out["youth_care"] = pd.concat([out["youth_care"], youth_care_rows(
        rng, bsn[ok], start[ok], victim=True)], ignore_index=True)
    w = (rng.random(len(end)) < P.WMO_VICTIM) & (start <= LAST_DAY)
    out["wmo_shelter"] = pd.concat([out["wmo_shelter"], wmo_rows(rng, bsn[w], start[w], True)],
                                   ignore_index=True)
    years = np.concatenate([end_year, end_year + 1])
    b2 = np.concatenate([bsn, bsn])
    in_range = np.isin(years, P.HEALTH_COST_YEARS)
    out["health_costs"] = pd.concat([out["health_costs"], cost_rows(
        rng, b2[in_range], years[in_range], P.MH_SPECIALIST_VICTIM, P.MH_BASIC_VICTIM)],
        ignore_index=True)
    return out
