"""Publication: Excel tables, charts, the HTML/PDF report and the dashboard.

It sees only what the disclosure gate hands it (``zicht.disclosure.Release``).
"""

from zicht.publish.figures import render_chart, write_charts
from zicht.publish.tables import write_workbook

__all__ = ["render_chart", "write_charts", "write_workbook"]
