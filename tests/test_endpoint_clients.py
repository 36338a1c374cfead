"""Real SPARQL clients against the real server: SPARQLWrapper, rdflib's SPARQLStore and SPARQLUpdateStore, raw HTTP."""

from __future__ import annotations

import http.client
import json
import urllib.parse
from collections.abc import Iterator

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from tests.http_server import LiveServer, live_server

UNITS = "SELECT DISTINCT ?u ?label WHERE { ?u a org:Organization ; rdfs:label ?label FILTER(lang(?label) = 'vi') }"


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("clients") / "store", seed=True) as s:
        yield s


def test_sparqlwrapper_select_and_construct(srv: LiveServer) -> None:
    sw = SPARQLWrapper(srv.url + "/sparql")
    sw.setQuery(UNITS)
    sw.setReturnFormat(JSON)
    rows = sw.query().convert()["results"]["bindings"]  # type: ignore[index,call-overload]
    assert rows and all(r["label"]["xml:lang"] == "vi" for r in rows)
    sw.setMethod(POST)
    assert len(sw.query().convert()["results"]["bindings"]) == len(rows)  # type: ignore[index,call-overload]
    sw = SPARQLWrapper(srv.url + "/sparql")
    sw.setQuery("CONSTRUCT { ?u rdfs:label ?l } WHERE { ?u a org:Organization ; rdfs:label ?l "
                "FILTER(lang(?l) = 'vi') }")
    sw.setReturnFormat(TURTLE)
    g = Graph().parse(data=sw.query().convert(), format="turtle")  # type: ignore[arg-type]
    assert len(g) == len(rows)


def test_sparqlwrapper_sees_errors(srv: LiveServer) -> None:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    sw = SPARQLWrapper(srv.url + "/sparql")
    sw.setQuery("SELECT * WHERE { ?s ?p }")
    sw.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed):
        sw.query()


def test_rdflib_sparqlstore_reads(srv: LiveServer) -> None:
    store = SPARQLStore(srv.url + "/sparql", returnFormat="json", context_aware=False)  # no default-graph-uri
    g = Graph(store=store)
    rows = list(g.query(UNITS))
    assert rows and all(isinstance(r[1], Literal) and r[1].language == "vi" for r in rows)


def test_rdflib_sparqlupdatestore_writes_with_a_token(srv: LiveServer) -> None:
    store = SPARQLUpdateStore(srv.url + "/sparql", srv.url + "/update", headers=srv.auth("steward"))
    ctx = URIRef("http://example.org/graph/rdflib-client")
    g = Graph(store=store, identifier=ctx)
    g.add((URIRef("http://example.org/x"), URIRef("http://example.org/p"), Literal("from rdflib")))
    reader = Graph(store=SPARQLStore(srv.url + "/sparql", returnFormat="json"), identifier=ctx)
    assert (URIRef("http://example.org/x"), URIRef("http://example.org/p"), Literal("from rdflib")) in reader
    anonymous = Graph(store=SPARQLUpdateStore(srv.url + "/sparql", srv.url + "/update"), identifier=ctx)
    with pytest.raises(Exception, match="401"):
        anonymous.add((URIRef("http://example.org/y"), URIRef("http://example.org/p"), Literal("no")))


def test_raw_http(srv: LiveServer) -> None:
    host, port = urllib.parse.urlsplit(srv.url).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    body = b"ASK { ?u a org:Organization }"
    conn.request("POST", "/sparql", body=body, headers={"Content-Type": "application/sparql-query",
                                                        "Accept": "application/sparql-results+json"})
    r = conn.getresponse()
    assert r.status == 200 and json.loads(r.read())["boolean"] is True
    conn.request("GET", "/sparql?query=" + urllib.parse.quote("SELECT (1 AS ?one) {}"),
                 headers={"Accept": "text/tab-separated-values"})
    r = conn.getresponse()  # the same kept-alive connection
    assert r.status == 200 and r.read().decode().splitlines() == ["?one", "1"]
    conn.close()
