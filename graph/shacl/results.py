"""One validation result, as the engine finds it, before it becomes a report."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.term import Node


@dataclass(frozen=True)
class Result:
    focus: Node
    path: Node | None  # the sh:path node of the shape, or the predicate for sh:closed
    value: Node | None
    component: URIRef
    shape: Node
    severity: URIRef
    messages: tuple[Literal, ...]  # the shape's sh:message values (any language); empty: use a generic one
    generic: str = ""  # pySHACL-style default message, English (only for shapes without sh:message)
    #: (constraint, shape) that produced the result, for a generic message worked out only when reported.
    why: tuple = field(default=(), compare=False, repr=False)
    #: For sh:node: the value node's own results against the named shape (pySHACL's sh:detail).
    details: tuple[Result, ...] = ()
    #: The named graph whose validation found it (None: the default graph, or no graph at all).
    graph: Node | None = None

    def key(self) -> tuple[Node, Node | None, Node | None, Node, URIRef, URIRef, Node | None]:
        return (self.focus, self.path, self.value, self.shape, self.component, self.severity, self.graph)


def flatten(results: Iterable[Result]) -> Iterator[Result]:
    """Every result and, after it, its details (pySHACL reports both as sh:ValidationResult nodes)."""
    for r in results:
        yield r
        yield from flatten(r.details)
