"""Helpers of the reliability tests (RELIABILITY.md): the store's fingerprint over HTTP, the CLI, a server on a
store of hostile data, and "alive" (health and ``ASK {}`` both answer within a second)."""

from __future__ import annotations

import gzip
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from graph.release import canonical_nquads, fingerprint_lines
from graph.store import forget, open_store
from tests.http_server import GOVKG, ROOT, LiveServer, live_server


def server_fingerprint(url: str) -> tuple[int, str]:
    """Quad count and SHA-256 of the canonical sorted N-Quads of the served store (its whole-store dump)."""
    r = requests.get(url + "/dumps/latest.nq.gz", timeout=60)
    r.raise_for_status()
    lines = canonical_nquads(gzip.decompress(r.content).decode("utf-8").splitlines())
    return len(lines), fingerprint_lines(lines)


def assert_alive(url: str) -> None:
    """RELIABILITY 'alive': /healthz 200 and ASK {} answered, each within a second (plus slack for CI)."""
    t = time.monotonic()
    h = requests.get(url + "/healthz", timeout=5)
    assert h.status_code == 200, h.text
    r = requests.get(url + "/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"},
                     timeout=5)
    assert r.status_code == 200 and r.json()["boolean"] is True, r.text
    assert time.monotonic() - t < 3.0


def govkg(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GOVKG, *args], env=env, capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def make_store(path: Path, trig: str) -> Path:
    """A store on disk holding ``trig`` (closed again, so a server can own it)."""
    st = open_store(path)
    try:
        st.load(trig.encode("utf-8"), format="trig")
    finally:
        forget(st)
    return path


@contextmanager
def server_on(path: Path, trig: str | None = None, env: dict[str, str] | None = None,
              seed: bool = False) -> Iterator[LiveServer]:
    if trig is not None:
        make_store(path, trig)
    with live_server(path, seed=seed, env=env) as srv:
        yield srv
