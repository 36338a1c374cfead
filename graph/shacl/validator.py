"""Full and incremental validation of a store, with the compiled engine.

Each graph is validated on its own with the ontology graph (its SKOS schemes and class axioms), as
``graph.validate`` does with pySHACL: the units are described in :mod:`graph.shacl.units`.

- :func:`store_results`: every unit, in few queries (one per constraint covers every data graph at once).
- :func:`change_results`: in each graph a change writes, the focus nodes it can affect, checked on the state
  after the change (that graph and the ontology), built in memory from the triples those checks read;
  nothing is written to the store.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from graph.namespaces import SHAPES_GRAPH
from graph.shacl.access import Cached, GraphAccess, NeedsFull, Overlay
from graph.shacl.engine import Evaluator, Source, referenced_classes, subclass_closure, unsupported_reason
from graph.shacl.fallback import run_pyshacl
from graph.shacl.focus import TargetFocus, skolemise
from graph.shacl.local import local_results
from graph.shacl.reach import Reach, affected, build, extract
from graph.shacl.results import Result
from graph.shacl.shapes import ShapesModel, load_shapes
from graph.shacl.units import NEVER, ONTOLOGY, tagged, unit_results
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


def closure_of(store: Store, model: ShapesModel, graphs: Sequence[str]) -> dict[Node, frozenset[Node]]:
    """Each class the shapes name, with its subclasses in the merge of ``graphs`` (``""``: the default graph)."""
    q = f"SELECT DISTINCT ?a ?b WHERE {{ ?a <{RDFS.subClassOf}> ?b }}"
    pairs = [(r["a"], r["b"]) for r in store.query(q, default_graphs=list(graphs)).rows()]
    return subclass_closure(pairs, _classes(model))


_CLASSES: dict[int, tuple[ShapesModel, set[Node]]] = {}


def _classes(model: ShapesModel) -> set[Node]:
    """:func:`referenced_classes`, remembered per model (models are immutable)."""
    hit = _CLASSES.get(id(model))
    if hit is None or hit[0] is not model:
        if len(_CLASSES) > 16:
            _CLASSES.clear()
        hit = _CLASSES[id(model)] = (model, referenced_classes(model))
    return hit[1]


def evaluate(
    c: Compiled,
    source: Source,
    closure: dict[Node, frozenset[Node]],
    only: Sequence[Node] | None = None,
    roots: Sequence[Node] | None = None,
) -> list[Result]:
    ev = Evaluator(c.model, source, closure, share_roots=only is None)
    restrict = None
    if only is not None:
        restrict = tuple(skolemise(n) for n in only) if source.skolem else tuple(only)
    out: list[Result] = []
    for root in c.compiled_roots if roots is None else roots:
        shape = c.model[root]
        out += ev.as_given(shape, ev.shape(shape, TargetFocus(shape.targets, closure, restrict)))
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


def unit_graph(store: Store, graph: str | None) -> Graph:
    """The data of one unit as an rdflib graph: the graph (``None``: the default graph) and the ontology."""
    g = Graph()
    for name in {"" if graph is None else graph, ONTOLOGY}:
        for q in store.quads(None, None, None, name):
            g.add((q[0], q[1], q[2]))
    return g


def store_results(store: Store, compiled: Compiled | None = None) -> list[Result]:
    """Every result of every unit of the store (:mod:`graph.shacl.units`), tagged with its graph."""
    return store_report(store, compiled)[0]


def store_report(store: Store, compiled: Compiled | None = None) -> tuple[list[Result], list[str]]:
    """(every result, the units validated: graph IRIs, ``""`` for the default graph)."""
    c = compiled or store_compiled(store)
    results, names = unit_results(store, c)
    if c.fallback:
        for name in names:
            results += tagged(_fallback(c, unit_graph(store, name or None)), name or None)
    return results, names


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


def _norm(q: QuadTuple) -> QuadTuple:
    g = q[3]
    return (q[0], q[1], q[2], None if g is None or str(g) == "" else URIRef(str(g)))


Affected = set[tuple[Node | None, Node]]


def change_results(
    store: Store, added: Sequence[QuadTuple], removed: Sequence[QuadTuple]
) -> tuple[list[Result], Affected | None]:
    """The results, on the state after the change, of every (graph, focus node) the change can affect.

    Each graph the change writes is validated with the ontology graph, on its own.  Returns
    ``(results, affected)``; ``affected`` is ``None`` when the change needed a full validation (it touches the
    shapes or the ontology graph, the class hierarchy, or shapes handed to pySHACL), and the results are then
    those of every unit.
    """
    added, removed = [_norm(q) for q in added], [_norm(q) for q in removed]
    system = {SHAPES, ONTOLOGY}
    schema = any((q[3] is not None and str(q[3]) in system) or q[1] == RDFS.subClassOf for q in (*added, *removed))
    c = store_compiled(store) if schema else quick_compiled(store)
    if schema or c.fallback:
        return store_results(_memory_copy(store, added, removed)), None
    by_graph: dict[Node | None, tuple[list[QuadTuple], list[QuadTuple]]] = {}
    for i, quads in enumerate((added, removed)):
        for q in quads:
            if q[3] is not None and str(q[3]) in NEVER:
                continue
            by_graph.setdefault(q[3], ([], []))[i].append(q)
    results: list[Result] = []
    hit: Affected = set()
    for g, (g_added, g_removed) in sorted(by_graph.items(), key=lambda kv: str(kv[0] or "")):
        name = None if g is None else str(g)
        before = GraphAccess(store, graphs=[name, ONTOLOGY])
        changed = {(q[0], q[1], q[2]) for q in (*g_added, *g_removed)}
        try:
            focus = affected(c.reach, Cached(before), changed, limit=10**9) or set()
            if not focus:
                continue
            triples = extract(c.reach, Cached(Overlay(before, g_added, g_removed)), focus)
        except NeedsFull:
            return store_results(_memory_copy(store, added, removed)), None
        closure = closure_of(store, c.model, ["" if name is None else name, ONTOLOGY])
        roots = applicable(c, triples, focus, closure)
        found = local_results(c.model, roots, triples, closure, sorted(focus, key=str))
        results += tagged(found, name)
        hit |= {(g, f) for f in focus}
    return results, hit


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
