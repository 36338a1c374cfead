"""Uploaded RDF as quads, parsed without writing anything and without fetching anything.

Turtle, N-Triples, TriG, N-Quads and JSON-LD are parsed by Oxigraph (JSON-LD by rdflib) after
:func:`graph.sparql_guard.check_rdf_payload` (no remote ``@context``).  RDF/XML is accepted only when it has no
DTD at all: it is first read by ``defusedxml`` with DTDs, entities and external references forbidden, so an
entity bomb or an external entity is refused (400) before any RDF parser sees it.
"""

from __future__ import annotations

from rdflib import URIRef

from graph.errors import ForbiddenOperation, ParseError
from graph.formats import RdfFormatInfo, UnknownFormat, rdf_format
from graph.sparql_guard import check_rdf_payload
from graph.store.base import QuadTuple


def check_xml(data: bytes) -> None:
    """Refuse RDF/XML with a DTD, entities or external references (defusedxml), or that is not XML."""
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    try:
        DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as e:
        raise ForbiddenOperation(f"RDF/XML with a DTD or entities is not accepted ({type(e).__name__})") from e
    except Exception as e:  # ParseError of the XML parser
        raise ParseError(f"the RDF/XML is not well-formed XML: {e}") from e


def parse(data: bytes, format: str, graph: str | None, base_iri: str | None = None) -> tuple[set[QuadTuple], set[str]]:
    """The quads of ``data``; triples go into ``graph`` (``None``: the default graph).  Also the graph names.

    Raises :class:`ParseError` (400), :class:`ForbiddenOperation` (remote context, XML entities) and
    :class:`UnknownFormat` (415).
    """
    from graph.diffs import read_graphs
    from graph.store.embedded import EmbeddedStore

    f: RdfFormatInfo = rdf_format(format)
    check_rdf_payload(data, f.name)
    if f.name == "rdfxml":
        check_xml(data)
    if f.name == "jsonld":
        data, f = _jsonld_as_nquads(data, base_iri or graph), rdf_format("nquads")
    mem = EmbeddedStore(None)
    try:
        mem.load(data, format=f.name, graph=graph if not f.quads else None, base_iri=base_iri or graph)
        names = set(mem.named_graphs())
        quads = read_graphs(mem, [None, *sorted(names)])
    finally:
        mem.close()
    if f.quads and graph is not None:  # default-graph triples of a dataset go into the target graph
        g = URIRef(graph)
        quads = {(s, p, o, g if gn is None else gn) for s, p, o, gn in quads}
        names.add(graph)
    return quads, names


def _jsonld_as_nquads(data: bytes, base: str | None) -> bytes:
    from rdflib import Dataset

    try:
        ds = Dataset()
        ds.parse(data=data, format="json-ld", publicID=base)
    except Exception as e:  # any failure of the parser is the upload's fault
        raise ParseError(f"the JSON-LD does not parse: {e}") from e
    return ds.serialize(format="nquads", encoding="utf-8")


__all__ = ["UnknownFormat", "check_xml", "parse"]
