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
    capture_model: pd.DataFrame  # the capture process of each form (truth)


@dataclass(frozen=True)
class YearCapture:
    """The capture process of one year: registered victims and which lists found them.

    The part of :func:`simulate_year` that decides who is registered and by which
    reporter types; the coverage study runs it alone (``capture_only``) and so sees the
    very same capture histories as the full world without names, reports or registers.
    """

    registered: pd.DataFrame  # registered victims (forms, main_form, ...)
    pairs: pd.DataFrame  # one row per (victim row, reporter): who found whom
    unseen_u: dict[str, np.ndarray]  # visibility of the unregistered, per form
    model: list[dict[str, object]]  # the capture process of each form (truth)
    totals: dict[str, int]  # true victims per hidden form

    def histories(self) -> np.ndarray:
        """(registered victims x reporter types) bool, in ``params.REPORTER_CODES`` order."""
        lists = np.zeros((len(self.registered), len(detection.REPORTERS)), dtype=bool)
        column = {r: j for j, r in enumerate(detection.REPORTERS)}
        k = np.array([column[r] for r in self.pairs["reporter"]], dtype=np.int64)
        lists[self.pairs["row"].to_numpy(), k] = True
        return lists

    @property
    def true_total(self) -> int:
        """Every true victim of the year in the capture process (registered or not)."""
        return sum(int(str(m["true_victims"])) for m in self.model)


def draw_year_capture(rng: np.random.Generator, year: int, scale: float,
                      first_id: int) -> YearCapture:
    """Registered victims of ``year`` and the lists that found them (the first draws of
    the year's ``registry`` stream, shared by the full world and the capture-only path)."""
    reg = victims.draw_registered(rng, year, scale, first_id)
    totals = hidden.hidden_totals(year, reg, scale)
    pairs, unseen_u, model = detection.assign_reporters(rng, reg, year, scale, totals)
    return YearCapture(reg, pairs, unseen_u, model, totals)


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
    cap = draw_year_capture(rng, year, scale, first_id)
    reg, totals, unseen_u, model = cap.registered, cap.totals, cap.unseen_u, cap.model
    pairs = detection.assign_units(rng, reg, cap.pairs, year, scale)
    _fill_registered(rng, reg, pairs, year, scale)
    kmar = hidden.draw_kmar_only(rng, year, scale, first_id + len(reg))
    unreg = hidden.draw_unregistered(rng, year, totals, reg,
                                     first_id + len(reg) + len(kmar))
    form = unreg["main_form"].to_numpy()
    u = unreg["u"].to_numpy().copy()
    for g, values in unseen_u.items():
        u[form == g] = values  # the persons no list found, with their visibility
    unreg["u"] = u
    for extra in (kmar, unreg):
        extra["report_day"] = extra["ref_day"]
        extra["year_only"] = extra["nationality"] != "NL"
        traits.assign_place_and_period(rng, extra, extra["ref_day"].to_numpy(),
                                       np.full(len(extra), "", dtype=object))
    persons = pd.concat([reg, kmar, unreg], ignore_index=True)
    persons["year_end_day"] = traits.to_day(dt.date(year, 12, 31))
    name_rng = rng_for("names", year)  # names and their noise: a stream of their own
    _give_bsn_and_names(rng, persons, slots, name_rng)
    named = reports.build_named_reports(rng, persons.iloc[: len(reg)], pairs, refs, name_rng)
    kmar_pairs = pd.DataFrame({"row": np.arange(len(kmar)), "rank": 0, "reporter": "kmar",
                               "police_unit": ""})
    kmar_rep = reports.build_named_reports(rng, persons.iloc[len(reg): len(reg) + len(kmar)]
                                           .reset_index(drop=True), kmar_pairs, refs,
                                           name_rng)
    anon = reports.build_anonymous_reports(rng, persons, year,
                                           round(P.ANONYMOUS[year] * scale), refs)
    _mark_lists(persons, pairs)
    return YearWorld(persons, pd.concat([named, kmar_rep, anon], ignore_index=True),
                     pd.DataFrame(model))


def _mark_lists(persons: pd.DataFrame, pairs: pd.DataFrame) -> None:
    """Capture history per person: ``in_<reporter>`` flags and their number."""
    rows = pairs["row"].to_numpy()
    rep = pairs["reporter"].to_numpy()
    kmar_only = persons["group"].to_numpy() == "kmar_only"
    total = np.zeros(len(persons), dtype=np.int64)
    for r in detection.REPORTERS:
        flag = np.zeros(len(persons), dtype=bool)
        flag[rows[rep == r]] = True
        if r == "kmar":
            flag |= kmar_only
        persons[f"in_{r}"] = flag
        total += flag
    persons["n_lists"] = total


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
    rows = pairs["row"].to_numpy()
    n_rep = np.bincount(rows, minlength=n)
    fairwork = np.zeros(n, dtype=bool)
    fairwork[rows[pairs["reporter"].to_numpy() == "fairwork"]] = True
    only_fw = fairwork & (n_rep == 1)
    p_unknown = np.where(only_fw, P.AGE_UNKNOWN_FAIRWORK, P.AGE_UNKNOWN_OTHER)
    known = rng.random(n) >= p_unknown
    ages = traits.draw_ages(rng, v, year, scale, known)
    ages[~known] = rng.integers(20, 50, int((~known).sum()))
    v["age"] = ages
    v["age_known"] = known
    v["year_only"] = np.where(v["nationality"].to_numpy() == "NL", rng.random(n) < 0.02,
                              rng.random(n) < P.FOREIGN_BIRTH_YEAR_ONLY)
    v["birth_day"] = traits.birth_days_for(rng, days, ages)
    traits.assign_sectors(rng, v, year, fairwork)
    police = pairs[(pairs["reporter"] == "police") & (pairs["rank"] < 99)]
    unit = np.full(n, "", dtype=object)
    unit[police["row"].to_numpy()] = police["police_unit"].to_numpy()
    traits.assign_place_and_period(rng, v, days, unit)


def _give_bsn_and_names(rng: np.random.Generator, persons: pd.DataFrame,
                        slots: SlotPool, name_rng: np.random.Generator) -> None:
    resident = persons["resident"].to_numpy()
    slot = np.full(len(persons), -1, dtype=np.int64)
    slot[resident] = slots.take(int(resident.sum()))
    persons["slot"] = slot
    bsn = np.where(slot >= 0, B.bsn_for_slots(np.maximum(slot, 0)), 0)
    persons["bsn"] = np.where(slot >= 0, bsn.astype(str), "")
    named = persons["group"].to_numpy() != "unregistered"  # only they appear by name
    family, given = N.draw_names(name_rng, persons["nationality"].to_numpy()[named],
                                 persons["sex"].to_numpy()[named])
    persons["family_name"] = ""
    persons["given_names"] = ""
    persons.loc[named, "family_name"] = family
    persons.loc[named, "given_names"] = given
    N.relate_persons(name_rng, persons, named)  # siblings, twins, common-name homonyms
