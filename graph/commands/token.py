"""``govkg token create|list|revoke``: API tokens for writes to the server."""

from __future__ import annotations

from pathlib import Path

import click

from graph.commands.options import store_option
from graph.settings import read_settings
from graph.store import default_store_path
from graph.tokens import ROLES, TokenFile, tokens_path


def register(cli: click.Group) -> None:
    cli.add_command(token)


def _file(store_path: Path | None) -> TokenFile:
    return TokenFile(tokens_path(store_path or default_store_path(), read_settings()["TOKENS_FILE"]))


@click.group()
def token() -> None:
    """API tokens (bearer tokens for SPARQL Update and the Graph Store Protocol)."""


@token.command("create")
@click.option("--name", required=True, help="Who or what holds the token.")
@click.option("--role", type=click.Choice(ROLES), default="steward", show_default=True,
              help="reader: no writes; steward: updates and uploads; admin: everything.")
@store_option
def create(name: str, role: str, store_path: Path | None) -> None:
    """Create a token and print it once (only its hash is kept)."""
    secret = _file(store_path).create(name, role)
    click.echo(secret)
    click.echo(f"token {name!r} ({role}) created; it is shown only now. Send it as "
               "'Authorization: Bearer <token>'.", err=True)


@token.command("list")
@store_option
def list_(store_path: Path | None) -> None:
    """List tokens (names, roles, creation times; never the secrets)."""
    for t in _file(store_path).list():
        click.echo(f"{t.name}\t{t.role}\t{t.created}")


@token.command("revoke")
@click.argument("name")
@store_option
def revoke(name: str, store_path: Path | None) -> None:
    """Revoke the token NAME at once."""
    _file(store_path).revoke(name)
    click.echo(f"token {name!r} revoked", err=True)
