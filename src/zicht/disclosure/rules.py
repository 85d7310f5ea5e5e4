"""The disclosure rules as data: one row per policy, from which the gate, the docs
and the tests all read.

Registry counts are published exactly, as the rapporteur does (they count reports
the registry itself holds). Anything from linked microdata or small areas follows
the statistics office's rules: counts rounded to a multiple of 5, and cells below a
threshold suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    """How the gate treats the counts of a table."""

    code: str
    en: str
    nl: str
    round_counts: bool
    suppress_small: bool


POLICIES: tuple[Policy, ...] = (
    Policy(
        "registry",
        "National registry counts, published exactly",
        "Landelijke registratiecijfers, exact gepubliceerd",
        round_counts=False,
        suppress_small=False,
    ),
    Policy(
        "protected",
        "Linked or small-area counts: rounded to a multiple of 5, small cells suppressed",
        "Gekoppelde of regionale aantallen: afgerond op vijftallen, kleine cellen onderdrukt",
        round_counts=True,
        suppress_small=True,
    ),
)


def get_policy(code: str) -> Policy:
    """The policy called ``code``; a typo is an error, never a silent default."""
    for p in POLICIES:
        if p.code == code:
            return p
    known = ", ".join(p.code for p in POLICIES)
    raise ValueError(f"Unknown disclosure policy {code!r}; expected one of: {known}.")


def round_to_base(value: int, base: int) -> int:
    """Round a count to the nearest multiple of ``base`` (halves up, as CBS does)."""
    return int((value + base / 2) // base * base)
