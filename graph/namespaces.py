"""IRIs of the project, set in one place.

Every entity has a stable IRI ``{BASE}/id/{kind}/{slug}``; every source document has its own named graph
``{BASE}/graph/{slug}``.  The ontology lives at ``{BASE}/ontology#``.  Changing :data:`BASE` changes every
public identifier, so it is a breaking change (see CHANGELOG.md).
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, TIME, XSD

BASE = "https://w3id.org/govkg"

GOVKG = Namespace(f"{BASE}/ontology#")
"""The project's own terms (only where no standard term fits)."""

ID = Namespace(f"{BASE}/id/")
GRAPH = Namespace(f"{BASE}/graph/")

ELI = Namespace("http://data.europa.eu/eli/ontology#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")

#: The kinds that may appear in ``{BASE}/id/{kind}/{slug}``.
KINDS = (
    "unit",  # organisations and their units, groupings (blocks, councils, party cells)
    "person",
    "post",  # a post in a unit (org:Post)
    "membership",  # a person holding a post or role for a period (org:Membership)
    "document",
    "event",
    "programme",  # national target programmes, movements, slogans
    "source",  # news articles and other cited sources
    "image",
    "change",  # organisational change events (renames, mergers, transfers)
    "concept",  # SKOS concepts: /id/concept/{scheme}/{slug}
    "scheme",  # SKOS concept schemes
    "changeset",  # audited write-path changes
)

#: Named graphs that hold the model rather than data.
ONTOLOGY_GRAPH = GRAPH["ontology"]
SHAPES_GRAPH = GRAPH["shapes"]
SYSTEM_GRAPHS = (ONTOLOGY_GRAPH, SHAPES_GRAPH)

#: Prefixes predeclared for every query and used when serialising.
PREFIXES: dict[str, str] = {
    "govkg": str(GOVKG),
    "id": str(ID),
    "unit": f"{ID}unit/",
    "person": f"{ID}person/",
    "post": f"{ID}post/",
    "doc": f"{ID}document/",
    "event": f"{ID}event/",
    "src": f"{ID}source/",
    "concept": f"{ID}concept/",
    "g": str(GRAPH),
    "org": str(ORG),
    "foaf": str(FOAF),
    "schema": str(SDO),
    "prov": str(PROV),
    "time": str(TIME),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "eli": str(ELI),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": str(SH),
}


def sparql_prologue() -> str:
    """The PREFIX lines of :data:`PREFIXES`, for queries built as text."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def entity_iri(kind: str, slug: str) -> str:
    """``{BASE}/id/{kind}/{slug}``; ``kind`` must be one of :data:`KINDS`."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    return f"{ID}{kind}/{slug}"


def graph_iri(slug: str) -> str:
    """The named graph of the source ``slug``."""
    return f"{GRAPH}{slug}"
