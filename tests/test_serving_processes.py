"""``govkg serve`` with several processes (``SERVING_PROCESSES=3``): one primary owns the store, readers answer
bounded lookups on its latest checkpoint and forward the rest (webui/processes.py, webui/readers.py); every process
answers them on the lean path (webui/lean.py) before anything else, the primary on the live store.

The real server on 127.0.0.1 with a seeded store on disk.  Each request below goes on a new connection, so the
kernel hands it to any of the processes; a test asks until it has seen the process it needs (a reader's answer
says ``X-Govkg-Answered-By: reader``, a forwarded one carries ``X-Govkg-Via: reader``).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from tests.http_server import LiveServer, live_server

ENV = {"SERVING_PROCESSES": "3", "COOKIE_SECURE": "0"}
UNIT = "https://w3id.org/govkg/id/unit/van-phong-chinh-phu"  # a unit of the seed
EVENT = "https://w3id.org/govkg/id/event/2023-07-18-ky-ket-giao-uoc-thi-dua-vpcp-khoi-thi-dua-3"  # blank nodes
LOOKUP = f"SELECT ?p ?o WHERE {{ <{UNIT}> ?p ?o }}"
TRIES = 120
BURST = 6
SKIP_HEADERS = {"date", "x-govkg-answered-by", "x-govkg-via", "server"}


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("single") / "store", env={**ENV, "SERVING_PROCESSES": "1"}) as s:
        yield s


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("procs") / "store", env=ENV) as s:
        yield s


def fresh(method: str, url: str, **kw: object) -> requests.Response:
    """One request on its own connection (any process may take it)."""
    with requests.Session() as s:
        return s.request(method, url, timeout=30, **kw)  # type: ignore[arg-type]


def until(pred: Callable[[requests.Response], bool], make: Callable[[], requests.Response]) -> requests.Response:
    """The first answer ``pred`` likes, asking in bursts of concurrent requests (an idle server's kernel tends to
    wake the same process; a burst keeps them all busy)."""
    with ThreadPoolExecutor(BURST) as pool:
        for _ in range(TRIES // BURST):
            for r in pool.map(lambda _: make(), range(BURST)):
                if pred(r):
                    return r
    raise AssertionError(f"no answer of the kind wanted in {TRIES} requests")


def by(who: str) -> Callable[[requests.Response], bool]:
    return lambda r: r.headers.get("X-Govkg-Answered-By") == who


def headers(r: requests.Response) -> list[tuple[str, str]]:
    return sorted((k.lower(), v) for k, v in r.headers.items() if k.lower() not in SKIP_HEADERS)


@pytest.mark.parametrize(("query", "accept"), [
    (LOOKUP, "application/sparql-results+json"),
    (LOOKUP, "application/sparql-results+xml"),
    (LOOKUP, "text/csv"),
    (LOOKUP, "text/tab-separated-values"),
    (LOOKUP, "*/*"),
    (f"ASK {{ <{UNIT}> ?p ?o }}", "application/json"),
    (f"SELECT * {{ <{EVENT}> ?p ?o }}", "application/sparql-results+json"),
    ("BASE <https://w3id.org/govkg/id/> SELECT * { <unit/van-phong-chinh-phu> rdfs:label ?l }", "text/csv"),
    (f"CONSTRUCT WHERE {{ <{UNIT}> ?p ?o }}", "text/turtle"),
    (f"CONSTRUCT WHERE {{ <{UNIT}> ?p ?o }}", "application/n-triples"),
    (f"CONSTRUCT WHERE {{ <{UNIT}> ?p ?o }}", "application/ld+json"),
    (f"CONSTRUCT WHERE {{ <{UNIT}> ?p ?o }}", "application/rdf+xml"),
])
def test_readers_answer_lookups_as_the_primary_does(srv: LiveServer, query: str, accept: str) -> None:
    for method in ("GET", "POST"):
        if method == "GET":
            def ask() -> requests.Response:
                return fresh("GET", srv.url + "/sparql", params={"query": query}, headers={"Accept": accept})
        else:
            def ask() -> requests.Response:
                return fresh("POST", srv.url + "/sparql", data={"query": query}, headers={"Accept": accept})
        mine, primary = until(by("reader"), ask), until(by("server"), ask)
        assert mine.status_code == primary.status_code == 200
        assert mine.content == primary.content and len(mine.content) > 20
        assert headers(mine) == headers(primary)


PARITY = [
    (LOOKUP, "application/sparql-results+json", "GET"),
    (LOOKUP, "text/csv", "POST"),
    (f"ASK {{ <{UNIT}> ?p ?o }}", "application/sparql-results+xml", "GET"),
    (f"SELECT * {{ <{EVENT}> ?p ?o }}", "text/tab-separated-values", "BODY"),
    (f"CONSTRUCT WHERE {{ <{UNIT}> ?p ?o }}", "application/ld+json", "POST"),
    (f"CONSTRUCT WHERE {{ <{EVENT}> ?p ?o }}", "text/turtle", "GET"),
]


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize(("query", "accept", "how"), PARITY)
def test_the_primarys_lean_path_answers_as_its_flask_path(srv: LiveServer, single: LiveServer, n: int, query: str,
                                                           accept: str, how: str) -> None:
    """The primary answers a lookup before Flask (webui.lean); an extra parameter whose name ends in ``lang``
    (which the lean path leaves to Flask, for the ``lang`` cookie) sends the same lookup through the Flask path,
    which answers it in process too.  Same status, bytes and headers, ``X-Govkg-Answered-By: server`` both."""
    server = single if n == 1 else srv

    def ask(extra: str) -> requests.Response:
        url, hdrs = server.url + "/sparql" + extra, {"Accept": accept}
        if how == "GET":
            return fresh("GET", url + ("&" if extra else "?") + "query=" + quote(query), headers=hdrs)
        if how == "POST":
            return fresh("POST", url, data={"query": query}, headers=hdrs)
        return fresh("POST", url, data=query.encode(), headers={**hdrs, "Content-Type": "application/sparql-query"})

    def direct(r: requests.Response) -> bool:  # the primary's own answer, not one forwarded by a reader
        return by("server")(r) and "X-Govkg-Via" not in r.headers

    lean, flask = until(direct, lambda: ask("")), until(direct, lambda: ask("?nolang=1"))
    assert lean.status_code == flask.status_code == 200
    assert lean.content == flask.content and len(lean.content) > 20
    assert headers(lean) == headers(flask)


@pytest.fixture(scope="module")
def refusing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Every query refused at once: CLIENT_CONCURRENCY=0 (no slot, no queue)."""
    with live_server(tmp_path_factory.mktemp("refusing") / "store", env={**ENV, "CLIENT_CONCURRENCY": "0"}) as s:
        yield s


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv", "*/*"])
def test_a_refused_lookup_is_refused_as_any_query(refusing: LiveServer, accept: str) -> None:
    """A lookup over the client's limit is refused on the lean path (any process): the same 429, bytes and headers
    as the app gives a query that is not a lookup."""
    def ask(query: str) -> requests.Response:
        return fresh("GET", refusing.url + "/sparql", params={"query": query}, headers={"Accept": accept})

    seen: set[str] = set()
    other = ask("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert other.status_code == 429 and other.headers["Retry-After"] and "CLIENT_CONCURRENCY=0" in other.text
    for _ in range(12):
        r = ask(LOOKUP)
        seen.add("reader" if "X-Govkg-Via" in r.headers else "server")
        assert r.status_code == 429
        assert r.content == other.content
        assert headers(r) == headers(other)
    assert seen


def test_a_write_is_seen_by_the_next_query_on_every_process(srv: LiveServer) -> None:
    for k in range(3):
        s = f"urn:govkg-test:procs-{k}"
        r = fresh("POST", srv.url + "/update", data={"update": f'INSERT DATA {{ GRAPH <urn:g:procs> {{ <{s}> '
                                                               f'<urn:p> "{k}" }} }}'}, headers=srv.auth())
        assert r.status_code == 204, r.text
        seen: set[str] = set()
        for _ in range(30):
            r = fresh("GET", srv.url + "/sparql", params={"query": f"ASK {{ <{s}> <urn:p> ?o }}"},
                      headers={"Accept": "application/sparql-results+json"})
            assert r.status_code == 200 and r.json()["boolean"] is True, (r.headers, r.text)
            seen.add(r.headers["X-Govkg-Answered-By"])
        assert "reader" in seen


def test_forwarded_routes_work_through_a_reader(srv: LiveServer) -> None:
    page = until(lambda r: r.headers.get("X-Govkg-Via") == "reader", lambda: fresh("GET", srv.url + "/"))
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    # an unbounded query goes on to the primary's query workers
    r = until(lambda r: r.headers.get("X-Govkg-Via") == "reader",
              lambda: fresh("GET", srv.url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                            headers={"Accept": "application/sparql-results+json"}))
    assert r.status_code == 200 and r.headers["X-Govkg-Answered-By"] == "worker"
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) > 100
    # a steward signs in through a reader: the session cookie comes back, and works on any process
    token = srv.token("steward")
    r = until(lambda r: r.headers.get("X-Govkg-Via") == "reader",
              lambda: fresh("POST", srv.url + "/steward/sign-in", data={"token": token}, allow_redirects=False))
    assert r.status_code == 303 and "session" in r.headers.get("Set-Cookie", "")
    for _ in range(6):
        desk = fresh("GET", srv.url + "/steward", cookies=r.cookies)
        assert desk.status_code == 200 and "sign-out" in desk.text
    # errors are the primary's own
    bad = until(lambda r: r.headers.get("X-Govkg-Via") == "reader",
                lambda: fresh("GET", srv.url + "/sparql", params={"query": "SELECT ?x WHERE { <a> ?p"}))
    assert bad.status_code == 400


def reader_pids(srv: LiveServer) -> list[int]:
    holds = Path(f"{srv.store}.snapshots") / "holds"
    return [int(f.name) for f in holds.iterdir() if f.name.isdigit()]


def test_a_reader_killed_is_replaced_and_lookups_go_on(srv: LiveServer) -> None:
    def ask() -> requests.Response:
        return fresh("GET", srv.url + "/sparql", params={"query": LOOKUP})

    until(by("reader"), ask)
    before = set(reader_pids(srv))
    os.kill(sorted(before)[0], signal.SIGKILL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not set(reader_pids(srv)) - before:  # a new reader has answered
        r = ask()
        assert r.status_code == 200 and r.headers["X-Govkg-Answered-By"] in ("reader", "server")
    assert set(reader_pids(srv)) - before, "no new reader answered a lookup within 60 s"


def test_kept_alive_connections_spread_over_the_processes(srv: LiveServer) -> None:
    """Connections opened one after another on an idle server (where the kernel tends to wake the same process
    each time) land one per process, so 6 kept-alive connections on 3 processes: 2 each, the primary's answering
    ``server`` and the readers' ``reader`` (webui/balanced.py)."""
    sessions = [requests.Session() for _ in range(6)]
    try:
        seen = []
        for s in sessions:
            r = s.get(f"{srv.url}/sparql", params={"query": LOOKUP}, timeout=30,
                      headers={"Accept": "application/sparql-results+json"})
            assert r.status_code == 200
            seen.append(r.headers["X-Govkg-Answered-By"])
            time.sleep(0.05)
        assert sorted(seen) == ["reader"] * 4 + ["server"] * 2
        for s, who in zip(sessions, seen, strict=True):  # each connection stays with its process
            r = s.get(f"{srv.url}/sparql", params={"query": LOOKUP}, timeout=30)
            assert r.headers["X-Govkg-Answered-By"] == who
    finally:
        for s in sessions:
            s.close()
