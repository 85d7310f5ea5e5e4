"""One year of the registry side: registered, KMar-only and unseen victims, and reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zicht.synth import bsn as B
from zicht.synth import detection, hidden, reports, traits, victims
from zicht.synth import names as N
from zicht.synth import params as P

RngFor = Callable[[str, int], np.random.Generator]


@dataclass(frozen=True)
class YearWorld:
    """The persons (every hidden victim of the year) and the report rows of one year."""

    persons: pd.DataFrame
    reports: pd.DataFrame


class SlotPool:
    """Distinct random rows of the population register for resident victims."""

    def __init__(self, rng: np.random.Generator, size: int) -> None:
        self.rng, self.size, self.used = rng, size, set()  # type: ignore[var-annotated]

    def take(self, n: int) -> np.ndarray:
        out: list[int] = []
        while len(out) < n:
            for s in self.rng.integers(0, self.size, n - len(out)).tolist():
                if s not in self.used:
                    self.used.add(s)
                    out.append(s)
        return np.array(out, dtype=np.int64)


def simulate_year(rng_for: RngFor, year: int, scale: float, first_id: int,
                  refs: reports.RefCounter, slots: SlotPool) -> YearWorld:
    """Every victim of ``year`` (registered or not) and every report about them."""
    rng = rng_for("registry", year)
    reg = victims.draw_registered(rng, year, scale, first_id)
    pairs = detection.assign_reporters(rng, reg, year, scale)
    pairs = detection.assign_units(rng, reg, pairs, year, scale)
    _fill_registered(rng, reg, pairs, year, scale)
    kmar = hidden.draw_kmar_only(rng, year, scale, first_id + len(reg))
    totals = hidden.hidden_totals(year, reg, scale)
    unreg = hidden.draw_unregistered(rng, year, totals, reg,
                                     first_id + len(reg) + len(kmar))
    for extra in (kmar, unreg):
        extra["report_day"] = extra["ref_day"]
        extra["year_only"] = extra["nationality"] != "NL"
        traits.assign_place_and_period(rng, extra, extra["ref_day"].to_numpy(),
                                       np.full(len(extra), "", dtype=object))
    persons = pd.concat([reg, kmar, unreg], ignore_index=True)
    persons["year_end_day"] = traits.to_day(dt.date(year, 12, 31))
    _give_bsn_and_names(rng, persons, slots)
    named = reports.build_named_reports(rng, persons.iloc[: len(reg)], pairs, refs)
    kmar_pairs = pd.DataFrame({"row": np.arange(len(kmar)), "rank": 0, "reporter": "kmar",
                               "police_unit": ""})
    kmar_rep = reports.build_named_reports(rng, persons.iloc[len(reg): len(reg) + len(kmar)]
                                           .reset_index(drop=True), kmar_pairs, refs)
    anon = reports.build_anonymous_reports(rng, persons, year,
                                           int(round(P.ANONYMOUS[year] * scale)), refs)
    persons["n_reporters"] = 0
    counts = pairs.groupby("row")["reporter"].nunique()
    persons.loc[counts.index, "n_reporters"] = counts.to_numpy()
    persons.loc[persons["group"] == "kmar_only", "n_reporters"] = 1
    persons["lists"] = ""
    lists = pairs.groupby("row")["reporter"].agg(lambda s: ";".join(sorted(set(s))))
    persons.loc[lists.index, "lists"] = lists.to_numpy()
    persons.loc[persons["group"] == "kmar_only", "lists"] = "kmar"
    persons["police_reported"] = persons["lists"].str.contains("police")
    return YearWorld(persons, pd.concat([named, kmar_rep, anon], ignore_index=True))


def _fill_registered(rng: np.random.Generator, v: pd.DataFrame, pairs: pd.DataFrame,
                     year: int, scale: float) -> None:
    n = len(v)
    labour_2020 = (v["main_form"].to_numpy() == "labour") & (year == 2020)
    days = traits.draw_report_days(rng, n, year)
    if labour_2020.any():
        days[labour_2020] = traits.draw_report_days(rng, int(labour_2020.sum()), year,
                                                    P.LABOUR_MONTHS_2020)
    v["report_day"] = days
    v["ref_day"] = days
    by_row = pairs.groupby("row")["reporter"].agg(set)
    only_fw = np.array([by_row.get(i, set()) == {"fairwork"} for i in range(n)])
    fairwork = np.array(["fairwork" in by_row.get(i, set()) for i in range(n)])
    p_unknown = np.where(only_fw, P.AGE_UNKNOWN_FAIRWORK, P.AGE_UNKNOWN_OTHER)
    known = rng.random(n) >= p_unknown
    ages = traits.draw_ages(rng, v, year, scale, known)
    ages[~known] = rng.integers(20, 50, int((~known).sum()))
    v["age"] = ages
    v["age_known"] = known
    v["year_only"] = np.where(v["nationality"].to_numpy() == "NL", rng.random(n) < 0.02,
                              rng.random(n) < P.FOREIGN_BIRTH_YEAR_ONLY)
    v["birth_day"] = [traits.birth_day_for(rng, int(d), int(a)) for d, a in
                      zip(days, ages, strict=True)]
    traits.assign_sectors(rng, v, year, fairwork)
    police = pairs[(pairs["reporter"] == "police") & (pairs["rank"] < 99)]
    unit = np.full(n, "", dtype=object)
    unit[police["row"].to_numpy()] = police["police_unit"].to_numpy()
    traits.assign_place_and_period(rng, v, days, unit)


def _give_bsn_and_names(rng: np.random.Generator, persons: pd.DataFrame,
                        slots: SlotPool) -> None:
    resident = persons["resident"].to_numpy()
    slot = np.full(len(persons), -1, dtype=np.int64)
    slot[resident] = slots.take(int(resident.sum()))
    persons["slot"] = slot
    bsn = np.where(slot >= 0, B.bsn_for_slots(np.maximum(slot, 0)), 0)
    persons["bsn"] = np.where(slot >= 0, bsn.astype(str), "")
    family, given = N.draw_names(rng, persons["nationality"].to_numpy(),
                                 persons["sex"].to_numpy())
    persons["family_name"] = family
    persons["given_names"] = given
