"""Which released table goes in which chapter, and reading the releases of a run.

The input of ``zicht report`` is one folder with a subfolder per research stage::

    IN/monitor/   monitor.json  + disclosure_log.json + csv/   (zicht monitor --out)
    IN/linked/    linked.json   + ...                          (zicht linked --out)
    IN/estimate/  estimate.json + ...                          (zicht estimate --out)

A stage that was not run is simply absent; its chapters then say so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from zicht.core.errors import NotFoundError
from zicht.disclosure import DisclosedTable, Release, load_release
from zicht.publish.numbering import reading_order

#: The research stages whose releases publication reads, in report order.
STAGES: tuple[str, ...] = ("monitor", "linked", "estimate")


@dataclass(frozen=True)
class ChapterRule:
    """A table of ``stage`` whose name matches ``pattern`` (regex) goes in ``chapter``."""

    chapter: str
    stage: str
    pattern: str


#: Rows match in order; the first match wins. A new chapter is a new row.
CHAPTER_RULES: tuple[ChapterRule, ...] = (
    # The summary's key findings (a table of trends, not a figure): no chapter shows it.
    ChapterRule("summary", "monitor", r"^findings/"),
    ChapterRule("regional", "monitor", r"^regional/"),
    ChapterRule("justice_chain", "monitor", r"^justice_chain"),
    ChapterRule("chat", "monitor", r"^chat"),
    ChapterRule("signalling", "monitor", r""),
    ChapterRule("revictimisation", "linked", r"revict|^chapter4|^ch4"),
    ChapterRule("route", "linked", r"^route/"),
    ChapterRule("aid", "linked", r""),
    ChapterRule("hidden_number", "estimate", r""),
)

#: Chapter order in the report and the dashboard.
CHAPTERS: tuple[str, ...] = (
    "signalling",
    "aid",
    "revictimisation",
    "hidden_number",
    "justice_chain",
    "chat",
    "regional",
    "route",  # beyond the seed (issue 15); last, so no other chapter is renumbered
)


@dataclass(frozen=True)
class Chapter:
    """A chapter: its key, the stage that feeds it, and its tables (None: not run)."""

    key: str
    stage: str
    tables: tuple[DisclosedTable, ...] | None

    @property
    def ran(self) -> bool:
        return self.tables is not None


def load_releases(in_dir: Path) -> dict[str, Release]:
    """Every release found under ``in_dir`` (``monitor``, ``linked``, ``estimate``).

    Also accepts ``in_dir`` being a single release folder (e.g. a ``monitor`` output).
    Any release present is verified by the gate's log; a tampered one is an error.
    """
    if not in_dir.is_dir():
        raise NotFoundError(
            f"Input folder {in_dir} does not exist. Pass the folder that holds the "
            "monitor/, linked/ and estimate/ outputs."
        )
    releases: dict[str, Release] = {}
    for stage in STAGES:
        for folder in (in_dir / stage, in_dir):
            if (folder / f"{stage}.json").exists():
                releases[stage] = load_release(folder, stage)
                break
    return releases


def chapter_of(stage: str, table_name: str) -> str:
    """The chapter a table of ``stage`` belongs in."""
    for rule in CHAPTER_RULES:
        if rule.stage == stage and re.search(rule.pattern, table_name):
            return rule.chapter
    return "signalling"


def findings_tables(releases: Mapping[str, Release]) -> list[DisclosedTable]:
    """The released tables of the summary's key findings (``findings/*``)."""
    return [t for stage, release in releases.items() for t in release.tables
            if chapter_of(stage, t.name) == "summary"]


def stage_of(chapter: str) -> str:
    return next(r.stage for r in CHAPTER_RULES if r.chapter == chapter)


def build_chapters(releases: Mapping[str, Release]) -> list[Chapter]:
    """The chapters of the report, in order; a chapter of a missing stage is not run."""
    chapters = []
    for key in CHAPTERS:
        stage = stage_of(key)
        release = releases.get(stage)
        if release is None:
            chapters.append(Chapter(key, stage, None))
            continue
        tables = {t.name: t for t in release.tables if chapter_of(stage, t.name) == key}
        ordered = [tables[name] for name in reading_order(tables)]
        chapters.append(Chapter(key, stage, tuple(ordered)))
    return chapters


def all_tables(releases: Mapping[str, Release]) -> list[tuple[str, DisclosedTable]]:
    """Every table of every release as (stage, table), in chapter order."""
    out = []
    for chapter in build_chapters(releases):
        for t in chapter.tables or ():
            out.append((chapter.stage, t))
    return out


def table_slug(table_name: str) -> str:
    """A file- and URL-safe name of a table: ``figures/2.1`` -> ``figures_2.1``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", table_name)
