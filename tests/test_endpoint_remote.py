"""The endpoint's limits on the remote backend, where the engine runs queries in its own processes.

The protocol, negotiation, refusal, write and limit tests run on both backends (``BACKENDS`` in their modules);
these are what the remote path does instead of killing a worker: the time limit passed on to the engine, the row
cap asked of it, and engine refusals answered as client errors.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import requests

from graph.store.remote_answers import capped_select
from graph.store.remote_text import mask
from graph.store.snapshots import after_write
from tests.http_server import LiveServer, live_server

TIMEOUT_S = 2
MAX_ROWS = 50
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?a ?d ?g ?j"
COUNT_BOMB = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . FILTER(STR(?c) < STR(?i)) }"


def cap(text: str, rows: int = 51) -> str:
    return capped_select(text, mask(text), rows)


WHERE = "SELECT * WHERE { ?s ?p ?o }"


@pytest.mark.parametrize(("query", "expected"), [
    (WHERE, WHERE + "\nLIMIT 51\n"),
    (WHERE + " LIMIT 7", WHERE + " LIMIT 7"),  # below the cap: as it is
    (WHERE + " ORDER BY ?s LIMIT 9000 OFFSET 3", WHERE + " ORDER BY ?s LIMIT 51 OFFSET 3"),  # lowered
    ("SELECT * WHERE { { SELECT * WHERE { ?s ?p ?o } LIMIT 5 } }",
     "SELECT * WHERE { { SELECT * WHERE { ?s ?p ?o } LIMIT 5 } }\nLIMIT 51\n"),  # a sub-select's is not the top's
    (WHERE + " VALUES ?s { <urn:a> }", WHERE + "\nLIMIT 51\nVALUES ?s { <urn:a> }"),  # before trailing VALUES
    (WHERE + " # LIMIT 3", WHERE + " # LIMIT 3\nLIMIT 51\n"),  # a comment neither counts nor swallows it
    ('SELECT * WHERE { ?s ?p "} LIMIT 3" }', 'SELECT * WHERE { ?s ?p "} LIMIT 3" }\nLIMIT 51\n'),  # nor a string
])
def test_the_row_cap_is_asked_of_the_engine(query: str, expected: str) -> None:
    assert cap(query) == expected


def test_after_write_is_a_no_op_without_checkpoints() -> None:
    class NoCheckpoints:
        supports_backup = False

    after_write(NoCheckpoints())  # type: ignore[arg-type]  # nothing to publish, nothing raised


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory, virtuoso: dict[str, str]) -> Iterator[LiveServer]:
    env = {"QUERY_TIMEOUT_S": str(TIMEOUT_S), "MAX_ROWS": str(MAX_ROWS), "CLIENT_CONCURRENCY": "2"}
    with live_server(tmp_path_factory.mktemp("remote-limits") / "store", seed=True, env=env, remote=virtuoso) as s:
        yield s


def ask(srv: LiveServer) -> tuple[int, float]:
    t = time.monotonic()
    r = requests.get(srv.url + "/sparql", params={"query": "ASK {}"}, headers={"User-Agent": "probe"}, timeout=10)
    return r.status_code, time.monotonic() - t


def test_the_engine_stops_a_runaway_query_at_query_timeout_s_while_others_are_served(srv: LiveServer) -> None:
    result: dict[str, object] = {}

    def runaway() -> None:
        t = time.monotonic()
        r = requests.post(srv.url + "/sparql", data={"query": RUNAWAY}, headers={"User-Agent": "runaway"},
                          timeout=TIMEOUT_S + 30)
        result.update(status=r.status_code, text=r.text, seconds=time.monotonic() - t,
                      retry=r.headers.get("Retry-After"))

    th = threading.Thread(target=runaway)
    th.start()
    time.sleep(0.3)
    probes = [ask(srv) for _ in range(3)]
    th.join()
    assert all(status == 200 and seconds < 2 for status, seconds in probes), probes
    assert result["status"] == 503, result  # ORDER BY: the engine must see every row before the first
    assert "QUERY_TIMEOUT_S=2" in str(result["text"]) and result["retry"]
    assert float(result["seconds"]) < TIMEOUT_S + 5  # type: ignore[arg-type]
    assert ask(srv)[0] == 200


def test_an_aggregate_over_a_runaway_join_is_a_503(srv: LiveServer) -> None:
    t = time.monotonic()
    r = requests.post(srv.url + "/sparql", data={"query": COUNT_BOMB}, timeout=TIMEOUT_S + 30)
    assert r.status_code == 503 and "QUERY_TIMEOUT_S=2" in r.text  # never a partial count
    assert time.monotonic() - t < TIMEOUT_S + 5


def test_a_query_the_engine_cannot_compile_is_a_400_not_a_500(srv: LiveServer) -> None:
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s (<urn:p>|!<urn:p>)* ?o . ?x (<urn:p>|!<urn:p>)* ?y }"
    r = requests.post(srv.url + "/sparql", data={"query": q}, timeout=TIMEOUT_S + 30)
    assert r.status_code in (400, 503), r.text[:300]
    assert "Traceback" not in r.text


def test_relative_iris_resolve_against_the_endpoint(srv: LiveServer) -> None:
    r = requests.get(srv.url + "/sparql", params={"query": "SELECT ?x WHERE { BIND(<a> AS ?x) }"})
    assert r.json()["results"]["bindings"][0]["x"]["value"] == srv.url + "/a"
    q = "BASE <http://example.org/> SELECT ?x WHERE { BIND(<a> AS ?x) }"
    r = requests.get(srv.url + "/sparql", params={"query": q})
    assert r.json()["results"]["bindings"][0]["x"]["value"] == "http://example.org/a"
