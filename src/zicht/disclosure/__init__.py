"""The disclosure gate: nothing leaves the research zone except through here.

``apply_rules(TableSpec) -> DisclosedTable``; ``write_release`` writes gated tables
and the gate's log; ``load_release`` reads them back for ``zicht.publish``, refusing
anything the gate did not write.
"""

from zicht.core.table import TableSpec
from zicht.disclosure.differencing import recoverable
from zicht.disclosure.gate import (
    DisclosedTable,
    Suppression,
    apply_rules,
    gate_parameters,
    gate_statistics,
)
from zicht.disclosure.release import Release, csv_name, load_release, write_release
from zicht.disclosure.rules import (
    POLICIES,
    POPULATIONS,
    TABLE_RULES,
    Policy,
    get_policy,
    policy_for,
    round_to_base,
)
from zicht.disclosure.stage import release_stage, released_tables

__all__ = [
    "POLICIES",
    "POPULATIONS",
    "TABLE_RULES",
    "DisclosedTable",
    "Policy",
    "Release",
    "Suppression",
    "TableSpec",
    "apply_rules",
    "csv_name",
    "gate_parameters",
    "gate_statistics",
    "get_policy",
    "load_release",
    "policy_for",
    "recoverable",
    "release_stage",
    "released_tables",
    "round_to_base",
    "write_release",
]
