"""The command line answers at once (issue 17): ``zicht --help``, every ``zicht VERB
--help`` and ``zicht estimate TABLE.csv`` import no heavy library they do not use, and
``zicht`` alone says where to start. Checked in a fresh interpreter (``sys.modules``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("pandas", "scipy", "statsmodels", "duckdb", "splink", "matplotlib", "sqlalchemy",
         "fastapi", "pyarrow", "numpy", "arviz", "numba", "pydantic_settings")
#: What a capture-table estimate may use: numpy, nothing else heavy. scipy.special and
#: scipy.optimize cost ~0.45 s to import, many times the fit (``estimate/numeric.py``).
NOT_FOR_ESTIMATE = ("pandas", "scipy.special", "scipy.optimize", "scipy.stats", "statsmodels",
                    "duckdb", "splink", "matplotlib", "sqlalchemy", "fastapi", "pyarrow",
                    "arviz", "numba", "multiprocessing", "zicht.research.estimate.bma",
                    "zicht.research.estimate.latent_class",
                    "zicht.research.estimate.covariate", "zicht.disclosure")
TABLE = Path(__file__).parents[1] / "src/zicht/research/estimate/data/uk_2013_5lists.csv"
VERBS = ("synth", "import", "dedupe", "review", "extract", "monitor", "linked", "estimate",
         "report", "demo", "serve", "keys", "audit", "retention", "backup", "restore")

_RUN = """
import json, sys
sys.argv = ["zicht", *json.loads(sys.argv[1])]
from zicht.cli import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def _modules_after(*args: str) -> tuple[set[str], str]:
    done = subprocess.run([sys.executable, "-c", _RUN, json.dumps(args)],
                          capture_output=True, text=True, timeout=300, check=False)
    line = next(x for x in done.stderr.splitlines() if x.startswith("MODULES "))
    return set(json.loads(line[len("MODULES "):])), done.stdout


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return [n for n in names if n in modules]


def test_import_of_the_cli_is_light() -> None:
    code = "import sys, zicht.cli; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=True)
    assert not _loaded(set(done.stdout.split()), HEAVY)


def test_help_imports_nothing_heavy() -> None:
    modules, out = _modules_after("--help")
    assert "Commands" in out and "estimate" in out
    assert not _loaded(modules, HEAVY)


@pytest.mark.parametrize("verb", VERBS)
def test_verb_help_imports_nothing_heavy(verb: str) -> None:
    modules, out = _modules_after(verb, "--help")
    assert "Usage" in out
    assert not _loaded(modules, HEAVY), verb


def test_estimate_of_a_capture_table_imports_only_what_it_uses() -> None:
    modules, out = _modules_after("estimate", str(TABLE), "--method", "stepwise", "--json")
    result = json.loads(out)
    assert result["estimate"] > result["observed"] > 0
    assert not _loaded(modules, NOT_FOR_ESTIMATE)


def test_the_estimation_library_is_light() -> None:
    code = ("import sys, zicht.research.estimate; "
            "print(' '.join(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=True)
    modules = set(done.stdout.split())
    assert not _loaded(modules, ("scipy.special", "scipy.stats", "scipy.optimize",
                                 "statsmodels", "duckdb", "splink", "matplotlib", "pandas",
                                 "multiprocessing", "zicht.research.estimate.bma",
                                 "zicht.research.estimate.latent_class"))


def test_the_lazy_names_of_the_estimation_library_resolve() -> None:
    import zicht.research.estimate as est
    from zicht.research.estimate.bma import fit_bma

    assert est.fit_bma is fit_bma
    assert all(callable(getattr(est, name)) for name in est.__all__ if name != "METHODS")
    with pytest.raises(AttributeError):
        _ = est.no_such_name


def test_zicht_alone_says_where_to_start() -> None:
    zicht = Path(sys.executable).with_name("zicht")
    done = subprocess.run([str(zicht)], capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0
    assert "Start here" in done.stdout and "zicht demo" in done.stdout
    assert "docs/" in done.stdout and "make demo" in done.stdout
    assert "Commands" in done.stdout and "estimate" in done.stdout  # and the verb list
