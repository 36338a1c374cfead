"""``govkg backup OUT`` and ``govkg restore IN``: the whole store as N-Quads with a fingerprint, and back.

A backup is consistent while ``govkg serve`` runs (it reads the server's latest checkpoint); a restore goes
into an empty store only and checks the fingerprint (see :mod:`graph.backup`).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from graph.backup import backup as make_backup
from graph.backup import restore as do_restore
from graph.commands.options import store_option


def register(cli: click.Group) -> None:
    cli.add_command(backup)
    cli.add_command(restore)


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
@store_option
def backup(out: Path, as_json: bool, store_path: Path | None) -> None:
    """Back up the whole store into the new directory OUT (safe while the server runs)."""
    m = make_backup(store_path, out)
    if as_json:
        click.echo(json.dumps(m, indent=2))
        return
    click.echo(f"backup of {m['quads']} quads from the {m['source']} in {out}")
    click.echo(f"  fingerprint sha256:{m['fingerprint']}")


@click.command()
@click.argument("src", metavar="IN", type=click.Path(exists=True, file_okay=False, path_type=Path))
@store_option
def restore(src: Path, store_path: Path | None) -> None:
    """Restore the backup IN into an empty store (stop the server first, or restore into a new directory)."""
    m = do_restore(src, store_path)
    click.echo(f"restored {m['quads']} quads; fingerprint sha256:{m['fingerprint']} checked")
