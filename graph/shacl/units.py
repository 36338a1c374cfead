"""Validation units: each data graph on its own, with the ontology graph, as ``graph.validate`` does.

The units of a store are its named graphs but the shapes graph and the audit graph (:data:`NEVER`), and its
default graph when that holds anything.  The data of a unit is its graph plus the ontology graph ``O``; the
ontology graph is a unit too (``O`` alone).  :func:`unit_results` gives, for every unit, exactly what
pySHACL reports on that unit's data, each result tagged with its graph, in few queries:

1. ``O`` alone (a plain query over the dataset ``[O]``): the results ``R(O)``.
2. Every named data graph at once (:class:`graph.shacl.scope.Scope`): each focus node found by a target
   triple of graph ``g``, validated on ``g`` + ``O``.
3. The focus nodes ``O`` itself gives every unit (its concepts, ``sh:targetNode``): in unit ``g`` such a
   node's results are those of ``R(O)`` unless the check reads a triple of ``g``.  Such a triple is reached
   from the node through ``O`` alone, so it touches a node of ``O`` (or a target node): the few triples of the
   data graphs that do are found in one query, walked back over ``O`` (:func:`graph.shacl.reach.affected`), and
   the nodes they reach are validated exactly on ``g`` + ``O``; the others inherit ``R(O)``.
4. Graphs with their own ``rdfs:subClassOf`` axioms, the default graph, and shapes whose paths cannot be read
   across two graphs: one plain query per unit over the dataset ``[g, O]``.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING

from rdflib import BNode, URIRef
from rdflib.namespace import RDFS, SH
from rdflib.term import Node

from graph.namespaces import BASE, ONTOLOGY_GRAPH, SHAPES_GRAPH
from graph.shacl.access import Cached, StoreAccess, StoreSource
from graph.shacl.engine import Evaluator, referenced_classes, subclass_closure
from graph.shacl.reach import affected
from graph.shacl.results import Result
from graph.shacl.scope import Scope, split_expressible
from graph.store.base import Store

if TYPE_CHECKING:
    from graph.shacl.validator import Compiled

ONTOLOGY = str(ONTOLOGY_GRAPH)
SHAPES = str(SHAPES_GRAPH)
#: The audit graph of the write path (graph.diffs.CHANGES_GRAPH): records of changes, not data.  It lives in the
#: audit store (graph.audit), not in the data store; a store written before that holds it until its first start.
CHANGES = f"{BASE}/graph/changes"
#: Graphs that are never a unit.
NEVER = (SHAPES, CHANGES)


def units(store: Store) -> tuple[list[str], bool, bool]:
    """(named data graphs, whether the default graph is a unit, whether the ontology graph exists)."""
    named = [g for g in store.named_graphs() if g not in NEVER]
    has_default = store.ask("ASK { ?s ?p ?o }")
    return [g for g in named if g != ONTOLOGY], has_default, ONTOLOGY in named


def tagged(results: list[Result], graph: str | None) -> list[Result]:
    from dataclasses import replace

    g = URIRef(graph) if graph else None

    def tag(r: Result) -> Result:
        return replace(r, graph=g, details=tuple(tag(d) for d in r.details))

    return [tag(r) for r in results]


def subclass_pairs(store: Store) -> dict[str | None, list[tuple[Node, Node]]]:
    """rdfs:subClassOf pairs per graph (``None``: the default graph)."""
    out: dict[str | None, list[tuple[Node, Node]]] = defaultdict(list)
    sub = f"?a <{RDFS.subClassOf}> ?b"
    q = f"SELECT ?g ?a ?b WHERE {{ {{ {sub} }} UNION {{ GRAPH ?g {{ {sub} }} }} }}"
    for r in store.query(q).rows():
        g = r.get("g")
        out[str(g) if g is not None else None].append((r["a"], r["b"]))
    return out


def plain(c: Compiled, store: Store, graphs: Sequence[str], closure: dict[Node, frozenset[Node]],
          only: Sequence[Node] | None = None, roots: Sequence[Node] | None = None) -> list[Result]:
    from graph.shacl.validator import evaluate

    return evaluate(c, StoreSource(store, list(graphs)), closure, only, roots)


def unit_results(store: Store, c: Compiled) -> tuple[list[Result], list[str]]:
    """Every result of every unit (tagged with its graph), and the units validated (``""``: default graph)."""
    named, has_default, has_onto = units(store)
    pairs = subclass_pairs(store)
    classes = referenced_classes(c.model)
    closure_o = subclass_closure(pairs.get(ONTOLOGY, []), classes)

    def closure_with(g: str | None) -> dict[Node, frozenset[Node]]:
        return subclass_closure([*pairs.get(ONTOLOGY, []), *pairs.get(g, [])], classes)

    results: list[Result] = []
    r_o = plain(c, store, [ONTOLOGY], closure_o)
    if has_onto:
        results += tagged(r_o, ONTOLOGY)
    if has_default:
        results += plain(c, store, ["", ONTOLOGY], closure_with(None))
    apart = sorted(g for g in named if pairs.get(g))
    together = [g for g in named if g not in pairs]
    for g in apart:
        results += tagged(plain(c, store, [g, ONTOLOGY], closure_with(g)), g)
    if not together:
        return results, _names(named, has_default, has_onto)
    stand_in = store._default_stand_in()
    excluded = (ONTOLOGY, *NEVER, *apart, *([stand_in] if stand_in else []))
    q = f"SELECT DISTINCT ?p WHERE {{ GRAPH <{ONTOLOGY}> {{ ?s ?p ?o }} }}"
    shared = frozenset(r["p"] for r in store.query(q).rows())
    scope = Scope("?g", ONTOLOGY, shared, excluded)
    scoped_roots, loop_roots = split_expressible(scope, c.model, c.compiled_roots)
    ev = Evaluator(c.model, StoreSource(store), closure_o, scope)
    tasks: list[Callable[[], list[Result]]] = [partial(ev.root, root) for root in scoped_roots]

    def looped(g: str) -> list[Result]:
        return tagged(plain(c, store, [g, ONTOLOGY], closure_o, roots=loop_roots), g)

    tasks += [partial(looped, g) for g in (together if loop_roots else [])]
    tasks.append(partial(_shared_focus, store, c, scope, r_o, closure_o, together))
    for found in _in_parallel(tasks):
        results += found
    return results, _names(named, has_default, has_onto)


#: Threads evaluating independent queries at once: the store evaluates a query without holding the GIL.
WORKERS = max(1, min(4, os.cpu_count() or 1))


def _in_parallel(tasks: list[Callable[[], list[Result]]], key: Sequence[float] | None = None) -> list[list[Result]]:
    """The results of each task, in the order of ``tasks`` (run by :data:`WORKERS` threads; started in decreasing
    ``key`` order when given: the longest first, so that no long task runs alone at the end)."""
    if WORKERS == 1 or len(tasks) < 2:
        return [t() for t in tasks]
    order = sorted(range(len(tasks)), key=lambda i: -key[i]) if key is not None else list(range(len(tasks)))
    with ThreadPoolExecutor(WORKERS, thread_name_prefix="shacl") as pool:
        done = dict(zip(order, pool.map(lambda i: tasks[i](), order), strict=True))
    return [done[i] for i in range(len(tasks))]


def _names(named: list[str], has_default: bool, has_onto: bool) -> list[str]:
    return sorted([*named, *([ONTOLOGY] if has_onto else []), *([""] if has_default else [])])


def _shared_focus(store: Store, c: Compiled, scope: Scope, r_o: list[Result], closure: dict[Node, frozenset[Node]],
                  graphs: list[str]) -> list[Result]:
    """Step 3: the focus nodes that ``O`` gives every unit, in each graph of ``graphs``."""
    reads_out = {p for d, p in c.reach.readers if d == "out"}
    reads_in = {p for d, p in c.reach.readers if d == "in"}
    target_nodes = {o for r in c.model.roots for k, o in c.model[r].targets if k == SH.targetNode}
    named_nodes = " ".join(f"<{n}>" for n in sorted(target_nodes, key=str) if isinstance(n, URIRef))
    extra = f" UNION {{ VALUES ?n {{ {named_nodes} }} }}" if named_nodes else ""
    nodes = (
        f"{{ SELECT DISTINCT ?n WHERE {{ {{ GRAPH <{ONTOLOGY}> {{ ?n ?_a ?_b }} }} UNION "
        f"{{ GRAPH <{ONTOLOGY}> {{ ?_b ?_a ?n }} }}{extra} }} }}"
    )
    flt = " && ".join(f"?g != <{x}>" for x in scope.excluded)

    def preds(ps: set[Node | None]) -> str:
        if None in ps:
            return ""
        return f"VALUES ?p {{ {' '.join(f'<{p}>' for p in sorted(ps, key=str))} }}" if ps else "FILTER(false)"

    q = (
        f"SELECT DISTINCT ?g ?s ?p ?o WHERE {{ {nodes} "
        f"{{ GRAPH ?g {{ ?n ?p ?o }} BIND(?n AS ?s) {preds(reads_out)} }} UNION "
        f"{{ GRAPH ?g {{ ?s ?p ?n }} BIND(?n AS ?o) {preds(reads_in)} }} FILTER({flt}) }}"
    )
    by_graph: dict[str, set[tuple[Node, Node, Node]]] = defaultdict(set)
    for r in store.query(q).rows():
        by_graph[str(r["g"])].add((r["s"], r["p"], r["o"]))
    onto = Cached(StoreAccess(store, graphs=[ONTOLOGY]))
    out: list[Result] = []
    flagged: dict[str, set[Node]] = {}
    for g, triples in by_graph.items():
        hit = affected(c.reach, onto, triples, limit=10**9) or set()
        if hit:
            flagged[g] = hit
            named = not any(isinstance(n, BNode) for n in hit)  # else: the whole unit (SPARQL cannot name them)
            only = sorted(hit, key=str) if named else None
            out += tagged(plain(c, store, [g, ONTOLOGY], closure, only=only), g)
    if r_o:
        for g in graphs:
            skip = flagged.get(g, set())
            out += tagged([r for r in r_o if r.focus not in skip], g)
    return out
