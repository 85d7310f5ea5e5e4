"""The intake API against a real uvicorn server on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher, profiles
from fastapi import FastAPI

sys.path.insert(0, str(Path(__file__).parents[1] / "registry"))
from reports_factory import report, write_csv

from zicht.api import create_app
from zicht.api.app import RouteAccess, list_route_access
from zicht.api.auth import PUBLIC_PATHS
from zicht.registry import open_registry, verify_audit
from zicht.registry.access import ACCESS, Role
from zicht.registry.db import Registry
from zicht.registry.keys import create_key

CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)

KEY_ORGS = {"police": (Role.REPORTER, "police:amsterdam"), "fairwork": (Role.REPORTER, "fairwork"),
            "registrar": (Role.REGISTRAR, "registry"), "analyst": (Role.ANALYST, "research"),
            "municipality": (Role.MUNICIPALITY, "GM0363"), "admin": (Role.ADMIN, "ops")}
FW = {"reporter": "fairwork", "police_unit": "", "consent": "yes"}


@dataclass
class Api:
    base: str
    keys: dict[str, str]
    registry: Registry
    app: FastAPI

    def client(self, who: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.keys[who]}"} if who else {}
        return httpx.Client(base_url=self.base, headers=headers, timeout=30)


def body(i: int, **overrides: str) -> dict[str, object]:
    row = {k: v for k, v in report(i, **overrides).items() if v != ""}
    row["forms"] = str(row["forms"]).split(";")
    if "labour_sector" in row:
        row["labour_sector"] = str(row["labour_sector"]).split(";")
    return row


@pytest.fixture
def api(db_url: str, live_server: Callable[[FastAPI], str]) -> Iterator[Api]:
    reg = open_registry(db_url)
    with reg.begin() as conn:
        keys = {name: create_key(conn, role=role, org=org, actor="test", hasher=CHEAP)[1]
                for name, (role, org) in KEY_ORGS.items()}
    app = create_app(reg)
    yield Api(live_server(app), keys, reg, app)
    reg.dispose()


def test_post_read_back_and_other_org_refused(api: Api) -> None:
    with api.client("police") as police, api.client("fairwork") as fairwork:
        first = police.post("/reports", json=body(1))
        assert first.status_code == 201, first.text
        rid = first.json()["id"]
        again = police.post("/reports", json=body(1, family_name="Renamed"))
        assert again.status_code == 200 and again.json() == {
            "id": rid, "status": "updated", "anonymous": False}
        got = police.get(f"/reports/{rid}").json()
        assert (got["family_name"], got["version"], got["bsn"]) == ("Renamed", 2, "123456782")
        assert got["forms"] == ["sexual", "labour"] and got["organisation"] == "police:amsterdam"
        listed = police.get("/reports", params={"report_ref": "R00001"}).json()
        assert [r["id"] for r in listed] == [rid]
        since = {"since": "2000-01-01T00:00:00+02:00"}
        assert len(police.get("/reports", params=since).json()) == 1
        assert police.get("/reports", params={"since": "2999-01-01T00:00:00Z"}).json() == []

        assert fairwork.get(f"/reports/{rid}").status_code == 404
        assert fairwork.get("/reports").json() == []
        assert fairwork.post(f"/reports/{rid}/withdraw-consent").status_code == 404
        wrong_org = police.post("/reports", json=body(2, **FW))
        assert wrong_org.status_code == 422 and "belongs to police:amsterdam" in wrong_org.text
    with httpx.Client(base_url=api.base) as anonymous:
        assert anonymous.get(f"/reports/{rid}").status_code == 401
        assert anonymous.post("/reports", json=body(3)).status_code == 401
    with api.registry.read() as conn:
        assert verify_audit(conn).ok


def test_invalid_report_lists_problems_and_stores_nothing(api: Api) -> None:
    with api.client("police") as police:
        bad = police.post("/reports", json=body(1, bsn="123456789", report_date="2999-01-01"))
        assert bad.status_code == 422
        fields = {e["field"] for e in bad.json()["errors"]}
        assert {"bsn", "report_date"} <= fields and "123456789" not in bad.text
        rule = police.post("/reports", json=body(1, birth_year="1999"))
        assert rule.status_code == 422 and rule.json()["errors"][0]["field"] == "birth_year"
        assert police.get("/reports").json() == []


def test_batch_upload_all_or_nothing(api: Api, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "good.csv", [report(1, **FW), report(2, **FW)])
    bad = write_csv(tmp_path / "bad.csv", [report(3, **FW), report(4, **FW, bsn="123456789")])
    with api.client("fairwork") as fairwork:
        ok = fairwork.post("/reports/batch", files={"file": ("good.csv", good.read_bytes())})
        assert ok.status_code == 200 and ok.json()["accepted"] == 2
        refused = fairwork.post("/reports/batch", files={"file": ("bad.csv", bad.read_bytes())})
        assert refused.status_code == 422
        assert refused.json()["errors"] == [{"row": 3, "field": "bsn", "message": refused.json()[
            "errors"][0]["message"]}] and refused.json()["rejected"] == 1
        assert len(fairwork.get("/reports").json()) == 2
        rid = fairwork.get("/reports", params={"report_ref": "R00001"}).json()[0]["id"]
        assert fairwork.post(f"/reports/{rid}/withdraw-consent").status_code == 200
        erased = fairwork.get(f"/reports/{rid}").json()
        assert erased["anonymous"] and erased["family_name"] is None and erased["bsn"] is None
        again = fairwork.post("/reports", json=body(1, **FW))  # identities sent again
        assert again.status_code == 422 and again.json()["errors"][0]["field"] == "report_ref"
        assert fairwork.get(f"/reports/{rid}").json()["family_name"] is None


def test_openapi_and_offline_docs(api: Api) -> None:
    with httpx.Client(base_url=api.base) as client:
        spec = client.get("/openapi.json").json()
        assert {"/reports", "/reports/batch", "/reports/{report_id}"} <= set(spec["paths"])
        page = client.get("/docs").text
        assert "/openapi.json" in page and "<script" not in page and "cdn" not in page.lower()


def guarded_routes(app: FastAPI) -> list[RouteAccess]:
    routes = list_route_access(app.routes)
    # Every route of the JSON API names its Action; HTML pages (the dashboard, not in the
    # OpenAPI schema) authorise inside their routes and are tested with the dashboard.
    unguarded = [r.path for r in routes
                 if r.in_schema and r.action is None and r.path not in PUBLIC_PATHS]
    assert not unguarded, f"routes naming no Action: {unguarded}"
    return [r for r in routes if r.action is not None]


def test_every_route_x_every_role_follows_the_matrix(api: Api) -> None:
    with api.client("police") as police:
        rid = police.post("/reports", json=body(1)).json()["id"]
    routes = guarded_routes(api.app)
    assert len(routes) >= 5
    for route in routes:
        assert route.action is not None
        path = re.sub(r"\{[^}]+\}", "1", route.path.replace("{report_id}", str(rid)))
        for name in ("police", "registrar", "analyst", "municipality", "admin"):
            role = KEY_ORGS[name][0]
            for method in route.methods:
                with api.client(name) as client:
                    kwargs = {"json": body(1)} if path == "/reports" and method == "POST" else {}
                    status = client.request(method, path, **kwargs).status_code
                allowed = role in ACCESS[route.action]
                assert (status == 403) is not allowed, (method, path, name, status)
                assert status < 500, (method, path, name, status)
