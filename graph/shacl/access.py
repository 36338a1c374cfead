"""Reading triples around single nodes, before and after a change, and the sources queries run on.

:class:`StoreAccess` reads the data graphs of a store (every graph but the excluded ones) one node at a time.
On the embedded store it uses Oxigraph's pattern index directly, which also names blank nodes (SPARQL cannot);
on any other store it asks SPARQL, and blank nodes make it give up (:class:`NeedsFull`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from rdflib import BNode
from rdflib.term import Node

from graph.shacl.focus import skolemise, unskolemise
from graph.shacl.reach import Access
from graph.store.base import QuadTuple, Store
from graph.store.terms import n3, to_ox, to_rdflib

Triple = tuple[Node, Node, Node]


class NeedsFull(Exception):
    """The change cannot be validated incrementally here; validate the whole state after it."""


class StoreAccess(Access):
    def __init__(self, store: Store, excluded: Sequence[str]) -> None:
        self.store = store
        self.excluded = {str(g) for g in excluded}
        self._ox: Any = getattr(store, "ox", None)

    def _quads(self, s: Node | None, p: Node | None, o: Node | None) -> list[QuadTuple]:
        if self._ox is not None:
            out: list[QuadTuple] = []
            for q in self._ox.quads_for_pattern(
                None if s is None else to_ox(s), None if p is None else to_ox(p), None if o is None else to_ox(o), None
            ):
                g = q.graph_name
                gname = getattr(g, "value", None)
                if gname in self.excluded:
                    continue
                out.append((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object), to_rdflib(g)))
            return out
        if any(isinstance(t, BNode) for t in (s, p, o)):
            raise NeedsFull("blank nodes cannot be named in SPARQL")
        pat = f"{'?s' if s is None else n3(s)} {'?p' if p is None else n3(p)} {'?o' if o is None else n3(o)}"
        flt = " && ".join(f"?g != <{g}>" for g in sorted(self.excluded)) or "true"
        q = f"SELECT ?s ?p ?o ?g WHERE {{ {{ {pat} }} UNION {{ GRAPH ?g {{ {pat} }} FILTER({flt}) }} }}"
        rows = self.store.query(q).rows()
        return [(s or r["s"], p or r["p"], o or r["o"], r.get("g")) for r in rows]

    def quads(self, s: Node | None, p: Node | None, o: Node | None) -> list[QuadTuple]:
        return self._quads(s, p, o)

    def out(self, node: Node, pred: Node | None) -> Iterable[Triple]:
        return {(q[0], q[1], q[2]) for q in self._quads(node, pred, None)}

    def inc(self, node: Node, pred: Node | None) -> Iterable[Triple]:
        return {(q[0], q[1], q[2]) for q in self._quads(None, pred, node)}


class Overlay(Access):
    """The data after a change: the store's quads, less ``removed``, plus ``added``, seen as triples."""

    def __init__(self, base: StoreAccess, added: Iterable[QuadTuple], removed: Iterable[QuadTuple]) -> None:
        self.base = base
        self.removed = set(removed)
        self.by_s: dict[Node, set[QuadTuple]] = defaultdict(set)
        self.by_o: dict[Node, set[QuadTuple]] = defaultdict(set)
        for q in added:
            if q not in self.removed:
                self.by_s[q[0]].add(q)
                self.by_o[q[2]].add(q)

    def _select(self, quads: Iterable[QuadTuple], pred: Node | None) -> set[Triple]:
        return {(q[0], q[1], q[2]) for q in quads if (pred is None or q[1] == pred) and q not in self.removed}

    def out(self, node: Node, pred: Node | None) -> Iterable[Triple]:
        return self._select(self.base.quads(node, pred, None), pred) | self._select(self.by_s.get(node, ()), pred)

    def inc(self, node: Node, pred: Node | None) -> Iterable[Triple]:
        return self._select(self.base.quads(None, pred, node), pred) | self._select(self.by_o.get(node, ()), pred)


class StoreSource:
    """Queries over the union of every graph of a store (blank nodes never need naming there)."""

    skolem = False

    def __init__(self, store: Store) -> None:
        self.store = store

    def select(self, sparql: str) -> list[dict[str, Node]]:
        return self.store.query(sparql, union_default_graph=True).rows()


class MemorySource:
    """A small in-memory store holding given triples, blank nodes as skolem IRIs so queries can name them."""

    skolem = True

    def __init__(self, triples: Iterable[Triple]) -> None:
        from graph.store.embedded import EmbeddedStore

        self.store = EmbeddedStore(None)
        lines = [f"{n3(skolemise(s))} {n3(skolemise(p))} {n3(skolemise(o))} ." for s, p, o in triples]
        if lines:
            self.store.load("\n".join(lines).encode("utf-8"), format="nt")

    def select(self, sparql: str) -> list[dict[str, Node]]:
        return [{k: unskolemise(v) for k, v in r.items()} for r in self.store.query(sparql).rows()]


class Cached(Access):
    """Remembers each (node, predicate) lookup of another access for the length of one computation."""

    def __init__(self, base: Access) -> None:
        self.base = base
        self._out: dict[tuple[Node, Node | None], list[Triple]] = {}
        self._in: dict[tuple[Node, Node | None], list[Triple]] = {}

    def out(self, node: Node, pred: Node | None) -> Iterable[Triple]:
        k = (node, pred)
        if k not in self._out:
            self._out[k] = list(self.base.out(node, pred))
        return self._out[k]

    def inc(self, node: Node, pred: Node | None) -> Iterable[Triple]:
        k = (node, pred)
        if k not in self._in:
            self._in[k] = list(self.base.inc(node, pred))
        return self._in[k]
