"""Ingestion commands: ``govkg ingest ARTICLE.txt`` and ``govkg ingest-eval DIR``."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from graph.commands.options import get_store, store_option


def register(cli: click.Group) -> None:
    cli.add_command(ingest)
    cli.add_command(ingest_eval)


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from e


@click.command()
@click.argument("article", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", help="The article's address.")
@click.option("--published", callback=_date, help="Publication date YYYY-MM-DD (default: from the text).")
@click.option("--format", "fmt", type=click.Choice(["json", "trig"]), default="json", show_default=True,
              help="json: the mentions (docs/INGEST.md); trig: the staging graph for review.")
@click.option("--publisher", help="The body that published it: an IRI or a name (default: from the URL's host "
              "when that site is known).")
@click.option("--no-store", is_flag=True, help="Link against an empty graph instead of the store.")
@store_option
def ingest(article: Path, url: str | None, published: date | None, fmt: str, publisher: str | None,
           no_store: bool, store_path: Path | None) -> None:
    """Read a Vietnamese government news ARTICLE and propose its triples, with evidence, for review.

    Nothing is written to the store: the proposal is printed; what the reviewer must supply (a publisher, a
    date) or know (what was left out rather than guessed) goes to stderr.
    """
    from graph.ingest import propose

    try:
        text = article.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise click.UsageError(f"{article}: not UTF-8 text ({e})") from e
    store = None if no_store else get_store(store_path)
    proposal = propose(text, store, published=published, url=url, publisher=publisher)
    for note in proposal.notes:
        click.echo(f"note: {note.text('en')}", err=True)
    if fmt == "json":
        click.echo(json.dumps(proposal.mentions, ensure_ascii=False, indent=2))
    else:
        sys.stdout.buffer.write(proposal.dataset.serialize(format="trig").encode("utf-8"))
        sys.stdout.buffer.flush()


@click.command("ingest-eval")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--details", is_flag=True, help="Also print the scores of each article.")
def ingest_eval(directory: Path, as_json: bool, details: bool) -> None:
    """Score the extractor against the annotated articles of DIRECTORY: P, R and F1 per kind."""
    from graph.ingest.evaluate import evaluate, report

    total, rows = evaluate(directory)
    if not rows:
        raise click.UsageError(f"{directory}: no NNN-name.txt with NNN-name.gold.json found")
    if as_json:
        click.echo(json.dumps({"articles": len(rows), "scores": {
            k: {"precision": s.precision, "recall": s.recall, "f1": s.f1, "tp": s.tp, "fp": s.fp, "fn": s.fn}
            for k, s in total.items()}}, indent=2))
        return
    click.echo(report(total, len(rows)))
    if details:
        for r in rows:
            click.echo(f"{r['article']}: " + ", ".join(f"{k} {s.f1:.2f}" for k, s in r.items() if k != "article"))
