"""The published hidden number: every method side by side, and one estimate by a rule.

**The rule** (fixed before any synthetic truth was looked at, docs/estimation.md):

1. The published estimate of a year and its 95% interval are those of the multi-year
   model (``multiyear``: one log-linear model over all years, interactions shared and
   selected once, each year its own list sizes; parametric bootstrap interval with the
   selection repeated). It is the one method whose yearly figure does not hinge on the
   interactions that year's sparse table happens to select.
2. The *band* beside it is the range of the estimates of every credible method of the
   comparison for that year: every method that gave an estimate with a finite interval,
   except ``main`` (independence of the lists, which the overlaps contradict; it is
   shown for reference). The band is the model uncertainty no single interval shows.
3. When the multi-year model cannot be fitted, the year is published as the median of
   the credible methods' estimates, with the band as its interval, and says so.

Estimates for groups (the seeds publish "about 1,300 minors in domestic sexual
exploitation" and "1,400 in labour or criminal exploitation") use the same multi-year
model on the group's capture tables.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zicht.core.errors import EstimationError
from zicht.research.estimate.table import CaptureTable

Key = tuple[tuple[str, Any], ...]

#: Methods compared per year (those registered; others join when their module is in).
COMPARED = ("main", "stepwise", "multiyear", "rcapture-mth-chao", "rcapture-mth-poisson2",
            "rcapture-mth-darroch", "lcmcr", "dga")
#: The compared methods that take seconds per table (lcmcr and dga take minutes on a busy
#: machine): ``zicht demo`` compares these.
QUICK = ("main", "stepwise", "multiyear", "rcapture-mth-chao", "rcapture-mth-poisson2",
         "rcapture-mth-darroch")
#: Shown for reference only, never in the band (see the module docstring).
REFERENCE_ONLY = ("main",)
RULE = ("published = multi-year model (shared interactions selected once on all years, "
        "year-specific main effects, parametric bootstrap 95% interval); band = range of "
        "the credible methods' estimates (all but main effects)")


@dataclass(frozen=True)
class Comparison:
    """Per year and method: estimate and interval; and the published row per year."""

    methods: list[dict[str, Any]]
    published: list[dict[str, Any]]


def compare_methods(tables: Mapping[Key, CaptureTable], *, seed: int = 1234,
                    level: float = 0.95, bootstrap: int = 200,
                    methods: Sequence[str] = COMPARED,
                    progress: Callable[[str], None] | None = None) -> Comparison:
    """Every available method on every year's table, then the published estimate."""
    from zicht.research.estimate.api import METHODS, estimate

    rows: list[dict[str, Any]] = []
    names = [m for m in methods if m in METHODS]
    multi = None
    if "multiyear" in names:
        try:
            multi = estimate(dict(tables), "multiyear", bootstrap=bootstrap, seed=seed,
                             level=level)
        except EstimationError as exc:
            multi = exc
    for key in sorted(tables, key=lambda k: tuple(map(str, (v for _, v in k)))):
        year = dict(key)
        for name in names:
            spec = METHODS[name]
            base = {**year, "method": name, "family": spec.family, "assumes": name,
                    "observed": tables[key].observed}
            if progress:
                progress(f"{name} {year}")
            try:
                if name == "multiyear":
                    if isinstance(multi, EstimationError) or multi is None:
                        raise multi or EstimationError("multi-year model not fitted")
                    r = multi.stratum(**year)
                    est, lo, hi = r["estimate"], r["ci_lower"], r["ci_upper"]
                else:
                    res = estimate(tables[key], name, level=level,
                                   **_seeded(spec.resolve(), seed))
                    est, lo, hi = res.estimate, res.ci_lower, res.ci_upper
                rows.append({**base, "estimate": _r(est), "ci_lower": _r(lo),
                             "ci_upper": _r(hi), "error": None})
            except EstimationError:
                rows.append({**base, "estimate": None, "ci_lower": None, "ci_upper": None,
                             "error": "not_estimable"})  # the code; its text is a label
    return Comparison(methods=rows, published=published_rows(rows))


def _seeded(runner: Callable[..., Any], seed: int) -> dict[str, Any]:
    """``seed=`` for the methods that draw random numbers (the release is reproducible)."""
    import inspect

    return {"seed": seed} if "seed" in inspect.signature(runner).parameters else {}


def published_rows(methods: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Apply the rule (module docstring) to the method rows of each year."""
    by_key: dict[tuple[Any, ...], list[Mapping[str, Any]]] = {}
    for r in methods:
        key = tuple((k, v) for k, v in r.items() if k not in _ROW_FIELDS)
        by_key.setdefault(key, []).append(r)
    out = []
    for key, rows in by_key.items():
        credible = [r for r in rows if r["method"] not in REFERENCE_ONLY and _ok(r)]
        chosen = next((r for r in credible if r["method"] == "multiyear"), None)
        band = [float(r["estimate"]) for r in credible]
        if chosen is not None:
            est, lo, hi, how = chosen["estimate"], chosen["ci_lower"], chosen["ci_upper"], \
                "multiyear"
        elif band:
            est, lo, hi, how = sorted(band)[len(band) // 2], min(band), max(band), \
                "median_of_credible"
        else:
            est = lo = hi = None
            how = "not_estimable"
        out.append({**dict(key), "observed": rows[0]["observed"], "estimate": est,
                    "ci_lower": lo, "ci_upper": hi,
                    "band_lower": min(band) if band else None,
                    "band_upper": max(band) if band else None,
                    "methods_in_band": len(band), "chosen": how})
    return out


_ROW_FIELDS = ("method", "family", "assumes", "observed", "estimate", "ci_lower",
               "ci_upper", "error")


def _ok(r: Mapping[str, Any]) -> bool:
    return all(r.get(k) is not None and math.isfinite(r[k])
               for k in ("estimate", "ci_lower", "ci_upper"))


def _r(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 2)


def group_tables(tables: Mapping[Key, CaptureTable],
                 groups: Mapping[str, Callable[[dict[str, Any]], bool]],
                 ) -> dict[str, dict[Key, CaptureTable]]:
    """Per group and year, the sum of the stratum tables the group's test accepts
    (the strata must share their lists, e.g. ``ExtractTables.common``)."""
    import numpy as np

    out: dict[str, dict[Key, CaptureTable]] = {}
    for name, accept in groups.items():
        by_year: dict[Key, CaptureTable] = {}
        for key, table in tables.items():
            d = dict(key)
            if not accept(d):
                continue
            ykey = (("year", d["year"]),)
            prev = by_year.get(ykey)
            by_year[ykey] = table if prev is None else CaptureTable(
                table.lists, np.asarray(prev.counts + table.counts))
        out[name] = by_year
    return out


#: The groups the seeds publish (brochure 2020: "about 1,300 minors in domestic sexual
#: exploitation", "1,400 in labour or criminal exploitation").
GROUPS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "minor_domestic_sexual":
        lambda d: d.get("form") == "domestic_sexual" and d.get("age_group") == "minor",
    "labour_criminal":
        lambda d: d.get("form") in ("labour", "criminal"),
}


def estimate_groups(tables: Mapping[Key, CaptureTable], *, seed: int = 1234,
                    level: float = 0.95, bootstrap: int = 200) -> list[dict[str, Any]]:
    """The multi-year model per published group: one row per group and year."""
    from zicht.research.estimate.api import estimate

    rows: list[dict[str, Any]] = []
    for group, by_year in group_tables(tables, GROUPS).items():
        if not by_year:
            rows.append({"group": group, "year": None, "observed": 0, "estimate": None,
                         "ci_lower": None, "ci_upper": None,
                         "error": "no_victims"})
            continue
        try:
            r = estimate(by_year, "multiyear", bootstrap=bootstrap, seed=seed, level=level)
            for s in r.rows()[:-1]:
                rows.append({"group": group, "year": s["year"], "observed": s["observed"],
                             "estimate": s["estimate"], "ci_lower": s["ci_lower"],
                             "ci_upper": s["ci_upper"], "error": None})
        except EstimationError:
            for key, t in sorted(by_year.items()):
                rows.append({"group": group, "year": dict(key)["year"],
                             "observed": t.observed, "estimate": None, "ci_lower": None,
                             "ci_upper": None, "error": "not_estimable"})
    return rows
