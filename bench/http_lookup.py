"""One-entity lookups over HTTP on 127.0.0.1 under 8 concurrent clients, side by side in one run:

- ``govkg``: the real ``govkg serve`` (gunicorn, the query worker pool, the checkpoint of the store);
- ``bare``: a WSGI app returning a fixed SPARQL JSON answer (:mod:`bench.bare_app`) under the same gunicorn
  settings (:func:`graph.commands.serve.gunicorn_options`): what the server and the client cost on their own;
- ``rdflib-endpoint`` on rdflib's memory store, when ``rdflib_endpoint`` and ``uvicorn`` are installed (they
  are not pinned by govkg; the row says so when they are missing).

Reports requests per second, p50 and p99 latency per app, and the ratios govkg/bare (latency) and
govkg/rdflib-endpoint (throughput).  ``python -m bench.http_lookup [--store DIR] [--seconds S] [--clients N]``
or :func:`run` from the harness (it returns the figures as a dict).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

from bench.endpoint import free_port, python_load
from bench.http_pages import load_pages, record_pages, row_counts, serve_rdflib

ROOT = Path(__file__).resolve().parent.parent


def _wait(port: int, path: str, seconds: float = 120) -> None:
    end = time.time() + seconds
    while time.time() < end:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            if c.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"nothing answers on port {port}")


def _start(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    full = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.Popen(cmd, cwd=ROOT, env=full, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _stop(p: subprocess.Popen[bytes]) -> None:
    p.terminate()
    try:
        p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def _load(port: int, path: str, queries: list[str], seconds: float, clients: int) -> dict[str, Any]:
    out = python_load(port, path, queries, seconds, clients)
    lat = sorted(out.pop("latencies"))  # type: ignore[call-overload]
    n = len(lat)
    out["p50_ms"] = statistics.median(lat) * 1000 if lat else None
    out["p99_ms"] = lat[min(n - 1, int(n * 0.99))] * 1000 if lat else None
    return out


def _entity_queries(port: int, n: int = 50) -> list[str]:
    q = "SELECT DISTINCT ?s WHERE { ?s a ?t FILTER(STRSTARTS(STR(?s), 'https://w3id.org/govkg/id/')) } LIMIT " + str(n)
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", "/sparql?query=" + urllib.parse.quote(q), headers={"Accept": "application/sparql-results+json"})
    rows = json.loads(c.getresponse().read())["results"]["bindings"]
    return [f"SELECT ?p ?o WHERE {{ <{r['s']['value']}> ?p ?o }}" for r in rows]


def run(store: Path | None = None, seconds: float = 5.0, clients: int = 8, rdflib_cap: float = 600.0,
        page_timeout: float = 60.0) -> dict[str, Any]:
    """Measure the three servers in turn (lookups, then the heavier viewer pages); the figures and ratios."""
    tmp = tempfile.TemporaryDirectory(prefix="govkg-lookup-")
    store = store or Path(tmp.name) / "store"
    nquads = Path(tmp.name) / "dump.nq"
    out: dict[str, Any] = {"clients": clients, "seconds": seconds}
    pages = record_pages(store, nquads)  # seeds a fresh store; releases it before the server opens it
    port = free_port()
    govkg = _start([sys.executable, "-c", "from graph.cli import main; main()", "serve", "--port", str(port),
                    "--store", str(store)], {"GOVKG_MAX_ROWS": "1000000", "GOVKG_CLIENT_CONCURRENCY": "64"})
    try:
        _wait(port, "/healthz")
        queries = _entity_queries(port)
        out["govkg"] = _load(port, "/sparql?query=", queries, seconds, clients)
        out["pages"] = {name: {"govkg": load_pages(port, "/sparql", qs, seconds, clients, page_timeout),
                               "govkg_rows": row_counts(port, "/sparql", qs, page_timeout)}
                        for name, qs in pages.items()}
    finally:
        _stop(govkg)
    port = free_port()
    bare = _start([sys.executable, "-m", "bench.http_lookup", "--serve-bare", str(port)])
    try:
        _wait(port, "/")
        out["bare"] = _load(port, "/sparql?query=", queries, seconds, clients)
    finally:
        _stop(bare)
    out["rdflib-endpoint"] = _rdflib_endpoint(nquads, queries, pages, out["pages"], seconds, clients, rdflib_cap,
                                              page_timeout)
    g, b, r = out["govkg"], out["bare"], out["rdflib-endpoint"]
    out["ratios"] = {
        "p50_govkg_over_bare": g["p50_ms"] / b["p50_ms"] if g["p50_ms"] and b["p50_ms"] else None,
        "rps_govkg_over_bare": g["rps"] / b["rps"] if b["rps"] else None,
        "rps_govkg_over_rdflib_endpoint": g["rps"] / r["rps"] if r.get("rps") else None,
    }
    for name, pg in out["pages"].items():
        rp = pg.get("rdflib-endpoint") or {}
        if rp.get("requests") == 0 and "rps_below" not in rp:
            rp["rps_below"] = 1 / rp["wall_s"]  # not one page in the whole window
        out["ratios"][f"rps_govkg_over_rdflib_endpoint {name}"] = (
            pg["govkg"]["rps"] / rp["rps"] if rp.get("rps") else None)
        if rp.get("rps_below"):
            out["ratios"][f"rps_govkg_over_rdflib_endpoint {name} (at least)"] = pg["govkg"]["rps"] / rp["rps_below"]
    tmp.cleanup()
    return out


def _rdflib_endpoint(nquads: Path, queries: list[str], pages: dict[str, list[str]], page_out: dict[str, Any],
                     seconds: float, clients: int, cap: float, timeout: float) -> dict[str, Any]:
    """rdflib-endpoint (bench extra) on the same quads: lookups, then every page (figures into ``page_out``)."""
    try:
        import rdflib_endpoint  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        for pg in page_out.values():
            pg["rdflib-endpoint"] = {"unavailable": "not installed"}
        return {"unavailable": "rdflib-endpoint and uvicorn are not installed (pip install -e '.[bench]')"}
    status = nquads.with_suffix(".status.json")

    def start() -> tuple[int, subprocess.Popen[bytes]]:
        port = free_port()
        p = _start([sys.executable, "-m", "bench.http_lookup", "--serve-rdflib", str(port), str(nquads), str(status),
                    str(cap)])
        _wait(port, "/", cap + 300)
        return port, p

    port, p = start()
    try:
        loaded = json.loads(status.read_text())
        out = _load(port, "/?query=", queries, seconds, clients) | {"loaded": loaded}
        for name, qs in pages.items():
            rows = page_out[name]["rdflib-endpoint_rows"] = row_counts(port, "/", qs, timeout)
            if len(rows) == len(qs) and all(isinstance(n, int) for n in rows):
                r = page_out[name]["rdflib-endpoint"] = load_pages(port, "/", qs, seconds, clients, timeout)
                if r["errors"]:  # clients gave up on queries the server still works through: a fresh one
                    _stop_hard(p)
                    port, p = start()
                continue
            # One query of the page alone took more than ``timeout`` on a server that answers one query at a
            # time: fewer than 1/timeout pages a second, whatever the clients.  The server cannot drop the query.
            page_out[name]["rdflib-endpoint"] = {"requests": 0, "errors": 1, "rps_below": 1 / timeout,
                                                 "queries_per_page": len(qs), "wall_s": timeout,
                                                 "timed_out_at_query": len(rows)}
            _stop_hard(p)
            port, p = start()
        return out
    finally:
        _stop_hard(p)


def _stop_hard(p: subprocess.Popen[bytes]) -> None:
    """uvicorn waits for the query in hand on SIGTERM; a query rdflib may work on for minutes is killed."""
    p.terminate()
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def _serve_bare(port: int) -> None:
    from gunicorn.app.base import BaseApplication

    from bench.bare_app import app
    from graph.commands.serve import gunicorn_options
    from graph.settings import read_settings

    class Bare(BaseApplication):
        def load_config(self) -> None:
            for k, v in gunicorn_options("127.0.0.1", port, int(read_settings()["THREADS"])).items():
                self.cfg.set(k, v)

        def load(self) -> Any:
            return app

    Bare().run()


def report(out: dict[str, Any]) -> str:
    lines = [f"one-entity lookups, {out['clients']} clients, {out['seconds']} s each, 127.0.0.1"]
    for name in ("govkg", "bare", "rdflib-endpoint"):
        r = out[name]
        if "unavailable" in r:
            lines.append(f"  {name:<16} unavailable: {r['unavailable']}")
        else:
            lines.append(f"  {name:<16} {r['rps']:8.0f} req/s   p50 {r['p50_ms']:6.2f} ms   p99 {r['p99_ms']:6.2f} ms"
                         f"   errors {r['errors']}")
    loaded = out["rdflib-endpoint"].get("loaded")
    if loaded:
        lines.append(f"  rdflib-endpoint loaded {loaded['triples']:,} distinct triples in {loaded['load_s']:.0f} s"
                     + ("" if loaded["complete"] else " (stopped at the cap: ratios are lower bounds)"))
    for name, pg in out.get("pages", {}).items():
        lines.append(f"viewer {name} ({pg['govkg']['queries_per_page']} queries a page; one sample = the whole page)")
        for who in ("govkg", "rdflib-endpoint"):
            r = pg.get(who) or {"unavailable": "not measured"}
            if "unavailable" in r:
                lines.append(f"  {who:<16} unavailable: {r['unavailable']}")
            elif "timed_out_at_query" in r:
                lines.append(f"  {who:<16} query {r['timed_out_at_query'] + 1} of the page alone took over "
                             f"{r['wall_s']:.0f} s: < {r['rps_below']:.3f} pages/s")
            elif not r["requests"]:
                lines.append(f"  {who:<16} no page in {r['wall_s']:.0f} s (< {1 / r['wall_s']:.3f} pages/s)"
                             f"   errors {r['errors']}")
            else:
                lines.append(f"  {who:<16} {r['rps']:8.2f} pages/s p50 {r['p50_ms']:8.1f} ms"
                             f"   p99 {r['p99_ms']:8.1f} ms   errors {r['errors']}")
        if pg.get("rdflib-endpoint_rows") and pg["rdflib-endpoint_rows"] != pg["govkg_rows"]:
            lines.append(f"  rows differ: govkg {pg['govkg_rows']} rdflib-endpoint {pg['rdflib-endpoint_rows']}")
    for k, v in out["ratios"].items():
        lines.append(f"  {k:<52} {'n/a' if v is None else f'{v:.2f}'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.http_lookup")
    ap.add_argument("--store", type=Path, help="an existing store (default: a fresh one seeded from data/)")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    ap.add_argument("--serve-bare", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--rdflib-cap", type=float, default=600.0,
                    help="seconds rdflib may spend loading (past it, it serves what it loaded; said in the report)")
    ap.add_argument("--page-timeout", type=float, default=60.0, help="seconds one query of a page may take")
    ap.add_argument("--serve-rdflib", nargs=4, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.serve_bare:
        _serve_bare(a.serve_bare)
        return
    if a.serve_rdflib:
        port, nq, status, cap = a.serve_rdflib
        serve_rdflib(int(port), Path(nq), Path(status), float(cap))
        return
    out = run(a.store, a.seconds, a.clients, a.rdflib_cap, a.page_timeout)
    print(report(out))
    if a.json:
        a.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
