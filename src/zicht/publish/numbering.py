"""Figure numbers in the report: the seed's numbers for the seed's figures, a separate
scheme for zicht's own tables, never colliding.

The seed monitor (003, "Lijst van figuren") numbers its figures 2.1-2.15 (signalling:
the registry and the residence scheme), 3.1-3.6 (aid) and 4.1-4.6 (revictimisation).
The table that draws a seed figure carries the seed's number, whatever its place in the
chapter. Every other table (a sub-table such as ``figures/2.2_overlap``, the anonymous
reports, the justice chain, the chat, the hidden number, the regional view) is one of
zicht's own and is numbered ``Z<chapter>.<i>``: ``i`` counts zicht's own tables of the
chapter in the chapter's order, so its number never depends on a seed figure, and a
reader never sees two figures 2.1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Table name -> the seed's figure number (seed 003, list of figures).
SEED_FIGURES: dict[str, str] = {
    **{f"figures/{n}": n for n in (
        "2.1", "2.2", "2.3", "2.4a", "2.4b", "2.4c", "2.5", "2.6", "2.7", "2.8", "2.9",
        "2.10", "2.11", "2.12", "2.13", "2.14", "2.15")},
    "aid/youth_care": "3.1",  # youth care within a year, victims and controls
    "aid/youth_care_type": "3.2",
    "aid/youth_care_crisis": "3.3",
    "aid/youth_care_referrer": "3.4",
    "aid/shelter": "3.5",  # Wmo shelter and protected housing within a year
    "aid/shelter_type": "3.6",
    "revictimisation/cohorts": "4.1",  # within two, five and seven years
    "revictimisation/specific": "4.2",  # trafficking, sexual offences, violence
    "revictimisation/offence_types": "4.3",
    "revictimisation/by_sex": "4.4",
    "revictimisation/by_age_group": "4.5",
    "revictimisation/by_form": "4.6",
}

#: Prefix of zicht's own figure numbers.
OWN_PREFIX = "Z"


def _seed_key(number: str) -> tuple[int, int, str]:
    """``2.4a`` -> (2, 4, "a"): the seed's order, 2.10 after 2.9."""
    chapter, _, rest = number.partition(".")
    digits = "".join(ch for ch in rest if ch.isdigit())
    return int(chapter), int(digits), rest[len(digits):]


def reading_order(names: Iterable[str]) -> list[str]:
    """A chapter's tables as the seed reads: its figures in the seed's order, each
    followed by its own sub-tables (``figures/2.2_overlap`` after 2.2), then zicht's own
    tables by name (the anonymous reports after figure 2.15, not before 2.1)."""
    def key(name: str) -> tuple[int, tuple[int, int, str], list[object]]:
        base = max((s for s in SEED_FIGURES if name == s or name.startswith(s + "_")),
                   key=len, default=None)
        if base is None:
            return 1, (0, 0, ""), _natural(name)
        return 0, _seed_key(SEED_FIGURES[base]), [""] if name == base else _natural(name)

    return sorted(names, key=key)


def _natural(name: str) -> list[object]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def figure_numbers(chapter_number: int, names: Iterable[str]) -> dict[str, str]:
    """The figure number of each table of a chapter (``names`` in the chapter's order)."""
    numbers: dict[str, str] = {}
    own = 0
    for name in names:
        seed = SEED_FIGURES.get(name)
        if seed is not None:
            numbers[name] = seed
            continue
        own += 1
        numbers[name] = f"{OWN_PREFIX}{chapter_number}.{own}"
    return numbers
