"""Streaming N-Quads / TriG output for the generator: terms as text, one named graph at a time.

The generator builds each source's graph as a list of triples and hands it over whole; nothing else is kept,
so memory does not grow with the size of the output.
"""

from __future__ import annotations

from typing import IO

from graph.namespaces import BASE

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def iri(value: str) -> str:
    return f"<{value}>"


def ent(kind: str, slug: str) -> str:
    """``<{BASE}/id/{kind}/{slug}>``."""
    return f"<{BASE}/id/{kind}/{slug}>"


def concept(scheme: str, slug: str) -> str:
    return f"<{BASE}/id/concept/{scheme}/{slug}>"


def graph_of(slug: str) -> str:
    return f"<{BASE}/graph/{slug}>"


_ESC = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def vi(text: str) -> str:
    return f'"{text.translate(_ESC)}"@vi'


def en(text: str) -> str:
    return f'"{text.translate(_ESC)}"@en'


def lit(text: str) -> str:
    return f'"{text.translate(_ESC)}"'


def typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def date(value: str) -> str:
    return f'"{value}"^^<{XSD}date>'


Triple = tuple[str, str, str]


class QuadWriter:
    """Writes whole graphs as N-Quads or TriG and counts the quads written."""

    def __init__(self, out: IO[str], fmt: str = "nquads") -> None:
        if fmt not in ("nquads", "trig"):
            raise ValueError(f"the generator writes nquads or trig, not {fmt!r}")
        self.out = out
        self.fmt = fmt
        self.count = 0

    def graph(self, g: str, triples: list[Triple]) -> None:
        if not triples:
            return
        if self.fmt == "nquads":
            self.out.write("".join(f"{s} {p} {o} {g} .\n" for s, p, o in triples))
        else:
            body = "".join(f"  {s} {p} {o} .\n" for s, p, o in triples)
            self.out.write(f"{g} {{\n{body}}}\n")
        self.count += len(triples)
