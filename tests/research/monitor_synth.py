"""A research extract straight from a synthetic world (`zicht synth` output), for the
calibration test: perfect de-duplication from ``truth/`` and the sources keyed by a
hash of the BSN (``benchmarks.synthworld``). This skips import / dedupe /
extract, which have their own tests; what it tests is the monitor's counting on a world
calibrated to the published figures."""

from __future__ import annotations

import hashlib
from pathlib import Path

from benchmarks.synthworld import write_linked_extract

SOURCES = ("ind_decisions", "police_incidents", "justice_cases", "chat_contacts")


def _pid(value: str) -> str:
    return hashlib.sha256(f"test|{value}".encode()).hexdigest()[:20]


def extract_from_world(world: Path, out: Path) -> Path:
    return write_linked_extract(world, out, pseudonym=_pid, sources=SOURCES)
