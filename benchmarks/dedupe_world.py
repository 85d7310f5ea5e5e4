"""A fast synthetic registry for the dedupe benchmark: persons, reports, identity noise.

Used for the speed run (one million reports) and, until ``zicht synth`` writes its
truth files, for accuracy too. Names follow a Zipf law over a large generated pool
(as real family names do), so blocking meets both very common and rare names. Noise
per report mirrors what reporters do (``zicht.synth.names``): typos, case, lost
diacritics, moved particles, swapped given and family names, missing or year-only
birth dates, a birth-date typo, a second nationality, missing fields.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zicht.synth.bsn import bsn_for_slots
from zicht.synth.names import add_typo, move_particle, strip_diacritics

_SYLLABLES = (
    "ba", "ko", "ve", "ri", "sa", "lo", "mi", "den", "berg", "ma", "ta", "ne", "vo", "ski",
    "ak", "ov", "ic", "ra", "jan", "sen", "el", "ha", "mo", "du", "pe", "gi", "fa", "ze", "wo",
    "ly", "ni", "ste", "bur", "hof", "man", "ek", "ar", "in", "ol", "us", "ka",
)
_PARTICLE = ("van", "de", "van der", "van den", "ter", "el")
_NATIONALITY = (("NL", 0.30), ("PL", 0.10), ("NG", 0.12), ("BG", 0.06), ("HU", 0.05),
                ("RO", 0.07), ("UA", 0.05), ("BR", 0.03), ("VN", 0.04), ("CN", 0.03),
                ("ER", 0.05), ("SD", 0.04), ("MA", 0.06))


def _pool(rng: np.random.Generator, n: int, parts: tuple[int, int]) -> np.ndarray:
    names = set()
    while len(names) < n:
        k = int(rng.integers(parts[0], parts[1] + 1))
        word = "".join(rng.choice(_SYLLABLES, k))
        names.add(word.capitalize())
    return np.array(sorted(names))


def _zipf_pick(rng: np.random.Generator, pool: np.ndarray, n: int, s: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, len(pool) + 1) ** s
    order = rng.permutation(len(pool))
    return pool[order][rng.choice(len(pool), n, p=weights / weights.sum())]


def make_persons(n: int, seed: int = 1) -> pd.DataFrame:
    """``n`` distinct persons with names, birth date, sex, nationality and maybe a BSN."""
    rng = np.random.default_rng(seed)
    family = _zipf_pick(rng, _pool(rng, 60_000, (2, 4)), n, 0.7)
    with_particle = rng.random(n) < 0.08
    particles = rng.choice(_PARTICLE, n)
    family = np.where(with_particle, np.char.add(np.char.add(particles, " "), family), family)
    given = _zipf_pick(rng, _pool(rng, 4_000, (2, 3)), n, 0.8)
    accents = rng.random(n) < 0.05
    given = np.where(accents, np.char.replace(given, "a", "á", count=1), given)
    nats, weights = zip(*_NATIONALITY, strict=True)
    nationality = rng.choice(nats, n, p=np.array(weights) / sum(weights))
    days = rng.integers(0, 365 * 55, n)
    birth = pd.Timestamp("1955-01-01") + pd.to_timedelta(days, unit="D")
    has_bsn = rng.random(n) < np.where(nationality == "NL", 0.95, 0.35)
    bsn = np.where(has_bsn, bsn_for_slots(rng.permutation(n)), -1).astype(np.int64)
    return pd.DataFrame({
        "person_id": np.arange(n, dtype=np.int64),
        "family_name": family, "given_names": given,
        "birth_date": birth.strftime("%Y-%m-%d"),
        "sex": rng.choice(["female", "male"], n, p=[0.6, 0.4]),
        "nationality": nationality,
        "bsn": pd.Series([f"{b:09d}" if b >= 0 else None for b in bsn], dtype=object),
    })


def make_reports(n_reports: int, seed: int = 1, dup_rate: float = 0.15) -> pd.DataFrame:
    """About ``n_reports`` reports; ``person_id`` is the truth."""
    rng = np.random.default_rng(seed + 1)
    n_persons = int(n_reports / (1 + dup_rate))
    persons = make_persons(n_persons, seed)
    extra = rng.geometric(1 / (1 + dup_rate), n_persons) - 1
    idx = np.repeat(np.arange(n_persons), 1 + np.minimum(extra, 6))
    rep = persons.iloc[idx].reset_index(drop=True)
    m = len(rep)
    first = np.r_[True, idx[1:] != idx[:-1]]  # the first report of a person stays clean
    u = rng.random((m, 12))
    noisy = ~first

    def apply(mask: np.ndarray, column: str, func: object) -> None:
        rows = np.nonzero(mask)[0]
        values = rep[column].to_numpy(object)
        for i in rows:
            if values[i] is not None:
                values[i] = func(values[i])  # type: ignore[operator]
        rep[column] = values

    apply(noisy & (u[:, 0] < 0.12), "family_name", lambda s: add_typo(rng, s))
    apply(noisy & (u[:, 1] < 0.10), "given_names", lambda s: add_typo(rng, s))
    apply(u[:, 2] < 0.10, "family_name", str.upper)
    apply(u[:, 3] < 0.30, "given_names", strip_diacritics)
    apply(noisy & (u[:, 4] < 0.5), "family_name", lambda s: move_particle(rng, s))
    swap = noisy & (u[:, 5] < 0.03)
    rep.loc[swap, ["family_name", "given_names"]] = rep.loc[
        swap, ["given_names", "family_name"]].to_numpy()
    year = rep["birth_date"].str[:4].astype(int)
    year_only = noisy & (u[:, 6] < 0.08)
    missing = noisy & (u[:, 6] >= 0.08) & (u[:, 6] < 0.14)
    dob_typo = noisy & (u[:, 7] < 0.03)
    birth = rep["birth_date"].to_numpy(object)
    for i in np.nonzero(dob_typo)[0]:
        y, mo, d = birth[i].split("-")
        birth[i] = f"{y}-{d}-{mo}" if int(d) <= 12 else f"{y}-{mo}-{(int(d) % 28) + 1:02d}"
    rep["birth_date"] = np.where(year_only | missing, None, birth)
    rep["birth_year"] = np.where(year_only, year.astype(str), None)
    rep["nationality_2"] = np.where(u[:, 8] < 0.04, "NL", None)
    rep.loc[noisy & (u[:, 9] < 0.06), "nationality"] = None
    rep.loc[u[:, 10] < 0.04, "sex"] = None
    rep.loc[noisy & (u[:, 11] < 0.35), "bsn"] = None
    rep["report_id"] = np.arange(1, m + 1, dtype=np.int64)
    rep["reporter"] = rng.choice(["police", "kmar", "inspectie_szw", "fairwork",
                                  "care_coordinator", "other"], m)
    rep["report_ref"] = [f"B{i:08d}" for i in range(m)]
    return rep
