"""Privacy-preserving record linkage: keyed Bloom-filter encodings (``docs/pprl.md``).

Victims whose reports carry no BSN on any report cannot be linked by ``person_pid``.
For them the registry sends, instead of name, birth date and sex, one **cryptographic
long-term key** (CLK, Schnell, Bauer & Gromm 2009/2011): a 1,024-bit Bloom filter into
which every token of the record is hashed ``k`` times. The population-register holder
encodes its residents with the same key and rule; the research zone compares filters
by their Dice similarity and never sees a value.

Tokens (after normalisation: no diacritics, lower case, letters only, Dutch particles
dropped):

* name: the padded bigrams of every part of the given and family names, as one bag
  (so swapped, re-ordered or particle-moved names still share most bits), **salted with
  the birth year** (``n:<year>:<bigram>``): the same bigram sets other bits in each
  birth year, which splits the frequency of a common name over about 100 filters
  (salting, Niedermeyer et al. 2014; Christen et al. 2018);
* birth year: one token; sex: one token.

The full birth date is **not** in the filter but a field of its own, ``date_token`` =
the keyed pseudonym of the date (domain ``pprl_date``; NULL with a birth year only):
in one filter a common name outweighs a differing birth date (two namesakes of one
birth year still reach Dice 0.87), so the matcher compares the date apart and refuses
a pair whose dates are both known and differ (field-level comparison, as in
Fellegi-Sunter linkage on encoded fields).

Bit positions come from the boundary's one keyed rule (``PseudonymKey.digest``, HMAC-
SHA256 in domain ``pprl``) by double hashing (Kirsch & Mitzenmacher): without the key
nobody can tell which bits a bigram sets, so a dictionary attack is not possible; the
remaining attacks are pattern-mining frequency attacks, discussed in ``docs/pprl.md``.

**BLIP hardening** (Schnell & Borgs 2016): every bit of a finished filter is flipped with
probability ``f/2`` (default ``f = 1/16``), by a keyed pseudo-random draw seeded from the
filter itself, so the same record always gives the same filter (equal filters still
mean an equal name) while bit co-occurrences, which pattern-mining attacks read, blur.

Records without a birth year are not encoded (there is no salt, and a name alone is too
weak to link). For them, and for every victim the filters leave unlinked, a **second
pass** uses a keyed **name token** (``name_token``): the pseudonym (domain
``pprl_name``) of the sorted, normalised name parts and sex. The register holder sends
only tokens that are **unique on the register**; the matcher accepts a token that is
also unique among the victims (``docs/pprl.md`` has its attack model).

Blocking uses ``pprl_block`` = the pseudonym of the birth year (domain
``pprl_block``): the salt makes filters of different birth years incomparable anyway.

Everything is vectorised over distinct values (names repeat), so the 17.5 million
residents of the register encode in minutes on one core (``benchmarks/bench_pprl.py``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from zicht.boundary.pseudonym import PseudonymKey
from zicht.core.errors import Problem, ValidationError

__all__ = ["CLK_BYTES", "ENCODING_SCHEMA", "REGISTER_TOKEN_SCHEMA", "VICTIM_TOKEN_SCHEMA",
           "ClkEncoder", "ClkParams", "encode_register", "encode_victim_names",
           "name_bigrams", "name_tokens", "normalise_name"]

CLK_BITS = 1024
CLK_WORDS = CLK_BITS // 64
CLK_BYTES = CLK_BITS // 8
#: Dutch (and common) name particles: moved, dropped or abbreviated by reporters.
PARTICLES = frozenset({"van", "der", "den", "de", "ter", "te", "ten", "het", "la", "le",
                       "du", "da", "di", "del", "von", "zu", "al", "el", "bin", "ben"})
#: What the population-register holder delivers (in its own zone, never across).
REGISTER_NAME_COLUMNS = ("bsn", "family_name", "given_names", "birth_date", "sex")


def encoding_schema(id_column: str) -> pa.Schema:
    """The columns that cross the boundary in place of name, birth date and sex."""
    return pa.schema([(id_column, pa.string()), ("pprl_block", pa.string()),
                      ("clk", pa.binary(CLK_BYTES)), ("date_token", pa.string())])


ENCODING_SCHEMA = encoding_schema("victim_pid")
#: The second pass's columns: the registry's name tokens (with the block and date token
#: of the same identity, to refuse a conflicting birth year or date) and the register's
#: tokens that are unique on the register.
VICTIM_TOKEN_SCHEMA = pa.schema([("victim_pid", pa.string()), ("name_token", pa.string()),
                                 ("pprl_block", pa.string()), ("date_token", pa.string())])
REGISTER_TOKEN_SCHEMA = pa.schema([("person_pid", pa.string()), ("name_token", pa.string())])


@dataclass(frozen=True)
class ClkParams:
    """Hash counts per token kind: about half the 1,024 bits are set for a typical
    name of 15-20 bigrams (the fill that keeps a Bloom filter informative)."""

    k_name: int = 20
    k_date: int = 20  # the birth-year token
    k_sex: int = 10
    version: str = "clk1"  # part of every token: a new rule gives unrelated bits
    #: BLIP: each bit flips with probability ``blip_f / 2``; ``blip_f`` must be 0 or
    #: ``2 / 2**m`` (the flip mask is the AND of ``m`` keyed pseudo-random words).
    blip_f: float = 1 / 16

    def __post_init__(self) -> None:
        if self.blip_f and _blip_draws(self.blip_f) is None:
            raise ValueError(f"blip_f must be 0 or 2/2**m (1/2, 1/4, ...), not {self.blip_f}.")


def _blip_draws(f: float) -> int | None:
    """``m`` with ``f / 2 == 2**-m``, or None."""
    m = round(np.log2(2 / f)) if 0 < f <= 1 else 0
    return m if m >= 1 and abs(2.0 ** -m - f / 2) < 1e-12 else None


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, elementwise (wraps modulo 2**64 by design)."""
    z = x + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


_NOT_LETTER = re.compile(r"[^a-z]+")


def normalise_name(text: str | None) -> list[str]:
    """'Van der Berg-Wiśniewska' -> ['berg', 'wisniewska']: parts without diacritics,
    case, punctuation and particles."""
    return list(_parts(text)) if text else []


@functools.lru_cache(maxsize=1 << 18)  # name parts repeat: most residents share them
def _parts(text: str) -> tuple[str, ...]:
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    plain = plain.replace("ß", "ss").replace("ø", "o").replace("ł", "l").replace("đ", "d")
    return tuple(p for p in _NOT_LETTER.split(plain) if p and p not in PARTICLES)


def name_bigrams(family: str | None, given: str | None) -> list[str]:
    """The set of padded bigrams of every name part (sorted, for determinism)."""
    grams: set[str] = set()
    for part in (*normalise_name(family), *normalise_name(given)):
        padded = f"_{part}_"
        grams.update(padded[i:i + 2] for i in range(len(padded) - 1))
    return sorted(grams)


@dataclass
class ClkEncoder:
    """Encodes records into CLKs under ``key``; caches one 1,024-bit mask per token."""

    key: PseudonymKey
    params: ClkParams = field(default_factory=ClkParams)
    _ids: dict[str, int] = field(default_factory=dict, repr=False)
    _masks: list[np.ndarray] = field(default_factory=list, repr=False)

    def _token_id(self, token: str, k: int) -> int:
        found = self._ids.get(token)
        if found is not None:
            return found
        digest = self.key.digest("pprl", f"{self.params.version}:{token}")
        h1 = int.from_bytes(digest[:8], "big")
        h2 = int.from_bytes(digest[8:16], "big") | 1  # odd: k distinct positions mod 2^10
        positions = [(h1 + i * h2) % CLK_BITS for i in range(k)]
        mask = np.zeros(CLK_WORDS, dtype=np.uint64)
        for pos in positions:
            mask[pos >> 6] |= np.uint64(1) << np.uint64(pos & 63)
        self._ids[token] = len(self._masks)
        self._masks.append(mask)
        return self._ids[token]

    def _field(self, keys: Sequence[str | None], tokens_of: Callable[[str], list[str]],
               k: int) -> np.ndarray:
        """One mask per row: the OR of its tokens' masks, computed once per distinct key."""
        codes, uniques = pd.factorize(pd.Series(keys, dtype=object), use_na_sentinel=True)
        ids: list[int] = []
        starts: list[int] = []
        for value in uniques.tolist():
            starts.append(len(ids))
            ids.extend(self._token_id(t, k) for t in tokens_of(str(value)))
        out = np.zeros((len(uniques) + 1, CLK_WORDS), dtype=np.uint64)  # last row: none
        if ids:
            table = np.stack(self._masks)
            bounds = np.asarray([*starts, len(ids)])
            filled = np.flatnonzero(np.diff(bounds) > 0)
            reduced = np.bitwise_or.reduceat(table[np.asarray(ids)], bounds[filled], axis=0)
            out[filled] = reduced
        return out[np.where(codes < 0, len(uniques), codes)]

    def encode(self, family: Sequence[str | None], given: Sequence[str | None],
               birth_date: Sequence[dt.date | None], birth_year: Sequence[int | None],
               sex: Sequence[str | None]) -> tuple[np.ndarray, list[str | None]]:
        """CLKs (``n x 16`` uint64) and block pseudonyms; a row without a birth year gets
        an all-zero filter and no block (it cannot be linked)."""
        n = len(family)
        if not (len(given) == len(birth_date) == len(birth_year) == len(sex) == n):
            msg = "The fields to encode differ in length."
            raise ValidationError(msg, [Problem(None, None, msg)])
        years = [d.year if d is not None else y for d, y in zip(birth_date, birth_year,
                                                                strict=True)]
        p = self.params
        fam = self._field([None if y is None else f"{y}\x1f{f or ''}"
                           for f, y in zip(family, years, strict=True)], _salted_bigrams,
                          p.k_name)
        giv = self._field([None if y is None else f"{y}\x1f{g or ''}"
                           for g, y in zip(given, years, strict=True)], _salted_bigrams,
                          p.k_name)
        dates = self._field([None if y is None else str(y) for y in years], _year_token,
                            p.k_date)
        sexes = self._field([None if y is None or not s else s
                             for s, y in zip(sex, years, strict=True)], _sex_token, p.k_sex)
        clk = fam | giv | dates | sexes
        if p.blip_f:
            has_year = np.asarray([y is not None for y in years], dtype=bool)
            clk[has_year] = self._blip(clk[has_year])
        blocks = self.key.pseudonyms("pprl_block", [None if y is None else str(y)
                                                    for y in years])
        return clk, blocks

    def _blip(self, clk: np.ndarray) -> np.ndarray:
        """Flip each bit with probability ``blip_f / 2``: a row's flips are drawn from a
        keyed seed of its own filter, so equal filters stay equal; without the key the
        flips cannot be told from the bits (the seed's constants are 128 bits of HMAC)."""
        draws = _blip_draws(self.params.blip_f)
        assert draws is not None  # checked in ClkParams
        secret = self.key.digest("pprl_blip", self.params.version)
        c0, c1 = (np.uint64(int.from_bytes(secret[i:i + 8], "big")) for i in (0, 8))
        with np.errstate(over="ignore"):
            seed = np.full(len(clk), c0, dtype=np.uint64)
            for w in range(CLK_WORDS):
                seed = _mix(seed ^ clk[:, w])
            flips = np.empty_like(clk)
            for w in range(CLK_WORDS):
                mask = np.full(len(clk), ~np.uint64(0), dtype=np.uint64)
                for t in range(draws):
                    mask &= _mix(seed ^ (c1 * np.uint64(w * draws + t + 1)))
                flips[:, w] = mask
        flipped: np.ndarray = clk ^ flips
        return flipped

    def table(self, ids: Sequence[str | None], id_column: str, family: Sequence[str | None],
              given: Sequence[str | None], birth_date: Sequence[dt.date | None],
              birth_year: Sequence[int | None], sex: Sequence[str | None]) -> pa.Table:
        """The crossing table: ``id_column, pprl_block, clk``; rows without a block are
        left out (see ``encode``)."""
        clk, blocks = self.encode(family, given, birth_date, birth_year, sex)
        dates = self.key.pseudonyms("pprl_date", [None if d is None else d.isoformat()
                                                  for d in birth_date])
        keep = np.asarray([b is not None for b in blocks], dtype=bool)
        raw = np.ascontiguousarray(clk[keep]).view(np.uint8).reshape(-1)
        clks = pa.FixedSizeBinaryArray.from_buffers(
            pa.binary(CLK_BYTES), int(keep.sum()), [None, pa.py_buffer(raw.tobytes())])
        return pa.Table.from_arrays(
            [pa.array([i for i, k in zip(ids, keep, strict=True) if k], pa.string()),
             pa.array([b for b in blocks if b is not None], pa.string()), clks,
             pa.array([t for t, k in zip(dates, keep, strict=True) if k], pa.string())],
            schema=encoding_schema(id_column))


def _salted_bigrams(value: str) -> list[str]:
    year, _, name = value.partition("\x1f")
    return [f"n:{year}:{g}" for g in _bigrams_of(name)]


@functools.lru_cache(maxsize=1 << 18)  # one name recurs in every birth year
def _bigrams_of(name: str) -> tuple[str, ...]:
    return tuple(name_bigrams(name, None))


def _year_token(value: str) -> list[str]:
    return [f"y:{value}"]


def _sex_token(value: str) -> list[str]:
    return [f"s:{value.strip().lower()[:1]}"]


def name_token_text(family: str | None, given: str | None, sex: str | None) -> str | None:
    """What the name token keys: the sorted normalised name parts and the sex letter
    ('Van der Berg', 'Jan', 'male' -> 'berg jan|m'); None with fewer than two parts or
    no sex (a single name part is too weak to stand for one resident)."""
    parts = sorted((*normalise_name(family), *normalise_name(given)))
    letter = (sex or "").strip().lower()[:1]
    if len(parts) < 2 or not letter:
        return None
    return f"{' '.join(parts)}|{letter}"


def name_tokens(key: PseudonymKey, family: Sequence[str | None], given: Sequence[str | None],
                sex: Sequence[str | None]) -> list[str | None]:
    """Keyed name tokens (domain ``pprl_name``), computed once per distinct name."""
    joined = [f"{f or ''}\x1f{g or ''}\x1f{s or ''}"
              for f, g, s in zip(family, given, sex, strict=True)]
    codes, uniques = pd.factorize(pd.Series(joined, dtype=object))
    texts = [name_token_text(*u.split("\x1f")) for u in uniques.tolist()]
    tokens = key.pseudonyms("pprl_name", texts)
    return [tokens[c] for c in codes.tolist()]


def clk_words(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A ``clk`` column back as ``n x 16`` uint64 (for matching)."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if array.null_count:
        msg = "A clk column has nulls; every encoding must be present."
        raise ValidationError(msg, [Problem(None, "clk", msg)])
    data = np.frombuffer(array.buffers()[1], dtype=np.uint8,
                         count=(array.offset + len(array)) * CLK_BYTES)
    return data[array.offset * CLK_BYTES:].view(np.uint64).reshape(-1, CLK_WORDS)


def _register_batches(path: Path, batch_rows: int) -> Iterator[pa.RecordBatch]:
    reader = pq.ParquetFile(path)
    missing = [c for c in REGISTER_NAME_COLUMNS if c not in reader.schema_arrow.names]
    if missing:
        msg = (f"The register names file {path} lacks the column(s) {', '.join(missing)}; "
               f"expected {', '.join(REGISTER_NAME_COLUMNS)}.")
        raise ValidationError(msg, [Problem(None, c, msg) for c in missing])
    yield from reader.iter_batches(batch_size=batch_rows, columns=list(REGISTER_NAME_COLUMNS))


def encode_register(names_file: Path, out_file: Path | IO[bytes], key: PseudonymKey, *,
                    tokens_out: Path | IO[bytes] | None = None,
                    batch_rows: int = 1_000_000) -> int:
    """The population-register holder's side: encode every resident of ``names_file``
    (``bsn, family_name, given_names, birth_date, sex``) into ``person_pid, pprl_block,
    clk, date_token`` with the same key and rule as the registry; with ``tokens_out``
    also the name tokens that are unique on the register (``person_pid, name_token``).
    Returns the rows of ``out_file``."""
    encoder = ClkEncoder(key)
    rows = 0
    writer: pq.ParquetWriter | None = None
    pids: list[pa.Array] = []
    tokens: list[pa.Array] = []
    try:
        for batch in _register_batches(names_file, batch_rows):
            births = batch.column("birth_date").to_pylist()
            bsn = [None if b is None else str(b) for b in batch.column("bsn").to_pylist()]
            family = batch.column("family_name").to_pylist()
            given = batch.column("given_names").to_pylist()
            sex = batch.column("sex").to_pylist()
            person = key.pseudonyms("person", bsn)
            table = encoder.table(person, "person_pid", family, given, births,
                                  [None] * len(births), sex)
            if tokens_out is not None:
                pids.append(pa.array(person, pa.string()))
                tokens.append(pa.array(name_tokens(key, family, given, sex), pa.string()))
            if writer is None:
                writer = pq.ParquetWriter(out_file, table.schema)
            writer.write_table(table)
            rows += table.num_rows
            if len(encoder._ids) > 2_000_000:  # bound the token cache on huge registers
                encoder = ClkEncoder(key)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        pq.write_table(encoding_schema("person_pid").empty_table(), out_file)
    if tokens_out is not None:
        pq.write_table(_unique_tokens(pa.chunked_array(pids, pa.string()),
                                      pa.chunked_array(tokens, pa.string())), tokens_out)
    return rows


def _unique_tokens(pids: pa.ChunkedArray, tokens: pa.ChunkedArray) -> pa.Table:
    """The rows whose token occurs once on the whole register (and has a person)."""
    counts = pc.value_counts(tokens.drop_null())
    if not len(counts):
        return REGISTER_TOKEN_SCHEMA.empty_table()
    once = counts.field("values").filter(pc.equal(counts.field("counts"), 1))
    keep = pc.and_(pc.is_in(tokens, value_set=once), pc.is_valid(pids))
    return pa.Table.from_arrays([pids.filter(keep), tokens.filter(keep)],
                                schema=REGISTER_TOKEN_SCHEMA)


#: What the registry reads of each report to encode its victims (in memory only).
VICTIM_IDENTITY_COLUMNS = ("victim_pid", "family_name", "given_names", "birth_date",
                           "birth_year", "sex", "bsn")


def _identities(reports: pd.DataFrame) -> pd.DataFrame:
    """The distinct identities (name, birth date or year, sex) on the reports of each
    victim **without a BSN on any report**."""
    missing = [c for c in VICTIM_IDENTITY_COLUMNS if c not in reports.columns]
    if missing:
        msg = f"Encoding victims needs the column(s) {', '.join(missing)}."
        raise ValidationError(msg, [Problem(None, c, msg) for c in missing])
    has_bsn = reports["bsn"].fillna("").astype(str).str.strip() != ""
    with_bsn = set(reports.loc[has_bsn, "victim_pid"].dropna())
    rows = reports[reports["victim_pid"].notna() & ~reports["victim_pid"].isin(with_bsn)]
    rows = rows[list(VICTIM_IDENTITY_COLUMNS[:-1])].astype(object)
    return rows.where(rows.notna(), None).drop_duplicates().sort_values(
        "victim_pid", kind="stable")


def encode_victim_names(reports: pd.DataFrame, key: PseudonymKey) -> pa.Table:
    """The registry's name tokens for the second pass: one row per distinct identity of
    a victim without a BSN that has a token, with that identity's block and date token
    (NULL when unknown) so the matcher can refuse a conflicting birth date."""
    rows = _identities(reports)
    births = rows["birth_date"].tolist()
    years = [d.year if d is not None else (None if y is None else int(y))
             for d, y in zip(births, rows["birth_year"].tolist(), strict=True)]
    frame = pd.DataFrame({
        "victim_pid": rows["victim_pid"].tolist(),
        "name_token": name_tokens(key, rows["family_name"].tolist(),
                                  rows["given_names"].tolist(), rows["sex"].tolist()),
        "pprl_block": key.pseudonyms("pprl_block", [None if y is None else str(y)
                                                    for y in years]),
        "date_token": key.pseudonyms("pprl_date", [None if d is None else d.isoformat()
                                                   for d in births])}, dtype=object)
    frame = frame[frame["name_token"].notna()].drop_duplicates()
    return pa.Table.from_pandas(frame, schema=VICTIM_TOKEN_SCHEMA, preserve_index=False)


def encode_victims(reports: pd.DataFrame, key: PseudonymKey) -> pa.Table:
    """The registry's side: one encoding per distinct identity (name, birth date or
    year, sex) on the reports of each victim **without a BSN on any report**; the
    matcher keeps a victim's best link. ``reports`` has ``VICTIM_IDENTITY_COLUMNS``,
    anonymous reports already left out."""
    rows = _identities(reports)
    years = [None if y is None else int(y) for y in rows["birth_year"].tolist()]
    return ClkEncoder(key).table(
        rows["victim_pid"].tolist(), "victim_pid", rows["family_name"].tolist(),
        rows["given_names"].tolist(), rows["birth_date"].tolist(), years,
        rows["sex"].tolist())
