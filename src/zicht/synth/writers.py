"""Deterministic writers: Parquet with fixed schemas (no timestamps in metadata) and
CSV with a fixed column order and line ending, so one seed gives byte-identical files."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from zicht.synth import bsn as B
from zicht.synth.traits import NULL_DAY

_D = pa.date32()
SCHEMAS: dict[str, pa.Schema] = {
    "population": pa.schema([("bsn", pa.string()), ("sex", pa.string()), ("birth_date", _D),
                             ("municipality", pa.string()), ("registered_from", _D),
                             ("registered_until", _D)]),
    # The population-register holder's own names file: never a source, never crosses;
    # the holder encodes it for privacy-preserving linkage (docs/pprl.md).
    "register_names": pa.schema([("bsn", pa.string()), ("family_name", pa.string()),
                                 ("given_names", pa.string()), ("birth_date", _D),
                                 ("sex", pa.string())]),
    "police_incidents": pa.schema([
        ("incident_id", pa.string()), ("bsn", pa.string()), ("role", pa.string()),
        ("offence_code", pa.string()), ("offence_group", pa.string()),
        ("registration_date", _D), ("offence_start", _D), ("offence_end", _D),
        ("police_unit", pa.string()), ("victim_report", pa.bool_()),
        ("nationality", pa.string())]),
    "police_suspects": pa.schema([
        ("suspect_id", pa.string()), ("incident_id", pa.string()),
        ("registration_date", _D), ("offence_code", pa.string()),
        ("age_at_registration", pa.int16()), ("nationality", pa.string())]),
    "ind_decisions": pa.schema([
        ("decision_id", pa.string()), ("bsn", pa.string()), ("qualification", pa.string()),
        ("procedure", pa.string()), ("decision_date", _D), ("outcome", pa.string()),
        ("ground", pa.string()), ("dublin_indication", pa.bool_()), ("sex", pa.string()),
        ("birth_year", pa.int16()), ("nationality", pa.string()),
        ("v_number", pa.string())]),
    "youth_care": pa.schema([
        ("bsn", pa.string()), ("start_date", _D), ("end_date", _D), ("care_type", pa.string()),
        ("with_stay", pa.bool_()), ("referrer", pa.string()), ("end_reason", pa.string())]),
    "wmo_shelter": pa.schema([("bsn", pa.string()), ("start_date", _D), ("end_date", _D),
                              ("shelter_type", pa.string())]),
    "health_costs": pa.schema([
        ("bsn", pa.string()), ("year", pa.int16()),
        ("mental_health_specialist_eur", pa.float64()), ("mental_health_basic_eur",
                                                          pa.float64()),
        ("total_eur", pa.float64())]),
    "justice_cases": pa.schema([
        ("case_id", pa.string()), ("incident_id", pa.string()), ("form", pa.string()),
        ("incident_year", pa.int16()), ("suspect_known", pa.bool_()),
        ("victim_report", pa.bool_()), ("prosecution_year", pa.int16()),
        ("prosecution_decision", pa.string()), ("court_year", pa.int16()),
        ("court_decision", pa.string()), ("unconditional_prison_days", pa.int64()),
        ("registering_agency", pa.string())]),
    "chat_contacts": pa.schema([
        ("contact_id", pa.string()), ("visitor_key", pa.string()), ("contact_date", _D),
        ("trafficking_question", pa.bool_()), ("about", pa.string()), ("minor", pa.bool_()),
        ("forms", pa.list_(pa.string())), ("still_unsafe", pa.bool_()),
        ("duration", pa.string()), ("parents_exploiters", pa.bool_()),
        ("several_perpetrators", pa.bool_()), ("criminal_manner", pa.string()),
        ("met_where", pa.string()), ("first_disclosure", pa.bool_())]),
    # Routes (issue 15): each carries the foreigner number and the BSN where known.
    "reflection_offers": pa.schema([
        ("offer_id", pa.string()), ("v_number", pa.string()), ("bsn", pa.string()),
        ("offer_date", _D), ("offered_by", pa.string()), ("form", pa.string()),
        ("outcome", pa.string()), ("start_date", _D), ("end_date", _D),
        ("dublin_indication", pa.bool_()), ("sex", pa.string()), ("birth_year", pa.int16()),
        ("nationality", pa.string())]),
    "cosm_stays": pa.schema([
        ("stay_id", pa.string()), ("v_number", pa.string()), ("bsn", pa.string()),
        ("intake_date", _D), ("exit_date", _D), ("destination", pa.string()),
        ("form", pa.string()), ("sex", pa.string()), ("birth_year", pa.int16()),
        ("nationality", pa.string())]),
    "shelter_places": pa.schema([("year", pa.int16()), ("places", pa.int32()),
                                 ("protected_shelter_places", pa.int32())]),
    "protected_shelter": pa.schema([
        ("stay_id", pa.string()), ("v_number", pa.string()), ("bsn", pa.string()),
        ("intake_date", _D), ("exit_date", _D), ("destination", pa.string()),
        ("sex", pa.string()), ("birth_year", pa.int16()), ("nationality", pa.string())]),
    "nidos_guardianship": pa.schema([
        ("guardianship_id", pa.string()), ("v_number", pa.string()), ("bsn", pa.string()),
        ("start_date", _D), ("end_date", _D), ("end_reason", pa.string()),
        ("placement", pa.string()), ("sex", pa.string()), ("birth_year", pa.int16()),
        ("nationality", pa.string())]),
    "wmo_housing": pa.schema([
        ("record_id", pa.string()), ("v_number", pa.string()), ("bsn", pa.string()),
        ("provision", pa.string()), ("start_date", _D), ("end_date", _D),
        ("municipality", pa.string())]),
    "coa_stays": pa.schema([
        ("stay_id", pa.string()), ("v_number", pa.string()), ("bsn", pa.string()),
        ("location", pa.string()), ("intake_date", _D), ("exit_date", _D),
        ("sex", pa.string()), ("birth_year", pa.int16()), ("nationality", pa.string())]),
}


def _column(values: object, typ: pa.DataType) -> pa.Array:
    """One column in its contract type: day numbers -> date32, "" and None -> null."""
    if typ == _D:
        arr = np.asarray(values, dtype=np.int64)
        return pa.array(arr.astype(np.int32), type=pa.int32(),
                        mask=arr <= NULL_DAY).cast(_D)
    out = pa.array(values, type=typ, from_pandas=True)
    if typ == pa.string():
        out = pc.if_else(pc.equal(out, ""), pa.scalar(None, pa.string()), out)
    return out


def slots_to_bsn(slot: np.ndarray) -> pa.Array:
    """Register slots -> BSN strings (null where the slot is negative)."""
    slot = np.asarray(slot, dtype=np.int64)
    values = B.bsn_for_slots(np.maximum(slot, 0))
    return pa.array(values, mask=slot < 0).cast(pa.string())


def to_table(df: pd.DataFrame, name: str) -> pa.Table:
    """A frame in the fixed schema of ``name``; a ``slot`` column becomes ``bsn``."""
    schema = SCHEMAS[name]
    cols = []
    for field in schema:
        if field.name == "bsn" and "slot" in df:
            cols.append(slots_to_bsn(df["slot"].to_numpy()))
        else:
            cols.append(_column(df[field.name], field.type))
    return pa.Table.from_arrays(cols, schema=schema)


def writer(path: Path, name: str) -> pq.ParquetWriter:
    return pq.ParquetWriter(path, SCHEMAS[name], compression="zstd")


def write_table(path: Path, table: pa.Table) -> None:
    """One Parquet file, deterministic (pyarrow writes no timestamps)."""
    pq.write_table(table, path, compression="zstd")


def write_csv(path: Path, rows: pd.DataFrame, columns: tuple[str, ...]) -> None:
    """CSV in the import contract: header, ``\\n`` line ends, empty cell = unknown."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        w.writerows(rows[list(columns)].astype(str).itertuples(index=False, name=None))
