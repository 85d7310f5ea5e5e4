"""A real browser (Debian's Chromium driven by Playwright) against a real server: sign
in, open every dashboard page, change a filter and see the chart change, and save
screenshots as test artifacts (in ``$ZICHT_TEST_ARTIFACTS``, else a temporary folder).

Runs whenever /usr/bin/chromium exists; in CI (``CI`` set) it must run, so a missing
browser fails instead of skipping. Never run ``playwright install``: it downloads a
browser; this test uses the system one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from dashboard_server import Server, run_dashboard

from zicht.publish.chapters import CHAPTERS

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                       reason="needs Debian's chromium (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with run_dashboard(tmp_path_factory.mktemp("browser")) as s:
        yield s


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("ZICHT_TEST_ARTIFACTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


def _chart(page: object, table: str) -> str:
    return str(page.locator(f'figure[data-table="{table}"] .chart').inner_html())  # type: ignore[attr-defined]


def test_analyst_clicks_through_the_dashboard(browser: object, server: Server,
                                              artifacts: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{server.url}/dashboard")
    assert "/dashboard/login" in page.url
    page.fill("#api_key", server.keys["analyst"])
    page.click("#sign-in")
    page.wait_for_load_state()
    assert page.url.startswith(f"{server.url}/dashboard")
    assert page.locator("text=gehalveerd van 953 naar 468").count() == 1
    page.screenshot(path=str(artifacts / "dashboard_overview.png"), full_page=True)

    for chapter in (c for c in CHAPTERS if c != "regional"):
        page.click(f'nav.main a[href^="/dashboard/chapter/{chapter}"]')
        page.wait_for_load_state()
        assert f"/dashboard/chapter/{chapter}" in page.url
        assert page.locator("figure.card svg").count() >= 1, chapter

    page.goto(f"{server.url}/dashboard/chapter/signalling")
    before = _chart(page, "figures/2.2")
    with page.expect_navigation():
        page.select_option("#form", "labour")  # the page's own script submits the filter
    assert "form=labour" in page.url
    after = _chart(page, "figures/2.2")
    assert before != after and "Criminele uitbuiting" not in after
    page.screenshot(path=str(artifacts / "dashboard_filter_labour.png"), full_page=True)

    with page.expect_navigation():
        page.select_option("#year_from", "2019")
    assert "year_from=2019" in page.url and _chart(page, "figures/2.2") != after

    page.click('nav.main a[href^="/dashboard/region"]')
    page.wait_for_load_state()
    with page.expect_navigation():
        page.select_option("#code", "limburg")
    assert page.locator("h1").inner_text().endswith("Limburg")
    assert page.locator("figure.card svg").count() >= 1
    page.screenshot(path=str(artifacts / "dashboard_region_limburg.png"), full_page=True)

    foreign = [u for u in requested if not u.startswith(server.url) and
               not u.startswith(("data:", "about:"))]
    assert foreign == [], "the dashboard loaded something from outside zicht"
    context.close()


def test_municipality_lands_on_its_own_region(browser: object, server: Server,
                                              artifacts: Path) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{server.url}/dashboard/login")
    page.fill("#api_key", server.keys["municipality"])
    page.click("#sign-in")
    page.wait_for_load_state()
    assert "level=municipality" in page.url and "GM0363" in page.url
    # only its own region, named (issue 14 item 10), not the CBS code
    assert page.locator("#code option").all_inner_texts() == [
        "Amsterdam (politie-eenheid Amsterdam)"]
    assert page.locator("nav.main a[href^='/dashboard/chapter']").count() == 0
    page.screenshot(path=str(artifacts / "dashboard_municipality.png"), full_page=True)
    context.close()
