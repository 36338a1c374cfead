"""Options and helpers shared by the command modules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from graph.store import Store, default_store_path, open_store


def store_option(f: Any) -> Any:
    """``--store DIR`` (env ``GOVKG_STORE``; default ``~/.local/share/govkg/store``)."""
    return click.option(
        "--store",
        "store_path",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="GOVKG_STORE",
        default=None,
        help="Store directory (env GOVKG_STORE; default ~/.local/share/govkg/store).",
    )(f)


def get_store(store_path: Path | None) -> Store:
    return open_store(store_path or default_store_path())
