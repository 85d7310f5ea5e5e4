"""Finding 10 of issue 12: a list read names every report it returned in the audit log.

Before, ``GET /reports`` wrote one entry whose record id was the comma-joined ids cut to
100 characters: a 195-report read logged 20 ids.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher, profiles
from security_seed import KINDS, database, report_row
from security_server import start_server
from sqlalchemy import select

from zicht.api import create_app
from zicht.registry import import_rows, open_registry, verify_audit
from zicht.registry.access import Role
from zicht.registry.keys import create_key
from zicht.registry.models import AuditEntry, table_of

CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)
ORG = "other:fier"


@pytest.mark.parametrize("kind", KINDS)
def test_a_195_report_list_read_logs_195_ids(kind: str, tmp_path: Path) -> None:
    with database(kind, tmp_path) as url:
        reg = open_registry(url)
        rows = [report_row(i, ORG) for i in range(195)]
        import_rows(reg, rows, list(range(2, 197)), actor="seed", only_org=ORG)
        with reg.begin() as conn:
            info, key = create_key(conn, role=Role.REPORTER, org=ORG, actor="t", hasher=CHEAP)
        live = start_server(create_app(reg))
        try:
            with httpx.Client(base_url=live.base_url, timeout=30,
                              headers={"Authorization": f"Bearer {key}"}) as http:
                got = http.get("/reports", params={"limit": 1000}).json()
        finally:
            live.stop()
        audit = table_of(AuditEntry)
        with reg.begin() as conn:
            logged = list(conn.scalars(select(audit.c.record_id)
                                       .where(audit.c.actor == f"key:{info.id}")
                                       .where(audit.c.action == "report.list")))
            assert verify_audit(conn).ok
        reg.dispose()
        assert len(got) == 195
        assert sorted(map(int, logged)) == sorted(r["id"] for r in got)
