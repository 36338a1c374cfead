"""Content negotiation for the SPARQL endpoint: ``Accept`` with q-values, and a 406 that names the offers.

Each table maps a media type a client may ask for to the format name of :mod:`graph.formats`; the first
row is the default when the client asks for nothing in particular (no ``Accept``, or ``*/*``).  The
response carries the media type the client asked for (``application/json`` stays ``application/json``).
"""

from __future__ import annotations

import functools

from flask import request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from webui.errors import ApiError

#: SELECT and ASK results.
RESULTS: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}

#: CONSTRUCT and DESCRIBE results, and the service description.
GRAPHS: dict[str, str] = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/x-turtle": "turtle",
    "text/plain": "ntriples",
    "application/json": "jsonld",
    "application/xml": "rdfxml",
}

CANONICAL = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
             "text/tab-separated-values", "text/turtle", "application/n-triples", "application/ld+json",
             "application/rdf+xml")


def choose(table: dict[str, str], extra: tuple[str, ...] = ()) -> tuple[str, str]:
    """(media type, format name) best for the request's ``Accept`` among ``table`` (and ``extra`` types).

    Raises a 406 listing what is on offer when nothing acceptable is.
    """
    offers = (*table, *extra)
    accept = request.headers.get("Accept", "")
    media = _best(offers, accept) if len(accept) <= 1024 else _best.__wrapped__(offers, accept)
    if not media:
        on_offer = ", ".join(m for m in table if m in CANONICAL) + (", " + ", ".join(extra) if extra else "")
        raise ApiError(406, f"none of the media types in Accept can be served here; on offer: {on_offer}")
    return media, table.get(media, "")


@functools.lru_cache(maxsize=256)
def _best(offers: tuple[str, ...], accept: str) -> str:
    """The best of ``offers`` for the ``Accept`` header ``accept`` ("" when none is acceptable); remembered per
    header, since clients send the same few."""
    acc = parse_accept_header(accept, MIMEAccept)
    if not acc or not accept.strip():
        return offers[0]
    return acc.best_match(offers) or ""


def content_type(media: str) -> str:
    """The Content-Type header for ``media`` (text types get ``charset=utf-8``)."""
    if media.startswith("text/") or media.endswith("+json") or media == "application/json":
        return f"{media}; charset=utf-8"
    return media
