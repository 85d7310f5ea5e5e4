"""Finding 1 of issue 12: two organisations under one reporter code never share a scope.

The attack as reported: a second ``--org other`` key read every ``other`` report, withdrew
consent for another organisation's report and overwrote it by re-sending its
``report_ref``. Here two ``other:`` keys and two care coordinators try exactly that
against a live server on SQLite and PostgreSQL; the migration test moves the reports of
a shared organisation apart by their ``reporter_org``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from security_seed import KINDS, database, report_row
from security_server import start_server

from zicht.api import create_app
from zicht.core.errors import ValidationError
from zicht.registry import import_file, open_registry
from zicht.registry.access import Role
from zicht.registry.db import make_engine, upgrade
from zicht.registry.keys import create_key

CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)
PAIRS = [("other:fier", "other:shelter-b"),
         ("care_coordinator:noord-holland", "care_coordinator:limburg")]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_second_key_of_one_reporter_code_cannot_touch_the_first(
        kind: str, first: str, second: str, tmp_path: Path) -> None:
    with database(kind, tmp_path) as url:
        reg = open_registry(url)
        with reg.begin() as conn:
            key_a = create_key(conn, role=Role.REPORTER, org=first, actor="t", hasher=CHEAP)[1]
            key_b = create_key(conn, role=Role.REPORTER, org=second, actor="t",
                               hasher=CHEAP)[1]
        live = start_server(create_app(reg))
        a = httpx.Client(base_url=live.base_url, timeout=30,
                         headers={"Authorization": f"Bearer {key_a}"})
        b = httpx.Client(base_url=live.base_url, timeout=30,
                         headers={"Authorization": f"Bearer {key_b}"})
        try:
            rows = [report_row(500 + i, first) for i in range(3)]
            ids = []
            for row in rows:
                res = a.post("/reports", json={**row, "forms": ["sexual"]})
                assert res.status_code == 201, res.text
                ids.append(res.json()["id"])
            # Read: nothing of the first organisation, by list, by ref or by id.
            assert b.get("/reports").json() == []
            assert b.get("/reports", params={"report_ref": rows[0]["report_ref"]}).json() == []
            assert all(b.get(f"/reports/{i}").status_code == 404 for i in ids)
            # Erase: refused as not found.
            assert b.post(f"/reports/{ids[0]}/withdraw-consent").status_code == 404
            # Overwrite by re-sending the ref (one report and a file): a new report of b.
            hostile = {**report_row(900, second), "report_ref": rows[1]["report_ref"],
                       "family_name": "Overwritten", "forms": ["labour"]}
            res = b.post("/reports", json=hostile)
            assert res.status_code == 201 and res.json()["id"] not in ids, res.text
            csv = ("report_ref,reporter,report_date,forms,consent,family_name\n"
                   f"{rows[2]['report_ref']},{second.split(':')[0]},2024-03-01,labour,yes,"
                   "Overwritten2\n")
            res = b.post("/reports/batch", files={"file": ("x.csv", csv.encode(), "text/csv")})
            assert res.status_code == 200 and res.json()["accepted"] == 1, res.text
            # b names a's organisation outright: refused.
            res = b.post("/reports", json={**hostile, "organisation": first})
            assert res.status_code == 422 and "organisation" in res.text
            # The first organisation's reports are as sent: version 1, own names, consent.
            mine = {r["id"]: r for r in a.get("/reports").json()}
            assert set(mine) == set(ids)
            for rid, row in zip(ids, rows, strict=True):
                got = mine[rid]
                assert got["organisation"] == first and got["version"] == 1
                assert got["family_name"] == row["family_name"] and got["erased_at"] is None
            assert [r["organisation"] for r in b.get("/reports").json()] == [second] * 2
        finally:
            a.close()
            b.close()
            live.stop()
            reg.dispose()


def test_keys_of_a_shared_reporter_code_must_name_their_organisation(tmp_path: Path,
                                                                      ) -> None:
    reg = open_registry(f"sqlite:///{tmp_path / 'k.db'}")
    try:
        with reg.begin() as conn:
            for bad in ("other", "care_coordinator", "other:Fier", "other:unassigned",
                        "kmar:x", "police", "other:" + "a" * 47):
                with pytest.raises(ValidationError):
                    create_key(conn, role=Role.REPORTER, org=bad, actor="t", hasher=CHEAP)
            for good in ("other:fier", "care_coordinator:noord-holland", "kmar",
                         "police:amsterdam", "other:" + "a" * 46):
                create_key(conn, role=Role.REPORTER, org=good, actor="t", hasher=CHEAP)
    finally:
        reg.dispose()


def test_registrar_import_sets_the_organisation(tmp_path: Path) -> None:
    """``zicht import``: an organisation column, else --org, else from reporter_org."""
    reg = open_registry(f"sqlite:///{tmp_path / 'i.db'}")
    head = "report_ref,reporter,reporter_org,organisation,report_date,forms,consent\n"
    try:
        data = (head + "A1,other,Fier Fryslân,,2024-03-01,sexual,yes\n"
                "A2,other,,other:shelter-b,2024-03-01,sexual,yes\n"
                "A3,other,,,2024-03-01,sexual,yes\n"
                "A4,care_coordinator,Zorgcoördinatie Limburg,,2024-03-01,labour,yes\n")
        import_file(reg, data.encode(), name="f.csv", actor="t")
        with pytest.raises(ValidationError) as refused:  # --org for a row of another code
            import_file(reg, (head + "B1,kmar,,,2024-03-01,sexual,\n").encode(),
                        name="g.csv", actor="t", only_org="other:fier")
        assert refused.value.problems[0].row == 2
        assert refused.value.problems[0].field == "reporter"
        import_file(reg, (head + "A1,other,Something else,,2024-03-01,labour,yes\n").encode(),
                    name="h.csv", actor="t", only_org="other:fier-fryslan")
        with pytest.raises(ValidationError) as refused:
            import_file(reg, (head + "C1,other,,kmar,2024-03-01,sexual,yes\n").encode(),
                        name="i.csv", actor="t")
        assert refused.value.problems[0].field == "organisation"
        with reg.begin() as conn:
            got = dict(conn.execute(sa.text(
                "SELECT r.report_ref || '/' || r.version, o.code FROM reports r JOIN "
                "organisations o ON o.id = r.organisation_id")).tuples().all())
        assert got == {"A1/2": "other:fier-fryslan", "A2/1": "other:shelter-b",
                       "A3/1": "other:unassigned",
                       "A4/1": "care_coordinator:zorgcoordinatie-limburg"}
    finally:
        reg.dispose()


@pytest.mark.parametrize("kind", KINDS)
def test_migration_moves_shared_reports_apart(kind: str, tmp_path: Path) -> None:
    with database(kind, tmp_path) as url:
        engine = make_engine(url)
        upgrade(engine, "0003_dedupe_incremental")
        now = dt.datetime.now(dt.UTC)
        with engine.begin() as conn:
            oid = conn.execute(sa.text(
                "INSERT INTO organisations (code, reporter, created_at) VALUES "
                "('other', 'other', :t) RETURNING id"), {"t": now}).scalar_one()
            for ref, name in (("R1", "Fier"), ("R2", "Shelter B"), ("R3", None), ("R4", "Fier")):
                conn.execute(sa.text(
                    "INSERT INTO reports (organisation_id, report_ref, reporter, reporter_org, "
                    "report_date, anonymous, forms, version, created_at, updated_at) VALUES "
                    "(:o, :r, 'other', :n, '2024-01-01', false, 'sexual', 1, :t, :t)"),
                    {"o": oid, "r": ref, "n": name, "t": now})
            conn.execute(sa.text(
                "INSERT INTO api_keys (id, prefix, hash, role, org, created_at) VALUES "
                "('k1', 'zk_k1', 'x', 'reporter', 'other', :t), "
                "('k2', 'zk_k2', 'x', 'reporter', 'kmar', :t)"), {"t": now})
        upgrade(engine)
        with engine.begin() as conn:
            got = dict(conn.execute(sa.text(
                "SELECT r.report_ref, o.code FROM reports r JOIN organisations o "
                "ON o.id = r.organisation_id")).tuples().all())
            revoked = dict(conn.execute(sa.text(
                "SELECT id, revoked_at IS NOT NULL FROM api_keys")).tuples().all())
            codes = set(conn.scalars(sa.text("SELECT code FROM organisations")))
        engine.dispose()
        assert got == {"R1": "other:fier", "R2": "other:shelter-b", "R3": "other:unassigned",
                       "R4": "other:fier"}
        assert revoked == {"k1": True, "k2": False}
        assert "other" not in codes


