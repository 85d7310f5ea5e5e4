"""docs/cli.md is generated from the CLI itself; this fails when they drift apart.
Regenerate with `make docs`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).parents[1] / "docs" / "cli.md"


def test_cli_reference_matches_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "cli.md"
    typer = Path(sys.executable).with_name("typer")
    subprocess.run([str(typer), "zicht.cli", "utils", "docs", "--name", "zicht",
                    "--output", str(out)], check=True, capture_output=True)
    assert out.read_text() == DOC.read_text(), "docs/cli.md is stale: run `make docs`"
