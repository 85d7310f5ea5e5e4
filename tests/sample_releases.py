"""Sample releases, built through the real disclosure gate, for previews and tests.

``write_sample_releases(DIR)`` writes ``DIR/monitor``, ``DIR/linked`` and
``DIR/estimate`` with the fixed column names of the monitor contract (issue 5) and
plausible numbers, so the report and the dashboard can be built, tested and
benchmarked before (or without) a full pipeline run. The numbers are invented
(seeded), except a few published anchors such as police reports 953 (2019) and
468 (2020).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from zicht.core import codes as c
from zicht.disclosure import DisclosedTable, TableSpec, apply_rules, write_release

SOURCE_REGISTRY = "CoMensha registration, pseudonymised extract"
FORMS = [x.code for x in c.FORMS]
SAMPLE_MUNICIPALITIES = ("GM0363", "GM0599", "GM0518", "GM0344", "GM0014", "GM0855")

#: A ``method`` block as the monitor hands it over (``classify.rules_document()``:
#: rule table name -> ordered rules; see docs/publication.md).
SAMPLE_METHOD: dict[str, Any] = {
    "form": [
        {"code": "domestic_sexual", "en": "Domestic sexual exploitation",
         "nl": "Binnenlandse seksuele uitbuiting", "sql": "has_sexual AND is_dutch",
         "since": "0.1.0"},
        {"code": "labour", "en": "Labour exploitation", "nl": "Arbeidsuitbuiting",
         "sql": "has_labour", "since": "0.1.0"},
        {"code": "unknown", "en": "Other or unknown", "nl": "Overig of onbekend",
         "sql": "TRUE", "since": "0.1.0"},
    ],
    "age_group": [
        {"code": "minor", "en": "Minor (under 18)", "nl": "Minderjarig (<18)",
         "sql": "age < 18", "since": "0.1.0"},
        {"code": "unknown", "en": "Unknown", "nl": "Onbekend", "sql": "TRUE", "since": "0.1.0"},
    ],
}


def write_sample_releases(out_dir: Path, *, seed: int = 7,
                          years: tuple[int, ...] = (2016, 2017, 2018, 2019, 2020)) -> Path:
    """Write sample monitor, linked and estimate releases under ``out_dir``."""
    rng = random.Random(seed)
    meta = {"zicht_version": "sample", "snapshot_id": "sample", "years": list(years)}
    write_release(_monitor_tables(rng, years), out_dir / "monitor", document_name="monitor",
                  meta=meta, extra={"method": SAMPLE_METHOD})
    tests = [{"table": "aid/youth_care", "category": "minor", "chi2": 619.596, "df": 5,
              "n": 261870, "p": 0.0, "text_en": "χ²(5, N = 261,870) = 619.596, p < .001",
              "text_nl": "χ²(5, N = 261.870) = 619,596, p < ,001"}]
    # The linked stage states its windows (LinkedSpec's defaults, the seed's) and its draw.
    linked_meta = {**meta, "spec": {"aid_from": 2016, "aid_to": 2020, "rv_from": 2010,
                                    "rv_to": 2020},
                   "controls": {"victims": 1630, "controls": 1630000, "per_victim": 1000,
                                "shortfall": 0}}
    write_release(_linked_tables(rng), out_dir / "linked", document_name="linked",
                  meta=linked_meta, extra={"tests": tests})
    write_release(_estimate_tables(rng, years), out_dir / "estimate",
                  document_name="estimate", meta=meta,
                  extra={"method": {"by": ["year"], "level": 0.95, "method": "stepwise"}})
    return out_dir


def _gate(name: str, rows: list[dict[str, Any]], counts: tuple[str, ...], en: str, nl: str,
          *, source: str = SOURCE_REGISTRY,
          notes: str = "") -> DisclosedTable:
    n = sum(int(r[counts[0]] or 0) for r in rows) if counts else None
    return apply_rules(TableSpec(name=name, rows=rows, count_columns=counts,
                                 title_en=en, title_nl=nl, source=source, notes=notes, n=n))


def _monitor_tables(rng: random.Random, years: tuple[int, ...]) -> list[DisclosedTable]:
    victims = {y: rng.randint(900, 1400) for y in years}
    t = [
        _gate("figures/2.1",
              [{"year": y, "victims": v, "victims_incl_kmar_only": v + rng.randint(20, 90)}
               for y, v in victims.items()],
              ("victims", "victims_incl_kmar_only"),
              "Unique registered victims per year", "Unieke geregistreerde slachtoffers per jaar",
              notes="KMar-only sexual exploitation excluded from the first column."),
        _gate("figures/2.2", [{"year": y, "form": f, "victims": rng.randint(15, 500)}
                              for y in years for f in FORMS], ("victims",),
              "Victims per form of exploitation (every form)",
              "Slachtoffers per uitbuitingsvorm (elke vorm)",
              notes="A victim with several forms counts once per form."),
        _gate("figures/2.3", [{"year": y, "sexual_sector": s.code, "victims": rng.randint(5, 90)}
                              for y in years for s in c.SEXUAL_SECTORS], ("victims",),
              "Sexual exploitation by sector (sector known)",
              "Seksuele uitbuiting naar sector (sector bekend)"),
        _gate("figures/2.4b", [{"month": m, "victims": rng.randint(10, 70)} for m in range(1, 13)],
              ("victims",), f"Labour exploitation by month, {years[-1]}",
              f"Arbeidsuitbuiting naar maand, {years[-1]}"),
        _gate("figures/2.4c", [{"labour_sector": s.code, "victims": rng.randint(0, 80)}
                               for s in c.LABOUR_SECTORS], ("victims",),
              f"Labour exploitation by sector, {years[-1]}",
              f"Arbeidsuitbuiting naar sector, {years[-1]}"),
        _gate("figures/2.6", [{"year": y, "form": f, "sex": s, "victims": rng.randint(3, 300)}
                              for y in years for f in FORMS for s in ("female", "male")],
              ("victims",), "Victims by sex and form", "Slachtoffers naar geslacht en vorm"),
        _gate("figures/2.8", [{"year": y, "form": f, "age_group": a.code,
                               "victims": rng.randint(2, 200)}
                              for y in years for f in FORMS for a in c.AGE_GROUPS],
              ("victims",), "Victims by age group and form",
              "Slachtoffers naar leeftijdsgroep en vorm"),
        _gate("figures/2.9", _reporter_rows(rng, years), ("reports",),
              "Reports by reporter and form", "Meldingen naar melder en vorm"),
        _gate("figures/2.10", [{"year": y, "police_unit": u.code, "victims": rng.randint(1, 120)}
                               for y in years for u in c.POLICE_UNITS], ("victims",),
              "Victims reported by police, by police unit",
              "Door de politie gemelde slachtoffers, naar eenheid"),
        _gate("anonymous_reports", [{"year": y, "reports": rng.randint(300, 650)} for y in years],
              ("reports",), "Anonymous reports per year", "Anonieme meldingen per jaar"),
        _gate("justice_chain/chain", [
            {"year": y, "form": f, "incidents": rng.randint(20, 200),
             "victim_reports": rng.randint(5, 80), "summons_rate": round(rng.uniform(40, 70), 1)}
            for y in years for f in ("sexual", "labour", "criminal", "unknown")],
              ("incidents", "victim_reports"), "Criminal-justice chain by form",
              "Strafrechtketen naar vorm", source="Justice chain (sources/justice_cases.parquet)"),
        _gate("chat/visitors", [{"year": y, "visitors": rng.randint(250, 350),
                                 "about_self": rng.randint(200, 290)} for y in years],
              ("visitors", "about_self"), "Unique chat visitors with a trafficking question",
              "Unieke chatbezoekers met een mensenhandelvraag", source="Fier chat"),
        _gate("regional/police_unit/2.1", [
            {"year": y, "police_unit": u.code, "victims": rng.randint(4, 150)}
            for y in years for u in c.POLICE_UNITS], ("victims",),
              "Unique victims by police unit", "Unieke slachtoffers naar politie-eenheid"),
        _gate("regional/municipality/2.1", [
            {"year": y, "municipality": m, "form": f, "victims": rng.randint(0, 40)}
            for y in years for m in SAMPLE_MUNICIPALITIES for f in FORMS], ("victims",),
              "Unique victims by municipality and form",
              "Unieke slachtoffers naar gemeente en vorm"),
    ]
    return t


def _reporter_rows(rng: random.Random, years: tuple[int, ...]) -> list[dict[str, Any]]:
    police_total = {2019: 953, 2020: 468}
    rows = []
    for y in years:
        total = police_total.get(y, rng.randint(600, 900))
        shares = [rng.random() + 0.2 for _ in FORMS]
        split = [int(total * s / sum(shares)) for s in shares]
        split[0] += total - sum(split)
        for f, n in zip(FORMS, split, strict=True):
            rows.append({"year": y, "form": f, "reporter": "police", "reports": n})
            for r in c.REPORTERS[1:]:
                rows.append({"year": y, "form": f, "reporter": r.code,
                             "reports": rng.randint(0, 120)})
    return rows


def _linked_tables(rng: random.Random) -> list[DisclosedTable]:
    src = ("Police incidents linked to youth care, Wmo shelter, health costs and the "
           "population register (pseudonymised)")
    return [
        _gate("aid/youth_care", [
            {"group": g, "age": a, "persons": n, "with_youth_care": k}
            for g, a, n, k in (("victims", "minor", 265, 146), ("controls", "minor", 265000,
                                                                  29150),
                               ("victims", "adult", 1365, 41), ("controls", "adult", 1365000,
                                                                 6800))],
              ("persons", "with_youth_care"), "Youth care within a year after the offence",
              "Jeugdzorg binnen een jaar na het delict", source=src),
        _gate("aid/shelter", [{"shelter_type": s, "persons": rng.randint(3, 60)}
                              for s in ("emergency_shelter", "shelter", "short_stay",
                                        "sheltered_housing", "other")],
              ("persons",), "Wmo shelter within a year", "Wmo-opvang binnen een jaar", source=src),
        _gate("revictimisation/cohorts", [
            {"follow_up_years": k, "cohort": n, "revictimised": r}
            for k, n, r in ((2, 2460, 741), (5, 1270, 571), (7, 840, 422))],
              ("cohort", "revictimised"), "Revictimisation within 2, 5 and 7 years",
              "Revictimisatie binnen 2, 5 en 7 jaar", source=src),
        _gate("route/stages", [
            {"breakdown": "total", "category": "total", "stage": s, "persons": n}
            for s, n in (("entered", 4420), ("reflection", 3060), ("cosm", 980),
                         ("residence", 2240), ("housing", 1180), ("aid", 650))],
              ("persons",), "Victims reaching each stage of the route, 2016-2024",
              "Slachtoffers per fase van de route, 2016-2024", source=src),
        _gate("route/outcomes", [
            {"breakdown": "total", "category": "total", "route_outcome": o, "persons": n}
            for o, n in (("housing", 1110), ("departed", 45), ("running", 155),
                         ("residence", 1465), ("aid", 0), ("break", 1640))],
              ("persons",), "Outcome of each victim's route, by group, 2010-2024",
              "Uitkomst van de route van elk slachtoffer, naar groep, 2010-2024", source=src),
    ]


def _estimate_tables(rng: random.Random, years: tuple[int, ...]) -> list[DisclosedTable]:
    rows = []
    for y in years:
        est = rng.randint(5000, 7500)
        rows.append({"year": y, "observed": rng.randint(900, 1400), "estimate": est,
                     "ci_lower": est - rng.randint(600, 1200), "ci_upper": est + rng.randint(700,
                                                                                       1500)})
    return [_gate("hidden_number/by_year", rows, ("observed",),
                  "Estimated number of victims per year (multiple systems estimation)",
                  "Geschat aantal slachtoffers per jaar (multiple systems estimation)",
                  source="registry extract (victim per report year)")]
