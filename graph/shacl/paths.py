"""SHACL property paths as tuples, their SPARQL form, and their steps for change analysis.

A path is ``("p", iri)`` (a predicate), ``("inv", path)``, ``("seq", (path, ...))``, ``("alt", (path, ...))``,
``("zom", path)`` (zero or more), ``("oom", path)`` (one or more) or ``("zoo", path)`` (zero or one).
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

Path = tuple  # a nested tuple as described above

_UNARY = {
    SH.inversePath: "inv",
    SH.zeroOrMorePath: "zom",
    SH.oneOrMorePath: "oom",
    SH.zeroOrOnePath: "zoo",
}


class PathError(ValueError):
    """A sh:path this engine cannot read."""


def parse_path(g: Graph, node: Node) -> Path:
    if isinstance(node, URIRef):
        return ("p", node)
    if g.value(node, RDF.first) is not None:
        return ("seq", tuple(parse_path(g, n) for n in Collection(g, node)))
    alt = g.value(node, SH.alternativePath)
    if alt is not None:
        return ("alt", tuple(parse_path(g, n) for n in Collection(g, alt)))
    for pred, kind in _UNARY.items():
        inner = g.value(node, pred)
        if inner is not None:
            return (kind, parse_path(g, inner))
    raise PathError(f"unreadable sh:path {node!r}")


def to_sparql(path: Path) -> str:
    kind = path[0]
    if kind == "p":
        return f"<{path[1]}>"
    if kind == "inv":
        return f"^({to_sparql(path[1])})"
    if kind == "seq":
        return "(" + "/".join(to_sparql(p) for p in path[1]) + ")"
    if kind == "alt":
        return "(" + "|".join(to_sparql(p) for p in path[1]) + ")"
    suffix = {"zom": "*", "oom": "+", "zoo": "?"}[kind]
    return f"({to_sparql(path[1])}){suffix}"


def nullable(path: Path) -> bool:
    """Whether ``path`` can match zero steps: then every focus node is one of its own value nodes, in the data or
    not (a ``sh:targetNode`` that no triple names; SPARQL's ``?this p? ?v`` only binds nodes of the data)."""
    kind = path[0]
    if kind == "p":
        return False
    if kind in ("zom", "zoo"):
        return True
    if kind == "seq":
        return all(nullable(p) for p in path[1])
    if kind == "alt":
        return any(nullable(p) for p in path[1])
    return nullable(path[1])  # inv, oom


def is_predicate(path: Path | None) -> bool:
    return path is not None and path[0] == "p"


def normalise(path: Path, inverse: bool = False) -> Path:
    """The same path with inverses pushed down to predicates (``("ip", iri)`` is an inverse step)."""
    kind = path[0]
    if kind == "p":
        return ("ip", path[1]) if inverse else path
    if kind == "inv":
        return normalise(path[1], not inverse)
    if kind == "seq":
        parts = [normalise(p, inverse) for p in path[1]]
        return ("seq", tuple(reversed(parts) if inverse else parts))
    if kind == "alt":
        return ("alt", tuple(normalise(p, inverse) for p in path[1]))
    return (kind, normalise(path[1], inverse))
