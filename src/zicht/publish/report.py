"""``zicht report``: the monitor as one self-contained HTML file, a PDF and a workbook.

``build_report(IN, OUT, lang)`` reads the releases under ``IN`` (``monitor/``,
``linked/``, ``estimate/``; see :mod:`zicht.publish.chapters`), and writes to ``OUT``:
``report.html`` (inline CSS and SVG, no network needed), ``report.pdf``,
``tables.xlsx`` (a sheet per table), ``figures/*.svg`` and ``csv/*.csv``.
"""

from __future__ import annotations

import base64
import datetime as dt
import multiprocessing as mp
import os
import shutil
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

import zicht
from zicht.core.progress import Tick, no_progress
from zicht.disclosure import DisclosedTable, Release, csv_name
from zicht.publish.chapters import (
    CHAPTERS,
    Chapter,
    all_tables,
    build_chapters,
    findings_tables,
    load_releases,
    table_slug,
)
from zicht.publish.figures import (
    chart_footer,
    dimension_columns,
    frame_svg,
    plan_chart,
    render_formats,
    render_svg,
)
from zicht.publish.labels import (
    STAGE_NAMES,
    chapter_title,
    format_number,
    source_label,
    test_category_label,
    text,
)
from zicht.publish.method import build_method
from zicht.publish.numbering import figure_numbers
from zicht.publish.pdf import write_pdf
from zicht.publish.periods import chapter_period, table_period, with_period
from zicht.publish.render import show_table
from zicht.publish.summary import find_changes, headline, trend_sentences
from zicht.publish.tables import write_tables

#: Chapter numbers follow the seed monitor (2 signalling, 3 aid, 4 revictimisation).
CHAPTER_NUMBERS = {key: i for i, key in enumerate(CHAPTERS, start=2)}
MAX_REPORT_ROWS = 30  # longer tables are cut in the report; tables.xlsx has them whole


@dataclass(frozen=True)
class ReportFiles:
    """What ``build_report`` wrote."""

    html: Path
    pdf: Path | None
    xlsx: Path
    figures: tuple[Path, ...]
    csv: tuple[Path, ...]
    stages: tuple[str, ...]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        missing = [s for s in ("monitor", "linked", "estimate") if s not in self.stages]
        lines = [f"report.html  {self.html}"]
        if self.pdf:
            lines.append(f"report.pdf   {self.pdf}")
        lines += [f"tables.xlsx  {self.xlsx}",
                  f"figures      {len(self.figures)} SVG in {self.html.parent / 'figures'}",
                  f"stages       {', '.join(self.stages) or 'none'}"
                  + (f" (not run: {', '.join(missing)})" if missing else ""),
                  f"took         {self.seconds:.1f} s"]
        return "\n".join(lines)


def build_report(in_dir: Path, out_dir: Path, lang: str = "nl", *,
                 pdf: bool = True, progress: Tick | None = None) -> ReportFiles:
    """Build report.html, report.pdf, tables.xlsx, figures/ and csv/ in ``out_dir``."""
    tick = progress or no_progress
    steps = 4 if pdf else 3
    tick("reading the releases", 0, steps)
    start = time.perf_counter()
    timings: dict[str, float] = {}
    releases = load_releases(in_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fig_dir = out_dir / "figures"
    fig_dir.mkdir(exist_ok=True)

    t = time.perf_counter()
    tables = [tb for _s, tb in all_tables(releases)
              if in_report(tb) and plan_chart(tb).kind != "none"]
    tick(f"drawing {len(tables)} figures", 1, steps)
    drawn = render_charts(tables, lang)
    svgs = {name: _svg_element(d["svg"]) for name, d in drawn.items()}
    pngs = {name: d["png"] for name, d in drawn.items()}
    periods = figure_periods(releases)
    figures: list[Path] = []
    for table in tables:
        path = fig_dir / (table_slug(table.name) + ".svg")
        title = with_period(_title(table, lang), periods.get(table.name, ""))
        path.write_text(frame_svg(svgs[table.name], title, chart_footer(table, lang)),
                        encoding="utf-8")
        figures.append(path)
    timings["charts"] = time.perf_counter() - t

    tick("writing HTML, XLSX and CSV", 2, steps)
    t = time.perf_counter()
    html_path = out_dir / "report.html"
    html_path.write_text(render_html(releases, lang, svgs), encoding="utf-8")
    xlsx = write_tables([tb for _s, tb in all_tables(releases)], out_dir / "tables.xlsx", lang)
    csvs = _copy_csv(releases, out_dir / "csv")
    timings["html_xlsx"] = time.perf_counter() - t

    pdf_path = None
    if pdf:
        tick("writing the PDF", 3, steps)
        t = time.perf_counter()
        printable = render_html(releases, lang, svgs, pngs=pngs)
        pdf_path = write_pdf(printable, out_dir / "report.pdf")
        timings["pdf"] = time.perf_counter() - t
    tick("done", steps, steps)
    return ReportFiles(html_path, pdf_path, xlsx, tuple(figures), tuple(csvs),
                       tuple(releases), time.perf_counter() - start, timings)


def render_charts(tables: Sequence[DisclosedTable], lang: str) -> dict[str, dict[str, bytes]]:
    """Each table's chart (without title) as SVG and PNG, on every core."""
    jobs = [(tb, lang) for tb in tables]
    workers = min(os.cpu_count() or 1, len(jobs))
    if workers < 2 or len(jobs) < 4 or "fork" not in mp.get_all_start_methods():
        return {tb.name: _draw_one(job) for tb, job in zip(tables, jobs, strict=True)}
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
        drawn = list(pool.map(_draw_one, jobs, chunksize=2))
    return {tb.name: d for tb, d in zip(tables, drawn, strict=True)}


def _svg_element(data: bytes) -> str:
    """The ``<svg>`` element alone (no XML declaration or DOCTYPE), for inlining."""
    text = data.decode()
    return text[text.index("<svg"):] if "<svg" in text else ""


def _draw_one(job: tuple[DisclosedTable, str]) -> dict[str, bytes]:
    table, lang = job
    return render_formats(table, lang, with_title=False, formats=("svg", "png"))


def render_html(releases: Mapping[str, Release], lang: str,
                svgs: Mapping[str, str] | None = None,
                pngs: Mapping[str, bytes] | None = None) -> str:
    """The report as one HTML string (charts rendered here unless ``svgs`` gives them).

    With ``pngs`` the charts are embedded as images instead (the print version).
    """
    env = Environment(loader=PackageLoader("zicht.publish", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    env.globals.update(t=lambda key, **kw: text(key, lang, **kw), fmt=format_number)
    css = (Path(__file__).parent / "templates" / "report.css").read_text(encoding="utf-8")
    chapters = build_chapters(releases)
    tables = [tb for _s, tb in all_tables(releases)]
    if svgs is None:
        svgs = {tb.name: render_svg(tb, lang, with_title=False) for tb in tables
                if in_report(tb)}
    return env.get_template("report.html.j2").render(
        lang=lang,
        css=css,
        title=text("report_title", lang),
        periods=[(chapter_title(c.key, lang), period) for c, period in
                 ((c, _chapter_period(c, releases)) for c in chapters if c.ran and c.tables)
                 if period],
        headline=headline(tables, lang),
        findings=(trend_sentences(findings_tables(releases), lang)
                  or [f.sentence(lang) for f in find_changes(tables, lang)]),
        chapters=[_chapter_context(c, lang, svgs, pngs or {}, _tests(releases, lang),
                                   _chapter_period(c, releases),
                                   chapter_intro(c.key, releases, lang))
                  for c in chapters],
        method=build_method(releases, lang),
        releases=[_release_context(s, r, lang) for s, r in releases.items()],
        generated=text("generated", lang, version=zicht.__version__,
                       date=dt.date.today().isoformat()),
    )


def _chapter_period(chapter: Chapter, releases: Mapping[str, Release]) -> str:
    return chapter_period(chapter.key, chapter.tables or (), releases)


def chapter_intro(key: str, releases: Mapping[str, Release], lang: str) -> list[str]:
    """What a reader must know before a chapter's figures: for chapter 3 the matched
    control design and any shortfall against it (issue 14, item 8); for the route
    chapter what an outcome and a break are (issue 15)."""
    if key == "route" and "linked" in releases and any(
            t.name.startswith("route/") for t in releases["linked"].tables):
        return [text("route_intro", lang)]
    if key != "aid" or "linked" not in releases:
        return []
    controls = releases["linked"].document.get("meta", {}).get("controls", {})
    victims, drawn = controls.get("victims"), controls.get("controls")
    per_victim = controls.get("per_victim")
    if not isinstance(victims, int) or not isinstance(drawn, int) or not per_victim:
        return []
    fields = {"victims": format_number(victims, lang), "controls": format_number(drawn, lang),
              "per_victim": format_number(per_victim, lang),
              "ratio": format_number(round(drawn / victims) if victims else 0, lang)}
    lines = [text("controls_design", lang, **fields)]
    distinct = controls.get("distinct_controls")
    if controls.get("with_replacement") and isinstance(distinct, int) and distinct < drawn:
        lines.append(text("controls_replacement", lang, distinct=format_number(distinct, lang),
                          **fields))
    shortfall = controls.get("shortfall")
    if isinstance(shortfall, int) and shortfall > 0:
        lines.append(text("controls_shortfall", lang,
                          shortfall=format_number(shortfall, lang), **fields))
    return lines


def figure_periods(releases: Mapping[str, Release]) -> dict[str, str]:
    """The period each table states (its own rows', else its chapter's)."""
    out: dict[str, str] = {}
    for chapter in build_chapters(releases):
        period = _chapter_period(chapter, releases)
        for table in chapter.tables or ():
            out[table.name] = table_period(table, period)
    return out


def _tests(releases: Mapping[str, Release], lang: str) -> dict[str, list[str]]:
    """Test statistics a stage released beside its tables (``tests``: chi-square
    footnotes of the linked analyses), by the table they belong to."""
    out: dict[str, list[str]] = {}
    for release in releases.values():
        for test in release.document.get("tests") or ():
            if not isinstance(test, Mapping) or not test.get(f"text_{lang}"):
                continue
            category = (f"{test_category_label(str(test['category']), lang)}: "
                        if test.get("category") else "")
            out.setdefault(str(test.get("table")), []).append(
                f"{category}{test[f'text_{lang}']}")
    return out


def _chapter_context(chapter: Chapter, lang: str, svgs: Mapping[str, str],
                     pngs: Mapping[str, bytes], tests: Mapping[str, list[str]],
                     period: str = "", intro: Sequence[str] = ()) -> dict[str, Any]:
    number = CHAPTER_NUMBERS[chapter.key]
    figures = []
    listed = []
    shown = [t for t in chapter.tables or () if in_report(t)]
    numbers = figure_numbers(number, (t.name for t in shown))
    for table in chapter.tables or ():
        if not in_report(table):
            listed.append(with_period(_title(table, lang), table_period(table, period)))
            continue
        context = _figure_context(table, lang, svgs.get(table.name, ""), numbers[table.name],
                                  table_period(table, period))
        context["tests"] = tests.get(table.name, [])
        if pngs.get(table.name):
            context["png"] = base64.b64encode(pngs[table.name]).decode()
        figures.append(context)
    return {
        "key": chapter.key,
        "number": number,
        "title": chapter_title(chapter.key, lang),
        "period": period,
        "intro": intro,
        "ran": chapter.ran,
        "not_run": text("not_run", lang, stage=chapter.stage),
        "figures": figures,
        "listed": listed,
    }


def _figure_context(table: DisclosedTable, lang: str, svg: str, number: str,
                    period: str = "") -> dict[str, Any]:
    policy_text = table.policy_text(lang)
    return {
        "id": "fig-" + table_slug(table.name),
        "name": table.name,
        "number": number,
        "title": with_period(_title(table, lang), period),
        "period": period,
        "svg": svg,
        "n": format_number(table.n, lang) if table.n is not None else None,
        "source": source_label(table.source, lang),
        "notes": table.notes_in(lang),
        "policy": policy_text,
        "suppressed": text("suppressed", lang, threshold=table.threshold)
        if table.suppressed else "",
        "table": show_table(table, lang, max_rows=MAX_REPORT_ROWS),
        "csv": "csv/" + csv_name(table.name),
    }


def in_report(table: DisclosedTable) -> bool:
    """Municipalities and regional breakdowns are too many areas for print: they are
    in tables.xlsx and the dashboard; the report shows each area's total only."""
    if table.name.startswith("regional/municipality"):
        return False
    if table.name.startswith("regional/"):
        return len([d for d in dimension_columns(table) if d != "year"]) <= 1
    return True


def _title(table: DisclosedTable, lang: str) -> str:
    return table.title_nl if lang == "nl" else table.title_en


def _release_context(stage: str, release: Release, lang: str) -> dict[str, Any]:
    meta = release.document.get("meta", {})
    en, nl = STAGE_NAMES.get(stage, (stage, stage))
    return {"stage": nl if lang == "nl" else en, "tables": len(release.tables),
            "snapshot": meta.get("snapshot_id", ""),
            "version": meta.get("zicht_version", "")}


def _copy_csv(releases: Mapping[str, Release], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for release in releases.values():
        for table in release.tables:
            src = release.directory / "csv" / csv_name(table.name)
            if src.exists():
                dst = out / src.name
                shutil.copyfile(src, dst)
                written.append(dst)
    return written
