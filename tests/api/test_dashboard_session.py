"""Findings 15 and 16 of issue 12: dashboard sessions, cross-site sign-in, file names.

- A cookie replayed after sign-out is refused (the session ends on the server).
- A sign-in (or sign-out) POST from another site is refused (Origin / Referer).
- The cookie's ``Secure`` flag follows ``ZICHT_SESSION_COOKIE_SECURE``, not the scheme.
- A download's ``code`` must be a known area (404 otherwise); its name is one
  ``filename*`` parameter; a ``€`` in it is a 404, never a 500.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from dashboard_server import Server, run_dashboard


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with run_dashboard(tmp_path_factory.mktemp("dashboard")) as s:
        yield s


def sign_in(http: httpx.Client, key: str, **headers: str) -> httpx.Response:
    return http.post("/dashboard/login", data={"api_key": key, "next": "/dashboard"},
                     headers=headers)


def test_a_cookie_replayed_after_sign_out_is_refused(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as http:
        assert sign_in(http, server.keys["analyst"]).status_code == 303
        cookie = http.cookies["zicht_session"]
        assert http.get("/dashboard/chapter/signalling").status_code == 200
        assert http.post("/dashboard/logout").status_code == 303
    with httpx.Client(base_url=server.url, timeout=60,
                      cookies={"zicht_session": cookie}) as replay:
        res = replay.get("/dashboard/chapter/signalling")
        assert res.status_code == 303 and "/dashboard/login" in res.headers["location"]
        assert replay.get("/dashboard/download/figures_2.1.csv").status_code == 401


def test_cross_site_sign_in_is_refused(server: Server) -> None:
    host = server.url.removeprefix("http://")
    with httpx.Client(base_url=server.url, timeout=60) as http:
        for headers in ({"Origin": "https://evil.example"},
                        {"Referer": "https://evil.example/page"}, {"Origin": "null"}):
            res = sign_in(http, server.keys["analyst"], **headers)
            assert res.status_code == 403 and "zicht_session" not in res.cookies, headers
        ok = sign_in(http, server.keys["analyst"], Origin=f"http://{host}")
        assert ok.status_code == 303
        assert http.post("/dashboard/logout",
                         headers={"Origin": "https://evil.example"}).status_code == 403
        assert http.get("/dashboard/chapter/signalling").status_code == 200  # still in


@pytest.mark.parametrize(("setting", "secure"), [("true", True), ("false", False)])
def test_secure_flag_follows_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           setting: str, secure: bool) -> None:
    monkeypatch.setenv("ZICHT_SESSION_COOKIE_SECURE", setting)
    with run_dashboard(tmp_path) as s, httpx.Client(base_url=s.url, timeout=60) as http:
        cookie = sign_in(http, s.keys["analyst"]).headers["set-cookie"]  # over plain http
    assert ("Secure" in cookie) is secure


def test_download_names_come_from_known_codes_only(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=60,
                      headers={"Authorization": f"Bearer {server.keys['analyst']}"}) as http:
        ok = http.get("/dashboard/download/regional_police_unit_2.1.csv",
                      params={"level": "police_unit", "code": "limburg"})
        if ok.status_code == 404:  # the sample names its regional tables differently
            pytest.fail(ok.text)
        disposition = ok.headers["content-disposition"]
        assert disposition.count("filename") == 1 and "filename*=UTF-8''" in disposition
        assert "limburg" in disposition
        for code in ('x"; filename="evil.exe', "€", "GM9999", "limburg\r\nX-Evil: 1"):
            res = http.get("/dashboard/download/regional_police_unit_2.1.csv",
                           params={"level": "police_unit", "code": code})
            assert res.status_code == 404, (code, res.status_code)
        res = http.get("/dashboard/download/regional_police_unit_2.1.csv",
                       params={"level": "bogus", "code": "limburg"})
        assert res.status_code == 404
