"""`zicht monitor` end to end: extract in, gated release out (JSON, CSV, XLSX, SVG)."""

from __future__ import annotations

import json
from pathlib import Path

from monitor_extract import ExtractBuilder
from typer.testing import CliRunner

from zicht.cli import app
from zicht.disclosure import load_release


def _extract(builder: ExtractBuilder, folder: Path) -> Path:
    for i in range(23):
        builder.report(f"v{i}", "2020-03-01", "police", ("sexual",), nationality="NL",
                       police_unit="amsterdam", municipality="GM0363")
    for i in range(3):
        builder.report(f"w{i}", "2020-03-01", "police", ("labour",), police_unit="limburg")
    builder.report(None, "2020-03-01", "fairwork", ("labour",), anonymous=True)
    for i in range(12):
        builder.source("chat_contacts", contact_id=f"c{i}", visitor_key=f"k{i}",
                       contact_date="2020-01-01", trafficking_question=True, about="self",
                       minor=False, forms=["sexual"], still_unsafe=True, duration="1_5y",
                       parents_exploiters=False, several_perpetrators=False)
    return builder.write(folder)


def test_zicht_monitor_writes_a_gated_release(builder: ExtractBuilder, tmp_path: Path):
    extract = _extract(builder, tmp_path / "extract")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["monitor", "--extract", str(extract), "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "monitor.json").read_text())
    assert doc["figures"]["2.1"] == [{"year": 2020, "victims": 26,
                                      "victims_incl_kmar_only": 26}]
    assert doc["anonymous_reports"] == [{"year": 2020, "reports": 1}]
    assert doc["figure_meta"]["figures/2.1"]["policy"] == "registry"
    # Registry figures are exact, by police unit too (one population, one policy, as the
    # seed's figure 2.10); municipalities are small areas: rounded to 5, small cells go.
    assert {r["police_unit"]: r["victims"] for r in doc["regional"]["police_unit"]["victims"]} \
        == {"amsterdam": 23, "limburg": 3}
    assert {r["municipality"]: r["victims"]
            for r in doc["regional"]["municipality"]["victims"]} == {"GM0363": 25,
                                                                     "unknown": None}
    assert doc["chat"]["visitors"][0]["visitors"] == 12  # exact, as the seed prints it
    assert doc["method"]["form"]["rules"][0]["code"] == "domestic_sexual"
    assert any("ind_decisions" in s for s in doc["meta"]["skipped"])
    log = json.loads((out / "disclosure_log.json").read_text())
    assert any(t["suppressed"] for t in log["tables"] if t["table"].startswith("regional/"))
    assert (out / "csv" / "figures_2.1.csv").read_text().splitlines()[0] == \
        "year,victims,victims_incl_kmar_only"
    assert (out / "monitor.xlsx").stat().st_size > 5000
    assert (out / "svg" / "figures_2.2.svg").exists()
    release = load_release(out, "monitor")  # every file verifies against the gate's log
    assert release.table("figures/2.9").columns[:4] == ("year", "form", "reporter", "reports")


def test_zicht_monitor_missing_extract_is_a_clear_error(tmp_path: Path):
    from zicht.core.errors import NotFoundError

    result = CliRunner().invoke(app, ["monitor", "--extract", str(tmp_path), "--out",
                                      str(tmp_path / "o")])
    assert result.exit_code != 0
    assert isinstance(result.exception, NotFoundError)
