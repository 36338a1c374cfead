"""How compiled queries read triples: from the query's default graph, or from each data graph with the ontology.

govkg validates each named graph on its own, together with the ontology graph (``graph.validate``), or the
whole graph (:mod:`graph.shacl.whole`).  A :class:`Scope` writes the triple patterns of every compiled query for
one of three readings:

- *plain* (``Scope()``): the default graph of the query's dataset (``default_graphs=[g, ontology]`` for one
  unit, or an in-memory store);
- *per graph* (``Scope(graph_var="?g", shared=ontology, ...)``): one query covers every data graph at once;
  ``?g`` names the graph of the focus node, and every triple read afterwards comes from ``?g`` or from the
  shared (ontology) graph.  Triples whose predicate never occurs in the shared graph are read from ``?g``
  alone, so most paths stay one property path inside ``GRAPH ?g { }``;
- *the union* (:class:`UnionScope`): the set union of the data graphs, read from the union default graph
  without the graphs that are not data.

Focus nodes found by a target triple are those of the graph holding that triple; the focus nodes the shared
graph alone provides (its concepts, ``sh:targetNode``) are the business of :mod:`graph.shacl.units`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import URIRef
from rdflib.term import Node

from graph.shacl.paths import Path, nullable, to_sparql

_FRESH = itertools.count()


class Unexpressible(Exception):
    """A path that SPARQL cannot read across two graphs (``*`` or ``+`` over predicates of the shared graph)."""


def _preds(path: Path) -> set[Node]:
    if path[0] == "p":
        return {path[1]}
    if path[0] in ("seq", "alt"):
        return set().union(*(_preds(p) for p in path[1]))
    return _preds(path[1])


@dataclass(frozen=True)
class Scope:
    graph_var: str | None = None
    shared: str | None = None
    #: Predicates that occur in the shared graph (a triple pattern with another predicate reads ?g only).
    shared_preds: frozenset[Node] = field(default_factory=frozenset)
    #: Graphs ``?g`` never is (the shared graph, the shapes, the audit graph, graphs validated apart).
    excluded: tuple[str, ...] = ()

    @property
    def scoped(self) -> bool:
        return self.graph_var is not None

    @property
    def g(self) -> str:
        """The graph variable for SELECT and GROUP BY lists ('' when plain)."""
        return self.graph_var or ""

    def _local(self, body: str) -> str:
        return f"GRAPH {self.graph_var} {{ {body} }}"

    def _both(self, body: str) -> str:
        return f"{{ GRAPH {self.graph_var} {{ {body} }} }} UNION {{ GRAPH <{self.shared}> {{ {body} }} }}"

    def target(self, s: str, pred: Node, o: str) -> str:
        """A target triple: in the focus node's own graph (which it binds)."""
        body = f"{s} <{pred}> {o}"
        if not self.scoped:
            return f"{body} ."
        flt = " && ".join(f"{self.graph_var} != <{x}>" for x in self.excluded)
        return f"{self._local(body)} " + (f"FILTER({flt})" if flt else "")

    def triple(self, s: str, pred: Node | str, o: str) -> str:
        """One triple pattern (``pred`` an IRI, or a variable as text)."""
        var = not isinstance(pred, URIRef)
        p = str(pred) if var else f"<{pred}>"
        body = f"{s} {p} {o}"
        if not self.scoped:
            return f"{body} ."
        if var or pred in self.shared_preds:
            return self._both(body)
        return self._local(body)

    def path(self, s: str, path: Path, o: str) -> str:
        """``s path o`` where ``o`` is a variable not bound before."""
        if not self.scoped:
            return f"{s} {to_sparql(path)} {o} ."
        if not (_preds(path) & self.shared_preds):
            return self._local(f"{s} {to_sparql(path)} {o}")
        return self._split(s, path, o)

    def _split(self, s: str, path: Path, o: str) -> str:
        """``s path o`` one step at a time (each predicate through :meth:`triple`)."""
        kind = path[0]
        if kind == "p":
            return self.triple(s, path[1], o)
        if kind == "inv":
            return self._inverse(s, path[1], o)
        if kind == "seq":
            parts, cur = [], s
            for i, sub in enumerate(path[1]):
                nxt = o if i == len(path[1]) - 1 else f"?_s{next(_FRESH)}"
                parts.append(f"{{ {self.path(cur, sub, nxt)} }}")
                cur = nxt
            return " ".join(parts)
        if kind == "alt":
            return " UNION ".join(f"{{ {self.path(s, sub, o)} }}" for sub in path[1])
        # "zoo" too: ``{ BIND(s AS o) } UNION {...}`` is evaluated on its own, before ``s`` is bound (o unbound)
        raise Unexpressible(to_sparql(path))

    def _inverse(self, s: str, path: Path, o: str) -> str:
        if path[0] == "p":
            return self.triple(o, path[1], s)
        if path[0] == "inv":
            return self.path(s, path[1], o)
        if path[0] == "seq":
            return self.path(s, ("seq", tuple(("inv", p) for p in reversed(path[1]))), o)
        if path[0] == "alt":
            return self.path(s, ("alt", tuple(("inv", p) for p in path[1])), o)
        return self.path(s, (path[0], ("inv", path[1])), o)

    def without(self, body: str) -> str:
        """Keeps the solutions for which ``body`` (sharing ``?this``, its filters reading only its own variables)
        has no solution."""
        return f"FILTER NOT EXISTS {{ {body} }}"

    def one_of(self, var: str, terms: list[str]) -> str:
        """Restricts ``var`` (bound by the pattern before) to ``terms`` (SPARQL terms)."""
        return f"VALUES {var} {{ {' '.join(terms)} }}"

    def lacks(self, s: str, path: Path, o: str) -> str:
        """Keeps the solutions where ``o`` (bound before, as ``s``) is not a value of ``path`` from ``s``."""
        w = f"?_w{next(_FRESH)}"
        return f"FILTER NOT EXISTS {{ {self.path(s, path, w)} FILTER(sameTerm({w}, {o})) }}"

    def values(
        self, path: Path | None, this: str = "?this", v: str = "?v", wide: bool = False, focus: str | None = None
    ) -> str:
        """Binds ``v`` to each value node of ``this``: the path's values, or the node itself for node shapes.
        ``wide``: ``this`` is bound to all the focus nodes of a target, not a few (see :class:`UnionScope`).

        ``focus``: the group that binds ``this`` (and the graph variable).  A path that can match zero steps
        (:func:`graph.shacl.paths.nullable`) then gives the (focus node, value) pairs as a sub-select of their own,
        the focus node itself once among its values even when no triple names it (``?this p? ?v`` binds only nodes
        of the data); self-contained, so it reads the same inside ``OPTIONAL``, ``NOT EXISTS`` or ``MINUS``.  Other
        paths (every path of govkg's shapes) are read as before."""
        if path is None:
            return f"BIND({this} AS {v})"
        if focus is None or not nullable(path):
            return self.path(this, path, v)
        x = f"?_z{next(_FRESH)}"
        return (
            f"{{ SELECT DISTINCT {self.g} {this} {v} WHERE {{ {focus} {{ }} UNION {{ {self.path(this, path, x)} }} "
            f"BIND(COALESCE({x}, {this}) AS {v}) }} }}"
        )

    def key(self, row: dict[str, Node], var: str) -> tuple[Node | None, Node]:
        """(graph, node) of a result row."""
        return (row.get(self.graph_var[1:]) if self.graph_var else None, row[var])


PLAIN = Scope()


@dataclass(frozen=True)
class UnionScope(Scope):
    """The set union of a store's graphs but ``hidden`` ones, read from the union default graph.

    The union default graph is a bag (a triple comes once per graph stating it) and holds every named graph:
    a triple pattern whose predicate occurs in a hidden graph reads ``GRAPH ?_gN { }`` without those graphs
    (:attr:`hidden_preds`), and every restriction to a list of terms is a ``FILTER ... IN`` (a ``VALUES`` block
    inside ``EXISTS`` joins every copy of the triple: 34 s instead of 0.1 s at 1M for a hub's classes).
    Queries are written to read copies once (``DISTINCT``, counts of distinct values, ``EXISTS``).
    """

    hidden: tuple[str, ...] = ()
    #: Predicates that occur in a hidden graph (a triple pattern with another one reads the union directly).
    hidden_preds: frozenset[Node] = field(default_factory=frozenset)

    def _guarded(self, body: str) -> str:
        g = f"?_g{next(_FRESH)}"
        return f"{{ GRAPH {g} {{ {body} }} FILTER({g} NOT IN ({', '.join(f'<{h}>' for h in self.hidden)})) }}"

    def target(self, s: str, pred: Node, o: str) -> str:
        return self.triple(s, pred, o)

    def triple(self, s: str, pred: Node | str, o: str) -> str:
        var = not isinstance(pred, URIRef)
        body = f"{s} {pred if var else f'<{pred}>'} {o}"
        return self._guarded(body) if self.hidden and (var or pred in self.hidden_preds) else f"{body} ."

    def path(self, s: str, path: Path, o: str) -> str:
        if not self.hidden or not (_preds(path) & self.hidden_preds):
            return f"{s} {to_sparql(path)} {o} ."
        return self._split(s, path, o)

    def values(
        self, path: Path | None, this: str = "?this", v: str = "?v", wide: bool = False, focus: str | None = None
    ) -> str:
        # For all the focus nodes of a target, the path's triples read once and joined by hash (a sub-select),
        # not looked up focus node by focus node: at 1M an index lookup costs ~8 us, a triple of a scan ~0.3 us
        # (LabelShape's labels: 0.32 s -> 0.20 s).  Same solutions: the sub-select projects out only fresh variables.
        plain = super().values(path, this, v, focus=focus)
        if not wide or path is None or not bounded(path):
            return plain
        return f"{{ SELECT {this} {v} WHERE {{ {plain} }} }}"

    def lacks(self, s: str, path: Path, o: str) -> str:
        # One anti-join with the whole path: per solution, NOT EXISTS walks every copy of a hub's triples
        # (a sequence path to a shared concept at 1M: 0.2-0.4 s with MINUS, 17-60 s with NOT EXISTS).
        if not self.hidden or not (_preds(path) & self.hidden_preds):
            return f"MINUS {{ {s} {to_sparql(path)} {o} }}"
        return super().lacks(s, path, o)

    def without(self, body: str) -> str:
        # An anti-join computed once: NOT EXISTS with a filter inside re-read every label per focus node at 1M
        # (LabelShape's Vietnamese-label check did not end in minutes; MINUS: seconds).
        return f"MINUS {{ {body} }}"

    def one_of(self, var: str, terms: list[str]) -> str:
        return f"FILTER({var} IN ({', '.join(terms)}))" if terms else "FILTER(false)"


def bounded(path: Path) -> bool:
    """Whether ``path`` has no ``*``, ``+`` or ``?`` (read with both ends free, those walk every node)."""
    if path[0] == "p":
        return True
    if path[0] in ("seq", "alt"):
        return all(bounded(p) for p in path[1])
    return path[0] == "inv" and bounded(path[1])


def check_expressible(scope: Scope, paths: list[Path]) -> None:
    for p in paths:
        scope.path("?a", p, "?b")


def split_expressible(scope: Scope, model: Any, roots: Iterable[Node]) -> tuple[list[Node], list[Node]]:
    """``roots`` (root shapes of ``model``) in two lists: those whose every path (through their closure) ``scope``
    can write, and the others."""
    ok: list[Node] = []
    rest: list[Node] = []
    for root in roots:
        paths = [model[n].path for n in model.closure(root) if model[n].path is not None]
        try:
            check_expressible(scope, paths)
            ok.append(root)
        except Unexpressible:
            rest.append(root)
    return ok, rest


__all__ = ["PLAIN", "Scope", "Unexpressible", "UnionScope", "bounded", "check_expressible", "split_expressible"]
