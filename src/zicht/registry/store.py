"""Write validated reports: insert new ones, update re-sends (keeping history), in bulk.

Called inside the caller's transaction, so a file is stored whole or not at all. New
reports go in with the driver's ``executemany`` (SQLite) or a binary ``COPY`` through
psycopg 3 (PostgreSQL), encrypted row by row while the COPY streams; re-sends are found
in one query (PostgreSQL: a join against the unnested keys), their current version
copied to ``report_history`` and then overwritten (PostgreSQL, for large files: one
``UPDATE ... FROM`` a COPY-filled temporary table). A single report is one
``INSERT ... ON CONFLICT DO NOTHING``, an update only if it exists; a group of single
reports from concurrent API requests (:func:`store_each`) is one multi-row INSERT."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    any_,
    bindparam,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeEngine

from zicht.core.codes import IDENTIFYING_FIELDS
from zicht.registry.crypto import FieldCipher
from zicht.registry.db import driver_of
from zicht.registry.models import (
    ENCRYPTED_COLUMNS,
    REPORT_VALUE_COLUMNS,
    Organisation,
    Report,
    ReportHistory,
    table_of,
    utcnow,
)
from zicht.registry.record import ReportRecord

CHUNK = 2_000
_REPORTS = table_of(Report)
_HISTORY = table_of(ReportHistory)
_ORGS = table_of(Organisation)
_YES_NO = {"yes": True, "no": False, None: None}


@dataclass
class StoreOutcome:
    """What :func:`store_records` did."""

    accepted: int = 0  # new reports
    updated: int = 0  # re-sends that updated an existing report
    anonymous: int = 0  # of those, kept as anonymous reports
    inserted_ids: list[int] = field(default_factory=list)  # only for single-record calls
    updated_ids: list[int] = field(default_factory=list)


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def ensure_organisations(conn: Connection, records: Sequence[ReportRecord],
                         known: dict[str, int] | None = None) -> dict[str, int]:
    """The id of every reporting organisation in ``records``, creating the missing ones.

    ``known``: a cache of ids already seen (organisations are never deleted), filled here.
    """
    wanted = {r.org_code: r for r in records}
    if known is not None and all(code in known for code in wanted):
        return known
    rows = [{"code": code, "reporter": r.reporter, "police_unit": r.police_unit,
             "created_at": utcnow()} for code, r in wanted.items()]
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    if rows:
        conn.execute(dialect.insert(_ORGS).on_conflict_do_nothing(index_elements=["code"]),
                     rows)
    found = dict(conn.execute(select(_ORGS.c.code, _ORGS.c.id)
                              .where(_ORGS.c.code.in_(list(wanted)))).tuples().all())
    if known is not None:
        known.update(found)
    return found


#: The columns :func:`encode_record` fills, in its order (then import_id and version).
ENCODED_COLUMNS = REPORT_VALUE_COLUMNS[:-2]


_FAMILY, _GIVEN, _BIRTH_DATE, _BIRTH_YEAR, _BSN = (c.encode() for c in (
    "family_name", "given_names", "birth_date", "birth_year", "bsn"))


def encode_record(rec: ReportRecord, cipher: FieldCipher) -> tuple[Any, ...]:
    """The stored values of one record (``ENCODED_COLUMNS``): identifying fields encrypted.

    Each ciphertext is bound to its field's name (AES-GCM associated data), as
    :meth:`FieldCipher.encrypt` does, so ``decrypt(field, ...)`` reads it back.
    """
    birth_date = rec.birth_date.isoformat() if rec.birth_date else None
    birth_year = str(rec.birth_year) if rec.birth_year is not None else None
    family, given, b_date, b_year, bsn = cipher.encrypt_fields((
        (_FAMILY, rec.family_name), (_GIVEN, rec.given_names), (_BIRTH_DATE, birth_date),
        (_BIRTH_YEAR, birth_year), (_BSN, rec.bsn)))
    nationality, nationality_2 = rec.nationality, rec.nationality_2
    return (
        rec.reporter, rec.police_unit, rec.reporter_org, rec.report_date, rec.consent,
        rec.anonymous, family, given, b_date, b_year, bsn, cipher.blind_index(rec.bsn),
        rec.sex, nationality and nationality.upper(), nationality_2 and nationality_2.upper(),
        ";".join(rec.forms), rec.sexual_sector, ";".join(rec.labour_sector) or None,
        rec.criminal_manner, rec.municipality, _YES_NO[rec.dublin_indication],
        rec.exploitation_start, rec.exploitation_end,
    )


class ErasedReportResent(Exception):
    """Re-sends that would give erased reports their identities back (by position)."""

    def __init__(self, positions: Sequence[int]) -> None:
        super().__init__(positions)
        self.positions = list(positions)


def find_existing(conn: Connection, keys: Sequence[tuple[int, str]]
                  ) -> dict[tuple[int, str], tuple[int, int, bool]]:
    """``(organisation_id, report_ref) -> (id, version, erased)`` of the reports that exist."""
    found: dict[tuple[int, str], tuple[int, int, bool]] = {}
    if conn.dialect.name == "postgresql":
        # Two array parameters joined with unnest: one statement, whatever the size,
        # straight through the driver (this runs for every group of API requests too).
        rows = driver_of(conn).execute(
            "SELECT r.id, r.organisation_id, r.report_ref, r.version, "
            "r.erased_at IS NOT NULL FROM reports r "
            "JOIN unnest(%s::integer[], %s::varchar[]) AS k(org, ref) "
            "ON k.org = r.organisation_id AND k.ref = r.report_ref FOR UPDATE OF r",
            ([k[0] for k in keys], [k[1] for k in keys])).fetchall()
        for rid, oid, ref, version, erased in rows:
            found[(oid, ref)] = (rid, version, erased)
        return found
    by_org: dict[int, list[str]] = {}
    for oid, ref in keys:
        by_org.setdefault(oid, []).append(ref)
    for oid, refs in by_org.items():
        for chunk in _chunks(refs):
            query = (select(_REPORTS.c.id, _REPORTS.c.report_ref, _REPORTS.c.version,
                            _REPORTS.c.erased_at)
                     .where(_REPORTS.c.organisation_id == oid)
                     .where(_REPORTS.c.report_ref.in_(list(chunk))))
            if conn.dialect.name == "postgresql":
                query = query.with_for_update()
            for rid, ref, version, erased_at in conn.execute(query):
                found[(oid, ref)] = (rid, version, erased_at is not None)
    return found


def refuse_restored_identities(records: Sequence[ReportRecord],
                               keys: Sequence[tuple[int, str]],
                               existing: Mapping[tuple[int, str], tuple[int, int, bool]]) -> None:
    """An erased report (consent withdrawn, retention) never gets identities back: a
    re-send of it that carries identifying fields is refused (the caller names rows)."""
    bad = [i for i, (rec, key) in enumerate(zip(records, keys, strict=True))
           if (hit := existing.get(key)) is not None and hit[2] and has_identity(rec)]
    if bad:
        raise ErasedReportResent(bad)


def has_identity(rec: ReportRecord) -> bool:
    return any(getattr(rec, field, None) for field in IDENTIFYING_FIELDS)


def store_records(conn: Connection, cipher: FieldCipher, records: Sequence[ReportRecord], *,
                  import_id: str, org_ids: dict[str, int] | None = None) -> StoreOutcome:
    """Insert new reports and update re-sends, inside the caller's transaction."""
    out = StoreOutcome()
    orgs = ensure_organisations(conn, records, org_ids)
    keys = [(orgs[r.org_code], r.report_ref) for r in records]
    now = utcnow()
    if len(records) == 1 and (rid := _insert_one(conn, cipher, records[0], keys[0], import_id,
                                                 now)) is not None:
        out.accepted, out.anonymous, out.inserted_ids = 1, int(records[0].anonymous), [rid]
        return out
    existing = find_existing(conn, keys)
    refuse_restored_identities(records, keys, existing)
    fresh = [i for i, key in enumerate(keys) if key not in existing]
    out.accepted, out.updated = len(fresh), len(records) - len(fresh)
    out.anonymous = sum(r.anonymous for r in records)
    if fresh:
        # A generator: on PostgreSQL, rows are encrypted while COPY already streams the
        # earlier ones to the server, which indexes them meanwhile on the other core.
        insert_reports(conn, ((*keys[i], *encode_record(records[i], cipher), import_id, 1,
                               now, now) for i in fresh))
    if out.updated:
        changed = [(hit[0], *encode_record(rec, cipher), import_id, hit[1] + 1, now)
                   for rec, key in zip(records, keys, strict=True)
                   if (hit := existing.get(key)) is not None]
        out.updated_ids = [r[0] for r in changed]
        update_reports(conn, changed, now)
    return out


def store_each(conn: Connection, cipher: FieldCipher, records: Sequence[ReportRecord],
               import_ids: Sequence[str], org_ids: dict[str, int] | None = None
               ) -> list[tuple[int, bool]]:
    """Store a group of separate requests' reports in the caller's transaction.

    Each record is its own import (``import_ids``); returns ``(report id, created)`` per
    record. The ``(reporter, report_ref)`` of the records must differ (the caller checks).
    """
    orgs = ensure_organisations(conn, records, org_ids)
    keys = [(orgs[r.org_code], r.report_ref) for r in records]
    existing = find_existing(conn, keys)
    refuse_restored_identities(records, keys, existing)
    now = utcnow()
    new: list[tuple[Any, ...]] = []
    changed: list[tuple[Any, ...]] = []
    for rec, key, import_id in zip(records, keys, import_ids, strict=True):
        values = encode_record(rec, cipher)
        hit = existing.get(key)
        if hit is None:
            new.append((*key, *values, import_id, 1, now, now))
        else:
            changed.append((hit[0], *values, import_id, hit[1] + 1, now))
    ids: dict[tuple[int, str], int] = {k: hit[0] for k, hit in existing.items()}
    if new and conn.dialect.name == "postgresql":  # one multi-row INSERT, through the driver
        marks = ", ".join(["(" + ", ".join(["%s"] * len(_INSERT_COLUMNS)) + ")"] * len(new))
        returned = driver_of(conn).execute(
            f"INSERT INTO reports ({', '.join(_INSERT_COLUMNS)}) VALUES {marks} "
            "RETURNING organisation_id, report_ref, id", [v for row in new for v in row])
        ids.update({(oid, ref): rid for oid, ref, rid in returned.fetchall()})
    elif new:
        returned = conn.execute(_INSERT_MANY, [dict(zip(_INSERT_COLUMNS, row, strict=True))
                                               for row in new]).scalars().all()
        ids.update({(row[0], row[1]): rid for row, rid in zip(new, returned, strict=True)})
    if changed:
        update_reports(conn, changed, now)
    return [(ids[key], key not in existing) for key in keys]


def _insert_one(conn: Connection, cipher: FieldCipher, rec: ReportRecord, key: tuple[int, str],
                import_id: str, now: dt.datetime) -> int | None:
    """Insert one new report in one statement; None if it exists (then it is an update)."""
    values = (*key, *encode_record(rec, cipher), import_id, 1, now, now)
    stmt = _INSERT_ONE[conn.dialect.name == "postgresql"]
    rid: int | None = conn.execute(stmt, dict(zip(_INSERT_COLUMNS, values, strict=True))
                                   ).scalar()
    return rid


_INSERT_COLUMNS = ("organisation_id", "report_ref", *REPORT_VALUE_COLUMNS,
                   "created_at", "updated_at")
# Built once per dialect (False: SQLite, True: PostgreSQL): a statement built per call
# costs more than the insert itself on the API's one-report path.
_INSERT_ONE = {
    pg: (postgresql if pg else sqlite).insert(_REPORTS)
    .values({c: bindparam(c, type_=_REPORTS.c[c].type) for c in _INSERT_COLUMNS})
    .on_conflict_do_nothing(index_elements=["organisation_id", "report_ref"])
    .returning(_REPORTS.c.id)
    for pg in (False, True)
}


_INSERT_MANY = insert(_REPORTS).returning(_REPORTS.c.id, sort_by_parameter_order=True)

_UPDATE_COLUMNS = ("id", *REPORT_VALUE_COLUMNS, "updated_at")
_ANONYMOUS = _UPDATE_COLUMNS.index("anonymous")


def _processed(conn: Connection, columns: Sequence[str],
               rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows converted once by the column types' own bind processors, for the raw driver.

    SQLAlchemy's per-row parameter handling costs more than SQLite's insert itself.
    """
    procs = [_REPORTS.c[c].type.bind_processor(conn.dialect) for c in columns]
    active = [(i, p) for i, p in enumerate(procs) if p is not None]
    out = []
    for row in rows:
        values = list(row)
        for i, p in active:
            values[i] = p(values[i])
        out.append(tuple(values))
    return out


#: PostgreSQL type of each SQLAlchemy column type, for binary COPY (first match wins).
_PG_TYPE_NAMES: tuple[tuple[type[TypeEngine[Any]], str], ...] = (
    (SmallInteger, "int2"), (Integer, "int4"), (String, "text"), (Date, "date"),
    (DateTime, "timestamptz"), (Boolean, "bool"), (LargeBinary, "bytea"),
)


def _pg_type(column: str) -> str:
    kind = _REPORTS.c[column].type
    return next(name for cls, name in _PG_TYPE_NAMES if isinstance(kind, cls))


def _copy(conn: Connection, table: str, columns: Sequence[str],
          rows: Iterable[tuple[Any, ...]]) -> None:
    """PostgreSQL ``COPY table (columns) FROM STDIN`` inside the current transaction.

    Binary format: a quarter of the client CPU of text COPY (no hex for the ciphertexts,
    no date formatting), and less parsing on the server.
    """
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN "
                                       "(FORMAT BINARY)") as cp:
        cp.set_types([_pg_type(c) for c in columns])
        for row in rows:
            cp.write_row(row)


def insert_reports(conn: Connection, rows: Iterable[tuple[Any, ...]]) -> None:
    """Bulk-insert new report rows (COPY on PostgreSQL, executemany on SQLite)."""
    if conn.dialect.name == "postgresql":
        _copy(conn, "reports", _INSERT_COLUMNS, rows)
        return
    marks = ", ".join("?" for _ in _INSERT_COLUMNS)
    conn.exec_driver_sql(f"INSERT INTO reports ({', '.join(_INSERT_COLUMNS)}) VALUES ({marks})",
                         _processed(conn, _INSERT_COLUMNS, rows))


def update_reports(conn: Connection, rows: Sequence[tuple[Any, ...]], now: dt.datetime) -> None:
    """Keep the current versions in history, then overwrite them with ``rows``."""
    ids = [r[0] for r in rows]
    cols = [_REPORTS.c[c] for c in REPORT_VALUE_COLUMNS]
    size = 50_000 if conn.dialect.name == "postgresql" else CHUNK
    for chunk in _chunks(ids, size):
        where = (_REPORTS.c.id == any_(bindparam("ids", list(chunk),
                                                 type_=postgresql.ARRAY(Integer)))
                 if conn.dialect.name == "postgresql" else _REPORTS.c.id.in_(list(chunk)))
        conn.execute(insert(_HISTORY).from_select(
            ["report_id", *REPORT_VALUE_COLUMNS, "replaced_at"],
            select(_REPORTS.c.id, *cols, literal(now, _HISTORY.c.replaced_at.type)).where(where),
        ))
    sets = ", ".join(f"{c} = n.{c}" for c in _UPDATE_COLUMNS[1:])
    if conn.dialect.name == "postgresql" and len(rows) >= CHUNK:
        # COPY the new versions into a temporary table, then one UPDATE ... FROM.
        conn.exec_driver_sql("CREATE TEMPORARY TABLE zicht_new_versions ON COMMIT DROP AS "
                             f"SELECT {', '.join(_UPDATE_COLUMNS)} FROM reports WITH NO DATA")
        _copy(conn, "zicht_new_versions", _UPDATE_COLUMNS, rows)
        conn.exec_driver_sql(f"UPDATE reports SET {sets} FROM zicht_new_versions n "
                             "WHERE reports.id = n.id")
        conn.exec_driver_sql("DROP TABLE zicht_new_versions")
    else:  # SQLite, or a few re-sends: no temporary table for them
        mark = "?" if conn.dialect.name == "sqlite" else "%s"
        sets = ", ".join(f"{c} = {mark}" for c in _UPDATE_COLUMNS[1:])
        values = [(*r[1:], r[0]) for r in _processed(conn, _UPDATE_COLUMNS, rows)]
        conn.exec_driver_sql(f"UPDATE reports SET {sets} WHERE id = {mark}", values)
    # A re-send without consent is a withdrawal: its history must not keep identities.
    gone = [r[0] for r in rows if r[_ANONYMOUS]]
    for chunk in _chunks(gone):
        erase_history(conn, chunk)


def erase_history(conn: Connection, report_ids: Sequence[int]) -> None:
    """Erase the identifying fields of every earlier version of ``report_ids``."""
    conn.execute(update(_HISTORY).where(_HISTORY.c.report_id.in_(list(report_ids)))
                 .values({c: None for c in (*ENCRYPTED_COLUMNS, "bsn_hash")}))
