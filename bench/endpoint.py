"""Endpoint throughput and latency on 127.0.0.1: ``python -m bench.endpoint --dir STORE``.

govkg (the real ``govkg serve --no-seed``, with ``SERVING_PROCESSES`` 1 and N: one primary and N-1 readers), the
smallest Flask endpoint on pyoxigraph (:mod:`bench.flask_app`: the engine's and HTTP's limit, the issue's reference;
it opens the store read-only, so it runs as 1 and as N gunicorn processes alike) and a bare WSGI app
(:mod:`bench.bare_app`: a fixed answer, the HTTP limit, 1 process) are served in turn on a free port, each gunicorn
process with 16 threads (``--processes N``, default: what ``govkg serve`` runs on this machine,
:func:`webui.processes.processes_setting`); clients with keep-alive connections send point lookups
(``SELECT ?p ?o WHERE { <entity> ?p ?o }`` for entities of the store) for a fixed time, each connection as its own
client (its own ``User-Agent``; ``--same-client``: all one client, which govkg's ``CLIENT_CONCURRENCY`` limits).
The client is ``wrk`` when it is on the PATH (Debian's package: a C client, so the two cores go to the server rather
than to a Python client), else Python threads in two processes; the records say which.  Reported per app: requests
per second, p50 and p99 latency (with the Python client every latency), errors (wrk: after a 3 s warm-up run, so
that every server process is up), the connections each server process holds 1.5 s into a wrk run
(``connections_per_process``, from ``ss``), and the peak memory (VmHWM) summed over the server's process tree.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
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


def _serve(app: str, port: int, store: Path, threads: int, processes: int = 1) -> subprocess.Popen[bytes]:
    env = dict(os.environ, GOVKG_STORE=str(store), PYTHONPATH=str(ROOT))
    if app == GOVKG:  # the real server: its processes, the query pool, the checkpoints
        env.update(GOVKG_SERVING_PROCESSES=str(processes), GOVKG_THREADS=str(threads))
        cmd = [sys.executable, "-c", "from graph.cli import main; main()", "serve", "--no-seed", "--host",
               "127.0.0.1", "--port", str(port), "--store", str(store)]
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cmd = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(processes),
           "--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "5", "--log-level", "warning",
           app]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


GOVKG = "govkg serve"
WARM_UP_S = 3  # wrk before the measured run: the first answer comes while other processes may still be starting


def _wait(port: int, path: str, seconds: float = 120) -> bool:
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


WRK_SCRIPT = """local paths = {%s}
local i = 0
local threads = 0
agent = "wrk"
setup = function(thread)
  threads = threads + 1
  if %s then thread:set("agent", "govkg-bench/" .. threads) end
end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Accept"] = "application/sparql-results+json",
                                                     ["User-Agent"] = agent})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("GOVKG-WRK %%d %%d %%d %%d %%d\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99)))
end
"""


def wrk_load(port: int, path: str, queries: list[str], seconds: float, clients: int,
             same_client: bool = False) -> dict[str, object]:
    """``wrk`` on 127.0.0.1 with ``clients`` keep-alive connections, the lookups in turn: each connection its own
    client (a wrk thread each, its own ``User-Agent``: the server's CLIENT_CONCURRENCY counts address and agent),
    or with ``same_client`` all one client over 2 threads."""
    targets = ",".join(f'"{path}{urllib.parse.quote(q)}"' for q in queries)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT % (targets, "false" if same_client else "true"))
    threads = 2 if same_client else clients
    try:
        out = subprocess.run(["wrk", f"-t{threads}", f"-c{clients}", f"-d{max(1, round(seconds))}s", "-s", f.name,
                              f"http://127.0.0.1:{port}"], capture_output=True, text=True, timeout=seconds + 60)
    finally:
        os.unlink(f.name)
    line = next((x for x in out.stdout.splitlines() if x.startswith("GOVKG-WRK ")), "")
    if not line:
        raise RuntimeError(f"wrk printed no summary: {out.stdout[-300:]} {out.stderr[-300:]}")
    n, errors, duration_us, p50_us, p99_us = (int(x) for x in line.split()[1:])
    return {"requests": n, "errors": errors, "rps": n / (duration_us / 1e6), "p50_ms": p50_us / 1000,
            "p99_ms": p99_us / 1000, "clients": 1 if same_client else clients, "connections": clients}


def python_load(port: int, path: str, queries: list[str], seconds: float, clients: int) -> dict[str, object]:
    procs = max(1, min(2, clients))
    per = max(1, clients // procs)
    with multiprocessing.get_context("spawn").Pool(procs) as pool:
        t = time.perf_counter()
        parts = pool.map(_client, [(port, path, queries, seconds, per, i) for i in range(procs)])
        wall = time.perf_counter() - t
    lat = [x for _, _, ls in parts for x in ls]
    n, errs = sum(p[0] for p in parts), sum(p[1] for p in parts)
    return {"rps": n / min(wall, seconds + 0.5), "requests": n, "errors": errs, "latencies": lat,
            "clients": procs * per}


def pick_client(name: str) -> str:
    if name == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    return name


def measure(name: str, app: str, path: str, queries: list[str], store: Path, seconds: float, clients: int,
            client: str = "auto", processes: int = 1, same_client: bool = False) -> None:
    port = free_port()
    server = _serve(app, port, store, threads=16, processes=processes)
    client = pick_client(client)
    try:
        if not _wait(port, path + urllib.parse.quote(queries[0]) if queries else path):
            emit(kind="endpoint", engine=name, error="the server did not start")
            return
        if client == "wrk":
            wrk_load(port, path, queries, WARM_UP_S, clients, same_client)  # every process up and warm
            spread: list[list[int]] = []  # connections per server process, 1.5 s into the run
            timer = threading.Timer(min(1.5, seconds / 2), lambda: spread.append(connection_spread(port)))
            timer.start()
            figures = wrk_load(port, path, queries, seconds, clients, same_client)
            timer.join()
            figures["connections_per_process"] = spread[0] if spread else []
        else:
            figures = python_load(port, path, queries, seconds, clients)
        if app == GOVKG:  # the readers' share of the answers (X-Govkg-Answered-By), on a warm server
            figures["answered_by"] = answered_by(port, path, queries)
        emit(kind="endpoint", engine=name, processes=processes, client=client, server_peak_mb=tree_peak_mb(server.pid),
             **figures)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def connection_spread(port: int) -> list[int]:
    """How many established connections to ``port`` each server process holds, most first (``ss``; [] without
    it)."""
    try:
        out = subprocess.run(["ss", "-Htnp", "state", "established", f"( sport = :{port} )"], capture_output=True,
                             text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    counts: dict[str, int] = {}
    for pid in re.findall(r"pid=(\d+)", out):
        counts[pid] = counts.get(pid, 0) + 1
    return sorted(counts.values(), reverse=True)


def answered_by(port: int, path: str, queries: list[str], n: int = 40) -> dict[str, int]:
    """Which process answered ``n`` lookups sent 4 at a time on fresh connections."""
    from concurrent.futures import ThreadPoolExecutor

    def one(q: str) -> str:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            c.request("GET", path + urllib.parse.quote(q))
            r = c.getresponse()
            r.read()
            return r.getheader("X-Govkg-Answered-By") or f"status {r.status}"
        finally:
            c.close()

    out: dict[str, int] = {}
    with ThreadPoolExecutor(4) as pool:
        for who in pool.map(one, (queries * n)[:n]):
            out[who] = out.get(who, 0) + 1
    return out


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
    ap.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                    help="load client: wrk (when on the PATH: auto) or Python threads")
    from webui.processes import processes_setting

    ap.add_argument("--processes", type=int, default=processes_setting(0),
                    help="server processes of govkg and the reference (N; default: what govkg serve runs here)")
    ap.add_argument("--same-client", action="store_true",
                    help="wrk: every connection one client (one User-Agent), which CLIENT_CONCURRENCY then limits")
    a = ap.parse_args(argv)
    queries = lookups(a.dir)
    q = "/sparql?query="
    missing = _has_sparql()
    for n in sorted({1, a.processes}):
        if missing:
            emit(kind="endpoint", engine="govkg", unavailable=missing)
        else:
            measure("govkg", GOVKG, q, queries, a.dir, a.seconds, a.clients, a.client, processes=n,
                    same_client=a.same_client)
        measure("flask-pyoxigraph", "bench.flask_app:app", q, queries, a.dir, a.seconds, a.clients, a.client,
                processes=n, same_client=a.same_client)
    measure("bare", "bench.bare_app:app", q, queries, a.dir, a.seconds, a.clients, a.client,
            same_client=a.same_client)
    emit(kind="done", engine="endpoint")


if __name__ == "__main__":
    main()
