"""The dashboard against a real server on loopback: sign-in, pages, filters, regions,
downloads, and what a municipality key may see."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import openpyxl
import pytest
from dashboard_server import Server, run_dashboard

from zicht.publish.chapters import CHAPTERS


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with run_dashboard(tmp_path_factory.mktemp("dashboard")) as s:
        yield s


@contextmanager
def _client(server: Server, role: str | None = None) -> Iterator[httpx.Client]:
    """A client signed in through the form (cookie), or anonymous."""
    with httpx.Client(base_url=server.url, timeout=60) as client:
        if role:
            r = client.post("/dashboard/login", data={"api_key": server.keys[role],
                                                      "next": "/dashboard", "lang": "nl"})
            assert r.status_code == 303, r.text
        yield client


@pytest.fixture(scope="module")
def analyst(server: Server) -> Iterator[httpx.Client]:
    with _client(server, "analyst") as c:
        yield c


@pytest.fixture(scope="module")
def municipality(server: Server) -> Iterator[httpx.Client]:
    with _client(server, "municipality") as c:
        yield c


def _svg_of(html: str, table: str) -> str:
    block = html.split(f'data-table="{table}"', 1)[1].split("</figure>", 1)[0]
    return block.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_pages_need_sign_in(server: Server) -> None:
    with _client(server) as c:
        r = c.get("/dashboard/chapter/signalling")
        assert r.status_code == 303
        assert r.headers["location"].startswith("/dashboard/login?next=")
        assert c.get("/dashboard/download/figures_2.1.csv").status_code == 401


def test_wrong_key_is_refused(server: Server) -> None:
    with _client(server) as c:
        r = c.post("/dashboard/login", data={"api_key": "zk_nope_nope"})
        assert r.status_code == 401 and "No valid API key" in r.text
        assert "zicht_session" not in r.cookies


def test_session_cookie_is_signed_and_httponly(server: Server) -> None:
    with _client(server) as c:
        r = c.post("/dashboard/login", data={"api_key": server.keys["analyst"]})
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert server.keys["analyst"] not in cookie  # the key itself never goes in it


def test_reporter_key_may_not_read_published_tables(server: Server) -> None:
    with _client(server) as c:
        r = c.post("/dashboard/login", data={"api_key": server.keys["reporter"]})
        assert r.status_code == 403


def test_overview_shows_findings(analyst: httpx.Client) -> None:
    r = analyst.get("/dashboard")
    assert r.status_code == 200
    assert "Politie: gehalveerd van 953 naar 468" in r.text
    assert r.text.count("<svg") >= 2


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if c != "regional"])
def test_every_chapter_page_renders_offline(analyst: httpx.Client, chapter: str) -> None:
    r = analyst.get(f"/dashboard/chapter/{chapter}")
    assert r.status_code == 200
    assert "<svg" in r.text
    assert not re.search(r'(src|href)="(https?:)?//', r.text)


def test_route_chapter_shows_outcomes_in_dutch(analyst: httpx.Client) -> None:
    html = analyst.get("/dashboard/chapter/route").text
    block = html.split('data-table="route/outcomes"', 1)[1].split("</figure>", 1)[0]
    assert "Uitkomst van de route" in block and "Loopt nog (gecensureerd)" in block
    assert "Breuk" in block


def test_form_filter_changes_chart_and_table(analyst: httpx.Client) -> None:
    everything = analyst.get("/dashboard/chapter/signalling").text
    labour = analyst.get("/dashboard/chapter/signalling?form=labour").text
    assert _svg_of(everything, "figures/2.2") != _svg_of(labour, "figures/2.2")
    table = labour.split('data-table="figures/2.2"', 1)[1].split("</table>", 1)[0]
    assert "Arbeidsuitbuiting" in table and "Criminele uitbuiting" not in table


def test_year_filter(analyst: httpx.Client) -> None:
    html = analyst.get("/dashboard/chapter/signalling?year_from=2019&year_to=2020").text
    block = html.split('data-table="figures/2.1"', 1)[1].split("</table>", 1)[0]
    assert ">2019<" in block and ">2020<" in block and ">2018<" not in block


def test_regional_view_of_a_police_unit(analyst: httpx.Client) -> None:
    r = analyst.get("/dashboard/region?level=police_unit&code=limburg")
    assert r.status_code == 200 and "Limburg" in r.text and "<svg" in r.text
    r = analyst.get("/dashboard/region?level=municipality&code=GM0599")
    assert r.status_code == 200
    # The heading and the area list name the municipality and its police unit, not the
    # CBS code (issue 14 item 10); the code stays only as the form's value.
    heading = r.text.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert heading == "Regionaal beeld: Rotterdam (politie-eenheid Rotterdam)"
    assert '<option value="GM0599" selected>Rotterdam (politie-eenheid Rotterdam)</option>' \
        in r.text
    assert ">GM0599<" not in r.text and ": GM0599" not in r.text
    r = analyst.get("/dashboard/region?level=municipality&code=GM0363&lang=en")
    heading = r.text.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert heading == "Regional view: Amsterdam (police unit Amsterdam)"


def test_downloads_follow_filters(analyst: httpx.Client, server: Server) -> None:
    r = analyst.get("/dashboard/download/figures_2.2.csv?form=labour&year_from=2020")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.strip().splitlines()
    assert lines[0] == "year,form,victims" and lines[1:] and all(
        line.startswith("2020,labour,") for line in lines[1:])
    r = analyst.get("/dashboard/download/figures_2.1.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.worksheets[1]["A1"].value == "Unieke geregistreerde slachtoffers per jaar"


def test_bearer_header_works_without_cookie(server: Server) -> None:
    with httpx.Client(base_url=server.url) as c:
        r = c.get("/dashboard/download/figures_2.1.csv",
                  headers={"Authorization": f"Bearer {server.keys['admin']}"})
        assert r.status_code == 200 and r.text.startswith("year,victims")


def test_municipality_sees_only_its_region(municipality: httpx.Client) -> None:
    r = municipality.get("/dashboard")
    assert r.status_code == 303
    assert r.headers["location"].startswith("/dashboard/region?level=municipality&code=GM0363")
    page = municipality.get(r.headers["location"]).text
    assert "GM0363" in page and "GM0599" not in page
    assert "gemeente Amsterdam (politie-eenheid Amsterdam)" in page
    assert "/dashboard/chapter/" not in page  # no national chapters in its menu
    assert municipality.get("/dashboard/chapter/signalling").status_code == 403
    assert municipality.get("/dashboard/region?level=municipality&code=GM0599").status_code \
        == 403
    assert municipality.get("/dashboard/region?level=police_unit&code=limburg").status_code \
        == 403
    assert municipality.get("/dashboard/download/figures_2.1.csv").status_code == 403


def test_municipality_download_is_its_own_rows(municipality: httpx.Client) -> None:
    r = municipality.get("/dashboard/download/regional_municipality_2.1.csv?code=GM0599")
    assert r.status_code == 200
    rows = r.text.strip().splitlines()[1:]
    assert rows and all(",GM0363," in row for row in rows)


def test_revoked_key_ends_its_session(server: Server) -> None:
    with _client(server, "revoked") as c:
        assert c.get("/dashboard").status_code == 200
        server.revoke(server.keys["revoked"])  # type: ignore[operator]
        assert c.get("/dashboard").status_code == 303


def test_forged_cookie_is_refused(server: Server) -> None:
    with httpx.Client(base_url=server.url, cookies={"zicht_session": "eyJrIjoiYSJ9.x.y"}) as c:
        assert c.get("/dashboard").status_code == 303


def test_static_files_and_logout(analyst: httpx.Client, server: Server) -> None:
    assert analyst.get("/dashboard/static/dashboard.css").status_code == 200
    assert analyst.get("/dashboard/static/dashboard.js").status_code == 200
    assert analyst.get("/dashboard/static/..%2Fdashboard.py").status_code == 404
    with _client(server, "admin") as c:
        c.post("/dashboard/logout")
        assert c.get("/dashboard").status_code == 303


def test_english_pages(analyst: httpx.Client) -> None:
    html = analyst.get("/dashboard/chapter/signalling?lang=en").text
    assert "Cross-border sexual exploitation" in html and 'lang="en"' in html


def test_empty_publish_dir_says_not_run(tmp_path: Path) -> None:
    from zicht.publish.views import PublishedSet

    published = PublishedSet(tmp_path / "nothing")
    assert published.tables() == [] and not any(c.ran for c in published.chapters())
