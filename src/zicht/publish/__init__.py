"""Publication: Excel tables, charts, the HTML/PDF report and the dashboard's views.

It sees only what the disclosure gate hands it (``zicht.disclosure.Release``); see
``docs/publication.md``.
"""

from zicht.publish.figures import render_chart, render_svg, write_charts
from zicht.publish.report import ReportFiles, build_report
from zicht.publish.tables import write_tables, write_workbook

__all__ = [
    "ReportFiles",
    "build_report",
    "render_chart",
    "render_svg",
    "write_charts",
    "write_tables",
    "write_workbook",
]
