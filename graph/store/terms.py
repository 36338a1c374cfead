"""Conversions between pyoxigraph and rdflib terms, for the Python API (never on the endpoint hot path)."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_rdflib(t: object) -> Node:
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Literal(t.value, lang=t.language)
        dt = t.datatype.value
        if dt == XSD_STRING:
            return Literal(t.value)
        return Literal(t.value, datatype=URIRef(dt))
    if isinstance(t, ox.DefaultGraph):
        return None  # type: ignore[return-value]
    raise TypeError(f"cannot convert {t!r}")


def to_ox(t: Node | None) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph:
    if t is None:
        return ox.DefaultGraph()
    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, BNode):
        return ox.BlankNode(str(t))
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype is not None:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))
    raise TypeError(f"cannot convert {t!r}")


def n3(t: Node | None) -> str:
    """A term in the N-Triples form that SPARQL Update accepts."""
    return str(to_ox(t))


def iris_in(triples: Sequence[ox.Triple | ox.Quad]) -> list[str]:
    """Every IRI that ``triples`` mention (terms and literal datatypes), for choosing prefixes."""
    out = []
    for tr in triples:
        for t in (tr.subject, tr.predicate, tr.object):
            if isinstance(t, ox.NamedNode):
                out.append(t.value)
            elif isinstance(t, ox.Literal):
                out.append(t.datatype.value)
    return out
