"""Benchmark of `zicht monitor` (issue 5): the full monitor for 15 years at scale 1
(target < 2 s) and at scale 100, two million victims (target < 60 s), on this machine.

The extract is generated here with seeded numpy (``build_extract``), in the exact
schema of docs/data-flow.md §2, with the published shape of the registry: about 1,300
unique victims a year for 2009-2023 (19,500 victims, ~1.13 reports each), the monitor's
mix of forms (with overlap), nationalities (Dutch, EU, African, Asian, Latin American,
dual NL), reporters, police units, municipalities, ~500 anonymous reports a year, and the
four sources the monitor reads (IND decisions, police incidents, justice cases, chat
contacts). Scale 100 replicates that extract 100 times with new pseudonyms, as the
issue specifies ("built by replicating the synthetic registry").

Both extracts are measured: ``synth`` (the synthetic world of `zicht synth`, scale 1 =
2010-2024, converted straight to an extract, see ``build_extract_from_synth``) and
``numpy`` (the generator below, which needs nothing else). The synthetic world allows
scale <= 5, so scale 100 replicates its scale-1 extract, as the issue specifies.

Rows: ``monitor compute`` (open the extract + every figure, through DuckDB; wall
clock, and CPU seconds of all threads, which a busy shared machine distorts less) and
``monitor release`` (compute + the disclosure gate + JSON, CSV and XLSX; SVG charts
are timed separately as they are matplotlib work, not the monitor's).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from zicht.core import codes as c

YEARS = tuple(range(2009, 2024))
VICTIMS_PER_YEAR = 1300
SEED = 20240501

NATIONALITIES = (
    ("NL", 0.18), ("PL", 0.08), ("RO", 0.06), ("BG", 0.05), ("HU", 0.04), ("NG", 0.14),
    ("UG", 0.05), ("SL", 0.03), ("GM", 0.02), ("ER", 0.02), ("VN", 0.04), ("CN", 0.03),
    ("PH", 0.02), ("IN", 0.02), ("BR", 0.03), ("CO", 0.02), ("UA", 0.03), ("MA", 0.04),
    ("US", 0.01), (None, 0.09),
)
REPORTERS = (("police", 0.50), ("kmar", 0.05), ("inspectie_szw", 0.05), ("fairwork", 0.15),
             ("care_coordinator", 0.10), ("other", 0.15))


def _choice(rng: np.random.Generator, table: tuple[tuple[Any, float], ...], n: int) -> list[Any]:
    values = [v for v, _ in table]
    p = np.array([w for _, w in table], dtype=float)
    idx = rng.choice(len(values), size=n, p=p / p.sum())
    return [values[i] for i in idx]


def _dates(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    start = np.array([np.datetime64(f"{y}-01-01") for y in range(YEARS[0], YEARS[-1] + 2)])
    base = start[years - YEARS[0]]
    return base + rng.integers(0, 365, size=len(years)).astype("timedelta64[D]")


def build_reports(rng: np.random.Generator) -> pa.Table:
    """One scale-1 registry extract: reports of ~19,500 unique victims, plus anonymous."""
    n_v = VICTIMS_PER_YEAR * len(YEARS)
    v_year = np.repeat(np.array(YEARS), VICTIMS_PER_YEAR)
    n_rep = 1 + (rng.random(n_v) < 0.13)  # 13% of victims reported twice
    vid = np.repeat(np.arange(n_v), n_rep)
    n = len(vid)
    year = v_year[vid]
    u = rng.random(n_v)
    form_sets = np.where(u < 0.50, 0, np.where(u < 0.75, 1, np.where(u < 0.88, 2,
                         np.where(u < 0.95, 3, 4))))
    form_lists = [["sexual"], ["labour"], ["criminal"], ["unknown"], ["sexual", "criminal"]]
    second_form = rng.random(n) < 0.05
    forms = [form_lists[form_sets[v]] + (["labour"] if second_form[i] else [])
             for i, v in enumerate(vid)]
    nat = _choice(rng, NATIONALITIES, n_v)
    nat2 = ["NL" if (x == "MA" and rng.random() < 0.5) else None for x in nat]
    age0 = rng.integers(13, 60, size=n_v)
    sex = _choice(rng, (("female", 0.62), ("male", 0.37), ("other", 0.01)), n_v)
    reporter = _choice(rng, REPORTERS, n)
    units = [u.code for u in c.POLICE_UNITS]
    unit = [units[i] if r == "police" else None
            for i, r in zip(rng.integers(0, len(units), n), reporter, strict=True)]
    gm = [f"GM{x:04d}" for x in rng.integers(1, 400, n)]
    sexual = [s.code for s in c.SEXUAL_SECTORS]
    labour = [s.code for s in c.LABOUR_SECTORS]
    manners = [m.code for m in c.CRIMINAL_MANNERS]
    known = rng.random(n)
    reports = {
        "report_pid": [f"r{i}" for i in range(n)],
        "victim_pid": [f"v{v}" for v in vid],
        "person_pid": [f"p{v}" if nat[v] == "NL" else None for v in vid],
        "anonymous": np.zeros(n, dtype=bool),
        "reporter": reporter,
        "police_unit": unit,
        "report_date": _dates(rng, year),
        "sex": [sex[v] for v in vid],
        "nationality": [nat[v] for v in vid],
        "nationality_2": [nat2[v] for v in vid],
        "birth_year": (year - age0[vid]).astype(np.int16),
        "age_at_report": np.where(rng.random(n) < 0.08, -1, age0[vid]).astype(np.int16),
        "forms": forms,
        "sexual_sector": [sexual[i % len(sexual)] if k < 0.49 else None
                          for i, k in enumerate(known)],
        "labour_sectors": [[labour[i % len(labour)]] if k < 0.67 else None
                           for i, k in enumerate(known)],
        "criminal_manner": [manners[i % len(manners)] if k < 0.8 else None
                            for i, k in enumerate(known)],
        "municipality": [g if k < 0.7 else None for g, k in zip(gm, known, strict=True)],
        "dublin_indication": rng.random(n) < 0.2,
        "exploitation_start": None,
        "exploitation_end": None,
    }
    table = pa.table({k: v for k, v in reports.items() if v is not None})
    age = table["age_at_report"]
    table = table.set_column(table.schema.get_field_index("age_at_report"), "age_at_report",
                             pc.if_else(pc.equal(age, -1), pa.scalar(None, pa.int16()), age))
    table = table.cast(table.schema.set(table.schema.get_field_index("report_date"),
                                        pa.field("report_date", pa.date32())))
    anon_year = np.repeat(np.array(YEARS), 500)
    m = len(anon_year)
    anon = pa.table({
        "report_pid": [f"a{i}" for i in range(m)],
        "victim_pid": pa.nulls(m, pa.string()),
        "anonymous": np.ones(m, dtype=bool),
        "reporter": _choice(rng, (("fairwork", 0.3), ("care_coordinator", 0.3),
                                  ("other", 0.4)), m),
        "report_date": pa.array(_dates(rng, anon_year)).cast(pa.date32()),
        "forms": [["sexual"]] * m,
    })
    out = pa.concat_tables([table, anon], promote_options="default")
    for name in ("exploitation_start", "exploitation_end"):
        out = out.append_column(name, pa.nulls(len(out), pa.date32()))
    return out


def build_sources(rng: np.random.Generator) -> dict[str, pa.Table]:
    """The four sources the monitor reads, at the published yearly sizes."""
    n = 420 * len(YEARS)
    dyear = np.repeat(np.array(YEARS), 420)
    proc = _choice(rng, (("779", 0.3), ("420", 0.45), ("421", 0.05), ("305", 0.15),
                         ("301", 0.05)), n)
    ind = pa.table({
        "decision_id": [f"d{i}" for i in range(n)],
        "person_pid": [f"i{x}" if x % 3 else None for x in rng.integers(0, n // 2, n)],
        "qualification": proc,
        "procedure": ["reflection" if p == "779" else "temporary" if p in ("420", "421")
                      else "continued" for p in proc],
        "decision_date": pa.array(_dates(rng, dyear)).cast(pa.date32()),
        "outcome": _choice(rng, (("granted", 0.6), ("rejected", 0.3), ("other", 0.1)), n),
        "ground": _choice(rng, (("cooperation", 0.3), ("prosecution", 0.3),
                                ("humanitarian", 0.3), ("other", 0.1)), n),
        "dublin_indication": rng.random(n) < 0.6,
        "sex": _choice(rng, (("female", 0.66), ("male", 0.34)), n),
        "birth_year": (dyear - rng.integers(16, 50, n)).astype(np.int16),
        "nationality": _choice(rng, NATIONALITIES[1:-1], n),
    })
    k = 700 * len(YEARS)
    kyear = np.repeat(np.array(YEARS), 700)
    codes = ["F561", "F562", "F563", "F565", "F5293", "V100"]
    incidents = pa.table({
        "incident_id": [f"n{x}" for x in rng.integers(0, k, k)],
        "person_pid": [f"p{x}" for x in rng.integers(0, 20000, k)],
        "role": ["victim"] * k,
        "offence_code": [codes[x] for x in rng.integers(0, len(codes), k)],
        "offence_group": ["trafficking"] * k,
        "registration_date": pa.array(_dates(rng, kyear)).cast(pa.date32()),
        "offence_start": pa.nulls(k, pa.date32()),
        "offence_end": pa.nulls(k, pa.date32()),
        "police_unit": _choice(rng, tuple((u.code, 1.0) for u in c.POLICE_UNITS), k),
        "victim_report": rng.random(k) < 0.35,
    })
    j = 300 * len(YEARS)
    jyear = np.repeat(np.array(YEARS), 300)
    pros = _choice(rng, (("summons", 0.5), ("dismissal", 0.4), ("other", 0.1)), j)
    court = [(_choice(rng, (("convicted", 0.72), ("acquitted", 0.2), ("other", 0.08)), 1)[0]
              if p == "summons" else None) for p in pros]
    cases = pa.table({
        "case_id": [f"c{i}" for i in range(j)],
        "incident_id": [f"n{i}" for i in range(j)],
        "form": _choice(rng, (("sexual", 0.7), ("labour", 0.1), ("criminal", 0.15),
                              ("other", 0.02), ("unknown", 0.03)), j),
        "incident_year": jyear.astype(np.int32),
        "suspect_known": rng.random(j) < 0.6,
        "victim_report": rng.random(j) < 0.4,
        "prosecution_year": (jyear + 1).astype(np.int32),
        "prosecution_decision": pros,
        "court_year": pa.array([int(y) + 2 if d else None for y, d in zip(jyear, court,
                                                                           strict=True)],
                               pa.int32()),
        "court_decision": court,
        "unconditional_prison_days": pa.array(
            [int(x) if d == "convicted" else None
             for x, d in zip(rng.integers(0, 1500, j), court, strict=True)], pa.int32()),
    })
    h = 450 * len(YEARS)
    hyear = np.repeat(np.array(YEARS), 450)
    chat = pa.table({
        "contact_id": [f"k{i}" for i in range(h)],
        "visitor_key": [f"w{x}" for x in rng.integers(0, h // 1.4, h)],
        "contact_date": pa.array(_dates(rng, hyear)).cast(pa.date32()),
        "trafficking_question": rng.random(h) < 0.9,
        "about": _choice(rng, (("self", 0.9), ("other", 0.1)), h),
        "minor": rng.random(h) < 0.4,
        "forms": [["sexual"] if x < 0.85 else ["criminal", "sexual"] if x < 0.93
                  else ["criminal"] for x in rng.random(h)],
        "still_unsafe": rng.random(h) < 0.75,
        "duration": _choice(rng, (("lt_1y", 0.3), ("1_5y", 0.33), ("gt_5y", 0.23),
                                  ("unknown", 0.14)), h),
        "parents_exploiters": rng.random(h) < 0.16,
        "several_perpetrators": rng.random(h) < 0.3,
    })
    return {"ind_decisions": ind, "police_incidents": incidents, "justice_cases": cases,
            "chat_contacts": chat}


_PSEUDONYMS = ("report_pid", "victim_pid", "person_pid", "decision_id", "incident_id",
               "case_id", "contact_id", "visitor_key")


def replicate(table: pa.Table, times: int) -> pa.Table:
    """``times`` copies of ``table``, each with its own pseudonyms (suffix ``~k``)."""
    if times == 1:
        return table
    copies = []
    for k in range(times):
        t = table
        for name in _PSEUDONYMS:
            if name in t.column_names:
                i = t.schema.get_field_index(name)
                t = t.set_column(i, name, pc.binary_join_element_wise(
                    t[name], pa.scalar(f"~{k}"), ""))
        copies.append(t)
    return pa.concat_tables(copies)


def build_extract(out: Path, scale: int = 1, seed: int = SEED) -> Path:
    """Write a research extract of ``scale`` x 19,500 victims to ``out``."""
    rng = np.random.default_rng(seed)
    reports = build_reports(rng)
    sources = build_sources(rng)
    (out / "sources").mkdir(parents=True, exist_ok=True)
    reports = replicate(reports, scale)
    pq.write_table(reports, out / "reports.parquet", row_group_size=256_000)
    registered = reports.filter(pc.invert(reports["anonymous"]))
    victims = pa.table({"victim_pid": pc.unique(registered["victim_pid"])})
    victims = victims.append_column("person_pid", pa.nulls(len(victims), pa.string()))
    victims = victims.append_column("n_reports", pa.nulls(len(victims), pa.int32()))
    victims = victims.append_column("first_report_date", pa.nulls(len(victims), pa.date32()))
    pq.write_table(victims, out / "victims.parquet")
    for name, table in sources.items():
        pq.write_table(replicate(table, scale), out / "sources" / f"{name}.parquet")
    return out


def build_extract_from_synth(out: Path, scale: int = 1, seed: int = 1) -> Path | None:
    """The real chain where it exists: a scale-1 world from `zicht synth` (2010-2024),
    turned into an extract straight from its registry CSVs + truth (re-sends collapsed,
    the true person as victim: `tests/research/monitor_synth.py`, the same converter the
    calibration test uses; the registry's import / dedupe / extract path is not timed
    here), replicated ``scale`` times with new pseudonyms. None when synth is missing."""
    try:
        from zicht.synth.world import SynthSpec, generate_world
    except ImportError:
        return None
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "research"))
    from monitor_synth import extract_from_world

    world = out.parent / "world"
    generate_world(SynthSpec(world, seed=seed, scale=1.0, population_scale=0.002))
    one = extract_from_world(world, out.parent / "extract1")
    if scale == 1:
        return one
    (out / "sources").mkdir(parents=True, exist_ok=True)
    reports = replicate(pq.read_table(one / "reports.parquet"), scale)
    pq.write_table(reports, out / "reports.parquet", row_group_size=256_000)
    for path in sorted((one / "sources").glob("*.parquet")):
        pq.write_table(replicate(pq.read_table(path), scale), out / "sources" / path.name)
    return out


def _time_monitor(extract: Path, out: Path) -> dict[str, float]:
    from zicht.cli.monitor import release_monitor, write_monitor_charts
    from zicht.research.monitor import compute_monitor
    from zicht.research.store import open_extract

    load = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time()
    store = open_extract(extract)
    result = compute_monitor(store)
    store.close()
    t1, c1 = time.perf_counter(), time.process_time()
    release = release_monitor(result, out, charts=False)
    t2, c2 = time.perf_counter(), time.process_time()
    write_monitor_charts(release, out / "svg")
    t3 = time.perf_counter()
    victims = sum(r["victims_incl_kmar_only"] for r in result.table("figures/2.1").rows)
    return {"compute": t1 - t0, "compute_cpu": c1 - c0, "release": t2 - t0,
            "release_cpu": c2 - c0, "charts": t3 - t2,
            "victims": victims, "tables": len(result.tables),
            "load": max(load, os.getloadavg()[0])}


def run(quick: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for origin in ("synth", "numpy"):
        rows += _run_origin(origin, quick)
    return rows


def _run_origin(origin: str, quick: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for scale, target in ((1, 2.0), (100, 60.0)):
        if quick and scale > 1:
            scale, target = 10, None  # a smoke run: a tenth of the big case
        with tempfile.TemporaryDirectory() as tmp:
            if origin == "synth":
                extract = build_extract_from_synth(Path(tmp) / "extract", scale)
                if extract is None:
                    return rows
            else:
                extract = build_extract(Path(tmp) / "extract", scale)
            m = _time_monitor(extract, Path(tmp) / "out")
        label = (f"{origin} extract, 15 years, scale {scale} ({m['victims']:,} victims, "
                 f"{m['tables']} tables; load average {m['load']:.1f} on "
                 f"{os.cpu_count()} cores)")
        for key, what in (("compute", "monitor compute"), ("release", "monitor release")):
            rows.append({
                "benchmark": f"{what}, {label}", "value": round(m[key], 2), "unit": "s",
                "peer": None, "peer_value": None, "ratio": None, "target": target,
                "met": None if target is None else m[key] < target,
            })
        for key, what in (("compute_cpu", "monitor compute"),
                          ("release_cpu", "monitor release")):
            rows.append({"benchmark": f"{what}, CPU seconds (all threads), {label}",
                         "value": round(m[key], 2), "unit": "s cpu", "peer": None,
                         "peer_value": None, "ratio": None, "target": None, "met": None})
        rows.append({"benchmark": f"SVG charts (matplotlib), {label}",
                     "value": round(m["charts"], 2), "unit": "s", "peer": None,
                     "peer_value": None, "ratio": None, "target": None, "met": None})
    return rows
