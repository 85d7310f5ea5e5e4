"""Every value a released table shows has a label in Dutch and in English."""

from __future__ import annotations

from pathlib import Path

from zicht.publish.chapters import load_releases
from zicht.publish.figures import dimension_columns
from zicht.publish.labels import CODE_LISTS, value_label

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
