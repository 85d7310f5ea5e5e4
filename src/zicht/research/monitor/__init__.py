"""The monitor: every figure of chapter 2, the residence scheme, the justice chain,
chat signals and a regional view, from a pseudonymised research extract.

``compute_monitor(open_extract(dir)) -> MonitorResult``; the CLI passes each table
through the disclosure gate (``zicht.disclosure``) before anything is written.
"""

from zicht.research.monitor.run import MonitorOptions, compute_monitor
from zicht.research.monitor.table import MonitorResult

__all__ = [
    "MonitorOptions",
    "MonitorResult",
    "compute_monitor",
]
