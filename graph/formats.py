"""The serialisation formats govkg reads and writes, as one table.

Each row names a format once and gives its media type, file extensions and the pyoxigraph constant, so the
CLI, the store and the HTTP content negotiation agree on what "turtle" or "application/n-quads" means.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox


@dataclass(frozen=True)
class RdfFormatInfo:
    name: str
    media_type: str
    extensions: tuple[str, ...]
    ox: ox.RdfFormat
    quads: bool  # can hold named graphs
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResultsFormatInfo:
    name: str
    media_type: str
    extension: str
    ox: ox.QueryResultsFormat
    aliases: tuple[str, ...] = ()


RDF_FORMATS: tuple[RdfFormatInfo, ...] = (
    RdfFormatInfo("turtle", "text/turtle", (".ttl",), ox.RdfFormat.TURTLE, False, ("application/x-turtle", "ttl")),
    RdfFormatInfo("trig", "application/trig", (".trig",), ox.RdfFormat.TRIG, True),
    RdfFormatInfo("ntriples", "application/n-triples", (".nt",), ox.RdfFormat.N_TRIPLES, False, ("nt",)),
    RdfFormatInfo("nquads", "application/n-quads", (".nq",), ox.RdfFormat.N_QUADS, True, ("nq",)),
    RdfFormatInfo("jsonld", "application/ld+json", (".jsonld",), ox.RdfFormat.JSON_LD, True, ("json-ld",)),
    RdfFormatInfo("rdfxml", "application/rdf+xml", (".rdf", ".owl"), ox.RdfFormat.RDF_XML, False, ("xml",)),
)

RESULTS_FORMATS: tuple[ResultsFormatInfo, ...] = (
    ResultsFormatInfo("json", "application/sparql-results+json", ".srj", ox.QueryResultsFormat.JSON,
                      ("application/json",)),
    ResultsFormatInfo("xml", "application/sparql-results+xml", ".srx", ox.QueryResultsFormat.XML,
                      ("application/xml",)),
    ResultsFormatInfo("csv", "text/csv", ".csv", ox.QueryResultsFormat.CSV),
    ResultsFormatInfo("tsv", "text/tab-separated-values", ".tsv", ox.QueryResultsFormat.TSV),
)


class UnknownFormat(ValueError):
    pass


def rdf_format(key: str) -> RdfFormatInfo:
    """A format by name, alias, media type (parameters ignored) or file extension."""
    k = key.split(";")[0].strip().lower()
    for f in RDF_FORMATS:
        if k in (f.name, f.media_type, *f.extensions, *f.aliases):
            return f
    raise UnknownFormat(f"unknown RDF format {key!r}; known: {', '.join(f.name for f in RDF_FORMATS)}")


def rdf_format_for_path(path: str | Path) -> RdfFormatInfo:
    suffix = Path(path).suffix.lower()
    for f in RDF_FORMATS:
        if suffix in f.extensions:
            return f
    raise UnknownFormat(f"cannot tell the RDF format of {path}; name it with --format")


def results_format(key: str) -> ResultsFormatInfo:
    k = key.split(";")[0].strip().lower()
    for f in RESULTS_FORMATS:
        if k in (f.name, f.media_type, f.extension, *f.aliases):
            return f
    raise UnknownFormat(f"unknown results format {key!r}; known: {', '.join(f.name for f in RESULTS_FORMATS)}")
