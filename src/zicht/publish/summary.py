"""Key findings derived from the released tables: the largest year-on-year changes.

For every table with a ``year`` column, each series (the table's total, or one
category of one dimension, summed over the others when the counts are exact) is
compared between its last two years. Changes are ranked by how unlikely they are
as chance variation of counts (|b - a| / sqrt(a + b), a Poisson z), so a jump from
953 to 468 outranks one from 12 to 4. Sentences are written in English or Dutch:
"Reports by reporter, Police: halved from 953 to 468 (2019-2020)".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zicht.disclosure import DisclosedTable
from zicht.publish.figures import dimension_columns
from zicht.publish.labels import FINDING_SUBJECTS, format_number, text, value_label

MIN_COUNT = 20  # both years at least this: small counts make no headline
PER_TABLE = 2  # at most this many findings from one table


@dataclass(frozen=True)
class Finding:
    """One year-on-year change of one series of one table."""

    table: str
    subject: str
    year_from: int
    year_to: int
    value_from: float
    value_to: float

    @property
    def score(self) -> float:
        return abs(self.value_to - self.value_from) / math.sqrt(self.value_from + self.value_to)

    def sentence(self, lang: str = "en") -> str:
        a, b = self.value_from, self.value_to
        fa, fb = format_number(_tidy(a), lang), format_number(_tidy(b), lang)
        years = f"{self.year_from}-{self.year_to}"
        return f"{self.subject}: {_verb(a, b, lang)} {_from_to(fa, fb, lang)} ({years})."


def find_changes(tables: Iterable[DisclosedTable], lang: str = "en",
                 limit: int = 6) -> list[Finding]:
    """The ``limit`` largest year-on-year changes over ``tables``, largest first."""
    found: list[Finding] = []
    for table in tables:
        # Municipalities read their own region on the dashboard; the summary is national.
        if "year" not in table.columns or not table.count_columns or \
                table.name.startswith("regional/"):
            continue
        found.extend(sorted(_table_changes(table, lang), key=lambda f: -f.score)[:PER_TABLE])
    found.sort(key=lambda f: -f.score)
    # One finding per change: two tables may show the same series (e.g. with a split).
    unique = {(f.subject.rsplit(", ", 1)[-1], f.value_from, f.value_to): f for f in found[::-1]}
    return sorted(unique.values(), key=lambda f: -f.score)[:limit]


def _table_changes(table: DisclosedTable, lang: str) -> list[Finding]:
    title = table.title_nl if lang == "nl" else table.title_en
    value = table.count_columns[0]
    dims = [d for d in dimension_columns(table) if d != "year"]
    last = max((r["year"] for r in table.rows if isinstance(r.get("year"), int)), default=0)
    out: list[Finding] = []
    if not dims:
        out += _changes(table.name, title, _sum_by(table.rows, value), last)
    # Summing over other dimensions is exact only for exact (registry) counts.
    candidates = dims if (len(dims) == 1 or table.policy == "registry") else []
    for dim in candidates:
        series: dict[Any, dict[int, float]] = {}
        for code in {r.get(dim) for r in table.rows}:
            rows = [r for r in table.rows if r.get(dim) == code]
            series[code] = _sum_by(rows, value)
        for code, by_year in series.items():
            subject = f"{title}, {value_label(dim, code, lang)}"
            out += _changes(table.name, subject, by_year, last)
    return out


def _sum_by(rows: Sequence[Mapping[str, Any]], value: str) -> dict[int, float]:
    """Per year the sum of ``value``; a year with a suppressed cell is left out."""
    totals: dict[int, float] = {}
    broken: set[int] = set()
    for r in rows:
        year, v = r.get("year"), r.get(value)
        if not isinstance(year, int):
            continue
        if v is None:
            broken.add(year)
            continue
        totals[year] = totals.get(year, 0.0) + float(v)
    return {y: v for y, v in totals.items() if y not in broken}


def _changes(table: str, subject: str, by_year: Mapping[int, float],
             last: int) -> list[Finding]:
    """The change into the table's last year from the year before (older news is not
    a finding of this monitor; a year missing or suppressed makes none)."""
    if last not in by_year or last - 1 not in by_year:
        return []
    y0, y1 = last - 1, last
    a, b = by_year[y0], by_year[y1]
    if min(a, b) < MIN_COUNT or a == b:
        return []
    return [Finding(table, subject, y0, y1, a, b)]


def _verb(a: float, b: float, lang: str) -> str:
    ratio = b / a
    nl = lang == "nl"
    if 0.45 <= ratio <= 0.55:
        return "gehalveerd" if nl else "halved"
    if 1.9 <= ratio <= 2.1:
        return "verdubbeld" if nl else "doubled"
    if ratio >= 2.9 and ratio <= 3.1:
        return "verdrievoudigd" if nl else "tripled"
    pct = round(abs(ratio - 1) * 100)
    if ratio > 1:
        return f"{pct}% gestegen" if nl else f"rose {pct}%"
    return f"{pct}% gedaald" if nl else f"fell {pct}%"


def _from_to(fa: str, fb: str, lang: str) -> str:
    return f"van {fa} naar {fb}" if lang == "nl" else f"from {fa} to {fb}"


def _tidy(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


#: Below this p-value a trend is called significant (research/monitor/findings.ALPHA).
SIGNIFICANT = 0.05


def trend_sentences(tables: Iterable[DisclosedTable], lang: str = "en") -> list[str]:
    """The key findings as the seeds write them, from the released ``findings/trends``:
    "52 minors in 2023, 81% fewer than in 2014; since 2014 a significant fall of 12% a
    year on average (p < 0.001)." A row the gate suppressed makes no sentence."""
    out = []
    for table in tables:
        if table.name != "findings/trends":
            continue
        for row in table.rows:
            sentence = _trend_sentence(row, lang)
            if sentence:
                out.append(sentence)
    return out


def _trend_sentence(row: Mapping[str, Any], lang: str) -> str:
    subject = FINDING_SUBJECTS.get(str(row.get("finding")))
    value, change = row.get("value_to"), row.get("change_pct")
    yearly, p = row.get("yearly_change_pct"), row.get("p_value")
    if subject is None or value is None or change is None or yearly is None or p is None:
        return ""
    since = row["year_from"]
    p_text = ("p < 0.001" if p < 0.001 else f"p = {p:.3f}").replace(
        ".", "," if lang == "nl" else ".")
    if p < SIGNIFICANT:
        trend = text("finding_trend", lang, since=since, p=p_text,
                     direction=text("fall" if yearly < 0 else "rise", lang),
                     change=format_number(abs(round(yearly)), lang))
    else:
        trend = text("finding_no_trend", lang, since=since, p=p_text)
    return text("finding", lang, value=format_number(value, lang),
                subject=subject[1 if lang == "nl" else 0], year=row["year_to"],
                change=format_number(abs(round(change)), lang),
                direction=text("fewer" if change < 0 else "more", lang), since=since,
                trend=trend)


def headline(tables: Sequence[DisclosedTable], lang: str = "en") -> list[str]:
    """Level statements: victims in the last year, the hidden-number estimate."""
    out = []
    for t in tables:
        if t.name == "figures/2.1" and t.rows:
            last = max(t.rows, key=lambda r: r.get("year") or 0)
            n = format_number(last.get("victims"), lang)
            out.append(f"In {last.get('year')} werden {n} unieke slachtoffers geregistreerd."
                       if lang == "nl" else
                       f"In {last.get('year')}, {n} unique victims were registered.")
    chosen = _headline_estimate(tables)
    if chosen is not None:
        last = _latest_estimate(chosen.rows)
        est, lo, hi = (format_number(_round(last.get(k)), lang)
                       for k in ("estimate", "ci_lower", "ci_upper"))
        year = f" ({last['year']})" if last.get("year") is not None else ""
        band = ""
        if last.get("band_lower") is not None and last.get("band_upper") is not None:
            blo, bhi = (format_number(_round(last.get(k)), lang)
                        for k in ("band_lower", "band_upper"))
            band = (f"; methoden {blo}-{bhi}" if lang == "nl" else f"; methods {blo}-{bhi}")
        out.append(f"Geschat aantal slachtoffers{year}: {est} (interval {lo}-{hi}{band})."
                   if lang == "nl" else
                   f"Estimated number of victims{year}: {est} (interval {lo}-{hi}{band}).")
    return out


#: The table whose estimate is the headline: the published one (chosen by the documented
#: rule, docs/estimation.md) when the release has it.
HEADLINE_TABLES = ("figures/estimate_published", "figures/estimate", "hidden_number/by_year")


def _headline_estimate(tables: Sequence[DisclosedTable]) -> DisclosedTable | None:
    named = {t.name: t for t in tables if t.rows
             and {"estimate", "ci_lower", "ci_upper"} <= set(t.columns)}
    return next((named[n] for n in HEADLINE_TABLES if n in named),
                next(iter(named.values()), None))


def _latest_estimate(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The last year's stratum when the estimate is by year; else the last row."""
    by_year = [r for r in rows if r.get("year") is not None and r.get("estimate") is not None]
    return max(by_year, key=lambda r: r["year"]) if by_year else rows[-1]


def _round(v: Any) -> Any:
    return round(v) if isinstance(v, float) else v
