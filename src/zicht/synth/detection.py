"""Detection: which reporters find each registered victim (capture histories).

Per year and main form the number of reports by each reporter is fixed (published
shares and totals, see ``params.REPORTER_SHARES``); ``capture.draw`` then finds the
registered victims among all true victims of the form with one capture process
(heterogeneity and referral between affine lists) conditioned on those totals. KMar
never is the only reporter of a sexual-exploitation victim here: those are the
separate KMar-only group the monitor excludes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zicht.synth import capture
from zicht.synth import params as P
from zicht.synth.allocate import allocate_counts, pick_weighted

REPORTERS = P.REPORTER_CODES
_SEXUAL = ("domestic_sexual", "cross_border_sexual", "sexual_unknown")


def police_target(year: int, scale: float) -> int | None:
    """Published (2019, 2020) or planted (2016-2018 split of 1,408) police reports."""
    if year in P.POLICE_REPORTS:
        return round(float(P.POLICE_REPORTS[year] * scale))
    if 2016 <= year <= 2018:
        split = allocate_counts(P.POLICE_REPORTS_2016_2018, [P.VICTIMS[y] for y in
                                                             (2016, 2017, 2018)])
        return round(float(split[year - 2016] * scale))
    return None


def _strata_counts(v: pd.DataFrame, year: int, scale: float) -> dict[str, np.ndarray]:
    """Reports per reporter in each main-form stratum, meeting the year's targets."""
    sizes = v["main_form"].value_counts().to_dict()
    forms = sorted(sizes)
    reports = {f: round(sizes[f] * P.reports_per_victim(year)) for f in forms}
    base = {f: np.array([P.REPORTER_SHARES[f][r] for r in REPORTERS]) for f in forms}

    def police_for(factor: float) -> dict[str, int]:
        return {f: min(sizes[f], round(reports[f] * min(0.97, base[f][0] * factor)))
                for f in forms}

    target = police_target(year, scale)
    factor = 1.0
    if target is not None:
        lo, hi = 0.05, 3.0
        for _ in range(60):
            factor = (lo + hi) / 2
            if sum(police_for(factor).values()) < target:
                lo = factor
            else:
                hi = factor
    police = police_for(factor)
    out: dict[str, np.ndarray] = {}
    for f in forms:
        counts = np.zeros(len(REPORTERS), dtype=np.int64)
        counts[0] = police[f]
        rest = reports[f] - police[f]
        w = base[f].copy()
        w[0] = 0.0
        if f == "labour" and year == 2020:
            counts[3] = min(sizes[f], round(P.FAIRWORK_LABOUR_2020 * P.FORM_TOTALS[2020]["L"]
                                                * scale))
            rest -= counts[3]
            w[3] = 0.0
        if year in P.SZW_REPORTS:
            # the inspectorate's few reports are almost all labour exploitation
            szw = round(P.SZW_REPORTS[year] * scale) if f == "labour" else 0
            counts[2] = min(szw, rest, sizes[f])
            rest -= counts[2]
            w[2] = 0.0
        counts += allocate_counts(max(rest, 0), w)
        out[f] = np.minimum(counts, sizes[f])
    return out


_GROUP = {"sexual_unknown": "cross_border_sexual"}  # capture strata = hidden forms


def assign_reporters(rng: np.random.Generator, v: pd.DataFrame, year: int, scale: float,
                     totals: dict[str, int]) -> tuple[pd.DataFrame, dict[str, np.ndarray],
                                                      list[dict[str, object]]]:
    """Capture histories of the registered victims from one capture process per form.

    Returns (pairs, u of the unregistered per form, capture-model rows): ``pairs`` has
    one row per (victim, reporter): ``row`` (position in ``v``), ``reporter``, ``rank``
    (0 = the first report).
    """
    counts = _strata_counts(v, year, scale)
    group = v["main_form"].replace(_GROUP).to_numpy()
    u = np.zeros(len(v))
    rows, reps, ranks = [], [], []
    unseen: dict[str, np.ndarray] = {}
    model: list[dict[str, object]] = []
    for g in sorted(set(group)):
        idx = rng.permutation(np.flatnonzero(group == g))
        target = sum((c for f, c in counts.items() if _GROUP.get(f, f) == g),
                     np.zeros(len(REPORTERS), dtype=np.int64))
        n_total = max(totals[g], len(idx))
        cap = capture.draw(rng, n_total, len(idx), target, sexual=g in _SEXUAL)
        found = np.flatnonzero(cap.lists.any(axis=1))
        u[idx] = cap.sigma * cap.z[found]
        unseen[g] = cap.sigma * cap.z[np.setdiff1d(np.arange(n_total), found)]
        model.append({"year": year, "form": g, "true_victims": n_total,
                      "registered": len(idx), "sigma": cap.sigma, "rho": cap.rho,
                      **{f"a_{r}": float(a) for r, a in zip(REPORTERS, cap.intercepts,
                                                             strict=True)}})
        person, k = np.nonzero(cap.lists[found])
        order = rng.permutation(len(person))  # random first reporter per victim
        rank = np.empty(len(person), dtype=np.int64)
        key = np.lexsort((order, person))
        first = np.r_[0, np.flatnonzero(np.diff(person[key])) + 1]
        pos = np.arange(len(person)) - np.repeat(first, np.diff(np.r_[first, len(person)]))
        rank[key] = pos
        rows.append(idx[person])
        reps.append(k)
        ranks.append(rank)
    v["u"] = u
    pairs = pd.DataFrame({"row": np.concatenate(rows), "rank": np.concatenate(ranks),
                          "reporter": np.array(REPORTERS, dtype=object)[np.concatenate(reps)]})
    return pairs.sort_values(["row", "rank"], kind="stable").reset_index(drop=True), \
        unseen, model


def extra_unit_reports(year: int, n_police: int, scale: float) -> int:
    """Police victims reported again by a second regional unit in the same year."""
    if 2016 <= year <= 2020:
        targets = [P.POLICE_REPORTS.get(y) or 0 for y in range(2016, 2021)]
        split_2016_18 = allocate_counts(P.POLICE_REPORTS_2016_2018, [P.VICTIMS[y] for y in
                                                                     (2016, 2017, 2018)])
        targets[:3] = list(split_2016_18)
        extra = allocate_counts(P.POLICE_UNIT_REPORTS_2016_2020 - 2829, targets)
        return min(n_police, round(float(extra[year - 2016] * scale)))
    return round(float(n_police * (P.POLICE_UNIT_REPORTS_2016_2020 - 2829) / 2829))


def assign_units(rng: np.random.Generator, v: pd.DataFrame, pairs: pd.DataFrame, year: int,
                 scale: float) -> pd.DataFrame:
    """Police units for each police report, plus second-unit reports (exact counts)."""
    police = pairs[pairs["reporter"] == "police"]
    first_rows = police["row"].to_numpy()
    n_extra = extra_unit_reports(year, len(first_rows), scale)
    second_rows = np.sort(rng.choice(first_rows, size=n_extra, replace=False))
    all_rows = np.concatenate([first_rows, second_rows])
    total = len(all_rows)
    units = list(P.UNIT_WEIGHTS)
    fixed: dict[str, int] = {"landelijke-eenheid": round(P.UNIT_LANDELIJKE.get(year, 0)
                                                             * scale)}
    if year in P.UNIT_NOORD_NEDERLAND:
        fixed["noord-nederland"] = round(P.UNIT_NOORD_NEDERLAND[year] * scale)
    free = [u for u in units if u not in fixed]
    counts = allocate_counts(total - sum(fixed.values()), [P.UNIT_WEIGHTS[u] for u in free])
    label = np.empty(total, dtype=object)
    # Noord-Nederland (Ter Apel) registers many asylum-seeking foreign victims
    region = v["region"].to_numpy()[all_rows]
    w_nn = np.where(np.isin(region, ["africa", "asia", "other_europe"]), 3.0, 1.0)
    open_pos = np.arange(total)
    for unit, n in fixed.items():
        pos = open_pos[pick_weighted(rng, w_nn[open_pos] if unit == "noord-nederland"
                                     else np.ones(len(open_pos)), n)]
        label[pos] = unit
        open_pos = np.setdiff1d(open_pos, pos)
    rest = np.repeat(np.array(free, dtype=object), counts)
    label[open_pos] = rng.permutation(rest)
    _repair_same_unit(rng, label, all_rows, len(first_rows))
    police_first = police.assign(police_unit=label[: len(first_rows)])
    second = pd.DataFrame({"row": second_rows, "rank": 99, "reporter": "police",
                           "police_unit": label[len(first_rows):]})
    other = pairs[pairs["reporter"] != "police"].assign(police_unit="")
    out = pd.concat([police_first, other, second], ignore_index=True)
    return out.sort_values(["row", "rank"], kind="stable").reset_index(drop=True)


def _repair_same_unit(rng: np.random.Generator, label: np.ndarray, rows: np.ndarray,
                      n_first: int) -> None:
    """A second-unit report must come from another unit: swap labels where equal."""
    first_unit = dict(zip(rows[:n_first].tolist(), label[:n_first].tolist(), strict=True))
    for i in range(n_first, len(rows)):
        if label[i] != first_unit[rows[i]]:
            continue
        for j in rng.permutation(len(rows)):
            if rows[j] == rows[i] or label[j] == label[i]:
                continue
            own_j = first_unit[rows[j]] if j >= n_first else None
            if j < n_first and rows[j] in set(rows[n_first:]):
                continue  # keep other victims' pairs consistent
            if own_j is not None and label[i] == own_j:
                continue
            label[i], label[j] = label[j], label[i]
            break
