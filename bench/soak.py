"""A bounded soak of the real server: readers, writers, searches and entity pages at once, on 127.0.0.1.

    python -m bench.soak --seconds 300             # default 60 s; exit 1 when a promise broke

What must hold for the whole run:

- no 5xx answer except a documented 503 (query time limit, every worker busy: with ``Retry-After``);
- the resident memory of the store-owning server process stays under ``--max-rss-mb`` (its peak is reported,
  with the peak of the query workers);
- every write acknowledged is there at the end (one marker per write);
- afterwards no leaked process: while serving, the query workers alive are exactly the pool's size; after the
  server stops, nothing of its process group is left.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import requests

from tests.http_server import LiveServer, live_server

JSON = {"Accept": "application/sparql-results+json"}
QUERIES = [
    "ASK {}",
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?s ?l WHERE { GRAPH ?g { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } } LIMIT 200",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY DESC(?n)",
    "SELECT ?r (COUNT(*) AS ?n) WHERE { GRAPH <urn:soak> { ?x <urn:soak:req> ?r } } GROUP BY ?r",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 500",
]
SEARCHES = ["Hà Nội", "ha noi", "Bộ", "Chính phủ", "Thủ tướng", "Da Nang", "xyz", "hoà bình", "Nguyễn"]


class Broken(AssertionError):
    """A promise of the soak that did not hold."""


def _pids_by(pred: Any) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if pred(d):
                    out.append(int(d.name))
            except OSError:
                continue
    return out


def _stat(pid: int) -> list[str]:
    raw = Path(f"/proc/{pid}/stat").read_text()
    return raw[raw.rindex(")") + 2:].split()  # fields after the command name: state, ppid, pgrp, session, ...


def children(pid: int) -> list[int]:
    return _pids_by(lambda d: int(_stat(int(d.name))[1]) == pid and _stat(int(d.name))[0] != "Z")


def session_members(sid: int) -> list[int]:
    return _pids_by(lambda d: int(_stat(int(d.name))[3]) == sid and _stat(int(d.name))[0] != "Z")


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def server_worker(arbiter: int) -> list[int]:
    """gunicorn's worker processes (the arbiter's other child is multiprocessing's resource tracker)."""
    return [p for p in children(arbiter) if " serve " in cmdline(p)]


def query_workers(worker: int) -> list[int]:
    return [p for p in children(worker) if "query_worker" in cmdline(p)]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Soak:
    def __init__(self, srv: LiveServer, seconds: float, seed: int | None) -> None:
        self.srv = srv
        self.deadline = time.monotonic() + seconds
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.statuses: Counter[str] = Counter()
        self.bad: list[str] = []
        self.acked: list[int] = []
        self.next_k = 0
        self.peak = {"server": 0.0, "workers": 0.0}
        token = srv.auth("steward")
        self.token = token
        rows = self._json("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s a ?t } "
                          "FILTER(STRSTARTS(STR(?s), 'https://w3id.org/govkg/id/')) } LIMIT 60")
        self.entities = [r["s"]["value"].removeprefix("https://w3id.org/govkg") for r in rows]
        if not self.entities:
            raise Broken("the seeded store has no entity to visit")

    def _json(self, query: str) -> list[dict[str, Any]]:
        r = requests.post(self.srv.url + "/sparql", data={"query": query}, headers=JSON, timeout=60)
        r.raise_for_status()
        return list(r.json()["results"]["bindings"])

    def note(self, kind: str, r: requests.Response) -> None:
        with self.lock:
            self.statuses[f"{kind} {r.status_code}"] += 1
            if r.status_code >= 500 and not (r.status_code == 503 and "Retry-After" in r.headers):
                self.bad.append(f"{kind}: {r.status_code} {r.text[:200]!r}")

    def reader(self, n: int) -> None:
        ua = {"User-Agent": f"soak-reader-{n}", **JSON}
        while time.monotonic() < self.deadline:
            q = self.rng.choice(QUERIES)
            accept = "text/turtle" if q.startswith("CONSTRUCT") else JSON["Accept"]
            self.note("query", requests.post(self.srv.url + "/sparql", data={"query": q},
                                             headers={**ua, "Accept": accept}, timeout=90))

    def writer(self, n: int) -> None:
        while time.monotonic() < self.deadline:
            with self.lock:
                k = self.next_k
                self.next_k += 1
            body = f'INSERT DATA {{ GRAPH <urn:soak> {{ <urn:soak:{k}> <urn:soak:req> "{k}" }} }}'
            r = requests.post(self.srv.url + "/update", data={"update": body},
                              headers={**self.token, "User-Agent": f"soak-writer-{n}"}, timeout=90)
            self.note("write", r)
            if 200 <= r.status_code < 300:
                with self.lock:
                    self.acked.append(k)
            time.sleep(0.05)

    def searcher(self, n: int) -> None:
        while time.monotonic() < self.deadline:
            self.note("search", requests.get(self.srv.url + "/search", params={"q": self.rng.choice(SEARCHES)},
                                             headers={"User-Agent": f"soak-search-{n}"}, timeout=90))

    def pages(self, n: int) -> None:
        while time.monotonic() < self.deadline:
            self.note("page", requests.get(self.srv.url + self.rng.choice(self.entities),
                                           headers={"User-Agent": f"soak-page-{n}", "Accept": "text/html"},
                                           timeout=90))

    def sampler(self) -> None:
        while time.monotonic() < self.deadline:
            for worker in server_worker(self.srv.proc.pid):  # gunicorn's worker: the store-owning process
                self.peak["server"] = max(self.peak["server"], rss_mb(worker))
                for q in query_workers(worker):
                    self.peak["workers"] = max(self.peak["workers"], rss_mb(q))
            time.sleep(0.5)

    def run(self, readers: int, writers: int, searchers: int, pages: int) -> None:
        threads = [threading.Thread(target=self.sampler)]
        for fn, n in ((self.reader, readers), (self.writer, writers), (self.searcher, searchers), (self.pages, pages)):
            threads += [threading.Thread(target=fn, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def check_workers(srv: LiveServer) -> int:
    """The query workers alive equal the pool's count; none extra (a worker stopped at the limit is replaced)."""
    h = requests.get(srv.url + "/healthz", timeout=10).json()
    want = int(h.get("query_workers", {}).get("alive", 0))
    from webui.processes import processes_setting

    workers = server_worker(srv.proc.pid)
    n = processes_setting(int(srv.env.get("GOVKG_SERVING_PROCESSES") or 0))  # the primary and its readers
    if len(workers) != n:
        raise Broken(f"gunicorn has {len(workers)} worker processes, not {n}")
    time.sleep(0.5)
    got = sum(len(query_workers(w)) for w in workers)  # the primary's (readers have none)
    if got != want:
        raise Broken(f"{got} query worker processes alive, the pool counts {want}")
    return got


def run(workdir: Path, seconds: float = 60, *, readers: int = 3, writers: int = 2, searchers: int = 2,
        pages: int = 2, max_rss_mb: float = 1024, seed: int | None = None) -> dict[str, Any]:
    with live_server(workdir / "store", seed=True) as srv:
        soak = Soak(srv, seconds, seed)
        soak.run(readers, writers, searchers, pages)
        if soak.bad:
            raise Broken(f"{len(soak.bad)} answers were 5xx (not a documented 503): {soak.bad[:5]}")
        present = {int(r["r"]["value"]) for r in soak._json(QUERIES[4])}
        lost = sorted(set(soak.acked) - present)
        if lost:
            raise Broken(f"acknowledged writes missing: {lost[:20]}")
        n_workers = check_workers(srv)
        sid = srv.proc.pid
    time.sleep(0.5)
    left = session_members(sid)
    if left:
        raise Broken(f"processes of the server left after it stopped: {left}")
    if soak.peak["server"] > max_rss_mb:
        raise Broken(f"the server's resident memory peaked at {soak.peak['server']:.0f} MB (> {max_rss_mb:.0f} MB)")
    return {"requests": sum(soak.statuses.values()), "statuses": dict(sorted(soak.statuses.items())),
            "writes_acknowledged": len(soak.acked), "peak_rss_mb": {k: round(v) for k, v in soak.peak.items()},
            "query_workers": n_workers}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--readers", type=int, default=3)
    ap.add_argument("--writers", type=int, default=2)
    ap.add_argument("--searchers", type=int, default=2)
    ap.add_argument("--pages", type=int, default=2)
    ap.add_argument("--max-rss-mb", type=float, default=1024.0, help="bound on the server process's peak RSS")
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="govkg-soak-") as tmp:
        try:
            out = run(Path(tmp), a.seconds, readers=a.readers, writers=a.writers, searchers=a.searchers,
                      pages=a.pages, max_rss_mb=a.max_rss_mb, seed=a.seed)
        except Broken as e:
            print(f"soak: FAILED: {e}", flush=True)
            raise SystemExit(1) from None
        print(f"soak: ok: {out}")


if __name__ == "__main__":
    main()
