"""Linked analyses (chapters 3-4 of the monitor): aid after trafficking against a
matched control group, and revictimisation, on pseudonymised sources.

``run_linked(store, LinkedSpec())`` returns a ``LinkedResult`` of ungated tables and
chi-square tests; ``zicht.cli.linked`` passes them through the disclosure gate.
"""

from zicht.research.linked.controls import ControlDraw, draw_controls
from zicht.research.linked.run import SOURCES, LinkedSpec, run_linked
from zicht.research.linked.stats import chi_square, format_test
from zicht.research.linked.table import ChiSquare, LinkedResult, linked_table

__all__ = [
    "SOURCES",
    "ChiSquare",
    "ControlDraw",
    "LinkedResult",
    "LinkedSpec",
    "chi_square",
    "draw_controls",
    "format_test",
    "linked_table",
    "run_linked",
]
