"""Linkage without a BSN: keyed Bloom-filter encodings cross instead of name, birth date
and sex (docs/pprl.md); the research zone links them by Dice, one to one."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "registry" / "dedupe"))

import datetime as dt
import json
import secrets
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dedupe_fixtures import TWENTY, add_reports, make_registry

from zicht.boundary import PseudonymKey, write_extract
from zicht.boundary.pprl import (
    ClkEncoder,
    clk_words,
    encode_register,
    encode_victims,
    name_bigrams,
    normalise_name,
)
from zicht.core.errors import ValidationError
from zicht.registry.db import Registry
from zicht.registry.dedupe import run_dedupe
from zicht.research.linked.pprl_match import match_encodings, one_to_one, unambiguous

#: The register holder's file: four victims of TWENTY without a BSN on any report, a
#: near-twin decoy of Anna de Vries (one day later), a BSN victim and bystanders.
REGISTER = [
    ("900000001", "de Vries", "Anna Maria", dt.date(1990, 4, 12), "female"),
    ("900000002", "Vries", "Anna", dt.date(1990, 4, 13), "female"),  # decoy
    ("900000003", "Kowalski", "Łukasz", dt.date(1985, 1, 30), "male"),
    ("900000004", "Okafor", "Blessing", dt.date(1998, 7, 1), "female"),
    ("900000005", "Popescu", "Ioana", dt.date(1995, 5, 5), "female"),
    ("111222333", "van der Berg", "Jan", dt.date(1979, 9, 9), "male"),
    ("900000006", "Okafor", "Chidi", dt.date(1998, 2, 2), "male"),
    ("900000007", "Bakker", "Sanne", dt.date(1990, 6, 1), "female"),
]
LINKED = {"900000001", "900000003", "900000004", "900000005"}


def _register_file(path: Path) -> Path:
    bsn, family, given, birth, sex = zip(*REGISTER, strict=True)
    pq.write_table(pa.table({"bsn": list(bsn), "family_name": list(family),
                             "given_names": list(given), "birth_date": list(birth),
                             "sex": list(sex)}), path)
    return path


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, PseudonymKey]]:
    base = tmp_path_factory.mktemp("pprl")
    registry: Registry = make_registry(base)
    add_reports(registry, TWENTY)
    run_dedupe(registry)
    key = PseudonymKey(secrets.token_bytes(32))
    out = base / "extract"
    write_extract(registry, out, key, register_names=_register_file(base / "names.parquet"))
    yield out, key
    registry.dispose()


def _needles() -> set[bytes]:
    """Every name, name part, BSN and birth date of registry and register, in the
    spellings a file could hold them."""
    values: set[str] = set()
    for row in TWENTY:
        for f in ("family_name", "given_names", "bsn"):
            if row.get(f):
                values.add(str(row[f]))
                values.update(t.strip(",.") for t in str(row[f]).split()
                              if len(t.strip(",.")) > 3)
        if row.get("birth_date"):
            values.add(str(row["birth_date"]))
    for bsn, family, given, birth, _ in REGISTER:
        values.update({bsn, family, given, birth.isoformat(), birth.strftime("%Y%m%d"),
                       birth.strftime("%d-%m-%Y")})
        values.update(t for t in f"{family} {given}".split() if len(t) > 3)
    out: set[bytes] = set()
    for v in values:
        out.update({v.encode(), v.lower().encode(), v.upper().encode()})
    return out


def test_only_encodings_cross(extract: tuple[Path, PseudonymKey]) -> None:
    out, _ = extract
    victims = pq.read_table(out / "pprl" / "victims.parquet")
    register = pq.read_table(out / "pprl" / "register.parquet")
    assert victims.column_names == ["victim_pid", "pprl_block", "clk", "date_token"]
    assert register.column_names == ["person_pid", "pprl_block", "clk", "date_token"]
    assert register.num_rows == len(REGISTER)
    # Victims 1-4 and 8-9 have no BSN on any report and a birth date or year: encoded;
    # the BSN victims (5-7) are not (they link by person_pid).
    assert victims.num_rows >= 6
    manifest = json.loads((out / "manifest.json").read_text())
    assert {"pprl/victims.parquet", "pprl/register.parquet"} <= set(manifest["files"])
    needles = _needles()
    for path in (out / "pprl").iterdir():
        blob = path.read_bytes()
        decoded = json.dumps(pq.read_table(path).to_pylist(), default=str).encode()
        for text in (blob, decoded):
            found = sorted(n for n in needles if n in text)
            assert not found, f"{path.name} holds {found[:3]}"


def test_links_without_bsn(extract: tuple[Path, PseudonymKey]) -> None:
    out, key = extract
    links = match_encodings(pq.read_table(out / "pprl" / "victims.parquet"),
                            out / "pprl" / "register.parquet").links.to_pandas()
    expected = {key.pseudonym("person", b) for b in LINKED}
    # Anna de Vries goes to her own record, not to the decoy born a day later; Kowalski
    # links although a reporter swapped given and family name; Grace Okafor (not in
    # the register, another birth year than Blessing) and Nguyen stay unlinked.
    assert set(links["person_pid"]) == expected
    assert links["victim_pid"].is_unique and links["person_pid"].is_unique
    assert (links["dice"] >= 0.8).all()


def test_normalisation_golden() -> None:
    assert normalise_name("Van der Berg-Wiśniewska") == ["berg", "wisniewska"]
    assert normalise_name("  ") == [] and normalise_name(None) == []
    assert name_bigrams("de Vries", "Ab") == ["_a", "_v", "ab", "b_", "es", "ie", "ri",
                                              "s_", "vr"]
    # Swapped names are the same bag of bigrams.
    assert name_bigrams("Kowalski", "Łukasz") == name_bigrams("Lukasz", "Kowalski")


def _dice(a: np.ndarray, b: np.ndarray) -> float:
    inter = int(np.bitwise_count(a & b).sum())
    return 2 * inter / int(np.bitwise_count(a).sum() + np.bitwise_count(b).sum())


def test_keyed_and_salted() -> None:
    key, other = PseudonymKey(b"k" * 32), PseudonymKey(b"o" * 32)
    args = (["Jansen"], ["Piet"], [dt.date(1970, 2, 2)], [None], ["male"])
    same, _ = ClkEncoder(key).encode(*args)
    again, _ = ClkEncoder(key).encode(*args)
    assert (same == again).all()
    foreign, _ = ClkEncoder(other).encode(*args)
    assert _dice(same[0], foreign[0]) < 0.5  # another key: unrelated bits
    # The same name one birth year later shares (almost) no name bits: salting.
    later, _ = ClkEncoder(key).encode(["Jansen"], ["Piet"], [dt.date(1971, 2, 2)], [None],
                                      ["male"])
    assert _dice(same[0], later[0]) < 0.5
    # A birth year alone still encodes; nothing at all gives no filter and no block.
    clk, blocks = ClkEncoder(key).encode(["A", "B"], ["C", "D"], [None, None], [1970, None],
                                         ["male", "male"])
    assert blocks[0] == key.pseudonym("pprl_block", "1970") and blocks[1] is None
    assert not clk[1].any()


def test_one_to_one_best_first() -> None:
    pairs = pd.DataFrame({"victim_pid": ["a", "a", "b", "b", "c"],
                          "person_pid": ["x", "y", "x", "z", "x"],
                          "dice": [0.95, 0.90, 0.97, 0.85, 0.97]})
    got = one_to_one(pairs)
    # b-x (0.97, b before c) first; then c has nothing left; a takes y (0.90).
    assert got[["victim_pid", "person_pid"]].values.tolist() == [["a", "y"], ["b", "x"]]


def test_ties_are_not_linked() -> None:
    pairs = pd.DataFrame({"victim_pid": ["a", "a", "b", "b"],
                          "person_pid": ["x", "y", "x", "z"],
                          "dice": [0.95, 0.95, 0.97, 0.85]})
    # a's two best candidates are equal (namesakes): a is left out; b keeps both rows.
    assert unambiguous(pairs)["victim_pid"].tolist() == ["b", "b"]


def test_a_differing_birth_date_is_refused(tmp_path: Path) -> None:
    key = PseudonymKey(b"k" * 32)
    encoder = ClkEncoder(key)
    register = encoder.table(["p1", "p2"], "person_pid", ["Jansen", "Jansen"],
                             ["Piet", "Piet"], [dt.date(1970, 2, 2), dt.date(1970, 8, 9)],
                             [None, None], ["male", "male"])
    pq.write_table(register, tmp_path / "r.parquet")
    # The same name with a known date links to its own date only; with a birth year
    # only, the two namesakes tie and nothing is linked.
    victims = encoder.table(["v1", "v2"], "victim_pid", ["Jansen", "Jansen"],
                            ["Piet", "Piet"], [dt.date(1970, 8, 9), None], [None, 1970],
                            ["male", "male"])
    links = match_encodings(victims, tmp_path / "r.parquet").links.to_pylist()
    assert [(r["victim_pid"], r["person_pid"]) for r in links] == [("v1", "p2")]


def test_bad_input_is_refused(tmp_path: Path) -> None:
    pq.write_table(pa.table({"bsn": ["1"], "family_name": ["A"]}), tmp_path / "n.parquet")
    with pytest.raises(ValidationError, match="given_names"):
        encode_register(tmp_path / "n.parquet", tmp_path / "o.parquet",
                        PseudonymKey(b"k" * 32))
    with pytest.raises(ValidationError, match="bsn"):
        encode_victims(pd.DataFrame({"victim_pid": ["v"]}), PseudonymKey(b"k" * 32))
    with pytest.raises(ValueError, match="threshold"):
        match_encodings(pa.table({"victim_pid": pa.array([], pa.string())}),
                        tmp_path / "o.parquet", threshold=1.5)
    assert clk_words(pa.array([b"\x00" * 128], pa.binary(128))).shape == (1, 16)
