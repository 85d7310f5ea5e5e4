"""Fixtures of the linked analyses: a small random world (session-scoped) and its run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from linked_world import World, make_world  # noqa: E402

from zicht.research.linked import LinkedResult, LinkedSpec, run_linked  # noqa: E402
from zicht.research.store import open_extract  # noqa: E402


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("linked_world"))


@pytest.fixture(scope="session")
def result(world: World) -> LinkedResult:
    store = open_extract(world.extract)
    try:
        return run_linked(store, LinkedSpec(controls_per_victim=10))
    finally:
        store.close()
