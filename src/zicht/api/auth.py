"""Authentication (Bearer API keys) and authorisation (the access matrix) for routes.

Use as ``principal: Principal = Depends(require(Action.X))``: the dependency finds the
key, checks it is valid and unrevoked, and checks the matrix of
``zicht.registry.access``. Scope (own organisation, own region) is the route's job.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from zicht.registry.access import Action, Principal, authorize
from zicht.registry.db import Registry
from zicht.registry.intake import ReportWriter
from zicht.registry.keys import KeyVerifier

#: Paths served without a key (everything else must name an Action through ``require``).
PUBLIC_PATHS: frozenset[str] = frozenset({"/openapi.json", "/docs", "/health"})

_bearer = HTTPBearer(auto_error=False, description="An API key from `zicht keys create`.")


def get_registry(request: Request) -> Registry:
    """The open registry of this app."""
    registry: Registry = request.app.state.registry
    return registry


def client_address(request: Request) -> str | None:
    """The caller's address, for throttling failed keys (behind a proxy, run uvicorn with
    ``--proxy-headers --forwarded-allow-ips`` so this is the client, not the proxy)."""
    return request.client.host if request.client else None


def get_writer(request: Request) -> ReportWriter:
    """The app's group-committing writer of single reports (``POST /reports``)."""
    writer: ReportWriter = request.app.state.writer
    return writer


def require(action: Action) -> Callable[..., Principal]:
    """A dependency that returns the caller if its key may perform ``action``."""

    def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        registry = get_registry(request)
        verifier: KeyVerifier = request.app.state.verifier
        token = credentials.credentials if credentials else None
        with registry.lookup() as conn:  # one SELECT: no transaction round trips
            principal = verifier.authenticate(conn, token, client_address(request))
        return authorize(principal, action)

    dependency.zicht_action = action  # type: ignore[attr-defined]  # read by tests and docs
    return dependency
