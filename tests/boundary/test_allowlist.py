"""The boundary's allow-list (security finding 2): every column of every source of a
synthetic world crosses only as declared; no exact person-bound date and no source
record id crosses in clear; anything unlisted is refused before anything is written."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zicht.boundary import PseudonymKey, write_extract
from zicht.boundary.allowlist import SOURCE_ALLOW_LIST, Transform
from zicht.core.config import Settings
from zicht.core.errors import ValidationError
from zicht.registry.db import Registry, open_registry
from zicht.synth import SynthSpec, generate_world

#: Columns that are a source's own record number (the finding: BVH..., OM case, IND).
RECORD_IDS = {("police_incidents", "incident_id"), ("justice_cases", "case_id"),
              ("justice_cases", "incident_id"), ("ind_decisions", "decision_id"),
              ("chat_contacts", "contact_id"), ("chat_contacts", "visitor_key"),
              # routes (issue 15): record ids and the foreigner number (a person number)
              ("reflection_offers", "offer_id"), ("cosm_stays", "stay_id"),
              ("protected_shelter", "stay_id"), ("nidos_guardianship", "guardianship_id"),
              ("wmo_housing", "record_id"), ("coa_stays", "stay_id"),
              ("coa_stays", "location"),
              *((s, "v_number") for s in ("ind_decisions", "reflection_offers", "cosm_stays",
                                          "protected_shelter", "nidos_guardianship",
                                          "wmo_housing", "coa_stays"))}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate_world(SynthSpec(out=out, seed=3, scale=0.05, population_scale=0.002,
                             years=(2010, 2024)))
    return out


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    """An empty registry: the sources cross on their own."""
    reg = open_registry(f"sqlite:///{tmp_path / 'zicht.db'}",
                        settings=Settings(encryption_key=secrets.token_hex(32)))
    yield reg
    reg.dispose()


def _extract(world: Path, registry: Registry, out: Path) -> tuple[Path, PseudonymKey]:
    key = PseudonymKey(secrets.token_bytes(32))
    write_extract(registry, out, key, sources_dir=world / "sources")
    return out, key


def _birth_dates(world: Path, key: PseudonymKey) -> dict[str, dt.date]:
    pop = pq.read_table(world / "sources" / "population.parquet",
                        columns=["bsn", "birth_date"]).to_pylist()
    pids = key.pseudonyms("person", [r["bsn"] for r in pop])
    return {pid: r["birth_date"] for pid, r in zip(pids, pop, strict=True)
            if pid is not None and r["birth_date"] is not None}


def test_every_world_source_has_an_allow_list(world: Path) -> None:
    for path in sorted((world / "sources").glob("*.parquet")):
        rules = SOURCE_ALLOW_LIST[path.stem]
        assert set(pq.read_schema(path).names) == set(rules), path.stem


def test_no_person_bound_date_and_no_record_id_crosses(
        world: Path, registry: Registry, tmp_path: Path) -> None:
    out, key = _extract(world, registry, tmp_path / "extract")
    births = _birth_dates(world, key)
    all_births = set(births.values())
    clear_ids: set[str] = set()
    for source, column in RECORD_IDS:
        values = pq.read_table(world / "sources" / f"{source}.parquet",
                               columns=[column]).column(0).to_pylist()
        clear_ids.update(v for v in values if v is not None)
    assert len(clear_ids) > 100 and any(v.startswith("BVH") for v in clear_ids)

    scanned_dates = 0
    for path in sorted((out / "sources").glob("*.parquet")):
        table = pq.read_table(path)
        rows = table.to_pylist()
        assert rows, f"{path.stem} crossed empty: the scan would prove nothing"
        for field in table.schema:
            values = table.column(field.name).to_pylist()
            if pa.types.is_temporal(field.type):
                scanned_dates += 1
                # No date equals the birth date of the person on its row ...
                if "person_pid" in table.column_names:
                    same = [r for r in rows if r[field.name] is not None
                            and births.get(r["person_pid"]) == r[field.name]]
                    assert not same, f"{path.stem}.{field.name}: {len(same)} birth dates"
                # ... and a column in which most values are someone's birth date is one.
                hits = sum(v in all_births for v in values if v is not None)
                assert hits < 0.5 * max(1, sum(v is not None for v in values)), \
                    f"{path.stem}.{field.name} looks like birth dates"
            if pa.types.is_string(field.type):
                leaked = clear_ids.intersection(v for v in values if v is not None)
                assert not leaked, f"{path.stem}.{field.name}: {sorted(leaked)[:3]}"
                # No police record number in any form (the raw file is compressed, so
                # its bytes can hold "BVH" by chance; the decoded values cannot).
                assert not any(v and "BVH0" in v for v in values), f"{path.stem}.{field.name}"
    assert scanned_dates >= 8
    population = pq.read_table(out / "sources" / "population.parquet")
    assert {"birth_date", "registered_from", "registered_until", "bsn"}.isdisjoint(
        population.column_names)
    assert population.schema.field("registered_from_year").type == pa.int16()


def test_record_ids_still_link_across_sources(
        world: Path, registry: Registry, tmp_path: Path) -> None:
    out, _ = _extract(world, registry, tmp_path / "extract")
    police = set(pq.read_table(out / "sources" / "police_incidents.parquet",
                               columns=["incident_id"]).column(0).to_pylist())
    justice = pq.read_table(out / "sources" / "justice_cases.parquet",
                            columns=["incident_id"]).column(0).to_pylist()
    linked = [i for i in justice if i is not None]
    assert linked and sum(i in police for i in linked) == len(linked)


def test_route_sources_link_by_the_foreigner_pseudonym(
        world: Path, registry: Registry, tmp_path: Path) -> None:
    """Every COSM stay and Wmo route record joins a reflection offer or an IND decision
    by the keyed foreigner pseudonym, although most of these persons have no BSN; a
    guardianship's end (the 18th birthday) crosses as a month."""
    out, _ = _extract(world, registry, tmp_path / "extract")

    def pids(source: str) -> list[str | None]:
        return list(pq.read_table(out / "sources" / f"{source}.parquet",
                                  columns=["v_number"]).column(0).to_pylist())

    known = {v for s in ("reflection_offers", "ind_decisions") for v in pids(s)}
    cosm = pids("cosm_stays")
    assert cosm and all(v is not None and len(v) == 32 and v in known for v in cosm)
    nidos = pq.read_table(out / "sources" / "nidos_guardianship.parquet")
    assert "end_date" not in nidos.column_names
    assert all(len(m) == 7 for m in nidos.column("end_month").drop_null().to_pylist())


def test_registered_dates_cross_coarsened(tmp_path: Path, registry: Registry) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    pq.write_table(pa.table({
        "bsn": ["111222333", "123456782"], "sex": ["male", "female"],
        "birth_date": [dt.date(1979, 9, 9), dt.date(2001, 3, 1)],
        "municipality": ["GM0363", "GM0363"],
        "registered_from": [dt.date(1979, 9, 9), dt.date(2016, 1, 14)],
        "registered_until": [None, dt.date(2018, 6, 30)],
    }), sources / "population.parquet")
    pq.write_table(pa.table({
        "bsn": ["123456782", "123456782"], "start_date": [dt.date(2001, 3, 1),
                                                          dt.date(2001, 3, 2)],
        "end_date": [None, dt.date(2001, 3, 1)], "care_type": ["crisis", "crisis"],
        "with_stay": [True, True], "referrer": ["gp", "gp"], "end_reason": [None, None],
    }), sources / "youth_care.parquet")
    out = tmp_path / "extract"
    result = write_extract(registry, out, PseudonymKey(secrets.token_bytes(32)),
                           sources_dir=sources)
    rows = pq.read_table(out / "sources" / "population.parquet").to_pylist()
    assert [(r["birth_year"], r["registered_from_year"], r["registered_until_month"])
            for r in rows] == [(1979, 1979, None), (2001, 2016, "2018-06")]
    # Care that starts (or ends) on the day of birth crosses a day later: never the birth date.
    care = pq.read_table(out / "sources" / "youth_care.parquet").to_pylist()
    assert [(r["start_date"], r["end_date"]) for r in care] == [
        (dt.date(2001, 3, 2), None), (dt.date(2001, 3, 2), dt.date(2001, 3, 2))]
    assert result.manifest["counts"]["event_dates_moved_off_birth_dates"]["youth_care"] == 2


@pytest.mark.parametrize(("name", "extra", "named"), [
    ("police_incidents", {"victim_name": ["Jansen"]}, "police_incidents.victim_name"),
    ("population", {"birth_place": ["Utrecht"]}, "population.birth_place"),
    ("prison_records", {}, "prison_records"),
])
def test_unlisted_source_or_column_is_refused(
        tmp_path: Path, registry: Registry, name: str, extra: dict[str, list[str]],
        named: str) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    pq.write_table(pa.table({"bsn": ["111222333"], **extra}), sources / f"{name}.parquet")
    out = tmp_path / "extract"
    with pytest.raises(ValidationError) as err:
        write_extract(registry, out, PseudonymKey(secrets.token_bytes(32)), sources_dir=sources)
    assert named in err.value.message and "allow-list" in err.value.message
    assert [p.field for p in err.value.problems] == [named]
    assert not out.exists()  # refused before anything was written


def test_every_rule_is_a_known_transform() -> None:
    for source, rules in SOURCE_ALLOW_LIST.items():
        for column, rule in rules.items():
            assert rule.transform in Transform, (source, column)
            if rule.transform is Transform.PSEUDONYM:
                assert rule.domain, (source, column)
