"""Time limit, row cap, nesting bounds and per-client fairness, on a real server with small limits."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.http_server import LiveServer, live_server

TIMEOUT_S = 2
MAX_ROWS = 50
# CPU-bound without memory growth (a count over a cartesian product streams), so only the time limit can stop it;
# a query that materialises (ORDER BY) may hit WORKER_MEMORY_MB first, which tests/test_reliability_endpoint.py covers.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
PATH_BOMB = "SELECT (COUNT(*) AS ?n) WHERE { ?s (<urn:p>|!<urn:p>)* ?o . ?x (<urn:p>|!<urn:p>)* ?y }"
BACKENDS = ("embedded", "remote")  # tests/conftest.py; the remote engine's own limit: tests/test_endpoint_remote.py


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory, remote_engine: dict[str, str] | None) -> Iterator[LiveServer]:
    env = {"QUERY_TIMEOUT_S": str(TIMEOUT_S), "MAX_ROWS": str(MAX_ROWS), "CLIENT_CONCURRENCY": "1",
           "QUERY_WORKERS": "2", "MAX_NESTING": "64"}
    with live_server(tmp_path_factory.mktemp("limits") / "store", seed=True, env=env, remote=remote_engine) as s:
        yield s


def worker_pids(srv: LiveServer) -> set[int]:
    """The query worker processes of this server (its session, started by live_server)."""
    out = set()
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            cmd = (p / "cmdline").read_bytes()
            stat = (p / "stat").read_text()
        except OSError:
            continue
        session = int(stat.rsplit(")", 1)[1].split()[3])
        if b"query_worker.py" in cmd and session == srv.proc.pid and " Z " not in stat:
            out.add(int(p.name))
    return out


def ask(srv: LiveServer, agent: str = "probe") -> tuple[int, float]:
    t = time.monotonic()
    r = requests.get(srv.url + "/sparql", params={"query": "ASK {}"}, headers={"User-Agent": agent}, timeout=10)
    return r.status_code, time.monotonic() - t


def test_rows_are_capped_with_an_explicit_marker(srv: LiveServer) -> None:
    r = requests.get(srv.url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 200
    assert r.headers["X-Result-Truncated"] == "true"
    assert r.headers["X-Result-Limit"] == str(MAX_ROWS)
    assert len(r.json()["results"]["bindings"]) == MAX_ROWS
    small = requests.get(srv.url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 7"})
    assert small.headers["X-Result-Truncated"] == "false"
    assert len(small.json()["results"]["bindings"]) == 7


def test_exactly_max_rows_is_not_truncated(srv: LiveServer) -> None:
    q = f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}"
    r = requests.get(srv.url + "/sparql", params={"query": q}, headers={"Accept": "text/csv"})
    assert r.headers["X-Result-Truncated"] == "false"
    assert len(r.text.strip().splitlines()) == MAX_ROWS + 1


def test_construct_is_capped_too(srv: LiveServer) -> None:
    r = requests.get(srv.url + "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                     headers={"Accept": "application/n-triples"})
    assert r.headers["X-Result-Truncated"] == "true"
    assert len(r.text.strip().splitlines()) == MAX_ROWS


@pytest.mark.embedded_only("the query worker processes are the embedded store's")
@pytest.mark.parametrize("query", [RUNAWAY, PATH_BOMB])
def test_a_runaway_query_is_stopped_while_others_are_served(srv: LiveServer, query: str) -> None:
    before = worker_pids(srv)
    assert len(before) == 2
    killed_before = requests.get(srv.url + "/healthz").json()["query_workers"]["stopped_at_time_limit"]
    result: dict[str, object] = {}

    def runaway() -> None:
        t = time.monotonic()
        r = requests.post(srv.url + "/sparql", data={"query": query}, headers={"User-Agent": "runaway"},
                          timeout=TIMEOUT_S + 30)
        result.update(status=r.status_code, text=r.text, seconds=time.monotonic() - t,
                      retry=r.headers.get("Retry-After"))

    th = threading.Thread(target=runaway)
    th.start()
    time.sleep(0.5)
    probes = [ask(srv) for _ in range(3)]
    th.join()
    assert all(status == 200 and seconds < 1 for status, seconds in probes), probes
    assert result["status"] == 503
    assert "QUERY_TIMEOUT_S" in str(result["text"])
    assert float(result["seconds"]) < TIMEOUT_S + 5  # type: ignore[arg-type]
    health = requests.get(srv.url + "/healthz").json()
    assert health["query_workers"]["stopped_at_time_limit"] == killed_before + 1
    time.sleep(1)
    after = worker_pids(srv)
    assert len(after) == 2 and after != before  # the runaway's process is gone, a fresh one took its place
    for pid in before - after:
        assert not Path(f"/proc/{pid}").exists() or " Z " in Path(f"/proc/{pid}/stat").read_text()
    assert ask(srv)[0] == 200


def test_deep_nesting_is_refused_before_the_engine(srv: LiveServer) -> None:
    pids = worker_pids(srv)
    q = "SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000
    r = requests.post(srv.url + "/sparql", data={"query": q})
    assert r.status_code == 400 and "MAX_NESTING=64" in r.text
    chain = "ASK { FILTER(" + " && ".join(["true"] * 20000) + ") }"
    r = requests.post(srv.url + "/sparql", data={"query": chain})
    assert r.status_code == 400 and "MAX_OPERATORS" in r.text
    assert worker_pids(srv) == pids  # no worker crashed
    assert ask(srv)[0] == 200


def test_one_client_gets_429_beyond_its_share(srv: LiveServer) -> None:
    result: dict[str, int] = {}

    def slow() -> None:
        r = requests.post(srv.url + "/sparql", data={"query": RUNAWAY}, headers={"User-Agent": "flood"})
        result["slow"] = r.status_code

    th = threading.Thread(target=slow)
    th.start()
    time.sleep(0.5)
    second = requests.post(srv.url + "/sparql", data={"query": "ASK {}"}, headers={"User-Agent": "flood"})
    other = ask(srv, agent="someone-else")
    th.join()
    assert second.status_code == 429
    assert int(second.headers["Retry-After"]) >= 1
    assert "CLIENT_CONCURRENCY=1" in second.text
    assert other[0] == 200 and other[1] < 1
    assert result["slow"] == 503
