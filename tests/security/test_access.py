"""Access: every route of the app x every role (and no key), over a real server.

The routes are enumerated from the app itself, so a new endpoint is covered the day it
is added; a path parameter this test has no values for fails the test until it does.
For every request: no 5xx; a role the access matrix refuses gets 401/403; an analyst,
municipality, admin or anonymous caller never receives a name, birth date or BSN; a
reporter never receives another organisation's report; a municipality never receives
another region's page.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import fastapi.routing
import httpx
import openpyxl
import pytest
from security_figures import report_figure
from security_seed import report_row
from security_server import (
    KEY_ORGS,
    OTHER_ORG,
    OTHER_REGION,
    OWN_ORG,
    OWN_REGION,
    REPORTER_ORGS,
    SHARED_ORGS,
    Seeded,
    client,
)
from sqlalchemy import create_engine, text
from starlette.routing import Route, compile_path

from zicht.registry.access import ACCESS, Action, Role

SKIP_METHODS = {"HEAD", "OPTIONS"}
ROLES: list[Role | None] = [None, *Role]
#: Every caller of the sweep: no key, a key of every role, and a reporter key of every
#: organisation (two under ``other``, two care coordinators: issue 12, finding 1).
CALLERS: list[tuple[Role | None, str | None]] = [
    (None, None), *((r, KEY_ORGS[r]) for r in Role if r is not Role.REPORTER),
    *((Role.REPORTER, org) for org in REPORTER_ORGS)]
#: Values to try for path parameters that are not ids; extend when a route adds one.
#: (``key`` and ``slug`` come from the published sample set, see ``conftest.py``.)
PATH_VALUES: dict[str, list[str]] = {
    "fmt": ["csv", "xlsx"],
    "name": ["dashboard.css", "../../../../etc/passwd", "x"],
}


@dataclass(frozen=True)
class Call:
    """One concrete request of the sweep."""

    method: str
    path: str
    template: str
    params: tuple[tuple[str, str], ...] = ()
    json: Any = None
    files: tuple[tuple[str, bytes], ...] | None = None
    names_region: str | None = None
    action: Action | None = None


def route_action(route: Route) -> Action | None:
    """The access-matrix action a route declares through ``require(...)``, if any."""
    dependant = getattr(route, "dependant", None)
    stack = list(dependant.dependencies) if dependant else []
    while stack:
        dep = stack.pop()
        action = getattr(dep.call, "zicht_action", None)
        if action is not None:
            return Action(action)
        stack.extend(dep.dependencies)
    return None


def query_names(route: Route) -> set[str]:
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return set()
    names = {p.name for p in dependant.query_params}
    stack = list(dependant.dependencies)
    while stack:
        dep = stack.pop()
        names |= {p.name for p in dep.query_params}
        stack.extend(dep.dependencies)
    return names


def path_values(name: str, convertor: Any, seeded: Seeded) -> list[str]:
    ids = [str(i) for i in itertools.chain(*seeded.ids.values())] + ["999999"]
    if name.endswith("_id") or type(convertor).__name__ == "IntegerConvertor":
        return ids
    known = {**PATH_VALUES, **seeded.path_values}
    if name not in known:
        pytest.fail(f"Route parameter '{name}' is new: add values for it to PATH_VALUES so "
                    "the access sweep covers the route.")
    return known[name]


def body_variants(route: Route) -> Iterator[dict[str, Any]]:
    """Bodies for a write route: a report of the caller's org and one of another org."""
    body = getattr(route, "body_field", None)
    if body is None:
        yield {}
        return
    text = repr(body.field_info.annotation) + repr(getattr(body, "type_", ""))
    if "UploadFile" in text or "bytes" in text or "Body_" in text:
        for org, i, ref in ((OWN_ORG, 300, None), (OTHER_ORG, 400, None),
                            (SHARED_ORGS[0], 500, "S0000001")):
            buf = io.StringIO()
            row = report_row(i, org, report_ref=ref)
            buf.write(",".join(row) + "\n" + ",".join(str(v) for v in row.values()) + "\n")
            yield {"files": (("file", buf.getvalue().encode()),)}
    else:
        yield {"json": report_row(301, OWN_ORG)}
        yield {"json": report_row(401, OTHER_ORG, report_ref="F0000401")}
        # A re-send of a ref every shared organisation holds: only the sender's own changes.
        for org, i in ((SHARED_ORGS[0], 501), (SHARED_ORGS[2], 502)):
            yield {"json": report_row(i, org, report_ref="S0000000")}


def flat_routes(app: Any) -> Iterator[tuple[str, Route]]:
    """``(full path, route)`` of every route, included routers flattened (as OpenAPI does)."""
    iter_contexts = getattr(fastapi.routing, "iter_route_contexts", None)
    if iter_contexts is None:  # older FastAPI: included routes are copied onto the app
        for route in app.routes:
            if isinstance(route, Route):
                yield route.path, route
        return
    for ctx in iter_contexts(app.routes):
        if isinstance(ctx.original_route, Route) and ctx.path:
            yield ctx.path, ctx.original_route


def enumerate_calls(app: Any, seeded: Seeded) -> list[Call]:
    calls: list[Call] = []
    for full_path, route in flat_routes(app):
        methods = (getattr(route, "methods", None) or set()) - SKIP_METHODS
        if not methods:
            continue
        _, path_format, convertors = compile_path(full_path)
        names = list(convertors)
        choices = [path_values(n, convertors[n], seeded) for n in names]
        queries: list[tuple[tuple[str, str], ...]] = [()]
        region: list[str | None] = [None]
        q = query_names(route)
        if "code" in q:  # a regional view: ask for the own and another region
            queries = [(("level", "municipality"), ("code", OWN_REGION)),
                       (("level", "municipality"), ("code", OTHER_REGION))]
            region = [None, OTHER_REGION]
        if "report_ref" in q:
            queries.append((("report_ref", seeded.refs(OTHER_ORG)[0]),))
            queries.append((("report_ref", seeded.refs(SHARED_ORGS[0])[1]),))
            region += [None, None]
        for method in sorted(methods):
            bodies = list(body_variants(route)) if method != "GET" else [{}]
            for values in itertools.product(*choices):
                path = path_format.format(**dict(zip(names, values, strict=True)))
                for (params, names_region), body in itertools.product(
                        zip(queries, region, strict=True), bodies):
                    calls.append(Call(method, path, full_path, params, body.get("json"),
                                      body.get("files"), names_region, route_action(route)))
    # Reads first: writes (consent withdrawal) erase identities and would weaken the checks.
    return sorted(calls, key=lambda c: c.method != "GET")


def send(http: httpx.Client, call: Call) -> httpx.Response:
    files = {"file": ("upload.csv", call.files[0][1], "text/csv")} if call.files else None
    return http.request(call.method, call.path, params=list(call.params), json=call.json,
                        files=files)


def readable_text(res: httpx.Response) -> str:
    """The text of a response, workbook cells included (an XLSX is a zip)."""
    if res.content[:2] != b"PK":
        return res.text
    book = openpyxl.load_workbook(io.BytesIO(res.content), read_only=True)
    return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                     for v in row if v is not None)


def check(call: Call, role: Role | None, res: httpx.Response, seeded: Seeded,
          org: str | None = OWN_ORG) -> list[str]:
    """Every rule one response breaks, as readable lines (``org``: a reporter key's)."""
    where = f"{call.method} {call.path}{'?' if call.params else ''}" \
            f"{'&'.join(f'{k}={v}' for k, v in call.params)} as {role or 'no key'}" \
            f"{f' of {org}' if role is Role.REPORTER else ''}"
    body = res.text
    out = []
    if res.status_code >= 500:
        out.append(f"{where}: {res.status_code}")
    if "root:x:0:0" in body:
        out.append(f"{where}: a file outside the static folder was served")
    if call.action is not None:
        allowed = role is not None and role in ACCESS[call.action]
        if not allowed and res.status_code not in (401, 403):
            out.append(f"{where}: matrix refuses {role} for {call.action}, got "
                       f"{res.status_code}")
    if role in (None, Role.ANALYST, Role.MUNICIPALITY, Role.ADMIN):
        leaked = [m for m in seeded.markers() if m in body]
        if leaked:
            out.append(f"{where}: identities in the response ({len(leaked)} values)")
    if role is Role.REPORTER:
        foreign = [m for m in seeded.foreign(org or OWN_ORG) if m in body]
        if foreign:
            out.append(f"{where}: another organisation's report in the response")
    if role is Role.MUNICIPALITY and OTHER_REGION in readable_text(res):
        out.append(f"{where}: another region's data in the response ({res.status_code})")
    return out


def foreign_writes(seeded: Seeded) -> list[str]:
    """Writes of a reporter key to another organisation's report, from the audit log.

    Each write names its report (create, update, consent withdrawal) or its import
    (a file: the reports and versions carrying that import id); the writer's key must
    be the registrar's or a key of the report's organisation.
    """
    key_org = {key.split("_")[1]: org for org, key in seeded.org_keys.items()}
    engine = create_engine(seeded.url)
    with engine.connect() as conn:
        org_of = dict(conn.execute(text(
            "SELECT r.id, o.code FROM reports r JOIN organisations o "
            "ON o.id = r.organisation_id")).tuples().all())
        by_import: dict[str, set[int]] = {}
        for rid, import_id in conn.execute(text(
                "SELECT id, import_id FROM reports UNION ALL "
                "SELECT report_id, import_id FROM report_history")).tuples():
            by_import.setdefault(import_id, set()).add(rid)
        entries = conn.execute(text(
            "SELECT actor, action, record_type, record_id FROM audit_log "
            "WHERE actor LIKE 'key:%'")).tuples().all()
    engine.dispose()
    out = []
    for actor, action, record_type, record_id in entries:
        org = key_org.get(actor.removeprefix("key:"))
        if org is None:  # not a reporter key (the registrar may write every report)
            continue
        if record_type == "import":
            touched = by_import.get(record_id, set())
        elif action in ("report.create", "report.update", "report.withdraw_consent"):
            touched = {int(record_id)}
        else:
            continue
        out += [f"{actor} ({org}) did {action} on report {rid} of {org_of.get(rid)}"
                for rid in sorted(touched) if org_of.get(rid) != org]
    return out


def test_every_route_times_every_role(seeded: Seeded) -> None:
    calls = enumerate_calls(seeded.app, seeded)  # the routes of the server under test
    templates = {c.template for c in calls}
    assert "/reports" in templates and "/reports/{report_id}" in templates
    problems: list[str] = []
    done = 0
    clients = {caller: client(seeded, *caller) for caller in CALLERS}
    try:
        for call in calls:
            for (role, org), http in clients.items():
                problems += check(call, role, send(http, call), seeded, org)
                done += 1
    finally:
        for c in clients.values():
            c.close()
    problems += foreign_writes(seeded)
    report_figure("access sweep", done, "requests", routes=len(templates),
                  callers=len(CALLERS), organisations=len(REPORTER_ORGS),
                  violations=len(problems))
    assert not problems, "\n".join(problems[:50])


def test_the_sweep_can_fail(seeded: Seeded) -> None:
    """Guard: the checks catch a leak when there is one (a registrar does see identities)."""
    with client(seeded, Role.REGISTRAR) as http:
        res = http.get(f"/reports/{seeded.ids[OTHER_ORG][0]}")
    call = Call("GET", "/reports/x", "/reports/{report_id}", action=Action.REPORT_READ)
    assert check(call, Role.ANALYST, res, seeded), "an identity leak went unnoticed"
    assert check(call, Role.REPORTER, res, seeded), "a foreign report went unnoticed"
    page = httpx.Response(200, text=f"<td>{OTHER_REGION}</td>")
    assert check(call, Role.MUNICIPALITY, page, seeded), "another region went unnoticed"
