"""``zicht extract``: parse, call one stage function, print."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from zicht.cli.app import DB_OPTION, app, console
from zicht.cli.progress import progress_bar


@app.command("extract")
def extract(
    out: Annotated[Path, typer.Option("--out", help="Directory for the research extract.")],
    db: str = DB_OPTION,
    sources: Annotated[Path | None, typer.Option(
        "--sources", help="Directory of linked sources (*.parquet keyed by bsn) to "
        "pseudonymise with the same key.")] = None,
    register_names: Annotated[Path | None, typer.Option(
        "--register-names", help="The population-register holder's names file (bsn, "
        "family_name, given_names, birth_date, sex; outside --sources): encoded with the "
        "same key for linkage without a BSN (docs/pprl.md).")] = None,
) -> None:
    """Cross the boundary: write the pseudonymised research extract.

    Needs a pseudonym key: ZICHT_PSEUDONYM_KEY (hex, >= 32 bytes) or
    ZICHT_PSEUDONYM_KEY_FILE.
    """
    from zicht.boundary import load_pseudonym_key, write_extract
    from zicht.registry.db import open_registry

    key = load_pseudonym_key()
    registry = open_registry(db)
    try:
        with progress_bar("extract") as tick:
            result = write_extract(registry, out, key, sources_dir=sources, progress=tick,
                                   register_names=register_names)
    finally:
        registry.dispose()
    console.print(result.summary())
