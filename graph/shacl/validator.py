"""Full and incremental validation of a store, with the compiled engine.

The data checked is the union of every graph of the store except the shapes graph (the ontology and its SKOS
schemes included, as ``graph.validate`` mixes them in): what pySHACL would report on that union.

- :func:`store_results`: every compiled shape as SPARQL over the store's union default graph; then the few
  focus nodes that the shapes graph's own triples could touch are re-checked without it (see
  :mod:`graph.shacl.reach`), so the answer is exact.
- :func:`change_results`: the focus nodes a change can affect, checked on the state after the change,
  built in memory from the triples those checks read; nothing is written to the store.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from graph.namespaces import SHAPES_GRAPH
from graph.shacl.access import Cached, MemorySource, NeedsFull, Overlay, StoreAccess, StoreSource
from graph.shacl.engine import Evaluator, Source, referenced_classes, subclass_closure, unsupported_reason
from graph.shacl.fallback import run_pyshacl
from graph.shacl.focus import TargetFocus, skolemise
from graph.shacl.reach import Reach, affected, build, extract
from graph.shacl.results import Result
from graph.shacl.shapes import ShapesModel, load_shapes
from graph.store.base import QuadTuple, Store

SHAPES = str(SHAPES_GRAPH)


@dataclass(frozen=True)
class Compiled:
    model: ShapesModel
    reach: Reach
    #: Root shapes handed to pySHACL, with the reason.
    fallback: tuple[tuple[Node, str], ...]

    @property
    def compiled_roots(self) -> list[Node]:
        skip = {n for n, _ in self.fallback}
        return [r for r in self.model.roots if r not in skip]


_CACHE: dict[str, Compiled] = {}
_LOCK = threading.Lock()


def compile_shapes(shapes: Graph, key: str | None = None) -> Compiled:
    """Compile a shapes graph (cached by ``key``, else by its content; the result is shared, never changed)."""
    if key is None:
        nt = shapes.serialize(format="nt")
        key = hashlib.sha256("\n".join(sorted(nt.splitlines())).encode()).hexdigest()
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    model = load_shapes(shapes)
    fallback = tuple((r, why) for r in model.roots if (why := unsupported_reason(model, r)) is not None)
    c = Compiled(model, build(model), fallback)
    with _LOCK:
        if len(_CACHE) > 16:
            _CACHE.clear()
        _CACHE[key] = c
    return c


_QUICK: dict[tuple[int, int], Compiled] = {}


def quick_compiled(store: Store) -> Compiled:
    """:func:`store_compiled`, remembered per store and size of its shapes graph (for the incremental path;
    :func:`change_results` recompiles whenever a change writes to the shapes graph)."""
    n = next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{SHAPES}> {{ ?s ?p ?o }} }}").rows()))["n"]
    key = (id(store), int(n))  # type: ignore[call-overload]
    with _LOCK:
        hit = _QUICK.get(key)
    if hit is None:
        hit = store_compiled(store)
        with _LOCK:
            if len(_QUICK) > 16:
                _QUICK.clear()
            _QUICK[key] = hit
    return hit


def store_compiled(store: Store) -> Compiled:
    """The compiled shapes of the store's shapes graph (cached by the bytes of that graph)."""
    buf = io.BytesIO()
    store.dump(buf, format="ntriples", graph=SHAPES)
    raw = buf.getvalue()
    key = "store:" + hashlib.sha256(raw).hexdigest()
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    g = Graph()
    g.parse(data=raw, format="nt")
    return compile_shapes(g, key)


def store_shapes(store: Store) -> Graph:
    buf = io.BytesIO()
    store.dump(buf, format="ntriples", graph=SHAPES)
    g = Graph()
    g.parse(data=buf.getvalue(), format="nt")
    return g


def closure_of(
    store: Store, model: ShapesModel, extra: Iterable[tuple[Node, Node]] = ()
) -> dict[Node, frozenset[Node]]:
    q = (
        f"SELECT DISTINCT ?a ?b WHERE {{ {{ ?a <{RDFS.subClassOf}> ?b }} UNION "
        f"{{ GRAPH ?g {{ ?a <{RDFS.subClassOf}> ?b }} FILTER(?g != <{SHAPES}>) }} }}"
    )
    pairs = [(r["a"], r["b"]) for r in store.query(q).rows()]
    return subclass_closure([*pairs, *extra], referenced_classes(model))


def evaluate(
    c: Compiled,
    source: Source,
    closure: dict[Node, frozenset[Node]],
    only: Sequence[Node] | None = None,
    roots: Sequence[Node] | None = None,
) -> list[Result]:
    ev = Evaluator(c.model, source, closure)
    restrict = None
    if only is not None:
        restrict = tuple(skolemise(n) for n in only) if source.skolem else tuple(only)
    out: list[Result] = []
    for root in c.compiled_roots if roots is None else roots:
        shape = c.model[root]
        out += ev.shape(shape, TargetFocus(shape.targets, closure, restrict))
    return out


def data_graph(store: Store) -> Graph:
    """The data as one rdflib graph (every graph but the shapes graph), for pySHACL."""
    q = (
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ {{ ?s ?p ?o }} UNION "
        f"{{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{SHAPES}>) }} }}"
    )
    g = Graph()
    for r in store.query(q).rows():
        g.add((r["s"], r["p"], r["o"]))
    return g


def _fallback(c: Compiled, data: Graph, focus: Sequence[Node] | None = None) -> list[Result]:
    if not c.fallback:
        return []
    # pySHACL's use_shapes loses sibling information (sh:qualifiedValueShapesDisjoint), so run every shape and
    # keep the results of the shapes handed over.
    mine: set[Node] = set()
    for n, _ in c.fallback:
        mine |= c.model.closure(n)
    return [r for r in run_pyshacl(data, c.model.triples, focus_nodes=focus) if r.shape in mine]


def store_results(store: Store, compiled: Compiled | None = None) -> list[Result]:
    """Every result for the store's data (all graphs but the shapes graph) against its shapes graph."""
    c = compiled or store_compiled(store)
    closure = closure_of(store, c.model)
    results = evaluate(c, StoreSource(store), closure)
    # The union default graph also holds the shapes graph: re-check whatever its triples could touch.
    q = (
        f"SELECT ?s ?p ?o WHERE {{ GRAPH <{SHAPES}> {{ ?s ?p ?o }} FILTER NOT EXISTS {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{SHAPES}>) }} }}"
    )
    only_shapes = [(r["s"], r["p"], r["o"]) for r in store.query(q).rows()]
    touched = affected(c.reach, StoreAccess(store, ()), only_shapes, limit=10**9) or set()
    if touched:
        triples = extract(c.reach, StoreAccess(store, (SHAPES,)), touched)
        fixed = evaluate(c, MemorySource(triples), closure, sorted(touched, key=str))
        results = [r for r in results if r.focus not in touched] + fixed
    if c.fallback:
        results += _fallback(c, data_graph(store))
    return results


def _memory_copy(store: Store, added: Sequence[QuadTuple], removed: Sequence[QuadTuple]) -> Store:
    from graph.store.embedded import EmbeddedStore

    buf = io.BytesIO()
    store.dump(buf, format="nquads")
    mem = EmbeddedStore(None)
    mem.load(buf.getvalue(), format="nquads")
    with mem.transaction() as tx:
        for q in removed:
            tx.remove(q)
        for q in added:
            tx.add(q)
    return mem


def change_results(
    store: Store, added: Sequence[QuadTuple], removed: Sequence[QuadTuple]
) -> tuple[list[Result], set[Node] | None]:
    """The results, on the state after the change, of every focus node the change can affect.

    Returns ``(results, affected)``; ``affected`` is ``None`` when the change needed a full validation (it
    touches the shapes, the class hierarchy, or shapes handed to pySHACL), and the results are then complete.
    """
    schema = any((q[3] is not None and str(q[3]) == SHAPES) or q[1] == RDFS.subClassOf for q in (*added, *removed))
    c = store_compiled(store) if schema else quick_compiled(store)
    if schema or c.fallback:
        return store_results(_memory_copy(store, added, removed)), None
    data_added = [q for q in added if q[3] is None or str(q[3]) != SHAPES]
    data_removed = [q for q in removed if q[3] is None or str(q[3]) != SHAPES]
    changed = {(q[0], q[1], q[2]) for q in (*data_added, *data_removed)}
    before = StoreAccess(store, (SHAPES,))
    try:
        focus = affected(c.reach, Cached(before), changed, limit=10**9) or set()
        if not focus:
            return [], set()
        triples = extract(c.reach, Cached(Overlay(before, data_added, data_removed)), focus)
    except NeedsFull:
        return store_results(_memory_copy(store, added, removed)), None
    closure = closure_of(store, c.model)
    roots = applicable(c, triples, focus, closure)
    return evaluate(c, MemorySource(triples), closure, sorted(focus, key=str), roots), focus


def applicable(
    c: Compiled, triples: set[tuple[Node, Node, Node]], focus: set[Node], closure: dict[Node, frozenset[Node]]
) -> list[Node]:
    """The root shapes that target at least one of ``focus`` in ``triples`` (which hold every target triple)."""
    types: dict[Node, set[Node]] = {}
    outp: set[tuple[Node, Node]] = set()
    inp: set[tuple[Node, Node]] = set()
    for s, p, o in triples:
        if s in focus:
            outp.add((s, p))
            if p == RDF.type:
                types.setdefault(s, set()).add(o)
        if o in focus:
            inp.add((o, p))
    out = []
    for root in c.compiled_roots:
        for kind, obj in c.model[root].targets:
            if kind == SH.targetClass:
                hit = any(types.get(f, set()) & closure.get(obj, frozenset({obj})) for f in focus)
            elif kind == SH.targetNode:
                hit = obj in focus
            elif kind == SH.targetSubjectsOf:
                hit = any((f, obj) in outp for f in focus)
            else:
                hit = any((f, obj) in inp for f in focus)
            if hit:
                out.append(root)
                break
    return out


def memory_store(data: Graph, shapes: Graph) -> Store:
    """An in-memory store with ``data`` in the default graph and ``shapes`` in the shapes graph (ids kept)."""
    from graph.store.embedded import EmbeddedStore

    mem = EmbeddedStore(None)
    for s, p, o in data:
        mem.add((s, p, o, None))
    for s, p, o in shapes:
        mem.add((s, p, o, URIRef(SHAPES)))
    return mem


def graph_results(data: Graph, shapes: Graph) -> list[Result]:
    """Validate an rdflib graph with the engine (on an in-memory store; blank nodes keep their ids)."""
    return store_results(memory_store(data, shapes), compile_shapes(shapes))
