"""``estimate(table, method=...)``: one registry for every method; options a method does
not take, or that contradict each other, raise instead of being ignored."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from zicht.cli import app
from zicht.core.errors import EstimationError
from zicht.research.estimate import METHODS, Method, estimate, estimate_strata, register

runner = CliRunner()


def test_every_registered_method_has_what_it_assumes() -> None:
    assert {"main", "stepwise", "bic", "aic", "fixed", "multiyear"} <= set(METHODS)
    for m in METHODS.values():
        assert m.assumes and m.family


@pytest.mark.parametrize("method", ["main", "stepwise", "bic"])
def test_dispatch_gives_the_vocabulary(uk5, method: str) -> None:
    r = estimate(uk5, method)
    assert r.method == method and r.ci_lower < r.estimate < r.ci_upper
    assert list(r.to_frame().columns)[:5] == ["estimate", "se", "ci_lower", "ci_upper", "level"]
    assert json.loads(json.dumps(r.to_dict()))["ci_upper"] == pytest.approx(r.ci_upper,
                                                                            abs=1e-3)
    assert method in r.summary()


@pytest.mark.parametrize(("method", "options", "message"), [
    ("bic", {"model": ["LA:NG"]}, "contradicts"),
    ("main", {"p_threshold": 0.05}, "stepwise only"),
    ("stepwise", {"max_order": 2}, "'bic' and 'aic' only"),
    ("stepwise", {"bootstrap": 10, "interval": "wald"}, "contradicts"),
    ("stepwise", {"workers": 2}, "only applies to a bootstrap"),
    ("stepwise", {"colour": "red"}, "does not take colour"),
    ("fixed", {}, "needs model"),
    ("nonsense", {}, "Unknown method"),
    ("stepwise", {"level": 1.5}, "level"),
])
def test_contradictions_raise(uk5, method: str, options: dict[str, object],
                              message: str) -> None:
    with pytest.raises(EstimationError, match=message.replace("stepwise only", "stepwise' only")):
        estimate(uk5, method, **options)


def test_model_alone_means_fixed(uk5) -> None:
    assert estimate(uk5, model=["LA:NG"]).method == "fixed"


def test_register_a_method(uk5) -> None:
    def half(table, *, level: float = 0.95, seed: int = 1):
        return estimate(table, "main", level=level)

    register(Method("test-main-again", half, "log-linear", "as main"))
    try:
        assert estimate(uk5, "test-main-again").estimate == estimate(uk5, "main").estimate
        with pytest.raises(EstimationError, match="does not take bootstrap"):
            estimate(uk5, "test-main-again", bootstrap=5)
    finally:
        del METHODS["test-main-again"]


def test_stratified_result_vocabulary(uk5, uk6) -> None:
    s = estimate_strata({(("year", 1),): uk5, (("year", 2),): uk5}, "main")
    assert s.estimate == s.sum_estimate and s.ci_lower == s.sum_ci_lower
    assert {"estimate", "se", "ci_lower", "ci_upper", "level"} <= set(s.to_frame().columns)
    assert json.loads(json.dumps(s.to_dict()))["rows"][0]["ci_lower"] is not None
    assert "sum of strata" in s.summary() and "main" in repr(s)


def test_cli_method_json(tmp_path, uk5) -> None:
    path = tmp_path / "uk5.csv"
    rows = uk5.to_rows()
    path.write_text(",".join(rows[0]) + "\n" + "\n".join(",".join(str(v) for v in r.values())
                                                        for r in rows) + "\n")
    res = runner.invoke(app, ["estimate", str(path), "--method", "main", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["method"] == "main" and doc["ci_lower"] < doc["estimate"] < doc["ci_upper"]
    bad = runner.invoke(app, ["estimate", str(path), "--method", "main", "--max-order", "2"])
    assert bad.exit_code != 0 and "'bic' and 'aic' only" in str(bad.exception)


def test_cli_multiyear_on_a_table_with_years(tmp_path, uk5) -> None:
    path = tmp_path / "years.csv"
    rows = uk5.to_rows()
    lines = ["year," + ",".join(rows[0])]
    for year, factor in ((2020, 1), (2021, 2)):
        lines += [f"{year}," + ",".join(str(v if k != "count" else v * factor)
                                       for k, v in r.items()) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    res = runner.invoke(app, ["estimate", str(path), "--method", "multiyear", "--strata",
                              "year", "--bootstrap", "0", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["method"] == "multiyear" and [s["year"] for s in doc["strata"]] == [2020, 2021]
    # the same tables: the shared model gives the second year twice the first
    first, second = (s["estimate"] for s in doc["strata"])
    assert second == pytest.approx(2 * first, rel=1e-3)


def test_the_new_families_are_registered_and_dispatched(hiv) -> None:
    """Rcapture's heterogeneity models, LCMCR and dga go through the same registry."""
    for name in ("rcapture-mth-darroch", "rcapture-mh-chao", "lcmcr", "dga"):
        assert name in METHODS and METHODS[name].family != "log-linear"
    r = estimate(hiv, "rcapture-mth-darroch")
    assert r.ci_lower < r.estimate < r.ci_upper and "Darroch" in r.summary()
    assert {"estimate", "se", "ci_lower", "ci_upper", "level"} <= set(r.to_frame().columns)
    with pytest.raises(EstimationError, match="does not take bootstrap"):
        estimate(hiv, "rcapture-mth-darroch", bootstrap=10)


def test_dga_through_the_registry(artificial) -> None:
    r = estimate(artificial, "dga", seed=1)
    assert r.ci_lower < r.estimate < r.ci_upper
    assert json.loads(json.dumps(r.to_dict()))["ci_lower"] == pytest.approx(r.ci_lower,
                                                                           rel=1e-3)


def test_versions_in_provenance_match_the_installed_packages() -> None:
    """``versions()`` reads zicht's version from the package (no importlib.metadata on the
    command line's path); it must agree with what pip installed."""
    from importlib.metadata import version

    from zicht.research.estimate.api import versions

    found = versions()
    assert found["zicht"] == version("zicht") and found["scipy"] == version("scipy")
