"""The Kaplan-Meier chart: cumulative share revictimised with its interval and band.

Drawn from the *released* rows of ``revictimisation/km_curve`` (the CLI passes
``release.table(...).rows``), never from microdata, so a point the gate suppressed
(too few persons at risk) is simply not drawn. The generic bar and line charts of
``zicht.publish`` do not fit a step curve with a band, hence this module.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

_TEXT = {
    "en": ("Months since the index incident", "Cumulative % revictimised",
           "Kaplan-Meier estimate", "95% pointwise interval", "95% simultaneous band",
           "Points with fewer persons at risk than the threshold are not shown."),
    "nl": ("Maanden sinds het peilincident", "Cumulatief % opnieuw slachtoffer",
           "Kaplan-Meier-schatting", "95%-betrouwbaarheidsinterval (puntsgewijs)",
           "95%-simultane band",
           "Punten met te weinig personen in de risicogroep worden niet getoond."),
}


def render_km_svg(rows: Sequence[Mapping[str, Any]], title: str, lang: str = "en") -> str:
    """The step curve of released KM rows (``months``, ``cumulative_pct``, ``ci_*``,
    ``band_*``) as an SVG string."""
    xlabel, ylabel, est, ci, band, note = _TEXT["nl" if lang == "nl" else "en"]
    shown = [r for r in rows if r.get("cumulative_pct") is not None]
    x = [float(r["months"]) for r in shown]
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    try:
        if shown:
            def series(key: str) -> list[float]:
                return [float("nan") if r.get(key) is None else float(r[key]) for r in shown]

            ax.fill_between(x, series("band_lower"), series("band_upper"), step="post",
                            color="#56B4E9", alpha=0.25, label=band, linewidth=0)
            ax.fill_between(x, series("ci_lower"), series("ci_upper"), step="post",
                            color="#0072B2", alpha=0.30, label=ci, linewidth=0)
            ax.step(x, series("cumulative_pct"), where="post", color="#0072B2", label=est)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_ylim(0, 100)
        ax.set_xlim(left=0)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=8, frameon=False)
        ax.set_title(title, fontsize=10)
        fig.text(0.01, 0.01, note, fontsize=7, color="#555555")
        fig.tight_layout(rect=(0, 0.03, 1, 1))
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    finally:
        plt.close(fig)
    return buf.getvalue()


def write_km_chart(rows: Sequence[Mapping[str, Any]], path: Path, title: str,
                   lang: str = "en") -> Path:
    """Write :func:`render_km_svg` to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_km_svg(rows, title, lang), encoding="utf-8")
    return path
