"""``zicht serve``: the intake API (and any routes other modules add) under uvicorn."""

from __future__ import annotations

import os
import secrets
from typing import Annotated

import typer

from zicht.cli.app import DB_OPTION, app


@app.command("serve")
def serve(
    db: str = DB_OPTION,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes.")] = 1,
    publish_dir: Annotated[str, typer.Option(
        "--publish-dir", envvar="ZICHT_PUBLISH_DIR",
        help="Folder with the published releases (monitor/, linked/, estimate/) that the "
        "dashboard at /dashboard shows.")] = "",
) -> None:
    """Serve the intake API (OpenAPI at /openapi.json, a page at /docs)."""
    import uvicorn

    from zicht.registry import open_registry

    open_registry(db).dispose()  # migrate once and check the key before workers start
    os.environ["ZICHT_DATABASE_URL"] = db  # the app factory reads it in each worker
    if publish_dir:
        os.environ["ZICHT_PUBLISH_DIR"] = publish_dir
    # Every worker must sign dashboard sessions with the same secret.
    os.environ.setdefault("ZICHT_SESSION_SECRET", secrets.token_hex(32))
    uvicorn.run("zicht.api:create_app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level="warning",
                # A worker imports all of zicht (seconds on a busy machine); uvicorn's
                # default 5 s health check would kill and respawn it forever.
                timeout_worker_healthcheck=120)
