"""The analyses recover what a world was generated with, within sampling error.

World: ``linked_world.make_world`` (planted rates in ``Planted``). Tolerance: three
binomial standard errors of the estimated share, sqrt(p (1 - p) / n) with the planted
p and the analysed n; the world's seed is fixed, so the test is deterministic.
"""

from __future__ import annotations

import math

import pytest
from linked_world import Planted, make_world

from zicht.research.linked import LinkedResult, LinkedSpec, run_linked
from zicht.research.store import open_extract


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> LinkedResult:
    world = make_world(tmp_path_factory.mktemp("recovery"), n_pop=40000, n_victims=600,
                       n_old=600, seed=11)
    store = open_extract(world.extract)
    try:
        return run_linked(store, LinkedSpec(controls_per_victim=20))
    finally:
        store.close()


def _within(estimate_pct: float, planted: float, n: int) -> None:
    tolerance = 3 * math.sqrt(planted * (1 - planted) / n)
    assert abs(estimate_pct / 100 - planted) <= tolerance, (estimate_pct, planted, n, tolerance)


def test_youth_care_of_minor_victims_and_their_controls(big: LinkedResult) -> None:
    table = big.table("aid/youth_care_by_group")
    victims = table.row(breakdown="minor_adult", category="minor", group="victims")
    controls = table.row(breakdown="minor_adult", category="minor", group="controls")
    _within(victims["share"], Planted().youth_care_minor_victims, victims["persons"])
    _within(controls["share"], Planted().youth_care_controls, controls["persons"])
    assert big.test("aid/youth_care_by_group", "minor_adult=minor").p < 0.001


def test_five_year_revictimisation_share(big: LinkedResult) -> None:
    five = big.table("revictimisation/cohorts").row(follow_up_years=5)
    _within(five["share_revictimised"], Planted().revictimised_within_5y, five["cohort"])
    km = big.table("revictimisation/km_summary").row(follow_up_years=5)
    assert km["ci_lower"] <= 100 * Planted().revictimised_within_5y <= km["ci_upper"]
