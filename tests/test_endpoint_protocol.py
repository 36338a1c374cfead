"""The SPARQL 1.1 Protocol at /sparql over real HTTP: the protocol table, negotiation, errors, description, CORS."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from graph.namespaces import PREFIXES, SD
from graph.settings import SETTINGS
from tests.http_server import LiveServer

COUNT_UNITS = "SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { ?u a org:Organization }"
ONE_TRIPLE = 'CONSTRUCT { <http://example.org/s> <http://example.org/p> "o" } WHERE {}'
JSON = "application/sparql-results+json"
BACKENDS = ("embedded", "remote")  # every test here runs on both (tests/conftest.py)


def n_of(resp: requests.Response) -> int:
    return int(resp.json()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def url(live_server: LiveServer) -> str:
    return live_server.url


def test_get_form_and_direct_post_give_the_same_answer(url: str) -> None:
    a = requests.get(url + "/sparql", params={"query": COUNT_UNITS})
    b = requests.post(url + "/sparql", data={"query": COUNT_UNITS})
    c = requests.post(url + "/sparql", data=COUNT_UNITS.encode(), headers={"Content-Type": "application/sparql-query"})
    assert a.status_code == b.status_code == c.status_code == 200
    assert a.headers["Content-Type"].startswith(JSON)
    assert n_of(a) == n_of(b) == n_of(c) > 0  # the seed has organisations; prefixes were predeclared


def test_union_default_graph_by_default(url: str) -> None:
    union = requests.get(url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    named = requests.get(url + "/sparql", params={
        "query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"})
    assert n_of(union) == n_of(named) > 0


@pytest.mark.parametrize(("accept", "media"), [
    (JSON, JSON),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.2, application/sparql-results+xml;q=0.9, */*;q=0.1", "application/sparql-results+xml"),
    ("*/*", JSON),
])
def test_select_formats_by_accept(url: str, accept: str, media: str) -> None:
    r = requests.get(url + "/sparql", params={"query": "SELECT ?x WHERE { VALUES ?x { 1 2 3 } }"},
                     headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == media
    if media == JSON:
        assert [b["x"]["value"] for b in r.json()["results"]["bindings"]] == ["1", "2", "3"]
    elif media.endswith("xml"):
        ns = "{http://www.w3.org/2005/sparql-results#}"
        assert len(ET.fromstring(r.content).findall(f"{ns}results/{ns}result")) == 3
    elif media == "text/csv":
        assert list(csv.reader(io.StringIO(r.text))) == [["x"], ["1"], ["2"], ["3"]]
    else:
        assert r.text.splitlines() == ["?x", "1", "2", "3"]


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
])
def test_construct_formats_by_accept(url: str, accept: str, fmt: str) -> None:
    r = requests.get(url + "/sparql", params={"query": ONE_TRIPLE}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == accept
    g = Graph().parse(data=r.content, format=fmt)
    assert list(g) == [(URIRef("http://example.org/s"), URIRef("http://example.org/p"), g.value(
        URIRef("http://example.org/s"), URIRef("http://example.org/p")))]
    assert str(g.value(URIRef("http://example.org/s"), URIRef("http://example.org/p"))) == "o"


def test_ask_true_and_false(url: str) -> None:
    yes = requests.get(url + "/sparql", params={"query": "ASK { ?u a org:Organization }"})
    no = requests.get(url + "/sparql", params={"query": "ASK { <urn:none> ?p ?o }"})
    assert yes.json()["boolean"] is True and no.json()["boolean"] is False


def test_406_names_the_formats_on_offer(url: str) -> None:
    r = requests.get(url + "/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/x-nonsense"})
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.text and "text/csv" in r.text
    r = requests.get(url + "/sparql", params={"query": ONE_TRIPLE}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "text/turtle" in r.text


def test_415_for_an_unknown_content_type(url: str) -> None:
    r = requests.post(url + "/sparql", data=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    assert "application/sparql-query" in r.text


def test_400_with_the_parser_position(url: str) -> None:
    r = requests.get(url + "/sparql", params={"query": "SELEC * WHERE {?s ?p ?o}"})
    assert r.status_code == 400
    assert "1:" in r.text and "Traceback" not in r.text
    r = requests.post(url + "/sparql", data={"query": "SELECT * WHERE {\n ?s ?p ?o .\n FILTER(?o = ) }"})
    assert r.status_code == 400 and "3:" in r.text


@pytest.mark.parametrize("params", [
    {"query": "ASK {}", "update": "CLEAR ALL"},
    {"update": "INSERT DATA { <urn:x> <urn:p> 1 }"},
    {"query": "INSERT DATA { <urn:x> <urn:p> 1 }"},
    {"query": ""},
])
def test_400_for_updates_mixed_or_empty_queries(url: str, params: dict[str, str]) -> None:
    r = requests.post(url + "/sparql", data=params)
    assert r.status_code == 400
    check = requests.get(url + "/sparql", params={"query": "ASK { <urn:x> ?p ?o }"})
    assert check.json()["boolean"] is False


def test_two_queries_are_a_400(url: str) -> None:
    r = requests.get(url + "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")
    assert r.status_code == 400


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_allow(url: str, method: str) -> None:
    r = requests.request(method, url + "/sparql", params={"query": "ASK {}"})
    assert r.status_code == 405
    assert "GET" in r.headers["Allow"] and "POST" in r.headers["Allow"]


def test_non_utf8_is_a_400(url: str) -> None:
    r = requests.get(url + "/sparql?query=ASK%7B%22%C3%28%22%7D")
    assert r.status_code == 400
    r = requests.post(url + "/sparql", data="ASK {}".encode("utf-16"),
                      headers={"Content-Type": "application/sparql-query; charset=UTF-16"})
    assert r.status_code in (400, 415)


def test_protocol_dataset_overrides_the_union(url: str) -> None:
    g = requests.get(url + "/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"})
    graph = g.json()["results"]["bindings"][0]["g"]["value"]
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    one = requests.get(url + "/sparql", params={"query": q, "default-graph-uri": graph})
    inside = requests.get(url + "/sparql", params={
        "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"})
    union = requests.get(url + "/sparql", params={"query": q})
    assert n_of(one) == n_of(inside) < n_of(union)
    from_q = f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}"
    from_clause = requests.get(url + "/sparql", params={"query": from_q})
    assert n_of(from_clause) == n_of(inside)


def test_service_description_for_rdf_clients(url: str) -> None:
    r = requests.get(url + "/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=r.content, format="turtle")
    svc = URIRef(url + "/sparql")
    assert (svc, RDF.type, SD.Service) in g
    assert (svc, SD.endpoint, svc) in g
    assert (svc, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (svc, SD.feature, SD.UnionDefaultGraph) in g
    r = requests.get(url + "/sparql", headers={"Accept": "application/ld+json"})
    assert (svc, SD.endpoint, svc) in Graph().parse(data=r.content, format="json-ld")


def test_browsers_get_an_html_page(url: str) -> None:
    r = requests.get(url + "/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "<html" in r.text.lower()


def test_no_query_asking_for_results_is_a_400(url: str) -> None:
    r = requests.get(url + "/sparql", headers={"Accept": JSON})
    assert r.status_code == 400 and "query" in r.text


def test_cors_simple_and_preflight(url: str) -> None:
    r = requests.get(url + "/sparql", params={"query": "ASK {}"}, headers={"Origin": "http://example.org"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Result-Truncated" in r.headers["Access-Control-Expose-Headers"]
    p = requests.options(url + "/sparql", headers={"Origin": "http://example.org",
                                                   "Access-Control-Request-Method": "POST",
                                                   "Access-Control-Request-Headers": "content-type"})
    assert p.status_code == 204
    assert p.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in p.headers["Access-Control-Allow-Methods"]
    assert "content-type" in p.headers["Access-Control-Allow-Headers"].lower()


def test_413_for_a_huge_body_and_414_for_a_huge_url(url: str) -> None:
    big = "SELECT * WHERE {" + "?s ?p ?o . " * 200000 + "}"
    r = requests.post(url + "/sparql", data=big.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413 and "MAX_QUERY_BYTES" in r.text
    r = requests.get(url + "/sparql", params={"query": "ASK { " + "?s ?p ?o . " * 10000 + "}"})
    assert r.status_code == 414 and "MAX_URL_BYTES" in r.text
    assert requests.get(url + "/sparql", params={"query": "ASK {}"}).json()["boolean"] is True


def test_413_for_a_chunked_body_without_length(url: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"SELECT * WHERE {"
        for _ in range(200):
            yield b"?s ?p ?o . " * 1000
        yield b"}"

    r = requests.post(url + "/sparql", data=chunks(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


def test_one_error_envelope(url: str) -> None:
    r = requests.get(url + "/sparql", params={"query": "ASK {"}, headers={"Accept": JSON})
    body = r.json()
    assert body["ok"] is False and body["status"] == 400 and body["title"] == "Bad Request" and body["error"]
    t = requests.get(url + "/sparql", params={"query": "ASK {"}, headers={"Accept": f"text/plain, {JSON};q=0.5"})
    assert t.headers["Content-Type"].startswith("text/plain") and t.text.startswith("400 Bad Request: ")
    assert "Traceback" not in t.text and "File \"" not in t.text


def test_error_pages_escape_what_they_echo(url: str) -> None:
    r = requests.get(url + "/sparql", params={"query": "SELECT <script>alert(1)</script>"},
                     headers={"Accept": "text/html, */*;q=0.1"})
    assert r.status_code == 400
    assert not r.headers["Content-Type"].startswith("text/html")
    assert "<script>" not in r.text
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_system_pages(url: str, backend: str) -> None:
    h = requests.get(url + "/healthz")
    assert h.status_code == 200 and h.json()["status"] == "ok"
    s = requests.get(url + "/-/settings.json").json()
    assert s["MAX_ROWS"] == next(x.default for x in SETTINGS if x.name == "MAX_ROWS")
    assert "STORE" not in s and "TOKENS_FILE" not in s
    assert requests.get(url + "/-/prefixes.json").json() == PREFIXES
    v = requests.get(url + "/-/versions.json").json()
    assert v["libraries"]["pyoxigraph"] and v["python"]
    if backend == "embedded":  # a remote engine runs queries in its own processes
        assert json.loads(requests.get(url + "/healthz").text)["query_workers"]["alive"] >= 1
