"""Charts of released tables, as SVG (matplotlib, offline).

The chart follows the shape of the table (``plan_chart``): a time series (``year`` or
``month`` on the x axis) is a line chart, one line per category; a second category
makes small multiples (one panel per form); categories without time are horizontal
bars, stacked by a second category; an estimate with an interval is a point with
error bars. Labels come from ``zicht.core.codes`` in English or Dutch, and the same
code has the same colour in every chart.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import math
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from zicht.disclosure import DisclosedTable, Release, csv_name
from zicht.publish.labels import (
    code_order,
    column_label,
    format_number,
    source_label,
    text,
    value_label,
)

#: Colour-blind-safe palette (Okabe-Ito), then distinct tab10 colours for long lists.
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
    "#000000", "#8c564b", "#7f7f7f", "#bcbd22", "#9467bd", "#17becf", "#d62728",
)
TIME_COLUMNS = ("year", "month")
NOT_DIMENSIONS = ("rank", "share", "percentage")  # order or derived, never a category
MAX_SERIES = 10  # more categories than this: the largest ten, the rest as "other"
MAX_LINES = 6  # a time series with more categories becomes small multiples
FACET_PREFERENCE = ("form", "reporter", "sex", "age_group")
LEGEND_COLUMNS = 3
MAX_FACETS = 12  # more panels than this: the largest twelve
#: Victims against their matched controls (chapter 3): a thousand controls per victim,
#: so the groups are compared by share (or mean), side by side, never by count.
GROUP = "group"
MEMO_SIZE = 1024
_MEMO: dict[tuple[Any, ...], str] = {}
_MEMO_LOCK = threading.Lock()


@dataclass(frozen=True)
class ChartPlan:
    """How a table is drawn. ``kind`` is line, bar, hbar, interval or none."""

    kind: str
    x: str | None
    values: tuple[str, ...]
    series: str | None = None
    facet: str | None = None
    stacked: bool = True  # hbar: series stacked, else side by side


def value_columns(table: DisclosedTable) -> tuple[str, ...]:
    """The columns plotted: a mean if the table has one; the share when groups of very
    different size are compared (victims and controls) or a table gives shares of its
    counts (``share_revictimised``: the first, the headline share); else the counts,
    else the numeric non-time columns."""
    means = tuple(c for c in table.columns if c.startswith("mean_"))
    if means:
        return means[:1]
    if GROUP in table.columns and "share" in table.columns:
        return ("share",)
    shares = tuple(c for c in table.columns if c.startswith("share_"))
    if shares:
        return shares[:1]
    counts = tuple(c for c in table.count_columns if c in table.columns)
    if counts:
        return counts
    return tuple(c for c in table.columns
                 if c not in TIME_COLUMNS and _is_numeric(table.rows, c))


def dimension_columns(table: DisclosedTable) -> tuple[str, ...]:
    """Columns that classify a row (codes, years): not counts, not measures."""
    values = set(value_columns(table)) | set(table.count_columns)
    return tuple(c for c in table.columns if c not in values and c not in NOT_DIMENSIONS and (
        c in TIME_COLUMNS or not _is_numeric(table.rows, c)
        or (table.count_columns and _is_integer(table.rows, c))))


def plan_chart(table: DisclosedTable,
               rows: Sequence[Mapping[str, Any]] | None = None) -> ChartPlan:
    """Pick the chart that fits the shape of ``rows`` (default: all rows of ``table``).

    Columns with one value only (a filtered area, a single year) are not drawn; the
    time column with the most values is the x axis; a second category makes small
    multiples (the category with many values, else form, gets the panels).
    """
    rows = table.rows if rows is None else rows
    values = value_columns(table)
    if not rows or not values:
        return ChartPlan("none", None, ())
    distinct = {c: len({r.get(c) for r in rows}) for c in table.columns}
    all_dims = dimension_columns(table)
    dims = [d for d in all_dims if distinct[d] > 1] or list(all_dims[:1])
    if {"estimate", "ci_lower", "ci_upper"} <= set(table.columns):
        return ChartPlan("interval", dims[0] if dims else None, ("estimate",))
    if GROUP in dims and not any(t in dims for t in TIME_COLUMNS):
        return _group_plan(dims, distinct, values)
    times = sorted((t for t in TIME_COLUMNS if t in dims), key=lambda t: -distinct[t])
    x = times[0] if times else (dims[0] if dims else None)
    cats = [d for d in dims if d != x]
    if len(values) > 1 and cats:
        values = values[:1]  # several counts and categories: chart the first count
    series = facet = None
    if len(cats) == 1:
        series = cats[0]
    elif len(cats) >= 2:
        widest = max(cats, key=lambda d: distinct[d])
        facet = widest if distinct[widest] > MAX_LINES else next(
            (p for p in FACET_PREFERENCE if p in cats), min(cats, key=lambda d: distinct[d]))
        series = next(d for d in cats if d != facet)
    if x in TIME_COLUMNS and distinct[x] >= 3:
        if facet is None and series and distinct[series] > MAX_LINES:
            series, facet = None, series  # one small panel per category, not spaghetti
        return ChartPlan("line", x, values, series, facet)
    if x in TIME_COLUMNS:
        return ChartPlan("bar", x, values, series, facet)
    if series and _determined_by(rows, x, series):
        series = None  # e.g. the index years of a follow-up period: a label, not a series
    return ChartPlan("hbar", x, values, series, facet)


def _group_plan(dims: Sequence[str], distinct: Mapping[str, int],
                values: tuple[str, ...]) -> ChartPlan:
    """Victims and controls side by side per category; a second category (the
    breakdown of ``breakdown, category``) makes the panels."""
    others = sorted((d for d in dims if d != GROUP), key=lambda d: -distinct[d])
    x = others[0] if others else None
    facet = others[1] if len(others) > 1 else None
    return ChartPlan("hbar", x, values[:1], GROUP, facet, stacked=False)


def _determined_by(rows: Sequence[Mapping[str, Any]], x: str | None, column: str) -> bool:
    """Whether ``column`` has one value for each value of ``x``."""
    seen: dict[Any, Any] = {}
    return x is not None and all(seen.setdefault(r.get(x), r.get(column)) == r.get(column)
                                 for r in rows)


def render_svg(
    table: DisclosedTable,
    lang: str = "en",
    *,
    rows: Sequence[Mapping[str, Any]] | None = None,
    with_title: bool = True,
) -> str:
    """The chart of ``table`` (or of ``rows``, a filtered subset) as an SVG string.

    Charts are remembered by content, so the report, the figure files and the dashboard
    draw each table once per language.
    """
    rows = table.rows if rows is None else rows
    title = table.title_nl if lang == "nl" else table.title_en
    key = (table.name, title, table.source, table.n, lang, with_title, hashlib.sha256(
        json.dumps(list(rows), sort_keys=True, default=str).encode()).hexdigest())
    with _MEMO_LOCK:
        hit = _MEMO.get(key)
    if hit is not None:
        return hit
    svg = render_bytes(table, lang, rows=rows, with_title=with_title, fmt="svg").decode()
    svg = svg[svg.index("<svg"):] if svg else ""
    with _MEMO_LOCK:
        if len(_MEMO) >= MEMO_SIZE:
            _MEMO.clear()
        _MEMO[key] = svg
    return svg


def render_bytes(
    table: DisclosedTable,
    lang: str = "en",
    *,
    rows: Sequence[Mapping[str, Any]] | None = None,
    with_title: bool = True,
    fmt: str = "svg",
) -> bytes:
    """The chart as ``fmt`` (svg, png or pdf) bytes; empty when nothing is chartable."""
    return render_formats(table, lang, rows=rows, with_title=with_title, formats=(fmt,))[fmt]


def render_formats(
    table: DisclosedTable,
    lang: str = "en",
    *,
    rows: Sequence[Mapping[str, Any]] | None = None,
    with_title: bool = True,
    formats: Sequence[str] = ("svg",),
) -> dict[str, bytes]:
    """The chart drawn once and saved in each of ``formats`` (PNG for print: WeasyPrint
    draws a complex SVG a hundred times slower than an image)."""
    rows = table.rows if rows is None else rows
    plan = plan_chart(table, rows)
    if plan.kind == "none" or not rows:
        return dict.fromkeys(formats, b"")
    facets = _ordered(plan.facet, {r.get(plan.facet) for r in rows}) if plan.facet else [None]
    if plan.facet and len(facets) > MAX_FACETS:  # hundreds of areas: the largest only
        facet, value = plan.facet, plan.values[0]
        total: dict[Any, float] = {}
        for r in rows:
            total[r.get(facet)] = total.get(r.get(facet), 0.0) + float(r.get(value) or 0)
        keep = set(sorted(facets, key=lambda f: -total[f])[:MAX_FACETS])
        facets = [f for f in facets if f in keep]
    ncols = min(3 if len(facets) <= 6 else 4, len(facets))
    if plan.kind == "hbar" and plan.x and max(
            (len(value_label(plan.x, r.get(plan.x), lang)) for r in rows), default=0) > 20:
        ncols = min(2, ncols)  # long category labels take half a panel row
    nrows = math.ceil(len(facets) / ncols)
    size = (8.0, 4.2) if len(facets) == 1 else (9.0, 2.5 * nrows + 0.9)
    salt = f"{table.name}-{lang}-{len(rows)}"
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt,
                         "font.family": "DejaVu Sans", "font.size": 9}):
        fig, axes = plt.subplots(nrows, ncols, figsize=size, squeeze=False)
        handles: dict[str, Any] = {}
        for i, facet_value in enumerate(facets):
            ax = axes[i // ncols][i % ncols]
            subset = [r for r in rows if plan.facet is None or r.get(plan.facet) == facet_value]
            _draw(ax, plan, subset, lang, handles)
            if plan.facet:
                ax.set_title(value_label(plan.facet, facet_value, lang), fontsize=9)
        for j in range(len(facets), nrows * ncols):
            axes[j // ncols][j % ncols].set_visible(False)
        if with_title:  # standalone: the chart carries its title, N and source line
            fig.suptitle(table.title_nl if lang == "nl" else table.title_en, fontsize=11)
            fig.text(0.01, 0.005, _footer(table, lang), fontsize=7, color="#555555",
                     va="bottom")
        if len(handles) > 1:
            fig.legend(list(handles.values()), list(handles), loc="lower center",
                       bbox_to_anchor=(0.5, 0.03 * 4.2 / size[1]),
                       ncols=min(LEGEND_COLUMNS, len(handles)), fontsize=8, frameon=False)
        _adjust(fig, plan, rows, lang, size, nrows, len(handles), with_title)
        out = {}
        for fmt in formats:
            buf = io.BytesIO()
            meta = {"Date": None} if fmt == "svg" else {}
            fig.savefig(buf, format=fmt, metadata=meta, dpi=110 if fmt != "png" else 130,
                        facecolor="white")
            out[fmt] = buf.getvalue()
        plt.close(fig)
    return out


def frame_svg(svg: str, title: str, footer: str) -> str:
    """Wrap a chart drawn without title in an SVG that adds its title and footer (so a
    standalone figure file costs no second drawing)."""
    size = re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', svg[:600])
    if not svg or size is None:
        return svg
    w, h = float(size[1]), float(size[2])
    top, bottom = 26.0, 16.0
    total = h + top + bottom
    inner = svg.replace(size[0], f'width="{w}" height="{h}" x="0" y="{top}"', 1)
    font = 'font-family="DejaVu Sans, sans-serif"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}pt" height="{total}pt" '
        f'viewBox="0 0 {w} {total}" version="1.1">'
        f'<rect width="{w}" height="{total}" fill="#ffffff"/>'
        f'<text x="{w / 2}" y="17" text-anchor="middle" font-size="11" {font}>'
        f"{html.escape(title)}</text>{inner}"
        f'<text x="6" y="{total - 5}" font-size="7" fill="#555555" {font}>'
        f"{html.escape(footer)}</text></svg>"
    )


def chart_footer(table: DisclosedTable, lang: str) -> str:
    """The N and source line of a chart."""
    return _footer(table, lang)


def render_chart(table: DisclosedTable, path: Path, lang: str = "en") -> None:
    """Write the chart of ``table`` to ``path`` (SVG), with its title."""
    path.write_text(render_svg(table, lang), encoding="utf-8")


def write_charts(release: Release, out_dir: Path, lang: str = "en") -> list[Path]:
    """One SVG chart per chartable table of ``release``; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table in release.tables:
        if plan_chart(table).kind == "none":
            continue
        path = out_dir / csv_name(table.name).replace(".csv", ".svg")
        render_chart(table, path, lang)
        written.append(path)
    return written


# --- drawing ------------------------------------------------------------------------


def _adjust(fig: Any, plan: ChartPlan, rows: Sequence[Mapping[str, Any]], lang: str,
            size: tuple[float, float], nrows: int, n_handles: int, with_title: bool) -> None:
    """Margins computed from the content: as good as tight_layout here, 3x faster."""
    inch = 1.0 / size[1]  # one inch as a fraction of the figure height
    legend_rows = math.ceil(n_handles / LEGEND_COLUMNS) if n_handles > 1 else 0
    bottom = (0.55 + 0.2 * legend_rows) * inch
    if plan.kind == "line" and plan.x and len({r.get(plan.x) for r in rows}) > 10:
        bottom += 0.15 * inch  # rotated tick labels
    if plan.kind == "interval" and len(rows) > 8:  # rotated labels: room for the longest
        longest = max(len(t.get_text()) for ax in fig.axes for t in ax.get_xticklabels())
        bottom += 0.05 * longest * inch
    top = 1 - (0.55 if with_title else 0.2) * inch
    left, wspace = 0.75 / size[0], 0.28
    if plan.kind == "hbar" and plan.x:
        longest = max((len(value_label(plan.x, r.get(plan.x), lang)) for r in rows), default=4)
        label = 0.35 + 0.068 * longest  # inches
        left = min(0.45, label / size[0])
        ncols = math.ceil(len(fig.axes) / nrows)
        if ncols > 1:  # panels side by side: room for the next panel's labels too
            axis = size[0] * (0.98 - left) / (ncols + (ncols - 1) * wspace)
            wspace = max(wspace, min(2.0, label / axis))
    fig.subplots_adjust(left=left, right=0.98, bottom=min(0.5, bottom), top=top,
                        hspace=0.55 if nrows > 1 else 0.2, wspace=wspace)


def _draw(ax: Any, plan: ChartPlan, rows: Sequence[Mapping[str, Any]], lang: str,
          handles: dict[str, Any]) -> None:
    if plan.kind == "interval":
        _draw_interval(ax, plan, rows, lang, handles)
        return
    series = _series(plan, rows, lang)
    xs = _ordered(plan.x, {r.get(plan.x) for r in rows}) if plan.x else [None]
    labels = [value_label(plan.x, x, lang) if plan.x else "" for x in xs]
    if plan.kind == "line":
        for k, (name, colour, values) in enumerate(series):
            ys = [values.get(x, math.nan) for x in xs]
            (h,) = ax.plot(range(len(xs)), ys, marker="o", markersize=3, linewidth=1.8,
                           color=colour, label=name, zorder=3 + k)
            handles.setdefault(name, h)
        if plan.facet and len(xs) > 6:  # a small panel: every few years, level, readable
            step = math.ceil(len(xs) / 5)
            ax.set_xticks(range(0, len(xs), step), labels[::step])
        else:
            ax.set_xticks(range(len(xs)), labels, rotation=45 if len(xs) > 10 else 0)
        ax.set_ylim(bottom=0)
    elif plan.kind == "bar":
        width = 0.8 / max(1, len(series))
        for k, (name, colour, values) in enumerate(series):
            pos = [i - 0.4 + width * (k + 0.5) for i in range(len(xs))]
            h = ax.bar(pos, [_zero(values.get(x)) for x in xs], width=width, color=colour)
            handles.setdefault(name, h)
        ax.set_xticks(range(len(xs)), labels)
    elif not plan.stacked:  # hbar, series side by side (victims above controls)
        height = 0.8 / max(1, len(series))
        for k, (name, colour, values) in enumerate(series):
            pos = [i - 0.4 + height * (k + 0.5) for i in range(len(xs))]
            h = ax.barh(pos, [_zero(values.get(x)) for x in xs], height=height, color=colour)
            handles.setdefault(name, h)
        ax.set_yticks(range(len(xs)), labels)
        ax.invert_yaxis()
    else:  # hbar: categories top to bottom in code order, stacked by series
        left = [0.0] * len(xs)
        for name, colour, values in series:
            widths = [_zero(values.get(x)) for x in xs]
            h = ax.barh(range(len(xs)), widths, left=left, color=colour, height=0.7)
            handles.setdefault(name, h)
            left = [a + b for a, b in zip(left, widths, strict=True)]
        ax.set_yticks(range(len(xs)), labels)
        ax.invert_yaxis()
    if plan.kind == "hbar" and plan.x and all(isinstance(x, int) for x in xs):
        ax.set_ylabel(column_label(plan.x, lang))  # numbers need their unit ("years")
    _style(ax, plan, lang)


def _draw_interval(ax: Any, plan: ChartPlan, rows: Sequence[Mapping[str, Any]],
                   lang: str, handles: dict[str, Any]) -> None:
    # A row without x (the sum of strata, the pooled estimate) is named by its kind.
    xs = [value_label(plan.x, r.get(plan.x), lang) if plan.x and r.get(plan.x) is not None
          else value_label("row", r.get("row"), lang) if r.get("row") else "" for r in rows]
    est = [_zero(r.get("estimate")) for r in rows]
    lo = [max(0.0, e - _zero(r.get("ci_lower"))) for e, r in zip(est, rows, strict=True)]
    hi = [max(0.0, _zero(r.get("ci_upper")) - e) for e, r in zip(est, rows, strict=True)]
    if "band_lower" in rows[0]:  # the spread between credible methods, behind the series
        ax.fill_between(range(len(xs)), [_zero(r.get("band_lower")) for r in rows],
                        [_zero(r.get("band_upper")) for r in rows], color=PALETTE[0],
                        alpha=0.15, linewidth=0)
    h = ax.errorbar(range(len(xs)), est, yerr=[lo, hi], fmt="o", color=PALETTE[0],
                    capsize=4)
    handles.setdefault(column_label("estimate", lang), h)
    if "observed" in rows[0]:  # named in the legend: a reader must tell it from the estimate
        (h,) = ax.plot(range(len(xs)), [_zero(r.get("observed")) for r in rows], "s",
                       color=PALETTE[1], markersize=4)
        handles.setdefault(column_label("observed", lang), h)
    if len(xs) > 8:  # rotated about the label's end, so a long label stays under its tick
        ax.set_xticks(range(len(xs)), xs, rotation=45, ha="right", rotation_mode="anchor")
    else:
        ax.set_xticks(range(len(xs)), xs)
    ax.set_ylim(bottom=0)
    _style(ax, plan, lang)


def _series(plan: ChartPlan, rows: Sequence[Mapping[str, Any]],
            lang: str) -> list[tuple[str, str, dict[Any, float]]]:
    """(label, colour, {x: value}) per series, largest first when there are many."""
    if plan.series is None:
        out = []
        for k, col in enumerate(plan.values):
            values: dict[Any, float] = {}
            for r in rows:
                _add(values, r.get(plan.x) if plan.x else None, r.get(col))
            out.append((_column_name(col, lang), PALETTE[k], values))
        return out
    col = plan.values[0]
    by_code: dict[Any, dict[Any, float]] = {}
    for r in rows:
        _add(by_code.setdefault(r.get(plan.series), {}), r.get(plan.x) if plan.x else None,
             r.get(col))
    codes = _ordered(plan.series, set(by_code))
    colour = {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(codes)}
    if len(codes) > MAX_SERIES:  # keep the largest, merge the rest
        codes.sort(key=lambda k: -sum(v for v in by_code[k].values() if not math.isnan(v)))
        rest: dict[Any, float] = {}
        for k in codes[MAX_SERIES - 1:]:
            for x, v in by_code[k].items():
                _add(rest, x, v)
        other = "overig" if lang == "nl" else "other"
        kept = [(value_label(plan.series, k, lang), colour[k], by_code[k])
                for k in codes[: MAX_SERIES - 1]]
        return [*kept, (other, "#999999", rest)]
    return [(value_label(plan.series, k, lang), colour[k], by_code[k]) for k in codes]


def _add(values: dict[Any, float], x: Any, v: Any) -> None:
    """Sum into ``values[x]``; a suppressed cell (None) stays a gap, never a zero."""
    if v is None:
        values.setdefault(x, math.nan)
        return
    prev = values.get(x)
    values[x] = float(v) if prev is None or math.isnan(prev) else prev + float(v)


def _style(ax: Any, plan: ChartPlan, lang: str) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    grid_axis = ax.xaxis if plan.kind == "hbar" else ax.yaxis
    grid_axis.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=8)
    number_axis = ax.xaxis if plan.kind == "hbar" else ax.yaxis
    number_axis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(
        int(v) if float(v).is_integer() else round(v, 1), lang)))
    if plan.values and (plan.facet is None or not plan.stacked):
        label = _column_name(plan.values[0], lang) if len(plan.values) == 1 else ""
        (ax.set_xlabel if plan.kind == "hbar" else ax.set_ylabel)(label)


def _footer(table: DisclosedTable, lang: str) -> str:
    parts = []
    if table.n is not None:
        parts.append(f"N = {table.n:,}".replace(",", "." if lang == "nl" else ","))
    if table.source:
        parts.append(f"{text('source', lang)}: {source_label(table.source, lang)}")
    return ". ".join(parts)


def _column_name(col: str, lang: str) -> str:
    return column_label(col, lang)


def _ordered(column: str | None, values: set[Any]) -> list[Any]:
    """Values in code-list order, then numerically or alphabetically."""
    order = code_order(column) if column else []
    rank = {c: i for i, c in enumerate(order)}
    return sorted(values, key=lambda v: (rank.get(v, len(rank)), v is None,
                                         (0, v) if isinstance(v, (int, float)) else (1, str(v))))


def _is_integer(rows: Sequence[Mapping[str, Any]], column: str) -> bool:
    """An integer column beside counts classifies rows (e.g. years of follow-up)."""
    return all(isinstance(r.get(column), int) for r in rows if r.get(column) is not None)


def _zero(v: Any) -> float:
    return 0.0 if v is None else float(v)


def _is_numeric(rows: Sequence[Mapping[str, Any]], column: str) -> bool:
    seen = False
    for r in rows:
        v = r.get(column)
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return False
        seen = True
    return seen
