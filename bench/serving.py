"""The serving process at scale: ``python -m bench.serving --store DIR``.

Starts the real ``govkg serve`` (gunicorn, its query workers) on 127.0.0.1 against a store, and reports as JSON
lines: how long the first search took to answer and what it said while the index was being built (the
``X-Govkg-Search-Index`` header), how long until the index was there, the typeahead keystrokes of
:data:`bench.viewer.TYPEAHEAD` over HTTP once it is (p50, p95), the viewer's pages served once each, and the peak
resident memory of the whole process tree (gunicorn's arbiter, its worker, the query workers) at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from bench.endpoint import free_port, tree_peak_mb
from bench.measure import p50, p95
from bench.viewer import TYPEAHEAD

ROOT = Path(__file__).resolve().parent.parent


def emit(**rec: Any) -> None:
    sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def get(url: str, timeout: float = 600) -> tuple[float, int, dict[str, str], bytes]:
    """(seconds, status, headers, body) of a GET asking for JSON."""
    req = urllib.request.Request(url, headers={"Accept": "application/json"})
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = r.read()
            return time.perf_counter() - t, r.status, dict(r.headers), body
    except urllib.error.HTTPError as e:
        return time.perf_counter() - t, e.code, dict(e.headers), e.read()


def serve(store: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVKG_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-c", "from graph.cli import main; main()", "serve", "--host", "127.0.0.1", "--port",
           str(port), "--store", str(store), "--no-seed"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_up(url: str, proc: subprocess.Popen[bytes], seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"bench.serving: the server exited with {proc.returncode}")
        try:
            get(url + "/search", timeout=5)  # a cheap page: the home page counts the whole graph
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("bench.serving: the server did not answer")


def run(store: Path, pages: list[str], index_timeout: float, start_timeout: float = 900) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = serve(store, port)
    try:
        t0 = time.monotonic()
        _wait_up(url, proc, start_timeout)
        emit(kind="serving", name="start", seconds=time.monotonic() - t0)
        search = url + "/search?q="
        dt, status, headers, body = get(search + urllib.parse.quote("vụ tổ chức"))
        emit(kind="serving", name="first-search", seconds=dt, status=status,
             index=headers.get("X-Govkg-Search-Index", "ready"), hits=len(json.loads(body or b"[]")))
        t1 = time.monotonic()
        while time.monotonic() - t1 < index_timeout:
            _, _, headers, _ = get(search + "v")
            if "X-Govkg-Search-Index" not in headers:
                break
            time.sleep(0.5)
        emit(kind="serving", name="index-ready", seconds=time.monotonic() - t1,
             ready="X-Govkg-Search-Index" not in headers)
        lat = []
        for _ in range(10):
            for q in TYPEAHEAD:
                lat.append(get(search + urllib.parse.quote(q))[0])
        emit(kind="serving", name="typeahead-http", p50_ms=p50(lat) * 1000, p95_ms=p95(lat) * 1000, n=len(lat))
        for path in pages:
            dt, status, _, _ = get(url + path)
            emit(kind="serving", name="page", path=path, seconds=dt, status=status)
        emit(kind="serving", name="tree-peak-memory", peak_mb=tree_peak_mb(proc.pid))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.serving", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", type=Path, required=True, help="a store directory (not opened by anyone else)")
    ap.add_argument("--page", action="append", default=[], help="a path to GET once after typeahead (repeatable)")
    ap.add_argument("--index-timeout", type=float, default=900, help="seconds to wait for the search index")
    ap.add_argument("--start-timeout", type=float, default=900, help="seconds to wait for the server to answer")
    a = ap.parse_args(argv)
    run(a.store, a.page, a.index_timeout, a.start_timeout)


if __name__ == "__main__":
    main()
