"""Proof tests report figures: printed, and collected in ``$ZICHT_TEST_ARTIFACTS``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def report_figure(name: str, value: Any, unit: str = "", **extra: Any) -> None:
    """Print a figure a proof test measured and append it to the artifacts, if kept."""
    print(f"\nFIGURE {name}: {value} {unit}".rstrip(), extra or "")
    folder = os.environ.get("ZICHT_TEST_ARTIFACTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        with (Path(folder) / "security_figures.jsonl").open("a") as fh:
            fh.write(json.dumps({"figure": name, "value": value, "unit": unit, **extra},
                                default=str) + "\n")
