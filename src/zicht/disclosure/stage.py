"""Releasing one research stage: the one way the CLI verbs let results out.

``release_stage`` gates every table (policy from ``rules.py``), checks the whole
release for differencing (these tables together with the stages already released in
the same folder) and protects or refuses what would leak, then writes the JSON, CSV,
the files of the given writers (workbook, charts) and the signed log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from zicht.core.errors import ZichtError
from zicht.core.table import TableSpec
from zicht.disclosure.differencing import protect
from zicht.disclosure.gate import DisclosedTable, apply_rules
from zicht.disclosure.release import LOG_NAME, Release, ReleaseWriter, load_release, write_release

_log = logging.getLogger(__name__)


def release_stage(
    specs: Sequence[TableSpec],
    out_dir: Path,
    *,
    document_name: str,
    meta: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
    threshold: int | None = None,
    writers: Sequence[ReleaseWriter] = (),
) -> Release:
    """Gate, protect against differencing and write one stage to ``out_dir``."""
    gated = [apply_rules(s, threshold=threshold) for s in specs]
    gated = protect(gated, released_tables(out_dir.parent, but=out_dir))
    return write_release(gated, out_dir, document_name=document_name, meta=meta,
                         extra=extra, writers=writers)


def released_tables(releases_dir: Path, *, but: Path | None = None) -> list[DisclosedTable]:
    """The tables of every verified stage already released in ``releases_dir``."""
    tables: list[DisclosedTable] = []
    if not releases_dir.is_dir():
        return tables
    for folder in sorted(p for p in releases_dir.iterdir() if (p / LOG_NAME).is_file()):
        if but is not None and folder.resolve() == but.resolve():
            continue
        try:
            tables.extend(load_release(folder, folder.name).tables)
        except ZichtError as exc:  # not publishable either: report refuses it too
            _log.warning("disclosure: %s is not a verified release (%s); left out of the "
                         "differencing check", folder, exc.message)
    return tables
