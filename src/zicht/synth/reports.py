"""Report records in the import contract (``docs/schema.md``), with identity noise.

The first (primary) report of a victim carries the person as they are; further
reports by other reporters carry what another organisation wrote down: typos, lost
diacritics, moved particles, swapped names, a birth year instead of a date, a
missing field. Anonymous reports (no consent) carry no identifying field at all.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

from zicht.core import codes as C
from zicht.synth import geography as G
from zicht.synth import names as N
from zicht.synth import params as P
from zicht.synth.traits import from_day

COLUMNS: tuple[str, ...] = (
    "report_ref", "reporter", "reporter_org", "police_unit", "report_date", "consent",
    "family_name", "given_names", "birth_date", "birth_year", "sex", "nationality",
    "nationality_2", "bsn", "forms", "sexual_sector", "labour_sector", "criminal_manner",
    "municipality", "dublin_indication", "exploitation_start", "exploitation_end",
)
_PREFIX = {"police": "BVH-{y}-{n:06d}", "kmar": "KM{y}{n:05d}",
           "inspectie_szw": "ISZW-{y}-{n:04d}", "fairwork": "FW-{y}-{n:05d}",
           "care_coordinator": "ZC{y}-{n:05d}", "other": "OV-{y}-{n:05d}"}
_OTHER_ORGS = ("Stichting Opvang Midden", "Advocatenkantoor De Wit", "Gemeente (wijkteam)",
               "Jeugdzorginstelling", "Ziekenhuis (SEH)", "Leger des Heils", "Fier",
               "Humanitas", "Particulier")
_UNIT_NL = {c.code: c.nl for c in C.POLICE_UNITS}
#: Identity noise on later reports beyond names (``names.NAME_NOISE``) and
#: ``params.NOISE``: fields recorded *wrongly*, not only missing. Drawn from the names
#: stream, so every other field of the world stays as it was. Reasoning and sources
#: in ``docs/synthetic-world.md``.
IDENTITY_NOISE: dict[str, float] = {
    "sex_wrong": 0.005,  # the other sex ticked
    "nationality_wrong": 0.02,  # another nationality (a transit country, a document's)
    "birth_digit_typo": 0.02,  # one digit of a full birth date mistyped (still a date)
}
INVESTIGATIVE = C.INVESTIGATIVE_REPORTERS


class RefCounter:
    """Report references, unique per reporter (the reporter's own numbering)."""

    def __init__(self) -> None:
        self._next: dict[tuple[str, int], int] = defaultdict(int)

    def new(self, reporter: str, year: int) -> str:
        self._next[(reporter, year)] += 1
        return _PREFIX[reporter].format(y=year, n=self._next[(reporter, year)])


def _org(reporter: str, unit: str, municipality: str, r: float) -> str:
    if reporter == "police":
        return f"Politie eenheid {_UNIT_NL.get(unit, unit)}"
    if reporter == "kmar":
        return "Koninklijke Marechaussee"
    if reporter == "inspectie_szw":
        return "Inspectie SZW"
    if reporter == "fairwork":
        return "FairWork"
    if reporter == "care_coordinator":
        return f"Zorgcoördinatie {_UNIT_NL.get(G.UNIT_OF.get(municipality, ''), 'regio')}"
    return _OTHER_ORGS[int(r * len(_OTHER_ORGS))]


def _iso(day: int | None) -> str:
    return "" if day is None else from_day(day).isoformat()


def _birth(rng: np.random.Generator, person: Any, primary: bool) -> tuple[str, str]:
    """(birth_date, birth_year) as a reporter writes them down."""
    if not person.age_known:
        return "", ""
    d = from_day(int(person.birth_day))
    if primary:
        return ("", str(d.year)) if person.year_only else (d.isoformat(), "")
    z = P.NOISE
    r = rng.random()
    if r < z["birth_date_missing"]:
        return "", ""
    if r < z["birth_date_missing"] + z["birth_year_only"] or person.year_only:
        return "", str(d.year)
    if rng.random() < z["day_month_swap"] and d.day <= 12 and d.day != d.month:
        return dt.date(d.year, d.day, d.month).isoformat(), ""
    return d.isoformat(), ""


def _digit_typo(rng: np.random.Generator, iso: str, latest: dt.date) -> str:
    """One digit of an ISO date replaced by another, as long as it stays a date no
    later than ``latest`` (the report date: a later birth date is refused at import)."""
    digits = [i for i, c in enumerate(iso) if c.isdigit() and i >= 2]  # not the century
    for _ in range(10):
        i = digits[int(rng.integers(len(digits)))]
        new = iso[:i] + str(int(rng.integers(10))) + iso[i + 1:]
        try:
            if new != iso and dt.date.fromisoformat(new) <= latest:
                return new
        except ValueError:
            continue
    return iso


def _wrong_identity(rng: np.random.Generator, sex: Any, nationality: str, birth_date: str,
                    nationalities: list[str], report_date: dt.date) -> tuple[Any, str, str]:
    """A later report's sex, nationality and birth date with ``IDENTITY_NOISE``."""
    z = IDENTITY_NOISE
    if sex in ("female", "male") and rng.random() < z["sex_wrong"]:
        sex = "male" if sex == "female" else "female"
    if nationality and rng.random() < z["nationality_wrong"]:
        others = [n for n in nationalities if n != nationality]
        if others:
            nationality = others[int(rng.integers(len(others)))]
    if birth_date and rng.random() < z["birth_digit_typo"]:
        birth_date = _digit_typo(rng, birth_date, report_date)
    return sex, nationality, birth_date


def _later_delay(rng: np.random.Generator) -> int:
    """Days between a victim's first report and a later one (``params.LATER_REPORT_*``):
    most within weeks (one intake, several reporters), a tail of months."""
    return int(P.LATER_REPORT_DAYS * rng.random() ** P.LATER_REPORT_POWER)


def build_named_reports(rng: np.random.Generator, v: pd.DataFrame, pairs: pd.DataFrame,
                        refs: RefCounter, name_rng: np.random.Generator) -> pd.DataFrame:
    """One report row per (victim, reporter) pair, first report exact, others noisy.

    Name noise draws from its own generator (``name_rng``), so a change to the name
    model leaves every other field of the world as it was."""
    rows: list[dict[str, Any]] = []
    persons = list(v.itertuples(index=False))
    z = P.NOISE
    # Nationalities a wrong one is drawn from: those of the world (sorted: deterministic).
    nationalities = sorted({str(x) for x in v["nationality"] if x})
    for pair in pairs.itertuples(index=False):
        p = persons[int(pair.row)]
        primary = pair.rank == 0
        reporter = str(pair.reporter)
        unit = str(pair.police_unit)
        day = int(p.report_day) if primary else min(
            int(p.report_day) + _later_delay(rng), int(p.year_end_day))
        family, given = str(p.family_name), str(p.given_names)
        if not primary:
            family, given = N.noisy_names(name_rng, family, given, str(p.nationality),
                                          str(p.sex), int(getattr(p, "age", 30)) >= 20)
        birth_date, birth_year = _birth(rng, p, primary)
        bsn = ""
        if p.bsn:
            prob = (z["bsn_police_nl"] if reporter == "police" else z["bsn_other_nl"]) \
                if p.nationality == "NL" else z["bsn_foreign_resident"]
            bsn = str(p.bsn) if rng.random() < prob else ""
        keep = 1.0 if primary else 0.7
        nat = p.nationality if (primary or rng.random() > z["nationality_missing"]) else ""
        sex = p.sex
        if not primary:
            sex, nat, birth_date = _wrong_identity(name_rng, sex, str(nat), birth_date,
                                                   nationalities, from_day(day))
        rows.append({
            "report_ref": refs.new(reporter, int(p.year)), "reporter": reporter,
            "reporter_org": _org(reporter, unit, p.municipality, rng.random()),
            "police_unit": unit, "report_date": from_day(day).isoformat(),
            "consent": "" if reporter in INVESTIGATIVE else "yes",
            "family_name": family, "given_names": given,
            "birth_date": birth_date, "birth_year": birth_year, "sex": sex,
            "nationality": nat,
            "nationality_2": p.nationality_2 if (primary or rng.random() < 0.7) else "",
            "bsn": bsn, "forms": p.forms,
            "sexual_sector": p.sexual_sector if rng.random() < keep else "",
            "labour_sector": p.labour_sector if rng.random() < keep else "",
            "criminal_manner": p.criminal_manner if rng.random() < keep else "",
            "municipality": p.municipality if rng.random() < (keep + 0.1) else "",
            "dublin_indication": p.dublin if rng.random() < keep else "",
            "exploitation_start": _iso(int(p.exploitation_start))
            if rng.random() < (0.8 if primary else 0.5) else "",
            "exploitation_end": _iso(int(p.exploitation_end))
            if (not p.ongoing and int(p.exploitation_end) <= day
                and rng.random() < (0.8 if primary else 0.5)) else "",
            "person_id": int(p.person_id), "anonymous": False, "rank": int(pair.rank),
            "file_year": int(p.year), "resend": False,
        })
    return pd.DataFrame(rows)


def build_anonymous_reports(rng: np.random.Generator, persons: pd.DataFrame, year: int,
                            n: int, refs: RefCounter) -> pd.DataFrame:
    """Reports without consent: no identifying field, not a registered victim."""
    reg = np.flatnonzero(persons["group"].to_numpy() == "registered")
    unreg = np.flatnonzero(persons["group"].to_numpy() == "unregistered")
    n_reg = min(len(reg), round(n * P.ANONYMOUS_OF_REGISTERED))
    chosen = np.concatenate([rng.choice(reg, n_reg, replace=False),
                             rng.choice(unreg, min(len(unreg), n - n_reg), replace=False)])
    rows = []
    start, end = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
    for p in persons.iloc[np.sort(chosen)].itertuples(index=False):
        if p.main_form == "labour":
            reporter = "fairwork" if rng.random() < 0.7 else "other"
        else:
            reporter = ("care_coordinator", "other", "fairwork")[
                int(rng.choice(3, p=[0.45, 0.45, 0.10]))]
        day = dt.date.fromordinal(int(rng.integers(start, end + 1)))
        rows.append({
            "report_ref": refs.new(reporter, year), "reporter": reporter,
            "reporter_org": _org(reporter, "", p.municipality, rng.random()), "police_unit": "",
            "report_date": day.isoformat(), "consent": "no", "family_name": "",
            "given_names": "", "birth_date": "", "birth_year": "", "sex": p.sex,
            "nationality": p.nationality, "nationality_2": "", "bsn": "", "forms": p.forms,
            "sexual_sector": p.sexual_sector, "labour_sector": p.labour_sector,
            "criminal_manner": p.criminal_manner, "municipality": p.municipality,
            "dublin_indication": p.dublin, "exploitation_start": "", "exploitation_end": "",
            "person_id": int(p.person_id), "anonymous": True, "rank": 0, "file_year": year,
            "resend": False,
        })
    return pd.DataFrame(rows)


def add_resends(rng: np.random.Generator, reports: pd.DataFrame,
                persons: pd.DataFrame, last_year: int) -> pd.DataFrame:
    """Re-send some named reports in the next year's file (same reporter + report_ref),
    with the names corrected: an update, never a new report."""
    named = reports[~reports["anonymous"] & (reports["file_year"] < last_year)]
    pick = named[rng.random(len(named)) < P.RESEND_PROB].copy()
    truth = persons.set_index("person_id")
    pick["family_name"] = truth.loc[pick["person_id"], "family_name"].to_numpy()
    pick["given_names"] = truth.loc[pick["person_id"], "given_names"].to_numpy()
    pick["file_year"] = pick["file_year"] + 1
    pick["resend"] = True
    return pd.concat([reports, pick], ignore_index=True)
