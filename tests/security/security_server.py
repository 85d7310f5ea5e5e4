"""Helpers of the security proofs: a seeded registry, a key per role, a live server."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from security_seed import report_row
from sqlalchemy import select

from zicht.registry import import_rows, open_registry
from zicht.registry.access import Role
from zicht.registry.keys import create_key
from zicht.registry.models import Organisation, Report

#: The organisation each role's key belongs to in the seeded registry.
KEY_ORGS = {
    Role.REPORTER: "police:amsterdam",
    Role.REGISTRAR: "registry-office",
    Role.ANALYST: "research-team",
    Role.MUNICIPALITY: "GM0363",
    Role.ADMIN: "ops",
}
OWN_ORG, OTHER_ORG = "police:amsterdam", "fairwork"
#: Two organisations under each reporter code that covers many (issue 12, finding 1);
#: their reports share refs, as unrelated organisations' refs may.
SHARED_ORGS = ["other:fier", "other:shelter-b", "care_coordinator:noord-holland",
               "care_coordinator:limburg"]
REPORTER_ORGS = [OWN_ORG, OTHER_ORG, *SHARED_ORGS]
OWN_REGION, OTHER_REGION = "GM0363", "GM0599"


@dataclass
class Seeded:
    """The seeded registry: its rows by organisation, their ids, a key per role."""

    url: str
    rows: dict[str, list[dict[str, Any]]]
    ids: dict[str, list[int]]
    keys: dict[Role, str]
    org_keys: dict[str, str] = field(default_factory=dict)  # a reporter key per organisation
    base_url: str = ""
    app: Any = None
    path_values: dict[str, list[str]] = field(default_factory=dict)

    def markers(self, org: str | None = None) -> list[str]:
        """Identity values planted in the registry (of one organisation, or all)."""
        from security_seed import markers

        orgs = [org] if org else list(self.rows)
        return [m for o in orgs for r in self.rows[o] for m in markers(r)]

    def refs(self, org: str) -> list[str]:
        return [r["report_ref"] for r in self.rows[org]]

    def foreign(self, org: str) -> list[str]:
        """Markers and refs a reporter key of ``org`` must never receive."""
        others = [o for o in self.rows if o != org]
        own_refs = set(self.refs(org))
        return [*(m for o in others for m in self.markers(o)),
                *(r for o in others for r in self.refs(o) if r not in own_refs)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed_registry(url: str) -> Seeded:
    """Two organisations' reports (identified, with markers) in two regions; a key per role."""
    reg = open_registry(url)
    rows = {
        OWN_ORG: [report_row(100 + i, OWN_ORG, municipality=OWN_REGION) for i in range(3)],
        OTHER_ORG: [report_row(200 + i, OTHER_ORG, municipality=OTHER_REGION,
                               report_ref=f"F{200 + i:07d}") for i in range(3)],
    }
    for k, org in enumerate(SHARED_ORGS):
        rows[org] = [report_row(600 + 10 * k + i, org, municipality=OTHER_REGION,
                                report_ref=f"S{i:07d}", reporter_org=f"Org {org}")
                     for i in range(3)]
    for org, org_rows in rows.items():
        import_rows(reg, org_rows, list(range(2, len(org_rows) + 2)), actor="seed",
                    only_org=org)
    keys: dict[Role, str] = {}
    org_keys: dict[str, str] = {}
    with reg.begin() as conn:
        for role, org in KEY_ORGS.items():
            keys[role] = create_key(conn, role=role, org=org, actor="seed")[1]
        org_keys[OWN_ORG] = keys[Role.REPORTER]
        for org in REPORTER_ORGS[1:]:
            org_keys[org] = create_key(conn, role=Role.REPORTER, org=org, actor="seed")[1]
        reports, orgs = Report.__table__, Organisation.__table__
        ids = {org: list(conn.scalars(select(reports.c.id).join(
                   orgs, orgs.c.id == reports.c.organisation_id)
                   .where(orgs.c.code == org).order_by(reports.c.id)))
               for org in rows}
    reg.dispose()
    return Seeded(url=url, rows=rows, ids=ids, keys=keys, org_keys=org_keys)


@dataclass
class LiveServer:
    """A uvicorn server in a thread, on a free loopback port."""

    server: uvicorn.Server
    thread: threading.Thread
    base_url: str

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(app: Any) -> LiveServer:
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    return LiveServer(server=server, thread=thread, base_url=base)


def attach_dashboard(app: Any, publish_dir: Path) -> dict[str, list[str]]:
    """Point the dashboard at sample releases; return path values for its routes."""
    from tests.sample_releases import write_sample_releases

    from zicht.api.dashboard import configure_dashboard
    from zicht.publish.chapters import CHAPTERS, table_slug

    dash = configure_dashboard(app, write_sample_releases(publish_dir), secret="test")
    tables = dash.published.tables()
    regional = [table_slug(t.name) for t in tables if t.name.startswith("regional/")]
    others = [table_slug(t.name) for t in tables if not t.name.startswith("regional/")]
    # Every route is swept; of the many chapters and tables a sample keeps the sweep quick.
    return {"key": [*CHAPTERS[:2], "regional", "x"], "slug": [*regional, *others[:1], "x"]}


def client(seeded: Seeded, role: Role | None, org: str | None = None) -> httpx.Client:
    """A client with the key of ``role`` (a reporter: of organisation ``org``), or none."""
    key = seeded.org_keys[org] if role is Role.REPORTER and org else \
        seeded.keys[role] if role else None
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(base_url=seeded.base_url, headers=headers, timeout=30,
                        follow_redirects=False)
