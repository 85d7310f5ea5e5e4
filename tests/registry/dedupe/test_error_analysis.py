"""The causes ``benchmarks/dedupe_errors.py`` sorts wrong pairs by (issue 13)."""

from __future__ import annotations

import pandas as pd
from benchmarks.dedupe_errors import birth_cause, name_cause


def _pair(left: dict[str, object], right: dict[str, object]) -> pd.Series:
    base = {"given1": "anna", "given1_canon": "anna", "given_rest": None, "family": "vries",
            "name_key": "anna vries", "birth_date": "1990-03-14", "birth_year": 1990}
    return pd.Series({**{f"{k}_l": v for k, v in {**base, **left}.items()},
                      **{f"{k}_r": v for k, v in {**base, **right}.items()}})


def test_name_causes() -> None:
    assert name_cause(_pair({}, {})) == "same name"
    assert name_cause(_pair({}, {"given1": "vries", "family": "anna"})) == "name order swapped"
    typo = {"given1": "anan", "given1_canon": "anan", "name_key": "anan vries"}
    assert name_cause(_pair({}, typo)) == "given slip1, family exact"
    assert name_cause(_pair({}, {"given1": "ania", "given1_canon": "anna",
                                           "name_key": "ania vries"})) == \
        "given nickname, family exact"
    assert name_cause(_pair({}, {"given1": None, "name_key": "vries"})) == \
        "given missing, family exact"
    assert name_cause(_pair({}, {"family": "bakker", "name_key": "anna bakker"})) == \
        "given exact, family other"


def test_birth_causes() -> None:
    assert birth_cause(_pair({}, {})) == "exact"
    assert birth_cause(_pair({}, {"birth_date": "1990-14-03"})) == "day/month swapped"
    assert birth_cause(_pair({}, {"birth_date": "1909-03-14"})) == \
        "one digit typo or adjacent swap"
    assert birth_cause(_pair({}, {"birth_date": "2003-05-12", "birth_year": 2003})) == \
        "full dates in conflict"
    assert birth_cause(_pair({}, {"birth_date": "1990-03-27"})) == "two of y/m/d agree"
    assert birth_cause(_pair({}, {"birth_date": None})) == "year only on one, equal"
    assert birth_cause(_pair({}, {"birth_date": None, "birth_year": None})) == \
        "no birth year on one"
