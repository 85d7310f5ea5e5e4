"""Fixtures of the estimate tests: the reference tables and a small research extract."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zicht.research.estimate import CaptureTable, reference_table
from zicht.research.estimate.extract import LISTS


@pytest.fixture(scope="session")
def uk5() -> CaptureTable:
    return reference_table("uk_2013_5lists")


@pytest.fixture(scope="session")
def uk6() -> CaptureTable:
    return reference_table("uk_2013_6lists")


@pytest.fixture(scope="session")
def artificial() -> CaptureTable:
    return reference_table("artificial_3lists")


@pytest.fixture(scope="session")
def hiv() -> CaptureTable:
    return reference_table("rcapture_hiv_4lists")


#: Capture probability of each reporter type (police, kmar, inspectie_szw, fairwork,
#: care_coordinator, other) in the fixture extract; kmar is tiny so it gets merged.
_PROBS = (0.30, 0.004, 0.06, 0.12, 0.20, 0.15)


def write_extract(directory: Path, people_per_stratum: int = 1500, seed: int = 7) -> dict:
    """A research extract (data-flow.md §2) of independent lists over 2 years x 2 forms.

    Returns the true totals per (year, form). One report per (victim, reporter).
    """
    rng = np.random.default_rng(seed)
    cols: dict[str, list] = {name: [] for name in (
        "report_pid", "victim_pid", "person_pid", "anonymous", "reporter", "police_unit",
        "report_date", "sex", "nationality", "nationality_2", "birth_year", "age_at_report",
        "forms", "sexual_sector", "labour_sectors", "criminal_manner", "municipality",
        "dublin_indication")}
    truth = {}
    rid = 0
    for year in (2019, 2020):
        for form in ("labour", "criminal"):
            truth[(year, form)] = people_per_stratum
            caught = rng.random((people_per_stratum, len(LISTS))) < np.array(_PROBS)
            for i in range(people_per_stratum):
                for j in np.flatnonzero(caught[i]):
                    rid += 1
                    cols["report_pid"].append(f"r{rid}")
                    cols["victim_pid"].append(f"v{year}{form}{i}")
                    cols["person_pid"].append(None)
                    cols["anonymous"].append(False)
                    cols["reporter"].append(LISTS[j])
                    cols["police_unit"].append(None)
                    cols["report_date"].append(dt.date(year, 1 + (i % 12), 1))
                    cols["sex"].append("male")
                    cols["nationality"].append("PL")
                    cols["nationality_2"].append(None)
                    cols["birth_year"].append(1990)
                    cols["age_at_report"].append(30)
                    cols["forms"].append([form])
                    cols["sexual_sector"].append(None)
                    cols["labour_sectors"].append([])
                    cols["criminal_manner"].append(None)
                    cols["municipality"].append(None)
                    cols["dublin_indication"].append(False)
    # one anonymous report: never linked, never counted
    for name in cols:
        cols[name].append(cols[name][-1])
    cols["report_pid"][-1] = "anon"
    cols["victim_pid"][-1] = None
    cols["anonymous"][-1] = True
    schema = pa.schema([
        ("report_pid", pa.string()), ("victim_pid", pa.string()), ("person_pid", pa.string()),
        ("anonymous", pa.bool_()), ("reporter", pa.string()), ("police_unit", pa.string()),
        ("report_date", pa.date32()), ("sex", pa.string()), ("nationality", pa.string()),
        ("nationality_2", pa.string()), ("birth_year", pa.int16()),
        ("age_at_report", pa.int16()), ("forms", pa.list_(pa.string())),
        ("sexual_sector", pa.string()), ("labour_sectors", pa.list_(pa.string())),
        ("criminal_manner", pa.string()), ("municipality", pa.string()),
        ("dublin_indication", pa.bool_()),
    ])
    directory.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(cols, schema=schema), directory / "reports.parquet")
    return truth


@pytest.fixture(scope="session")
def extract_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    d = tmp_path_factory.mktemp("extract")
    return d, write_extract(d)
