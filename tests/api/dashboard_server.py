"""A real zicht API server on loopback with the dashboard over sample releases
(helper of the dashboard tests; not collected as tests)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from tests.sample_releases import write_sample_releases

from zicht.api import create_app
from zicht.api.dashboard import configure_dashboard
from zicht.registry import open_registry
from zicht.registry.keys import create_key, revoke_key


@dataclass(frozen=True)
class Server:
    url: str
    keys: dict[str, str]  # role name -> key
    revoke: object  # callable(key_id) revoking a key
    releases: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def run_dashboard(tmp: Path) -> Iterator[Server]:
    """Start uvicorn in a thread; yield its URL and one key per role."""
    releases = write_sample_releases(tmp / "published")
    registry = open_registry(f"sqlite:///{tmp / 'registry.db'}")
    keys = {}
    with registry.begin() as conn:
        for name, role, org in (("analyst", "analyst", "research"),
                                ("municipality", "municipality", "GM0363"),
                                ("other_municipality", "municipality", "GM0599"),
                                ("reporter", "reporter", "fairwork"),
                                ("admin", "admin", "ops"),
                                ("revoked", "analyst", "research")):
            _info, keys[name] = create_key(conn, role=role, org=org, actor="test")

    def revoke(key: str) -> None:
        with registry.begin() as conn:
            revoke_key(conn, key.split("_")[1], actor="test")

    app = create_app(registry)
    configure_dashboard(app, releases, secret="test-secret")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("The test server did not start within 20 s.")
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", keys, revoke, releases)
    finally:
        server.should_exit = True
        thread.join(10)
        registry.dispose()
