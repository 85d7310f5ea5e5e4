"""Orchestration: generate the whole synthetic world and stream it to disk.

Layout (``docs/data-flow.md`` §1)::

    DIR/registry/reports_YYYY.csv   import contract, one file per report year
    DIR/sources/*.parquet           linked sources keyed by bsn
    DIR/truth/*.parquet, parameters.json
    DIR/calibration.json

Every random draw comes from ``numpy.random.Generator(PCG64)`` streams derived from
(seed, stream, index) by ``SeedSequence``, so the same seed gives byte-identical files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from zicht.core.errors import ConfigError
from zicht.synth import calibration, calibration_sources, cohort, population, reports, writers
from zicht.synth import params as P
from zicht.synth.sources import care, chat, ind, justice, police, route, suspects

#: Fixed stream numbers (never ``hash()``, which is salted per process).
STREAMS = {"registry": 1, "slots": 2, "resends": 3, "police": 4, "justice": 5, "ind": 6,
           "care": 7, "chat": 8, "population": 9, "register_rows": 10,
           "names": 11, "route": 12, "suspects": 13, "register_names": 14}
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SynthSpec:
    """What to generate: ``scale`` 1 = the Netherlands."""

    out: Path
    seed: int = 1
    scale: float = 1.0
    population_scale: float | None = None  # default: same as scale
    years: tuple[int, int] = (P.YEARS[0], P.YEARS[-1])

    def check(self) -> None:
        if not 0 < self.scale <= 5:
            raise ConfigError(f"Scale {self.scale} is out of range. Expected 0 < scale <= 5 "
                              "(1 = the Netherlands); try --scale 0.05 for a demo.")
        lo, hi = self.years
        if not (P.YEARS[0] <= lo <= hi <= P.YEARS[-1]):
            raise ConfigError(f"Years {lo}-{hi} are outside the modelled period "
                              f"{P.YEARS[0]}-{P.YEARS[-1]}. Pass e.g. --years 2016-2020.")


@dataclass
class SynthResult:
    """What was written: counts per file and the calibration rows."""

    out: Path
    counts: dict[str, int] = field(default_factory=dict)
    calibration: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> str:
        within = sum(r["within"] for r in self.calibration)
        lines = [f"synthetic world in {self.out}"]
        lines += [f"  {k}: {v:,} rows" for k, v in self.counts.items()]
        lines.append(f"  calibration: {within}/{len(self.calibration)} targets within tolerance")
        return "\n".join(lines)


def stream(seed: int, name: str, k: int) -> np.random.Generator:
    """The random stream ``name`` (index ``k``) of the world of ``seed``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(
        [seed, STREAMS[name], k])))


def capture_only(seed: int, year: int, scale: float = 1.0) -> cohort.YearCapture:
    """The capture process of ``year`` in the world of ``seed``, nothing else: the same
    draws from the same stream as :func:`generate_world` (``cohort.draw_year_capture``),
    so the registered victims' capture histories and the truth are those of the full
    world, in a fraction of a second instead of minutes (no names, reports or
    registers). ``first_id`` only numbers persons and does not change a draw."""
    SynthSpec(out=Path("."), seed=seed, scale=scale, years=(year, year)).check()
    return cohort.draw_year_capture(stream(seed, "registry", year), year, scale, 1)


def generate_world(spec: SynthSpec, progress: Progress | None = None) -> SynthResult:
    """Generate everything for ``spec`` and write it under ``spec.out``."""
    spec.check()
    tick = progress or (lambda _d, _c, _t: None)
    years = [y for y in P.YEARS if spec.years[0] <= y <= spec.years[1]]
    pop_scale = spec.scale if spec.population_scale is None else spec.population_scale

    def rng_for(name: str, k: int) -> np.random.Generator:
        return stream(spec.seed, name, k)

    for sub in ("registry", "sources", "truth", "register"):
        (spec.out / sub).mkdir(parents=True, exist_ok=True)
    res = SynthResult(spec.out)
    pop_size = population.population_size(pop_scale, int(15 * 9000 * spec.scale))
    slots = cohort.SlotPool(rng_for("slots", 0), pop_size)
    refs = reports.RefCounter()
    people, rows, models, first_id = [], [], [], 1
    steps = len(years) + 6
    for i, y in enumerate(years):
        tick(f"registry {y}", i, steps)
        w = cohort.simulate_year(rng_for, y, spec.scale, first_id, refs, slots)
        first_id += len(w.persons) + 1000
        people.append(w.persons)
        rows.append(w.reports)
        models.append(w.capture_model)
    persons = pd.concat(people, ignore_index=True)
    rep = reports.add_resends(rng_for("resends", 0), pd.concat(rows, ignore_index=True),
                              persons, years[-1])
    _write_registry(spec.out, rep, years, res)
    tick("police and justice", len(years), steps)
    bvh = police.select_bvh(rng_for("police", 0), persons, spec.scale)
    incidents = police.build_incidents(rng_for("police", 1), persons, bvh, spec.scale)
    persons["in_bvh"] = False
    persons.loc[bvh, "in_bvh"] = True
    _write_source(spec.out, "police_incidents", incidents.assign(
        bsn=incidents["bsn"].replace("", None)), res)
    cases = justice.build_cases(rng_for("justice", 0), incidents)
    _write_source(spec.out, "justice_cases", cases, res)
    suspect_rows = suspects.build_suspects(rng_for("suspects", 0), incidents)
    _write_source(spec.out, "police_suspects", suspect_rows, res)
    tick("IND and chat", len(years) + 1, steps)
    decisions, ind_truth = ind.build_decisions(rng_for("ind", 0), persons, spec.scale)
    _write_source(spec.out, "ind_decisions", decisions, res)
    route_sources, route_truth = route.build_route(rng_for("route", 0), persons, decisions,
                                                   spec.scale)
    for name, frame in route_sources.items():
        _write_source(spec.out, name, frame, res)
    contacts, chat_truth = chat.build_contacts(rng_for("chat", 0), persons, spec.scale)
    _write_source(spec.out, "chat_contacts", contacts, res)
    tick("care of victims", len(years) + 2, steps)
    residents = persons[persons["slot"] >= 0]
    vsources = care.victim_rows(rng_for("care", 0), residents)
    register = population.victim_rows_for_register(rng_for("register_rows", 0), residents)
    _write_population(spec.out, rng_for, pop_size, register, vsources, res, tick,
                      len(years) + 3, steps)
    tick("truth and calibration", steps - 1, steps)
    _write_truth(spec, persons, rep, incidents, ind_truth, chat_truth, pop_size, pop_scale)
    route_truth.to_parquet(spec.out / "truth" / "route_persons.parquet", index=False)
    pd.concat(models, ignore_index=True).to_parquet(spec.out / "truth" / "capture_model.parquet",
                                                    index=False)
    res.calibration = calibration.calibrate(rep, spec.scale, years)
    res.calibration += calibration_sources.calibrate_sources(
        incidents, cases, suspect_rows, decisions, spec.scale, years)
    (spec.out / "calibration.json").write_text(json.dumps(res.calibration, indent=1) + "\n")
    tick("done", steps, steps)
    return res


def _write_registry(out: Path, rep: pd.DataFrame, years: list[int], res: SynthResult) -> None:
    for y in years:
        part = rep[rep["file_year"] == y].sort_values(
            ["report_date", "reporter", "report_ref"], kind="stable")
        writers.write_csv(out / "registry" / f"reports_{y}.csv", part, reports.COLUMNS)
        res.counts[f"registry/reports_{y}.csv"] = len(part)


def _write_source(out: Path, name: str, df: pd.DataFrame, res: SynthResult) -> None:
    writers.write_table(out / "sources" / f"{name}.parquet", writers.to_table(df, name))
    res.counts[f"sources/{name}.parquet"] = len(df)


def _write_population(out: Path, rng_for: Callable[[str, int], np.random.Generator],
                      size: int, register: pd.DataFrame, vsources: dict[str, pd.DataFrame],
                      res: SynthResult, tick: Progress, done: int, steps: int) -> None:
    names = ("population", "youth_care", "wmo_shelter", "health_costs")
    files = {n: writers.writer(out / "sources" / f"{n}.parquet", n) for n in names}
    # The register holder's names stay outside sources/: they never cross the boundary.
    holder = writers.writer(out / "register" / "population_names.parquet", "register_names")
    n_chunks = -(-size // population.CHUNK)
    try:
        for k, chunk in enumerate(population.generate_chunks(rng_for, size, register,
                                                             vsources)):
            tick(f"population {k + 1}/{n_chunks}", done, steps)
            for n in names:
                df = getattr(chunk, n)
                files[n].write_table(writers.to_table(df, n))
                res.counts[f"sources/{n}.parquet"] = res.counts.get(
                    f"sources/{n}.parquet", 0) + len(df)
            holder.write_table(writers.to_table(chunk.names, "register_names"))
            res.counts["register/population_names.parquet"] = res.counts.get(
                "register/population_names.parquet", 0) + len(chunk.names)
    finally:
        for f in (*files.values(), holder):
            f.close()


def _write_truth(spec: SynthSpec, persons: pd.DataFrame, rep: pd.DataFrame,
                 incidents: pd.DataFrame, ind_truth: pd.DataFrame, chat_truth: pd.DataFrame,
                 pop_size: int, pop_scale: float) -> None:
    t = spec.out / "truth"
    named = rep[~rep["anonymous"]].drop_duplicates(["reporter", "report_ref"])
    named[["reporter", "report_ref", "person_id"]].to_parquet(t / "report_persons.parquet",
                                                             index=False)
    anon = rep[rep["anonymous"]]
    anon[["reporter", "report_ref", "person_id"]].to_parquet(t / "anonymous_reports.parquet",
                                                            index=False)
    persons = persons.assign(anonymous_reported=persons["person_id"].isin(anon["person_id"]))
    cols = ["person_id", "year", "group", "main_form", "forms", "sex", "age", "nationality",
            "nationality_2", "region", "resident", "bsn", "municipality", "sexual_sector",
            "labour_sector", "criminal_manner", "dublin", "u", "n_lists",
            *[f"in_{r}" for r in P.REPORTER_CODES], "anonymous_reported", "in_bvh",
            "family_name", "given_names"]
    truth = persons[cols].copy()
    for c in ("birth_day", "exploitation_start", "exploitation_end"):
        truth[c.replace("_day", "_date")] = pd.to_datetime(persons[c].to_numpy(), unit="D").date
    truth.to_parquet(t / "hidden_population.parquet", index=False)
    incidents[["incident_id", "person_id", "index"]].rename(columns={"index": "is_index"}) \
        .to_parquet(t / "police_victims.parquet", index=False)
    ind_truth.to_parquet(t / "ind_persons.parquet", index=False)
    chat_truth.to_parquet(t / "chat_visitors.parquet", index=False)
    hidden = persons.groupby(["year", "main_form"]).agg(
        true_victims=("person_id", "size"),
        registered=("group", lambda g: int((g == "registered").sum()))).reset_index()
    doc = {"seed": spec.seed, "scale": spec.scale, "population_scale": pop_scale,
           "population_size": pop_size, "years": list(spec.years),
           "hidden_population": hidden.to_dict(orient="records"), "planted": P.to_json()}
    (t / "parameters.json").write_text(json.dumps(doc, indent=1, default=_json) + "\n")


def _json(value: object) -> object:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return str(value)
