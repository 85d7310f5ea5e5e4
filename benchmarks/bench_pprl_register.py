"""Time and memory of privacy-preserving linkage against a register of N residents
(issue 15: "the same benchmark reports the time for the full 17.5-million-resident
register").

``bench_pprl`` measures the linkage quality on a whole synthetic world, whose register
is a tenth of the Netherlands (a world of 17.5 million takes too long to generate for
every run). This benchmark measures the part that grows with the register alone, at
any size, without the rest of the world:

* N residents with names from the synthetic world's pools (``zicht.synth.names``:
  Dutch for 88%, the rest from the pools of 16 immigrant nationalities), sex and birth
  date by the world's age pyramid, written in chunks to a names file like the
  holder's (``bsn, family_name, given_names, birth_date, sex``);
* the holder's side, ``encode_register`` with the name tokens (filters, BLIP, tokens
  unique on the register);
* the research zone's ``match_encodings`` with its second pass, for 5,000 victims drawn
  from the register (70% with a full birth date, 20% a birth year only, 10% neither).

N is ``ZICHT_BENCH_PPRL_REGISTER`` (default 1.75 million; 100,000 with ``--quick``):
``ZICHT_BENCH_PPRL_REGISTER=17500000 python -m benchmarks pprl_register`` runs the full
register (about 25 minutes on the 2-core reference machine, several GB on disk in the
temp folder). Peak memory is this process's maximum resident set (``ru_maxrss``),
generation included.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from zicht.boundary.pprl import encode_register, encode_victim_names, encode_victims
from zicht.boundary.pseudonym import PseudonymKey
from zicht.research.linked.pprl_match import match_encodings
from zicht.synth import names as N
from zicht.synth.population import AGE_BANDS, IMMIGRANT_NATIONALITIES

DEFAULT_N = 1_750_000
QUICK_N = 100_000
VICTIMS = 5_000
CHUNK = 1_000_000
REF = np.datetime64("2016-01-01")
SCHEMA = pa.schema([("bsn", pa.string()), ("family_name", pa.string()),
                    ("given_names", pa.string()), ("birth_date", pa.date32()),
                    ("sex", pa.string())])


def _chunk(rng: np.random.Generator, start: int, n: int) -> pa.Table:
    """Residents ``start .. start+n`` (the BSN is the slot number: unique, never real)."""
    bands = np.asarray(AGE_BANDS) / sum(AGE_BANDS)
    age_days = ((rng.choice(len(bands), n, p=bands) * 5 + rng.random(n) * 5) * 365.25)
    birth = REF - 1 - age_days.astype("timedelta64[D]")
    sex = np.where(rng.random(n) < 0.5, "female", "male")
    pool = np.asarray(IMMIGRANT_NATIONALITIES, dtype=object)
    nationality = np.where(rng.random(n) < 0.12, pool[rng.integers(0, len(pool), n)], "NL")
    family, given = N.draw_names(rng, nationality, sex)
    return pa.table({"bsn": [f"{900_000_000 + start + i}" for i in range(n)],
                     "family_name": family, "given_names": given,
                     "birth_date": pa.array(birth.astype("datetime64[D]"), pa.date32()),
                     "sex": sex.tolist()}, schema=SCHEMA)


def write_register(path: Path, n: int, seed: int = 15) -> pa.Table:
    """Write the names file of ``n`` residents; returns ``VICTIMS`` of them (a sample)."""
    rng = np.random.default_rng(seed)
    picks = np.sort(rng.choice(n, min(VICTIMS, n), replace=False))
    sample: list[pa.Table] = []
    with pq.ParquetWriter(path, SCHEMA) as writer:
        for start in range(0, n, CHUNK):
            table = _chunk(rng, start, min(CHUNK, n - start))
            writer.write_table(table)
            inside = picks[(picks >= start) & (picks < start + table.num_rows)] - start
            sample.append(table.take(pa.array(inside)))
    return pa.concat_tables(sample)


def victim_reports(sample: pa.Table, seed: int = 16) -> pd.DataFrame:
    """The registry's view of the sampled residents: no BSN; 70% a full birth date, 20%
    a birth year only, 10% neither."""
    rng = np.random.default_rng(seed)
    frame = sample.to_pandas()
    kind = rng.choice(3, len(frame), p=[0.7, 0.2, 0.1])
    dates: list[dt.date | None] = frame["birth_date"].tolist()
    return pd.DataFrame({
        "victim_pid": [f"v{i}" for i in range(len(frame))],
        "family_name": frame["family_name"], "given_names": frame["given_names"],
        "birth_date": [d if k == 0 else None for d, k in zip(dates, kind, strict=True)],
        "birth_year": [d.year if k == 1 else None for d, k in zip(dates, kind, strict=True)],
        "sex": frame["sex"], "bsn": None}, dtype=object)


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2


def run(quick: bool) -> list[dict[str, Any]]:
    n = QUICK_N if quick else int(os.environ.get("ZICHT_BENCH_PPRL_REGISTER", DEFAULT_N))
    key = PseudonymKey(secrets.token_bytes(32))
    with tempfile.TemporaryDirectory(prefix="bench_pprl_register_") as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        sample = write_register(root / "names.parquet", n)
        t_generate = time.perf_counter() - t
        peak_generate = _peak_gb()
        reports = victim_reports(sample)
        victims, tokens = encode_victims(reports, key), encode_victim_names(reports, key)

        t, cpu = time.perf_counter(), time.process_time()
        encode_register(root / "names.parquet", root / "register.parquet", key,
                        tokens_out=root / "register_names.parquet")
        t_encode, cpu_encode = time.perf_counter() - t, time.process_time() - cpu
        peak_encode = _peak_gb()
        unique = pq.ParquetFile(root / "register_names.parquet").metadata.num_rows

        t, cpu = time.perf_counter(), time.process_time()
        result = match_encodings(victims, root / "register.parquet", victim_names=tokens,
                                 register_names=root / "register_names.parquet")
        t_match, cpu_match = time.perf_counter() - t, time.process_time() - cpu
        peak_match = _peak_gb()

    links = result.links.to_pandas()
    truth = dict(zip(reports["victim_pid"], key.pseudonyms(
        "person", sample.column("bsn").to_pylist()), strict=True))
    right = sum(truth[v] == p for v, p in zip(links["victim_pid"], links["person_pid"],
                                              strict=True))
    load = os.getloadavg()[0]
    where = f"register of {n:,} residents (measured)"
    return [
        {"benchmark": f"PPRL: encode the {where}", "value": round(t_encode, 1), "unit": "s",
         "note": f"CPU {cpu_encode:.0f} s; {unique:,} name tokens unique on the register "
                 f"sent; load average {load:.1f} at the end (2 cores, shared)"},
        {"benchmark": f"PPRL: match {len(reports):,} victims against the {where}",
         "value": round(t_match, 1), "unit": "s",
         "note": f"CPU {cpu_match:.0f} s; {len(links):,} links ({right:,} right, "
                 f"{result.name_links:,} by name token); {result.compared:,} filter pairs"},
        {"benchmark": f"PPRL: peak memory, {where}", "value": round(peak_match, 2),
         "unit": "GB", "note": f"after generating {peak_generate:.2f} GB, after encoding "
                               f"{peak_encode:.2f} GB"},
        {"benchmark": f"PPRL: generate the names file, {where}", "value": round(t_generate, 1),
         "unit": "s", "note": "synthetic names (not part of the linkage)"},
    ]
