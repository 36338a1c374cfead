"""Viewer pages over HTTP, for :mod:`bench.http_lookup`: the SPARQL a page sends, replayed by concurrent clients.

- :func:`record_pages` opens a store, runs the viewer's data functions (:mod:`bench.viewer`) through a recording
  proxy and keeps the queries each page sends, with the project's prefixes written out (an rdflib endpoint does
  not predeclare them);
- :func:`load_pages` has ``clients`` threads each load one page after another, every query of the page a POST
  ``application/sparql-query``; one sample is the whole page.  A query past ``timeout`` seconds, or a page
  unfinished ``timeout`` seconds after the window, counts as an error and ends that client (a server that
  answers one query at a time would otherwise hold the run hostage);
- :func:`serve_rdflib` serves rdflib-endpoint on rdflib's memory store (a ``Dataset`` whose default graph is the
  union, as govkg's endpoint answers), loading at most ``cap`` seconds of the N-Quads and saying how much it
  loaded: a partial graph is smaller, so rdflib only gains from it and govkg's ratio is then a lower bound.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import statistics
import threading
import time
from pathlib import Path
from typing import Any

#: The heavier viewer pages measured over HTTP (names of :func:`bench.viewer.pages`).
PAGES = ("page:entity-unit", "page:timeline-unit", "page:as-of")


def record_pages(store_path: Path, dump: Path, names: tuple[str, ...] = PAGES) -> dict[str, list[str]]:
    """The queries each page in ``names`` sends (prologue included), recorded on the store at ``store_path``
    (seeded from the checkout when empty, as ``govkg serve`` would); the whole store written to ``dump``
    as N-Quads, for the other servers."""
    from bench import viewer
    from graph.commands.serve import prepare_store
    from graph.namespaces import sparql_prologue
    from graph.store import forget, open_store

    prepare_store(store_path, seed=True)
    store = open_store(store_path)
    try:
        with dump.open("wb") as fh:
            store.dump(fh, format="nquads")
        subjects = viewer.pick_subjects(store)
        rec = viewer.Recorder(store)
        out: dict[str, list[str]] = {}
        for name, _module, call in viewer.pages(subjects):
            if name not in names or call is None:
                continue
            rec.calls.clear()
            call(rec)
            out[name] = [sparql_prologue() + q for q, _kw in rec.calls]
        return out
    finally:
        forget(store)


def _post(conn: http.client.HTTPConnection, path: str, query: str) -> tuple[int, bytes]:
    conn.request("POST", path, body=query.encode("utf-8"),
                 headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    resp = conn.getresponse()
    return resp.status, resp.read()


def row_counts(port: int, path: str, queries: list[str], timeout: float) -> list[int | str]:
    """Rows of every query (or its HTTP status / the error): the same answers on both servers, or not.  Stops at
    the first query past ``timeout``."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    out: list[int | str] = []
    for q in queries:
        try:
            status, body = _post(conn, path, q)
        except (OSError, http.client.HTTPException) as e:
            conn.close()
            out.append(type(e).__name__)  # e.g. TimeoutError: the rest is not asked (the server is still busy)
            break
        if status != 200:
            out.append(f"HTTP {status}")
            continue
        doc = json.loads(body)
        out.append(len(doc["results"]["bindings"]) if "results" in doc else int(bool(doc.get("boolean"))))
    return out


def _page_client(args: tuple[int, str, list[str], float, int, float]) -> tuple[int, int, list[float]]:
    port, path, queries, seconds, threads, timeout = args
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    end = time.perf_counter() + seconds

    def loop() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        mine: list[float] = []
        while time.perf_counter() < end:
            t = time.perf_counter()
            try:
                ok = True
                for q in queries:
                    if time.perf_counter() > end + timeout:
                        raise TimeoutError  # a page still unfinished past the window: it does not count
                    ok = _post(conn, path, q)[0] == 200 and ok
            except (OSError, http.client.HTTPException):
                conn.close()
                with lock:
                    errors[0] += 1
                break  # timed out: this client stops (the server is still busy with the query)
            if ok:
                mine.append(time.perf_counter() - t)
            else:
                with lock:
                    errors[0] += 1
        with lock:
            lat.extend(mine)

    ts = [threading.Thread(target=loop) for _ in range(threads)]
    for th in ts:
        th.start()
    for th in ts:
        th.join()
    return len(lat), errors[0], lat


def load_pages(port: int, path: str, queries: list[str], seconds: float, clients: int,
               timeout: float) -> dict[str, Any]:
    """Pages per second (every query of the page answered 200), p50/p99 page latency, over ``clients``."""
    procs = max(1, min(2, clients))
    per = max(1, clients // procs)
    with multiprocessing.get_context("spawn").Pool(procs) as pool:
        t = time.perf_counter()
        parts = pool.map(_page_client, [(port, path, queries, seconds, per, timeout) for _ in range(procs)])
        wall = time.perf_counter() - t
    lat = sorted(x for _, _, ls in parts for x in ls)
    n = len(lat)
    return {
        "requests": n,
        "queries_per_page": len(queries),
        "errors": sum(p[1] for p in parts),
        "rps": n / max(wall, seconds),
        "wall_s": wall,
        "p50_ms": statistics.median(lat) * 1000 if lat else None,
        "p99_ms": lat[min(n - 1, int(n * 0.99))] * 1000 if lat else None,
        "clients": procs * per,
    }


def serve_rdflib(port: int, nquads: Path, status: Path, cap: float) -> None:
    """rdflib-endpoint on a memory ``Dataset`` (union default graph) of at most ``cap`` seconds of loading."""
    import uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    ds = Dataset(default_union=True)
    t = time.perf_counter()
    complete = True
    with nquads.open("r", encoding="utf-8") as fh:
        while True:
            chunk = "".join(line for _, line in zip(range(50_000), fh, strict=False))
            if not chunk:
                break
            ds.parse(data=chunk, format="nquads")
            if time.perf_counter() - t > cap:
                complete = fh.readline() == ""
                break
    status.write_text(json.dumps({"triples": len(ds), "load_s": time.perf_counter() - t, "complete": complete}))
    # Nothing points outside 127.0.0.1: no favicon URL, the public URL is this server (its YASGUI page, which
    # loads from a CDN, is served only to browsers, and no bench client asks for HTML).
    app = SparqlEndpoint(graph=ds, public_url=f"http://127.0.0.1:{port}/", favicon="", example_query="")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
