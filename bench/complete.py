"""Per-graph completeness for the generator: each graph types, labels and sources every entity it mentions.

govkg validates each named graph by itself (docs/MODEL.md, "Sources and provenance"), and the curated graphs of
``data/`` repeat what a unit, person, post or document is wherever they mention it.  :class:`Known` holds the
defining triples (type, labels, and what the shapes require: a unit's parent, a post's unit and role, a document's
symbol and issuer) of every entity a later graph may mention, without ``dct:source``; :meth:`Known.complete` adds
them to a graph, with that graph's own source, for each entity the graph refers to but does not type, and follows
the references of what it adds (a unit's parents up to Chính phủ, a document's issuer and signer).

Only entities that can be mentioned again are kept: units and posts (bounded by the skeleton), persons (as
:class:`bench.people.People` keeps them anyway), and the documents still in :attr:`bench.documents.Documents.recent`
or cited by name, so memory does not grow with the size of the output.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench import vocab as v
from bench.writer import Triple

Props = list[tuple[str, str]]


@dataclass
class Known:
    defs: dict[str, Props] = field(default_factory=dict)

    def define(self, node: str, props: Props) -> None:
        self.defs[node] = props

    def forget(self, node: str) -> None:
        self.defs.pop(node, None)

    def describe(self, node: str, src: str, out: list[Triple]) -> None:
        """Write ``node``'s defining triples and ``dct:source src`` to ``out``."""
        out += [(node, p, o) for p, o in self.defs[node]]
        out.append((node, v.SOURCE, src))

    def complete(self, out: list[Triple], src: str) -> list[Triple]:
        """``out`` with every known entity it mentions but does not type described in it (each quad once)."""
        defs = self.defs
        typed = {s for s, p, _ in out if p == v.A}
        todo = [t for s, _, o in out for t in (s, o) if t in defs and t not in typed]
        todo.reverse()
        while todo:
            node = todo.pop()
            if node in typed:
                continue
            typed.add(node)
            self.describe(node, src, out)
            todo += [o for _, o in reversed(defs[node]) if o in defs and o not in typed]
        return list(dict.fromkeys(out))
