"""Writes over HTTP: bearer tokens (401/403), SPARQL Update, Graph Store Protocol round trips, the token CLI."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
import requests
from rdflib import Graph, Literal, URIRef

from tests.http_server import GOVKG, ROOT, LiveServer, live_server

G = "http://example.org/graph/writes"
NT_B = b'<http://example.org/b> <http://example.org/n> "2" .'
NT_C = b'<http://example.org/c> <http://example.org/n> "3" .'


BACKENDS = ("embedded", "remote")  # every test here runs on both (tests/conftest.py)


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory, remote_engine: dict[str, str] | None) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("writes") / "store", seed=False, remote=remote_engine) as s:
        yield s


def ask(srv: LiveServer, q: str) -> bool:
    return bool(requests.get(srv.url + "/sparql", params={"query": q}).json()["boolean"])


def test_writes_need_a_token(srv: LiveServer) -> None:
    upd = {"update": "INSERT DATA { <urn:w:a> <urn:w:p> 1 }"}
    r = requests.post(srv.url + "/update", data=upd)
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    r = requests.post(srv.url + "/update", data=upd, headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401 and "invalid_token" in r.headers["WWW-Authenticate"]
    r = requests.post(srv.url + "/update", data=upd, headers=srv.auth("reader"))
    assert r.status_code == 403 and "reader" in r.text
    r = requests.put(srv.url + "/data", params={"graph": G}, data=b"<urn:w:a> <urn:w:p> 1 .",
                     headers={"Content-Type": "application/n-triples"})
    assert r.status_code == 401
    assert not ask(srv, "ASK { ?s ?p ?o }") and not ask(srv, "ASK { GRAPH ?g { ?s ?p ?o } }")


def test_update_is_seen_by_the_next_query(srv: LiveServer) -> None:
    r = requests.post(srv.url + "/update", data="INSERT DATA { GRAPH <urn:w:g> { <urn:w:a> <urn:w:p> 1 } }",
                      headers={**srv.auth("steward"), "Content-Type": "application/sparql-update"})
    assert r.status_code in (200, 204)
    assert ask(srv, "ASK { GRAPH <urn:w:g> { <urn:w:a> <urn:w:p> 1 } }")
    r = requests.post(srv.url + "/update", data={"update": "DELETE DATA { GRAPH <urn:w:g> { <urn:w:a> <urn:w:p> 1 } }"},
                      headers=srv.auth("steward"))
    assert r.status_code in (200, 204)
    assert not ask(srv, "ASK { GRAPH <urn:w:g> { <urn:w:a> <urn:w:p> 1 } }")


def test_update_syntax_error_is_a_400_with_position(srv: LiveServer) -> None:
    r = requests.post(srv.url + "/update", data={"update": "INSERT DATA {\n <urn:a> <urn:b> }"},
                      headers=srv.auth("steward"))
    assert r.status_code == 400 and "2:" in r.text


def test_move_copy_add_drop_clear_of_a_missing_graph_is_400_not_500_and_silent_is_a_no_op(srv: LiveServer) -> None:
    h = srv.auth("steward")

    def update(text: str) -> requests.Response:
        return requests.post(srv.url + "/update", data={"update": text}, headers=h, timeout=60)

    def state() -> list[tuple[str, ...]]:
        q = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
        r = requests.post(srv.url + "/sparql", data={"query": q}, timeout=60,
                          headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, r.text
        return sorted(tuple(b[k]["value"] for k in ("g", "s", "p", "o")) for b in r.json()["results"]["bindings"])

    assert update("INSERT DATA { GRAPH <urn:w:dest> { <urn:w:a> <urn:w:p> 1 } }").status_code == 204
    before = state()
    for op in ("MOVE", "COPY", "ADD"):
        r = update(f"{op} <urn:w:missing> TO <urn:w:dest>")
        assert r.status_code == 400, (op, r.status_code, r.text)
        assert "<urn:w:missing> does not exist" in r.text and "SILENT" in r.text
        r = update(f"{op} SILENT GRAPH <urn:w:missing> TO <urn:w:dest>")  # SILENT: nothing happens at all
        assert r.status_code == 204, (op, r.text)
        assert state() == before, op
    for text, says in (("DROP GRAPH <urn:w:missing>", "does not exist"), ("CLEAR GRAPH <urn:w:missing>",
                       "does not exist"), ("CREATE GRAPH <urn:w:dest>", "already exists")):
        r = update(text)
        assert r.status_code == 400 and says in r.text, (text, r.status_code, r.text)
        assert update(text.replace(" GRAPH", " SILENT GRAPH")).status_code == 204
        assert state() == before, text
    # all or nothing: a failing operation after a good one leaves the store as it was
    assert update("INSERT DATA { GRAPH <urn:w:dest> { <urn:w:b> <urn:w:p> 2 } } ; "
                  "MOVE <urn:w:missing> TO <urn:w:dest>").status_code == 400
    assert state() == before
    # a source created earlier in the same request exists for the later operations
    r = update("COPY <urn:w:dest> TO <urn:w:copy> ; MOVE <urn:w:copy> TO <urn:w:moved> ; "
               "CREATE GRAPH <urn:w:empty> ; ADD <urn:w:empty> TO <urn:w:added>")
    assert r.status_code == 204, r.text
    assert ask(srv, "ASK { GRAPH <urn:w:moved> { <urn:w:a> <urn:w:p> 1 } }")
    assert not ask(srv, "ASK { GRAPH <urn:w:copy> { ?s ?p ?o } }")
    assert update("DROP GRAPH <urn:w:moved> ; DROP SILENT GRAPH <urn:w:empty> ; "
                  "DROP SILENT GRAPH <urn:w:added>").status_code == 204
    assert state() == before


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_update_route_methods(srv: LiveServer, method: str) -> None:
    r = requests.request(method, srv.url + "/update", params={"update": "CLEAR ALL"}, headers=srv.auth("steward"))
    assert r.status_code == 405


def test_graph_store_round_trip(srv: LiveServer) -> None:
    auth = srv.auth("steward")
    ttl = b'@prefix ex: <http://example.org/> .\nex:a ex:name "A" ; ex:n 1 .\n'
    r = requests.put(srv.url + "/data", params={"graph": G}, data=ttl, headers={**auth, "Content-Type": "text/turtle"})
    assert r.status_code == 201
    got = requests.get(srv.url + "/data", params={"graph": G}, headers={"Accept": "text/turtle"})
    assert got.status_code == 200 and got.headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=got.content, format="turtle")
    assert (URIRef("http://example.org/a"), URIRef("http://example.org/name"), Literal("A")) in g and len(g) == 2
    head = requests.head(srv.url + "/data", params={"graph": G})
    assert head.status_code == 200 and head.content == b""
    r = requests.post(srv.url + "/data", params={"graph": G}, data=NT_B,
                      headers={**auth, "Content-Type": "application/n-triples"})
    assert r.status_code in (200, 204)
    nt = requests.get(srv.url + "/data", params={"graph": G}, headers={"Accept": "application/n-triples"})
    assert len(Graph().parse(data=nt.content, format="nt")) == 3
    r = requests.put(srv.url + "/data", params={"graph": G}, data=NT_C,
                     headers={**auth, "Content-Type": "application/n-triples"})
    assert r.status_code in (200, 204)
    assert ask(srv, f"ASK {{ GRAPH <{G}> {{ <http://example.org/c> ?p '3' }} }}")
    assert not ask(srv, f"ASK {{ GRAPH <{G}> {{ <http://example.org/a> ?p ?o }} }}")  # PUT replaced the graph
    r = requests.delete(srv.url + "/data", params={"graph": G}, headers=auth)
    assert r.status_code in (200, 204)
    assert requests.get(srv.url + "/data", params={"graph": G}).status_code == 404
    assert requests.delete(srv.url + "/data", params={"graph": G}, headers=auth).status_code == 404


def test_graph_store_default_graph_and_errors(srv: LiveServer) -> None:
    auth = srv.auth("steward")
    r = requests.put(srv.url + "/data?default", data=b"<urn:d:s> <urn:d:p> <urn:d:o> .",
                     headers={**auth, "Content-Type": "application/n-triples"})
    assert r.status_code in (200, 201, 204)
    got = requests.get(srv.url + "/data?default", headers={"Accept": "application/n-triples"})
    assert b"<urn:d:s> <urn:d:p> <urn:d:o>" in got.content
    assert requests.get(srv.url + "/data").status_code == 400
    assert requests.put(srv.url + "/data", params={"graph": G}, data=b"x",
                        headers={**auth, "Content-Type": "image/png"}).status_code == 415
    bad = requests.put(srv.url + "/data", params={"graph": G}, data=b"<urn:a> <urn:b> .",
                       headers={**auth, "Content-Type": "application/n-triples"})
    assert bad.status_code == 400
    assert requests.get(srv.url + "/data", params={"graph": G}).status_code == 404  # nothing was written


def test_token_cli_lists_and_revokes(srv: LiveServer) -> None:
    secret = srv.token("steward", name="short-lived")
    run = lambda *a: subprocess.run([*GOVKG, "token", *a, "--store", str(srv.store)], env=srv.env,  # noqa: E731
                                    capture_output=True, text=True, cwd=ROOT)
    listed = run("list")
    assert "short-lived\tsteward" in listed.stdout and secret not in listed.stdout
    tokens_file = srv.store.parent / f"{srv.store.name}.tokens.json"
    assert secret not in tokens_file.read_text()
    upd = {"update": "INSERT DATA { <urn:t:a> <urn:t:p> 1 }"}
    hdr = {"Authorization": f"Bearer {secret}"}
    assert requests.post(srv.url + "/update", data=upd, headers=hdr).status_code in (200, 204)
    assert run("revoke", "short-lived").returncode == 0
    assert requests.post(srv.url + "/update", data=upd, headers=hdr).status_code == 401
    assert run("revoke", "short-lived").returncode == 1
