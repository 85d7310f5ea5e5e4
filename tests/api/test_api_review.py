"""The review queue over HTTP: a real server, a registrar decides, others are refused."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "registry" / "dedupe"))

from collections.abc import Callable

import httpx
from argon2 import PasswordHasher, profiles
from dedupe_fixtures import UNSURE, add_reports
from fastapi import FastAPI

from zicht.api import create_app
from zicht.registry import open_registry
from zicht.registry.access import Role
from zicht.registry.dedupe import run_dedupe
from zicht.registry.dedupe.store import read_links
from zicht.registry.keys import create_key

CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)


def test_registrar_lists_and_decides(sqlite_url: str,
                                     live_server: Callable[[FastAPI], str]) -> None:
    registry = open_registry(sqlite_url)
    try:
        ids = add_reports(registry, UNSURE)
        run_dedupe(registry)
        with registry.begin() as conn:
            registrar = create_key(conn, role=Role.REGISTRAR, org="registry", actor="test",
                                   hasher=CHEAP)[1]
            analyst = create_key(conn, role=Role.ANALYST, org="research", actor="test",
                                 hasher=CHEAP)[1]
        base = live_server(create_app(registry))
        with httpx.Client(base_url=base, timeout=30,
                          headers={"Authorization": f"Bearer {registrar}"}) as client:
            listed = client.get("/review")
            assert listed.status_code == 200, listed.text
            pairs = {frozenset((p["left"]["report_id"], p["right"]["report_id"])): p
                     for p in listed.json()}
            ahmed = pairs[frozenset(ids[2:])]
            assert ahmed["left"]["family_name"] == "Ahmed"
            verb = "reject" if ahmed["linked"] else "accept"  # the opposite of the model
            done = client.post(f"/review/{ahmed['id']}/{verb}", json={"note": "checked"})
            assert done.status_code == 200, done.text
            assert done.json()["changed"]
            accuracy = client.get("/review/accuracy")
            assert accuracy.status_code == 200, accuracy.text
            # One decided pair: the opposite of the model, so precision (if it was
            # linked) or recall (if not) is 0 of 1.
            kind = "precision" if ahmed["linked"] else "recall"
            assert accuracy.json()[kind]["n"] == 1 and accuracy.json()[kind]["value"] == 0.0
            again = client.post(f"/review/{ahmed['id']}/accept")
            assert again.status_code == 409
            assert client.post("/review/999999/accept").status_code == 404
        with httpx.Client(base_url=base, timeout=30,
                          headers={"Authorization": f"Bearer {analyst}"}) as client:
            assert client.get("/review").status_code == 403
            assert client.get("/review/accuracy").status_code == 403
        with registry.begin() as conn:
            links = read_links(conn)
        assert (links[ids[2]] == links[ids[3]]) is not ahmed["linked"]
    finally:
        registry.dispose()
