"""Nicknames and diminutives: ``Hans`` is ``Johannes``, ``Kasia`` is ``Katarzyna``.

Reporters write down the name a person gives, and people give the name they are
called by. Variants that string similarity cannot see (``Hans``/``Johannes``,
``Sasha``/``Aleksandr``, ``Laci``/``Laszlo``) map to one canonical form, the
``given1_canon`` column the name comparison and the sibling check use. The table is
hand-compiled from the everyday diminutives of the registry's main languages (Dutch,
Polish, Romanian, Bulgarian/Russian/Ukrainian, Hungarian, English, German, French,
Spanish/Portuguese, Italian, Arabic) and keeps only unambiguous ones: ``Jo`` may be
Johanna or Joost, so it is not in it.

English diminutives are many-to-many (*Ron* is Ronald, Aaron or Veronica), so they
cannot have one canonical form. They come from the `nicknames` package (Old Dominion
University's hand-curated list of 1,384 English nicknames, Apache-2.0; a well-kept
table rather than one more of our own): :func:`given_aliases` gives a name with every
formal name it may stand for, and the name comparison treats two first names as
nicknames of one name when those sets share a name (``given1_aliases``).
"""

from __future__ import annotations

from functools import lru_cache

from nicknames import NickNamer

__all__ = ["canonical_given", "given_aliases"]

_VARIANTS: dict[str, str] = {
    # Dutch
    "johannes": "hans jan joop johan hannes jo jos jopie",
    "johanna": "hanneke hanna jannie joke",
    "cornelis": "kees cor corne",
    "cornelia": "corrie cor nel nelleke",
    "pieter": "piet peter petrus",
    "willem": "wim willy pim",
    "wilhelmina": "mien wil willemijn mina",
    "hendrik": "henk hein henny rik",
    "gerrit": "gert gerard",
    "geertruida": "truus trudy geertje",
    "elisabeth": "liesbeth els betty bep lies elise",
    "maria": "mieke marietje ria mia marieke maaike mariska marja mary mascha masha",
    "anna": "anneke annie anja anke ans ania anka anika",
    "catharina": "toos tineke trijntje",
    "jacobus": "koos jaap jacob",
    "adrianus": "ad adrie janus",
    "theodorus": "theo ruud dorus",
    "antonius": "toon ton anton tony",
    "franciscus": "frans frank",
    "gerardus": "gerard gert",
    "wilhelmus": "wim",
    "alexander": "alex sander sasha sascha sanya shura aleksandr oleksandr alexandru",
    "alexandra": "sandra aleksandra ola oleksandra",
    # Polish
    "katarzyna": "kasia kaska kasha",
    "malgorzata": "gosia malgosia",
    "agnieszka": "aga agusia",
    "barbara": "basia barbra",
    "joanna": "asia joasia",
    "magdalena": "magda madzia",
    "aleksander": "olek",
    "tomasz": "tomek",
    "jakub": "kuba",
    "piotr": "piotrek",
    "krzysztof": "krzysiek",
    "wojciech": "wojtek",
    "michal": "michalek",
    "pawel": "pawelek",
    "stanislaw": "stasiek stas",
    "elzbieta": "ela",
    # Romanian
    "ion": "ionut nelu",
    "nicolae": "nicu",
    "gheorghe": "gica ghita",
    "daniela": "dana",
    "georgeta": "geta",
    "liliana": "lili",
    "constantin": "costel costica",
    "vasile": "vasilica",
    # Bulgarian, Russian, Ukrainian
    "ekaterina": "katya katia",
    "natalia": "natasha nataliya",
    "tatiana": "tanya tania tetiana",
    "olga": "olya",
    "elena": "lena olena alena",
    "irina": "ira iryna",
    "svetlana": "sveta",
    "dmitriy": "dima dimitar dmytro",
    "vladimir": "vova volodymyr",
    "mikhail": "misha mykhailo",
    "nikolai": "kolya nikolay mykola",
    "sergei": "seryozha serhiy sergey",
    "yulia": "yulya julia",
    "anastasia": "nastya",
    "evgeniy": "zhenya yevhen",
    "ivan": "vanya",
    "georgi": "gosho",
    # Hungarian
    "laszlo": "laci",
    "istvan": "pista pisti",
    "jozsef": "jozsi",
    "janos": "jani",
    "sandor": "sanyi",
    "katalin": "kati",
    "erzsebet": "erzsi",
    "zsuzsanna": "zsuzsa zsuzsi",
    "gyorgy": "gyuri",
    # English
    "william": "bill will billy liam",
    "robert": "bob rob bobby",
    "elizabeth": "liz beth betsy eliza",
    "katherine": "kate kathy katie",
    "michael": "mike mick",
    "thomas": "tom tommy",
    "james": "jim jimmy",
    "joseph": "joe joey",
    "david": "dave",
    "christopher": "chris",
    "margaret": "maggie peggy meg",
    "richard": "rick dick",
    "edward": "ed ted eddie",
    "jennifer": "jen jenny",
    # German, French, Spanish, Portuguese, Italian
    "friedrich": "fritz",
    "wolfgang": "wolf",
    "francisco": "paco pancho chico",
    "jose": "pepe",
    "guadalupe": "lupe",
    "dolores": "lola",
    "giuseppe": "beppe peppe",
    "francesca": "cesca",
    "francoise": "fanfan",
    # Arabic
    "mohammed": "mohamed muhammad mohammad mohamad",
    "abdelkader": "kader",
    "abderrahman": "rahman",
    "fatima": "fatma",
    "youssef": "yusuf yousef",
}

_CANONICAL: dict[str, str] = {}
for _canon, _names in _VARIANTS.items():
    for _variant in _names.split():
        _CANONICAL.setdefault(_variant, _canon)


@lru_cache(maxsize=200_000)
def canonical_given(name: str | None) -> str | None:
    """The canonical form of a normalised (ASCII lower-case) first given name."""
    if name is None:
        return None
    return _CANONICAL.get(name, name)


@lru_cache(maxsize=1)
def _english() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=200_000)
def given_aliases(name: str | None) -> tuple[str, ...] | None:
    """The name, its canonical form above and every formal name the `nicknames`
    package lists it as a diminutive of (``bill`` -> ``bill, william``), sorted."""
    if name is None:
        return None
    return tuple(sorted({name, canonical_given(name) or name, *_english().canonicals_of(name)}))
