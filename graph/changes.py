"""Every write to the store goes through here.

The SPARQL endpoint's ``/update`` and the Graph Store Protocol's ``PUT``/``POST``/``DELETE`` call these
functions and nothing else; so does any later write path.  Each function: refuses what must never run
(:mod:`graph.sparql_guard`), applies the change atomically, then publishes a new checkpoint generation so
the query workers see it (:func:`graph.store.snapshots.after_write`).  Writes are serialised by one lock, so
generations follow the order of commits.

Each function hands a plan to :func:`graph.commit.execute`: the change is computed in memory, refused or
validated against the shapes (in ``ctx.lang``), and committed in one atomic update together with its
changeset record (``actor`` is the name of the token that asked; ``ctx`` adds role, comment, confirmation,
language and staging).  ``if_match`` is compared with :func:`graph.changesets.graph_etag` under the lock.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from graph import payloads
from graph.changesets import etag_matches, graph_etag
from graph.commit import PreconditionFailed, WriteContext, execute
from graph.diffs import drops_all, graph_plan, update_plan
from graph.errors import ParseError, QuerySyntaxError
from graph.formats import UnknownFormat, rdf_format
from graph.sparql_guard import inspect, with_using
from graph.store.base import Store


@dataclass(frozen=True)
class Change:
    """What a write did."""

    operation: str  # update, put, post, delete
    graph: str | None  # the graph written (None: the default graph; "" for updates)
    created: bool = False  # the graph did not exist before
    changeset: str = ""  # the id of the recorded changeset ("" when nothing changed)
    status: str = "applied"  # or "staged" (kept for review, not applied)


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
    ctx: WriteContext | None = None,
) -> Change:
    """Apply a SPARQL 1.1 Update request (all operations or none), validated and recorded (graph.commit)."""
    info = inspect(sparql, max_nesting=max_nesting, max_operators=max_operators)
    if info.is_query:
        raise QuerySyntaxError(f"this is a {info.operation} query, not an update; send it to the query endpoint")
    text = with_using(sparql, using_graphs, using_named_graphs)
    shift = 0
    if base_iri:
        text = f"BASE <{base_iri}>\n{text}"
        shift = 1
    try:
        cs = execute(store, ctx or WriteContext(actor), "update", update_plan(text), drop_all=drops_all(text))
    except QuerySyntaxError as e:
        raise QuerySyntaxError(_unshift(str(e), shift)) from e
    return Change("update", "", changeset=cs.id, status=cs.status)


def put_graph(store: Store, graph: str | None, data: bytes, format: str, actor: str,
              *, base_iri: str | None = None, ctx: WriteContext | None = None, if_match: str | None = None) -> Change:
    """Replace the graph (``None``: the default graph) with ``data``, atomically, validated and recorded."""
    return _graph_write("put", store, graph, data, format, actor, base_iri, ctx, if_match)


def post_graph(store: Store, graph: str | None, data: bytes, format: str, actor: str,
               *, base_iri: str | None = None, ctx: WriteContext | None = None, if_match: str | None = None) -> Change:
    """Add ``data`` to the graph (``None``: the default graph), atomically, validated and recorded."""
    return _graph_write("post", store, graph, data, format, actor, base_iri, ctx, if_match)


def delete_graph(store: Store, graph: str | None, actor: str,
                 *, ctx: WriteContext | None = None, if_match: str | None = None) -> Change:
    """Drop the named graph, or empty the default graph (``None``).  :class:`LookupError` if it does not exist."""
    if graph is not None:
        _check_iri(graph)
    cs = execute(store, ctx or WriteContext(actor), "delete", graph_plan(graph, set(), "delete"),
                 if_match=_graph_precondition(graph, if_match))
    return Change("delete", graph, changeset=cs.id, status=cs.status)


def _graph_write(op: str, store: Store, graph: str | None, data: bytes, format: str, actor: str,
                 base_iri: str | None, ctx: WriteContext | None, if_match: str | None) -> Change:
    if graph is not None:
        _check_iri(graph)
    f = rdf_format(format)
    if f.quads and f.name != "jsonld":
        raise UnknownFormat(f"{f.media_type} holds several graphs; send one graph (Turtle, N-Triples, ...)")
    quads, _ = payloads.parse(data, f.name, graph, base_iri or graph)
    cs = execute(store, ctx or WriteContext(actor), op, graph_plan(graph, quads, op),
                 if_match=_graph_precondition(graph, if_match))
    return Change(op, graph, graph is not None and graph in cs.diff.created, changeset=cs.id, status=cs.status)


def _graph_precondition(graph: str | None, if_match: str | None) -> Callable[[Store], None] | None:
    if if_match is None:
        return None

    def check(store: Store) -> None:
        if not etag_matches(if_match, graph_etag(store, graph)):
            raise PreconditionFailed("the graph has changed since it was read (If-Match does not match its ETag)")

    return check


def graph_exists(store: Store, graph: str) -> bool:
    return _exists(store, graph)


def _exists(store: Store, graph: str) -> bool:
    _check_iri(graph)
    return store.ask(f"ASK {{ GRAPH <{graph}> {{}} }}")  # true for empty named graphs too


def _check_iri(iri: str) -> None:
    if not iri or re.search(r'[<>"{}|^`\\\x00-\x20]', iri) or ":" not in iri:
        raise ParseError(f"not an absolute IRI: {iri!r}")


def _unshift(message: str, lines: int) -> str:
    """Parser positions as the client wrote them (we prepended ``lines`` lines)."""
    if not lines:
        return message
    return re.sub(r"at (\d+):(\d+)", lambda m: f"at {max(1, int(m.group(1)) - lines)}:{m.group(2)}", message, count=1)
