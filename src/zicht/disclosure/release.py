"""Writing and reading a release: the files that leave the research zone.

``write_release`` writes ``<document>.json``, one CSV per table, whatever the given
writers add (the workbook, the charts) and ``disclosure_log.json``: the policy and
every suppressed cell of each table and the sha256 of every file written, signed with
the gate's key (``signing.py``). ``load_release`` reads a release back and refuses a
log the key did not sign, a file whose hash differs from the log, a file the log does
not list, and a table that breaks its policy, so output that bypassed the gate (or was
edited after it) cannot be published.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zicht.core.errors import DisclosureError, NotFoundError
from zicht.disclosure.gate import DisclosedTable, _rebuild, check_invariants
from zicht.disclosure.signing import gate_key, sign, verify

LOG_NAME = "disclosure_log.json"


@dataclass(frozen=True)
class Release:
    """A verified release: the document and its tables, in gate order."""

    directory: Path
    document_name: str
    document: dict[str, Any]
    tables: tuple[DisclosedTable, ...]

    def table(self, name: str) -> DisclosedTable:
        for t in self.tables:
            if t.name == name:
                return t
        raise NotFoundError(f"Release {self.document_name!r} has no table {name!r}.")


#: Writes more files of a release (workbook, charts) and returns their paths.
ReleaseWriter = Callable[["Release", Path], Sequence[Path]]


def csv_name(table_name: str) -> str:
    """The CSV file name of a table: ``figures/2.1`` -> ``figures_2.1.csv``."""
    return table_name.replace("/", "_") + ".csv"


def write_release(
    tables: Sequence[DisclosedTable],
    out_dir: Path,
    *,
    document_name: str,
    meta: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
    writers: Sequence[ReleaseWriter] = (),
) -> Release:
    """Write the gated tables of one research stage to ``out_dir``.

    ``extra`` holds non-tabular results (model terms, test statistics) that are not
    counts of persons; they are written as given and listed in the log. ``writers``
    write the other released files (XLSX, SVG) from the gated release, before the log
    is signed, so every released file is in it.
    """
    for t in tables:
        if not isinstance(t, DisclosedTable):
            raise DisclosureError(
                f"write_release() got {type(t).__name__}; only gated tables can be released."
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "csv").mkdir(exist_ok=True)
    document: dict[str, Any] = {"meta": dict(meta), "figure_meta": {}}
    if extra:
        document.update(extra)
    files: dict[str, str] = {}
    for t in tables:
        _place(document, t.name, [dict(r) for r in t.rows])
        document["figure_meta"][t.name] = t.meta()
        path = out_dir / "csv" / csv_name(t.name)
        _write_csv(path, t)
        files[f"csv/{path.name}"] = _sha256(path)
    doc_path = out_dir / f"{document_name}.json"
    doc_path.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str))
    files[doc_path.name] = _sha256(doc_path)
    release = Release(out_dir, document_name, document, tuple(tables))
    for writer in writers:
        for path in writer(release, out_dir):
            files[path.relative_to(out_dir).as_posix()] = _sha256(path)
    log = {
        "document": document_name,
        "tables": [t.log_entry() for t in tables],
        "extra_keys": sorted(extra or {}),
        "files": dict(sorted(files.items())),
    }
    signed = sign(log, gate_key(out_dir.resolve().parent, create=True))
    (out_dir / LOG_NAME).write_text(json.dumps(signed, indent=2))
    return release


def load_release(directory: Path, document_name: str) -> Release:
    """Read a release back, verifying every file against the gate's log."""
    log_path = directory / LOG_NAME
    doc_path = directory / f"{document_name}.json"
    if not log_path.exists() or not doc_path.exists():
        raise NotFoundError(
            f"No {document_name} release in {directory} (need {doc_path.name} and "
            f"{LOG_NAME}). Run `zicht {document_name}` first."
        )
    log = json.loads(log_path.read_text())
    verify(log, gate_key(directory.resolve().parent, create=False), log_path)
    listed = log.get("files", {})
    if doc_path.name not in listed:
        raise DisclosureError(f"{doc_path} is not in the gate's log. Re-run "
                              f"`zicht {document_name}` instead of editing its output.")
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        name = path.relative_to(directory).as_posix()
        if name == LOG_NAME:
            continue
        if listed.get(name) != _sha256(path):
            raise DisclosureError(
                f"{path} was not written by the disclosure gate (its hash is not in the "
                f"signed log). Re-run `zicht {document_name}` instead of editing its output.")
    document = json.loads(doc_path.read_text())
    entries = {e["table"]: e for e in log.get("tables", [])}
    tables = tuple(
        _rebuild(meta, name, _lookup(document, name), entries.get(name, {}))
        for name, meta in document.get("figure_meta", {}).items()
    )
    for table in tables:
        check_invariants(table)
    return Release(directory, document_name, document, tables)


def _place(document: dict[str, Any], name: str, rows: list[dict[str, Any]]) -> None:
    *parents, leaf = name.split("/")
    node = document
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = rows


def _lookup(document: Mapping[str, Any], name: str) -> list[dict[str, Any]]:
    node: Any = document
    for part in name.split("/"):
        node = node[part]
    return list(node)


def _write_csv(path: Path, table: DisclosedTable) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(table.columns), extrasaction="ignore")
        writer.writeheader()
        for row in table.rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
