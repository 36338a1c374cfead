"""Whole-graph validation: the set union of every data graph (and the ontology) as one data graph.

The data graph is :func:`graph.validate.whole_graph`'s: every graph of the store but the graphs that are never
data (:data:`graph.validate.NOT_DATA`: the shapes graph, the audit graph), the default graph included, read as a
set.  The results are pySHACL's on that one graph (``tests/test_validate_whole.py``); none names a graph.

On the embedded store the compiled queries read the union default graph (:class:`graph.shacl.scope.UnionScope`):
no copy of the data, every root shape one task for :data:`graph.shacl.units.WORKERS` threads, the longest first;
the values of all the targets read once and hash-joined, anti-joins as ``MINUS`` (:meth:`UnionScope.values`).
A store with triples in its default graph (the union default graph leaves it out), another kind of store, or a
shape whose path cannot be read around the hidden graphs is validated on an in-memory copy of the union instead
(:func:`copy_whole`, each triple once; measured: same CPU as reading in place at 1M, 3x the memory, so not the
default).  Shapes the engine does not compile go to pySHACL, on the union in rdflib.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import RDFS, SH
from rdflib.term import Node

from graph.shacl.access import Cached, NeedsFull, StoreAccess, StoreSource
from graph.shacl.engine import Evaluator, subclass_closure
from graph.shacl.local import local_results
from graph.shacl.reach import affected, extract
from graph.shacl.results import Result
from graph.shacl.scope import UnionScope, split_expressible
from graph.shacl.units import _in_parallel
from graph.store.base import Store

if TYPE_CHECKING:
    from graph.shacl.validator import Compiled


class UnionSource:
    """Queries over the store's union default graph (every named graph; the scope leaves out the hidden ones)."""

    skolem = False

    def __init__(self, store: Store) -> None:
        self.store = store

    def select(self, sparql: str) -> list[dict[str, Node]]:
        return self.store.query(sparql, union_default_graph=True).rows()


def hidden_graphs(store: Store) -> list[str]:
    """The graphs of the store that are not data (of :data:`graph.validate.NOT_DATA`)."""
    from graph.validate import NOT_DATA

    names = set(store.named_graphs())
    return [str(g) for g in NOT_DATA if str(g) in names]


def whole_results(store: Store, c: Compiled) -> list[Result]:
    """Every result of the compiled shapes and of the shapes handed to pySHACL, on the whole graph."""
    from graph.store.embedded import EmbeddedStore

    roots = list(c.compiled_roots)
    if isinstance(store, EmbeddedStore) and not store.ask("ASK { ?s ?p ?o }"):
        results, rest = _on_union(store, c, roots)
    else:
        results, rest = [], roots
    if rest:
        results += _on_copy(store, c, rest)
    if c.fallback:
        from graph.shacl.validator import _fallback
        from graph.validate import whole_graph

        results += _fallback(c, whole_graph(store))
    return results


def _on_union(store: Store, c: Compiled, roots: list[Node]) -> tuple[list[Result], list[Node]]:
    """(results of the roots whose paths the union scope reads, the other roots).

    The union default graph also holds the hidden graphs.  Their triples that no data graph states are found
    first, and the focus nodes they can affect (:func:`graph.shacl.reach.affected`, walking back over the data):
    few or none (the shapes graph's own nodes).  Every query then reads the union as it is; the results on those
    focus nodes are dropped, and they are validated again, as the write path validates a change, on the triples
    their validation reads without the hidden graphs (:func:`graph.shacl.local.local_results`).  Past
    :data:`LIMIT` such triples or nodes, every query keeps out of the hidden graphs instead.
    """
    hidden = hidden_graphs(store)
    extra = _hidden_only(store, hidden)
    again: set[Node] | None = set()
    access = Cached(StoreAccess(store, excluded=hidden))
    try:
        if extra is None or any(t[1] == RDFS.subClassOf for t in extra):
            again = None
        elif extra:
            again = affected(c.reach, access, extra, limit=LIMIT)
    except NeedsFull:
        again = None
    guarded = UnionScope(hidden=tuple(hidden), hidden_preds=_predicates(store, hidden)) if hidden else UnionScope()
    mine, rest = split_expressible(guarded, c.model, roots)
    source = UnionSource(store)
    sub = guarded.triple("?a", RDFS.subClassOf, "?b")
    pairs = [(r["a"], r["b"]) for r in source.select(f"SELECT DISTINCT ?a ?b WHERE {{ {sub} }}")]
    from graph.shacl.validator import _classes, applicable

    closure = subclass_closure(pairs, _classes(c.model))
    redo: list[Result] = []
    if again:  # validated again over the triples they read, without the hidden graphs (as a change would be)
        try:
            triples = extract(c.reach, access, again)
            redo = local_results(c.model, [r for r in applicable(c, triples, again, closure) if r in mine], triples,
                                 closure, sorted(again, key=str))
        except NeedsFull:
            again = None
    ev = Evaluator(c.model, source, closure, UnionScope() if again is not None else guarded)
    weight = _weights(source, c, mine, closure)
    found = _in_parallel([partial(ev.root, root) for root in mine], key=weight)
    out = [r for rs in found for r in rs if not again or r.focus not in again]
    return out + redo, rest


def _weights(source: UnionSource, c: Compiled, roots: list[Node], closure: Mapping[Node, frozenset[Node]]) -> list[int]:
    """A rough cost of each root: its target triples (counted in one query) times the paths it reads + 1.

    The roots run longest first (on 2 threads at 1M, a 1 s root left for the end ran alone after the others)."""
    keys: dict[Node, set[Node]] = {}
    for root in roots:
        for kind, obj in c.model[root].targets:
            if kind == SH.targetClass:
                keys[root] = keys.get(root, set()) | set(closure.get(obj, frozenset({obj})))
            elif kind in (SH.targetSubjectsOf, SH.targetObjectsOf):
                keys[root] = keys.get(root, set()) | {obj}
    classes = sorted({k for root in roots for kind, obj in c.model[root].targets if kind == SH.targetClass
                      for k in closure.get(obj, frozenset({obj})) if isinstance(k, URIRef)}, key=str)
    preds = sorted({obj for root in roots for kind, obj in c.model[root].targets
                    if kind in (SH.targetSubjectsOf, SH.targetObjectsOf) and isinstance(obj, URIRef)}, key=str)
    parts = [f"{{ ?_s a ?k VALUES ?k {{ {' '.join(f'<{k}>' for k in classes)} }} }}"] * bool(classes)
    parts += [f"{{ ?_s ?k ?_o VALUES ?k {{ {' '.join(f'<{k}>' for k in preds)} }} }}"] * bool(preds)
    if not parts:
        return [0] * len(roots)
    q = f"SELECT ?k (COUNT(*) AS ?n) WHERE {{ {' UNION '.join(parts)} }} GROUP BY ?k"
    n: dict[Node, int] = {}
    for r in source.select(q):
        n[r["k"]] = n.get(r["k"], 0) + int(r["n"])  # type: ignore[call-overload]
    model = c.model
    return [sum(n.get(k, 0) for k in keys.get(root, ())) * (1 + len({model[x].path for x in model.closure(root)}))
            for root in roots]


#: Beyond this many triples found only in the hidden graphs, or focus nodes they affect, every query keeps out of
#: the hidden graphs (exact, slower: a graph variable and a filter on every triple pattern that may read them).
LIMIT = 5000


def _hidden_only(store: Store, hidden: list[str]) -> list[tuple[Node, Node, Node]] | None:
    """The triples of the hidden graphs that no data graph states (``None``: more than :data:`LIMIT`)."""
    if not hidden:
        return []
    vals = " ".join(f"<{g}>" for g in hidden)
    q = (
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?h {{ ?s ?p ?o }} VALUES ?h {{ {vals} }} "
        f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({', '.join(vals.split())})) }} }} "
        f"LIMIT {LIMIT + 1}"
    )
    rows = [(r["s"], r["p"], r["o"]) for r in store.query(q).rows()]
    return None if len(rows) > LIMIT else rows


def _predicates(store: Store, graphs: list[str]) -> frozenset[Node]:
    vals = " ".join(f"<{g}>" for g in graphs)
    q = f"SELECT DISTINCT ?p WHERE {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ {vals} }} }}"
    return frozenset(r["p"] for r in store.query(q).rows())


def copy_whole(store: Store) -> Store:
    """A store in memory holding the whole graph of ``store`` in its default graph, each triple once.

    On the embedded store the engine copies it (``CONSTRUCT`` into N-Triples, bulk-loaded: ~9 s, 400-700 MB more peak at
    1M, 666,556 triples); another store through rdflib (:func:`graph.validate.whole_graph`).
    """
    import pyoxigraph as ox

    from graph.store.embedded import EmbeddedStore
    from graph.validate import NOT_DATA, whole_graph

    mem = EmbeddedStore(None)
    if isinstance(store, EmbeddedStore):
        hidden = ", ".join(f"<{g}>" for g in NOT_DATA)
        q = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ ?s ?p ?o }} UNION "
             f"{{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({hidden})) }} }}")
        triples = store.ox.query(q)
        assert isinstance(triples, ox.QueryTriples)
        mem.ox.bulk_load(triples.serialize(format=ox.RdfFormat.N_TRIPLES), ox.RdfFormat.N_TRIPLES)
        return mem
    for s, p, o in whole_graph(store):
        mem.add((s, p, o, None))
    return mem


def _on_copy(store: Store, c: Compiled, roots: list[Node]) -> list[Result]:
    """``roots`` on :func:`copy_whole`.  The queries are the union scope's without hidden graphs (anti-joins as
    ``MINUS``, lists of terms as ``FILTER IN``): the plain scope's ``NOT EXISTS`` over a sequence path
    (MembershipShape's ``sh:equals``) took 82-122 s at 1M on the copy, these 1.4 s."""
    from graph.shacl.validator import closure_of

    mem = copy_whole(store)
    ev = Evaluator(c.model, StoreSource(mem), closure_of(mem, c.model, [""]), UnionScope())
    return [r for rs in _in_parallel([partial(ev.root, root) for root in roots]) for r in rs]


__all__ = ["copy_whole", "hidden_graphs", "whole_results"]
