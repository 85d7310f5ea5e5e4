"""Golden test of small registries (issue 13): homonyms of common names, twins,
name-order swaps and married names planted in registries of 20, 200 and 2,000 reports.

A regional or newly started registry is small, and the most common names are the
ones that meet: two *Anna de Vries* born 13 years apart are two victims, however
small the registry, and a third *Anna de Vries* report without a birth date must not
chain them together. Expected: no homonym with conflicting full birth dates linked, no
twins linked, every swapped or married name linked to its person.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from zicht.registry.dedupe.pipeline import DedupeOptions, link_reports
from zicht.synth import names as N

_NATIONALITIES = ("NL",) * 6 + ("PL", "RO", "BG", "HU", "NG", "VN", "MA", "UA")


def _person(family: str, given: str, born: str | None, sex: str, nat: str, case: str,
            person: str) -> dict[str, Any]:
    return dict(family_name=family, given_names=given, birth_date=born, sex=sex,
                nationality=nat, case=case, person=person)


#: Two different persons each, same common name, conflicting full birth dates.
HOMONYMS = [
    ("de Vries", "Anna", "2003-05-12", "1990-01-01", "female", "NL"),
    ("de Jong", "Jan", "1985-07-03", "1999-11-23", "male", "NL"),
    ("Jansen", "Maria", "1995-03-14", "1995-09-27", "female", "NL"),  # same year only
    ("Nowak", "Anna", "1992-02-17", "1987-10-05", "female", "PL"),
    ("Popescu", "Maria", "2000-08-30", "1996-04-11", "female", "RO"),
    ("Nguyen", "Thi Lan", "1998-12-01", "2002-06-19", "female", "VN"),
    ("Bakker", "Johannes", "1979-01-15", "1983-05-28", "male", "NL"),
]
#: The first homonyms also have a report of the name without any birth date, which
#: the model may link to either: it must not chain the two into one victim.
BRIDGED = 2
#: Twins: same family name, same birth date, different given names (two persons).
TWINS = [
    ("de Vries", "Anna", "Eva", "2001-06-06", "female", "NL"),
    ("Bakker", "Jan", "Piet", "1997-03-21", "male", "NL"),
    ("Nowak", "Katarzyna", "Agnieszka", "1994-10-10", "female", "PL"),
    ("Okafor", "Grace", "Blessing", "2003-01-09", "female", "NG"),
]
#: One person reported twice: the second with given and family name swapped.
SWAPS = [
    ("Kowalski", "Łukasz", "1985-01-30", "male", "PL"),
    ("Visser", "Sanne", "1999-09-17", "female", "NL"),
    ("Dimitrova", "Elena", "1993-06-02", "female", "BG"),
]
#: One person reported twice: the second under a married (double or partner's) name.
MARRIED = [
    ("Bakker", "Eva", "de Vries-Bakker", "1992-02-02", "female", "NL"),
    ("Smit", "Lotte", "Smit-Jansen", "1988-12-24", "female", "NL"),
    ("Mulder", "Fleur", "Jansen-Mulder", "1990-05-30", "female", "NL"),
]


def planted() -> list[dict[str, Any]]:
    rows = []
    for i, (fam, giv, b1, b2, sex, nat) in enumerate(HOMONYMS):
        rows += [_person(fam, giv, b1, sex, nat, f"homonym{i}", f"h{i}a"),
                 _person(fam, giv, b2, sex, nat, f"homonym{i}", f"h{i}b")]
        if i < BRIDGED:  # a third report of the name without a birth date
            rows.append(_person(fam, giv, None, sex, nat, f"homonym{i}", f"h{i}x"))
    for i, (fam, g1, g2, born, sex, nat) in enumerate(TWINS):
        rows += [_person(fam, g1, born, sex, nat, f"twin{i}", f"t{i}a"),
                 _person(fam, g2, born, sex, nat, f"twin{i}", f"t{i}b")]
    for i, (fam, giv, born, sex, nat) in enumerate(SWAPS):
        rows += [_person(fam, giv, born, sex, nat, f"swap{i}", f"s{i}"),
                 _person(giv, fam, born, sex, nat, f"swap{i}", f"s{i}")]
    for i, (fam, giv, married, born, sex, nat) in enumerate(MARRIED):
        rows += [_person(fam, giv, born, sex, nat, f"married{i}", f"m{i}"),
                 _person(married, giv, born, sex, nat, f"married{i}", f"m{i}")]
    return rows


def background(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` reports of persons with names from the synthetic world's pools; about one
    in eight persons is reported twice, the second time with reporters' noise."""
    rng = np.random.default_rng(seed)
    persons = round(n / 1.125)
    nats = rng.choice(_NATIONALITIES, persons)
    sexes = rng.choice(["female", "male"], persons, p=[0.7, 0.3])
    family, given = N.draw_names(rng, nats, sexes)
    start = dt.date(1970, 1, 1).toordinal()
    days = rng.integers(0, 365 * 37, persons)
    rows = []
    for i in range(persons):
        born = dt.date.fromordinal(start + int(days[i])).isoformat()
        rows.append(_person(family[i], given[i], born, str(sexes[i]), str(nats[i]),
                            "background", f"b{i}"))
    for i in rng.choice(persons, n - persons, replace=False):
        fam, giv = N.noisy_names(rng, family[i], given[i], str(nats[i]), str(sexes[i]), True)
        row = dict(rows[i], family_name=fam, given_names=giv)
        if rng.random() < 0.15:
            row = dict(row, birth_year=row["birth_date"][:4], birth_date=None)
        rows.append(row)
    return rows[:n]


#: The cases a registry of twenty reports holds (one of each kind, and the
#: same-year homonyms).
SMALLEST = ("homonym0", "homonym2", "twin0", "swap0", "married0")


def registry(size: int, seed: int = 3) -> pd.DataFrame:
    cases = planted() if size >= len(planted()) else [
        c for c in planted() if c["case"] in SMALLEST]
    frame = pd.DataFrame(background(size - len(cases), seed) + cases)
    for col in ("birth_year", "nationality_2", "bsn_key"):
        if col not in frame:
            frame[col] = None
    frame["birth_year"] = frame["birth_year"].astype("Int64")
    frame["report_id"] = np.arange(1, len(frame) + 1, dtype=np.int64)
    return frame


@pytest.fixture(scope="module", params=[20, 200, 2_000], ids=lambda n: f"{n}_reports")
def linked(request: pytest.FixtureRequest) -> pd.DataFrame:
    size = int(request.param)
    frame = registry(size)
    assert len(frame) == size
    linkage = link_reports(frame, DedupeOptions())
    assert linkage.trained == (size >= 2_000)
    victim = pd.Series(linkage.labels, index=linkage.ids)
    return frame.assign(victim=frame["report_id"].map(victim))


def _together(frame: pd.DataFrame, prefix: str) -> dict[str, bool]:
    cases = frame[frame["case"].str.startswith(prefix)]
    return {case: group["victim"].nunique() == 1 for case, group in cases.groupby("case")}


def test_no_homonym_with_conflicting_birth_dates_is_linked(linked: pd.DataFrame) -> None:
    together = _together(linked, "homonym")
    assert together and not any(together.values()), together


def test_twins_are_not_linked(linked: pd.DataFrame) -> None:
    together = _together(linked, "twin")
    assert together and not any(together.values()), together


def test_swapped_and_married_names_are_linked(linked: pd.DataFrame) -> None:
    together = {**_together(linked, "swap"), **_together(linked, "married")}
    assert together and all(together.values()), together


def test_background_is_linked_well(linked: pd.DataFrame) -> None:
    """The planted cases are not bought with the rest: the background's own
    duplicates still link (pairwise recall and precision over its reports)."""
    bg = linked[linked["case"] == "background"]
    pairs = bg.merge(bg, on="person").query("report_id_x < report_id_y")
    if pairs.empty:
        pytest.skip("no duplicate among the background reports of this size")
    recall = float((pairs["victim_x"] == pairs["victim_y"]).mean())
    same = bg.merge(bg, on="victim").query("report_id_x < report_id_y")
    precision = float((same["person_x"] == same["person_y"]).mean()) if len(same) else 1.0
    assert recall >= 0.8 and precision >= 0.95, (recall, precision)
