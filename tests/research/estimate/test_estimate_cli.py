"""``zicht estimate`` end to end: CSV in, JSON or summary out; extract in, release out."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from zicht.cli import app
from zicht.disclosure import load_release
from zicht.research.estimate.published import COMPARED, CREDIBLE, QUICK
from zicht.research.estimate.reference import REFERENCE_TABLES  # noqa: F401

runner = CliRunner()


def _csv(tmp_path, table):
    path = tmp_path / "table.csv"
    rows = table.to_rows()
    header = [*table.lists, "count"]
    path.write_text(",".join(header) + "\n"
                    + "\n".join(",".join(str(r[c]) for c in header) for r in rows) + "\n")
    return path


def test_json_output(tmp_path, uk5):
    res = runner.invoke(app, ["estimate", str(_csv(tmp_path, uk5)), "--method", "stepwise",
                              "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert round(doc["estimate"], 1) == 11313.0
    assert doc["method"] == "stepwise" and "LA:NG" in doc["model"]


def test_summary_and_bootstrap(tmp_path, hiv):
    res = runner.invoke(app, ["estimate", str(_csv(tmp_path, hiv)), "--method", "bic",
                              "--max-order", "2", "--bootstrap", "20", "--seed", "1",
                              "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert "BCa bootstrap" in res.output


def test_fixed_model_failure_is_a_clear_error(tmp_path, artificial):
    res = runner.invoke(app, ["estimate", str(_csv(tmp_path, artificial)), "--model", "A:B"])
    assert res.exit_code != 0
    assert "code 1" in str(res.exception)


def test_extract_release(tmp_path, extract_dir):
    directory, _ = extract_dir
    out = tmp_path / "out"
    res = runner.invoke(app, ["estimate", "--extract", str(directory), "--by", "year",
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    release = load_release(out, "estimate")
    rows = release.table("figures/estimate").rows
    assert [r["row"] for r in rows] == ["stratum", "stratum", "sum of strata", "pooled"]
    assert all(r["estimate"] % 5 == 0 for r in rows)  # rounded by the gate
    assert (out / "disclosure_log.json").exists()


def test_extract_covariate_rows(tmp_path, extract_dir):
    directory, truth = extract_dir
    out = tmp_path / "cov"
    res = runner.invoke(app, ["estimate", "--extract", str(directory), "--by", "year,form",
                              "--covariate", "--out", str(out)])
    assert res.exit_code == 0, res.output
    rows = load_release(out, "estimate").table("figures/estimate").rows
    total = next(r for r in rows if r["row"] == "covariate model, total")
    assert abs(total["estimate"] - sum(truth.values())) < 0.1 * sum(truth.values())
    doc = json.loads((out / "estimate.json").read_text())
    assert "covariate_model" in doc["method"]


def test_extract_release_compares_methods_and_publishes_by_the_rule(tmp_path, extract_dir):
    """Issue 16 items 5 and 6: every method side by side per year, the published estimate
    by the documented rule (published.published_rows on the method rows), and the groups
    the seeds publish; all through the gate."""
    directory, truth = extract_dir
    out = tmp_path / "pub"
    res = runner.invoke(app, ["estimate", "--extract", str(directory), "--by", "year",
                              "--out", str(out), "--compare-methods",
                              ",".join(QUICK)])
    assert res.exit_code == 0, res.output
    release = load_release(out, "estimate")
    methods = release.table("figures/estimate_methods").rows
    assert {(r["year"], r["method"]) for r in methods} >= {
        (y, m) for y in (2019, 2020) for m in ("main", "stepwise", "multiyear")}
    assert all(r["assumes"] for r in methods)
    published = {r["year"]: r for r in release.table("figures/estimate_published").rows}
    for year, row in published.items():
        assert row["chosen"] == "median_of_credible"  # two years: no smoothing
        credible = [r["estimate"] for r in methods if r["year"] == year
                    and r["method"] in CREDIBLE and r["estimate"] is not None]
        assert row["band_lower"] <= min(credible) + 5 and row["band_upper"] >= max(credible) - 5
        assert row["estimate"] % 5 == 0  # rounded by the gate
        year_truth = sum(v for (y, _), v in truth.items() if y == year)
        assert abs(row["estimate"] / year_truth - 1) < 0.15
    groups = release.table("figures/estimate_groups").rows
    labour = {r["year"]: r for r in groups if r["group"] == "labour_criminal"}
    assert sorted(labour) == [2019, 2020]
    for year, row in labour.items():
        assert abs(row["estimate"] / sum(v for (y, _), v in truth.items() if y == year)
                   - 1) < 0.15
    assert any(r["group"] == "minor_domestic_sexual" for r in groups)


def test_every_method_is_compared_by_default_and_bad_choices_raise(tmp_path, extract_dir):
    assert {"lcmcr", "dga", "rcapture-mth-darroch"} <= set(COMPARED)
    directory, _ = extract_dir
    for methods, message in (("stepwise,nonsense", "Unknown method nonsense"),
                             ("main", "must include one or more of stepwise")):
        res = runner.invoke(app, ["estimate", "--extract", str(directory), "--out",
                                  str(tmp_path / "x"), "--compare-methods", methods])
        assert res.exit_code != 0 and message in str(res.exception)
