"""``govkg bench``: the benchmarks of the checkout's ``bench/`` (same arguments as ``python -m bench``).

``govkg bench run --scale 100k --json out.json`` measures govkg against raw pyoxigraph, rdflib and a bare WSGI
app; ``govkg bench generate --scale 1m --out gov.nq`` writes a generated government graph.
"""

from __future__ import annotations

import importlib
import sys

import click

from graph.errors import GovkgError
from graph.seed import ROOT


def register(cli: click.Group) -> None:
    cli.add_command(bench)


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                 "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(args: tuple[str, ...]) -> None:
    """Run the benchmarks: ``govkg bench run --scale 1m --json OUT.json`` (see ``govkg bench --help``)."""
    if not (ROOT / "bench" / "cli.py").is_file():
        raise GovkgError(f"the benchmarks live in the source checkout; {ROOT / 'bench'} is not there")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    cli = importlib.import_module("bench.cli")
    code = cli.main(list(args) or ["--help"])
    if code:
        sys.exit(code)
