"""Issue 12, finding 3: the gate's suppression was undone by other tables.

The police-unit regional tables suppressed cells that figures 2.10 and 2.10_form
published exactly, and cells by sex followed from the exact national totals. The
policy now belongs to the gate (one population, one policy), and before a stage is
released the gate checks every released table for differencing and protects or
refuses. ``recoverable`` is the attack: it returns every suppressed cell whose value
follows exactly from the released tables.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from zicht.core.errors import DisclosureError
from zicht.core.table import TableSpec
from zicht.disclosure import (
    TABLE_RULES,
    apply_rules,
    load_release,
    policy_for,
    recoverable,
    release_stage,
    rules,
)
from zicht.disclosure.differencing import audit, protect
from zicht.disclosure.gate import _rebuild
from zicht.disclosure.rules import POPULATIONS, rule_for

UNITS = {"amsterdam": 140, "limburg": 4, "oost-brabant": 7, "noord-holland": 61}


def _unit_tables() -> list[TableSpec]:
    national = [{"year": 2020, "police_unit": u, "victims": n} for u, n in UNITS.items()]
    regional = [dict(r) for r in national]
    return [TableSpec("figures/2.10", national, ("victims",), "2.10", "2.10"),
            TableSpec("regional/police_unit/victims", regional, ("victims",), "R", "R")]


def _as_protected(spec: TableSpec) -> object:
    """The table as the old gate released it: rounded and suppressed (policy chosen by
    the caller), to show what the attack recovers from such a release."""
    gated = apply_rules(TableSpec("aid/as_before", spec.rows, spec.count_columns, "R", "R"))
    meta = {**gated.meta(), "policy": "protected"}
    return _rebuild(meta, spec.name, gated.rows, gated.log_entry())


def test_the_attack_recovers_regional_cells_from_the_national_table() -> None:
    """Before: regional tables suppressed, figure 2.10 exact -> every suppressed cell
    recovered. After: one population, one policy (police units are registry counts,
    exact as the seed prints them), so nothing is suppressed to recover."""
    national, regional = _unit_tables()
    old = [apply_rules(national), _as_protected(regional)]
    leaks = recoverable(old)  # type: ignore[arg-type]
    assert {(r.keys[1][1], r.value) for r in leaks} == {("limburg", 4), ("oost-brabant", 7)}
    new = [apply_rules(national), apply_rules(regional)]
    assert {t.policy for t in new} == {"registry"}
    assert recoverable(new) == []


def _municipality(rows: list[tuple[str, str, int]]) -> list[TableSpec]:
    by_sex = [{"year": 2020, "municipality": m, "sex": s, "victims": n} for m, s, n in rows]
    totals: dict[str, int] = {}
    national: dict[str, int] = {}
    for m, s, n in rows:
        totals[m] = totals.get(m, 0) + n
        national[s] = national.get(s, 0) + n
    return [
        TableSpec("figures/2.6_total", [{"year": 2020, "sex": s, "victims": n}
                                        for s, n in national.items()], ("victims",), "S", "S"),
        TableSpec("figures/2.1", [{"year": 2020, "victims": sum(totals.values())}],
                  ("victims",), "T", "T"),
        TableSpec("regional/municipality/victims",
                  [{"year": 2020, "municipality": m, "victims": n} for m, n in totals.items()],
                  ("victims",), "M", "M"),
        TableSpec("regional/municipality/sex", by_sex, ("victims",), "MS", "MS"),
    ]


#: Two victims of unknown sex nationally, in two municipalities: with the zeros of
#: every other municipality implied by a missing row, each suppressed cell is 1.
ROWS = [("GM0363", "female", 212), ("GM0363", "male", 118), ("GM0363", "unknown", 1),
        ("GM0599", "female", 95), ("GM0599", "male", 61), ("GM0599", "unknown", 1),
        ("GM0344", "female", 44), ("GM0344", "male", 23), ("GM0014", "female", 8)]


def test_the_attack_recovers_small_area_cells_from_national_totals() -> None:
    specs = _municipality(ROWS)
    # what the old gate released: the municipality table without its grid
    old = [apply_rules(s) for s in specs[:2]]
    old_sex = apply_rules(TableSpec("aid/as_before", specs[3].rows, ("victims",), "MS", "MS"))
    old.append(_rebuild({**old_sex.meta(), "policy": "protected"},
                        "regional/municipality/sex", old_sex.rows, old_sex.log_entry()))
    leaks = recoverable(old)  # type: ignore[arg-type]
    assert {(dict(r.keys)["municipality"], dict(r.keys)["sex"], r.value) for r in leaks} \
        == {("GM0363", "unknown", 1), ("GM0599", "unknown", 1)}
    # the gate now lists every municipality x sex of the year (zeros suppressed too)
    new = protect([apply_rules(s) for s in specs])
    assert recoverable(new) == []
    assert len(new[2].rows) == 4  # every municipality of any year, 8 in GM0014 suppressed
    grid = new[3]
    assert len(grid.rows) == 4 * 3
    unknown = [r for r in grid.rows if r["sex"] == "unknown"]
    assert [r["victims"] for r in unknown] == [None] * 4


def test_secondary_suppression_protects_a_cell_pinned_by_its_own_bound(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a grid, 9 (suppressed, at most 9) and 12 (published 10, at most 12) add up
    to an exact 21 only one way; suppressing the partner too takes that away."""
    areas = rules.TableRule("test/areas", "registered_victims_by_municipality",
                            {"victims": "victim_year"})
    monkeypatch.setattr(rules, "TABLE_RULES", (areas, *rules.TABLE_RULES))
    rows = [{"year": 2020, "area": "a", "victims": 12}, {"year": 2020, "area": "b",
                                                          "victims": 9}]
    tables = [apply_rules(TableSpec("figures/2.1", [{"year": 2020, "victims": 21}],
                                    ("victims",), "T", "T")),
              apply_rules(TableSpec("test/areas", rows, ("victims",), "A", "A"))]
    assert [(dict(r.keys)["area"], r.value) for r in recoverable(tables)] == [("b", 9)]
    protected = protect(tables)
    assert recoverable(protected) == []
    assert protected[1].rows[0]["victims"] is None
    assert protected[1].suppressed[-1].reason.startswith("suppressed to protect another")


def test_a_leak_that_cannot_be_protected_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exact 11 = a published 10 (at least 10) + a suppressed 1 (at least 1)."""
    national = TableSpec("figures/2.1", [{"year": 2020, "victims": 11}], ("victims",), "T", "T")
    small = TableSpec("regional/municipality/victims",
                      [{"year": 2020, "municipality": "GM0599", "victims": 1},
                       {"year": 2020, "municipality": "GM0363", "victims": 10}],
                      ("victims",), "M", "M")
    grid_off = rules.TableRule("regional/municipality/victims",
                               "registered_victims_by_municipality", {"victims": "victim_year"})
    monkeypatch.setattr(rules, "TABLE_RULES", (grid_off, *rules.TABLE_RULES))
    release_stage([national], tmp_path / "monitor", document_name="monitor", meta={})
    with pytest.raises(DisclosureError, match=r"regional/municipality/victims .*GM0599"):
        release_stage([small], tmp_path / "other", document_name="other", meta={})
    assert not (tmp_path / "other").exists()


def test_release_stage_checks_across_stages_already_released(tmp_path: Path) -> None:
    specs = _municipality(ROWS)
    release_stage(specs[:2], tmp_path / "monitor", document_name="monitor", meta={})
    release = release_stage(specs[2:], tmp_path / "regional", document_name="regional",
                            meta={})
    tables = [*load_release(tmp_path / "monitor", "monitor").tables, *release.tables]
    assert recoverable(tables) == []


def test_every_population_has_one_policy_and_every_rule_a_population() -> None:
    codes = {p.code for p in POPULATIONS}
    assert len(codes) == len(POPULATIONS)
    assert {r.population for r in TABLE_RULES} <= codes
    assert rule_for("figures/2.10").population == rule_for("regional/police_unit/sex").population
    assert policy_for("figures/2.11").code == "registry"  # residence scheme: exact (2,095)
    assert policy_for("justice_chain/courts").code == "registry"
    assert policy_for("chat/visitors").code == "registry"  # 29, as the seed prints it
    assert policy_for("aid/youth_care").code == "protected"
    assert policy_for("regional/municipality/sex").code == "protected"
    with pytest.raises(DisclosureError, match="No disclosure rule for table 'new/table'"):
        policy_for("new/table")


def test_a_spec_cannot_choose_its_policy() -> None:
    with pytest.raises(TypeError):
        TableSpec("aid/x", [], (), "X", "X", policy="registry")  # type: ignore[call-arg]


def test_audit_of_consistent_tables_has_no_conflicts() -> None:
    result = audit([apply_rules(s) for s in _municipality(ROWS)])
    assert result.conflicts == 0 and result.equations
