"""Charts of the linked analyses that the generic charts of ``zicht.publish`` cannot
draw: the Kaplan-Meier step curve with its interval and band, and victims against
controls as *shares* (the generic chart plots counts, and 1,000 controls per victim
dwarf the victims).

Every function takes the *released* rows of a table (the CLI passes
``release.table(...).rows``), never microdata, so a cell the gate suppressed is simply
not drawn.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from zicht.core import codes as c
from zicht.research.linked.populations import POPULATIONS

#: Which code list labels a category column of the linked tables.
#: Labels of the dimension values: one table for every output (``zicht.core.codes``).
_CODE_LISTS: dict[str, tuple[c.Code, ...]] = {"sex": c.SEXES, "age_group": c.AGE_GROUPS,
                                              **c.DIMENSION_LABELS}
_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


def _label(column: str, code: Any, lang: str) -> str:
    return c.label(_CODE_LISTS.get(column, ()), None if code is None else str(code), lang)

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


def render_share_svg(rows: Sequence[Mapping[str, Any]], category: str, series: str,
                     title: str, lang: str = "en") -> str:
    """Horizontal bars of ``share`` per ``category``, one bar per ``series`` value
    (e.g. victims and controls side by side); suppressed shares are left out."""
    cats = list(dict.fromkeys(r[category] for r in rows))
    groups = list(dict.fromkeys(r[series] for r in rows))
    height = 0.8 / max(1, len(groups))
    fig, ax = plt.subplots(figsize=(7.5, max(2.6, 1.2 + 0.3 * len(cats) * max(1, len(groups)))))
    try:
        for j, g in enumerate(groups):
            ys, xs = [], []
            for i, cat in enumerate(cats):
                row = next((r for r in rows if r[category] == cat and r[series] == g), None)
                if row is not None and row.get("share") is not None:
                    ys.append(i + (j - (len(groups) - 1) / 2) * height)
                    xs.append(float(row["share"]))
            ax.barh(ys, xs, height=height * 0.95, color=_COLOURS[j % len(_COLOURS)],
                    label=_label(series, g, lang))
        ax.set_yticks(range(len(cats)), [_label(category, x, lang) for x in cats], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("%")
        ax.grid(axis="x", alpha=0.3)
        ax.legend(fontsize=8, frameon=False, loc="best")
        ax.set_title(title, fontsize=10)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    finally:
        plt.close(fig)
    return buf.getvalue()


def write_share_chart(rows: Sequence[Mapping[str, Any]], path: Path, category: str,
                      series: str, title: str, lang: str = "en") -> Path:
    """Write :func:`render_share_svg` to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_share_svg(rows, category, series, title, lang), encoding="utf-8")
    return path


#: table name -> (category column, series column) of its share chart.
SHARE_CHARTS: dict[str, tuple[str, str]] = {
    "aid/youth_care": ("youth_care", "group"),
    "aid/youth_care_by_group": ("category", "group"),
    "aid/youth_care_type": ("care_type", "group"),
    "aid/youth_care_crisis": ("care_type", "group"),
    "aid/youth_care_referrer": ("referrer", "group"),
    "aid/youth_care_end_reason": ("end_reason", "group"),
    "aid/shelter": ("category", "group"),
    "aid/shelter_type": ("shelter_type", "group"),
    "revictimisation/by_sex": ("sex", "revictimisation"),
    "revictimisation/by_age_group": ("age_group", "revictimisation"),
    "revictimisation/by_form": ("sexual_split", "revictimisation"),
    "revictimisation/specific": ("offence", "series"),
    "revictimisation/offence_types": ("offence_group", "series"),
    "revictimisation/cohorts": ("follow_up", "revictimisation"),
}


def _tidy(name: str, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows in the (category, series, share) shape the share chart draws."""
    if name == "revictimisation/cohorts":
        return [{"follow_up": f"{r['follow_up_years']} y", "revictimisation": f,
                 "share": r.get(f"share_{f}")} for r in rows for f in ("once", "more_than_once")]
    if name in ("revictimisation/specific", "revictimisation/offence_types"):
        return [{**r, "series": "victims"} for r in rows]
    if name in ("aid/youth_care_by_group", "aid/shelter"):
        return [dict(r) for r in rows if r.get("breakdown") != "form" or r.get("category")
                != "other"]
    return [dict(r) for r in rows]


def _base_name(name: str) -> str:
    """``aid/registry/shelter`` is drawn as ``aid/shelter`` is (the populations of
    ``zicht.research.linked.populations``)."""
    parts = name.split("/")
    if len(parts) == 3 and parts[1] in POPULATIONS:
        return f"{parts[0]}/{parts[2]}"
    return name


def write_linked_charts(tables: Mapping[str, tuple[Sequence[Mapping[str, Any]], str]],
                        svg_dir: Path, lang: str = "en") -> list[Path]:
    """Write the linked charts (share bars, Kaplan-Meier) for the released ``tables``
    (name -> (rows, title)) as ``svg_dir/<name with _>.svg``; returns the paths."""
    written = []
    for name, (rows, title) in tables.items():
        path = svg_dir / (name.replace("/", "_") + ".svg")
        base = _base_name(name)
        if base == "revictimisation/km_curve":
            written.append(write_km_chart(rows, path, title, lang))
        elif base in SHARE_CHARTS and rows:
            category, series = SHARE_CHARTS[base]
            written.append(write_share_chart(_tidy(base, rows), path, category, series, title,
                                             lang))
    return written
