"""The report as PDF: the same HTML, laid out for print by WeasyPrint (offline)."""

from __future__ import annotations

import logging
from pathlib import Path

from zicht.core.errors import ZichtError


def write_pdf(html: str, path: Path) -> Path:
    """Render ``html`` (self-contained: inline CSS and SVG) to ``path``."""
    try:
        from weasyprint import HTML
    except OSError as exc:  # the Pango/Cairo system libraries are missing
        raise ZichtError(
            f"WeasyPrint cannot load its system libraries ({exc}). Install Pango "
            "(Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0) or run "
            "`zicht report --no-pdf`."
        ) from exc
    # WeasyPrint logs every unsupported CSS property of matplotlib's SVG at WARNING.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    path.parent.mkdir(parents=True, exist_ok=True)
    HTML(string=html, base_url=str(path.parent)).write_pdf(str(path))
    return path
