"""Static charts (SVG) of released tables, with matplotlib: no internet needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from zicht.disclosure import DisclosedTable, Release, csv_name  # noqa: E402


def write_charts(release: Release, out_dir: Path, lang: str = "en") -> list[Path]:
    """One SVG chart per table that has a count column; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table in release.tables:
        if not table.rows or not table.count_columns:
            continue
        path = out_dir / csv_name(table.name).replace(".csv", ".svg")
        render_chart(table, path, lang)
        written.append(path)
    return written


def render_chart(table: DisclosedTable, path: Path, lang: str = "en") -> None:
    """A bar chart (x = first column, one series per second categorical column)."""
    value = table.count_columns[0]
    dims = [c for c in table.columns if c not in table.count_columns]
    x_col = dims[0] if dims else None
    series_col = dims[1] if len(dims) > 1 else None
    series: dict[Any, dict[Any, float]] = {}
    for row in table.rows:
        key = row.get(series_col) if series_col else value
        x = row.get(x_col) if x_col else ""
        series.setdefault(key, {})[x] = float(row.get(value) or 0)
    xs = sorted({x for s in series.values() for x in s}, key=str)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    width = 0.8 / max(1, len(series))
    for k, (name, values) in enumerate(series.items()):
        ax.bar([i + k * width for i in range(len(xs))], [values.get(x, 0) for x in xs],
               width=width, label=str(name))
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(xs))], [str(x) for x in xs],
                  rotation=45 if len(xs) > 8 else 0)
    ax.set_title(table.title_nl if lang == "nl" else table.title_en, fontsize=11)
    ax.set_ylabel(value)
    if series_col:
        ax.legend(fontsize=8, ncols=2)
    n = f"N = {table.n:,}. " if table.n is not None else ""
    fig.text(0.01, 0.01, f"{n}{table.source}", fontsize=7, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)
