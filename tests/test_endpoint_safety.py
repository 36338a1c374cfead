"""No outgoing requests and no file access from queries or writes (RELIABILITY.md C): a canary must see nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.http_server import LiveServer

BACKENDS = ("embedded", "remote")  # every test here runs on both (tests/conftest.py)


class Canary:
    def __init__(self) -> None:
        hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(f"GET {self.path}")
                self.send_response(200)
                self.send_header("Content-Type", "text/turtle")
                self.end_headers()
                self.wfile.write(b"<urn:canary> <urn:p> <urn:o> .\n")

            do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass

        self.hits = hits
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    c = Canary()
    yield c
    c.close()


def count(srv: LiveServer) -> int:
    r = requests.get(srv.url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_the_canary_works(canary: Canary) -> None:
    assert requests.get(canary.url + "/self-check").status_code == 200
    assert canary.hits == ["GET /self-check"]
    canary.hits.clear()


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <{c}/c1> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{c}/c2> {{ ?s ?p ?o }} }}",
    "select * where {{ service <{c}/c2-lower> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE ?x {{ ?s ?p ?o }} }} VALUES ?x {{ <{c}/c2-var> }}",
    "SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{c}/c2-opt> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{c}/c2-sub> {{ ?s ?p ?o }} }} }} }}",
    "ASK {{ FILTER EXISTS {{ SERVICE <{c}/c2-exists> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ ?a ?b ?c MINUS {{ SERVICE <{c}/c2-minus> {{ ?a ?b ?c }} }} }}",
    "SELECT * WHERE {{ SERVICE <file:///etc/passwd> {{ ?s ?p ?o }} }}",
    "SELECT * FROM NAMED <file:///etc/passwd> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
])
def test_service_and_file_datasets_are_refused(live_server: LiveServer, canary: Canary, template: str) -> None:
    r = requests.post(live_server.url + "/sparql", data={"query": template.format(c=canary.url)})
    assert r.status_code == 400
    assert "root:" not in r.text
    assert canary.hits == []


def test_remote_from_is_only_a_graph_name(live_server: LiveServer, canary: Canary) -> None:
    q = f"SELECT * FROM <{canary.url}/c3.ttl> WHERE {{ ?s ?p ?o }}"
    r = requests.get(live_server.url + "/sparql", params={"query": q})
    assert r.status_code == 200
    assert r.json()["results"]["bindings"] == []  # no such graph here, and nothing was fetched
    assert canary.hits == []


@pytest.mark.parametrize("template", [
    "LOAD <{c}/c4.ttl>",
    "LOAD SILENT <{c}/c4.ttl> INTO GRAPH <urn:x>",
    "load <file:///etc/passwd> into graph <urn:x>",
    "INSERT {{ <urn:x> <urn:p> ?o }} WHERE {{ SERVICE <{c}/c4-service> {{ ?s ?p ?o }} }}",
])
def test_load_and_service_in_updates_are_refused(live_server: LiveServer, canary: Canary, template: str) -> None:
    before = count(live_server)
    r = requests.post(live_server.url + "/update", data={"update": template.format(c=canary.url)},
                      headers=live_server.auth("steward"))
    assert r.status_code == 400
    assert "not allowed" in r.text
    assert canary.hits == []
    assert count(live_server) == before


def test_jsonld_remote_context_is_refused(live_server: LiveServer, canary: Canary) -> None:
    before = count(live_server)
    body = f'{{"@context": "{canary.url}/ctx.jsonld", "@id": "urn:a", "name": "x"}}'
    r = requests.put(live_server.url + "/data", params={"graph": "urn:g:ctx"}, data=body.encode(),
                     headers={**live_server.auth("steward"), "Content-Type": "application/ld+json"})
    assert r.status_code == 400 and "context" in r.text
    assert canary.hits == []
    assert count(live_server) == before


def test_xml_external_entities_are_refused(live_server: LiveServer, canary: Canary) -> None:
    before = count(live_server)
    body = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{canary.url}/d2.dtd">]>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex/">'
            '<rdf:Description rdf:about="http://ex/s"><ex:p>&x;</ex:p></rdf:Description></rdf:RDF>')
    r = requests.put(live_server.url + "/data", params={"graph": "urn:g:xxe"}, data=body.encode(),
                     headers={**live_server.auth("steward"), "Content-Type": "application/rdf+xml"})
    assert r.status_code == 400
    assert canary.hits == []
    assert count(live_server) == before
