"""The Typer application every verb module registers on."""

from __future__ import annotations

import typer
from rich.console import Console

from zicht.core.defaults import DEFAULT_DATABASE_URL
from zicht.core.errors import ConfigError

app = typer.Typer(
    name="zicht",
    help="zicht: making human trafficking visible. Registry, research zone, monitor, "
    "estimates and publication, privacy by design. Start with `zicht demo`.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

#: The ``--db`` option every registry verb takes (env ``ZICHT_DATABASE_URL``).
DB_OPTION = typer.Option(
    DEFAULT_DATABASE_URL,
    "--db",
    envvar="ZICHT_DATABASE_URL",
    help="Registry database URL: sqlite:///FILE or postgresql://USER@HOST/DB.",
    show_default=True,
)


def parse_years(text: str) -> tuple[int, int]:
    """``2010-2024`` -> (2010, 2024); ``2020`` -> (2020, 2020) (``--years``, ``--period``)."""
    try:
        lo, _, hi = text.partition("-")
        return int(lo), int(hi or lo)
    except ValueError:
        raise ConfigError(f"Years '{text}' are not a range. Expected FROM-TO, e.g. "
                          "2010-2024.") from None
