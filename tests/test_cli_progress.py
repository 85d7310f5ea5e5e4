"""Progress bars (issue 17): a verb run in a terminal shows its bar on stderr; piped or
with ``--json`` it shows none. Driven under a real pseudo-terminal (``pty``)."""

from __future__ import annotations

import csv
import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from tests.conftest import TEST_ENCRYPTION_KEY

sys.path.insert(0, str(Path(__file__).parent / "security"))
from security_seed import report_row

ZICHT = str(Path(sys.executable).with_name("zicht"))


def _report_file(path: Path, n: int = 40) -> Path:
    rows = [report_row(i) for i in range(n)]
    fields = sorted({k for r in rows for k in r})
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "ZICHT_ENCRYPTION_KEY": TEST_ENCRYPTION_KEY, "TERM": "xterm-256color",
            "COLUMNS": "100", "ZICHT_DATABASE_URL": f"sqlite:///{tmp_path / 'zicht.db'}"}


def _run_in_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run ``zicht ARGS`` with stderr on a pseudo-terminal; return its code and what the
    terminal received."""
    main, secondary = pty.openpty()
    proc = subprocess.Popen([ZICHT, *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=secondary, env=env)
    os.close(secondary)
    seen = b""
    while True:
        ready, _, _ = select.select([main], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal closed: the process is gone
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=300)
    os.close(main)
    return proc.returncode, seen.decode(errors="replace")


def test_import_shows_a_bar_in_a_terminal(tmp_path: Path) -> None:
    source = _report_file(tmp_path / "reports.csv")
    code, terminal = _run_in_terminal(["import", str(source)], _env(tmp_path))
    assert code == 0, terminal
    assert "import:" in terminal and "rows" in terminal
    assert "━" in terminal  # Rich's bar


def test_no_bar_when_piped_or_json(tmp_path: Path) -> None:
    env = _env(tmp_path)
    source = _report_file(tmp_path / "reports.csv")
    piped = subprocess.run([ZICHT, "import", str(source)], capture_output=True, text=True,
                           env=env, timeout=300, check=True)
    assert "━" not in piped.stderr and "import:" not in piped.stderr
    code, terminal = _run_in_terminal(["import", str(_report_file(tmp_path / "b.csv", 3)),
                                       "--json"], env)
    assert code == 0 and "━" not in terminal and "import:" not in terminal
    again = subprocess.run([ZICHT, "import", str(source), "--json"], capture_output=True,
                           text=True, env=env, timeout=300, check=True)
    assert json.loads(again.stdout)["updated"] == 40


TABLE = Path(__file__).parents[1] / "src/zicht/research/estimate/data/uk_2013_5lists.csv"


def test_estimate_bootstrap_and_sampler_show_a_bar_and_json_does_not(tmp_path: Path) -> None:
    env = _env(tmp_path)
    code, terminal = _run_in_terminal(["estimate", str(TABLE), "--bootstrap", "300",
                                       "--workers", "1"], env)
    assert code == 0, terminal
    assert "estimate: 300 bootstrap replicates" in terminal and "━" in terminal
    code, terminal = _run_in_terminal(["estimate", str(TABLE), "--method", "lcmcr",
                                       "--seed", "1"], env)
    assert code == 0, terminal
    assert "estimate: lcmcr (latent class)" in terminal and "━" in terminal
    code, terminal = _run_in_terminal(["estimate", str(TABLE), "--bootstrap", "50",
                                       "--workers", "1", "--json"], env)
    assert code == 0 and "━" not in terminal and "estimate:" not in terminal
    code, terminal = _run_in_terminal(["estimate", str(TABLE)], env)  # milliseconds: no bar
    assert code == 0 and "━" not in terminal
