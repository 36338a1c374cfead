"""Every write to the store goes through here.

The SPARQL endpoint's ``/update`` and the Graph Store Protocol's ``PUT``/``POST``/``DELETE`` call these
functions and nothing else; so does any later write path.  Each function: refuses what must never run
(:mod:`graph.sparql_guard`), applies the change atomically, then publishes a new checkpoint generation so
the query workers see it (:func:`graph.store.snapshots.after_write`).  Writes are serialised by one lock, so
generations follow the order of commits.

The steward issue adds validation against the shapes, an audit changeset per write (``actor`` is the name of
the token that asked) and review, inside exactly these functions.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from graph.errors import ParseError, QuerySyntaxError
from graph.formats import UnknownFormat, rdf_format
from graph.sparql_guard import check_rdf_payload, inspect, with_using
from graph.store.base import Store
from graph.store.snapshots import after_write

_WRITE_LOCK = threading.Lock()
STAGING_PREFIX = "urn:govkg:staging:"


@dataclass(frozen=True)
class Change:
    """What a write did."""

    operation: str  # update, put, post, delete
    graph: str | None  # the graph written (None: the default graph; "" for updates)
    created: bool = False  # the graph did not exist before


def apply_update(
    store: Store,
    sparql: str,
    actor: str,
    *,
    base_iri: str | None = None,
    using_graphs: Sequence[str] = (),
    using_named_graphs: Sequence[str] = (),
    max_nesting: int = 100,
    max_operators: int = 2000,
) -> Change:
    """Apply a SPARQL 1.1 Update request (all operations or none)."""
    info = inspect(sparql, max_nesting=max_nesting, max_operators=max_operators)
    if info.is_query:
        raise QuerySyntaxError(f"this is a {info.operation} query, not an update; send it to the query endpoint")
    text = with_using(sparql, using_graphs, using_named_graphs)
    shift = 0
    if base_iri:
        text = f"BASE <{base_iri}>\n{text}"
        shift = 1
    with _WRITE_LOCK:
        try:
            store.update(text)
        except QuerySyntaxError as e:
            raise QuerySyntaxError(_unshift(str(e), shift)) from e
        after_write(store)
    return Change("update", "")


def put_graph(store: Store, graph: str | None, data: bytes, format: str, actor: str,
              *, base_iri: str | None = None) -> Change:
    """Replace the graph (``None``: the default graph) with ``data``, atomically."""
    fmt, data = _triples(data, format, base_iri or graph)
    staging = f"{STAGING_PREFIX}{uuid.uuid4()}"
    with _WRITE_LOCK:
        created = graph is not None and not _exists(store, graph)
        store.load(data, format=fmt, graph=staging, base_iri=base_iri or graph)
        target = "DEFAULT" if graph is None else f"GRAPH <{graph}>"
        # MOVE drops the target, moves the staging graph there and drops it, in one atomic update.
        store.update(f"CREATE SILENT GRAPH <{staging}> ; MOVE SILENT GRAPH <{staging}> TO {target}")
        if graph is not None:
            store.update(f"CREATE SILENT GRAPH <{graph}>")
        after_write(store)
    return Change("put", graph, created)


def post_graph(store: Store, graph: str | None, data: bytes, format: str, actor: str,
               *, base_iri: str | None = None) -> Change:
    """Add ``data`` to the graph (``None``: the default graph), atomically."""
    fmt, data = _triples(data, format, base_iri or graph)
    with _WRITE_LOCK:
        created = graph is not None and not _exists(store, graph)
        store.load(data, format=fmt, graph=graph, base_iri=base_iri or graph)
        after_write(store)
    return Change("post", graph, created)


def delete_graph(store: Store, graph: str | None, actor: str) -> Change:
    """Drop the named graph, or empty the default graph (``None``).  :class:`LookupError` if it does not exist."""
    with _WRITE_LOCK:
        if graph is None:
            store.update("CLEAR DEFAULT")
        else:
            if not _exists(store, graph):
                raise LookupError(f"no graph <{graph}>")
            store.update(f"DROP GRAPH <{graph}>")
        after_write(store)
    return Change("delete", graph)


def graph_exists(store: Store, graph: str) -> bool:
    return _exists(store, graph)


def _exists(store: Store, graph: str) -> bool:
    _check_iri(graph)
    return store.ask(f"ASK {{ GRAPH <{graph}> {{}} }}")  # true for empty named graphs too


def _check_iri(iri: str) -> None:
    if not iri or re.search(r'[<>"{}|^`\\\x00-\x20]', iri) or ":" not in iri:
        raise ParseError(f"not an absolute IRI: {iri!r}")


def _triples(data: bytes, format: str, base_iri: str | None) -> tuple[str, bytes]:
    """The upload as a triple format the store loads into one graph, after the payload guard."""
    f = rdf_format(format)
    check_rdf_payload(data, f.name)
    if f.name == "jsonld":
        # The store loads JSON-LD as a dataset; a graph upload is one graph.  The guard above refused remote
        # contexts, so rdflib's parser has nothing to fetch.
        from rdflib import Graph

        try:
            g = Graph().parse(data=data, format="json-ld", publicID=base_iri)
        except Exception as e:  # any parser failure is the upload's fault
            raise ParseError(f"the JSON-LD does not parse: {e}") from e
        return "ntriples", g.serialize(format="nt", encoding="utf-8")
    if f.quads:
        raise UnknownFormat(f"{f.media_type} holds several graphs; send one graph (Turtle, N-Triples, ...)")
    return f.name, data


def _unshift(message: str, lines: int) -> str:
    """Parser positions as the client wrote them (we prepended ``lines`` lines)."""
    if not lines:
        return message
    return re.sub(r"at (\d+):(\d+)", lambda m: f"at {max(1, int(m.group(1)) - lines)}:{m.group(2)}", message, count=1)
