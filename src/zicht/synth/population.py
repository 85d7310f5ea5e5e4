"""The population register (BRP) in chunks, with the population's care and costs.

Residents on 1 January 2016 by a rough Dutch age pyramid; each register slot has a
fixed BSN (``bsn.bsn_for_slots``). Resident victims sit at random slots and carry
their own sex, birth date and registration; their care and cost rows come from
``sources.care.victim_rows`` and are merged into the same chunk, so that row order
does not give them away. Memory stays bounded by the chunk size.

Every resident also has a name (``Chunk.names``, the register holder's own file for
privacy-preserving linkage, ``docs/pprl.md``): resident victims their own, the others
drawn from the name pools, Dutch for 88% and for the 12% born abroad from the pool of a
nationality drawn uniformly from ``IMMIGRANT_NATIONALITIES``. Names draw from their own
stream, so the register's other columns do not change with them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zicht.synth import geography as G
from zicht.synth import names as N
from zicht.synth import params as P
from zicht.synth.sources import care
from zicht.synth.traits import NULL_DAY, to_day

CHUNK = 1_000_000
#: share of residents per 5-year age band on 1 January 2016 (0-4, 5-9, ..., 95-99)
AGE_BANDS = (5.2, 5.5, 5.8, 6.0, 6.3, 6.3, 6.0, 6.1, 6.8, 7.5, 7.4, 6.8, 6.2, 6.0, 4.6,
             3.4, 2.4, 1.3, 0.5, 0.1)
REF_DAY = to_day(dt.date(2016, 1, 1))
#: Nationalities whose name pools residents born abroad draw from (uniformly).
IMMIGRANT_NATIONALITIES = ("MA", "SR", "PL", "RO", "BG", "NG", "ER", "UA", "BR", "CN",
                           "VN", "IN", "PT", "ES", "EG", "GH")
NAME_COLUMNS = ("slot", "family_name", "given_names", "birth_date", "sex")


@dataclass(frozen=True)
class Chunk:
    """One block of register slots and the rows of every per-person source."""

    population: pd.DataFrame
    youth_care: pd.DataFrame
    wmo_shelter: pd.DataFrame
    health_costs: pd.DataFrame
    names: pd.DataFrame  # slot, family_name, given_names, birth_date, sex


def population_size(population_scale: float, n_resident_victims: int) -> int:
    """17.5 million x population scale, and room for every resident victim."""
    return max(round(P.DUTCH_RESIDENTS * population_scale), 2 * n_resident_victims, 1000)


def victim_rows_for_register(rng: np.random.Generator, residents: pd.DataFrame) -> pd.DataFrame:
    """Register rows of resident victims (slot, sex, birth, municipality, from)."""
    birth = residents["birth_day"].to_numpy()
    foreign = residents["nationality"].to_numpy() != "NL"
    arrival = residents["exploitation_start"].to_numpy() - rng.integers(0, 730, len(birth))
    return pd.DataFrame({
        "slot": residents["slot"].to_numpy(),
        "sex": np.where(residents["sex"].to_numpy() == "male", "male", "female"),
        "birth_date": birth,
        "municipality": residents["municipality"].to_numpy(),
        "registered_from": np.where(foreign, np.maximum(birth, arrival), birth),
        "registered_until": NULL_DAY,
        "family_name": residents["family_name"].to_numpy(),
        "given_names": residents["given_names"].to_numpy(),
    })


def generate_chunks(rng_for: Callable[[str, int], np.random.Generator], size: int,
                    victims: pd.DataFrame, victim_sources: dict[str, pd.DataFrame]
                    ) -> Iterator[Chunk]:
    """Chunks of ``CHUNK`` slots; the victims' rows are merged into their chunk."""
    vslots = victims["slot"].to_numpy()
    bands = np.array(AGE_BANDS) / sum(AGE_BANDS)
    codes = np.array(G.CODES, dtype=object)
    mw = np.array(G.WEIGHTS) / sum(G.WEIGHTS)
    for k, a in enumerate(range(0, size, CHUNK)):
        rng = rng_for("population", k)
        b = min(size, a + CHUNK)
        n = b - a
        slot = np.arange(a, b, dtype=np.int64)
        age_days = (rng.choice(len(bands), n, p=bands) * 5 + rng.random(n) * 5) * 365.25
        birth = (REF_DAY - 1 - age_days).astype(np.int64)
        immigrant = rng.random(n) < 0.12
        since = birth + 365 + (rng.random(n) * np.maximum(0, REF_DAY - 1 - birth - 365)).astype(
            np.int64)
        left = rng.random(n) < 0.07
        until = np.where(left, REF_DAY + 1 + rng.integers(0, 3287, n), NULL_DAY)
        pop = pd.DataFrame({
            "slot": slot, "sex": np.where(rng.random(n) < 0.5, "female", "male"),
            "birth_date": birth, "municipality": codes[rng.choice(len(codes), n, p=mw)],
            "registered_from": np.where(immigrant, np.minimum(since, REF_DAY - 1), birth),
            "registered_until": until})
        pop["family_name"], pop["given_names"] = _resident_names(
            rng_for("register_names", k), immigrant, pop["sex"].to_numpy())
        in_chunk = (vslots >= a) & (vslots < b)
        is_victim = np.zeros(n, dtype=bool)
        is_victim[vslots[in_chunk] - a] = True
        vrows = victims[in_chunk]
        pos = vrows["slot"].to_numpy() - a
        for col in pop.columns:
            arr = pop[col].to_numpy().copy()
            values = vrows[col].to_numpy()
            if col in ("family_name", "given_names"):  # victims never named keep a drawn name
                named = values != ""
                arr[pos[named]] = values[named]
            else:
                arr[pos] = values
            pop[col] = arr
        base = care.base_rows(rng, slot[~is_victim], birth[~is_victim])
        parts = {}
        for name, rows in base.items():
            extra = victim_sources[name]
            extra = extra[(extra["slot"] >= a) & (extra["slot"] < b)]
            parts[name] = _ordered(pd.concat([rows, extra], ignore_index=True), name)
        yield Chunk(pop.drop(columns=["family_name", "given_names"]), parts["youth_care"],
                    parts["wmo_shelter"], parts["health_costs"], pop[list(NAME_COLUMNS)])


def _resident_names(rng: np.random.Generator, immigrant: np.ndarray,
                    sex: np.ndarray) -> tuple[list[str], list[str]]:
    """Family and given names of residents (see the module docstring)."""
    pool = np.array(IMMIGRANT_NATIONALITIES, dtype=object)
    nationality = np.where(immigrant, pool[rng.integers(0, len(pool), len(sex))], "NL")
    return N.draw_names(rng, nationality, sex)


def _ordered(rows: pd.DataFrame, name: str) -> pd.DataFrame:
    """Sort by date (or year) and slot: victims' rows are not told apart by position."""
    first = "year" if name == "health_costs" else "start_date"
    order = np.lexsort((rows["slot"].to_numpy(), rows[first].to_numpy()))
    return rows.iloc[order].reset_index(drop=True)
