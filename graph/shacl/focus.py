"""Where focus nodes come from, as SPARQL group patterns, and how terms are written into queries.

A focus specification yields a pattern that binds one variable to each focus node once (``SELECT DISTINCT``
sub-selects: the union default graph repeats a triple once per graph that holds it).  Specifications nest:
the value nodes of a path from some focus nodes are the focus nodes of a shape that ``sh:node`` names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import BNode, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from graph.shacl.paths import Path, to_sparql
from graph.shacl.scope import PLAIN, Scope
from graph.store.terms import n3

#: Blank nodes copied into an in-memory store become IRIs under this prefix, so that queries can name them.
SKOLEM = "urn:x-govkg-bnode:"


def skolemise(t: Node) -> Node:
    return URIRef(SKOLEM + str(t)) if isinstance(t, BNode) else t


def unskolemise(t: Node) -> Node:
    if isinstance(t, URIRef) and str(t).startswith(SKOLEM):
        return BNode(str(t)[len(SKOLEM) :])
    return t


def term(t: Node) -> str:
    """``t`` as SPARQL text (blank nodes must have been skolemised first)."""
    if isinstance(t, BNode):
        raise ValueError("a blank node cannot be named in a query")
    return n3(t)


class Tests:
    """Node-kind tests; on a skolemised source, skolem IRIs count as blank nodes."""

    def __init__(self, skolem: bool) -> None:
        self.skolem = skolem

    def is_blank(self, v: str) -> str:
        return f'(isBlank({v}) || (isIRI({v}) && STRSTARTS(STR({v}), "{SKOLEM}")))' if self.skolem else f"isBlank({v})"

    def is_iri(self, v: str) -> str:
        return f'(isIRI({v}) && !STRSTARTS(STR({v}), "{SKOLEM}"))' if self.skolem else f"isIRI({v})"

    def is_literal(self, v: str) -> str:
        return f"isLiteral({v})"


class Focus:
    #: Whether the nodes are all the targets of a shape (or values of paths from them), not a few named ones.
    wide = False

    def pattern(self, var: str, depth: int, scope: Scope = PLAIN) -> str:
        """A group binding ``var`` (and the scope's graph variable) to each focus node once."""
        raise NotImplementedError


@dataclass(frozen=True)
class TargetFocus(Focus):
    """The targets of a shape: ``sh:targetClass`` (with its subclasses), node, subjects-of, objects-of."""

    targets: tuple[tuple[URIRef, Node], ...]
    subclasses: Mapping[Node, frozenset[Node]]
    only: tuple[Node, ...] | None = None  # restrict to these nodes (already skolemised)

    @property
    def wide(self) -> bool:  # type: ignore[override]
        return self.only is None and any(kind != SH.targetNode for kind, _o in self.targets)

    def pattern(self, var: str, depth: int, scope: Scope = PLAIN) -> str:
        parts: list[str] = []
        classes: set[Node] = set()
        nodes: list[Node] = []
        x = f"?_t{depth}"
        for kind, obj in self.targets:
            if kind == SH.targetClass:
                classes |= self.subclasses.get(obj, frozenset({obj}))
            elif kind == SH.targetNode:
                nodes.append(obj)
            elif kind == SH.targetSubjectsOf:
                parts.append(f"{{ {scope.target(var, obj, x)} }}")
            elif kind == SH.targetObjectsOf:
                parts.append(f"{{ {scope.target(x, obj, var)} }}")
        if classes:
            vals = " ".join(term(c) for c in sorted(classes, key=str) if not isinstance(c, BNode))
            parts.append(f"{{ {scope.target(var, RDF.type, x)} VALUES {x} {{ {vals} }} }}")
        # sh:targetNode nodes are focus nodes of every graph: per graph, graph.shacl.units handles them.
        named = [n for n in nodes if not isinstance(n, BNode)] if not scope.scoped else []
        if self.only is not None:
            keep = set(self.only)
            named = [n for n in named if n in keep]
        if named:
            parts.append(f"{{ VALUES {var} {{ {' '.join(term(n) for n in named)} }} }}")
        if not parts:
            return f"{{ VALUES {var} {{ }} }}"
        body = " UNION ".join(parts)
        if self.only is not None:
            body = f"VALUES {var} {{ {' '.join(term(n) for n in self.only)} }} {{ {body} }}"
        return f"{{ SELECT DISTINCT {scope.g} {var} WHERE {{ {body} }} }}"


@dataclass(frozen=True)
class NodesFocus(Focus):
    nodes: tuple[Node, ...]

    def pattern(self, var: str, depth: int, scope: Scope = PLAIN) -> str:
        return f"{{ VALUES {var} {{ {' '.join(term(n) for n in self.nodes)} }} }}"


@dataclass(frozen=True)
class PathFocus(Focus):
    """The value nodes of ``path`` (``None``: the nodes themselves) from the nodes of ``base``."""

    base: Focus
    path: Path | None

    @property
    def wide(self) -> bool:  # type: ignore[override]
        return self.base.wide

    def pattern(self, var: str, depth: int, scope: Scope = PLAIN) -> str:
        if self.path is None:
            return self.base.pattern(var, depth, scope)
        f = f"?_f{depth}"
        base = self.base.pattern(f, depth + 1, scope)
        return (
            f"{{ SELECT DISTINCT {scope.g} {var} WHERE {{ {base} "
            f"{scope.values(self.path, f, var, self.base.wide, focus=base)} }} }}"
        )


def values_pattern(path: Path | None, this: str = "?this", v: str = "?v") -> str:
    """Binds ``v`` to each value node of ``this``: the path's values, or the node itself for node shapes."""
    return f"{this} {to_sparql(path)} {v} ." if path is not None else f"BIND({this} AS {v})"


def in_list(items: Iterable[Node]) -> str:
    return ", ".join(term(i) for i in items)
