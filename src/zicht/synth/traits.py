"""Person traits: dates, age, sectors, criminal manner, Dublin indication, residence.

Ages of registered victims follow exact per-year margins (minors, under 23, the mean
age); a birth date is drawn so that the age at the reference date and the age from
the birth year alone (1 July rule of ``docs/data-flow.md``) agree, so a report that
carries only the birth year puts the victim in the same age group.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from zicht.synth import geography as G
from zicht.synth import params as P
from zicht.synth.allocate import assign_exact, choose, pick_weighted

_EPOCH = dt.date(1970, 1, 1)
#: Day number that stands for "no date" (null when written); far before any real date.
NULL_DAY = -999_999


def to_day(d: dt.date) -> int:
    return (d - _EPOCH).days


def from_day(n: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(n))


def draw_report_days(rng: np.random.Generator, n: int, year: int,
                     months: tuple[int, ...] | None = None) -> np.ndarray:
    """Days since 1970 in ``year``: uniform, or by month weights."""
    start, end = to_day(dt.date(year, 1, 1)), to_day(dt.date(year, 12, 31))
    if months is None:
        return rng.integers(start, end + 1, n)
    m = rng.choice(12, size=n, p=np.array(months) / sum(months)) + 1
    first = np.array([to_day(dt.date(year, int(k), 1)) for k in m])
    length = np.array([(dt.date(year + (k == 12), k % 12 + 1, 1) - dt.date(year, k, 1)).days
                       for k in m])
    return np.asarray(first + (rng.random(n) * length).astype(np.int64), dtype=np.int64)


def birth_days_for(rng: np.random.Generator, ref_day: np.ndarray,
                   age: np.ndarray) -> np.ndarray:
    """Birth dates (days since 1970) with completed ``age`` at ``ref_day`` and the same
    age by the 1 July rule (birth year alone), vectorised."""
    ref = pd.to_datetime(np.asarray(ref_day, dtype=np.int64), unit="D")
    y, m, d = ref.year.to_numpy(), ref.month.to_numpy(), ref.day.to_numpy()
    age = np.asarray(age, dtype=np.int64)
    d_safe = np.where((m == 2) & (d == 29), 28, d)

    def day_of(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
        frame = pd.DataFrame({"year": year, "month": month, "day": day})
        days = pd.to_datetime(frame).to_numpy().astype("datetime64[D]")
        return np.asarray(days.astype(np.int64), dtype=np.int64)

    upper = day_of(y - age, m, d_safe)
    lower = day_of(y - age - 1, m, d_safe) + 1
    by = np.where((m > 7) | ((m == 7) & (d >= 1)), y - age, y - age - 1)
    ones = np.ones(len(by), dtype=np.int64)
    lo = np.maximum(lower, day_of(by, ones, ones))
    hi = np.minimum(upper, day_of(by, ones * 12, ones * 31))
    return np.asarray(lo + (rng.random(len(lo)) * (hi - lo + 1)).astype(np.int64),
                      dtype=np.int64)


def draw_ages(rng: np.random.Generator, v: pd.DataFrame, year: int, scale: float,
              known: np.ndarray) -> np.ndarray:
    """Ages (years, -1 = unknown) with exact minors / under-23 counts and mean age."""
    n = len(v)
    ages = np.full(n, -1, dtype=np.int64)
    kidx = np.flatnonzero(known)
    nk = len(kidx)
    early = year < 2016
    u23 = P.UNDER23_SHARE.get(year, P.UNDER23_SHARE_EARLY if early else P.UNDER23_SHARE_LATE)
    if year in P.MINORS:
        n_minor = round(P.MINORS[year] * scale)
    else:
        n_minor = round(nk * (P.MINOR_SHARE_EARLY if early else P.MINOR_SHARE_LATE))
    n_young = max(round(u23 * nk), n_minor)
    form = v["main_form"].to_numpy()[kidx]
    minor = kidx[pick_weighted(rng, np.array([P.MINOR_WEIGHT[f] for f in form]), n_minor)]
    rest = np.setdiff1d(kidx, minor)
    form_rest = v["main_form"].to_numpy()[rest]
    adol = rest[pick_weighted(rng, np.array([P.ADOLESCENT_WEIGHT[f] for f in form_rest]),
                              n_young - n_minor)]
    older = np.setdiff1d(rest, adol)
    ages[minor] = rng.choice(np.arange(12, 18), size=len(minor), p=np.array(
        [1, 2, 3, 4, 5, 5]) / 20)
    ages[adol] = rng.integers(18, 23, len(adol))
    labour = v["main_form"].to_numpy()[older] == "labour"
    mean_other = P.MEAN_AGE_23PLUS_OTHER
    if year in P.MEAN_AGE and (~labour).sum() > 0:
        need = P.MEAN_AGE[year] * nk - ages[minor].sum() - ages[adol].sum() - (
            labour.sum() * P.MEAN_AGE_23PLUS_LABOUR)
        mean_other = max(24.0, need / (~labour).sum())
    for mask, mean in ((labour, P.MEAN_AGE_23PLUS_LABOUR), (~labour, mean_other)):
        sub = older[mask]
        if len(sub) == 0:
            continue
        g = rng.gamma(2.0, 1.0, len(sub))
        g = g / g.mean() * (mean - 23.0)  # exact mean, gamma shape
        ages[sub] = np.clip(np.floor(23.0 + g + 0.5), 23, 75).astype(np.int64)
    return ages


def assign_sectors(rng: np.random.Generator, v: pd.DataFrame, year: int,
                   fairwork: np.ndarray) -> None:
    """Sexual sector, labour sector(s) and criminal manner, known shares exact."""
    n = len(v)
    forms = v["forms"].to_numpy().astype(str)
    sexual = np.flatnonzero(np.char.find(forms, "sexual") >= 0)
    labour = np.flatnonzero(np.char.find(forms, "labour") >= 0)
    criminal = np.flatnonzero(np.char.find(forms, "criminal") >= 0)
    sector = np.full(n, "", dtype=object)
    known = assign_exact(rng, len(sexual), {"y": P.SEXUAL_SECTOR_KNOWN,
                                            "n": 1 - P.SEXUAL_SECTOR_KNOWN}) == "y"
    sector[sexual[known]] = choose(rng, P.SEXUAL_SECTOR_WEIGHTS, int(known.sum()))
    v["sexual_sector"] = sector
    lab = np.full(n, "", dtype=object)
    share = P.LABOUR_SECTOR_KNOWN.get(year, P.LABOUR_SECTOR_KNOWN_DEFAULT)
    if year == 2020:
        fw = labour[fairwork[labour]]
        other = labour[~fairwork[labour]]
        fw_unknown = round(P.FAIRWORK_SECTOR_UNKNOWN_2020 * len(fw))
        other_unknown = max(0, round((1 - share) * len(labour)) - fw_unknown)
        unknown = np.concatenate([rng.choice(fw, fw_unknown, replace=False),
                                  rng.choice(other, min(other_unknown, len(other)),
                                             replace=False)])
        lknown = np.setdiff1d(labour, unknown)
    else:
        flag = assign_exact(rng, len(labour), {"y": share, "n": 1 - share}) == "y"
        lknown = labour[flag]
    first = choose(rng, P.LABOUR_SECTOR_WEIGHTS, len(lknown))
    second = choose(rng, P.LABOUR_SECTOR_WEIGHTS, len(lknown))
    two = (rng.random(len(lknown)) < P.TWO_LABOUR_SECTORS_PROB) & (first != second)
    lab[lknown] = np.where(two, first + ";" + second, first)
    v["labour_sector"] = lab
    _assign_manner(rng, v, year, criminal)


def _assign_manner(rng: np.random.Generator, v: pd.DataFrame, year: int,
                   criminal: np.ndarray) -> None:
    n = len(v)
    region = v["region"].to_numpy()
    dublin = np.full(n, "", dtype=object)
    foreign = ~np.isin(region, ["netherlands", "other_unknown"])
    p = np.array([P.DUBLIN_PROB.get(r, 0.0) for r in region]) * (1.3 if year == 2019 else 1.0)
    dublin[foreign] = np.where(rng.random(int(foreign.sum())) < p[foreign], "yes", "no")
    manner = np.full(n, "", dtype=object)
    table = P.CRIMINAL_MANNER["2020" if year == 2020 else "*"]
    if year == 2020:
        n_drugs = round(table["drugs"] * len(criminal))
        n_afd = round(P.DRUGS_AFRICAN_DUBLIN_2020 * n_drugs)
        african = criminal[region[criminal] == "africa"]
        afd = rng.choice(african, size=min(n_afd, len(african)), replace=False)
        dublin[afd] = "yes"
        non_afd = np.setdiff1d(criminal, afd)
        # the other drug victims are not African-with-Dublin
        pool = non_afd[~((region[non_afd] == "africa") & (dublin[non_afd] == "yes"))]
        other_drugs = rng.choice(pool, size=min(n_drugs - len(afd), len(pool)), replace=False)
        manner[afd] = "drugs"
        manner[other_drugs] = "drugs"
        left = np.setdiff1d(criminal, np.concatenate([afd, other_drugs]))
        rest = {k: w for k, w in table.items() if k != "drugs"}
        manner[left] = assign_exact(rng, len(left), rest)
        # African drug victims outside the 85% must not carry a Dublin indication
        afr_left = left[(region[left] == "africa")]
        dublin[afr_left[manner[afr_left] == "drugs"]] = "no"
    else:
        manner[criminal] = assign_exact(rng, len(criminal), table)
    v["criminal_manner"] = manner
    v["dublin"] = dublin


def assign_place_and_period(rng: np.random.Generator, v: pd.DataFrame,
                            ref_day: np.ndarray, unit: np.ndarray) -> None:
    """Residence, municipality (from the reporting police unit when there is one) and
    the exploitation period around the reference day."""
    n = len(v)
    region = v["region"].to_numpy()
    v["resident"] = rng.random(n) < np.array([P.RESIDENT_PROB[r] for r in region])
    muni = choose(rng, dict(zip(G.CODES, G.WEIGHTS, strict=True)), n)
    for i in np.flatnonzero(unit != ""):
        options = G.MUNICIPALITIES_OF_UNIT.get(str(unit[i]))
        if options:
            muni[i] = options[int(rng.integers(len(options)))]
    v["municipality"] = muni
    ongoing = rng.random(n) < 0.3
    end = np.where(ongoing, ref_day + rng.integers(30, 300, n), ref_day - rng.integers(0, 180, n))
    minor = v["age"].to_numpy() < 18 if "age" in v else np.zeros(n, dtype=bool)
    median = np.where(minor, 240.0, 420.0)
    duration = np.maximum(14, rng.lognormal(np.log(median), 0.8)).astype(np.int64)
    v["exploitation_end"] = np.minimum(end, to_day(dt.date(2024, 12, 31)))
    v["exploitation_start"] = end - duration
    v["ongoing"] = ongoing
