"""The dashboard: server-rendered pages of the published releases, behind sign-in.

Pages (all under ``/dashboard``): the overview, a page per chapter, a regional view
(a police unit or a municipality), CSV/XLSX downloads of any table with the current
filters (year range, form). Every script, style and chart is served by zicht; nothing
loads from the internet.

Sign-in: a form takes an API key and sets a signed, HttpOnly session cookie holding
the key's id, role and organisation (never the key); ``Authorization: Bearer KEY``
works too. Access follows ``zicht.registry.access`` (``published.read``); a
``municipality`` key sees only its own municipality's regional tables.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from zicht.api.auth import client_address
from zicht.core import codes as c
from zicht.core import municipalities
from zicht.core.config import get_settings
from zicht.core.errors import (
    AccessDenied,
    AuthenticationError,
    NotFoundError,
    TooManyRequests,
    ZichtError,
)
from zicht.core.roles import Role
from zicht.disclosure import DisclosedTable
from zicht.publish.chapters import CHAPTERS, table_slug
from zicht.publish.labels import (
    chapter_title,
    column_label,
    format_number,
    source_label,
    text,
)
from zicht.publish.periods import rows_period, with_period
from zicht.publish.render import show_table
from zicht.publish.summary import find_changes, headline
from zicht.publish.tables import workbook_bytes
from zicht.publish.views import (
    REGION_LEVELS,
    Filters,
    PublishedSet,
    chart_svg,
    csv_bytes,
    region_rows,
)
from zicht.registry.access import Action, Principal, authorize
from zicht.registry.db import Registry
from zicht.registry.keys import KeyVerifier
from zicht.registry.sessions import close_session, open_session, session_principal

COOKIE = "zicht_session"
SESSION_SECONDS = 8 * 3600
STATIC_DIR = Path(__file__).resolve().parent.parent / "publish" / "static"
MAX_ROWS = 60  # rows of a table shown on a page; the download has them all


class DashboardAuth(Protocol):
    """How the dashboard checks a key and keeps its sessions (server-side)."""

    def authenticate(self, key: str | None, client: str | None = None) -> Principal: ...

    def open_session(self, principal: Principal) -> str: ...

    def session(self, token: str) -> Principal | None: ...

    def close_session(self, token: str) -> None: ...


class RegistryAuth:
    """Keys from the registry database (argon2 hashes, revocation checked each time),
    sessions in its ``dashboard_sessions`` table (``zicht.registry.sessions``)."""

    def __init__(self, registry: Registry, verifier: KeyVerifier | None = None) -> None:
        self.registry = registry
        self.verifier = verifier or KeyVerifier()

    def authenticate(self, key: str | None, client: str | None = None) -> Principal:
        with self.registry.read() as conn:
            return self.verifier.authenticate(conn, key, client)

    def open_session(self, principal: Principal) -> str:
        with self.registry.begin() as conn:
            return open_session(conn, principal, SESSION_SECONDS)

    def session(self, token: str) -> Principal | None:
        with self.registry.read() as conn:
            return session_principal(conn, token)

    def close_session(self, token: str) -> None:
        with self.registry.begin() as conn:
            close_session(conn, token)


@dataclass
class Dashboard:
    """Everything a request needs: the releases, the key check, the cookie signer."""

    published: PublishedSet
    auth: DashboardAuth
    signer: URLSafeTimedSerializer
    env: Environment
    secure_cookie: bool = False


def configure_dashboard(app: FastAPI, publish_dir: Path | None = None, *,
                        auth: DashboardAuth | None = None,
                        secret: str | None = None) -> Dashboard:
    """Set what the dashboard of ``app`` shows and how it checks keys.

    The session cookie is ``Secure`` when ``ZICHT_SESSION_COOKIE_SECURE`` says so (by
    default in production), whatever scheme the server itself sees.
    Defaults: ``ZICHT_PUBLISH_DIR`` (``zicht serve --publish-dir``), the app's registry
    keys, and ``ZICHT_SESSION_SECRET`` to sign the session cookie (without one a random
    secret is made, so sessions end when the server restarts).
    """
    settings = get_settings()
    directory = publish_dir or settings.publish_dir or Path("published")
    if auth is None:
        auth = RegistryAuth(app.state.registry, getattr(app.state, "verifier", None))
    env = Environment(loader=PackageLoader("zicht.publish", "templates/dashboard"),
                      autoescape=select_autoescape(["html", "j2"]))
    env.globals.update(fmt=format_number, chapter_title=chapter_title)
    signer = URLSafeTimedSerializer(secret or settings.session_secret or secrets.token_hex(32),
                                    salt="zicht-dashboard")
    secure = settings.session_cookie_secure
    if secure is None:
        secure = settings.environment == "production"
    dash = Dashboard(PublishedSet(Path(directory)), auth, signer, env, secure)
    app.state.dashboard = dash
    return dash


def _dashboard(request: Request) -> Dashboard:
    dash = getattr(request.app.state, "dashboard", None)
    return dash if isinstance(dash, Dashboard) else configure_dashboard(request.app)


#: Included by ``zicht.api.create_app`` like every router of this package.
router = APIRouter(prefix="/dashboard", include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, lang: str = "nl", next: str = "/dashboard") -> Response:
    """The sign-in form."""
    dash = _dashboard(request)
    return _page(dash, "login.html.j2", _lang(lang), None, error=None, next=_safe(next))


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the API key of the form and set the signed session cookie."""
    dash = _dashboard(request)
    if not _same_origin(request):
        return Response("Sign in from this dashboard's own page (cross-site request "
                        "refused).", status_code=403, media_type="text/plain")
    form = await request.form()
    lang = _lang(str(form.get("lang", "nl")))
    key = str(form.get("api_key", "")).strip()
    try:  # argon2 in the thread pool: the event loop keeps serving everyone else
        principal = authorize(await run_in_threadpool(dash.auth.authenticate, key,
                                                      client_address(request)),
                              Action.PUBLISHED_READ)
    except (AuthenticationError, AccessDenied, TooManyRequests) as exc:
        page = _page(dash, "login.html.j2", lang, None, error=exc.message,
                     next=_safe(str(form.get("next", "/dashboard"))),
                     status=exc.status_code)
        if isinstance(exc, TooManyRequests):
            page.headers["Retry-After"] = str(exc.retry_after)
        return page
    target = _safe(str(form.get("next", "/dashboard")))
    response = RedirectResponse(_with_lang(target, lang), status_code=303)
    session = await run_in_threadpool(dash.auth.open_session, principal)
    response.set_cookie(COOKIE, dash.signer.dumps({"s": session}), max_age=SESSION_SECONDS,
                        httponly=True, samesite="lax", secure=dash.secure_cookie,
                        path="/dashboard")
    return response


@router.post("/logout")
def logout(request: Request, lang: str = "nl") -> Response:
    """Sign out: the session ends on the server, so a copied cookie stops working too."""
    dash = _dashboard(request)
    if not _same_origin(request):
        return Response("Sign out from this dashboard's own page (cross-site request "
                        "refused).", status_code=403, media_type="text/plain")
    token = _session_token(dash, request.cookies.get(COOKIE))
    if token:
        dash.auth.close_session(token)
    response = RedirectResponse(f"/dashboard/login?lang={_lang(lang)}", status_code=303)
    response.delete_cookie(COOKIE, path="/dashboard", secure=dash.secure_cookie,
                           httponly=True, samesite="lax")
    return response


def _same_origin(request: Request) -> bool:
    """Whether a form POST comes from this site: its ``Origin`` (else ``Referer``) names
    this host. A request with neither (a script, not a browser form) is let through."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        return True
    host = request.headers.get("host", "")
    return source != "null" and urlsplit(source).netloc == host


@router.get("", response_class=HTMLResponse)

@router.get("/", response_class=HTMLResponse)
def overview(request: Request, lang: str = "nl", year_from: str = "", year_to: str = "",
             form: str = "") -> Response:
    dash = _dashboard(request)
    lang = _lang(lang)
    who = _principal(dash, request)
    if isinstance(who, Response):
        return who
    if who.role is Role.MUNICIPALITY:
        return RedirectResponse(
            f"/dashboard/region?level=municipality&code={who.org}&lang={lang}",
            status_code=303)
    filters = _filters(year_from, year_to, form)
    tables = dash.published.tables()
    chapters = [{"key": ch.key, "title": chapter_title(ch.key, lang), "ran": ch.ran,
                 "n": len(ch.tables or ())} for ch in dash.published.chapters()]
    lead = [t for t in tables if t.name in ("figures/2.1", "figures/2.2")]
    return _page(dash, "overview.html.j2", lang, who, chapters=chapters,
                 headline=headline(tables, lang),
                 findings=[f.sentence(lang) for f in find_changes(tables, lang)],
                 figures=[_figure(dash, t, filters.apply(t.rows), lang, filters)
                          for t in lead],
                 filters=filters, **_filter_choices(dash))


@router.get("/chapter/{key}", response_class=HTMLResponse)
def chapter(request: Request, key: str, lang: str = "nl", year_from: str = "",
            year_to: str = "", form: str = "") -> Response:
    dash = _dashboard(request)
    lang = _lang(lang)
    who = _principal(dash, request)
    if isinstance(who, Response):
        return who
    if who.role is Role.MUNICIPALITY:
        return _error(dash, lang, who, AccessDenied(
            "A municipality key sees only its own region's tables."))
    found = next((ch for ch in dash.published.chapters() if ch.key == key), None)
    if found is None:
        return _error(dash, lang, who, NotFoundError(
            f"No chapter {key!r}; chapters: {', '.join(CHAPTERS)}."))
    filters = _filters(year_from, year_to, form)
    figures = [_figure(dash, t, filters.apply(t.rows), lang, filters)
               for t in found.tables or ()]
    return _page(dash, "chapter.html.j2", lang, who, chapter=found,
                 title=chapter_title(key, lang), figures=figures, filters=filters,
                 not_run=text("not_run", lang, stage=found.stage),
                 **_filter_choices(dash))


@router.get("/region", response_class=HTMLResponse)
def region(request: Request, level: str = "police_unit", code: str = "",
           lang: str = "nl", year_from: str = "", year_to: str = "",
           form: str = "") -> Response:
    dash = _dashboard(request)
    lang = _lang(lang)
    who = _principal(dash, request)
    if isinstance(who, Response):
        return who
    if level not in REGION_LEVELS:
        level = "police_unit"
    if who.role is Role.MUNICIPALITY:
        if level != "municipality" or (code and code != who.org):
            return _error(dash, lang, who, AccessDenied(
                f"This key sees municipality {who.org} only."))
        code = who.org
    codes = dash.published.region_codes(level)
    if who.role is Role.MUNICIPALITY:
        codes = [who.org]
    code = code if code in codes else (codes[0] if codes else "")
    filters = _filters(year_from, year_to, form)
    figures = []
    if code:
        extra = {"level": level, "code": code}
        for t in dash.published.regional_tables(level):
            figures.append(_figure(dash, t, region_rows(t, level, code, filters), lang,
                                   filters, extra))
    return _page(dash, "region.html.j2", lang, who, level=level, code=code,
                 codes=[(x, _area_label(level, x, lang)) for x in codes],
                 levels=[(lv, column_label(lv, lang)) for lv in REGION_LEVELS],
                 figures=figures, filters=filters,
                 municipality_name=municipalities.label(who.org or "", lang),
                 **_filter_choices(dash))


@router.get("/download/{slug}.{fmt}")
def download(request: Request, slug: str, fmt: str, lang: str = "nl",
             year_from: str = "", year_to: str = "", form: str = "", level: str = "",
             code: str = "") -> Response:
    dash = _dashboard(request)
    who = _principal(dash, request, redirect=False)
    if isinstance(who, Response):
        return who
    try:
        table = dash.published.table(slug)
    except NotFoundError as exc:
        return Response(exc.message, status_code=404, media_type="text/plain")
    filters = _filters(year_from, year_to, form)
    if who.role is Role.MUNICIPALITY:
        level, code = "municipality", who.org
        if not table.name.startswith("regional/municipality"):
            return Response("A municipality key downloads its own region's tables only.",
                            status_code=403, media_type="text/plain")
    elif code and (level not in REGION_LEVELS
                   or code not in dash.published.region_codes(level)):
        # Only a known area: the code goes into the file name (and nothing else does).
        return Response("No such area: code must be a police unit or municipality code of "
                        "the released regional tables (with level).", status_code=404,
                        media_type="text/plain")
    if level in REGION_LEVELS and code and REGION_LEVELS[level] in table.columns:
        rows = region_rows(table, level, code, filters)
    else:
        rows = filters.apply(table.rows)
    name = table_slug(table.name) + (f"_{code}" if code else "")
    if fmt == "csv":
        return Response(csv_bytes(table, rows), media_type="text/csv; charset=utf-8",
                        headers=_attachment(f"{name}.csv"))
    if fmt == "xlsx":
        data = workbook_bytes([table], _lang(lang), rows={table.name: rows})
        return Response(data, headers=_attachment(f"{name}.xlsx"), media_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    return Response("Download format is csv or xlsx.", status_code=404,
                    media_type="text/plain")



@router.get("/static/{name}")
def static(name: str) -> Response:
    """The dashboard's own CSS and JavaScript (nothing from a CDN)."""
    path = STATIC_DIR / name
    if "/" in name or name.startswith(".") or not path.is_file():
        return Response("Not found.", status_code=404, media_type="text/plain")
    media = "text/css" if name.endswith(".css") else "text/javascript"
    return Response(path.read_bytes(), media_type=f"{media}; charset=utf-8",
                    headers={"Cache-Control": "max-age=3600"})


# --- helpers --------------------------------------------------------------------------


def _principal(dash: Dashboard, request: Request, *,
               redirect: bool = True) -> Principal | Response:
    """The signed-in principal allowed to read published tables, or the response to send."""
    header = request.headers.get("authorization", "")
    try:
        if header.lower().startswith("bearer "):
            who = dash.auth.authenticate(header[7:].strip(), client_address(request))
        else:
            who = _from_cookie(dash, request.cookies.get(COOKIE))
        return authorize(who, Action.PUBLISHED_READ)
    except AuthenticationError as exc:
        if redirect:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/dashboard/login?" + urlencode({"next": target}),
                                    status_code=303)
        return Response(exc.message, status_code=401, media_type="text/plain")
    except AccessDenied as exc:
        return Response(exc.message, status_code=403, media_type="text/plain")
    except TooManyRequests as exc:
        return Response(exc.message, status_code=429, media_type="text/plain",
                        headers={"Retry-After": str(exc.retry_after)})


def _session_token(dash: Dashboard, cookie: str | None) -> str | None:
    """The session token inside a signed cookie (None when absent, forged or expired)."""
    if not cookie:
        return None
    try:
        data = dash.signer.loads(cookie, max_age=SESSION_SECONDS)
    except BadSignature:
        return None
    token = data.get("s") if isinstance(data, dict) else None
    return token if isinstance(token, str) else None


def _from_cookie(dash: Dashboard, cookie: str | None) -> Principal:
    if not cookie:
        raise AuthenticationError("Not signed in. Sign in with an API key.")
    token = _session_token(dash, cookie)
    principal = dash.auth.session(token) if token else None
    if principal is None:
        raise AuthenticationError("The session ended (signed out, expired or its key was "
                                  "revoked). Sign in again.")
    return principal


def _figure(dash: Dashboard, table: DisclosedTable, rows: Sequence[Mapping[str, Any]],
            lang: str, filters: Filters, extra: Mapping[str, str] | None = None
            ) -> dict[str, Any]:
    extra = dict(extra or {})
    svg = chart_svg(table, rows, lang) if rows else ""
    query = urlencode({k: v for k, v in {
        "lang": lang, "year_from": filters.year_from or "", "year_to": filters.year_to or "",
        "form": filters.form or "", **extra}.items() if v})
    policy_text = table.policy_text(lang)
    slug = table_slug(table.name)
    return {
        "id": "fig-" + slug,
        "name": table.name,
        # The period of the rows shown (the year filter narrows it).
        "title": with_period(table.title_nl if lang == "nl" else table.title_en,
                             rows_period(rows)),
        "svg": svg,
        "n": format_number(table.n, lang) if table.n is not None else None,
        "source": source_label(table.source, lang),
        "notes": table.notes_in(lang),
        "policy": policy_text,
        "table": show_table(table, lang, rows=rows, max_rows=MAX_ROWS),
        "empty": not rows,
        "csv": f"/dashboard/download/{slug}.csv?{query}",
        "xlsx": f"/dashboard/download/{slug}.xlsx?{query}",
    }


def _filters(year_from: str, year_to: str, form: str) -> Filters:
    forms = c.codes(c.FORMS)
    return Filters(_int(year_from), _int(year_to), form if form in forms else None)


def _filter_choices(dash: Dashboard) -> dict[str, Any]:
    return {"years": dash.published.years(), "forms": c.FORMS}


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "nl"


def _safe(target: str) -> str:
    """Only redirect inside the dashboard (no open redirect)."""
    return target if target.startswith("/dashboard") and "//" not in target else "/dashboard"


def _with_lang(target: str, lang: str) -> str:
    if "lang=" in target:
        return target
    return target + ("&" if "?" in target else "?") + f"lang={lang}"


def _attachment(name: str) -> dict[str, str]:
    """One RFC 6266 ``filename*`` parameter, percent-encoded UTF-8: no quote or
    non-Latin-1 character in a name can add a parameter or break the header."""
    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}"}


def _area_label(level: str, code: str, lang: str) -> str:
    """A police unit's name, or a municipality's name with its police unit (never the
    bare CBS code, unless the municipality is not listed)."""
    if level == "police_unit":
        return c.label(c.POLICE_UNITS, code, lang)
    return municipalities.label(code, lang)


def _page(dash: Dashboard, template: str, lang: str, who: Principal | None,
          status: int = 200, **context: Any) -> HTMLResponse:
    nav = [(key, chapter_title(key, lang)) for key in CHAPTERS if key != "regional"]
    html = dash.env.get_template(template).render(
        lang=lang, who=who, nav=nav, t=lambda key, **kw: text(key, lang, **kw),
        municipality=who is not None and who.role is Role.MUNICIPALITY, **context)
    return HTMLResponse(html, status_code=status)


def _error(dash: Dashboard, lang: str, who: Principal, exc: ZichtError) -> HTMLResponse:
    return _page(dash, "error.html.j2", lang, who, status=exc.status_code, message=exc.message)
