"""Foundation commands: load, query, export, stats, validate."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from graph.commands.options import get_store, store_option
from graph.formats import UnknownFormat, rdf_format, rdf_format_for_path
from graph.seed import load_seed

QUERY_FORMATS = ("table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld")


def register(cli: click.Group) -> None:
    for c in (load, query, export, stats, validate):
        cli.add_command(c)


@click.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--graph", "graph_iri", help="Named graph for triple formats (Turtle, N-Triples).")
@click.option("--format", "fmt", help="Format of every FILE (default: from the file extension).")
@click.option("--seed", is_flag=True, help="Load the checkout's ontology, shapes and data/.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@store_option
def load(files: tuple[Path, ...], graph_iri: str | None, fmt: str | None, seed: bool, quiet: bool,
         store_path: Path | None) -> None:
    """Load RDF FILEs (Turtle, TriG, N-Triples, N-Quads, JSON-LD), each all-or-nothing."""
    if not files and not seed:
        raise click.UsageError("name FILEs to load, or --seed")
    store = get_store(store_path)
    total = 0
    if seed:
        total += load_seed(store, progress=not quiet)
    for f in files:
        try:
            info = rdf_format(fmt) if fmt else rdf_format_for_path(f)
        except UnknownFormat as e:
            raise click.UsageError(str(e)) from e
        n = store.load(f, format=info.name, graph=graph_iri, progress=not quiet)
        total += n
        click.echo(f"{f}: {n} quads", err=True)
    click.echo(f"loaded {total} new quads; the store holds {store.count()}", err=True)


@click.command()
@click.argument("sparql", required=False)
@click.option("--file", "qfile", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the query from a file.")
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table", show_default=True)
@click.option("--union/--no-union", default=True, show_default=True,
              help="Default graph as the union of all graphs.")
@store_option
def query(sparql: str | None, qfile: Path | None, fmt: str, union: bool, store_path: Path | None) -> None:
    """Run a SPARQL query (the project's prefixes are predeclared)."""
    if qfile is not None:
        sparql = qfile.read_text(encoding="utf-8")
    if not sparql:
        raise click.UsageError("give a SPARQL query or --file")
    res = get_store(store_path).query(sparql, union_default_graph=union)
    out = sys.stdout.buffer
    if res.kind == "graph":
        out.write(res.serialize("turtle" if fmt in ("table", "json", "csv", "tsv", "xml") else fmt))
    elif fmt == "table":
        if res.kind == "boolean":
            click.echo("true" if res.boolean else "false")
        else:
            _print_table(res.variables, [[_cell(r.get(v)) for v in res.variables] for r in res])
    elif fmt in ("json", "csv", "tsv", "xml"):
        out.write(res.serialize(fmt))
    else:
        raise click.UsageError(f"--format {fmt} is for CONSTRUCT and DESCRIBE queries")
    out.flush()


def _cell(v: object) -> str:
    return "" if v is None else str(v)


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    line = " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    click.echo(line)
    click.echo("-+-".join("-" * w for w in widths))
    for r in rows:
        click.echo(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", err=True)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["trig", "nquads", "turtle", "ntriples", "jsonld"]),
              default="trig", show_default=True)
@click.option("--graph", "graph_iri", help="Export one named graph only.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout).")
@store_option
def export(fmt: str, graph_iri: str | None, output: Path | None, store_path: Path | None) -> None:
    """Export the whole store, or one graph."""
    if graph_iri is None and not rdf_format(fmt).quads:
        raise click.UsageError(f"{fmt} holds one graph: add --graph IRI, or use trig, nquads or jsonld")
    store = get_store(store_path)
    if output is None:
        store.dump(sys.stdout.buffer, format=fmt, graph=graph_iri)
        sys.stdout.buffer.flush()
    else:
        tmp = output.with_name(output.name + ".part")
        with tmp.open("wb") as fh:
            store.dump(fh, format=fmt, graph=graph_iri)
        tmp.replace(output)


STATS_CLASSES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?class } }
GROUP BY ?class ORDER BY DESC(?n) ?class
"""
STATS_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def collect_stats(store_path: Path | None) -> dict[str, object]:
    store = get_store(store_path)
    graphs = {str(r["g"]): int(r["n"]) for r in store.query(STATS_GRAPHS)}
    classes = {str(r["class"]): int(r["n"]) for r in store.query(STATS_CLASSES)}
    return {"triples": store.count(), "graphs": graphs, "entities_per_class": classes}


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@store_option
def stats(as_json: bool, store_path: Path | None) -> None:
    """Triples, named graphs, and entities per class."""
    s = collect_stats(store_path)
    if as_json:
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
        return
    click.echo(f"triples: {s['triples']}")
    graphs = s["graphs"]
    assert isinstance(graphs, dict)
    click.echo(f"named graphs: {len(graphs)}")
    for g, n in graphs.items():
        click.echo(f"  {n:>8}  {g}")
    click.echo("entities per class:")
    classes = s["entities_per_class"]
    assert isinstance(classes, dict)
    for c, n in classes.items():
        click.echo(f"  {n:>8}  {c}")


@click.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
              help="Language of the messages.")
@click.option("--whole", is_flag=True,
              help="Validate the store's whole graph (every data graph and the ontology, as one set of triples) "
                   "instead of each graph on its own with the ontology (the default, what writes are checked "
                   "against). Not with FILEs.")
@store_option
def validate(files: tuple[Path, ...], lang: str, whole: bool, store_path: Path | None) -> None:
    """Validate the store (or FILEs) against the shapes; exit 1 with a report when it does not conform.

    By default each named graph is validated on its own with the ontology: every source's account must hold by
    itself.  With --whole the union of all data graphs is validated as one graph (a graph may lean on another's
    types and labels; results name no graph).
    """
    from graph.validate import validate_files, validate_store, validate_whole

    if whole and files:
        raise click.UsageError("--whole validates the store; give no FILEs")
    if files:
        report = validate_files(list(files), lang=lang)
    else:
        store = get_store(store_path)
        report = validate_whole(store, lang=lang) if whole else validate_store(store, lang=lang)
    click.echo(report.text(lang))
    sys.exit(0 if report.conforms else 1)
