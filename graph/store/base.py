"""The one store seam.

Every backend implements :class:`Store`: six operations (``query``, ``update``, ``load``, ``dump``,
``transaction``, ``close``) plus a few capability flags.  Nothing outside ``graph/store/`` talks to pyoxigraph
or to a remote endpoint.  The contract suite in ``tests/store_contract.py`` runs on every backend.

Results stay in the engine's own form until someone asks: :meth:`QueryResult.serialize` hands the native
serialisation through (no per-row Python work), while iterating a result gives rdflib terms for the Python
API.
"""

from __future__ import annotations

import abc
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any, Literal, Protocol

from rdflib.term import Node

ResultKind = Literal["solutions", "boolean", "graph"]
QuadTuple = tuple[Node, Node, Node, Node | None]
_GENERATION_LOCK = threading.Lock()


class QueryResult(abc.ABC):
    """The answer to one query, in the engine's form until asked otherwise."""

    kind: ResultKind
    variables: list[str]

    @abc.abstractmethod
    def serialize(self, fmt: str, prefixes: Mapping[str, str] | None = None) -> bytes:
        """The whole answer in ``fmt`` (a results format for solutions and booleans, an RDF format for graphs).

        ``prefixes`` (name -> namespace) abbreviate a graph's IRIs in formats that have prefixes (Turtle, TriG);
        only those the answer uses are declared (:func:`used_prefixes`)."""

    @abc.abstractmethod
    def chunks(self, fmt: str) -> Iterator[bytes]:
        """The answer in ``fmt`` as a stream of byte chunks."""

    @abc.abstractmethod
    def __iter__(self) -> Iterator[Any]:
        """Rows as ``{variable: rdflib term}`` (unbound variables absent), or triples for graphs."""

    @property
    @abc.abstractmethod
    def boolean(self) -> bool:
        """The answer of an ASK query."""

    def rows(self) -> list[dict[str, Node]]:
        if self.kind != "solutions":
            raise TypeError(f"a {self.kind} result has no rows")
        return list(self)


#: A local name that reads well after a prefix (``unit:vpcp-vu-i``); others (``concept:unit-type\/vu``) stay IRIs.
_PLAIN_LOCAL = re.compile(r"[\w-]+(?:\.[\w-]+)*")


def used_prefixes(iris: Iterable[str], prefixes: Mapping[str, str]) -> dict[str, str]:
    """The entries of ``prefixes`` that abbreviate at least one of ``iris`` to a plain prefixed name (the longest
    namespace wins)."""
    by_len = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
    used: dict[str, str] = {}
    for iri in set(iris):
        for name, ns in by_len:
            if iri.startswith(ns):
                if _PLAIN_LOCAL.fullmatch(iri[len(ns):]):
                    used[name] = ns
                break
    return {name: ns for name, ns in prefixes.items() if name in used}


class Transaction(Protocol):
    """Writes collected inside ``with store.transaction() as tx:`` and applied atomically at the end."""

    def add(self, quad: QuadTuple) -> None: ...
    def remove(self, quad: QuadTuple) -> None: ...
    def update(self, sparql: str) -> None: ...


class Store(abc.ABC):
    """A quad store: named graphs, SPARQL 1.1 Query and Update, atomic loads."""

    #: Capability flags, in the manner of rdflib's ``Store.context_aware``.
    supports_backup: bool = False
    supports_union_default_graph: bool = True
    #: ``True`` when the engine evaluates ``LATERAL { ... }`` (SEP-0006: the group once per row on its left, that
    #: row's values bound), so a lookup per row can be asked in one query; others get standard SPARQL 1.1.
    supports_lateral: bool = False
    #: ``True`` when every write to the data passes through this object (one writer: an embedded store), so
    #: :attr:`generation` alone tells when the content changed; ``False`` when others may write (a remote engine).
    sees_every_write: bool = True

    _generation: int = 0

    @property
    def generation(self) -> int:
        """A number that grows with every write made through this object (``update``, ``load``, ``transaction``,
        :func:`graph.store.snapshots.after_write`): free to read, so caches compare it on every call."""
        return self._generation

    def advance_generation(self) -> int:
        """Note a write (backends call it after each one, failed or not); return the new generation."""
        with _GENERATION_LOCK:
            self._generation += 1
            return self._generation

    @abc.abstractmethod
    def query(
        self,
        sparql: str,
        *,
        union_default_graph: bool = False,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """Evaluate a SPARQL 1.1 query.  The project's prefixes are predeclared.

        ``union_default_graph`` makes the default graph the union of all graphs; ``default_graphs`` and
        ``named_graphs`` (IRIs) set the dataset as the protocol's ``default-graph-uri`` / ``named-graph-uri``.
        Raises :class:`graph.errors.QuerySyntaxError` for a malformed query.
        """

    @abc.abstractmethod
    def update(self, sparql: str) -> None:
        """Apply a SPARQL 1.1 Update request atomically (all operations or none)."""

    @abc.abstractmethod
    def load(
        self,
        source: bytes | str | Path | IO[bytes],
        *,
        format: str,
        graph: str | None = None,
        base_iri: str | None = None,
        progress: bool = False,
    ) -> int:
        """Add the quads of ``source`` (bytes, a path or a binary stream) all-or-nothing; return how many.

        ``graph`` puts triple formats into that named graph (default: the default graph).  A syntax error
        anywhere leaves the store as it was and raises :class:`graph.errors.ParseError`.
        """

    @abc.abstractmethod
    def dump(self, output: IO[bytes], *, format: str, graph: str | None = None) -> None:
        """Write the whole store (quad formats) or one graph (``graph``; ``""`` for the default graph)."""

    @abc.abstractmethod
    def transaction(self) -> AbstractContextManager[Transaction]:
        """A scope whose adds, removes and updates are applied as one atomic change, or not at all."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the store; further calls are errors."""

    # Conveniences built on the six operations; backends may do them faster.

    def flush(self) -> None:
        """Make the writes so far durable on disk (a backend that writes through needs nothing)."""
        return None

    def named_graphs(self) -> list[str]:
        res = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
        return [str(r["g"]) for r in res]

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            q = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
        else:
            q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        row = next(iter(self.query(q)))
        return int(row["n"])

    def quads(
        self, s: Node | None = None, p: Node | None = None, o: Node | None = None, g: str | None = None
    ) -> list[QuadTuple]:
        """The quads matching a pattern: ``None`` matches anything; ``g`` is a graph IRI, ``""`` the default graph
        (reported as graph ``None``) or ``None`` for every graph.

        This default asks SPARQL, which cannot name a blank node: a pattern holding one raises ``ValueError``, and
        blank nodes in the answer are the endpoint's labels of the moment (not stable across requests).
        """
        from rdflib import BNode

        if any(isinstance(t, BNode) for t in (s, p, o)):
            raise ValueError("a blank node cannot be named in a SPARQL pattern")
        from graph.store.terms import n3

        pat = " ".join("?" + v if t is None else n3(t) for v, t in (("s", s), ("p", p), ("o", o)))
        hidden = self._default_stand_in()
        if g == "":
            q = f"SELECT * WHERE {{ {pat} }}"
        elif g is not None:
            q = f"SELECT * WHERE {{ GRAPH <{g}> {{ {pat} }} }}"
        else:
            flt = f"FILTER(?g != <{hidden}>)" if hidden else ""
            q = f"SELECT * WHERE {{ {{ {pat} }} UNION {{ GRAPH ?g {{ {pat} }} {flt} }} }}"
        out: list[QuadTuple] = []
        for r in self.query(q).rows():
            gn: Node | None = r.get("g")
            if gn is None and g not in (None, ""):
                from rdflib import URIRef

                gn = URIRef(g)
            out.append((s if s is not None else r["s"], p if p is not None else r["p"],
                        o if o is not None else r["o"], gn))
        return out

    def _default_stand_in(self) -> str | None:
        """The named graph that stands in for the default graph on engines without one (else ``None``)."""
        return None

    def ask(self, sparql: str, **kw: object) -> bool:
        return self.query(sparql, **kw).boolean  # type: ignore[arg-type]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
