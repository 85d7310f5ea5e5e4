"""Run an R peer (Rcapture, SparseMSE, LCMCR, dga) on the same data in the same run.

R and the four packages are installed by ``../shared/r/install.sh`` (Debian's R plus
the source tarballs beside it). Benchmarks only: the test suite never needs R. When R
or a package is missing, :func:`r_missing` says which, and the benchmark reports the
peer as skipped instead of failing.

An R script receives its data as CSV files (``path_<name>`` variables) and reports
results by printing ``key=value`` lines with :data:`R_EMIT`; its own timings come
from ``system.time`` inside R, so R's start-up is not counted against the peer.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

R_PACKAGES = ("Rcapture", "SparseMSE", "LCMCR", "dga")

# Defines emit(key, value) in every script: one "key=value" line, full precision.
R_EMIT = 'emit <- function(k, v) cat(sprintf("%s=%.12g\\n", k, as.numeric(v)), sep = "")\n'


def r_missing(packages: tuple[str, ...] = R_PACKAGES) -> str | None:
    """Why the R peer cannot run here, or None when Rscript and ``packages`` load."""
    if shutil.which("Rscript") is None:
        return "Rscript not found (run ../shared/r/install.sh)"
    libs = "; ".join(f"library({p})" for p in packages)
    done = subprocess.run(["Rscript", "-e", f"suppressMessages({{{libs}}})"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        return f"R packages missing ({', '.join(packages)}): {done.stderr.strip()[-200:]}"
    return None


def run_r(script: str, data: Mapping[str, pd.DataFrame] | None = None,
          *, timeout: float = 3600) -> dict[str, float]:
    """Run ``script`` with ``data`` as CSV files; return its ``emit()`` lines as floats.

    Each frame ``data[name]`` is readable in R as ``read.csv(path_<name>)``.
    """
    with tempfile.TemporaryDirectory(prefix="zicht-r-") as tmp:
        header = [R_EMIT]
        for name, frame in (data or {}).items():
            path = Path(tmp) / f"{name}.csv"
            frame.to_csv(path, index=False)
            header.append(f'path_{name} <- "{path}"\n')
        file = Path(tmp) / "script.R"
        file.write_text("".join(header) + script)
        done = subprocess.run(["Rscript", "--vanilla", str(file)], capture_output=True,
                              text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"R failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    out: dict[str, float] = {}
    for line in done.stdout.splitlines():
        key, sep, value = line.partition("=")
        if sep and key and " " not in key:
            try:
                out[key] = float(value)
            except ValueError:
                continue
    return out
