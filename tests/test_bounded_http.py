"""Bounded lookups answered in the server process, on real servers: the same bytes as the query workers give,
every write seen at once, and large patterns still sent to the workers.

Two servers on copies of one seeded store: ``fast`` answers bounded lookups of at most ``INPROCESS_MAX_ROWS`` rows
itself; ``workers`` (``INPROCESS_MAX_ROWS=0``) sends every query to its workers.  Both cut answers at
``MAX_ROWS``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from graph.seed import load_seed
from graph.store import EmbeddedStore
from tests.http_server import LiveServer, live_server

HERE = ("server", "reader")  # answered without a query worker: by the primary or a reader process (SERVING_PROCESSES)

MAX_ROWS = 10
IN_PROCESS = 100  # the unit below has 54 triples in the seed (x 54: 2,916); skos:Concept has 150 members
UNIT = "<https://w3id.org/govkg/id/unit/chinh-phu>"
EVENT = "<https://w3id.org/govkg/id/event/2023-07-18-ky-ket-giao-uoc-thi-dua-vpcp-khoi-thi-dua-3>"  # blank nodes

RESULTS = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values", "application/json", "*/*")
GRAPHS = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml", "*/*")

SELECTS = [
    f"SELECT ?p ?o WHERE {{ {EVENT} ?p ?o }}",  # more than MAX_ROWS, blank nodes
    f"SELECT ?p ?o WHERE {{ {EVENT} ?p ?o }} ORDER BY ?p ?o LIMIT 5 OFFSET 2",
    f"SELECT DISTINCT ?t ?l {{ {EVENT} a ?t ; rdfs:label ?l }}",
    f"SELECT ?g ?p {{ GRAPH ?g {{ {UNIT} ?p ?o }} }} ORDER BY ?g ?p",
    f"SELECT ?s ?p {{ ?s ?p {UNIT} }}",
    'SELECT ?s { ?s rdfs:label "Chính phủ"@vi }',
    "BASE <https://w3id.org/govkg/id/> SELECT * { <unit/chinh-phu> rdfs:label ?l }",
    "SELECT * { <urn:nothing> ?p ?o }",
    f"ASK {{ {UNIT} ?p ?o }}",
    "ASK { <urn:nothing> ?p ?o }",
]
CONSTRUCTS = [
    f"CONSTRUCT WHERE {{ {EVENT} ?p ?o }}",
    f"CONSTRUCT {{ ?o <urn:of> {UNIT} }} WHERE {{ {UNIT} ?p ?o }} LIMIT 3",
]


def seeded_copies(root: Path, names: tuple[str, ...]) -> list[Path]:
    """One store seeded from the checkout, copied once per name (the same blank nodes in every copy)."""
    first = root / "seeded"
    st = EmbeddedStore(first)
    load_seed(st)
    st.close()
    out = []
    for n in names:
        shutil.copytree(first, root / n)
        out.append(root / n)
    return out


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, LiveServer]]:
    fast_dir, slow_dir = seeded_copies(tmp_path_factory.mktemp("bounded"), ("fast", "workers"))
    common = {"MAX_ROWS": str(MAX_ROWS), "QUERY_WORKERS": "1"}
    with live_server(fast_dir, env={**common, "INPROCESS_MAX_ROWS": str(IN_PROCESS)}) as fast, \
            live_server(slow_dir, env={**common, "INPROCESS_MAX_ROWS": "0"}) as slow:
        yield fast, slow


def ask(srv: LiveServer, query: str, accept: str, post: bool = False) -> requests.Response:
    if post:
        return requests.post(srv.url + "/sparql", data={"query": query}, headers={"Accept": accept}, timeout=30)
    return requests.get(srv.url + "/sparql", params={"query": query}, headers={"Accept": accept}, timeout=30)


def same_answer(fast: requests.Response, slow: requests.Response) -> None:
    assert fast.status_code == slow.status_code
    assert fast.content == slow.content
    for h in ("Content-Type", "Content-Length", "X-Result-Truncated", "X-Result-Limit", "Vary"):
        assert fast.headers.get(h) == slow.headers.get(h), h


@pytest.mark.parametrize("query", SELECTS)
@pytest.mark.parametrize("accept", RESULTS)
def test_select_and_ask_answers_are_the_workers_bytes(servers: tuple[LiveServer, LiveServer], query: str,
                                                     accept: str) -> None:
    fast, slow = servers
    a, b = ask(fast, query, accept), ask(slow, query, accept)
    assert a.status_code == 200 and a.headers["X-Govkg-Answered-By"] in HERE
    assert b.headers["X-Govkg-Answered-By"] == "worker"
    same_answer(a, b)


@pytest.mark.parametrize("query", CONSTRUCTS)
@pytest.mark.parametrize("accept", GRAPHS)
def test_construct_answers_are_the_workers_bytes(servers: tuple[LiveServer, LiveServer], query: str,
                                                accept: str) -> None:
    fast, slow = servers
    a, b = ask(fast, query, accept, post=True), ask(slow, query, accept, post=True)
    assert a.status_code == 200 and a.headers["X-Govkg-Answered-By"] in HERE
    same_answer(a, b)


def test_the_row_cap_holds_in_process(servers: tuple[LiveServer, LiveServer]) -> None:
    fast, _ = servers
    r = ask(fast, f"SELECT ?p ?o WHERE {{ {UNIT} ?p ?o }}", "application/sparql-results+json")
    assert r.headers["X-Govkg-Answered-By"] in HERE
    assert r.headers["X-Result-Truncated"] == "true" and r.headers["X-Result-Limit"] == str(MAX_ROWS)
    assert len(r.json()["results"]["bindings"]) == MAX_ROWS


@pytest.mark.parametrize("query", [
    "SELECT ?s { ?s a skos:Concept }",  # 150 members: a hub past INPROCESS_MAX_ROWS
    f"SELECT * {{ {UNIT} ?p ?o . {UNIT} ?q ?r }}",  # 54 x 54 rows
    f"SELECT * {{ {UNIT} ?p ?o FILTER(isIRI(?o)) }}",  # not a bounded lookup
])
def test_large_or_unbounded_queries_go_to_the_workers(servers: tuple[LiveServer, LiveServer], query: str) -> None:
    fast, slow = servers
    a, b = ask(fast, query, "text/csv"), ask(slow, query, "text/csv")
    assert a.headers["X-Govkg-Answered-By"] == "worker"
    same_answer(a, b)


@pytest.mark.parametrize("accept", ["application/json", "text/csv"])
def test_errors_are_the_same(servers: tuple[LiveServer, LiveServer], accept: str) -> None:
    fast, slow = servers
    q = f"SELECT * {{ {UNIT} ?p ?o }} LIMIT 5 ORDER BY ?o"  # read as a lookup here; the engine refuses it
    a, b = ask(fast, q, accept), ask(slow, q, accept)
    assert a.status_code == 400
    same_answer(a, b)


def test_a_write_is_read_back_at_once(servers: tuple[LiveServer, LiveServer]) -> None:
    fast, _ = servers
    q = "SELECT ?o { <urn:h1:new> <urn:h1:p> ?o }"
    before = ask(fast, q, "application/sparql-results+json")
    assert before.headers["X-Govkg-Answered-By"] in HERE and before.json()["results"]["bindings"] == []
    r = requests.post(fast.url + "/update", data={"update": "INSERT DATA { <urn:h1:new> <urn:h1:p> 7 }"},
                      headers=fast.auth("steward"), timeout=60)
    assert r.status_code == 204, r.text
    after = ask(fast, q, "application/sparql-results+json")
    assert after.headers["X-Govkg-Answered-By"] in HERE
    assert [b["o"]["value"] for b in after.json()["results"]["bindings"]] == ["7"]
    r = requests.post(fast.url + "/update", data={"update": "DELETE DATA { <urn:h1:new> <urn:h1:p> 7 }"},
                      headers=fast.auth("steward"), timeout=60)
    assert r.status_code == 204, r.text
    assert ask(fast, q, "application/sparql-results+json").json()["results"]["bindings"] == []
