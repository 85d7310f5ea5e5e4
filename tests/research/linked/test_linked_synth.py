"""On the synthetic world (``zicht.synth``), the linked analyses recover the planted
effects within sampling error.

The boundary (``zicht extract``) is not used here: ``as_extract`` stands in for it by
renaming ``bsn`` to ``person_pid`` and replacing ``birth_date`` by ``birth_year``, which
is what the boundary does apart from the keyed hash (docs/linked.md).

Planted values (``truth/parameters.json``) and how they map onto what zicht measures:

* youth care within a year of minor victims: ``YOUTH_CARE_VICTIM_MINOR`` = 0.55 for
  victims who were minors at the *end* of the offence period (exact birth date). zicht
  has birth years only and calls a victim minor by the age on 1 January of the incident
  year, so a few of its minors had turned 18 by the end (planted rate
  ``YOUTH_CARE_BASE_18_22`` = 0.02). The expected value is the mix over the analysed
  minors, computed from the truth.
* controls: ``YOUTH_CARE_BASE_MINOR`` = 0.11 starts a year for minors and 0.02 for ages
  18-22. The controls of minor victims are measured in 2019 (as in the seed), when
  some are no longer minors; the expected value is the mix by their age in 2019. Hidden
  (unregistered) victims among the controls are left out of this check (see the test).
* five-year revictimisation: ``REVICTIM_PROB[sex, under 23]`` x P(first new incident
  within five years) = 1 - exp(-1826 / ``REVICTIM_MEAN_DAYS``), averaged over the
  five-year cohort (sex and age at the index incident from the truth).

Tolerance: three binomial standard errors sqrt(p (1 - p) / n) of the expected p.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import duckdb
import pytest

from zicht.research.linked import LinkedSpec, run_linked
from zicht.research.store import open_extract

synth = pytest.importorskip("zicht.synth")

SOURCES = ("population", "police_incidents", "youth_care", "wmo_shelter", "health_costs")


#: The boundary's transforms of these sources (``zicht.boundary.allowlist``), with the
#: BSN itself as ``person_pid`` so that the truth can be joined back.
CROSSED = {
    "bsn": "bsn AS person_pid",
    "birth_date": "CAST(EXTRACT(YEAR FROM birth_date) AS SMALLINT) AS birth_year",
    "registered_from": "CAST(EXTRACT(YEAR FROM registered_from) AS SMALLINT) "
                       "AS registered_from_year",
    "registered_until": "strftime(registered_until, '%Y-%m') AS registered_until_month",
}


def as_extract(synth_dir: Path, extract: Path) -> Path:
    """A research extract from synth's sources, through the boundary's transforms."""
    from linked_world import REPORT_COLUMNS, write_table

    (extract / "sources").mkdir(parents=True, exist_ok=True)
    write_table(extract / "reports.parquet", [], REPORT_COLUMNS)
    con = duckdb.connect()
    for name in SOURCES:
        src = synth_dir / "sources" / f"{name}.parquet"
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM '{src}'").fetchall()]
        select = ", ".join(CROSSED.get(c, c) for c in cols)
        con.execute(f"COPY (SELECT {select} FROM '{src}') TO "
                    f"'{extract / 'sources' / f'{name}.parquet'}' (FORMAT parquet)")
    con.close()
    return extract


@pytest.fixture(scope="module")
def synth_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from zicht.synth import SynthSpec, generate_world

    root = tmp_path_factory.mktemp("synth_linked")
    generate_world(SynthSpec(out=root / "world", seed=3, scale=0.3, population_scale=0.002))
    planted = json.loads((root / "world" / "truth" / "parameters.json").read_text())["planted"]
    store = open_extract(as_extract(root / "world", root / "extract"))
    try:
        result = run_linked(store, LinkedSpec(controls_per_victim=5))
        raw = str(root / "world" / "sources" / "population.parquet")
        store.con.execute(f"CREATE VIEW truth_pop AS SELECT bsn AS pid, birth_date "
                          f"FROM '{raw}'")
        victims = store.rows("""
            SELECT AVG(CASE WHEN date_diff('day', t.birth_date, v.offence_end) / 365.25 < 18
                            THEN 1.0 ELSE 0.0 END) AS minor_at_end, COUNT(*) AS n
            FROM aid_victims v JOIN truth_pop t ON t.pid = v.person_pid WHERE v.minor""")[0]
        hidden = str(root / "world" / "truth" / "hidden_population.parquet")
        controls = store.rows(f"""
            SELECT AVG(CASE WHEN age < 18 THEN 1.0 ELSE 0.0 END) AS minor_2019,
                   AVG(CASE WHEN age >= 18 AND age < 23 THEN 1.0 ELSE 0.0 END) AS young_2019,
                   AVG(CASE WHEN youth_care THEN 100.0 ELSE 0.0 END) AS share,
                   COUNT(*) AS n
            FROM (SELECT date_diff('day', t.birth_date, DATE '2019-07-02') / 365.25 AS age,
                         p.youth_care
                  FROM aid_controls c JOIN aid_victims v ON v.person_pid = c.victim_pid
                  JOIN truth_pop t ON t.pid = c.control_pid
                  JOIN aid_persons p ON p.pid = c.control_pid AND p.grp = 'controls'
                  WHERE v.minor AND c.control_pid NOT IN (
                      SELECT bsn FROM '{hidden}' WHERE bsn IS NOT NULL))""")[0]
        cohort = store.rows("""
            SELECT v.sex, date_diff('day', t.birth_date, v.index_date) / 365.25 < 23 AS young
            FROM rv_victims v JOIN truth_pop t ON t.pid = v.person_pid
            WHERE v.index_year BETWEEN 2010 AND 2015""")
    finally:
        store.close()
    return {"result": result, "planted": planted, "victims": victims, "controls": controls,
            "cohort": cohort}


def _within(share_pct: float, expected: float, n: int) -> None:
    tolerance = 3 * math.sqrt(expected * (1 - expected) / n)
    assert abs(share_pct / 100 - expected) <= tolerance, (share_pct, expected, n, tolerance)


def test_youth_care_of_minor_victims_and_controls(synth_run: dict[str, Any]) -> None:
    p, table = synth_run["planted"], synth_run["result"].table("aid/youth_care_by_group")
    victims = table.row(breakdown="minor_adult", category="minor", group="victims")
    at_end = float(synth_run["victims"]["minor_at_end"])
    expected_victims = (at_end * p["YOUTH_CARE_VICTIM_MINOR"]
                        + (1 - at_end) * p["YOUTH_CARE_BASE_18_22"])
    assert victims["persons"] >= 40
    _within(victims["share"], expected_victims, victims["persons"])
    # The small register of this fast world (population_scale 0.002 against scale 0.3)
    # is enriched with unregistered (hidden) victims, who carry the planted effect; the
    # control check leaves them out (by the truth), the released table keeps them.
    c = synth_run["controls"]
    expected_controls = (float(c["minor_2019"]) * p["YOUTH_CARE_BASE_MINOR"]
                         + float(c["young_2019"]) * p["YOUTH_CARE_BASE_18_22"])
    _within(float(c["share"]), expected_controls, int(c["n"]))


def test_five_year_revictimisation(synth_run: dict[str, Any]) -> None:
    p = synth_run["planted"]
    within = 1 - math.exp(-1826 / p["REVICTIM_MEAN_DAYS"])
    probs = [p["REVICTIM_PROB"][f"{'male' if r['sex'] == 'male' else 'female'}|{r['young']}"]
             * within for r in synth_run["cohort"]]
    expected = sum(probs) / len(probs)
    five = synth_run["result"].table("revictimisation/cohorts").row(follow_up_years=5)
    assert five["cohort"] == len(probs)
    _within(five["share_revictimised"], expected, five["cohort"])
