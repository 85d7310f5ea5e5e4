"""The capture process (``synth/capture.py``): planted heterogeneity, solved dependence
``rho`` that reconciles the published overlap with the planted truth."""

from __future__ import annotations

import numpy as np
import pytest

from zicht.synth import capture

#: shares of reports by list (police, kmar, inspectorate, FairWork, care, other)
_SHARES = np.array([0.79, 0.0, 0.002, 0.01, 0.10, 0.098])


def _target(found: int, per_victim: float) -> np.ndarray:
    return np.round(_SHARES * found * per_victim)


@pytest.mark.parametrize("per_victim", [1.06, 1.13])
def test_solved_dependence_gives_the_number_found(per_victim: float) -> None:
    target = _target(800, per_victim)
    rho, a = capture.solve(target, 800, 2300, target > 0, 1.0)
    z, w = capture._nodes(2300)
    totals, found, _ = capture._expected(a, 1.0, rho, z, w)
    assert found == pytest.approx(800, rel=1e-3)
    assert totals[target > 0] == pytest.approx(target[target > 0], rel=1e-2)
    assert capture.RHO_BOUNDS[0] < rho < capture.RHO_BOUNDS[1]


def test_less_overlap_needs_lists_that_avoid_each_other() -> None:
    low = capture.solve(_target(800, 1.06), 800, 2300, _target(800, 1.06) > 0, 1.0)[0]
    high = capture.solve(_target(800, 1.13), 800, 2300, _target(800, 1.13) > 0, 1.0)[0]
    assert low < 0 and low < high


def test_draw_meets_the_margins_and_is_seeded() -> None:
    target = _target(800, 1.06).astype(np.int64)
    one = capture.draw(np.random.default_rng(1), 2300, 800, target, sexual=False)
    two = capture.draw(np.random.default_rng(1), 2300, 800, target, sexual=False)
    assert np.array_equal(one.lists, two.lists)
    assert int(one.lists.any(axis=1).sum()) == 800
    assert one.lists.sum(axis=0).tolist() == target.tolist()
    multi = (one.lists.sum(axis=1) >= 2).sum() / 800
    assert 0.04 < multi < 0.08  # about per_victim - 1


def test_sexual_strata_leave_nobody_on_kmar_alone() -> None:
    target = _target(300, 1.13).astype(np.int64)
    target[1] = 5  # a few KMar reports, always beside another reporter
    cap = capture.draw(np.random.default_rng(3), 1000, 300, target, sexual=True)
    kmar_alone = cap.lists[:, 1] & (cap.lists.sum(axis=1) == 1)
    assert not kmar_alone.any()
