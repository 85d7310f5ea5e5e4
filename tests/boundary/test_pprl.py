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
    ClkParams,
    clk_words,
    encode_register,
    encode_victim_names,
    encode_victims,
    name_bigrams,
    name_token_text,
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
        # What the name token keys, in its own spelling ('jansen piet|m').
        text = name_token_text(row.get("family_name"), row.get("given_names"),
                               row.get("sex"))
        values.update({text, text.partition("|")[0]} if text else set())
    for bsn, family, given, birth, sex in REGISTER:
        values.update({bsn, family, given, birth.isoformat(), birth.strftime("%Y%m%d"),
                       birth.strftime("%d-%m-%Y")})
        values.update(t for t in f"{family} {given}".split() if len(t) > 3)
        text = name_token_text(family, given, sex)
        assert text is not None
        values.update({text, text.partition("|")[0]})
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
    names = pq.read_table(out / "pprl" / "victim_names.parquet")
    register_names = pq.read_table(out / "pprl" / "register_names.parquet")
    assert names.column_names == ["victim_pid", "name_token", "pprl_block", "date_token"]
    assert register_names.column_names == ["person_pid", "name_token"]
    # Every name of REGISTER is unique on it: one token each; the victims send theirs.
    assert register_names.num_rows == len(REGISTER) and names.num_rows >= 6
    # Victims 1-4 and 8-9 have no BSN on any report and a birth date or year: encoded;
    # the BSN victims (5-7) are not (they link by person_pid).
    assert victims.num_rows >= 6
    manifest = json.loads((out / "manifest.json").read_text())
    assert {"pprl/victims.parquet", "pprl/register.parquet", "pprl/victim_names.parquet",
            "pprl/register_names.parquet"} <= set(manifest["files"])
    needles = _needles()
    assert len(list((out / "pprl").iterdir())) == 4  # every file below is checked
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


def test_blip_flips_about_f_half_and_keeps_equal_filters_equal() -> None:
    key = PseudonymKey(b"k" * 32)
    n = 400
    family = [f"Naam{i % 97}" for i in range(n)]
    given = [f"Voor{i % 89}" for i in range(n)]
    args = (family, given, [dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28) for i in range(n)],
            [None] * n, ["female"] * n)
    plain, _ = ClkEncoder(key, ClkParams(blip_f=0)).encode(*args)
    hardened, _ = ClkEncoder(key).encode(*args)
    share = np.bitwise_count(plain ^ hardened).sum() / plain.size / 64
    assert abs(share - 1 / 32) < 0.004  # f/2 of 1,024 bits, within sampling error
    # Equal records, equal filters (the exact-name rule needs it); the flips are keyed.
    again, _ = ClkEncoder(key).encode(*args)
    assert (again == hardened).all()
    other, _ = ClkEncoder(PseudonymKey(b"o" * 32), ClkParams(blip_f=0)).encode(*args)
    other_blip, _ = ClkEncoder(PseudonymKey(b"o" * 32)).encode(*args)
    assert not ((other ^ other_blip) == (plain ^ hardened)).all()
    with pytest.raises(ValueError, match="blip_f"):
        ClkParams(blip_f=0.1)


def test_name_token_text_golden() -> None:
    assert name_token_text("Van der Berg", "Jan", "male") == "berg jan|m"
    # Swapped and re-ordered parts and diacritics give the same text.
    assert name_token_text("Łukasz", "Kowalski", "Male") == name_token_text(
        "Kowalski", "Lukasz", "male") == "kowalski lukasz|m"
    assert name_token_text("Jansen", None, "male") is None  # one part: too weak
    assert name_token_text("Jansen", "Piet", None) is None


#: The second pass, by hand: the register holder's residents ...
TOKEN_REGISTER = [
    ("800000001", "Jansen", "Jan", dt.date(1970, 2, 2), "male"),  # unique
    ("800000002", "de Boer", "Piet", dt.date(1971, 3, 3), "male"),  # namesakes: not sent
    ("800000003", "de Boer", "Piet", dt.date(1985, 4, 4), "male"),
    ("800000004", "Smit", "Karel", dt.date(1980, 5, 5), "male"),  # unique
    ("800000005", "Visser", "Kees", dt.date(1981, 6, 6), "male"),  # unique
    ("800000006", "Mol", "Eva", dt.date(1990, 5, 5), "female"),  # unique
    ("800000007", "Bos", "Lotte", dt.date(1992, 7, 7), "female"),  # unique
]
#: ... and the registry's victims without a BSN (none has a filter but Lotte Bos).
TOKEN_VICTIMS = [
    ("v1", "Jan", "Jansen", None, None, "male"),  # swapped, no birth year: linked
    ("v2", "de Boer", "Piet", None, None, "male"),  # not unique on the register: refused
    ("v3", "Smit", "Karel", None, None, "male"),  # two victims share the token: refused
    ("v4", "Smit", "Karel", None, None, "male"),
    ("v5", "Visser", "Kees", None, 1980, "male"),  # another birth year: refused
    ("v6", "Mol", "Eva", dt.date(1990, 1, 1), None, "female"),  # another date: refused
    ("v7", "Bos", "Lotte", dt.date(1992, 7, 7), None, "female"),  # the filter links it
    ("v8", "Visser", "Kees", None, None, "female"),  # other sex, other token: refused
]


def test_second_pass_on_name_tokens(tmp_path: Path) -> None:
    key = PseudonymKey(b"k" * 32)
    names = tmp_path / "names.parquet"
    bsn, family, given, birth, sex = zip(*TOKEN_REGISTER, strict=True)
    pq.write_table(pa.table({"bsn": list(bsn), "family_name": list(family),
                             "given_names": list(given), "birth_date": list(birth),
                             "sex": list(sex)}), names)
    encode_register(names, tmp_path / "r.parquet", key,
                    tokens_out=tmp_path / "rn.parquet", batch_rows=3)  # uniqueness over batches
    sent = pq.read_table(tmp_path / "rn.parquet").column("person_pid").to_pylist()
    pid = {b: key.pseudonym("person", b) for b in bsn}
    assert sorted(sent) == sorted(pid[b] for b in bsn if b not in {"800000002", "800000003"})

    vid, vfam, vgiv, vdate, vyear, vsex = zip(*TOKEN_VICTIMS, strict=True)
    reports = pd.DataFrame({"victim_pid": vid, "family_name": vfam, "given_names": vgiv,
                            "birth_date": vdate, "birth_year": vyear, "sex": vsex,
                            "bsn": [None] * len(vid)}, dtype=object)
    result = match_encodings(encode_victims(reports, key), tmp_path / "r.parquet",
                             victim_names=encode_victim_names(reports, key),
                             register_names=tmp_path / "rn.parquet")
    got = {(r["victim_pid"], r["person_pid"], r["rule"]) for r in result.links.to_pylist()}
    assert got == {("v1", pid["800000001"], "name"), ("v7", pid["800000007"], "clk")}
    assert result.name_links == 1
    # Without the token files only the first pass runs.
    first = match_encodings(encode_victims(reports, key), tmp_path / "r.parquet")
    assert first.links.column("victim_pid").to_pylist() == ["v7"]
