"""Read reports for dedupe from the registry and write victims back.

Identifying fields are decrypted here, in the registry zone, into memory only; nothing
decrypted is written anywhere. Only changed report -> victim links are rewritten, so a
re-run that changes little writes little.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    Column,
    Connection,
    Table,
    bindparam,
    delete,
    func,
    select,
    text,
    update,
)

from zicht.registry.audit import append_audit
from zicht.registry.crypto import FieldCipher
from zicht.registry.db import driver_of
from zicht.registry.dedupe.models import DedupePair, DedupeSeen, table_of
from zicht.registry.models import Report, ReportVictim, Victim, utcnow

__all__ = ["FINGERPRINT_FIELDS", "VictimIds", "fingerprints", "read_links", "read_pairs",
           "read_reports", "read_seen", "write_links", "write_pairs"]

#: The identifying fields linking needs (the BSN only as its blind index).
_DECRYPTED = ("family_name", "given_names", "birth_date", "birth_year")

def read_reports(conn: Connection, cipher: FieldCipher, *, actor: str) -> pd.DataFrame:
    """Every report with its decrypted identifying fields (``bsn_key`` = blind index).

    Columns: ``report_id, reporter, report_ref, report_date, anonymous, family_name,
    given_names, birth_date, birth_year, sex, nationality, nationality_2, bsn_key``.
    Reads only what linking needs (never the BSN itself), through the driver's cursor
    (SQLAlchemy's row objects cost more than the query on a million reports), and
    decrypts column by column (``FieldCipher.decrypt_many``): several times faster than
    the general bulk reader (``zicht.registry.reports.read_reports``), whose audit entry
    it writes the same way.
    """
    t = table_of(Report)
    query = select(
        t.c.id, t.c.reporter, t.c.report_ref, t.c.report_date, t.c.anonymous, t.c.erased_at,
        *(t.c[f"{name}_enc"] for name in _DECRYPTED),
        t.c.bsn_hash, t.c.sex, t.c.nationality, t.c.nationality_2,
    ).order_by(t.c.id)
    # Only plain values are read (no bound parameters), so the statement compiles alike
    # for both drivers; report_date is converted as SQLAlchemy would (SQLite keeps text).
    date_of = t.c.report_date.type.result_processor(conn.dialect, None)
    cursor = driver_of(conn).cursor()
    cursor.execute(str(query.compile(dialect=conn.dialect)))
    rows = cursor.fetchall()
    cursor.close()
    columns = list(zip(*rows, strict=True)) if rows else [()] * (6 + len(_DECRYPTED) + 4)
    frame = pd.DataFrame({
        "report_id": pd.array(columns[0], dtype="int64"),
        "reporter": list(columns[1]), "report_ref": list(columns[2]),
        "report_date": [date_of(d) for d in columns[3]] if date_of else list(columns[3]),
        # A report whose identity was erased (consent withdrawn) can no longer be linked.
        "anonymous": [bool(a) or e is not None for a, e in zip(columns[4], columns[5],
                                                                  strict=True)],
    })
    for i, name in enumerate(_DECRYPTED):
        frame[name] = cipher.decrypt_many(name, columns[6 + i])
    for offset, name in enumerate(("bsn_key", "sex", "nationality", "nationality_2")):
        frame[name] = list(columns[6 + len(_DECRYPTED) + offset])
    append_audit(conn, actor=actor, action="report.read_bulk", record_type="report",
                 record_id=f"{len(frame)} reports (dedupe)")
    return frame


#: The fields linking looks at: a report whose fingerprint of these changed is re-scored.
FINGERPRINT_FIELDS = ("family_name", "given_names", "birth_date", "birth_year", "sex",
                      "nationality", "nationality_2", "bsn_key", "report_date")


def fingerprints(cipher: FieldCipher, reports: pd.DataFrame) -> list[str]:
    """A keyed hash (the registry's blind-index HMAC, prefixed so it never equals a BSN's)
    of each report's linking fields: equal fields, equal fingerprint; nothing readable."""
    columns = [_texts(reports[f]) for f in FINGERPRINT_FIELDS]
    texts = ["\x1f".join(("zicht dedupe fingerprint", *values))
             for values in zip(*columns, strict=True)]
    return [str(h)[:32] for h in cipher.blind_index_many(texts)]


def _texts(column: pd.Series) -> list[str]:
    """Each value as text, "" when missing (one test per column, not per value)."""
    missing = column.isna().to_numpy()
    return ["" if m else str(v) for v, m in zip(column.tolist(), missing, strict=True)]


def read_seen(conn: Connection) -> dict[int, str]:
    """Report id -> fingerprint of the reports the last run linked."""
    t = table_of(DedupeSeen)
    return {int(r): str(f) for r, f in conn.execute(select(t.c.report_id, t.c.fingerprint))}


def read_pairs(conn: Connection) -> pd.DataFrame:
    """The scored pairs kept from the last run (``unique_id_l, unique_id_r,
    log2_bayes_factor``)."""
    t = table_of(DedupePair)
    rows = conn.execute(select(t.c.report_id_l, t.c.report_id_r, t.c.log2_bayes_factor)).all()
    frame = pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "log2_bayes_factor"])
    return frame.astype({"unique_id_l": "int64", "unique_id_r": "int64",
                         "log2_bayes_factor": "float64"})


def write_pairs(conn: Connection, pairs: pd.DataFrame, seen: dict[int, str], *,
                replace: set[int] | None) -> None:
    """Keep this run's scored pairs (``unique_id_l, unique_id_r, log2_bayes_factor``)
    and fingerprints for the next run.

    ``replace=None`` (a full run) rewrites both tables; otherwise only the pairs and
    fingerprints of the reports in ``replace`` (new, changed or gone) are rewritten.
    """
    p, s = table_of(DedupePair), table_of(DedupeSeen)
    if replace is None:
        conn.execute(delete(p))
        conn.execute(delete(s))
        new_seen = list(seen.items())
    else:
        for chunk in _chunks(sorted(replace), 5_000):
            conn.execute(delete(p).where(p.c.report_id_l.in_(chunk)))
            conn.execute(delete(p).where(p.c.report_id_r.in_(chunk)))
            conn.execute(delete(s).where(s.c.report_id.in_(chunk)))
        new_seen = [(r, seen[r]) for r in sorted(replace) if r in seen]
    a = pairs["unique_id_l"].to_numpy("int64")
    b = pairs["unique_id_r"].to_numpy("int64")
    _insert_many(conn, p, ("report_id_l", "report_id_r", "log2_bayes_factor"), zip(
        np.minimum(a, b).tolist(), np.maximum(a, b).tolist(),
        pairs["log2_bayes_factor"].to_numpy(float).tolist(), strict=True))
    _insert_many(conn, s, ("report_id", "fingerprint"), new_seen)


def read_links(conn: Connection) -> dict[int, int]:
    """The current report -> victim links."""
    t = table_of(ReportVictim)
    return {int(r): int(v) for r, v in conn.execute(select(t.c.report_id, t.c.victim_id))}


class VictimIds:
    """Hands out new victim ids in bulk (one insert at the end, not one per victim)."""

    def __init__(self, conn: Connection) -> None:
        self._next = int(conn.scalar(select(func.coalesce(func.max(Victim.id), 0))) or 0) + 1
        self.made: list[int] = []

    def __call__(self) -> int:
        self.made.append(self._next)
        self._next += 1
        return self.made[-1]

    def insert(self, conn: Connection) -> None:
        t = table_of(Victim)
        now = _bound(conn, t.c.created_at, utcnow())
        _insert_many(conn, t, ("id", "created_at"), ((v, now) for v in self.made))
        if self.made and conn.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('victims', 'id'), "
                              "(SELECT max(id) FROM victims))"))


def write_links(conn: Connection, victim_of: dict[int, int], previous: dict[int, int]) -> int:
    """Make ``report_victim`` equal ``victim_of``; return how many links changed."""
    t = table_of(ReportVictim)
    gone = [r for r in previous if r not in victim_of]
    changed = [(r, v) for r, v in victim_of.items() if r in previous and previous[r] != v]
    added = [(r, v) for r, v in victim_of.items() if r not in previous]
    for chunk in _chunks(gone, 10_000):
        conn.execute(delete(t).where(t.c.report_id.in_(chunk)))
    now = utcnow()
    stmt = (update(t).where(t.c.report_id == bindparam("rid"))
            .values(victim_id=bindparam("vid"), linked_at=now))
    for chunk in _chunks(changed, 50_000):
        conn.execute(stmt, [{"rid": r, "vid": v} for r, v in chunk])
    linked_at = _bound(conn, t.c.linked_at, now)
    _insert_many(conn, t, ("report_id", "victim_id", "linked_at"),
                 ((r, v, linked_at) for r, v in added))
    return len(gone) + len(changed) + len(added)


def _insert_many(conn: Connection, table: Table, columns: tuple[str, ...],
                 rows: Iterable[tuple[Any, ...]]) -> None:
    """INSERT plain rows (ints, floats, text, values already through :func:`_bound`)
    with the driver's ``executemany``, in the caller's transaction: on a million rows
    SQLAlchemy's per-row parameter handling costs several times the insert itself.
    sqlite3 takes ``?`` placeholders, psycopg ``%s``."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
           f"VALUES ({', '.join([mark] * len(columns))})")
    cursor = driver_of(conn).cursor()
    rows = iter(rows)
    while chunk := list(islice(rows, 50_000)):
        cursor.executemany(sql, chunk)
    cursor.close()


def _bound(conn: Connection, column: Column[Any], value: Any) -> Any:
    """``value`` as SQLAlchemy would bind it to ``column`` (SQLite stores datetimes as
    text in its own format): for one value written on many rows by the driver."""
    process = column.type.bind_processor(conn.dialect)
    return process(value) if process else value


def _chunks(items: list, size: int) -> Iterator[list]:  # type: ignore[type-arg]
    for start in range(0, len(items), size):
        yield items[start:start + size]
