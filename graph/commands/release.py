"""``govkg release``: a dated, versioned, checksummed dump of the whole graph."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from graph.commands.options import get_store, store_option
from graph.release import default_releases_dir, list_releases, make_release


def register(cli: click.Group) -> None:
    cli.add_command(release)


@click.command()
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), envvar="GOVKG_RELEASES_DIR",
              help="Releases directory (env GOVKG_RELEASES_DIR; default ~/.local/share/govkg/releases).")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Date of the release (default: today).")
@click.option("--public-url", envvar="GOVKG_PUBLIC_URL",
              help="Public address of the server, for the download links of the dataset description.")
@click.option("--list", "list_only", is_flag=True, help="List the releases instead of making one.")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest (or the list) as JSON.")
@store_option
def release(out: Path | None, on: object, public_url: str | None, list_only: bool, as_json: bool,
            store_path: Path | None) -> None:
    """Write a release of the whole graph: TriG and N-Quads (gzip), checksums, manifest, changes since the last."""
    out = out or default_releases_dir()
    if list_only:
        rel = list_releases(out)
        if as_json:
            click.echo(json.dumps(rel, ensure_ascii=False, indent=2))
        for m in [] if as_json else rel:
            click.echo(f"{m['name']}  v{m['version']}  {m['triples']} triples  {m['fingerprint'][:16]}")
        return
    day = on.date() if hasattr(on, "date") else None
    assert day is None or isinstance(day, date)
    m = make_release(get_store(store_path), out, on=day, public_url=public_url or None)
    if as_json:
        click.echo(json.dumps(m, ensure_ascii=False, indent=2))
        return
    ch = m["changes"]
    click.echo(f"release {m['name']} (version {m['version']}) in {out / m['name']}")
    click.echo(f"  {m['triples']} triples in {len(m['graphs'])} graphs, {m['entities']} typed entities")
    click.echo(f"  fingerprint sha256:{m['fingerprint']}")
    since = f"since {ch['since']}" if ch["since"] else "(first release)"
    click.echo(f"  changes {since}: +{ch['triples_added']} -{ch['triples_removed']} triples, "
               f"+{ch['entities_added']} -{ch['entities_removed']} entities, "
               f"+{ch['graphs_added']} -{ch['graphs_removed']} graphs")
    for f in m["files"]:
        click.echo(f"  {f['sha256']}  {f['name']}")
