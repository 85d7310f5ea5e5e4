"""The published estimate as a result (``estimate(table, "published")``), in the shared
vocabulary of ``result_base``: the figure, its interval and band, and every method's row.

The figures come from ``published.compare_methods`` / ``published_rows`` (the rule lives
there, once); this module only holds and shows them.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from zicht.research.estimate.published import counted
from zicht.research.estimate.result_base import FRAME_COLUMNS, EstimateResult, json_number

if TYPE_CHECKING:
    import pandas as pd

#: ``to_frame()`` columns after ``FRAME_COLUMNS``: the band and how the figure was chosen.
PUBLISHED_EXTRA = ("band_lower", "band_upper", "methods_in_band", "chosen")


@dataclass(frozen=True, kw_only=True, repr=False)
class PublishedEstimate(EstimateResult):
    """The published estimate by the rule of ``published`` (median of the credible
    methods, envelope of their intervals, smoothed across three or more years).

    On one table, ``estimate``/``ci_lower``/``ci_upper`` are its published figure. On a
    mapping of year tables they are the latest estimable year's (``year``; the headline of
    the report), ``observed`` is that year's, and ``published`` holds every year's row;
    ``to_frame()`` then has one row per year. ``methods`` holds every compared method's
    row (``estimate``, ``ci_lower``, ``ci_upper``, ``error``), ``credible`` the methods
    that may make the figure. ``se`` is NaN: the interval is an envelope, not a
    standard error's.
    """

    band_lower: float | None
    band_upper: float | None
    methods_in_band: int
    chosen: str
    year: Any = None
    credible: tuple[str, ...] = ()
    methods: tuple[dict[str, Any], ...] = ()
    published: tuple[dict[str, Any], ...] = ()
    rule: str = ""

    frame_extra = PUBLISHED_EXTRA

    @property
    def by_year(self) -> bool:
        """True for a mapping of year tables (``published`` has a row per year)."""
        return self.year is not None

    def to_frame(self) -> pd.DataFrame:
        """One table: one row like every result. Years: one row per year (``year``,
        ``observed``, then the fixed columns and the band)."""
        if not self.by_year:
            return super().to_frame()
        import pandas as pd

        columns = ["year", "observed", *FRAME_COLUMNS, *PUBLISHED_EXTRA]
        return pd.DataFrame([{**r, "se": float("nan"), "level": self.level}
                             for r in self.published], columns=columns)

    def methods_frame(self) -> pd.DataFrame:
        """Every compared method's row (per year on a mapping), side by side; ``counted``:
        credible and with a finite interval, so in the median and the envelope."""
        import pandas as pd

        return pd.DataFrame([{**r, "credible": r["method"] in self.credible,
                              "counted": r["method"] in self.credible and counted(r)}
                             for r in self.methods])

    def dict_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "band_lower": json_number(self.band_lower),
            "band_upper": json_number(self.band_upper),
            "methods_in_band": self.methods_in_band, "chosen": self.chosen,
            "rule": self.rule, "credible": list(self.credible),
            "methods": [dict(r) for r in self.methods]}
        if self.by_year:
            body = {"year": self.year, **body, "published": [dict(r) for r in self.published]}
        return body

    def summary_title(self) -> str:
        what = f"{len(self.published)} years, " if self.by_year else ""
        return (f"published estimate (median of the credible methods), {what}"
                f"{len(self.lists)} lists ({', '.join(self.lists)})")

    def summary_body(self) -> list[str]:
        pct = round(self.level * 100)
        head = "year  " if self.by_year else ""
        lines = [f"  {head}{'method':<24}{'estimate':>10}  {f'{pct}% interval':<21}credible"]
        for r in self.methods:
            # "yes" only for what the rule counted (published.counted)
            mark = "" if r["method"] not in self.credible or r["estimate"] is None else \
                "yes" if counted(r) else "no: boundary or no finite interval"
            lines.append(f"  {_year(r)}{r['method']:<24}{_figure(r)}{mark}".rstrip())
        for r in self.published:
            lines.append(f"  {_year(r)}{'PUBLISHED':<24}{_figure(r)}[{r['chosen']}]")
            if r["band_lower"] is not None:
                lines.append(f"  {_year(r)}{'  band (credible range)':<24}"
                             f"{r['band_lower']:>10,.0f} - {r['band_upper']:,.0f} "
                             f"({r['methods_in_band']} methods)")
        if not self.by_year:
            lines.append("  (one table: no multi-year model, which needs two or more years)")
        else:
            lines.append(f"  latest year {self.year}: {self.estimate:,.0f} "
                         f"({pct}% interval {self.ci_lower:,.0f} - {self.ci_upper:,.0f})")
        lines += textwrap.wrap(f"rule: {self.rule}", 88, initial_indent="  ",
                               subsequent_indent="    ")
        return lines


def _year(r: dict[str, Any]) -> str:
    return f"{r['year']!s:<6}" if "year" in r else ""


def _figure(r: dict[str, Any]) -> str:
    """``estimate  lo - hi`` of one row (21 characters of interval), or why not."""
    if r.get("estimate") is None:
        return f"{'-':>10}  {r.get('error') or 'not estimable':<21}"
    lo = "-" if r.get("ci_lower") is None else f"{r['ci_lower']:,.0f}"
    hi = "-" if r.get("ci_upper") is None else f"{r['ci_upper']:,.0f}"
    return f"{r['estimate']:>10,.0f}  {f'{lo} - {hi}':<21}"
