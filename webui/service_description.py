"""The SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/).

Served on ``GET /sparql`` without a query to RDF clients; built once per (endpoint, setting, format).
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from graph.namespaces import PREFIXES, SD

FORMATS = "http://www.w3.org/ns/formats/"
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "JSON-LD", "RDF_XML")
RDFLIB_FORMAT = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


@lru_cache(maxsize=32)
def service_description(endpoint: str, update_endpoint: str, union_default_graph: bool, fmt: str) -> bytes:
    g = Graph()
    g.bind("sd", SD)
    g.bind("dct", DCTERMS)
    svc = URIRef(endpoint)
    g.add((svc, RDF.type, SD.Service))
    g.add((svc, SD.endpoint, svc))
    g.add((svc, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((svc, DCTERMS.description, Literal(
        "govkg: Vietnamese government units, officials, documents and events. Project prefixes are "
        "predeclared; SERVICE, LOAD and file: datasets are refused; answers are capped (X-Result-Truncated).",
        lang="en")))
    for f in RESULT_FORMATS:
        g.add((svc, SD.resultFormat, URIRef(FORMATS + f)))
    if union_default_graph:
        g.add((svc, SD.feature, SD.UnionDefaultGraph))
    ds = BNode()
    g.add((svc, SD.defaultDataset, ds))
    g.add((ds, RDF.type, SD.Dataset))
    dg = BNode()
    g.add((ds, SD.defaultGraph, dg))
    g.add((dg, RDF.type, SD.Graph))
    upd = URIRef(update_endpoint)
    g.add((upd, RDF.type, SD.Service))
    g.add((upd, SD.endpoint, upd))
    g.add((upd, SD.supportedLanguage, SD.SPARQL11Update))
    for prefix, iri in PREFIXES.items():
        decl = BNode()
        g.add((svc, URIRef("http://www.w3.org/ns/shacl#declare"), decl))
        g.add((decl, URIRef("http://www.w3.org/ns/shacl#prefix"), Literal(prefix)))
        g.add((decl, URIRef("http://www.w3.org/ns/shacl#namespace"), Literal(iri, datatype=URIRef(
            "http://www.w3.org/2001/XMLSchema#anyURI"))))
    return g.serialize(format=RDFLIB_FORMAT[fmt], encoding="utf-8")
