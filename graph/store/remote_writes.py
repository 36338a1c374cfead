"""Writes of the remote store: transactions as net adds and removes, quads cut to an engine's limits."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import BNode

from graph.errors import StoreError
from graph.store.base import QuadTuple
from graph.store.terms import n3

if TYPE_CHECKING:
    from graph.store.remote import RemoteStore

#: A quad as N-Triples terms and a graph IRI (``None``: the default graph).
Q = tuple[str, str, str, str | None]
#: A write larger than this many bytes of SPARQL is sent as several requests (see ``RemoteStore.load``).
MAX_UPDATE_BYTES = 48 * 1024 * 1024
#: Virtuoso refuses a request whose text passes its longest string, 10 MB ("SR578: The expected result length of
#: string concatenation is too large"): a 100k-quad load was 14.6 MB.
VIRTUOSO_UPDATE_BYTES = 4 * 1024 * 1024


class RemoteTx:
    """Collects adds and removes as their net effect; raw updates keep their place in the sequence."""

    def __init__(self, store: RemoteStore) -> None:
        self._store = store
        self._net: dict[tuple[str, str, str, str], tuple[QuadTuple, bool]] = {}
        self.ops: list[str] = []
        self.later: list[str] = []  # requests that must follow on their own (Virtuoso's large template inserts)
        self.raw = False  # whether the request holds the caller's own updates
        self.scoped = False

    def add(self, quad: QuadTuple) -> None:
        self._net[key(quad)] = (quad, True)

    def remove(self, quad: QuadTuple) -> None:
        if any(isinstance(t, BNode) for t in quad):
            raise StoreError("a blank node cannot be addressed on a remote store; remove it with an update")
        self._net[key(quad)] = (quad, False)

    def update(self, sparql: str) -> None:
        self._flush()
        text, scoped = self._store._prepare_update(sparql)
        self.ops.append(text)
        self.raw = True
        self.scoped = self.scoped or scoped

    def _flush(self) -> None:
        if self._net:
            adds = [q for q, added in self._net.values() if added]
            removes = [q for q, added in self._net.values() if not added]
            ops, later = self._store._data_ops(rdflib_quads(adds), rdflib_quads(removes))
            self.ops.extend(ops)
            self.later.extend(later)
            self._net = {}

    def request(self) -> str:
        self._flush()
        if not self.ops:
            return ""
        text = " ;\n".join(self.ops)
        return (self._store._update_pragmas(text, self.scoped) if self.raw else "") + text


def key(q: QuadTuple) -> tuple[str, str, str, str]:
    s, p, o, g = q
    return (n3(s), n3(p), n3(o), "" if g is None else n3(g))


def rdflib_quads(quads: list[QuadTuple]) -> list[Q]:
    return [(n3(s), n3(p), n3(o), None if g is None else str(g)) for s, p, o, g in quads]


def ox_quads(quads: Iterable[ox.Quad], to_graph: str | None) -> list[Q]:
    out: list[Q] = []
    for q in quads:
        g = q.graph_name
        name = to_graph if to_graph is not None else g.value if isinstance(g, ox.NamedNode) else None
        out.append((str(q.subject), str(q.predicate), str(q.object), name))
    return out


def has_bnode(q: Q) -> bool:
    return q[0].startswith("_:") or q[2].startswith("_:")



def chunks(quads: list[Q], size: int) -> Iterator[list[Q]]:
    for i in range(0, len(quads), size):
        yield quads[i : i + size]


def bnode_groups(quads: list[Q], size: int) -> Iterator[list[Q]]:
    """``quads`` in groups of about ``size``, never splitting the quads that share a blank node."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for q in quads:
        labels = [t for t in (q[0], q[2]) if t.startswith("_:")]
        for other in labels[1:]:
            parent[find(other)] = find(labels[0])
    components: dict[str, list[Q]] = {}
    for q in quads:
        components.setdefault(find(q[0] if q[0].startswith("_:") else q[2]), []).append(q)
    group: list[Q] = []
    for comp in components.values():
        if group and len(group) + len(comp) > size:
            yield group
            group = []
        group.extend(comp)
    if group:
        yield group


def parts(quads: list[Q], limit: int = MAX_UPDATE_BYTES) -> Iterator[list[Q]]:
    """``quads`` in parts whose SPARQL stays under ``limit`` bytes (usually one part)."""
    part: list[Q] = []
    size = 0
    for q in quads:
        n = len(q[0]) + len(q[1]) + len(q[2]) + 4
        if part and size + n > limit:
            yield part
            part, size = [], 0
        part.append(q)
        size += n
    if part:
        yield part

