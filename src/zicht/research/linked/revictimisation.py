"""Chapter 4: revictimisation after trafficking (seed 003, §4.3-4.6 and B1.4.2).

Index incident = the victim's first trafficking registration in the period. A *new
incident* is any later police registration of the person as victim (``rv_new``).

* Cohorts with full follow-up (figure 4.1): within k years (2, 5, 7) only victims
  whose index year is at most ``last year - k`` (2010-2018, 2010-2015, 2010-2013).
* Once / more than once, specific revictimisation (trafficking, sexual offences,
  violence; figure 4.2), offence groups of the new incidents (figure 4.3), days to the
  first new incident (median, mean, SD) in the ``detail_years`` cohort.
* By sex (4.4), age group (4.5) and sexual / non-sexual form (4.6), with chi-square
  tests of group x (none, once, more than once). The form split needs the specific
  offence codes, which exist only from about 2016, so it uses the index years
  ``form_from``..``last - form_years`` (the seed's 2016 victims) followed for
  ``form_years`` full years (default 4: 2016 + 4 = 2020, the end of the data; the
  seed's "five years" cannot be fully followed for 2016 registrations).
* Beyond the seed: the Kaplan-Meier curve of the cumulative share revictimised, using
  every victim's whole follow-up (censored at the end of the period or when the person
  leaves the population register), with pointwise 95% intervals (log-log, Greenwood)
  and a 95% Hall-Wellner simultaneous band, from ``statsmodels.SurvfuncRight``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from statsmodels.duration.survfunc import SurvfuncRight

from zicht.core import codes as c
from zicht.core.table import TableSpec
from zicht.research.linked.stats import chi_square
from zicht.research.linked.table import ChiSquare, linked_table, share
from zicht.research.store import ResearchStore

FREQUENCIES = ("none", "once", "more_than_once")
SPECIFIC = ("trafficking", "sexual", "violence")
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class RevictimisationResult:
    tables: tuple[TableSpec, ...]
    tests: tuple[ChiSquare, ...]


def _followed(store: ResearchStore, years: int, first_year: int, last_year: int) -> str:
    """A temp table ``rv_k{years}``: one row per victim with index year in
    ``first_year``..``last_year`` and what happened within ``years`` years."""
    name = f"rv_k{years}_{first_year}_{last_year}"
    flags = ", ".join(f"COALESCE(bool_or(n.specific = '{s}'), FALSE) AS sp_{s}"
                      for s in SPECIFIC)
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {name} AS
        SELECT v.person_pid, v.sex, v.age_group, v.sexual_split, v.index_year,
               COUNT(n.incident_id) AS n_new, MIN(n.days) AS first_days, {flags}
        FROM rv_victims v
        LEFT JOIN rv_new n ON n.person_pid = v.person_pid
             AND n.registration_date <= CAST(v.index_date + INTERVAL {int(years)} YEAR AS DATE)
        WHERE v.index_year BETWEEN {int(first_year)} AND {int(last_year)}
        GROUP BY v.person_pid, v.sex, v.age_group, v.sexual_split, v.index_year
    """)
    return name


_FREQ_SQL = ("CASE WHEN n_new = 0 THEN 'none' WHEN n_new = 1 THEN 'once' "
             "ELSE 'more_than_once' END")


def _cohorts(store: ResearchStore, first: int, last: int,
             follow_up: Sequence[int]) -> TableSpec:
    rows = []
    for k in follow_up:
        name = _followed(store, k, first, last - k)
        r = store.rows(f"""
            SELECT COUNT(*) AS cohort,
                   COUNT(*) FILTER (WHERE n_new = 0) AS not_revictimised,
                   COUNT(*) FILTER (WHERE n_new = 1) AS once,
                   COUNT(*) FILTER (WHERE n_new > 1) AS more_than_once
            FROM {name}
        """)[0]
        n, once, more = int(r["cohort"]), int(r["once"]), int(r["more_than_once"])
        rows.append({"follow_up_years": k, "index_years": f"{first}-{last - k}", "cohort": n,
                     "not_revictimised": int(r["not_revictimised"]), "once": once,
                     "more_than_once": more, "revictimised": once + more,
                     "share_revictimised": share(once + more, n), "share_once": share(once, n),
                     "share_more_than_once": share(more, n)})
    return linked_table(
        "revictimisation/cohorts", tuple(rows),
        ("cohort", "not_revictimised", "once", "more_than_once", "revictimised"),
        "Victims registered again as victim of any offence within 2, 5 and 7 years",
        "Slachtoffers die binnen twee, vijf en zeven jaar opnieuw als slachtoffer van enig "
        "delict worden geregistreerd",
        n=rows[0]["cohort"] if rows else 0,  # type: ignore[arg-type]
        shares={"share_revictimised": "revictimised", "share_once": "once",
                "share_more_than_once": "more_than_once"},
        notes="Only victims whose index incident can be followed for the full period.",
        notes_nl="Alleen slachtoffers van wie het peilincident de hele periode gevolgd kan "
                 "worden.")


def _specific(store: ResearchStore, name: str, years: int) -> TableSpec:
    sums = ", ".join(f"COUNT(*) FILTER (WHERE sp_{s}) AS {s}" for s in SPECIFIC)
    any_of = " OR ".join(f"sp_{s}" for s in SPECIFIC)
    r = store.rows(f"SELECT COUNT(*) AS n, {sums}, COUNT(*) FILTER (WHERE {any_of}) "
                   f"AS any_of_these FROM {name}")[0]
    n = int(r["n"])
    rows = tuple({"offence": s, "persons": int(r[s]), "share": share(int(r[s]), n)}
                 for s in (*SPECIFIC, "any_of_these"))
    return linked_table(
        "revictimisation/specific", rows, ("persons",),
        f"Victims registered again within {years} years as victim of trafficking, a "
        "sexual offence or violence",
        f"Slachtoffers die binnen {years} jaar opnieuw worden geregistreerd als slachtoffer "
        "van mensenhandel, zeden of geweld", n=n, shares={"share": "persons"})


def _offence_types(store: ResearchStore, name: str, years: int) -> TableSpec:
    counts = {str(r["offence_group"]): int(r["incidents"]) for r in store.rows(f"""
        SELECT COALESCE(n.offence_group, 'other') AS offence_group, COUNT(*) AS incidents
        FROM rv_new n JOIN rv_victims v USING (person_pid)
        JOIN {name} k USING (person_pid)
        WHERE n.registration_date <= CAST(v.index_date + INTERVAL {int(years)} YEAR AS DATE)
        GROUP BY 1
    """)}
    total = sum(counts.values())
    order = [g.code for g in c.OFFENCE_GROUPS] + sorted(set(counts) - {g.code for g in
                                                                      c.OFFENCE_GROUPS})
    rows = tuple({"offence_group": g, "incidents": counts.get(g, 0),
                  "share": share(counts.get(g, 0), total)} for g in order)
    return linked_table(
        "revictimisation/offence_types", rows, ("incidents",),
        f"Offence groups of the new incidents within {years} years after trafficking",
        f"Type delicten bij de nieuwe incidenten binnen {years} jaar na mensenhandel",
        n=total, shares={"share": "incidents"})


def _time_to_first(store: ResearchStore, name: str, years: int) -> TableSpec:
    days = np.array([r[0] for r in store.con.execute(
        f"SELECT first_days FROM {name} WHERE n_new > 0").fetchall()], dtype=float)
    n = int(days.size)
    row: dict[str, Any] = {"persons": n, "median_days": None, "mean_days": None,
                           "sd_days": None}
    if n:
        row.update(median_days=float(np.median(days)), mean_days=round(float(days.mean()), 2),
                   sd_days=round(float(days.std(ddof=1)), 2) if n > 1 else None)
    return linked_table(
        "revictimisation/time_to_first", (row,), ("persons",),
        f"Days from the index incident to the first new incident, victims revictimised "
        f"within {years} years",
        f"Dagen van peilincident tot eerste nieuwe incident, slachtoffers die binnen "
        f"{years} jaar opnieuw slachtoffer werden",
        n=n, shares={"median_days": "persons", "mean_days": "persons", "sd_days": "persons"})


def _labels(column: str, codes: Sequence[str], lang: str) -> str:
    """The codes as a reader reads them (the column's code list), e.g. "Seksueel, Niet-
    seksueel" rather than "sexual, non_sexual"."""
    table = {"age_group": c.AGE_GROUPS, "sex": c.SEXES}.get(column) \
        or c.DIMENSION_LABELS.get(column, ())
    return ", ".join(c.label(table, code, lang) for code in codes)


def _by_group(store: ResearchStore, name: str, table_name: str, column: str,
              tested: Sequence[str], title_en: str, title_nl: str
              ) -> tuple[TableSpec, list[ChiSquare]]:
    counts = {(str(r["g"]), str(r["f"])): int(r["persons"]) for r in store.rows(
        f"SELECT COALESCE({column}, 'unknown') AS g, {_FREQ_SQL} AS f, COUNT(*) AS persons "
        f"FROM {name} GROUP BY 1, 2")}
    groups = [g for g in tested if any(k[0] == g for k in counts)]
    groups += sorted({g for g, _ in counts} - set(groups))
    rows = []
    for g in groups:
        total = sum(counts.get((g, f), 0) for f in FREQUENCIES)
        rows += [{column: g, "revictimisation": f, "persons": counts.get((g, f), 0),
                  "share": share(counts.get((g, f), 0), total)} for f in FREQUENCIES]
    cells = [[counts.get((g, f), 0) for f in FREQUENCIES] for g in tested]
    test = chi_square(table_name, column, cells)
    n = sum(counts.values())
    table = linked_table(table_name, tuple(rows), ("persons",), title_en, title_nl, n=n,
                        shares={"share": "persons"},
                        notes=f"Chi-square test over {_labels(column, tested, 'en')} only.",
                        notes_nl=f"Chikwadraattoets alleen over {_labels(column, tested, 'nl')}.")
    return table, [test] if test else []


def compute_revictimisation(
    store: ResearchStore, *, first: int, last: int, follow_up: Sequence[int] = (2, 5, 7),
    detail_years: int = 5, form_from: int = 2016, form_years: int = 4,
) -> RevictimisationResult:
    """Every chapter-4 table and test from ``rv_victims`` and ``rv_new``."""
    tables = [_cohorts(store, first, last, follow_up)]
    tests: list[ChiSquare] = []
    detail = _followed(store, detail_years, first, last - detail_years)
    tables += [_specific(store, detail, detail_years),
               _offence_types(store, detail, detail_years),
               _time_to_first(store, detail, detail_years)]
    for result in (
        _by_group(store, detail, "revictimisation/by_sex", "sex", ("female", "male"),
                  f"Revictimisation of any offence within {detail_years} years, by sex",
                  f"Herhaald slachtofferschap binnen {detail_years} jaar, naar geslacht"),
        _by_group(store, detail, "revictimisation/by_age_group", "age_group",
                  ("minor", "adolescent", "23_plus"),
                  f"Revictimisation within {detail_years} years, by age group at the index "
                  "incident",
                  f"Herhaald slachtofferschap binnen {detail_years} jaar, naar "
                  "leeftijdscategorie"),
        _by_group(store, _followed(store, form_years, form_from, last - form_years),
                  "revictimisation/by_form", "sexual_split", ("sexual", "non_sexual"),
                  f"Revictimisation within {form_years} years, by form of the index incident "
                  f"(index {form_from}-{last - form_years})",
                  f"Herhaald slachtofferschap binnen {form_years} jaar, naar vorm van "
                  f"uitbuiting (peiljaar {form_from}-{last - form_years})"),
    ):
        tables.append(result[0])
        tests.extend(result[1])
    return RevictimisationResult(tuple(tables), tuple(tests))


def survival_data(store: ResearchStore) -> tuple[np.ndarray, np.ndarray]:
    """(days of follow-up, event 0/1) per victim: to the first new incident before the
    censor date, else to the censor date."""
    rows = store.con.execute("""
        SELECT CAST(date_diff('day', v.index_date, v.censor_date) AS INTEGER) AS censor_days,
               MIN(n.days) FILTER (WHERE n.registration_date <= v.censor_date) AS first_days
        FROM rv_victims v LEFT JOIN rv_new n USING (person_pid)
        GROUP BY v.person_pid, v.index_date, v.censor_date
    """).fetchall()
    censor = np.array([max(r[0], 0) for r in rows], dtype=float)
    first = np.array([np.nan if r[1] is None else r[1] for r in rows], dtype=float)
    event = ~np.isnan(first)
    time = np.where(event, first, censor)
    return time, event.astype(int)


def kaplan_meier(store: ResearchStore, *, step_months: int = 3, level: float = 0.95,
                 summary_years: Sequence[int] = (2, 5, 7)) -> tuple[TableSpec, TableSpec]:
    """The cumulative revictimisation curve on a grid of ``step_months``, and its value
    at ``summary_years``; rows with few persons at risk are suppressed by the gate."""
    time, event = survival_data(store)
    months = np.arange(0, int(time.max() / DAYS_PER_MONTH) + 1, step_months) if time.size \
        else np.array([0])
    curve = _km_rows(time, event, months * DAYS_PER_MONTH, level)
    grid = tuple({"months": int(m), **r} for m, r in zip(months, curve, strict=True))
    at_years = _km_rows(time, event, np.array(summary_years) * 365.25, level)
    summary = tuple({"follow_up_years": y, **r} for y, r in zip(summary_years, at_years,
                                                                 strict=True))
    shares = {k: "at_risk" for k in ("cumulative_pct", "ci_lower", "ci_upper",
                                     "band_lower", "band_upper")}
    notes = ("Kaplan-Meier with censoring at the end of the period or on leaving the "
             f"register; {int(level * 100)}% pointwise interval (log-log) and "
             f"{int(level * 100)}% Hall-Wellner simultaneous band.")
    notes_nl = ("Kaplan-Meier met censurering aan het einde van de periode of bij vertrek "
                f"uit de registratie; {int(level * 100)}% puntsgewijs interval (log-log) en "
                f"{int(level * 100)}% simultane Hall-Wellner-band.")
    n = int(time.size)
    return (
        linked_table("revictimisation/km_curve", grid, ("at_risk", "events"),
                    "Cumulative share revictimised after the index incident (Kaplan-Meier)",
                    "Cumulatief aandeel opnieuw slachtoffer na het peilincident "
                    "(Kaplan-Meier)", n=n, shares=shares, notes=notes,
                    notes_nl=notes_nl),
        linked_table("revictimisation/km_summary", summary, ("at_risk", "events"),
                    "Cumulative share revictimised within 2, 5 and 7 years, all follow-up "
                    "used (Kaplan-Meier)",
                    "Cumulatief aandeel opnieuw slachtoffer binnen twee, vijf en zeven jaar "
                    "(Kaplan-Meier, alle follow-up)", n=n, shares=shares, notes=notes,
                    notes_nl=notes_nl),
    )


def _km_rows(time: np.ndarray, event: np.ndarray, at: np.ndarray,
             level: float) -> list[dict[str, Any]]:
    """1 - S(t), its pointwise interval and simultaneous band at the times ``at``."""
    empty: dict[str, Any] = {"at_risk": 0, "events": 0, "cumulative_pct": None, "ci_lower": None,
             "ci_upper": None, "band_lower": None, "band_upper": None}
    if time.size == 0:
        return [dict(empty) for _ in at]
    sf = SurvfuncRight(time, event)
    z = float(_normal_quantile(0.5 + level / 2))
    band: tuple[np.ndarray, np.ndarray] | None = None
    if event.sum() > 1 and abs(level - 0.95) < 1e-9:  # statsmodels has 95% bands only
        with np.errstate(all="ignore"):
            band = sf.simultaneous_cb(alpha=0.05, method="hw", transform="log")
    out = []
    for t in at:
        i = int(np.searchsorted(sf.surv_times, t, side="right")) - 1
        s, se = (1.0, 0.0) if i < 0 else (float(sf.surv_prob[i]), float(sf.surv_prob_se[i]))
        row = dict(empty)
        row["at_risk"] = int((time >= t).sum())
        row["events"] = int(((time <= t) & (event == 1)).sum())
        row["cumulative_pct"] = round(100 * (1 - s), 1)
        lo, hi = _loglog_interval(s, se, z)
        row["ci_lower"], row["ci_upper"] = round(100 * (1 - hi), 1), round(100 * (1 - lo), 1)
        if band is not None and i >= 0 and np.isfinite(band[0][i]) and np.isfinite(band[1][i]):
            row["band_lower"] = round(100 * (1 - min(1.0, float(band[1][i]))), 1)
            row["band_upper"] = round(100 * (1 - max(0.0, float(band[0][i]))), 1)
        out.append(row)
    return out


def _loglog_interval(s: float, se: float, z: float) -> tuple[float, float]:
    """Pointwise interval of S(t) on the log(-log) scale (stays within 0-1)."""
    if s >= 1.0 or s <= 0.0 or se <= 0.0:
        return s, s
    theta = np.log(-np.log(s))
    half = z * se / (s * abs(np.log(s)))
    return float(np.exp(-np.exp(theta + half))), float(np.exp(-np.exp(theta - half)))


def _normal_quantile(q: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(q))
