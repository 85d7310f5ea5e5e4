"""The route chapter and the shelter tables on the synthetic world (scale 1, a tiny
register): the foreigner-number linkage finds every person the truth says is on a
route, the COSM counts come out near the seed's 110 (2019) and 45 (2020), and every
table passes the gate as linked microdata.

The boundary is stood in for as in ``tests/research/linked/test_linked_synth.py``:
``bsn`` renamed ``person_pid``; the foreigner number stays in clear here so that the
truth (``truth/route_persons.parquet``) can be joined back.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from zicht.disclosure import apply_rules
from zicht.research.route import route_tables, shelter_tables
from zicht.research.store import open_extract

ROUTE = ("ind_decisions", "reflection_offers", "cosm_stays", "shelter_places",
         "protected_shelter", "nidos_guardianship", "wmo_housing", "coa_stays")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from zicht.boundary.extract import REPORT_SCHEMA
    from zicht.synth import SynthSpec, generate_world

    root = tmp_path_factory.mktemp("route")
    world = root / "world"
    generate_world(SynthSpec(out=world, seed=5, scale=1.0, population_scale=0.0002))
    extract = root / "extract"
    (extract / "sources").mkdir(parents=True)
    pq.write_table(REPORT_SCHEMA.empty_table(), extract / "reports.parquet")
    con = duckdb.connect()
    for name in ROUTE:
        src = world / "sources" / f"{name}.parquet"
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM '{src}'").fetchall()]
        select = ", ".join("bsn AS person_pid" if c == "bsn" else c for c in cols)
        con.execute(f"COPY (SELECT {select} FROM '{src}') TO "
                    f"'{extract / 'sources' / f'{name}.parquet'}' (FORMAT parquet)")
    truth = con.execute(f"""
        SELECT COUNT(DISTINCT person_id) FILTER (WHERE source = 'cosm_stays') AS cosm,
               COUNT(DISTINCT person_id) AS on_route
        FROM (SELECT source, person_id FROM '{world}/truth/route_persons.parquet'
              WHERE source IN ('reflection_offers', 'cosm_stays')
              UNION ALL SELECT 'ind', person_id FROM '{world}/truth/ind_persons.parquet')
        """).fetchone()
    con.close()
    store = open_extract(extract)
    try:
        tables = {t.name: t for t in [*shelter_tables(store), *route_tables(store)]}
    finally:
        store.close()
    assert truth is not None
    return {"tables": tables, "truth_cosm": truth[0], "truth_on_route": truth[1]}


def test_linkage_by_foreigner_number_finds_every_person(run: dict[str, Any]) -> None:
    stages = run["tables"]["route/stages"]
    entered = stages.row(breakdown="total", category="total", stage="entered")["persons"]
    cosm = stages.row(breakdown="total", category="total", stage="cosm")["persons"]
    # Wmo records only follow a COSM stay or a residence decision, so the route's
    # persons are exactly those with an offer, a COSM stay or an IND decision.
    assert entered == run["truth_on_route"]
    assert cosm == run["truth_cosm"]


def test_cosm_counts_near_the_seed(run: dict[str, Any]) -> None:
    cosm = run["tables"]["shelter/cosm"]
    persons = {r["year"]: r["persons"] for r in cosm.rows}
    # seed 003 §3.5.2: 110 victims in a COSM in 2019, 45 in 2020 (planted intakes,
    # params.COSM_INTAKES); places 58 (40 from 2022).
    assert abs(persons[2019] - 110) <= 15
    assert abs(persons[2020] - 45) <= 10
    assert {r["year"]: r["places"] for r in cosm.rows}[2022] == 40


def test_route_shape(run: dict[str, Any]) -> None:
    t = run["tables"]
    stage = {r["stage"]: r["persons"] for r in t["route/stages"].rows
             if r["breakdown"] == "total"}
    assert stage["entered"] >= stage["reflection"] >= stage["cosm"] > 0
    assert stage["housing"] >= stage["aid"] > 0
    times = {(r["from_stage"], r["to_stage"]): r for r in t["route/time_to_stage"].rows}
    # COSM stays planted with a median of 100 days; housing follows the exit
    assert times[("cosm", "housing")]["median_days"] is not None
    assert times[("cosm", "housing")]["median_days"] >= 90
    breaks = t["route/breaks"].row(breakdown="total", category="total")
    assert 0 < breaks["breaks"] < breaks["persons"]
    dublin = {r["category"] for r in t["route/breaks"].rows if r["breakdown"] == "dublin"}
    assert {"yes", "no"} <= dublin
    # Dublin victims are all in asylum reception (params.COA_*), with relocations: they
    # have more locations than the others.
    mean = {r["category"]: r["mean_locations"] for r in t["route/locations_mean"].rows
            if r["breakdown"] == "dublin"}
    assert mean["yes"] > mean["no"] >= 1.0


def test_every_table_passes_the_gate_as_protected(run: dict[str, Any]) -> None:
    for name, spec in run["tables"].items():
        released = apply_rules(spec)
        assert released.policy == "protected", name
        for row in released.rows:
            for col in spec.count_columns:
                v = row[col]
                assert v is None or v == 0 or (v % 5 == 0 and v >= 10), (name, col, v)
