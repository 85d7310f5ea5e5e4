"""Synthetic names by origin and the identity noise reporters add to them.

Names are drawn per origin group from the pools of ``zicht.synth.name_pools``: a head
of real names and a long tail of names composed from the group's syllables, with
Zipf-like frequencies (``p(rank) ~ 1/(rank + q)``), so that, as in reality, most
persons have a rare name and a few names are very common. Noise (``noisy_names``) is
what another reporter makes of the same person: typos, case, lost diacritics, another
transliteration or spelling, moved or dropped particles, a dropped second given or
family name, given names in another order, given and family name swapped, and, rarely,
a married name. Rates are in ``NAME_NOISE`` and documented in
``docs/synthetic-world.md``.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from zicht.synth.name_pools import GROUP_OF, POOLS, GroupPools, Pool

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["NAME_NOISE", "NICKNAMES", "RELATED", "add_typo", "draw_names", "group_for",
           "move_particle", "noisy_names", "relate_persons", "strip_diacritics", "tail_name"]

_F, _M = "female", "male"
PARTICLES = ("van der", "van den", "van de", "van", "de", "den", "der", "ter", "te")
_MASK = (1 << 64) - 1

#: Per re-report (not the first report of a person) probabilities of name noise.
NAME_NOISE: dict[str, float] = {
    "particle": 0.30,  # of names with a particle: moved, capitalised, dropped, abbreviated
    "strip_diacritics": 0.25,
    "transliteration": 0.25,  # of names written from another script
    "spelling": 0.04,  # another accepted spelling (ij/y, ss/s, c/k, ...)
    "typo": 0.07,  # per name
    "case": 0.08,
    "second_given_dropped": 0.35,  # of persons with two given names
    "given_order": 0.04,  # of persons with two given names
    "second_family_dropped": 0.30,  # of persons with two family names
    "swap_names": 0.03,
    "given_missing": 0.04,
    "married_name": 0.015,  # of women of 20 and over
    "nickname": 0.06,  # of given names with a known diminutive: the name a person uses
}
#: Per person (all of their reports): relations that make *different* persons look
#: alike. Rates and reasoning in ``docs/synthetic-world.md``.
RELATED: dict[str, float] = {
    "sibling": 0.02,  # takes the family name of another victim of the same origin and sex
    "twin": 0.25,  # of siblings with a partner of the same age: the same birth date too
    "common_name": 0.01,  # the group's most common given and family name (homonyms)
}
#: Diminutives and nicknames by origin group: what a person is called, not their
#: official name. The world's own list, written apart from the dedupe's table
#: (``zicht.registry.dedupe.nicknames``) and on purpose not the same: real data hold
#: nicknames a linkage table does not know.
NICKNAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "nl": {"Johannes": ("Hans", "Jan", "Johan"), "Cornelis": ("Kees", "Cor"),
           "Pieter": ("Piet",), "Willem": ("Wim", "Pim"), "Hendrik": ("Henk", "Rik"),
           "Maria": ("Mieke", "Marieke", "Ria"), "Anna": ("Anneke", "Anouk"),
           "Johanna": ("Hanneke", "Joke", "Anja"), "Elisabeth": ("Els", "Liesbeth", "Lisa"),
           "Jacobus": ("Koos", "Jaap"), "Catharina": ("Tineke", "Toos"),
           "Sanne": ("Sanneke",), "Daan": ("Daantje",)},
    "pl": {"Katarzyna": ("Kasia",), "Małgorzata": ("Gosia", "Małgosia"),
           "Agnieszka": ("Aga",), "Aleksandra": ("Ola",), "Joanna": ("Asia",),
           "Tomasz": ("Tomek",), "Jakub": ("Kuba",), "Krzysztof": ("Krzysiek",),
           "Wojciech": ("Wojtek",), "Piotr": ("Piotrek",), "Magdalena": ("Magda",),
           "Anna": ("Ania", "Anka"), "Zofia": ("Zosia",), "Michał": ("Misiek",)},
    "ro": {"Ion": ("Ionuț", "Nelu"), "Gheorghe": ("Gică",), "Nicolae": ("Nicu",),
           "Daniela": ("Dana",), "Constantin": ("Costel", "Costică"), "Elena": ("Lenuța",),
           "Maria": ("Mărioara",)},
    "bg": {"Georgi": ("Gosho",), "Ivan": ("Vanyo",), "Aleksandar": ("Sasho",),
           "Maria": ("Mimi",), "Elena": ("Eli",), "Dimitar": ("Mitko",)},
    "hu": {"László": ("Laci",), "István": ("Pisti", "Pista"), "József": ("Józsi",),
           "János": ("Jani",), "Sándor": ("Sanyi",), "Katalin": ("Kati", "Kata"),
           "Erzsébet": ("Erzsi", "Böske"), "Zsuzsanna": ("Zsuzsa",), "Mária": ("Marika",)},
    "east": {"Aleksandr": ("Sasha",), "Oleksandr": ("Sasha",), "Natalia": ("Natasha",),
             "Tatiana": ("Tanya",), "Ekaterina": ("Katya",), "Olga": ("Olya",),
             "Dmitri": ("Dima",), "Vladimir": ("Vova",), "Mikhail": ("Misha",),
             "Svetlana": ("Sveta",), "Anastasia": ("Nastya",), "Yevgeniy": ("Zhenya",)},
    "arab": {"Mohamed": ("Mo", "Hamid"), "Abdelkader": ("Kader",), "Fatima": ("Fati",),
             "Youssef": ("Yussi",)},
    "latam": {"José": ("Pepe",), "Francisco": ("Paco", "Pancho"), "Guadalupe": ("Lupe",),
              "Dolores": ("Lola",), "Antonio": ("Toño",)},
    "ng": {"Oluwaseun": ("Seun",), "Chukwuemeka": ("Emeka",), "Oluwafemi": ("Femi",),
           "Adebayo": ("Bayo",), "Chiamaka": ("Amaka",), "Oluwabunmi": ("Bunmi",)},
}
#: Variant spellings between transliterations (either direction is applied).
_TRANSLIT = (("kh", "h"), ("sh", "sch"), ("y", "j"), ("y", "i"), ("ou", "u"), ("ph", "f"),
             ("w", "v"), ("ch", "tch"), ("ks", "x"), ("ie", "i"), ("ee", "i"), ("oo", "u"),
             ("dzh", "j"), ("zh", "j"), ("ts", "tz"), ("mm", "m"), ("a", "e"), ("ii", "i"))
_SPELLING = (("ij", "y"), ("ss", "s"), ("c", "k"), ("z", "s"), ("dt", "d"), ("ei", "ij"),
             ("ou", "au"), ("th", "t"), ("ck", "k"), ("nn", "n"))
_KEYS = "qwertyuiop asdfghjkl zxcvbnm"


def group_for(nationality: str) -> str:
    """The origin group whose names a person of this nationality gets."""
    return GROUP_OF.get(nationality, "wa")


def _mix(x: int) -> int:
    """splitmix64: a fixed, well-spread hash of an integer."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


@lru_cache(maxsize=200_000)
def tail_name(group: str, kind: str, rank: int) -> str:
    """The tail name of frequency ``rank`` in a pool: onset + optional middle + ending,
    the same for every run (a hash of group, pool and rank picks the syllables)."""
    pool = _pool(group, kind)
    salt = sum(ord(c) * 131 ** i for i, c in enumerate(f"{group}/{kind}")) & _MASK
    h = _mix(rank ^ salt)
    onset = pool.onsets[h % len(pool.onsets)]
    h //= len(pool.onsets)
    middle = pool.middles[h % len(pool.middles)]
    h //= len(pool.middles)
    name = onset + middle + pool.endings[h % len(pool.endings)]
    return name[0].upper() + name[1:]


def _pool(group: str, kind: str) -> Pool:
    pools = POOLS[group]
    return pools.family if kind == "family" else pools.female if kind == _F else pools.male


@lru_cache(maxsize=64)
def _cdf(group: str, kind: str) -> np.ndarray:
    """Cumulative probabilities of ranks 1..size: explicit head shares, then Zipf."""
    pool = _pool(group, kind)
    ranks = np.arange(1, pool.size + 1, dtype=float)
    weights = 1.0 / (ranks + pool.q)
    k = len(pool.shares)
    if k:
        rest = weights[k:] / weights[k:].sum() * (1.0 - sum(pool.shares))
        weights = np.concatenate([np.asarray(pool.shares, dtype=float), rest])
    cdf = np.cumsum(weights / weights.sum())
    cdf[-1] = 1.0
    return cdf


def draw_ranked(rng: np.random.Generator, group: str, kind: str, n: int) -> list[str]:
    """``n`` names from one pool by its rank-frequency law."""
    pool = _pool(group, kind)
    ranks = np.searchsorted(_cdf(group, kind), rng.random(n), side="right") + 1
    return [pool.head[r - 1] if r <= len(pool.head) else tail_name(group, kind, int(r))
            for r in ranks.tolist()]


def _female_form(pools: GroupPools, family: str) -> str:
    """Kowalski -> Kowalska, Ivanov -> Ivanova (the form a woman's name takes)."""
    for male, female in pools.female_suffix:
        if family.endswith(male):
            return family[: len(family) - len(male)] + female
    return family


def draw_family(rng: np.random.Generator, group: str, sex: str, n: int) -> list[str]:
    """``n`` family names of an origin group in the form of the given sex."""
    pools = POOLS[group]
    names = draw_ranked(rng, group, "family", n)
    if pools.compound_family:
        second = draw_ranked(rng, group, "family", n)
        two = rng.random(n) < pools.compound_family
        names = [f"{a} {b}" if t else a for a, b, t in zip(names, second, two, strict=True)]
    if sex == _F and pools.female_suffix:
        names = [_female_form(pools, f) for f in names]
    return names


def _draw_given(rng: np.random.Generator, group: str, sex: str, n: int) -> list[str]:
    kind = sex if sex in (_F, _M) else (_F if rng.random() < 0.5 else _M)
    first = draw_ranked(rng, group, kind, n)
    second = draw_ranked(rng, group, kind, n)
    two = rng.random(n) < POOLS[group].second_given
    return [f"{a} {b}" if t and a != b else a for a, b, t in zip(first, second, two,
                                                                  strict=True)]


def draw_names(rng: np.random.Generator, nationalities: np.ndarray,
               sexes: np.ndarray) -> tuple[list[str], list[str]]:
    """A family and given name(s) for each person, from the pools of their origin."""
    n = len(nationalities)
    family: list[str] = [""] * n
    given: list[str] = [""] * n
    groups = np.array([group_for(str(x)) for x in nationalities], dtype=object)
    sex = np.asarray(sexes, dtype=object)
    for group in sorted(set(groups.tolist())):
        for s in sorted({str(x) for x in sex[groups == group]}):
            idx = np.flatnonzero((groups == group) & (sex == s))
            for i, f, g in zip(idx.tolist(), draw_family(rng, group, s, len(idx)),
                               _draw_given(rng, group, s, len(idx)), strict=True):
                family[i], given[i] = f, g
    return family, given


def strip_diacritics(text: str) -> str:
    """'Wiśniewski' -> 'Wisniewski' (what an ASCII-only form makes of a name)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c)).replace("ł", "l").replace(
        "Ł", "L").replace("đ", "d").replace("Đ", "D")


def add_typo(rng: np.random.Generator, text: str) -> str:
    """One keyboard slip: a dropped, doubled, swapped or neighbouring letter."""
    if len(text) < 4:
        return text
    i = int(rng.integers(1, len(text) - 1))
    kind = int(rng.integers(4))
    if kind == 0:
        return text[:i] + text[i + 1:]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2:
        return text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]
    row = next((r for r in _KEYS.split() if text[i].lower() in r), "")
    if not row:
        return text
    j = row.index(text[i].lower())
    near = row[j - 1] if j and (j == len(row) - 1 or rng.random() < 0.5) else row[
        min(j + 1, len(row) - 1)]
    return text[:i] + near + text[i + 1:]


def _substitute(rng: np.random.Generator, text: str,
                rules: tuple[tuple[str, str], ...]) -> str:
    """Apply one applicable spelling rule, in either direction (first occurrence)."""
    low = text.lower()
    options = [(a, b) for a, b in rules if a in low] + [(b, a) for a, b in rules if b in low]
    if not options:
        return text
    a, b = options[int(rng.integers(len(options)))]
    i = low.index(a)
    b = b.capitalize() if i == 0 and text[:1].isupper() else b
    return text[:i] + b + text[i + len(a):]


def move_particle(rng: np.random.Generator, family: str) -> str:
    """'van den Berg' -> 'Berg, van den' / 'Van Den Berg' / 'Berg' / 'v.d. Berg'."""
    for p in PARTICLES:
        if family.lower().startswith(p + " "):
            rest = family[len(p) + 1:]
            kind = int(rng.integers(4))
            if kind == 0:
                return f"{rest}, {p}"
            if kind == 1:
                return " ".join(w.capitalize() for w in p.split()) + " " + rest
            if kind == 2:
                return rest
            return ("v.d. " if p.startswith("van d") else p + " ") + rest
    return family


def _noisy_name(rng: np.random.Generator, name: str, translit: bool) -> str:
    z = NAME_NOISE
    if rng.random() < z["particle"]:
        name = move_particle(rng, name)
    if translit and rng.random() < z["transliteration"]:
        name = _substitute(rng, strip_diacritics(name), _TRANSLIT)
    elif rng.random() < z["spelling"]:
        name = _substitute(rng, name, _SPELLING)
    if rng.random() < z["strip_diacritics"]:
        name = strip_diacritics(name)
    if rng.random() < z["typo"]:
        name = add_typo(rng, name)
    if rng.random() < z["case"]:
        name = name.upper() if rng.random() < 0.5 else name.lower()
    return name


def noisy_names(rng: np.random.Generator, family: str, given: str, nationality: str,
                sex: str, adult: bool) -> tuple[str, str]:
    """(family, given) as another reporter writes a person's names down."""
    z = NAME_NOISE
    group = group_for(nationality)
    pools = POOLS[group]
    parts = given.split(" ")
    if len(parts) > 1 and pools.second_given:
        if rng.random() < z["second_given_dropped"]:
            parts = parts[:1]
        elif rng.random() < z["given_order"]:
            parts = parts[1:] + parts[:1]
        given = " ".join(parts)
    if pools.compound_family and " " in family and rng.random() < z["second_family_dropped"]:
        family = family.split(" ")[0]
    if sex == _F and adult and rng.random() < z["married_name"]:
        partner = draw_ranked(rng, group, "family", 1)[0]
        family = f"{partner}-{family}" if group == "nl" and rng.random() < 0.5 else partner
    given = _nickname(rng, group, given)
    family = _noisy_name(rng, family, pools.transliterated)
    given = _noisy_name(rng, given, pools.transliterated)
    if rng.random() < z["swap_names"]:
        family, given = given, family
    if rng.random() < z["given_missing"]:
        given = ""
    return family, given


def _nickname(rng: np.random.Generator, group: str, given: str) -> str:
    """The first given name as the person is called (``Katarzyna`` -> ``Kasia``)."""
    first, _, rest = given.partition(" ")
    variants = NICKNAMES.get(group, {}).get(first)
    if not variants or rng.random() >= NAME_NOISE["nickname"]:
        return given
    nick = variants[int(rng.integers(len(variants)))]
    return f"{nick} {rest}" if rest else nick


def relate_persons(rng: np.random.Generator, persons: pd.DataFrame,
                   named: np.ndarray) -> None:
    """Make some *different* persons look alike, in place (see ``RELATED``).

    Siblings share a family name; a quarter of siblings of the same age are twins and
    share the birth date too (only when it keeps their age, so every age figure of the
    world stays as it was); a few persons carry their origin's most common name, so
    that homonyms with different birth dates meet. Draws come from the names stream.
    """
    idx = np.flatnonzero(named)
    if len(idx) < 2:
        return
    nat = persons["nationality"].to_numpy()
    sex = persons["sex"].to_numpy()
    age = persons["age"].to_numpy() if "age" in persons else None
    family = persons["family_name"].to_numpy().copy()
    given = persons["given_names"].to_numpy().copy()
    birth = persons["birth_day"].to_numpy().copy() if "birth_day" in persons else None
    ref = persons["ref_day"].to_numpy() if "ref_day" in persons else None
    for i in idx[rng.random(len(idx)) < RELATED["sibling"]]:
        same = idx[(nat[idx] == nat[i]) & (sex[idx] == sex[i]) & (idx != i)]
        if not len(same):
            continue
        j = int(same[int(rng.integers(len(same)))])
        family[i] = family[j]
        if (birth is not None and ref is not None and age is not None
                and rng.random() < RELATED["twin"]
                and _same_year_and_age(int(birth[j]), int(birth[i]), int(ref[i]),
                                       int(age[i]))):
            birth[i] = birth[j]
    for i in idx[rng.random(len(idx)) < RELATED["common_name"]]:
        group, s = group_for(str(nat[i])), str(sex[i])
        pools = POOLS[group]
        if pools.family.head:
            family[i] = _female_form(pools, pools.family.head[0]) if s == _F \
                else pools.family.head[0]
        kind = _pool(group, s if s in (_F, _M) else _F)
        if kind.head:
            given[i] = kind.head[0]
    persons["family_name"] = family
    persons["given_names"] = given
    if birth is not None:
        persons["birth_day"] = birth


def _same_year_and_age(birth: int, own_birth: int, ref_day: int, age: int) -> bool:
    """Whether ``birth`` keeps a person's birth year and completed age at ``ref_day``
    (so that a twin's shared date changes no age figure of the world)."""
    from zicht.synth.traits import from_day

    b, r = from_day(birth), from_day(ref_day)
    completed = r.year - b.year - ((r.month, r.day) < (b.month, b.day))
    return b.year == from_day(own_birth).year and completed == age
