"""The ``govkg`` command line.

Every command honours ``GOVKG_STORE`` / ``--store``, has ``--help``, prints clear errors on standard error
and exits non-zero on failure.  Commands of later layers live in ``graph/commands/`` and are listed in
:data:`COMMAND_MODULES`; each such module exposes ``register(cli)``.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from graph import __version__
from graph.errors import GovkgError

#: Modules adding commands to the group: each has ``register(group: click.Group) -> None``.
COMMAND_MODULES: list[str] = [
    "graph.commands.core",
    "graph.commands.bench",
    "graph.commands.ingest",
    "graph.commands.release",
    "graph.commands.serve",
    "graph.commands.token",
    "graph.commands.backup",
]


class Group(click.Group):
    """Turns library errors into one clear line and exit status 1 instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GovkgError as e:
            click.echo(f"govkg: error: {e}", err=True)
            sys.exit(1)
        except OSError as e:
            click.echo(f"govkg: error: {e}", err=True)
            sys.exit(1)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="govkg")
def cli() -> None:
    """govkg: a knowledge graph of Vietnamese government units, officials, documents and events."""


for _mod in COMMAND_MODULES:
    importlib.import_module(_mod).register(cli)


def main() -> None:
    cli()

