"""Name and date normalisation for record linkage.

Reports spell one person many ways: case, diacritics (``Łukasz``/``Lukasz``), Dutch
name particles (``van der Berg``/``Berg, van der``/``Vanderberg``), given and family
name swapped. This module turns the raw identifying fields into the comparison
columns the Splink model uses (``zicht.registry.dedupe.model``):

=================  ==========================================================
column             meaning
=================  ==========================================================
``given1``         first given name, ASCII lower-case (``maria``)
``given_all``      all given names joined by a space
``family``         family name without particles, joined (``berg``)
``family_full``    family name with particles, joined (``vanderberg``)
``name_key``       sorted name tokens without particles (order-free: swaps match)
``full_name``      ``given1 family`` (the term-frequency column for whole names)
``birth_date``     date (null when only the year is known)
``birth_year``     int (from the date, or the year-only field)
=================  ==========================================================

Values are normalised once per *distinct* value (names repeat), so a million
reports cost a few seconds.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd
from anyascii import anyascii

__all__ = ["NAME_PARTICLES", "normalise_frame", "normalise_text", "split_family_name"]

#: Name particles ignored in the family-name core: Dutch tussenvoegsels and the most
#: common foreign ones (German, French, Spanish/Portuguese, Italian, Arabic).
NAME_PARTICLES: frozenset[str] = frozenset((
    "van", "der", "den", "de", "het", "t", "ter", "ten", "te", "in", "op", "aan", "bij",
    "uit", "onder", "over", "voor", "vd",
    "von", "zu", "zur", "dem", "du", "des", "da", "di", "del", "della", "dello",
    "le", "la", "lo", "los", "las", "dos", "das", "do", "el", "al", "ibn", "bin", "ben", "y",
))

_NON_LETTERS = re.compile(r"[^a-z]+")


@lru_cache(maxsize=1_000_000)
def normalise_text(value: str | None) -> str | None:
    """ASCII lower-case letters and single spaces; ``None`` when nothing is left.

    Hyphens, apostrophes and punctuation split tokens (``'t Hart`` -> ``t hart``).
    """
    if value is None or value != value:  # None or NaN
        return None
    text = _NON_LETTERS.sub(" ", anyascii(str(value)).lower()).strip()
    return " ".join(text.split()) or None


def split_family_name(value: str | None) -> tuple[str | None, str | None]:
    """Return ``(core, full)``: the family name without and with particles, unspaced.

    ``"van der Berg"`` -> ``("berg", "vanderberg")``. A name made only of particles
    keeps them as its core (``"Van"`` -> ``("van", "van")``).
    """
    text = normalise_text(value)
    if text is None:
        return None, None
    tokens = text.split()
    core = [t for t in tokens if t not in NAME_PARTICLES] or tokens
    return "".join(core), "".join(tokens)


def _name_tokens(given: str | None, family: str | None) -> str | None:
    tokens = []
    for part in (given, family):
        text = normalise_text(part)
        if text:
            tokens += [t for t in text.split() if t not in NAME_PARTICLES]
    return " ".join(sorted(tokens)) or None


def _map_unique(series: pd.Series, func: object) -> pd.Series:
    """Apply ``func`` once per distinct value (names repeat a lot)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = [func(u) for u in uniques]  # type: ignore[operator]
    out = pd.Series([None] * len(series), index=series.index, dtype=object)
    mask = codes >= 0
    out[mask] = pd.Series(mapped, dtype=object).to_numpy()[codes[mask]]
    return out


def normalise_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """Add the comparison columns to a frame of ``given_names, family_name,
    birth_date, birth_year`` (and keep every other column as it is).

    ``birth_date`` may be a date, a timestamp or an ISO string; ``birth_year`` an int
    or null. The input frame is not changed.
    """
    out = raw.copy()
    given = _map_unique(raw["given_names"], normalise_text)
    out["given_all"] = given
    out["given1"] = given.map(lambda g: g.split()[0] if isinstance(g, str) else None)
    family = _map_unique(raw["family_name"], split_family_name)
    out["family"] = family.map(lambda f: f[0] if isinstance(f, tuple) else None)
    out["family_full"] = family.map(lambda f: f[1] if isinstance(f, tuple) else None)
    pair = raw["given_names"].astype("string").fillna("") + "\x1f" + raw[
        "family_name"
    ].astype("string").fillna("")
    out["name_key"] = _map_unique(pair, lambda p: _name_tokens(*p.split("\x1f")))
    out["full_name"] = [
        f"{g} {f}" if isinstance(g, str) and isinstance(f, str) else None
        for g, f in zip(out["given1"], out["family"], strict=True)
    ]
    dates = pd.to_datetime(raw["birth_date"], errors="coerce")
    out["birth_date"] = dates.dt.strftime("%Y-%m-%d").astype(object).where(dates.notna(), None)
    year = pd.to_numeric(raw.get("birth_year"), errors="coerce") if "birth_year" in raw else None
    from_date = dates.dt.year
    out["birth_year"] = (from_date.fillna(year) if year is not None else from_date).astype("Int64")
    for col in ("sex", "nationality", "nationality_2"):
        if col in out:
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out
