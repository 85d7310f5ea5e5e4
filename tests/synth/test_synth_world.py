"""The world's contracts: layout, columns and types (docs/data-flow.md §1), the import
contract (docs/schema.md, checked with the registry's own validator and importer), the
truth files, and byte-identical output for one seed."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zicht.core import codes as C
from zicht.synth import SynthResult, SynthSpec, generate_world
from zicht.synth.bsn import is_valid_bsn
from zicht.synth.reports import COLUMNS

SOURCES = {  # docs/data-flow.md §1, column for column
    "population": "bsn, sex, birth_date, municipality, registered_from, registered_until",
    "police_incidents": "incident_id, bsn, role, offence_code, offence_group, "
    "registration_date, offence_start, offence_end, police_unit, victim_report, nationality",
    "police_suspects": "suspect_id, incident_id, registration_date, offence_code, "
    "age_at_registration, nationality",
    "ind_decisions": "decision_id, bsn, qualification, procedure, decision_date, outcome, "
    "ground, dublin_indication, sex, birth_year, nationality, v_number",
    "youth_care": "bsn, start_date, end_date, care_type, with_stay, referrer, end_reason",
    "wmo_shelter": "bsn, start_date, end_date, shelter_type",
    "health_costs": "bsn, year, mental_health_specialist_eur, mental_health_basic_eur, "
    "total_eur",
    "justice_cases": "case_id, incident_id, form, incident_year, suspect_known, "
    "victim_report, prosecution_year, prosecution_decision, court_year, court_decision, "
    "unconditional_prison_days, registering_agency",
    "chat_contacts": "contact_id, visitor_key, contact_date, trafficking_question, about, "
    "minor, forms, still_unsafe, duration, parents_exploiters, several_perpetrators, "
    "criminal_manner, met_where, first_disclosure",
    # routes (issue 15)
    "reflection_offers": "offer_id, v_number, bsn, offer_date, offered_by, form, outcome, "
    "start_date, end_date, dublin_indication, sex, birth_year, nationality",
    "cosm_stays": "stay_id, v_number, bsn, intake_date, exit_date, destination, form, sex, "
    "birth_year, nationality",
    "shelter_places": "year, places, protected_shelter_places",
    "protected_shelter": "stay_id, v_number, bsn, intake_date, exit_date, destination, sex, "
    "birth_year, nationality",
    "nidos_guardianship": "guardianship_id, v_number, bsn, start_date, end_date, end_reason, "
    "placement, sex, birth_year, nationality",
    "wmo_housing": "record_id, v_number, bsn, provision, start_date, end_date, municipality",
    "coa_stays": "stay_id, v_number, bsn, location, intake_date, exit_date, sex, birth_year, "
    "nationality",
}
DATES = {"offence_start", "offence_end", "registered_from", "registered_until"}
CODES = {
    ("police_incidents", "offence_group"): {"trafficking", "sexual", "violence", "homicide",
                                           "property", "public_order", "threat", "other"},
    ("ind_decisions", "procedure"): {"reflection", "temporary", "continued"},
    ("ind_decisions", "qualification"): {"779", "420", "421", "305", "301"},
    ("youth_care", "care_type"): {"neighbourhood_team", "ambulant", "day_care", "network",
                                  "foster_care", "family_style", "secure_placement",
                                  "other_residential", "crisis"},
    ("youth_care", "referrer"): {"municipality", "gp", "youth_doctor", "certified_institution",
                                 "medical_specialist", "none", "unknown"},
    ("wmo_shelter", "shelter_type"): {"emergency_shelter", "shelter", "short_stay",
                                      "sheltered_housing", "other"},
    ("justice_cases", "form"): {"sexual", "labour", "criminal", "other", "unknown"},
    ("chat_contacts", "duration"): {"lt_1y", "1_5y", "gt_5y", "unknown"},
    ("reflection_offers", "outcome"): {"accepted", "declined"},
    ("reflection_offers", "form"): {"sexual", "labour", "criminal", "unknown"},
    ("cosm_stays", "destination"): {"wmo_shelter", "womens_shelter", "housing", "azc",
                                    "unknown", "returned"},
    ("protected_shelter", "destination"): {"left_unknown", "small_living_unit",
                                           "foster_family", "other"},
    ("nidos_guardianship", "end_reason"): {"majority", "left_unknown"},
    ("wmo_housing", "provision"): {"wmo_shelter", "womens_shelter", "housing",
                                   "protected_housing", "guidance"},
    ("justice_cases", "registering_agency"): {"police", "nla"},
    ("chat_contacts", "criminal_manner"): {"drugs", "property", "fraud", "other", "unknown"},
    ("chat_contacts", "met_where"): {"online", "school_or_work", "neighbourhood", "family",
                                     "nightlife", "other", "unknown"},
}


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def test_layout(small_world: SynthResult) -> None:
    out = small_world.out
    assert sorted(p.name for p in (out / "registry").iterdir()) == [
        f"reports_{y}.csv" for y in range(2010, 2025)]
    assert {p.stem for p in (out / "sources").iterdir()} == set(SOURCES)
    for name in ("hidden_population", "report_persons", "anonymous_reports"):
        assert (out / "truth" / f"{name}.parquet").exists()
    assert (out / "truth" / "parameters.json").exists()
    assert (out / "calibration.json").exists()


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_source_columns_and_types(small_world: SynthResult, name: str) -> None:
    table = pq.read_table(small_world.out / "sources" / f"{name}.parquet")
    assert table.schema.names == SOURCES[name].split(", ")
    for field in table.schema:
        if field.name.endswith("_date") or field.name in DATES:
            assert field.type == pa.date32(), field.name
    if "bsn" in table.schema.names:
        bsns = [b for b in table.column("bsn").to_pylist() if b is not None]
        assert bsns and all(is_valid_bsn(b) for b in bsns[:5000])
    for (source, col), allowed in CODES.items():
        if source == name:
            assert set(table.column(col).drop_null().to_pylist()) <= allowed, col


def test_csv_header_and_rules(small_world: SynthResult) -> None:
    """The import contract, checked by hand (independent of the registry's code)."""
    reporters = C.codes(C.REPORTERS)
    units = C.codes(C.POLICE_UNITS)
    forms = C.codes(C.REPORTED_FORMS)
    for path in sorted((small_world.out / "registry").glob("*.csv")):
        header, rows = _read_csv(path)
        assert tuple(header) == COLUMNS
        seen = set()
        for row in rows:
            key = (row["reporter"], row["report_ref"])
            assert key not in seen
            seen.add(key)
            assert row["reporter"] in reporters
            assert set(row["forms"].split(";")) <= forms
            assert row["report_date"] <= "2024-12-31"
            if row["reporter"] == "police":
                assert row["police_unit"] in units
            if row["reporter"] not in C.INVESTIGATIVE_REPORTERS:
                assert row["consent"] in ("yes", "no")
            if row["consent"] == "no":
                assert not any(row[f] for f in C.IDENTIFYING_FIELDS)
            assert not (row["birth_date"] and row["birth_year"])
            if row["bsn"]:
                assert is_valid_bsn(row["bsn"])
            for col in ("sex", "forms", "sexual_sector", "criminal_manner", "consent"):
                assert row[col] == row[col].lower()


def test_registry_validator_accepts_every_file(small_world: SynthResult) -> None:
    from zicht.registry.files import read_rows
    from zicht.registry.record import validate_records

    for path in sorted((small_world.out / "registry").glob("*.csv")):
        raw = read_rows(path)
        batch = validate_records(raw.rows, raw.row_numbers)
        assert batch.problems == [], (path.name, batch.problems[:3])


def test_zicht_import_accepts_the_files_in_order(small_world: SynthResult,
                                                 sqlite_url: str) -> None:
    from zicht.registry.db import open_registry
    from zicht.registry.intake import import_file

    registry = open_registry(sqlite_url)
    try:
        for path in sorted((small_world.out / "registry").glob("*.csv")):
            n_rows = len(_read_csv(path)[1])
            summary = import_file(registry, path, actor="test")
            assert summary.rejected == 0
            assert summary.accepted + summary.updated == n_rows
    finally:
        registry.dispose()


def test_truth_maps_every_named_report(small_world: SynthResult) -> None:
    truth = pq.read_table(small_world.out / "truth" / "report_persons.parquet").to_pylist()
    mapped = {(r["reporter"], r["report_ref"]) for r in truth}
    assert len(mapped) == len(truth)
    named = set()
    for path in (small_world.out / "registry").glob("*.csv"):
        named |= {(r["reporter"], r["report_ref"]) for r in _read_csv(path)[1]
                  if r["consent"] != "no"}
    assert named == mapped


def test_resident_victims_are_in_the_register(small_world: SynthResult) -> None:
    people = pq.read_table(small_world.out / "truth" / "hidden_population.parquet").to_pandas()
    register = pq.read_table(small_world.out / "sources" / "population.parquet").to_pandas()
    residents = people[people["resident"]]
    merged = residents.merge(register, on="bsn", how="left", suffixes=("", "_brp"))
    assert merged["birth_date_brp"].notna().all()
    assert (merged["birth_date"] == merged["birth_date_brp"]).all()
    assert (merged.loc[merged["sex"] != "", "sex"]
            == merged.loc[merged["sex"] != "", "sex_brp"]).all()
    assert (people.loc[~people["resident"], "bsn"] == "").all()
    assert register["bsn"].is_unique


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    spec = {"scale": 0.05, "population_scale": 0.0002, "years": (2019, 2020)}
    a = generate_world(SynthSpec(out=tmp_path / "a", seed=5, **spec))
    b = generate_world(SynthSpec(out=tmp_path / "b", seed=5, **spec))
    c = generate_world(SynthSpec(out=tmp_path / "c", seed=6, **spec))
    da, db, dc = _digest(a.out), _digest(b.out), _digest(c.out)
    assert da == db
    assert sorted(da) == sorted(dc)
    # the capture model's solved parameters are a function of the planted totals alone
    # (expectations over the visibility distribution), the same for every seed
    solved = "capture_model.parquet"
    # ... and the shelter places are the seed's capacities (58 COSM, 18 BO), not drawn
    fixed = (solved, "shelter_places.parquet")
    assert all(da[k] != dc[k] for k in da if k.endswith((".csv", ".parquet"))
               and not k.endswith(fixed)), [k for k in da if da[k] == dc[k]]
    assert any(k.endswith(solved) for k in da)


def test_cli_writes_a_world(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from zicht.cli import app

    result = CliRunner().invoke(app, ["synth", "--out", str(tmp_path), "--seed", "2",
                                      "--scale", "0.02", "--population-scale", "0.0002",
                                      "--years", "2019-2020"])
    assert result.exit_code == 0, result.output
    assert "calibration:" in result.output
    assert sorted(p.name for p in (tmp_path / "registry").iterdir()) == [
        "reports_2019.csv", "reports_2020.csv"]


def test_bad_scale_is_refused_with_advice(tmp_path: Path) -> None:
    from zicht.core.errors import ConfigError

    with pytest.raises(ConfigError, match=r"--scale 0\.05"):
        generate_world(SynthSpec(out=tmp_path, scale=0))
