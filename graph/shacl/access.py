"""Reading triples around single nodes, before and after a change, and the sources queries run on.

:class:`StoreAccess` reads the data graphs of a store (every graph but the excluded ones) one node at a time.
It reads through the store's ``quads`` pattern method (the embedded store names blank nodes there; SPARQL
cannot, so on other stores a blank node makes it give up: :class:`NeedsFull`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from rdflib.term import Node

from graph.shacl.focus import skolemise, unskolemise
from graph.shacl.reach import Access
from graph.store.base import QuadTuple, Store
from graph.store.terms import n3

Triple = tuple[Node, Node, Node]


class NeedsFull(Exception):
    """The change cannot be validated incrementally here; validate the whole state after it."""


class StoreAccess(Access):
    """The quads of ``graphs`` (IRIs; ``None`` the default graph), or of every graph but ``excluded``."""

    def __init__(self, store: Store, excluded: Sequence[str] = (), graphs: Sequence[str | None] | None = None) -> None:
        self.store = store
        self.excluded = {str(g) for g in excluded}
        self.graphs = None if graphs is None else ["" if g is None else str(g) for g in graphs]

    def _quads(self, s: Node | None, p: Node | None, o: Node | None) -> list[QuadTuple]:
        try:
            if self.graphs is not None:
                return [q for g in self.graphs for q in self.store.quads(s, p, o, g)]
            return [q for q in self.store.quads(s, p, o, None) if q[3] is None or str(q[3]) not in self.excluded]
        except ValueError as e:  # a blank node SPARQL cannot name
            raise NeedsFull(str(e)) from e

    def quads(self, s: Node | None, p: Node | None, o: Node | None) -> list[QuadTuple]:
        return self._quads(s, p, o)

    def out(self, node: Node, pred: Node | None) -> Iterable[Triple]:
        return {(q[0], q[1], q[2]) for q in self._quads(node, pred, None)}

    def inc(self, node: Node, pred: Node | None) -> Iterable[Triple]:
        return {(q[0], q[1], q[2]) for q in self._quads(None, pred, node)}


class GraphAccess(StoreAccess):
    """The quads of ``graphs`` read once per node and direction (every predicate at once: a node has few), then
    answered from memory: far fewer store calls than one per node and predicate in each graph."""

    def __init__(self, store: Store, graphs: Sequence[str | None]) -> None:
        super().__init__(store, graphs=graphs)
        self._by_s: dict[Node, dict[Node | None, list[QuadTuple]]] = {}
        self._by_o: dict[Node, dict[Node | None, list[QuadTuple]]] = {}

    def quads(self, s: Node | None, p: Node | None, o: Node | None) -> list[QuadTuple]:
        if s is not None:
            key, cache = s, self._by_s
        elif o is not None:
            key, cache = o, self._by_o
        else:
            raise NeedsFull("a pattern without subject or object")
        hit = cache.get(key)
        if hit is None:
            got = self._quads(s, None, None) if s is not None else self._quads(None, None, o)
            hit = cache[key] = defaultdict(list)
            for q in got:
                hit[None].append(q)
                hit[q[1]].append(q)
        found = hit.get(p, [])
        return [q for q in found if q[2] == o] if s is not None and o is not None else found

    def out(self, node: Node, pred: Node | None) -> Iterable[Triple]:
        return [(q[0], q[1], q[2]) for q in self.quads(node, pred, None)]

    def inc(self, node: Node, pred: Node | None) -> Iterable[Triple]:
        return [(q[0], q[1], q[2]) for q in self.quads(None, pred, node)]


class Overlay(Access):
    """The data after a change: the store's quads, less ``removed``, plus ``added``, seen as triples."""

    def __init__(self, base: StoreAccess, added: Iterable[QuadTuple], removed: Iterable[QuadTuple]) -> None:
        self.base = base
        self.removed = set(removed)
        self.by_s: dict[Node, set[QuadTuple]] = defaultdict(set)
        self.by_o: dict[Node, set[QuadTuple]] = defaultdict(set)
        self.by_sp: dict[tuple[Node, Node], set[QuadTuple]] = defaultdict(set)
        self.by_op: dict[tuple[Node, Node], set[QuadTuple]] = defaultdict(set)
        for q in added:
            if q not in self.removed:
                self.by_s[q[0]].add(q)
                self.by_o[q[2]].add(q)
                self.by_sp[(q[0], q[1])].add(q)
                self.by_op[(q[2], q[1])].add(q)

    def _stored(self, quads: list[QuadTuple]) -> set[Triple]:
        """The store's quads (already matching the pattern), less the removed ones."""
        if self.removed:
            return {(q[0], q[1], q[2]) for q in quads if q not in self.removed}
        return {(q[0], q[1], q[2]) for q in quads}

    def out(self, node: Node, pred: Node | None) -> Iterable[Triple]:
        mine = self.by_s.get(node) if pred is None else self.by_sp.get((node, pred))
        stored = self._stored(self.base.quads(node, pred, None))
        return stored | {(q[0], q[1], q[2]) for q in mine} if mine else stored

    def inc(self, node: Node, pred: Node | None) -> Iterable[Triple]:
        mine = self.by_o.get(node) if pred is None else self.by_op.get((node, pred))
        stored = self._stored(self.base.quads(None, pred, node))
        return stored | {(q[0], q[1], q[2]) for q in mine} if mine else stored


class StoreSource:
    """Queries on a store (blank nodes never need naming there): over the dataset whose default graph is the
    merge of ``graphs`` (IRIs, ``""`` the default graph), or, with ``graphs=None``, the store's own default graph
    (per-graph queries name their graphs themselves)."""

    skolem = False

    def __init__(self, store: Store, graphs: Sequence[str] | None = None) -> None:
        self.store = store
        self.graphs = list(graphs) if graphs is not None else None

    def select(self, sparql: str) -> list[dict[str, Node]]:
        return self.store.query(sparql, default_graphs=self.graphs).rows()


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
