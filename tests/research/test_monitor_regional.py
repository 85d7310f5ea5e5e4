"""The regional view: a victim once per police unit per year, municipality of the
earliest report that gives one; small areas are protected."""

from __future__ import annotations

from monitor_extract import ExtractBuilder, RunMonitor, rows, value

R = "regional/"


def test_regional_views(builder: ExtractBuilder, run_monitor: RunMonitor):
    builder.report("v1", "2020-02-01", "police", ("sexual",), police_unit="rotterdam",
                   municipality=None)
    builder.report("v1", "2020-03-01", "police", ("sexual",), police_unit="den-haag",
                   municipality="GM0599")
    builder.report("v1", "2020-04-01", "fairwork", ("labour",), municipality="GM0363")
    builder.report("v2", "2020-02-01", "fairwork", ("labour",), municipality="GM0363")
    builder.report("v3", "2020-02-01", "kmar", ("sexual",), municipality="GM0363")  # excluded
    res = run_monitor(builder)
    units = {r["police_unit"]: r["victims"] for r in rows(res, R + "police_unit/victims")}
    assert units == {"den-haag": 1, "rotterdam": 1}
    towns = {r["municipality"]: r["victims"] for r in rows(res, R + "municipality/victims")}
    assert towns == {"GM0599": 1, "GM0363": 1}
    assert value(res, R + "municipality/form", "victims", year=2020, municipality="GM0363",
                 form="labour") == 1
