"""Benchmark of `zicht linked` (issue 6): the matched control group for 1,630 victims
from a 17.5-million population (target < 60 s, < 8 GB) and the whole `zicht linked` at
scale 1 (target < 3 min), on this machine.

The synthetic world cannot yet write its linked sources at scale 1, so the sources are
generated here with DuckDB SQL, in the schema of docs/data-flow.md §2 (keyed by
``person_pid``, 64-hex pseudonyms as the boundary writes them):

* ``population``: 17.5 million residents; sex 50/50; age on 1 January 2016 uniform
  0-74 for 90% and 75-99 for 10% (a rough Dutch age pyramid); 4% registered only after
  2016-01-01, 3% left the register in 2018;
* ``police_incidents``: 1,630 linkable chapter-3 victims (76% female, aged 12-50 at the
  incident, offence periods 2016-2019) and 975 registrations without a person number;
  1,520 further chapter-4 victims with an index registration in 2010-2015; about 45% of
  all victims have one to three later registrations as victim of any offence;
* ``youth_care``: 11% of everyone born 1997-2015 starts a trajectory each year 2015-2020
  (about 2.4 million rows); ``wmo_shelter``: 0.4% of adults a year (about 0.3 million);
  ``health_costs``: 5% of everyone has a specialist mental-health cost each year
  2014-2020 (about 6 million rows).

Rows: the control draw alone (``draw_controls`` on the population, in a child process
so its peak memory is its own) and the whole CLI (``zicht linked`` as a child process:
open, populations, controls, aid, revictimisation, Kaplan-Meier, the gate, JSON, CSV,
XLSX and SVG). ``--quick`` uses 300,000 residents, 163 victims and 100 controls each.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

SCALE1 = {"population": 17_500_000, "victims": 1630, "unlinkable": 975, "old_victims": 1520,
          "per_victim": 1000}
QUICK = {"population": 300_000, "victims": 163, "unlinkable": 98, "old_victims": 152,
         "per_victim": 100}


def build_sources(root: Path, size: dict[str, int]) -> Path:
    """Write an extract (empty reports + the five sources) under ``root``; return it."""
    extract = root / "extract"
    src = extract / "sources"
    src.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    n = size["population"]
    con.execute(f"""
        COPY (
          SELECT sha256('p#' || CAST(i AS VARCHAR)) AS person_pid,
                 CASE WHEN hash(i, 1) % 2 = 0 THEN 'female' ELSE 'male' END AS sex,
                 CAST(2015 - CASE WHEN hash(i, 2) % 100 < 90 THEN hash(i, 3) % 75
                                  ELSE 75 + hash(i, 3) % 25 END AS SMALLINT) AS birth_year,
                 'GM0363' AS municipality,
                 CAST(CASE WHEN hash(i, 4) % 100 < 4 THEN 2017 ELSE 1990 END AS SMALLINT)
                     AS registered_from_year,
                 CASE WHEN hash(i, 5) % 100 < 3 THEN '2018-06' END
                     AS registered_until_month
          FROM range({n}) t(i)
        ) TO '{src / "population.parquet"}' (FORMAT parquet)
    """)
    con.execute(f"CREATE VIEW population AS SELECT * FROM '{src / 'population.parquet'}'")
    v, old = size["victims"], size["old_victims"]
    con.execute(f"""
        CREATE TABLE victims AS
        SELECT person_pid, 'aid' AS kind FROM (
            SELECT person_pid FROM population
            WHERE sex = 'female' AND birth_year BETWEEN 1966 AND 2004
              AND registered_from_year < 2016
            ORDER BY hash(person_pid, 11) LIMIT {round(v * 0.76)})
        UNION ALL
        SELECT person_pid, 'aid' FROM (
            SELECT person_pid FROM population
            WHERE sex = 'male' AND birth_year BETWEEN 1966 AND 2004
              AND registered_from_year < 2016
            ORDER BY hash(person_pid, 12) LIMIT {v - round(v * 0.76)})
        UNION ALL
        SELECT person_pid, 'old' FROM (
            SELECT person_pid FROM population WHERE birth_year BETWEEN 1960 AND 2000
            ORDER BY hash(person_pid, 13) LIMIT {old})
    """)
    con.execute(f"""
        CREATE TABLE index_incidents AS
        SELECT person_pid, 'T' || row_number() OVER () AS incident_id,
               CASE hash(person_pid, 21) % 10 WHEN 0 THEN 'F562' WHEN 1 THEN 'F563'
                    WHEN 2 THEN 'F5293' ELSE 'F561' END AS offence_code,
               CASE WHEN kind = 'aid'
                    THEN DATE '2016-01-01' + CAST(hash(person_pid, 22) % 1300 AS INTEGER)
                    ELSE DATE '2010-01-01' + CAST(hash(person_pid, 22) % 2190 AS INTEGER)
               END AS offence_start
        FROM victims
        UNION ALL
        SELECT NULL, 'U' || i, 'F561', DATE '2016-01-01' + CAST(hash(i, 23) % 1300 AS INTEGER)
        FROM range({size['unlinkable']}) t(i)
    """)
    con.execute(f"""
        COPY (
          SELECT incident_id, person_pid, 'victim' AS role, offence_code,
                 'trafficking' AS offence_group, offence_start + 7 AS registration_date,
                 offence_start,
                 LEAST(offence_start + CAST(hash(incident_id, 24) % 120 AS INTEGER),
                       DATE '2019-12-31') AS offence_end,
                 'amsterdam' AS police_unit, FALSE AS victim_report
          FROM index_incidents
          UNION ALL
          SELECT 'N' || x.person_pid || '-' || k, x.person_pid, 'victim', 'F999',
                 ['violence', 'property', 'threat', 'sexual', 'trafficking', 'other']
                     [1 + CAST(hash(x.person_pid, k, 31) % 6 AS INTEGER)],
                 d, d, d, 'amsterdam', FALSE
          FROM (SELECT person_pid, offence_start + 7
                       + CAST(30 + hash(person_pid, 32) % 1800 AS INTEGER) AS first
                FROM index_incidents
                WHERE person_pid IS NOT NULL AND hash(person_pid, 33) % 100 < 45) x,
               range(1 + CAST(hash(x.person_pid, 34) % 3 AS INTEGER)) r(k),
               LATERAL (SELECT x.first + CAST(k * 200 AS INTEGER) AS d)
          WHERE d <= DATE '2020-12-31'
        ) TO '{src / "police_incidents.parquet"}' (FORMAT parquet)
    """)
    con.execute(f"""
        COPY (
          SELECT p.person_pid,
                 make_date(y, 1, 1) + CAST(hash(p.person_pid, y, 41) % 365 AS INTEGER)
                     AS start_date,
                 make_date(y, 1, 1) + CAST(hash(p.person_pid, y, 41) % 365 + 240 AS INTEGER)
                     AS end_date,
                 ['ambulant', 'neighbourhood_team', 'secure_placement', 'crisis',
                  'foster_care', 'other_residential']
                     [1 + CAST(hash(p.person_pid, y, 42) % 6 AS INTEGER)] AS care_type,
                 hash(p.person_pid, y, 43) % 4 = 0 AS with_stay,
                 ['municipality', 'gp', 'certified_institution', 'youth_doctor']
                     [1 + CAST(hash(p.person_pid, y, 44) % 4 AS INTEGER)] AS referrer,
                 'to_plan' AS end_reason
          FROM population p, range(2015, 2021) t(y)
          WHERE p.birth_year BETWEEN 1997 AND 2015 AND hash(p.person_pid, y, 45) % 100 < 11
        ) TO '{src / "youth_care.parquet"}' (FORMAT parquet)
    """)
    con.execute(f"""
        COPY (
          SELECT p.person_pid, make_date(y, 3, 1) AS start_date, make_date(y, 5, 1) AS end_date,
                 ['shelter', 'emergency_shelter', 'sheltered_housing', 'short_stay', 'other']
                     [1 + CAST(hash(p.person_pid, y, 51) % 5 AS INTEGER)] AS shelter_type
          FROM population p, range(2015, 2021) t(y)
          WHERE p.birth_year <= 1997 AND hash(p.person_pid, y, 52) % 1000 < 4
        ) TO '{src / "wmo_shelter.parquet"}' (FORMAT parquet)
    """)
    con.execute(f"""
        COPY (
          SELECT p.person_pid, CAST(y AS SMALLINT) AS year,
                 CAST(500 + hash(p.person_pid, y, 61) % 11000 AS DOUBLE)
                     AS mental_health_specialist_eur,
                 0.0 AS mental_health_basic_eur,
                 CAST(900 + hash(p.person_pid, y, 61) % 11000 AS DOUBLE) AS total_eur
          FROM population p, range(2014, 2021) t(y)
          WHERE hash(p.person_pid, y, 62) % 100 < 5
        ) TO '{src / "health_costs.parquet"}' (FORMAT parquet)
    """)
    _write_empty_reports(extract / "reports.parquet")
    con.close()
    return extract


def _write_empty_reports(path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    text = pa.string()
    columns = {"report_pid": text, "victim_pid": text, "person_pid": text,
               "anonymous": pa.bool_(), "reporter": text, "police_unit": text,
               "report_date": pa.date32(), "sex": text, "nationality": text,
               "nationality_2": text, "birth_year": pa.int16(), "age_at_report": pa.int16(),
               "forms": pa.list_(text), "sexual_sector": text, "labour_sectors": pa.list_(text),
               "criminal_manner": text, "municipality": text, "dublin_indication": pa.bool_(),
               "exploitation_start": pa.date32(), "exploitation_end": pa.date32()}
    pq.write_table(pa.table({k: pa.array([], type=t) for k, t in columns.items()}), path)


def _child_controls(extract: str, per_victim: int) -> None:
    """In a child process: open, build the population, draw the controls; print JSON."""
    from zicht.research.linked import draw_controls
    from zicht.research.linked.populations import build_aid_population, build_persons
    from zicht.research.store import open_extract

    store = open_extract(Path(extract))
    build_persons(store)
    build_aid_population(store, 2016, 2020)
    t0 = time.perf_counter()
    draw = draw_controls(store, per_victim=per_victim, seed=1)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(json.dumps({"seconds": seconds, "peak_gb": peak, "victims": draw.victims,
                      "controls": draw.controls, "shortfall": draw.shortfall}))


def _run_controls(extract: Path, per_victim: int) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_linked", "controls",
                          str(extract), str(per_victim)], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parents[1])
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _run_cli(extract: Path, out: Path, per_victim: int) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    zicht = str(Path(sys.executable).parent / "zicht")  # the installed console script
    subprocess.run([zicht, "linked", "--extract", str(extract),
                    "--out", str(out), "--controls-per-victim", str(per_victim)],
                   check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": seconds, "peak_gb": max(peak, before) / 1024 / 1024}


def run(quick: bool) -> list[dict[str, Any]]:
    size = QUICK if quick else SCALE1
    label = (f"{size['victims']:,} victims x {size['per_victim']:,} controls, "
             f"{size['population']:,} residents")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        extract = build_sources(Path(tmp), size)
        setup = time.perf_counter() - t0
        controls = _run_controls(extract, size["per_victim"])
        cli = _run_cli(extract, Path(tmp) / "out", size["per_victim"])
    target_s, target_gb, target_cli = (None, None, None) if quick else (60.0, 8.0, 180.0)

    def row(what: str, value: float, unit: str, target: float | None) -> dict[str, Any]:
        return {"benchmark": what, "value": round(value, 2), "unit": unit, "peer": None,
                "peer_value": None, "ratio": None, "target": target,
                "met": None if target is None else value < target}

    return [
        row(f"control draw, {label} ({controls['controls']:,} drawn, shortfall "
            f"{controls['shortfall']})", controls["seconds"], "s", target_s),
        row(f"control draw peak memory (child process), {label}", controls["peak_gb"], "GB",
            target_gb),
        row(f"zicht linked end to end (CLI incl. charts), {label}", cli["seconds"], "s",
            target_cli),
        row(f"zicht linked peak memory (child process), {label}", cli["peak_gb"], "GB", None),
        row(f"generating the benchmark sources (not part of zicht), {label}", setup, "s", None),
    ]


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "controls":
        _child_controls(sys.argv[2], int(sys.argv[3]))
