"""The policy table of docs/disclosure.md, rendered from ``rules.py`` (one place).

``python -m zicht.disclosure.doc docs/disclosure.md`` rewrites the part between the
markers; a test fails when the page and the rules drift apart (``make docs``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from zicht.disclosure.rules import (
    POPULATIONS,
    ROUNDING_BASE_FLOOR,
    TABLE_RULES,
    THRESHOLD_FLOOR,
    get_policy,
)

START = "<!-- policy-table: generated from zicht/disclosure/rules.py, do not edit -->"
END = "<!-- /policy-table -->"


def policy_markdown() -> str:
    """The populations with their policy, why, and the tables each one covers."""
    lines = [
        f"Floor: rounding base >= {ROUNDING_BASE_FLOOR}, threshold >= {THRESHOLD_FLOOR} "
        "(no setting or option goes below it).",
        "",
        "| population | policy | who is counted | why | tables (name patterns) |",
        "|---|---|---|---|---|",
    ]
    for p in POPULATIONS:
        policy = get_policy(p.policy)
        rule = ("exact" if not policy.round_counts else
                "rounded to 5, cells < 10 suppressed")
        patterns = []
        for r in TABLE_RULES:
            if r.population != p.code:
                continue
            extra = []
            if r.additive:
                extra.append("adds up: " + ", ".join(f"{c} in {u}"
                                                     for c, u in r.additive.items()))
            if r.grid:
                extra.append("grid: " + " x ".join(r.grid))
            patterns.append(f"`{r.pattern}`" + (f" ({'; '.join(extra)})" if extra else ""))
        lines.append(f"| `{p.code}` | `{p.policy}`: {rule} | {p.en} | {p.why} | "
                     f"{'<br>'.join(patterns)} |")
    return "\n".join(lines)


def render(page: str) -> str:
    """``page`` with the generated table between the markers."""
    head, sep, rest = page.partition(START)
    _, sep2, tail = rest.partition(END)
    if not sep or not sep2:
        raise ValueError(f"The page has no {START!r} ... {END!r} markers.")
    return f"{head}{START}\n{policy_markdown()}\n{END}{tail}"


if __name__ == "__main__":
    path = Path(sys.argv[1])
    path.write_text(render(path.read_text()))
