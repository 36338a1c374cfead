"""Endpoint throughput and latency on 127.0.0.1: ``python -m bench.endpoint --dir STORE``.

govkg's app (``webui.app:create_app()``, with the SPARQL blueprint) and a bare WSGI app
(:mod:`bench.bare_app`) are served in turn by the same gunicorn settings on a free port; client processes with
keep-alive connections send point lookups (``SELECT ?p ?o WHERE { <entity> ?p ?o }`` for entities of the
store) for a fixed time.  Reported per app: requests per second, every latency, errors, and the peak memory
(VmHWM) summed over the server's process tree.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from bench.worker import ROOT, emit


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree_peak_mb(pid: int) -> float:
    """Sum of VmHWM over ``pid`` and its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(p.name))
    total, todo = 0, [pid]
    while todo:
        q = todo.pop()
        todo += children.get(q, [])
        try:
            for line in Path(f"/proc/{q}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _client(args: tuple[int, str, list[str], float, int, int]) -> tuple[int, int, list[float]]:
    port, path, queries, seconds, threads, seed = args
    import threading

    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    end = time.perf_counter() + seconds

    def loop(k: int) -> None:
        rng = random.Random(seed * 100 + k)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Accept": "application/sparql-results+json", "User-Agent": f"govkg-bench/{seed}-{k}"}
        mine: list[float] = []
        while time.perf_counter() < end:
            target = path + urllib.parse.quote(rng.choice(queries)) if queries else path
            t = time.perf_counter()
            try:
                conn.request("GET", target, headers=headers)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            if ok:
                mine.append(time.perf_counter() - t)
            else:
                with lock:
                    errors[0] += 1
        with lock:
            lat.extend(mine)

    ts = [threading.Thread(target=loop, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return len(lat), errors[0], lat


def _serve(app: str, port: int, store: Path, threads: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, GOVKG_STORE=str(store), PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
           "--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "5", "--log-level", "warning",
           app]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait(port: int, path: str, seconds: float = 30) -> bool:
    end = time.time() + seconds
    while time.time() < end:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            c.getresponse().read()
            return True
        except OSError:
            time.sleep(0.2)
    return False


def measure(name: str, app: str, path: str, queries: list[str], store: Path, seconds: float, clients: int) -> None:
    port = free_port()
    server = _serve(app, port, store, threads=16)
    try:
        if not _wait(port, path + urllib.parse.quote(queries[0]) if queries else path):
            emit(kind="endpoint", engine=name, error="the server did not start")
            return
        procs = max(1, min(2, clients))
        per = max(1, clients // procs)
        with multiprocessing.get_context("spawn").Pool(procs) as pool:
            t = time.perf_counter()
            parts = pool.map(_client, [(port, path, queries, seconds, per, i) for i in range(procs)])
            wall = time.perf_counter() - t
        lat = [x for _, _, ls in parts for x in ls]
        n, errs = sum(p[0] for p in parts), sum(p[1] for p in parts)
        emit(kind="endpoint", engine=name, rps=n / min(wall, seconds + 0.5), requests=n, errors=errs,
             latencies=lat, server_peak_mb=tree_peak_mb(server.pid), clients=procs * per)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def lookups(store_dir: Path, n: int = 200) -> list[str]:
    """Point lookups for ``n`` entities of the store (read from a checkpoint, the store stays unlocked)."""
    from graph.store import EmbeddedStore

    s = EmbeddedStore(store_dir)
    rows = s.query('SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s a ?t } FILTER(isIRI(?s)) } LIMIT ' + str(n)).rows()
    s.close()
    return [f"SELECT ?p ?o WHERE {{ <{r['s']}> ?p ?o }}" for r in rows]


def _has_sparql() -> str:
    try:
        from webui.app import BLUEPRINTS
    except ImportError as e:
        return f"webui is not importable: {e}"
    if "webui.sparql" not in BLUEPRINTS:
        return "the SPARQL endpoint (webui.sparql) is not registered in webui.app yet"
    return ""


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.endpoint")
    ap.add_argument("--dir", type=Path, required=True)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--clients", type=int, default=8)
    a = ap.parse_args(argv)
    queries = lookups(a.dir)
    missing = _has_sparql()
    if missing:
        emit(kind="endpoint", engine="govkg", unavailable=missing)
    else:
        measure("govkg", "webui.app:create_app()", "/sparql?query=", queries, a.dir, a.seconds, a.clients)
    measure("bare", "bench.bare_app:app", "/sparql?query=", queries, a.dir, a.seconds, a.clients)
    emit(kind="done", engine="endpoint")


if __name__ == "__main__":
    main()
