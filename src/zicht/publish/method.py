"""The method annex, generated from the rules that ran, never typed by hand.

Publication may not import the research zone, so the rules reach it through the
release: a research stage puts its rule tables in the release document under the
key ``method`` (``extra={"method": classify.rules_document()}``), shaped as::

    {"form": [{"code", "en", "nl", "sql", "since"}, ...], "age_group": [...], ...}

or, with the table's own wording, ``{"form": {"en", "nl", "unit", "rules": [...]}}``.
The annex adds the disclosure policies (``zicht.disclosure.POLICIES``) and the gate's
settings per table, so a changed rule or threshold changes the annex.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zicht.disclosure import POLICIES, Release
from zicht.publish.labels import (
    STAGE_NAMES,
    column_label,
    parameter_label,
    parameter_value,
    unit_label,
)


@dataclass(frozen=True)
class RuleRow:
    order: int
    code: str
    label: str
    sql: str
    since: str


@dataclass(frozen=True)
class RuleSection:
    """One rule table of the annex: first matching row wins."""

    stage: str
    name: str
    title: str
    description: str
    rules: tuple[RuleRow, ...]


@dataclass(frozen=True)
class PolicyRow:
    code: str
    text: str
    tables: tuple[str, ...]
    threshold: int | None
    rounding_base: int | None


@dataclass(frozen=True)
class MethodAnnex:
    sections: tuple[RuleSection, ...]
    policies: tuple[PolicyRow, ...]
    parameters: tuple[tuple[str, str, str], ...] = ()  # (stage, name, value) in words


def build_method(releases: Mapping[str, Release], lang: str = "en") -> MethodAnnex:
    """The annex of the given releases: their rule tables and disclosure policies."""
    sections: list[RuleSection] = []
    parameters: list[tuple[str, str, str]] = []
    for stage, release in releases.items():
        method = release.document.get("method")
        if not isinstance(method, Mapping):
            continue
        en, nl = STAGE_NAMES.get(stage, (stage, stage))
        name = nl if lang == "nl" else en  # the stage as the edition names it
        found = _sections(name, method, lang)
        sections.extend(found)
        ruled = {s.name for s in found}
        parameters.extend((name, parameter_label(str(k), lang),
                           parameter_value(str(k), v, lang))
                          for k, v in method.items() if k not in ruled and v is not None)
    return MethodAnnex(tuple(sections), _policies(releases, lang), tuple(parameters))


def _sections(stage: str, method: Mapping[str, Any], lang: str) -> list[RuleSection]:
    out = []
    for name, body in method.items():
        if isinstance(body, Mapping):
            rules = body.get("rules", [])
            title = str(body.get(lang) or body.get("en") or column_label(name, lang))
            desc = unit_label(str(body.get("unit", "")), lang)
        elif isinstance(body, list):
            rules, title, desc = body, column_label(name, lang), ""
        else:
            continue
        rows = tuple(
            RuleRow(i, str(r.get("code", "")),
                    str(r.get(lang) or r.get(f"label_{lang}") or r.get("en") or ""),
                    str(r.get("sql", "")), str(r.get("since", "")))
            for i, r in enumerate(rules, start=1) if isinstance(r, Mapping)
        )
        if rows:  # a list of plain values is a parameter, not a rule table
            out.append(RuleSection(stage, str(name), title, desc, rows))
    return out


def _policies(releases: Mapping[str, Release], lang: str) -> tuple[PolicyRow, ...]:
    rows = []
    for p in POLICIES:
        tables = [t for r in releases.values() for t in r.tables if t.policy == p.code]
        rows.append(PolicyRow(
            p.code, tables[0].policy_text(lang) if tables else (p.nl if lang == "nl" else p.en),
            tuple(t.name for t in tables),
            tables[0].threshold if tables and p.suppress_small else None,
            tables[0].rounding_base if tables and p.round_counts else None,
        ))
    return tuple(rows)
