"""Sessions, CSRF and cookie flags (RELIABILITY G4, G5); atomic visibility under concurrent writers (H2);
``kill -9`` during a stream of writes (H4); a failing validator or disk changes nothing (F5, H6)."""

from __future__ import annotations

import os
import random
import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from graph import changes
from graph.changesets import fingerprint
from graph.errors import StoreError
from graph.seed import load_seed
from graph.store.embedded import EmbeddedStore
from tests.http_server import LiveServer, live_server

SRC = "https://w3id.org/govkg/id/source/chinhphu-2023-07-18-khoi-thi-dua-3"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
NAME = "http://xmlns.com/foaf/0.1/name"


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose session cookie is not Secure, so that a client on plain http keeps it."""
    with live_server(tmp_path_factory.mktemp("plain") / "store", env={"COOKIE_SECURE": "0"}) as s:
        yield s


def count(srv: LiveServer, query: str) -> list[dict[str, str]]:
    r = requests.post(srv.url + "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"},
                      timeout=30)
    r.raise_for_status()
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def test_session_cookie_flags(live_server: LiveServer) -> None:
    r = requests.post(live_server.url + "/steward/sign-in", data={"token": live_server.token("steward")},
                      allow_redirects=False, timeout=30)
    assert r.status_code == 303
    cookie = r.headers["Set-Cookie"]
    assert "govkg_session=" in cookie
    assert all(f in cookie for f in ("Secure", "HttpOnly", "SameSite=Lax")), cookie
    bad = requests.post(live_server.url + "/steward/sign-in", data={"token": "govkg_nope"}, timeout=30)
    assert bad.status_code == 401 and "Set-Cookie" not in bad.headers


def _signed_in(srv: LiveServer) -> tuple[requests.Session, str]:
    s = requests.Session()
    r = s.post(srv.url + "/steward/sign-in", data={"token": srv.token("steward")}, timeout=30)
    assert (r.status_code == 200 and "Set-Cookie" not in r.headers) or s.cookies.get("govkg_session")
    page = s.get(srv.url + "/steward/new/person", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, page[:500]
    return s, token.group(1)


def test_csrf_on_forms_and_cookie_json(plain: LiveServer) -> None:
    s, token = _signed_in(plain)
    form = {"source": SRC, f"{LABEL}@vi": "Phạm Thử Csrf", NAME: "Phạm Thử Csrf"}
    n = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?p <http://xmlns.com/foaf/0.1/name> \"Phạm Thử Csrf\" } }"
    r = s.post(plain.url + "/steward/new/person", data=form, timeout=30)  # no csrf_token
    assert r.status_code == 400 and "CSRF" in r.text
    assert count(plain, n)[0]["n"] == "0"
    r = s.post(plain.url + "/steward/edit", json={"entity": "urn:a", "graph": "urn:g", "predicate": "urn:p",
                                                  "new": "x"}, timeout=30)
    assert r.status_code == 400 and "CSRF" in r.text
    r = s.post(plain.url + "/steward/new/person", data={**form, "csrf_token": token}, allow_redirects=False,
               timeout=30)
    assert r.status_code == 303, r.text
    assert count(plain, n)[0]["n"] == "1"
    person = r.headers["Location"]
    page = s.get(plain.url + person, timeout=30)
    assert "Phạm Thử Csrf" in page.text
    # inline edit of the entity's name, with the page's ETag; a stale ETag is refused
    iri = "https://w3id.org/govkg" + person
    graph = "https://w3id.org/govkg/graph/chinhphu-2023-07-18-khoi-thi-dua-3"
    edit = {"entity": iri, "graph": graph, "predicate": NAME, "old": "Phạm Thử Csrf", "new": "Phạm Thử Sửa"}
    h = {"X-CSRFToken": token, "If-Match": page.headers["ETag"]}
    r = s.post(plain.url + "/steward/edit", json=edit, headers=h, timeout=30)
    assert r.status_code == 200, r.text
    r = s.post(plain.url + "/steward/edit", json={**edit, "old": "Phạm Thử Sửa", "new": "Khác"}, headers=h,
               timeout=30)
    assert r.status_code == 412
    names = count(plain, f"SELECT ?n WHERE {{ GRAPH ?g {{ <{iri}> <{NAME}> ?n }} }}")
    assert [r["n"] for r in names] == ["Phạm Thử Sửa"]


def test_concurrent_writers_readers_never_see_half_a_change(plain: LiveServer) -> None:
    h = plain.auth("steward")
    writers, seen, errors = 12, [], []
    stop = threading.Event()

    def write(i: int) -> None:
        body = (f'INSERT DATA {{ GRAPH <urn:pairs> {{ <urn:x{i}a> <urn:req> "{i}" . '
                f'<urn:x{i}b> <urn:req> "{i}" }} }}')
        r = requests.post(plain.url + "/update", data={"update": body}, headers=h, timeout=120)
        if r.status_code != 204:
            errors.append(r.text)

    def read() -> None:
        while not stop.is_set():
            for row in count(plain, "SELECT ?r (COUNT(*) AS ?n) WHERE { ?x <urn:req> ?r } GROUP BY ?r"):
                seen.append(int(row["n"]))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for t in readers:
        t.start()
    ws = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for t in ws:
        t.start()
    for t in ws:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert not errors
    assert seen and set(seen) <= {2}, sorted(set(seen))
    final = count(plain, "SELECT ?r (COUNT(*) AS ?n) WHERE { ?x <urn:req> ?r } GROUP BY ?r")
    assert len(final) == writers and {r["n"] for r in final} == {"2"}


def test_kill_9_during_writes_loses_no_acknowledged_write(tmp_path: Path) -> None:
    store = tmp_path / "store"
    acked: list[int] = []
    took: list[float] = []
    batch, wanted = 200, 5
    with live_server(store) as srv:
        h = srv.auth("steward")
        stop, enough = threading.Event(), threading.Event()

        def stream() -> None:
            k = 0
            while not stop.is_set():
                triples = " ".join(f'<urn:b{k}-{j}> <urn:batch> "{k}" .' for j in range(batch))
                t0 = time.monotonic()
                try:
                    r = requests.post(srv.url + "/update", data={"update": f"INSERT DATA {{ GRAPH <urn:kill> "
                                                                           f"{{ {triples} }} }}"},
                                      headers=h, timeout=300)
                except requests.RequestException:
                    return
                if r.status_code == 204:
                    acked.append(k)
                    took.append(time.monotonic() - t0)
                    if len(acked) >= wanted:
                        enough.set()
                k += 1

        # kill -9 once several writes are acknowledged (not after a fixed time, which a loaded machine can spend
        # on the first write), at a random point of the next one (within the time a write has been taking)
        t = threading.Thread(target=stream)
        t.start()
        try:
            reached = enough.wait(timeout=600)
            if reached:
                time.sleep(random.uniform(0, sorted(took)[len(took) // 2]))
        finally:
            os.killpg(srv.proc.pid, signal.SIGKILL)
            stop.set()
            t.join()
    assert reached, f"only {len(acked)} writes acknowledged before the kill"
    with live_server(store) as srv:
        rows = count(srv, "SELECT ?k (COUNT(*) AS ?n) WHERE { GRAPH <urn:kill> { ?s <urn:batch> ?k } } GROUP BY ?k")
        got = {int(r["k"]): int(r["n"]) for r in rows}
        assert set(got.values()) <= {batch}, got  # none half-applied
        assert set(acked) <= set(got)  # every acknowledged write is there
        # the audit store, settled at the restart: one applied changeset per batch present, none pending
        r = requests.post(srv.url + "/changes/sparql", headers={**srv.auth("reader"),
                                                                "Accept": "application/sparql-results+json"},
                          data={"query": "SELECT ?s (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/govkg/graph/"
                                         "changes> { ?c a <https://w3id.org/govkg/ontology#Changeset> ; "
                                         "<https://w3id.org/govkg/ontology#status> ?s } } GROUP BY ?s"}, timeout=30)
        r.raise_for_status()
        by = {b["s"]["value"]: int(b["n"]["value"]) for b in r.json()["results"]["bindings"]}
        assert by.get("applied", 0) == len(got), by  # one changeset per batch present, no more, no less
        assert set(by) <= {"applied", "aborted"}, by  # nothing left pending, nothing half-applied
        assert not any(b["g"].endswith("/graph/changes") for b in count(
            srv, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")), "the audit trail is in the public data"


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    s = EmbeddedStore(tmp_path / "store")
    load_seed(s)
    yield s
    s.close()


VALID = (f'<https://w3id.org/govkg/id/person/t> a <http://xmlns.com/foaf/0.1/Person> ; <{LABEL}> "T"@vi ; '
         f'<{NAME}> "T" ; <http://purl.org/dc/terms/source> <{SRC}> .').encode()


def test_a_crashing_validator_writes_nothing(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import graph.shacl

    before = fingerprint(store)

    def boom(*a: object, **k: object) -> None:
        raise RuntimeError("validator crashed")

    monkeypatch.setattr(graph.shacl, "validate_change", boom)
    with pytest.raises(StoreError, match="validator failed"):
        changes.post_graph(store, "urn:g", VALID, "turtle", "alice")
    assert fingerprint(store) == before


def test_a_failing_disk_writes_nothing(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    before = fingerprint(store)

    def full(sparql: str) -> None:
        raise StoreError("No space left on device")

    monkeypatch.setattr(store, "update", full)
    with pytest.raises(StoreError, match="No space"):
        changes.put_graph(store, "urn:g", VALID, "turtle", "alice")
    monkeypatch.undo()
    assert fingerprint(store) == before
    changes.put_graph(store, "urn:g", VALID, "turtle", "alice")  # and the next write goes through
    assert fingerprint(store) != before
