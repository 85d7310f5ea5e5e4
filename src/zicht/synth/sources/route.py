"""Each foreign victim's route (issue 15 item 3, seed 003 §3.4-3.5): reflection-period
offers, COSM shelter stays and places, protected shelter (BO) and Nidos guardianship for
unaccompanied minors, Wmo shelter, housing and guidance, and asylum-reception (COA)
stays.

The route follows the IND decisions (``sources/ind.py``): a reflection offer is the
IND's reflection decision as the offering agency records it, a COSM intake follows an
accepted offer, and where the person goes on leaving depends on whether temporary
residence was granted. Every route record carries the person's foreigner number
(``v_number``, the number the IND, COA, COSM and the municipality housing a permit
holder share) and the BSN where the person has one, so the sources link by the same
pseudonyms. Rates without a published figure are planted in ``params.py`` with their
reason.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zicht.synth import params as P
from zicht.synth.allocate import choose, pick_weighted
from zicht.synth.sources.care import LAST_DAY
from zicht.synth.traits import NULL_DAY, to_day

_NON_EU = ("africa", "asia", "other_europe", "latin_america", "other_unknown")
_V_MULT, _V_ADD, _V_MOD = 7_919_237, 1_234_567_891, 10**10  # gcd(_V_MULT, _V_MOD) == 1


def v_numbers(person_id: np.ndarray) -> np.ndarray:
    """The foreigner number of each person: a fixed bijection of the person id onto ten
    digits, so one person has one number in every source."""
    code = (np.asarray(person_id, dtype=np.int64) * _V_MULT + _V_ADD) % _V_MOD
    return np.array([f"{c:010d}" for c in code], dtype=object)


def _form(main_form: pd.Series) -> np.ndarray:
    m = main_form.astype(str)
    return np.where(m.str.contains("sexual"), "sexual",
                    np.where(m.isin(["labour", "criminal"]), m, "unknown")).astype(object)


def _lognormal_days(rng: np.random.Generator, median: float, sigma: float,
                     n: int) -> np.ndarray:
    return np.maximum(1, np.round(rng.lognormal(np.log(median), sigma, n))).astype(np.int64)


def _open_after_end(day: np.ndarray) -> np.ndarray:
    """An end after the last day of the data is not known yet: null."""
    return np.where(day > LAST_DAY, NULL_DAY, day)


def build_route(rng: np.random.Generator, persons: pd.DataFrame, decisions: pd.DataFrame,
                scale: float) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """(sources by name, truth): the route sources and the person behind each record."""
    by_id = persons.set_index("person_id")
    offers = _offers(rng, by_id, decisions)
    granted = set(decisions.loc[(decisions["procedure"] == "temporary")
                                & (decisions["outcome"] == "granted"), "person_id"])
    cosm = _cosm(rng, by_id, offers, granted, scale)
    bo, nidos = _minors(rng, persons, scale)
    wmo = _wmo(rng, by_id, decisions, cosm, granted)
    coa = _coa(rng, by_id, offers, decisions, cosm)  # last: earlier sources keep their draws
    places = pd.DataFrame({"year": np.array(P.YEARS, dtype=np.int16),
                           "places": [max(1, round(P.COSM_PLACES[y] * scale))
                                      for y in P.YEARS],
                           "protected_shelter_places": [max(1, round(P.BO_PLACES * scale))
                                                        for _ in P.YEARS]})
    sources = {"reflection_offers": offers, "cosm_stays": cosm, "shelter_places": places,
               "protected_shelter": bo, "nidos_guardianship": nidos, "wmo_housing": wmo,
               "coa_stays": coa}
    truth = pd.concat([df[[idc, "person_id"]].rename(columns={idc: "record_id"})
                       .assign(source=name)
                       for name, df, idc in (("reflection_offers", offers, "offer_id"),
                                             ("cosm_stays", cosm, "stay_id"),
                                             ("protected_shelter", bo, "stay_id"),
                                             ("nidos_guardianship", nidos, "guardianship_id"),
                                             ("wmo_housing", wmo, "record_id"),
                                             ("coa_stays", coa, "stay_id"))],
                      ignore_index=True)
    return sources, truth[["source", "record_id", "person_id"]]


def _person_columns(by_id: pd.DataFrame, person_id: np.ndarray) -> dict[str, object]:
    p = by_id.loc[person_id]
    return {"person_id": person_id, "v_number": v_numbers(person_id),
            "slot": p["slot"].to_numpy(), "sex": _or_none(p["sex"]),
            "birth_year": pd.to_datetime(p["birth_day"].to_numpy(), unit="D").year
            .to_numpy().astype(np.int16),
            "nationality": _or_none(p["nationality"])}


def _or_none(values: pd.Series) -> np.ndarray:
    """Codes as delivered: an empty code is unknown (null)."""
    out: np.ndarray = values.where(values != "", None).to_numpy(dtype=object)
    return out


def _offers(rng: np.random.Generator, by_id: pd.DataFrame,
            decisions: pd.DataFrame) -> pd.DataFrame:
    d = decisions[decisions["procedure"] == "reflection"]
    pid = d["person_id"].to_numpy()
    n = len(d)
    offer = d["decision_date"].to_numpy().astype(np.int64) - rng.integers(0, 8, n)
    accepted = rng.random(n) < P.REFLECTION_ACCEPTED
    days = np.where(rng.random(n) < P.REFLECTION_EARLY_END, rng.integers(10, 90, n),
                    P.REFLECTION_DAYS)
    end = np.where(accepted, _open_after_end(offer + days), NULL_DAY)
    out = pd.DataFrame({
        "offer_id": [f"BT{i:08d}" for i in range(1, n + 1)],
        **_person_columns(by_id, pid),
        "offer_date": offer,
        "offered_by": choose(rng, {"police": .8, "kmar": .1, "inspectie_szw": .1}, n),
        "form": _form(by_id.loc[pid, "main_form"]),
        "outcome": np.where(accepted, "accepted", "declined"),
        "start_date": np.where(accepted, offer, NULL_DAY), "end_date": end,
        "dublin_indication": d["dublin_indication"].to_numpy(),
    })
    return out


def _cosm(rng: np.random.Generator, by_id: pd.DataFrame, offers: pd.DataFrame,
          granted: set[int], scale: float) -> pd.DataFrame:
    acc = offers[offers["outcome"] == "accepted"].reset_index(drop=True)
    acc = acc.drop_duplicates("person_id")
    year = pd.to_datetime(acc["start_date"].to_numpy(), unit="D").year.to_numpy()
    age = year - acc["birth_year"].to_numpy().astype(int) - 1
    w = (np.where(acc["sex"].to_numpy() == "female", P.COSM_WEIGHT_FEMALE, 1.0)
         * acc["nationality"].map(lambda n: P.COSM_WEIGHT_NATIONALITY.get(n, 1.0))
         .to_numpy(dtype=float)
         * np.where(acc["dublin_indication"].to_numpy(dtype=bool), 0.1, 1.0))
    chosen: list[np.ndarray] = []
    for y in P.YEARS:
        pool = np.flatnonzero((year == y) & (age >= 18))
        want = min(len(pool), round(P.COSM_INTAKES[y] * scale))
        if want:
            chosen.append(pool[pick_weighted(rng, w[pool], want)])
    idx = np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.int64)
    rows = acc.iloc[idx].reset_index(drop=True)
    n = len(rows)
    intake = rows["start_date"].to_numpy().astype(np.int64) + rng.integers(0, 8, n)
    exit_ = _open_after_end(intake + _lognormal_days(rng, P.COSM_STAY_MEDIAN_DAYS,
                                                      P.COSM_STAY_SIGMA, n))
    is_granted = rows["person_id"].isin(granted).to_numpy()
    dest = np.where(is_granted, choose(rng, P.COSM_DESTINATION_GRANTED, n),
                    choose(rng, P.COSM_DESTINATION_OTHER, n)).astype(object)
    dest[exit_ == NULL_DAY] = None
    keep = intake <= LAST_DAY
    out = pd.DataFrame({
        **{k: rows[k].to_numpy() for k in ("person_id", "v_number", "slot", "sex",
                                           "birth_year", "nationality", "form")},
        "intake_date": intake, "exit_date": exit_, "destination": dest})[keep]
    out.insert(0, "stay_id", [f"COSM{i:07d}" for i in range(1, len(out) + 1)])
    return out.reset_index(drop=True)


def _minors(rng: np.random.Generator, persons: pd.DataFrame,
            scale: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Unaccompanied minors with signals of trafficking: all under Nidos guardianship;
    15-17 in protected shelter (BO), under 15 in a Nidos foster family (§3.4)."""
    region = persons["region"].to_numpy()
    year = persons["year"].to_numpy()
    birth = persons["birth_day"].to_numpy().astype(np.int64)
    picked, intake_days = [], []
    for y in P.YEARS:
        day = to_day(pd.Timestamp(y, 1, 1).date()) + rng.integers(0, 365, len(persons))
        age = (day - birth) / 365.25
        pool = np.flatnonzero(np.isin(region, _NON_EU) & (year == y) & (age < 18)
                              & (age >= 10) & (persons["nationality"].to_numpy() != ""))
        want = min(len(pool), round(P.BO_INTAKES[y] * scale / 0.8))
        if not want:
            continue
        w = np.where(age[pool] >= P.NIDOS_FOSTER_BELOW, 4.0, 1.0)
        sel = pool[pick_weighted(rng, w, want)]
        picked.append(sel)
        intake_days.append(day[sel])
    if not picked:
        idx, intake = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    else:
        idx, intake = np.concatenate(picked), np.concatenate(intake_days)
    by_id = persons.set_index("person_id")
    pid = persons["person_id"].to_numpy()[idx]
    cols = _person_columns(by_id, pid)
    n = len(idx)
    age = (intake - birth[idx]) / 365.25
    in_bo = age >= P.NIDOS_FOSTER_BELOW
    vn = persons["nationality"].to_numpy()[idx] == "VN"
    left = rng.random(n) < np.where(vn, P.BO_LEFT_UNKNOWN_VN, P.BO_LEFT_UNKNOWN)
    stay = np.where(left, rng.integers(1, P.BO_FIRST_PLACEMENT_DAYS, n),
                    P.BO_FIRST_PLACEMENT_DAYS + np.where(
                        rng.random(n) < P.BO_EXTENDED, _lognormal_days(rng, 120.0, 0.5, n), 0))
    bo_exit = _open_after_end(intake + stay)
    dest = np.where(left, "left_unknown", choose(rng, {"small_living_unit": .7,
                                                       "foster_family": .1, "other": .2}, n))
    dest = dest.astype(object)
    dest[bo_exit == NULL_DAY] = None
    bo = pd.DataFrame({**cols, "intake_date": intake, "exit_date": bo_exit,
                       "destination": dest})[in_bo & (intake <= LAST_DAY)]
    bo.insert(0, "stay_id", [f"BO{i:08d}" for i in range(1, len(bo) + 1)])
    start = intake - rng.integers(0, 61, n)
    adult = birth[idx] + np.round(18 * 365.25).astype(np.int64)
    gone = np.where(in_bo, bo_exit, intake + rng.integers(30, 400, n))
    end = np.where(left & (gone != NULL_DAY), gone + rng.integers(0, 31, n), adult)
    nidos = pd.DataFrame({**cols, "start_date": start, "end_date": _open_after_end(end),
                          "end_reason": np.where(end > LAST_DAY, np.array(None), np.where(
                              left, "left_unknown", "majority")).astype(object),
                          "placement": np.where(in_bo, "protected_shelter", "foster_family")})
    nidos = nidos[start <= LAST_DAY]
    nidos.insert(0, "guardianship_id", [f"NID{i:07d}" for i in range(1, len(nidos) + 1)])
    return bo.reset_index(drop=True), nidos.reset_index(drop=True)


def _wmo(rng: np.random.Generator, by_id: pd.DataFrame, decisions: pd.DataFrame,
         cosm: pd.DataFrame, granted: set[int]) -> pd.DataFrame:
    """Shelter after the COSM (or after temporary residence without one), then housing
    and ambulatory guidance, as the municipality records them."""
    first: dict[int, tuple[int, str]] = {}
    for r in cosm[cosm["destination"].isin(["wmo_shelter", "womens_shelter", "housing"])] \
            .itertuples(index=False):
        first.setdefault(int(r.person_id), (int(r.exit_date), str(r.destination)))
    temp = decisions[(decisions["procedure"] == "temporary") & (decisions["outcome"] ==
                                                                "granted")]
    temp = temp.drop_duplicates("person_id")
    in_cosm = set(cosm["person_id"])
    draw = rng.random(len(temp))
    lag = rng.integers(0, 61, len(temp))
    for k, r in enumerate(temp.itertuples(index=False)):
        pid = int(r.person_id)
        if pid not in in_cosm and pid not in first and draw[k] < P.WMO_SHELTER_WITHOUT_COSM:
            first[pid] = (int(r.decision_date) + int(lag[k]), "wmo_shelter")
    rows: list[dict[str, object]] = []
    for pid in sorted(first):
        start, kind = first[pid]
        housing_start = NULL_DAY
        if kind == "housing":
            housing_start = start
        else:
            if rng.random() < P.WMO_HOUSING_AFTER_SHELTER:
                housing_start = start + int(_lognormal_days(
                    rng, P.WMO_HOUSING_WAIT_MEDIAN_DAYS, 0.6, 1)[0])
            end = housing_start if housing_start != NULL_DAY else start + int(
                _lognormal_days(rng, 200.0, 0.6, 1)[0])
            rows.append({"person_id": pid, "provision": kind, "start_date": start,
                         "end_date": end})
        if housing_start != NULL_DAY:
            rows.append({"person_id": pid, "provision": "protected_housing"
                         if rng.random() < 0.3 else "housing", "start_date": housing_start,
                         "end_date": NULL_DAY if pid in granted else housing_start + int(
                             _lognormal_days(rng, 365.0, 0.5, 1)[0])})
        if rng.random() < P.WMO_GUIDANCE:
            g = start + int(_lognormal_days(rng, P.WMO_GUIDANCE_WAIT_MEDIAN_DAYS, 0.7, 1)[0])
            rows.append({"person_id": pid, "provision": "guidance", "start_date": g,
                         "end_date": g + int(_lognormal_days(rng, 300.0, 0.5, 1)[0])})
    w = pd.DataFrame(rows, columns=["person_id", "provision", "start_date", "end_date"])
    w = w[w["start_date"] <= LAST_DAY].reset_index(drop=True)
    pid = w["person_id"].to_numpy().astype(np.int64)
    cols = _person_columns(by_id, pid)
    out = pd.DataFrame({"record_id": [f"WMO{i:08d}" for i in range(1, len(w) + 1)],
                        "person_id": pid, "v_number": cols["v_number"], "slot": cols["slot"],
                        "provision": w["provision"].to_numpy(),
                        "start_date": w["start_date"].to_numpy().astype(np.int64),
                        "end_date": _open_after_end(w["end_date"].to_numpy()
                                                    .astype(np.int64)),
                        "municipality": _or_none(by_id.loc[pid, "municipality"])})
    return out


def _coa(rng: np.random.Generator, by_id: pd.DataFrame, offers: pd.DataFrame,
         decisions: pd.DataFrame, cosm: pd.DataFrame) -> pd.DataFrame:
    """Asylum-reception stays of victims on the route (``params.COA_*``): a chain of
    stays from before the route starts until a COSM intake, and a new chain after a
    COSM exit to an asylum centre."""
    first = pd.concat([offers[["person_id", "offer_date"]].set_axis(["person_id", "day"],
                                                                    axis=1),
                       decisions[["person_id", "decision_date"]].set_axis(
                           ["person_id", "day"], axis=1)]).groupby("person_id")["day"].min()
    dublin = decisions.groupby("person_id")["dublin_indication"].any() \
        .reindex(first.index, fill_value=False).to_numpy(dtype=bool)
    in_coa = dublin | (rng.random(len(first)) < P.COA_ASYLUM_SHARE)
    intake = cosm.groupby("person_id")["intake_date"].min()
    chains = [(int(pid), int(day) - int(lag), int(intake.get(pid, NULL_DAY)))
              for pid, day, lag, on in zip(first.index, first.to_numpy(),
                                           rng.integers(0, 61, len(first)), in_coa,
                                           strict=True) if on]
    back = cosm[cosm["destination"] == "azc"]
    chains += [(int(r.person_id), int(r.exit_date), NULL_DAY)
               for r in back.itertuples(index=False)]
    rows: list[tuple[int, int, int, int]] = []
    for pid, start, until in chains:
        moves = 1 + int(rng.poisson(P.COA_MOVES_MEAN))
        lengths = _lognormal_days(rng, P.COA_STAY_MEDIAN_DAYS, P.COA_STAY_SIGMA, moves)
        places = rng.integers(1, P.COA_LOCATIONS + 1, moves)
        day = start
        for length, place in zip(lengths, places, strict=True):
            if until != NULL_DAY and day >= until:
                break
            end = day + int(length)
            if until != NULL_DAY:
                end = min(end, until)
            rows.append((pid, int(place), day, end))
            day = end
    w = pd.DataFrame(rows, columns=["person_id", "place", "intake_date", "exit_date"])
    w = w[w["intake_date"] <= LAST_DAY].reset_index(drop=True)
    pid = w["person_id"].to_numpy().astype(np.int64)
    out = pd.DataFrame({"stay_id": [f"COA{i:08d}" for i in range(1, len(w) + 1)],
                        **_person_columns(by_id, pid),
                        "location": [f"COA{p:03d}" for p in w["place"]],
                        "intake_date": w["intake_date"].to_numpy().astype(np.int64),
                        "exit_date": _open_after_end(w["exit_date"].to_numpy()
                                                     .astype(np.int64))})
    return out

