"""``kill -9`` during a stream of writes, repeated (RELIABILITY H4), against the real server.

    python -m bench.kill9 --rounds 20            # the default; --seconds bounds the whole run as well

Each round: the server (``govkg serve`` on a store in a temporary directory) takes a stream of SPARQL updates,
each a batch of 1,000 triples ``<urn:kill9:K-j> <urn:batch> "K"`` in the graph ``<urn:kill9>`` with its own
marker ``K``; every 2xx is logged (``acked.log``).  At a random moment the server's whole process group gets
SIGKILL.  Then:

1. the store opens and conforms to the shapes (``govkg validate`` on the store directory);
2. the server restarts on it;
3. for every marker the count of its triples is 0 or 1,000 (never half a batch), every acknowledged batch is
   present, and the audit store (``/changes/sparql``) has exactly one applied changeset per batch present (no
   orphan record, none missing) and nothing left pending.

The next round writes on the restarted server.  Exit status 0 when every round held, 1 otherwise (the first
broken promise is printed).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import requests

from tests.http_server import GOVKG, ROOT, LiveServer, live_server

BATCH = 1000
GRAPH = "urn:kill9"
#: Asked of the audit store (``/changes/sparql``): changesets by status, settled at the restart.
CHANGESETS = ("SELECT ?status (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/govkg/graph/changes> "
              "{ ?c a <https://w3id.org/govkg/ontology#Changeset> ; <https://w3id.org/govkg/ontology#status> ?status }"
              " } GROUP BY ?status")


class Broken(AssertionError):
    """A promise of H4 that did not hold."""


def batch_update(k: int) -> str:
    triples = " ".join(f'<urn:kill9:{k}-{j}> <urn:batch> "{k}" .' for j in range(BATCH))
    return f"INSERT DATA {{ GRAPH <{GRAPH}> {{ {triples} }} }}"


def rows(srv: LiveServer, query: str, path: str = "/sparql") -> list[dict[str, str]]:
    auth = srv.auth("reader") if path != "/sparql" else {}
    r = requests.post(srv.url + path, data={"query": query},
                      headers={"Accept": "application/sparql-results+json", **auth}, timeout=60)
    r.raise_for_status()
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def stream_and_kill(srv: LiveServer, token: dict[str, str], first: int, kill_after: float,
                    acked_log: Path) -> tuple[list[int], int]:
    """Write batches ``first, first+1, ...`` until the server is killed ``kill_after`` s in.  (acked, next k)."""
    acked: list[int] = []
    state = {"k": first}
    stop = threading.Event()

    def stream() -> None:
        with acked_log.open("a", encoding="utf-8") as log:
            while not stop.is_set():
                k = state["k"]
                state["k"] = k + 1
                try:
                    r = requests.post(srv.url + "/update", data={"update": batch_update(k)}, headers=token,
                                      timeout=60)
                except requests.RequestException:
                    return
                if 200 <= r.status_code < 300:
                    acked.append(k)
                    log.write(f"{k}\n")
                    log.flush()
                elif r.status_code not in (429, 503):
                    log.write(f"# {k}: {r.status_code} {r.text[:200]!r}\n")

    t = threading.Thread(target=stream, daemon=True)
    t.start()
    time.sleep(kill_after)
    os.killpg(srv.proc.pid, signal.SIGKILL)  # the arbiter, the store-owning worker and the query workers
    srv.proc.wait()
    stop.set()
    t.join(timeout=70)
    return acked, state["k"]


def check_store_offline(store: Path, env: dict[str, str]) -> None:
    """The killed store opens and conforms to the shapes (``govkg validate``)."""
    r = subprocess.run([*GOVKG, "validate", "--lang", "en", "--store", str(store)], env=env, capture_output=True,
                       text=True, cwd=ROOT, timeout=600)
    if r.returncode != 0:
        raise Broken(f"govkg validate after kill -9 exited {r.returncode}:\n{r.stdout[-2000:]}{r.stderr[-2000:]}")


def check_served(srv: LiveServer, acked: set[int]) -> dict[int, int]:
    got = {int(r["k"]): int(r["n"]) for r in rows(
        srv, f"SELECT ?k (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s <urn:batch> ?k }} }} GROUP BY ?k")}
    half = {k: n for k, n in got.items() if n != BATCH}
    if half:
        raise Broken(f"half-applied batches (marker -> triples): {half}")
    lost = sorted(acked - set(got))
    if lost:
        raise Broken(f"acknowledged batches missing after the restart: {lost}")
    by = {r["status"]: int(r["n"]) for r in rows(srv, CHANGESETS, "/changes/sparql")}
    if by.get("applied", 0) != len(got):
        raise Broken(f"{by.get('applied', 0)} applied changesets for {len(got)} batches present ({by})")
    if set(by) - {"applied", "aborted"}:
        raise Broken(f"changesets left unsettled after the restart: {by}")
    return got


def run(rounds: int, seconds: float, workdir: Path, seed: int | None = None, quiet: bool = False) -> dict[str, int]:
    """Run up to ``rounds`` rounds (fewer if ``seconds`` run out; at least one).  Raises :class:`Broken`."""
    rng = random.Random(seed)
    store = workdir / "store"
    acked_log = workdir / "acked.log"
    acked: set[int] = set()
    k = 0
    done = 0
    present = 0
    deadline = time.monotonic() + seconds
    tokens: dict[str, str] = {}  # the secrets made for this store, passed on to every restarted server
    with ExitStack() as stack:
        srv = stack.enter_context(live_server(store, seed=True, tokens=tokens))
        token = srv.auth("steward")  # kept in the store's token file: valid after every restart
        while done < rounds and (done == 0 or time.monotonic() < deadline):
            new, k = stream_and_kill(srv, token, k, rng.uniform(0.5, 3.0), acked_log)
            acked.update(new)
            stack.close()
            check_store_offline(store, srv.env)
            srv = stack.enter_context(live_server(store, seed=False, tokens=tokens))
            present = len(check_served(srv, acked))
            done += 1
            if not quiet:
                print(f"round {done}: {len(new)} batches acknowledged before the kill; {present} batches present, "
                      f"{len(acked)} acknowledged in all; none half-applied", flush=True)
    return {"rounds": done, "acknowledged": len(acked), "present": present, "attempted": k}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=20, help="kill -9 rounds (default 20)")
    ap.add_argument("--seconds", type=float, default=1800.0, help="stop starting rounds after this long")
    ap.add_argument("--seed", type=int, default=None, help="random seed of the kill moments")
    ap.add_argument("--keep", type=Path, default=None, help="work in this directory and keep it")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="govkg-kill9-") as tmp:
        work = a.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        t = time.monotonic()
        try:
            out = run(a.rounds, a.seconds, work, a.seed)
        except Broken as e:
            print(f"kill9: FAILED: {e}", flush=True)
            raise SystemExit(1) from None
        print(f"kill9: ok: {out['rounds']} rounds in {time.monotonic() - t:.0f} s; {out['acknowledged']} batches "
              f"acknowledged of {out['attempted']} sent, all present, none half-applied, the store conforms")


if __name__ == "__main__":
    main()
