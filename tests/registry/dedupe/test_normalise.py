"""Name normalisation: case, diacritics, particles, order."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zicht.registry.dedupe.normalise import normalise_frame, normalise_text, split_family_name


@pytest.mark.parametrize(("raw", "expected"), [
    ("  Łukasz ", "lukasz"), ("MÜLLER", "muller"), ("Ørsted-Hansen", "orsted hansen"),
    ("O'Brien", "obrien"), ("Ol’ga", "olga"), ("D'Angelo Maria", "dangelo maria"),
    ("'s-Gravesande", "s gravesande"), ("Nguyễn Văn", "nguyen van"), ("", None), (None, None),
    ("123", None),
])
def test_normalise_text(raw: str | None, expected: str | None) -> None:
    assert normalise_text(raw) == expected


@pytest.mark.parametrize(("raw", "core", "full"), [
    ("van der Berg", "berg", "vanderberg"), ("Berg, van der", "berg", "bergvander"),
    ("'t Hart", "hart", "thart"), ("De Vries", "vries", "devries"), ("Van", "van", "van"),
    ("El Amrani", "amrani", "elamrani"),
])
def test_split_family_name(raw: str, core: str, full: str) -> None:
    assert split_family_name(raw) == (core, full)


def test_frame_columns_make_swaps_and_particles_agree() -> None:
    raw = pd.DataFrame({
        "given_names": ["Anna Maria", "Vries", "ANNA"],
        "family_name": ["van Vries", "Anna Maria", "de vries"],
        "birth_date": ["1990-04-12", None, "1990-04-12"],
        "birth_year": [None, "1990", None],
    })
    out = normalise_frame(raw)
    assert out["name_key"].tolist() == ["anna maria vries"] * 2 + ["anna vries"]
    assert out["full_name"].iloc[0] == out["full_name"].iloc[2] == "anna vries"
    assert out["birth_year"].tolist() == [1990, 1990, 1990]
    assert out["birth_date"].tolist()[1] is None


@given(st.text(max_size=30))
def test_normalise_text_is_idempotent_ascii(text: str) -> None:
    once = normalise_text(text)
    assert once is None or (once.isascii() and normalise_text(once) == once)
