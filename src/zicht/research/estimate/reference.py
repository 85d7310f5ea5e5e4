"""The reference capture tables shipped with the package (``data/README.md``)."""

from __future__ import annotations

from importlib.resources import as_file, files

from zicht.core.errors import NotFoundError
from zicht.research.estimate.table import CaptureTable

REFERENCE_TABLES = ("uk_2013_5lists", "uk_2013_6lists", "artificial_3lists",
                    "rcapture_hiv_4lists")


def reference_table(name: str) -> CaptureTable:
    """Load a reference table by name, e.g. ``reference_table("uk_2013_5lists")``."""
    if name not in REFERENCE_TABLES:
        raise NotFoundError(f"No reference table {name!r}; expected one of "
                            f"{', '.join(REFERENCE_TABLES)}.")
    with as_file(files("zicht.research.estimate") / "data" / f"{name}.csv") as path:
        return CaptureTable.from_csv(path)
