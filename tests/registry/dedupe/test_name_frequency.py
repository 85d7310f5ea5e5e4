"""The name reference and its blend with the registry's own counts (issue 13)."""

from __future__ import annotations

import pandas as pd
import pytest

from zicht.registry.dedupe.name_frequency import (
    PRIOR_IDENTITIES,
    blend,
    load_reference,
    reference_frequencies,
)
from zicht.registry.dedupe.nicknames import canonical_given
from zicht.registry.dedupe.normalise import normalise_frame
from zicht.registry.dedupe.term_frequency import term_frequencies


def _records(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    raw = pd.DataFrame(rows, columns=["given_names", "family_name", "nationality"])
    raw["birth_date"] = None
    raw["birth_year"] = pd.array(range(1980, 1980 + len(raw)), dtype="Int64")
    return normalise_frame(raw)


def test_reference_is_normalised_like_the_registry() -> None:
    ref = load_reference()
    assert ref.family["NL"]["vries"] == pytest.approx(0.0044)  # "de Vries" -> "vries"
    assert ref.family["PL"]["wisniewski"] > 0
    assert ref.family_other["*"] > 0 and ref.given_other["*"] > 0


def test_common_names_are_common_only_where_they_are() -> None:
    records = _records([("Anna", "de Vries", "NL"), ("Anna", "Wouerrbeek", "NL"),
                        ("Anna", "Nowak", "NL")] + [("Jan", "Bakker", "NL")] * 5)
    family = reference_frequencies(records, "family")
    assert family["vries"] > 5 * family["wouerrbeek"]
    # Nowak is common in Poland, not in this Dutch registry.
    assert family["nowak"] < family["vries"] / 4
    full = reference_frequencies(records, "full_name")
    assert full["anna vries"] < family["vries"] / 100  # a given name times a family name
    assert full["anna vries"] > full["anna wouerrbeek"]


def test_blend_moves_from_the_reference_to_the_registry() -> None:
    counts = pd.Series([3.0], index=["x"])
    ref = pd.Series([1e-5], index=["x"])
    small = blend(counts, ref, 20)
    large = blend(counts * 1000, ref, 20_000_000)
    assert small["x"] == pytest.approx((3 + PRIOR_IDENTITIES * 1e-5) / (20 + PRIOR_IDENTITIES))
    assert large["x"] == pytest.approx(3000 / 20_000_000, rel=1e-3)


def test_a_small_registry_weighs_de_vries_as_common() -> None:
    records = _records([("Anna", "de Vries", "NL"), ("Eva", "Wouerrbeek", "NL")]
                       + [("Piet", "Smitsma", "NL")] * 3)
    tf = term_frequencies(records, "family").set_index("family")["tf_family"]
    assert tf["vries"] > 2 * tf["wouerrbeek"]


def test_nicknames_map_to_one_given_name() -> None:
    assert canonical_given("hans") == canonical_given("johannes") == "johannes"
    assert canonical_given("kasia") == "katarzyna"
    assert canonical_given("wouter") == "wouter"
    assert canonical_given(None) is None
