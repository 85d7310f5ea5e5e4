"""The FastAPI app factory: routers from modules, one error handler, offline docs page."""

from __future__ import annotations

import html
import importlib
import os
import pkgutil
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict

import zicht
from zicht.api.limits import BodyLimit
from zicht.core.config import get_settings
from zicht.core.errors import TooManyRequests, ZichtError
from zicht.registry.access import Action
from zicht.registry.db import Registry, open_registry
from zicht.registry.intake import ReportWriter
from zicht.registry.keys import KeyVerifier


def include_routers(app: FastAPI) -> list[str]:
    """Include the ``router`` of every module of ``zicht.api`` (sorted by name)."""
    package = importlib.import_module("zicht.api")
    included = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name in {"app", "auth", "limits"}:
            continue
        module = importlib.import_module(f"zicht.api.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            app.include_router(router)
            included.append(info.name)
    return included


@dataclass(frozen=True)
class RouteAccess:
    """One route and the Action its ``require`` dependency names (None: public)."""

    path: str
    methods: frozenset[str]
    action: Action | None
    in_schema: bool  # False for HTML pages (the dashboard authorises inside its routes)


def _actions_of(dependencies: Iterable[Any]) -> list[Action]:
    calls = [getattr(d, "call", None) or getattr(d, "dependency", None) for d in dependencies]
    return [getattr(c, "zicht_action") for c in calls if hasattr(c, "zicht_action")]  # noqa: B009


def list_route_access(routes: Iterable[Any], prefix: str = "",
                      inherited: Sequence[Action] = (), in_schema: bool = True
                      ) -> list[RouteAccess]:
    """Every HTTP route of an app (``app.routes``) with its Action, for tests and docs."""
    out: list[RouteAccess] = []
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:  # an included router (FastAPI includes them lazily)
            context = route.include_context
            actions = [*inherited, *_actions_of(context.dependencies)]
            out += list_route_access(included.routes, prefix + context.prefix, actions,
                                     in_schema and context.include_in_schema)
        elif isinstance(route, APIRoute):
            actions = [*inherited, *_actions_of(route.dependencies),
                       *_actions_of(route.dependant.dependencies)]
            out.append(RouteAccess(prefix + route.path, frozenset(route.methods or ()),
                                   actions[-1] if actions else None,
                                   in_schema and route.include_in_schema))
    return out


class ErrorOut(BaseModel):
    """The body of every error response (``ZichtError.to_dict``)."""

    model_config = ConfigDict(extra="allow")
    error: str
    message: str


#: Error statuses any route may answer, documented once for the OpenAPI spec.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid API key"},
    429: {"model": ErrorOut, "description": "Too many failed keys; see Retry-After"},
    403: {"model": ErrorOut, "description": "The key's role may not do this"},
    404: {"model": ErrorOut, "description": "Not found, or not this key's to see"},
    409: {"model": ErrorOut, "description": "Clashes with stored state; send again"},
    413: {"model": ErrorOut, "description": "The request body is over the size cap"},
}


def create_app(registry: Registry | str) -> FastAPI:
    """The API over ``registry`` (an open registry, or a database URL to open)."""
    owned = isinstance(registry, str)
    reg = open_registry(registry) if isinstance(registry, str) else registry

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            reg.dispose()

    app = FastAPI(
        title="zicht API",
        version=getattr(zicht, "__version__", "0"),
        description="Intake of reports of presumed victims of trafficking; see docs/api.md.",
        docs_url=None,  # FastAPI's default docs load JavaScript from a CDN; see /docs
        redoc_url=None,
        lifespan=lifespan,
        responses=ERROR_RESPONSES,  # every route may answer these (schemathesis checks it)
    )
    app.add_middleware(BodyLimit, settings=get_settings())
    app.state.registry = reg
    app.state.verifier = KeyVerifier()
    app.state.writer = ReportWriter(reg)

    @app.exception_handler(ZichtError)
    async def _zicht_error(_request: Request, exc: ZichtError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        if isinstance(exc, TooManyRequests):
            headers = {"Retry-After": str(exc.retry_after)}
        return JSONResponse(exc.to_dict(), status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _request_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"row": None, "field": ".".join(str(p) for p in e["loc"][1:]) or None,
                   "message": e["msg"]} for e in exc.errors()]  # never echo the input
        return JSONResponse({"error": "ValidationError", "errors": errors,
                             "message": "The request breaks the import contract; nothing "
                             "was stored. Fix every listed problem and send it again."},
                            status_code=422)

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs_page() -> str:
        return render_docs_page(app)

    @app.get("/health", include_in_schema=False)
    async def health() -> dict[str, str]:  # on the event loop: no thread-pool slot needed
        return {"status": "ok"}

    include_routers(app)
    return app


def create_app_from_env() -> FastAPI:
    """The app for the database of ``ZICHT_DATABASE_URL`` (used by ``zicht serve``)."""
    return create_app(os.environ.get("ZICHT_DATABASE_URL", get_settings().database_url))


def render_docs_page(app: FastAPI) -> str:
    """A self-contained page listing every operation (no JavaScript, no CDN)."""
    spec = app.openapi()
    rows = []
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            rows.append(f"<tr><td><code>{method.upper()}</code></td><td><code>"
                        f"{html.escape(path)}</code></td><td>"
                        f"{html.escape(op.get('summary', ''))}</td><td>"
                        f"{html.escape(op.get('description', '')).replace(chr(10), '<br>')}"
                        "</td></tr>")
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>zicht API</title>"
        "<style>body{font-family:sans-serif;margin:2em}td{vertical-align:top;padding:4px 8px;"
        "border-bottom:1px solid #ddd}</style></head><body>"
        f"<h1>{html.escape(spec['info']['title'])} {html.escape(spec['info']['version'])}</h1>"
        "<p>The machine-readable specification is <a href='/openapi.json'>/openapi.json</a>. "
        "Authenticate with <code>Authorization: Bearer KEY</code>.</p>"
        "<table><tr><th>method</th><th>path</th><th>summary</th><th>description</th></tr>"
        + "".join(rows) + "</table></body></html>"
    )
