"""Calibration: the published registry figures (METHODOLOGY §5) against the world.

Every ``generated`` value is counted from the generated report rows (re-sends
collapsed: one report per reporter + report_ref) with the counting rules the monitor
uses, joined to the true person behind each report:

* a *victim of year Y* is a true person with at least one named (non-anonymous) report
  dated in Y; anonymous reports are never victims;
* *KMar-only*: a victim whose reports in the year all come from ``kmar`` and whose forms
  include ``sexual`` is excluded from every figure (as in the monitor);
* forms = union of the forms on the victim's reports of the year (counted with overlap);
  the main form follows the hierarchy sexual > labour > criminal > unknown, sexual split
  by nationality (NL = domestic, other = cross-border, none = unknown);
* "nationality" here is the first nationality. The seeds (003, note 60) and the monitor
  count a victim with NL among two nationalities as Dutch; the generator gives a second
  nationality only to Dutch victims (``victims._assign_origin``), so the two agree;
* sex and nationality come from the earliest report that has them; age is the completed
  age at the first report of the year from the earliest full birth date, else from the
  birth year (1 July rule); shares of age groups are over victims with a known age;
* reports by reporter = distinct (victim, reporter) pairs per year; police-unit reports =
  distinct (victim, police unit) pairs per year;
* a sector is known when any report of the victim in the year names one.

Totals are compared as ``target * scale``; shares and means as they are. A total
passes within 3% relative error, a share within 3 percentage points.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from zicht.synth import params as P

TOTAL_TOLERANCE = 0.03
SHARE_TOLERANCE = 0.03


@dataclass(frozen=True)
class Target:
    metric: str
    target: float
    kind: str  # total | share | mean | ratio


TARGETS: tuple[Target, ...] = (
    Target("victims_2019", 1334, "total"), Target("victims_2020", 984, "total"),
    Target("victims_2016_2020", 4894, "total"), Target("reports_2016_2020", 5533, "total"),
    Target("victims_2023", 868, "total"), Target("anonymous_reports_2023", 605, "total"),
    Target("minors_2023", 52, "total"), Target("minors_2020", 68, "total"),
    Target("form_sexual_2016_2020", 2819, "total"),
    Target("form_labour_2016_2020", 1274, "total"),
    Target("form_criminal_2016_2020", 672, "total"),
    Target("form_mentions_2016_2020", 5186, "total"),
    Target("labour_2020", 449, "total"), Target("labour_growth_2020_on_2019", 1.72, "ratio"),
    Target("cross_border_sexual_2020", 289, "total"),
    Target("cross_border_sexual_2019", 668, "total"),
    Target("criminal_2020", 154, "total"), Target("criminal_2019", 331, "total"),
    Target("overlap_sexual_criminal_2020", 45, "total"),
    Target("overlap_labour_sexual_2020", 13, "total"),
    Target("overlap_labour_criminal_2020", 8, "total"),
    Target("overlap_all_three_2020", 4, "total"),
    Target("labour_share_of_forms_2020", 0.43, "share"),
    Target("labour_share_of_forms_2019", 0.17, "share"),
    Target("domestic_sexual_share_2020", 0.11, "share"),
    Target("sexual_sector_known_2016_2020", 0.49, "share"),
    Target("labour_sector_known_2016_2020", 0.67, "share"),
    Target("labour_sector_known_2020", 0.61, "share"),
    Target("fairwork_labour_sector_unknown_2020", 0.44, "share"),
    Target("criminal_drugs_share_2020", 0.67, "share"),
    Target("drugs_african_dublin_share_2020", 0.85, "share"),
    Target("male_share_2016_2020", 0.37, "share"),
    Target("female_share_2019", 0.52, "share"), Target("female_share_2020", 0.57, "share"),
    Target("europe_incl_nl_share_2016_2020", 0.48, "share"),
    Target("africa_share_2016_2020", 0.37, "share"),
    Target("asia_share_2016_2020", 0.08, "share"),
    Target("europe_growth_2020_on_2019", 1.58, "ratio"),
    Target("latin_america_growth_2020_on_2019", 2.1, "ratio"),
    Target("pl_hu_bg_share_of_labour_2020", 0.52, "share"),
    Target("under23_share_2016_2020", 0.34, "share"),
    Target("under23_share_2016", 0.43, "share"), Target("under23_share_2019", 0.30, "share"),
    Target("under23_share_2020", 0.22, "share"),
    Target("mean_age_2019", 27.0, "mean"), Target("mean_age_2020", 29.0, "mean"),
    Target("mean_age_labour_2016_2020", 35.0, "mean"),
    Target("labour_under23_share_2016_2020", 0.08, "share"),
    Target("police_share_of_reports_2016_2020", 0.51, "share"),
    Target("police_share_domestic_sexual_2016_2020", 0.59, "share"),
    Target("police_share_cross_border_sexual_2016_2020", 0.72, "share"),
    Target("police_share_criminal_2016_2020", 0.73, "share"),
    Target("police_share_labour_2016_2020", 0.14, "share"),
    Target("no_legal_basis_share_2016_2020", 0.44, "share"),
    Target("no_legal_basis_domestic_sexual_2016_2020", 0.40, "share"),
    Target("no_legal_basis_cross_border_sexual_2016_2020", 0.27, "share"),
    Target("no_legal_basis_labour_2016_2020", 0.67, "share"),
    Target("no_legal_basis_criminal_2016_2020", 0.27, "share"),
    Target("fairwork_share_labour_2020", 0.84, "share"),
    Target("inspectie_szw_share_labour_2016_2020", 0.17, "share"),
    Target("inspectie_szw_reports_2019", 46, "total"),
    Target("inspectie_szw_reports_2020", 38, "total"),
    Target("police_reports_2019", 953, "total"), Target("police_reports_2020", 468, "total"),
    Target("police_reports_2016_2020", 2829, "total"),
    Target("police_unit_reports_2016_2020", 2905, "total"),
    Target("unit_noord_nederland_2019", 233, "total"),
    Target("unit_noord_nederland_2020", 71, "total"),
    Target("unit_landelijke_eenheid_2016", 1, "total"),
    Target("unit_landelijke_eenheid_2020", 1, "total"),
    Target("multi_list_share_2010_2015", P.MULTI_LIST_SHARE_2010_2015, "share"),
    Target("multi_list_share_with_kmar_only_2010_2015",
           P.MULTI_LIST_SHARE_2010_2015_WITH_KMAR_ONLY, "share"),
)
_NO_LEGAL_BASIS = ("fairwork", "care_coordinator", "other")


def victim_table(reports: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(victims, pairs): one row per victim-year (KMar-only flagged) and the
    distinct (victim, reporter, unit) rows of the year, from named reports."""
    r = reports[~reports["anonymous"]].drop_duplicates(["reporter", "report_ref"], keep="last")
    r = r.assign(year=r["report_date"].str[:4].astype(int))
    r = r.sort_values(["person_id", "year", "report_date", "rank"], kind="stable")
    forms = r["forms"].astype(str)
    flags = pd.DataFrame({
        "person_id": r["person_id"].to_numpy(), "year": r["year"].to_numpy(),
        "sexual": forms.str.contains("sexual").to_numpy(),
        "labour": forms.str.contains("labour").to_numpy(),
        "criminal": forms.str.contains("criminal").to_numpy(),
        "not_kmar": (r["reporter"] != "kmar").to_numpy(),
        "fairwork": (r["reporter"] == "fairwork").to_numpy(),
        "sexual_sector": (r["sexual_sector"] != "").to_numpy(),
        "labour_sector": (r["labour_sector"] != "").to_numpy(),
    })
    keys = ["person_id", "year"]
    v = flags.groupby(keys, sort=True).max()
    text = r[[*keys, "report_date", "criminal_manner", "dublin_indication", "sex",
              "nationality", "birth_date", "birth_year"]].replace("", np.nan)
    first = text.groupby(keys, sort=True).first()
    v = v.join(first).reset_index()
    v = v.rename(columns={"report_date": "first_date", "criminal_manner": "manner",
                          "dublin_indication": "dublin"})
    for col in ("manner", "dublin", "sex", "nationality", "birth_date", "birth_year"):
        v[col] = v[col].fillna("").astype(object)
    v["kmar_only"] = ~v["not_kmar"] & v["sexual"]
    v["n_forms"] = v[["sexual", "labour", "criminal"]].sum(axis=1)
    v["age"] = [_age(f, d, y) for f, d, y in zip(v["first_date"], v["birth_date"],
                                                 v["birth_year"], strict=True)]
    nat = v["nationality"].to_numpy()
    v["main_form"] = np.where(v["sexual"], np.where(nat == "NL", "domestic_sexual", np.where(
        nat == "", "sexual_unknown", "cross_border_sexual")), np.where(
        v["labour"], "labour", np.where(v["criminal"], "criminal", "unknown")))
    v["region"] = [P.REGION_OF.get(n, "other_unknown") if n else "other_unknown" for n in nat]
    pairs = r[["person_id", "year", "reporter", "police_unit"]]
    return v, pairs


def _age(first: str, birth_date: str, birth_year: str) -> float:
    ref = dt.date.fromisoformat(first)
    if birth_date:
        b = dt.date.fromisoformat(birth_date)
    elif birth_year:
        b = dt.date(int(birth_year), 7, 1)
    else:
        return float("nan")
    return float(ref.year - b.year - ((ref.month, ref.day) < (b.month, b.day)))


def compute_metrics(reports: pd.DataFrame) -> dict[str, float]:
    """Every metric of ``TARGETS`` counted from the report rows."""
    v, pairs = victim_table(reports)
    m: dict[str, float] = _overlap_metrics(v, pairs)
    kmar_keys = set(zip(v.loc[v["kmar_only"], "person_id"], v.loc[v["kmar_only"], "year"],
                        strict=True))
    v = v[~v["kmar_only"]]
    keep = [(p, y) not in kmar_keys for p, y in zip(pairs["person_id"], pairs["year"],
                                                    strict=True)]
    pairs = pairs[np.array(keep, dtype=bool)]
    per = v[(v["year"] >= 2016) & (v["year"] <= 2020)]

    def yr(y: int) -> pd.DataFrame:
        return v[v["year"] == y]

    def has(d: pd.DataFrame, form: str) -> pd.Series:
        return d[form]

    def exactly(d: pd.DataFrame, forms: set[str]) -> int:
        hit = np.ones(len(d), dtype=bool)
        for f in ("sexual", "labour", "criminal"):
            hit &= d[f].to_numpy() == (f in forms)
        return int(hit.sum())

    for y in (2019, 2020, 2023):
        m[f"victims_{y}"] = len(yr(y))
    m["victims_2016_2020"] = len(per)
    vp = pairs.drop_duplicates(["person_id", "year", "reporter"])
    vp_per = vp[(vp["year"] >= 2016) & (vp["year"] <= 2020)]
    m["reports_2016_2020"] = len(vp_per)
    anon = reports[reports["anonymous"]].drop_duplicates(["reporter", "report_ref"])
    m["anonymous_reports_2023"] = int((anon["report_date"].str[:4] == "2023").sum())
    for y in (2020, 2023):
        m[f"minors_{y}"] = int((yr(y)["age"] < 18).sum())
    for form in ("sexual", "labour", "criminal"):
        m[f"form_{form}_2016_2020"] = int(has(per, form).sum())
    mentions = per["n_forms"].clip(lower=1).sum()
    m["form_mentions_2016_2020"] = int(mentions)
    for y in (2019, 2020):
        d = yr(y)
        m[f"labour_{y}"] = int(has(d, "labour").sum())
        m[f"criminal_{y}"] = int(has(d, "criminal").sum())
        m[f"cross_border_sexual_{y}"] = int((has(d, "sexual") & (d["nationality"] != "NL")
                                             & (d["nationality"] != "")).sum())
        ment = d["n_forms"].clip(lower=1).sum()
        m[f"labour_share_of_forms_{y}"] = _div(m[f"labour_{y}"], ment)
    m["labour_growth_2020_on_2019"] = _div(m["labour_2020"], m["labour_2019"])
    d20 = yr(2020)
    m["overlap_sexual_criminal_2020"] = exactly(d20, {"sexual", "criminal"})
    m["overlap_labour_sexual_2020"] = exactly(d20, {"sexual", "labour"})
    m["overlap_labour_criminal_2020"] = exactly(d20, {"labour", "criminal"})
    m["overlap_all_three_2020"] = exactly(d20, {"sexual", "labour", "criminal"})
    m["domestic_sexual_share_2020"] = float((d20["main_form"] == "domestic_sexual").mean())
    m["sexual_sector_known_2016_2020"] = float(per.loc[has(per, "sexual"),
                                                       "sexual_sector"].mean())
    lab_per = per[has(per, "labour")]
    m["labour_sector_known_2016_2020"] = float(lab_per["labour_sector"].mean())
    lab20 = d20[has(d20, "labour")]
    m["labour_sector_known_2020"] = float(lab20["labour_sector"].mean())
    fw20 = lab20[lab20["fairwork"]]
    m["fairwork_labour_sector_unknown_2020"] = float(1 - fw20["labour_sector"].mean())
    m["fairwork_share_labour_2020"] = _div(len(fw20), len(lab20))
    crim20 = d20[has(d20, "criminal")]
    drugs = crim20[crim20["manner"] == "drugs"]
    m["criminal_drugs_share_2020"] = _div(len(drugs), len(crim20))
    m["drugs_african_dublin_share_2020"] = float(((drugs["region"] == "africa")
                                                  & (drugs["dublin"] == "yes")).mean())
    m["male_share_2016_2020"] = float((per["sex"] == "male").mean())
    m["female_share_2019"] = float((yr(2019)["sex"] == "female").mean())
    m["female_share_2020"] = float((d20["sex"] == "female").mean())
    europe = ("netherlands", "eu", "other_europe")
    m["europe_incl_nl_share_2016_2020"] = float(per["region"].isin(europe).mean())
    m["africa_share_2016_2020"] = float((per["region"] == "africa").mean())
    m["asia_share_2016_2020"] = float((per["region"] == "asia").mean())
    m["europe_growth_2020_on_2019"] = _div(d20["region"].isin(europe).sum(),
                                           yr(2019)["region"].isin(europe).sum())
    m["latin_america_growth_2020_on_2019"] = _div((d20["region"] == "latin_america").sum(),
                                                  (yr(2019)["region"] == "latin_america").sum())
    m["pl_hu_bg_share_of_labour_2020"] = float(lab20["nationality"].isin(["PL", "HU", "BG"])
                                               .mean())
    known = per[per["age"].notna()]
    m["under23_share_2016_2020"] = float((known["age"] < 23).mean())
    for y in (2016, 2019, 2020):
        k = yr(y)[yr(y)["age"].notna()]
        m[f"under23_share_{y}"] = float((k["age"] < 23).mean())
        if y != 2016:
            m[f"mean_age_{y}"] = float(k["age"].mean())
    lab_known = lab_per[lab_per["main_form"] == "labour"]
    lab_known = lab_known[lab_known["age"].notna()]
    m["mean_age_labour_2016_2020"] = float(lab_known["age"].mean())
    m["labour_under23_share_2016_2020"] = float((lab_known["age"] < 23).mean())
    _reporter_metrics(m, per, vp_per, pairs)
    return m


def _overlap_metrics(v: pd.DataFrame, pairs: pd.DataFrame) -> dict[str, float]:
    """Share of victims of 2010-2015 on two or more reporter-type lists, without and
    with the KMar-only group (what a multiple systems estimate reads)."""
    early = v[(v["year"] >= 2010) & (v["year"] <= 2015)]
    lists = pairs.drop_duplicates(["person_id", "year", "reporter"]).groupby(
        ["person_id", "year"]).size()
    n = lists.reindex(pd.MultiIndex.from_frame(early[["person_id", "year"]])).fillna(0)
    multi = n.to_numpy() >= 2
    without = ~early["kmar_only"].to_numpy()
    return {"multi_list_share_2010_2015": _div(multi[without].sum(), without.sum()),
            "multi_list_share_with_kmar_only_2010_2015": _div(multi.sum(), len(multi))}


def _reporter_metrics(m: dict[str, float], per: pd.DataFrame, vp_per: pd.DataFrame,
                      pairs: pd.DataFrame) -> None:
    main = per.set_index(["person_id", "year"])["main_form"]
    vp = vp_per.join(main, on=["person_id", "year"])
    police = vp["reporter"] == "police"
    nlb = vp["reporter"].isin(_NO_LEGAL_BASIS)
    m["police_share_of_reports_2016_2020"] = float(police.mean())
    m["no_legal_basis_share_2016_2020"] = float(nlb.mean())
    for form in ("domestic_sexual", "cross_border_sexual", "criminal", "labour"):
        sel = vp["main_form"] == form
        m[f"police_share_{form}_2016_2020"] = float(police[sel].mean())
        m[f"no_legal_basis_{form}_2016_2020"] = float(nlb[sel].mean())
    lab = vp["main_form"] == "labour"
    m["inspectie_szw_share_labour_2016_2020"] = float((vp.loc[lab, "reporter"]
                                                       == "inspectie_szw").mean())
    vpa = pairs.drop_duplicates(["person_id", "year", "reporter"])
    for y in (2019, 2020):
        m[f"inspectie_szw_reports_{y}"] = int(((vpa["year"] == y)
                                               & (vpa["reporter"] == "inspectie_szw")).sum())
        m[f"police_reports_{y}"] = int(((vpa["year"] == y) & (vpa["reporter"] == "police"))
                                       .sum())
    m["police_reports_2016_2020"] = int(police.sum())
    units = pairs[pairs["reporter"] == "police"].drop_duplicates(
        ["person_id", "year", "police_unit"])
    u_per = units[(units["year"] >= 2016) & (units["year"] <= 2020)]
    m["police_unit_reports_2016_2020"] = len(u_per)
    for y in (2019, 2020):
        m[f"unit_noord_nederland_{y}"] = int(((units["year"] == y)
                                              & (units["police_unit"] == "noord-nederland"))
                                             .sum())
    for y in (2016, 2020):
        m[f"unit_landelijke_eenheid_{y}"] = int(((units["year"] == y) & (
            units["police_unit"] == "landelijke-eenheid")).sum())


def _div(a: float, b: float) -> float:
    return float(a) / float(b) if b else float("nan")


def target_years(metric: str) -> list[int]:
    """The years a metric needs: '2016_2020' is a range, other 4-digit numbers single years."""
    found = [int(x) for x in re.findall(r"(?<!\d)(\d{4})(?!\d)", metric)]
    if re.search(r"\d{4}_\d{4}", metric) and len(found) >= 2:
        return list(range(found[0], found[1] + 1))
    return found


def calibrate(reports: pd.DataFrame, scale: float,
              years: list[int] | None = None) -> list[dict[str, Any]]:
    """Rows ``metric, target, generated, relative_error`` (+ kind, abs_error, within),
    for every target whose years were generated."""
    with np.errstate(divide="ignore", invalid="ignore"):
        got = compute_metrics(reports)
    return compare(TARGETS, got, scale, years)


def compare(targets: tuple[Target, ...], got: dict[str, float], scale: float,
            years: list[int] | None = None) -> list[dict[str, Any]]:
    """Calibration rows of ``targets`` against the generated metrics ``got``."""
    rows = []
    for t in targets:
        if years is not None and not set(target_years(t.metric)) <= set(years):
            continue
        target = t.target * scale if t.kind == "total" else t.target
        gen = float(got[t.metric])
        rel = (gen - target) / target if target else float("nan")
        abs_err = gen - target
        within = (abs(abs_err) <= SHARE_TOLERANCE) if t.kind == "share" else (
            abs(rel) <= TOTAL_TOLERANCE)
        rows.append({"metric": t.metric, "target": round(target, 6),
                     "generated": round(gen, 6), "relative_error": round(rel, 6),
                     "kind": t.kind, "abs_error": round(abs_err, 6), "within": bool(within)})
    return rows
