"""Capture tables and the known truth of a synthetic world (``zicht synth`` output).

The tables are the ones ``zicht estimate --extract`` builds, with **perfect linkage**:
the registry CSVs (re-sends collapsed, the last version of each ``reporter`` +
``report_ref`` winning, as the registry's update does) become a research extract in
which the victim of each named report is the true person behind it
(``truth/report_persons.parquet``); anonymous reports have no victim. The extract's own
code then builds the victim-years, applies the monitor's exclusions (KMar-only sexual
exploitation) and counts the capture histories per stratum
(:func:`zicht.research.estimate.extract.tables_from_extract`). Only import, dedupe and
pseudonymisation are skipped; they have their own tests, and linkage errors would mix a
second error source into what this measures.

The truth per report year is every true victim of that year's cohort in the capture
process (``truth/hidden_population.parquet``, groups ``registered`` and
``unregistered``); the KMar-only group, which the monitor excludes, is left out of both
sides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from zicht.boundary.extract import REPORT_SCHEMA, age_at
from zicht.core.errors import NotFoundError

#: Groups of ``truth/hidden_population.parquet`` that the capture process covers.
CAPTURED_GROUPS = ("registered", "unregistered")


def write_linked_extract(world: Path, out: Path,
                         pseudonym: Callable[[str], str] | None = None,
                         sources: Sequence[str] | None = None) -> Path:
    """Write ``out/reports.parquet`` from the world's registry with the true persons as
    victims (see the module docstring); returns ``out``.

    With ``pseudonym`` (bsn -> person_pid) the reports carry ``person_pid`` and the
    world's linked sources are written to ``out/sources`` keyed by it, as the boundary
    would (only the sources named in ``sources``, default all); without, reports have
    no ``person_pid`` and no sources are written.
    """
    files = sorted((world / "registry").glob("reports_*.csv"))
    if not files:
        raise NotFoundError(f"No registry/reports_*.csv in {world}. Expected a synthetic "
                            "world; make one with `zicht synth --out DIR`.")
    rep = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in files],
                    ignore_index=True).drop_duplicates(["reporter", "report_ref"], keep="last")
    named = pd.read_parquet(world / "truth" / "report_persons.parquet")
    rep = rep.merge(named, on=["reporter", "report_ref"], how="left")
    pq.write_table(pa.Table.from_pylist(_report_rows(rep, pseudonym), schema=REPORT_SCHEMA),
                   _mkdir(out) / "reports.parquet")
    if pseudonym is not None:
        _write_sources(world, _mkdir(out / "sources"), pseudonym, sources)
    return out


def _write_sources(world: Path, out: Path, pseudonym: Callable[[str], str],
                   names: Sequence[str] | None) -> None:
    for src in sorted((world / "sources").glob("*.parquet")):
        if names is not None and src.stem not in names:
            continue
        table = pq.read_table(src)
        if "bsn" in table.column_names:
            pids = pa.array([pseudonym(b) if b else None for b in table["bsn"].to_pylist()],
                            pa.string())
            table = table.set_column(table.column_names.index("bsn"), "person_pid", pids)
        pq.write_table(table, out / src.name)


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _report_rows(rep: pd.DataFrame, pseudonym: Callable[[str], str] | None = None,
                 ) -> list[dict[str, object]]:
    """One extract row per report, in the schema of docs/data-flow.md §2."""
    rows = []
    for i, r in enumerate(rep.itertuples(index=False)):
        report_date = dt.date.fromisoformat(r.report_date)
        birth = _date(r.birth_date)
        year = int(r.birth_year) if r.birth_year else (birth.year if birth else None)
        anonymous = bool(pd.isna(r.person_id))
        rows.append({
            "report_pid": f"r{i}", "victim_pid": None if anonymous else f"v{r.person_id}",
            "person_pid": pseudonym(r.bsn) if pseudonym and r.bsn else None,
            "anonymous": anonymous, "reporter": r.reporter,
            "police_unit": r.police_unit or None, "report_date": report_date,
            "sex": r.sex or None, "nationality": r.nationality or None,
            "nationality_2": r.nationality_2 or None, "birth_year": year,
            "age_at_report": age_at(report_date, birth, year), "forms": _list(r.forms) or [],
            "sexual_sector": r.sexual_sector or None, "labour_sectors": _list(r.labour_sector),
            "criminal_manner": r.criminal_manner or None,
            "municipality": r.municipality or None,
            "dublin_indication": {"yes": True, "no": False}.get(r.dublin_indication),
            "exploitation_start": _date(r.exploitation_start),
            "exploitation_end": _date(r.exploitation_end),
        })
    return rows


def _list(value: object) -> list[str] | None:
    return [x for x in value.split(";") if x] if isinstance(value, str) and value else None


def _date(value: object) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def true_totals(world: Path) -> pd.DataFrame:
    """Per report year: ``true_total`` (every victim in the capture process) and
    ``true_registered`` (those found by at least one list)."""
    path = world / "truth" / "hidden_population.parquet"
    if not path.exists():
        raise NotFoundError(f"No {path}. Expected a synthetic world with its truth "
                            "tables; make one with `zicht synth --out DIR`.")
    people = pd.read_parquet(path, columns=["year", "group"])
    people = people[people["group"].isin(CAPTURED_GROUPS)]
    out = people.groupby("year").agg(
        true_total=("group", "size"),
        true_registered=("group", lambda g: int(np.sum(g == "registered"))))
    out.index = out.index.astype(int)
    return out


def form_truth(world: Path) -> pd.DataFrame:
    """Per (year, form) of the capture process (``truth/capture_model.parquet``):
    ``true_total``, ``true_registered`` and the heterogeneity ``sigma`` (standard
    deviation of the latent visibility on the logit scale)."""
    path = world / "truth" / "capture_model.parquet"
    if not path.exists():
        raise NotFoundError(f"No {path}. Expected a synthetic world with its capture "
                            "model; make one with `zicht synth --out DIR`.")
    model = pd.read_parquet(path)
    total = next((c for c in ("true_victims", "N", "true_total") if c in model.columns), None)
    if total is None or not {"registered", "sigma"} <= set(model.columns):
        raise NotFoundError(f"{path} has columns {', '.join(model.columns)}; expected "
                            "year, form, true_victims (or N), registered and sigma.")
    out = model.rename(columns={total: "true_total", "registered": "true_registered"})
    out["year"] = out["year"].astype(int)
    return out.set_index(["year", "form"])[["true_total", "true_registered", "sigma"]]


def capture_rows(seed: int, years: Sequence[int], scale: float = 1.0,
                 ) -> tuple[list[dict[str, object]], pd.DataFrame, pd.DataFrame]:
    """The capture-only path: ``(rows, truth, form truth)`` of the world of ``seed``
    without generating it (:func:`zicht.synth.world.capture_only`, the same draws as the
    full world).

    ``rows`` are ``(year, form, h, n)`` as :func:`histories_sql` gives them, ``h`` with
    bit ``j`` = reporter type ``j`` of ``extract.LISTS``, with the monitor's exclusion
    (sexual exploitation reported by the KMar alone) applied; ``form`` is the capture
    stratum (the synth's hidden form). ``truth`` and ``form truth`` are shaped as
    :func:`true_totals` and :func:`form_truth`.
    """
    from zicht.research.estimate.extract import LISTS
    from zicht.synth import params as P
    from zicht.synth.world import capture_only

    if tuple(P.REPORTER_CODES) != LISTS:
        raise AssertionError("synth reporter order differs from the extract's lists")
    weights = 1 << np.arange(len(LISTS))
    kmar = 1 << LISTS.index("kmar")
    rows: list[dict[str, object]] = []
    totals, models = [], []
    for year in years:
        cap = capture_only(seed, year, scale)
        h = cap.histories() @ weights
        sexual = cap.registered["forms"].str.contains("sexual").to_numpy()
        # the capture stratum of each registered victim, as in detection.assign_reporters
        form = cap.registered["main_form"].replace({"sexual_unknown": "cross_border_sexual"})
        keep = (h > 0) & ~(sexual & (h == kmar))
        counted = pd.DataFrame({"form": form.to_numpy()[keep], "h": h[keep]}) \
            .value_counts().sort_index()
        rows += [{"year": year, "form": f, "h": int(hh), "n": int(n)}
                 for (f, hh), n in counted.items()]
        totals.append({"year": year, "true_total": cap.true_total,
                       "true_registered": len(cap.registered)})
        models += cap.model
    truth = pd.DataFrame(totals).set_index("year")
    model = pd.DataFrame(models).rename(columns={"true_victims": "true_total",
                                                 "registered": "true_registered"})
    forms = model.set_index(["year", "form"])[["true_total", "true_registered", "sigma"]]
    return rows, truth, forms
