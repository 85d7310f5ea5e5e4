"""Shared synthetic worlds: one small (contracts, determinism) and one at scale 1 with a
tiny population register (calibration and planted effects)."""

from __future__ import annotations

import pytest

from zicht.synth import SynthResult, SynthSpec, generate_world


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    out = tmp_path_factory.mktemp("small_world")
    return generate_world(SynthSpec(out=out, seed=11, scale=0.05, population_scale=0.001))


@pytest.fixture(scope="session")
def full_registry_world(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    """Scale 1 (every registry target), with the register shrunk to what the victims need."""
    out = tmp_path_factory.mktemp("full_world")
    return generate_world(SynthSpec(out=out, seed=3, scale=1.0, population_scale=0.0001))
