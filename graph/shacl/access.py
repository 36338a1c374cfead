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
    """One named graph read whole into memory (a source's graph is small) and other graphs read node by node.

    :func:`open` reads the graph at once when it holds at most ``limit`` quads, else it is read node by node too.
    """

    def __init__(self, store: Store, quads: list[QuadTuple], others: Sequence[str]) -> None:
        super().__init__(store, graphs=list(others))
        self._other_s: dict[Node | None, list[QuadTuple]] = {}
        self._other_o: dict[Node | None, list[QuadTuple]] = {}
        self.by_s: dict[Node, list[QuadTuple]] = defaultdict(list)
        self.by_o: dict[Node, list[QuadTuple]] = defaultdict(list)
        for q in quads:
            self.by_s[q[0]].append(q)
            self.by_o[q[2]].append(q)

    @classmethod
    def open(cls, store: Store, graph: str | None, others: Sequence[str], limit: int = 5000) -> StoreAccess:
        if graph is None:
            return StoreAccess(store, graphs=[graph, *others])
        q = f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT * WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} LIMIT {limit + 1} }}"
        n = int(store.query(q).rows()[0]["n"])  # type: ignore[call-overload]
        if n > limit:
            return StoreAccess(store, graphs=[graph, *others])
        try:
            quads = store.quads(None, None, None, graph)
        except ValueError as e:
            raise NeedsFull(str(e)) from e
        return cls(store, quads, others)

    def quads(self, s: Node | None, p: Node | None, o: Node | None) -> list[QuadTuple]:
        if s is not None:
            mine = [q for q in self.by_s.get(s, ()) if (p is None or q[1] == p) and (o is None or q[2] == o)]
        elif o is not None:
            mine = [q for q in self.by_o.get(o, ()) if p is None or q[1] == p]
        else:
            raise NeedsFull("a pattern without subject or object")
        return mine + self._others(s, p, o)

    def _others(self, s: Node | None, p: Node | None, o: Node | None) -> list[QuadTuple]:
        """The other graphs' quads, read once per node (every predicate at once: a node has few there)."""
        key, cache = (s, self._other_s) if s is not None else (o, self._other_o)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = self._quads(s, None, None) if s is not None else self._quads(None, None, o)
        return [q for q in hit if (p is None or q[1] == p) and (o is None or q[2] == o)]

    def out(self, node: Node, pred: Node | None) -> Iterable[Triple]:
        return {(q[0], q[1], q[2]) for q in self.quads(node, pred, None)}

    def inc(self, node: Node, pred: Node | None) -> Iterable[Triple]:
        return {(q[0], q[1], q[2]) for q in self.quads(None, pred, node)}


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
