"""SHACL Core shapes read once into immutable Python values.

A :class:`ShapesModel` is built from an rdflib graph of shapes and never changes afterwards, so one model can
serve any number of concurrent validations (pySHACL, by contrast, mutates its shapes graph while it runs).
Paths are tuples (:mod:`graph.shacl.paths`); every shape keeps the node that names it in the shapes graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from graph.shacl.paths import Path, parse_path

#: Constraint parameters compiled into SPARQL (or checked in Python on SPARQL's candidates).
SUPPORTED = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.minCount,
    SH.maxCount,
    SH.minLength,
    SH.maxLength,
    SH.pattern,
    SH.languageIn,
    SH.uniqueLang,
    SH["in"],
    SH.hasValue,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH.equals,
    SH.disjoint,
    SH.node,
    SH.property,
    SH["not"],
    SH["and"],
    SH["or"],
    SH.xone,
    SH.closed,
    SH.qualifiedValueShape,
}
#: Parameters that only modify another constraint, or describe the shape.
AUXILIARY = {
    SH.flags,
    SH.ignoredProperties,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.path,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.severity,
    SH.message,
    SH.deactivated,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
}
#: Parameters that make a shape fall back to pySHACL (SHACL-SPARQL, SHACL-AF and anything unknown).
FOREIGN = {SH.sparql, SH.target, SH.rule, SH.expression, SH.js, SH.select, SH.ask}

TARGET_KEYS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


@dataclass(frozen=True)
class Constraint:
    """One constraint of a shape: its parameter (``sh:datatype`` ...) and the parameter's value(s)."""

    param: URIRef
    value: Node
    items: tuple[Node, ...] = ()  # for list-valued parameters (sh:in, sh:languageIn, sh:and, sh:or, sh:xone)


@dataclass(frozen=True)
class Shape:
    node: Node
    path: Path | None
    constraints: tuple[Constraint, ...]
    properties: tuple[Node, ...]
    targets: tuple[tuple[URIRef, Node], ...]
    severity: URIRef
    messages: tuple[Literal, ...]
    deactivated: bool
    sh_path: Node | None = None  # the sh:path node, reported as sh:resultPath
    foreign: tuple[URIRef, ...] = ()  # parameters this engine does not compile
    flags: str = ""  # sh:flags of sh:pattern

    @property
    def is_property(self) -> bool:
        return self.path is not None


@dataclass(frozen=True)
class ShapesModel:
    shapes: MappingProxyType[Node, Shape]
    #: Shapes with targets (validated on their own), in a stable order.
    roots: tuple[Node, ...]
    #: The shapes graph's triples, for the pySHACL fallback (each call builds its own graph from them).
    triples: tuple[tuple[Node, Node, Node], ...] = field(repr=False)

    def __getitem__(self, node: Node) -> Shape:
        return self.shapes[node]

    def referenced(self, node: Node) -> list[Node]:
        """Shapes that ``node`` uses: its property shapes and the shapes of its shape-valued constraints."""
        s = self.shapes[node]
        out = list(s.properties)
        for c in s.constraints:
            if c.param in (SH.node, SH["not"], SH.qualifiedValueShape):
                out.append(c.value)
            elif c.param in (SH["and"], SH["or"], SH.xone):
                out.extend(c.items)
        return out

    def closure(self, node: Node) -> set[Node]:
        seen: set[Node] = set()
        stack = [node]
        while stack:
            n = stack.pop()
            if n in seen or n not in self.shapes:
                continue
            seen.add(n)
            stack.extend(self.referenced(n))
        return seen

    def recursive(self, node: Node) -> bool:
        """Whether ``node`` reaches itself (SHACL leaves recursive shapes undefined; pySHACL decides them)."""
        for n in self.closure(node):
            if any(n in self.closure(m) for m in self.referenced(n)):
                return True
        return False


def _items(g: Graph, head: Node) -> tuple[Node, ...]:
    return tuple(Collection(g, head)) if head != RDF.nil else ()


def _shape_nodes(g: Graph) -> set[Node]:
    nodes: set[Node] = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    for p in (*TARGET_KEYS, SH.path):
        nodes |= set(g.subjects(p, None))
    for p in (SH.node, SH.property, SH["not"], SH.qualifiedValueShape):
        nodes |= set(g.objects(None, p))
    for p in (SH["and"], SH["or"], SH.xone):
        for head in g.objects(None, p):
            nodes |= set(_items(g, head))
    return {n for n in nodes if not isinstance(n, Literal)}


def _implicit_class(g: Graph, node: Node) -> bool:
    metas = set(g.subjects(RDFS.subClassOf, RDFS.Class)) | {RDFS.Class}
    return any(t in metas for t in g.objects(node, RDF.type))


def load_shapes(g: Graph) -> ShapesModel:
    """Read every shape of ``g`` (a shapes graph) into a :class:`ShapesModel`."""
    shapes: dict[Node, Shape] = {}
    for node in _shape_nodes(g):
        sh_path = g.value(node, SH.path)
        path = parse_path(g, sh_path) if sh_path is not None else None
        constraints: list[Constraint] = []
        foreign: list[URIRef] = []
        for pn, o in sorted(g.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
            p = URIRef(str(pn))
            if p in (SH["in"], SH.languageIn, SH["and"], SH["or"], SH.xone):
                constraints.append(Constraint(p, o, _items(g, o)))
            elif p == SH.property:
                continue
            elif p == SH.qualifiedValueShape:
                bounds = (g.value(node, SH.qualifiedMinCount), g.value(node, SH.qualifiedMaxCount))
                disjoint = g.value(node, SH.qualifiedValueShapesDisjoint)
                items = tuple(b if b is not None else Literal(-1) for b in bounds)
                constraints.append(Constraint(p, o, (*items, disjoint if disjoint is not None else Literal(False))))
            elif p in SUPPORTED:
                if p == SH.closed:
                    if isinstance(o, Literal) and o.value is True:
                        ignored = g.value(node, SH.ignoredProperties)
                        constraints.append(Constraint(p, o, _items(g, ignored) if ignored is not None else ()))
                    continue
                constraints.append(Constraint(p, o))
            elif p in FOREIGN or (str(p).startswith(str(SH)) and p not in AUXILIARY):
                foreign.append(p)
        targets = [(p, o) for p in TARGET_KEYS for o in g.objects(node, p)]
        if _implicit_class(g, node):
            targets.append((SH.targetClass, node))
        sev = g.value(node, SH.severity)
        deact = g.value(node, SH.deactivated)
        shapes[node] = Shape(
            node=node,
            path=path,
            constraints=tuple(constraints),
            properties=tuple(sorted(g.objects(node, SH.property), key=str)),
            targets=tuple(sorted(targets, key=lambda t: (str(t[0]), str(t[1])))),
            severity=sev if isinstance(sev, URIRef) else SH.Violation,
            messages=tuple(m for m in g.objects(node, SH.message) if isinstance(m, Literal)),
            deactivated=isinstance(deact, Literal) and deact.value is True,
            sh_path=sh_path,
            foreign=tuple(foreign),
            flags=str(g.value(node, SH.flags) or ""),
        )
    roots = tuple(sorted((n for n, s in shapes.items() if s.targets), key=lambda n: (isinstance(n, BNode), str(n))))
    return ShapesModel(MappingProxyType(shapes), roots, tuple(g))


__all__ = ["Constraint", "Shape", "ShapesModel", "load_shapes"]
