"""``zicht extract``: the research-zone extract, the only way out of the registry.

Writes the files of ``docs/data-flow.md`` §2: ``reports.parquet`` (one row per report,
anonymous ones included), ``victims.parquet`` (one row per unique victim),
``sources/*.parquet`` (the linked sources through their allow-lists: ``bsn``
pseudonymised by the same key, record ids pseudonymised, person-bound dates coarsened,
anything unlisted refused) and ``manifest.json``.

Names are never read. BSNs and birth dates are decrypted in memory only, to make the
person pseudonym, the birth year and the age at the report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import Connection

from zicht import __version__
from zicht.boundary.allowlist import Rule, Transform, check_source_schema
from zicht.boundary.pprl import encode_register, encode_victim_names, encode_victims
from zicht.boundary.pseudonym import KEY_HELP, PseudonymKey, key_file_inside
from zicht.core.config import get_settings
from zicht.core.errors import ConfigError, ConflictError
from zicht.core.private import private_dir, private_file
from zicht.core.progress import Tick, no_progress
from zicht.registry.audit import append_audit, cli_actor
from zicht.registry.db import Registry
from zicht.registry.reports import read_reports

__all__ = ["REPORT_SCHEMA", "VICTIM_SCHEMA", "ExtractResult", "write_extract"]

REPORT_SCHEMA = pa.schema([
    ("report_pid", pa.string()), ("victim_pid", pa.string()), ("person_pid", pa.string()),
    ("anonymous", pa.bool_()), ("reporter", pa.string()), ("police_unit", pa.string()),
    ("report_date", pa.date32()), ("sex", pa.string()), ("nationality", pa.string()),
    ("nationality_2", pa.string()), ("birth_year", pa.int16()), ("age_at_report", pa.int16()),
    ("forms", pa.list_(pa.string())), ("sexual_sector", pa.string()),
    ("labour_sectors", pa.list_(pa.string())), ("criminal_manner", pa.string()),
    ("municipality", pa.string()), ("dublin_indication", pa.bool_()),
    ("exploitation_start", pa.date32()), ("exploitation_end", pa.date32()),
])
VICTIM_SCHEMA = pa.schema([
    ("victim_pid", pa.string()), ("person_pid", pa.string()), ("n_reports", pa.int32()),
    ("first_report_date", pa.date32()),
])


@dataclass(frozen=True)
class ExtractResult:
    """What was written: the manifest's content."""

    out_dir: Path
    manifest: dict[str, Any]

    def summary(self) -> str:
        c = self.manifest["counts"]
        return (f"extract {self.manifest['snapshot_id']} in {self.out_dir}: "
                f"{c['reports']} reports ({c['anonymous_reports']} anonymous), "
                f"{c['victims']} unique victims, {len(c.get('sources', {}))} sources; "
                f"key {self.manifest['key_id']}")


def age_at(report: dt.date, birth: dt.date | None, year: int | None) -> int | None:
    """Completed years on ``report``; from a birth year alone, as if born on 1 July."""
    if birth is None:
        if year is None:
            return None
        birth = dt.date(year, 7, 1)
    age = report.year - birth.year - ((report.month, report.day) < (birth.month, birth.day))
    return age


def _reports_table(conn: Connection, registry: Registry, key: PseudonymKey,
                   actor: str) -> tuple[pa.Table, int, tuple[pa.Table, pa.Table]]:
    """The reports rows, how many registered reports have no victim yet, and the
    keyed encodings and name tokens of victims without a BSN on any report
    (``docs/pprl.md``)."""
    table = read_reports(conn, registry.cipher, actor=actor, include_bsn=True)
    rows = table.select([
        "organisation", "report_ref", "anonymous", "erased_at", "victim_id", "bsn",
        "birth_date", "birth_year", "report_date", "family_name", "given_names", "sex",
    ]).to_pylist()
    # A report whose identity was erased (consent withdrawn) is an anonymous report now.
    anonymous = [bool(r["anonymous"]) or r["erased_at"] is not None for r in rows]
    victim_ids = [None if a or r["victim_id"] is None else str(r["victim_id"])
                  for r, a in zip(rows, anonymous, strict=True)]
    unlinked = sum(1 for v, a in zip(victim_ids, anonymous, strict=True) if v is None and not a)
    births = [r["birth_date"] for r in rows]
    years = [b.year if b else r["birth_year"] for b, r in zip(births, rows, strict=True)]
    ages = [age_at(r["report_date"], r["birth_date"], r["birth_year"]) for r in rows]
    bsn = [None if a else r["bsn"] for r, a in zip(rows, anonymous, strict=True)]
    refs = [f"{r['organisation']}/{r['report_ref']}" for r in rows]
    data = {
        "report_pid": pa.array(key.pseudonyms("report", refs), pa.string()),
        "victim_pid": pa.array(key.pseudonyms("victim", victim_ids), pa.string()),
        "person_pid": pa.array(key.pseudonyms("person", bsn), pa.string()),
        "anonymous": pa.array(anonymous, pa.bool_()),
        "birth_year": pa.array(years, pa.int16()),
        "age_at_report": pa.array(ages, pa.int16()),
        "labour_sectors": table.column("labour_sector"),
    }
    columns = [data[f.name] if f.name in data else table.column(f.name).cast(f.type)
               for f in REPORT_SCHEMA]
    # Names, birth dates and sex are encoded in memory and never written as values.
    identities = pd.DataFrame({
        "victim_pid": data["victim_pid"].to_pylist(),
        "family_name": [r["family_name"] for r in rows],
        "given_names": [r["given_names"] for r in rows],
        "birth_date": births, "birth_year": years, "sex": [r["sex"] for r in rows],
        "bsn": bsn})
    encodings = (encode_victims(identities, key), encode_victim_names(identities, key))
    return pa.Table.from_arrays(columns, schema=REPORT_SCHEMA), unlinked, encodings


def _victims_table(reports: pa.Table) -> pa.Table:
    frame = reports.select(["victim_pid", "person_pid", "report_date"]).to_pandas()
    frame = frame[frame["victim_pid"].notna()]
    grouped = frame.groupby("victim_pid", sort=True).agg(
        person_pid=("person_pid", lambda s: s.dropna().mode().iat[0] if s.notna().any() else None),
        n_reports=("report_date", "size"), first_report_date=("report_date", "min"),
    ).reset_index()
    return pa.Table.from_pandas(grouped, schema=VICTIM_SCHEMA, preserve_index=False)


def _births_of(source: pq.ParquetFile, population: Path | None) -> pa.Table | None:
    """``bsn, birth_date`` from the population register for the persons of ``source``
    (one row per BSN), or None when there is nothing to compare with."""
    if population is None or "bsn" not in source.schema_arrow.names:
        return None
    bsns = pc.unique(source.read(columns=["bsn"]).column("bsn").combine_chunks().drop_null())
    pop = pq.read_table(population, columns=["bsn", "birth_date"])
    pop = pop.filter(pc.and_(pc.is_in(pop.column("bsn"), value_set=bsns),
                             pc.is_valid(pop.column("birth_date"))))
    return pop.group_by("bsn").aggregate([("birth_date", "min")]).rename_columns(
        ["bsn", "birth_date"])


def _off_birth_dates(column: pa.ChunkedArray, births: pa.Array) -> tuple[pa.Array, int]:
    """An event date on the person's own birth date crosses one day later: it would
    otherwise carry the birth date across (``docs/boundary.md``)."""
    dates = column.combine_chunks()
    same = pc.fill_null(pc.equal(dates, births), False)
    moved = int(pc.sum(same).as_py() or 0)
    if not moved:
        return dates, 0
    later = pc.add(dates.cast(pa.int32()), pa.scalar(1, pa.int32())).cast(pa.date32())
    return pc.if_else(same, later, dates), moved


def _apply_rules(table: pa.Table, rules: dict[str, Rule], key: PseudonymKey,
                 births: pa.Table | None = None) -> tuple[pa.Table, int]:
    """One batch through the allow-list: every column transformed as declared; and how
    many event dates were moved off a birth date."""
    birth_of_row: pa.Array | None = None
    if births is not None and births.num_rows and "bsn" in table.column_names:
        index = pc.index_in(table.column("bsn"), value_set=births.column("bsn"))
        birth_of_row = births.column("birth_date").combine_chunks().take(index)
    names: list[str] = []
    columns: list[pa.Array | pa.ChunkedArray] = []
    moved = 0
    for name in table.column_names:
        rule, column = rules[name], table.column(name)
        if rule.transform is Transform.DROP:
            continue
        if rule.transform is Transform.PERSON:
            column = pa.array(key.pseudonyms("person", column.to_pylist()), pa.string())
        elif rule.transform is Transform.PSEUDONYM:
            column = pa.array(key.pseudonyms(rule.domain or name, column.to_pylist()),
                              pa.string())
        elif rule.transform is Transform.YEAR:
            column = pc.year(column).cast(pa.int16())
        elif rule.transform is Transform.MONTH:
            column = pc.strftime(column, format="%Y-%m")
        elif birth_of_row is not None and column.type == pa.date32():
            column, n = _off_birth_dates(column, birth_of_row)
            moved += n
        names.append(rule.out_name(name))
        columns.append(column)
    return pa.Table.from_arrays(columns, names=names), moved


def _pseudonymise_source(src: Path, dst: Path, key: PseudonymKey,
                         population: Path | None = None) -> tuple[int, int]:
    """Stream one source file through its allow-list (``zicht.boundary.allowlist``);
    the rows written and the event dates moved off a birth date."""
    reader = pq.ParquetFile(src)
    rules = check_source_schema(src.stem, reader.schema_arrow)
    births = _births_of(reader, population)
    writer: pq.ParquetWriter | None = None
    rows = moved = 0
    with private_file(dst) as fh:
        try:
            for batch in reader.iter_batches(batch_size=500_000):
                table, n = _apply_rules(pa.Table.from_batches([batch]), rules, key, births)
                if writer is None:
                    writer = pq.ParquetWriter(fh, table.schema)
                writer.write_table(table)
                rows += table.num_rows
                moved += n
        finally:
            if writer is not None:
                writer.close()
        if writer is None:  # an empty source still crosses as an empty file with its schema
            empty, _ = _apply_rules(reader.schema_arrow.empty_table(), rules, key)
            pq.write_table(empty, fh)
    return rows, moved


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_extract(registry: Registry, out_dir: Path, key: PseudonymKey, *,
                  sources_dir: Path | None = None, actor: str | None = None,
                  progress: Tick | None = None,
                  register_names: Path | None = None) -> ExtractResult:
    """Write the pseudonymised extract of ``registry`` to ``out_dir``; with
    ``register_names`` (the population-register holder's names file) also its keyed
    encodings for linkage without a BSN (``docs/pprl.md``)."""
    tick = progress or no_progress
    if key_file_inside(out_dir, get_settings()):
        raise ConfigError(f"The pseudonym key file lies inside the extract directory "
                          f"{out_dir}; it would cross the boundary. " + KEY_HELP)
    sources = sorted(Path(sources_dir).glob("*.parquet")) if sources_dir is not None else []
    for src in sources:  # refuse before anything is read or written
        check_source_schema(src.stem, pq.read_schema(src))
    private_dir(out_dir)
    if register_names is not None and not Path(register_names).is_file():
        raise ConfigError(f"The register names file {register_names} does not exist.")
    steps = 2 + len(sources) + (register_names is not None)
    tick("reading the registry", 0, steps)
    with registry.begin() as conn:
        reports, unlinked, encodings = _reports_table(conn, registry, key,
                                                      actor or cli_actor())
        if unlinked:
            raise ConflictError(
                f"{unlinked} non-anonymous reports belong to no unique victim yet. Expected "
                "every registered report to be deduplicated; run `zicht dedupe` first.",
                unlinked=unlinked)
        snapshot_id = uuid.uuid4().hex
        append_audit(conn, actor=actor or cli_actor(), action="extract.write",
                     record_type="extract", record_id=snapshot_id)
    tick("reports and victims", 1, steps)
    victims = _victims_table(reports)
    for name, table in (("reports", reports), ("victims", victims)):
        with private_file(out_dir / f"{name}.parquet") as fh:
            pq.write_table(table, fh)
    counts: dict[str, Any] = {
        "reports": reports.num_rows,
        "anonymous_reports": int(pc.sum(reports.column("anonymous")).as_py() or 0),
        "victims": victims.num_rows,
    }
    files = ["reports.parquet", "victims.parquet", "pprl/victims.parquet",
             "pprl/victim_names.parquet"]
    private_dir(out_dir / "pprl")
    for name, table in zip(("victims", "victim_names"), encodings, strict=True):
        with private_file(out_dir / "pprl" / f"{name}.parquet") as fh:
            pq.write_table(table, fh)
    counts["pprl_victim_encodings"] = encodings[0].num_rows
    counts["pprl_victim_name_tokens"] = encodings[1].num_rows
    if register_names is not None:
        tick("encoding the population register", steps - 1, steps)
        with (private_file(out_dir / "pprl" / "register.parquet") as fh,
              private_file(out_dir / "pprl" / "register_names.parquet") as tokens):
            counts["pprl_register_encodings"] = encode_register(
                Path(register_names), fh, key, tokens_out=tokens)
        counts["pprl_register_name_tokens"] = pq.read_metadata(
            out_dir / "pprl" / "register_names.parquet").num_rows
        files += ["pprl/register.parquet", "pprl/register_names.parquet"]
    if sources_dir is not None:
        private_dir(out_dir / "sources")
        counts["sources"] = {}
        counts["event_dates_moved_off_birth_dates"] = {}
        population = next((p for p in sources if p.stem == "population"), None)
        for i, src in enumerate(sources):
            tick(f"source {src.stem}", 2 + i, steps)
            rows, moved = _pseudonymise_source(src, out_dir / "sources" / src.name, key,
                                               population)
            counts["sources"][src.stem] = rows
            counts["event_dates_moved_off_birth_dates"][src.stem] = moved
            files.append(f"sources/{src.name}")
    tick("manifest", steps, steps)
    manifest = {
        "snapshot_id": snapshot_id,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "zicht_version": __version__,
        "key_id": key.key_id,
        "counts": counts,
        "files": {name: {"sha256": _sha256(out_dir / name)} for name in files},
    }
    with private_file(out_dir / "manifest.json") as fh:
        fh.write(json.dumps(manifest, indent=2).encode())
    return ExtractResult(out_dir=out_dir, manifest=manifest)
