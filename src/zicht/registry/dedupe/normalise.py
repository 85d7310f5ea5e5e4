"""Name and date normalisation for record linkage.

Reports spell one person many ways: case, diacritics (``Łukasz``/``Lukasz``), Dutch
name particles (``van der Berg``/``Berg, van der``/``Vanderberg``), given and family
name swapped. This module turns the raw identifying fields into the comparison
columns the Splink model uses (``zicht.registry.dedupe.model``):

=================  ==========================================================
column             meaning
=================  ==========================================================
``given1``         first given name, ASCII lower-case (``maria``)
``given1_canon``   given1 with nicknames and diminutives made canonical (``hans``
                   -> ``johannes``, ``zicht.registry.dedupe.nicknames``)
``given1_aliases`` given1 with every formal name it may stand for (``bill`` ->
                   ``[bill, william]``; English diminutives are many-to-many)
``given_all``      all given names joined by a space
``given_rest``     the given names after the first (null when there is one)
``family``         family name without particles, joined (``berg``)
``family_full``    family name with particles, joined (``vanderberg``)
``name_key``       sorted name tokens without particles (order-free: swaps match)
``full_name``      ``given1 family`` (the term-frequency column for whole names)
``full_name_all``  ``given_all family`` (every given name: the rarer, exact identity)
``sound_key``      consonant skeletons of given1 and family (``vrbk`` for Wouerrbeek;
                   w/v, c/k/q, ph/f, z/s, x/ks, d/t one letter each), a blocking
                   key that survives vowel slips and transliterations;
                   null when too short to be selective
``family_sound``   the family name's consonant skeleton alone (with the birth year a
                   blocking key for a slip in both names and no full birth date)
``given1_del``     given1 and every form of it with one letter deleted (a blocking
                   key: two names one typo apart share one of these; a name under
                   four letters is its own only key)
``family_del``     the same for ``family``
``birth_date``     ISO ``YYYY-MM-DD`` string (null when only the year is known)
``birth_year``     int (from the date, or the year-only field)
``report_day``     the report date as days since 1970-01-01 (null without one): the
                   context comparison of ``model._report_date_comparison``
=================  ==========================================================

Values are normalised once per *distinct* value (cached; names repeat), so a
million reports cost seconds.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd
from anyascii import anyascii

from zicht.registry.dedupe.nicknames import canonical_given, given_aliases

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
_INNER_APOSTROPHE = re.compile(r"(?<=[a-z])['`\u2019\u02bc](?=[a-z])")
#: Shortest name whose one-deletion forms are blocking keys: one letter of three
#: changed is another name (*tan* / *wan*), and two-letter keys block too widely.
DELETION_KEY_MIN = 4


@lru_cache(maxsize=1_000_000)
def normalise_text(value: str | None) -> str | None:
    """ASCII lower-case letters and single spaces; ``None`` when nothing is left.

    Hyphens, apostrophes and punctuation split tokens (``'t Hart`` -> ``t hart``),
    except an apostrophe inside a word: a transliterated soft sign or an elision
    (``Ol'ga`` -> ``olga``, as most reports write it; ``O'Brien`` -> ``obrien``).
    """
    if value is None or value != value:  # None or NaN
        return None
    text = _INNER_APOSTROPHE.sub("", anyascii(str(value)).lower())
    text = _NON_LETTERS.sub(" ", text).strip()
    return " ".join(text.split()) or None


@lru_cache(maxsize=1_000_000)
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


@lru_cache(maxsize=1_000_000)
def _name_key(given: str | None, family: str | None) -> str | None:
    """Sorted name tokens without particles: equal when given and family are swapped."""
    tokens = []
    for part in (given, family):
        text = normalise_text(part)
        if text:
            # A name made only of particles keeps them (Vietnamese Le, Do; Dutch Van).
            words = text.split()
            tokens += [t for t in words if t not in NAME_PARTICLES] or words
    return " ".join(sorted(tokens)) or None


_VOWELISH = re.compile(r"[aeiouyhj]+")
_REPEATS = re.compile(r"(.)\1+")
#: Consonants one sound is written with across the registry's languages and their
#: transliterations, mapped to one letter: *Filip*/*Philip*, *Katarzyna*/*Catarzyna*,
#: *Kowalski*/*Kovalski*, *Petrova*/*Petrowa*, *Zuzana*/*Susana*, *Aleksandr*/
#: *Alexandr*, and final devoicing (*van der Velde*/*Velt*). ``ph`` goes first,
#: before ``h`` is dropped; ``ch``/``kh``/``ck`` become ``k`` by ``c`` -> ``k`` and
#: the dropped ``h`` and doubled letters.
_SOUND_CLASSES: tuple[tuple[str, str], ...] = (
    ("ph", "f"), ("x", "ks"), ("c", "k"), ("q", "k"), ("w", "v"), ("z", "s"), ("d", "t"),
)
#: Shortest consonant skeleton (given + family) that is selective enough to block on.
SOUND_KEY_MIN = 5


@lru_cache(maxsize=1_000_000)
def _skeleton(text: str) -> str:
    """Letters that survive vowel slips and most transliterations: consonants of one
    sound made one letter (``_SOUND_CLASSES``), no vowels, h, j or y, no doubled
    letters (``wouerrbeek`` -> ``vrbk``, ``kowalczyk`` -> ``kvlksk``)."""
    for written, sound in _SOUND_CLASSES:
        text = text.replace(written, sound)
    return _REPEATS.sub(r"\1", _VOWELISH.sub("", text))


def _sound_key(given1: str | None, family: str | None) -> str | None:
    if not given1 or not family:
        return None
    g, f = _skeleton(given1), _skeleton(family)
    return f"{g}|{f}" if len(g) + len(f) >= SOUND_KEY_MIN and g and f else None


@lru_cache(maxsize=1_000_000)
def _deletions(name: str | None) -> list[str] | None:
    """``name`` and each form with one letter deleted: two names within one typo (a
    letter changed, added, dropped, or two neighbours swapped) share at least one
    (the symmetric-deletion idea of SymSpell), so exploding these blocks a typo at
    any position, which prefix and suffix keys miss in short names."""
    if not name:
        return None
    if len(name) < DELETION_KEY_MIN:
        return [name]  # still meets a longer name with one letter more
    # One cached list per distinct name, shared by its rows (never changed).
    return sorted({name, *(name[:i] + name[i + 1:] for i in range(len(name)))})


def _texts(series: pd.Series) -> list[str | None]:
    """Plain Python values (iterating Arrow-backed strings one by one is slow)."""
    return [v if isinstance(v, str) else None for v in series.to_numpy(dtype=object)]


def _birth_columns(raw: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """ISO ``YYYY-MM-DD`` strings (or None) and the birth year (from the date, else the
    year-only field), with string operations only: fast on a million rows."""
    dates = raw["birth_date"].astype("string")
    iso = dates.where(dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool))
    year = pd.to_numeric(iso.str[:4], errors="coerce")
    if "birth_year" in raw:
        year = year.fillna(pd.to_numeric(raw["birth_year"], errors="coerce"))
    birth_date = iso.astype(object).where(iso.notna(), None)
    return birth_date, year.round().astype("Int64")


def _aliases(given1: str | None) -> list[str] | None:
    aliases = given_aliases(given1)
    return list(aliases) if aliases is not None else None


def _report_days(raw: pd.DataFrame) -> pd.Series:
    """The report date as whole days since 1970-01-01 (``Int64``, null when missing or
    not a date; all null when the frame has no ``report_date``, as FEBRL)."""
    if "report_date" not in raw:
        return pd.Series(pd.NA, index=raw.index, dtype="Int64")
    dates = pd.to_datetime(raw["report_date"].astype("string").str[:10], errors="coerce",
                           format="%Y-%m-%d")
    days = (dates - pd.Timestamp("1970-01-01")).dt.days
    return days.astype("Int64")


def normalise_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """Add the comparison columns to a frame of ``given_names, family_name,
    birth_date, birth_year`` (and keep every other column as it is).

    ``birth_date`` and ``report_date`` (optional) may be a date, a timestamp or an ISO
    string; ``birth_year`` an int or null. The input frame is not changed.
    """
    out = raw.copy()
    given_raw, family_raw = _texts(raw["given_names"]), _texts(raw["family_name"])
    given_all = [normalise_text(g) for g in given_raw]
    given1 = [g.split(" ", 1)[0] if g else None for g in given_all]
    family = [split_family_name(f) for f in family_raw]
    out["given_all"] = pd.Series(given_all, index=raw.index, dtype=object)
    out["given1"] = pd.Series(given1, index=raw.index, dtype=object)
    out["given1_canon"] = pd.Series([canonical_given(g) for g in given1], index=raw.index,
                                    dtype=object)
    out["given1_aliases"] = pd.Series([_aliases(g) for g in given1], index=raw.index,
                                      dtype=object)
    out["given_rest"] = pd.Series([g.split(" ", 1)[1] if g and " " in g else None
                                   for g in given_all], index=raw.index, dtype=object)
    out["family"] = pd.Series([f[0] for f in family], index=raw.index, dtype=object)
    out["family_full"] = pd.Series([f[1] for f in family], index=raw.index, dtype=object)
    out["name_key"] = pd.Series([_name_key(g, f) for g, f in zip(given_raw, family_raw,
                                                                  strict=True)],
                                index=raw.index, dtype=object)
    out["full_name"] = pd.Series(
        [f"{g} {f[0]}" if g and f[0] else None for g, f in zip(given1, family, strict=True)],
        index=raw.index, dtype=object)
    out["full_name_all"] = pd.Series(
        [f"{g} {f[0]}" if g and f[0] else None for g, f in zip(given_all, family, strict=True)],
        index=raw.index, dtype=object)
    out["sound_key"] = pd.Series([_sound_key(g, f[0]) for g, f in zip(given1, family,
                                                                         strict=True)],
                                 index=raw.index, dtype=object)
    out["family_sound"] = pd.Series([_skeleton(f[0]) or None if f[0] else None
                                     for f in family], index=raw.index, dtype=object)
    out["given1_del"] = pd.Series([_deletions(g) for g in given1], index=raw.index,
                                  dtype=object)
    out["family_del"] = pd.Series([_deletions(f[0]) for f in family], index=raw.index,
                                  dtype=object)
    out["birth_date"], out["birth_year"] = _birth_columns(raw)
    out["report_day"] = _report_days(raw)
    for col in ("sex", "nationality", "nationality_2"):
        if col in out:
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out
