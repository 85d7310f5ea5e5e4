"""Every value a released table shows has a label in Dutch and in English."""

from __future__ import annotations

from pathlib import Path

from zicht.publish.chapters import load_releases
from zicht.publish.figures import dimension_columns
from zicht.publish.labels import (
    CODE_LISTS,
    PARAMETERS,
    parameter_label,
    parameter_value,
    value_label,
)
from zicht.publish.method import build_method

#: Columns whose values are shown as they are: codes of an official list (CBS
#: municipality codes), ranges and model formulas.
AS_IS = {"municipality", "period", "index_years", "model"}


def unlabelled_values(releases_dir: Path) -> list[str]:
    """``table: column=value`` for every shown value without a label."""
    unlabelled = set()
    for release in load_releases(releases_dir).values():
        for table in release.tables:
            for column in dimension_columns(table):
                values = {r.get(column) for r in table.rows}
                for value in (v for v in values if isinstance(v, str)):
                    if column in AS_IS:
                        continue
                    codes = {x.code for x in CODE_LISTS.get(column, ())}
                    if column in ("nationality", "nationality_2"):
                        labelled = value_label(column, value, "nl") != value
                    elif column == "combination":
                        labelled = all(p in {x.code for x in CODE_LISTS["reported_form"]}
                                       for p in value.split("+"))
                    else:
                        labelled = value in codes
                    if not labelled:
                        unlabelled.add(f"{table.name}: {column}={value}")
    return sorted(unlabelled)


def test_every_dimension_value_has_a_label_in_both_languages(releases_dir: Path) -> None:
    assert not unlabelled_values(releases_dir)


def test_labels_read_as_a_reader_expects() -> None:
    assert value_label("nationality", "PL", "nl") == "Polen"
    assert value_label("nationality", "PL", "en") == "Poland"
    assert value_label("visibility", "less_visible", "nl") == "Minder zichtbare sectoren"
    assert value_label("combination", "sexual+labour", "en") == (
        "Sexual exploitation + Labour exploitation")


def test_method_parameters_are_named_and_valued_in_words() -> None:
    assert parameter_label("level", "nl") == "Betrouwbaarheidsniveau van de intervallen"
    assert parameter_value("level", 0.95, "nl") == "95%"
    assert parameter_value("by", ["year"], "nl") == "Jaar"
    assert parameter_value("method", "stepwise", "nl") == "Log-lineair, stapsgewijs per jaar"
    assert parameter_value("bootstrap", 1000, "nl") == "1.000"
    merged = {"year=2019": [], "year=2020": ["merged kmar into other+kmar"], "pooled": []}
    assert parameter_value("lists_merged", merged, "nl") == (
        "2020: Koninklijke Marechaussee (KMar) samengevoegd met Overig + Koninklijke "
        "Marechaussee (KMar)")
    assert parameter_value("lists_merged", merged, "en").startswith(
        "2020: Royal Netherlands Marechaussee (KMar) merged into Other")
    assert parameter_value("lists_merged", {"pooled": []}, "nl") == "geen"


def test_every_parameter_a_stage_releases_has_a_label(releases_dir: Path) -> None:
    # A parameter without a line in PARAMETERS would show as its code name.
    annex = build_method(load_releases(releases_dir), "nl")
    assert annex.parameters
    for _stage, name, _value in annex.parameters:
        assert name in {nl for _en, nl in PARAMETERS.values()}, name
