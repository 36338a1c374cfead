"""What :mod:`graph.side_tables` reads of an embedded store, in the engine's own terms (no rdflib term per row).

Two reads: the distinct statements of some predicates (:func:`distinct_statements`), and every distinct triple of
some predicates with the named graphs that state it (:func:`graph_counts`), streamed as the engine stores them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox

Statement = tuple[str, str, str, str]  # (subject, predicate, language, value)
#: (subject, predicate, value, kind "I"/"L", language, datatype, graphs stating it, the first few graphs)
Counted = tuple[str, str, str, str, str, str, int, list[str]]


def term(t: Any) -> tuple[str, str, str, str] | None:
    """(value, kind, language, datatype) of a pyoxigraph term; ``None`` for a blank node."""
    if isinstance(t, ox.NamedNode):
        return t.value, "I", "", ""
    if isinstance(t, ox.Literal):
        return t.value, "L", t.language or "", "" if t.language else t.datatype.value
    return None


def distinct_statements(store: ox.Store, query: str) -> Iterator[Statement]:
    """The solutions ``?s ?p ?l`` of ``query`` over the union of the graphs (IRI subjects only, blank-node values
    left out: never a label, a date or an address)."""
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    for sol in solutions:
        s, p, lit = sol["s"], sol["p"], sol["l"]
        if isinstance(lit, ox.BlankNode) or not isinstance(s, ox.NamedNode):
            continue
        lang = (lit.language or "") if isinstance(lit, ox.Literal) else ""
        yield s.value, p.value, lang, lit.value


def graph_counts(store: ox.Store, predicates: Iterable[str], keep: int) -> Iterator[Counted]:
    """Every distinct triple of ``predicates`` in the named graphs (IRI subjects, no blank-node values) with the
    number of graphs stating it and the first ``keep`` + 1 of them in IRI order.  A predicate's quads come in the
    engine's (predicate, object, subject, graph) order, so the graphs of a triple arrive together (a triple met
    twice would be yielded twice: the caller's table key refuses it, failing the build rather than miscounting)."""
    for p in predicates:
        last: tuple[Any, Any] | None = None
        graphs: list[str] = []
        n = 0
        for q in store.quads_for_pattern(None, ox.NamedNode(p), None, None):
            g = q.graph_name
            if not isinstance(g, ox.NamedNode) or not isinstance(q.subject, ox.NamedNode):
                continue
            key = (q.subject, q.object)
            if key != last:
                if last is not None and n and (t := term(last[1])) is not None:
                    yield (last[0].value, p, *t, n, sorted(graphs))
                last, graphs, n = key, [], 0
            n += 1
            if len(graphs) <= keep:
                graphs.append(g.value)
            elif g.value < max(graphs):  # keep the first few in order, whatever order they come in
                graphs[graphs.index(max(graphs))] = g.value
        if last is not None and n and (t := term(last[1])) is not None:
            yield (last[0].value, p, *t, n, sorted(graphs))
