"""Follow the checkpoint generations of a store from another process, and answer bounded lookups on them.

A *reader* process of ``govkg serve`` (``SERVING_PROCESSES`` above 1) never opens the read-write store: RocksDB
allows one writer process.  It opens the current checkpoint generation (:mod:`graph.store.snapshots`) read-only and
reopens when the primary publishes a new one.  Each request costs one ``readlink`` of ``<snapshots>/current``:
the primary publishes before it answers a write, so a write acknowledged by any process is seen by the very next
query on every process.

Holding a generation: before opening one, a follower names it in ``holds/<pid>`` and reads ``current`` again; the
primary points ``current`` at a new generation *before* it collects old ones, so a generation a follower named and
then still saw as current is never deleted under it.  A generation in use by a request when a newer one appears
is held until that request ends.  A follower killed with SIGKILL leaves its file; the primary removes it once
the pid is gone (:func:`graph.store.snapshots.held_elsewhere`).

:meth:`Follower.answer` is the reader's half of :func:`graph.store.inprocess.answer_here`: the same probe
(:func:`graph.store.inprocess.within`: the pattern matches at most ``max_rows`` rows) and the same answer code as
the query workers, so the bytes are the same; verdicts are remembered per generation and query.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from graph.bounded import Lookup
from graph.store.inprocess import job_message, within
from graph.store.query_worker import run as run_job
from graph.store.snapshots import CURRENT, HOLDS
from graph.store.workers import QueryAnswer, QueryJob

VERDICTS_MAX = 4096
TAKE_TRIES = 5


class Follower:
    """The current generation of the snapshots in ``root``, opened read-only in this process.  Thread-safe."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._link = str(self.root / CURRENT)
        self._hold_file = self.root / HOLDS / str(os.getpid())
        self._lock = threading.Lock()
        self._name: str | None = None  # the generation new requests use
        self._stores: dict[str, ox.Store] = {}
        self._users: dict[str, int] = {}
        self._verdicts: OrderedDict[tuple[str, str, bool, str | None, int], bool] = OrderedDict()

    def current_name(self) -> str | None:
        try:
            return os.readlink(self._link)
        except OSError:  # no primary has published yet (or it is shutting down)
            return None

    @contextmanager
    def opened(self) -> Iterator[tuple[str, ox.Store] | None]:
        """(generation, read-only store) current at this moment, held while the block runs; ``None`` when there
        is none to open (the caller forwards the request to the primary)."""
        name = self.current_name()
        got = self._acquire(name) if name is not None else None
        try:
            yield got
        finally:
            if got is not None:
                self._release(got[0])

    def _acquire(self, name: str) -> tuple[str, ox.Store] | None:
        with self._lock:
            if name != self._name:
                if not self._take(name):
                    return None
            assert self._name is not None
            self._users[self._name] = self._users.get(self._name, 0) + 1
            return self._name, self._stores[self._name]

    def _take(self, name: str) -> bool:
        """Under the lock: hold generation ``name`` (or a newer one, if it moved meanwhile) and open it."""
        for _ in range(TAKE_TRIES):
            self._write_holds({*self._stores, name})
            now = self.current_name()
            if now != name:  # published meanwhile: the primary may collect ``name`` now; hold the newer one
                if now is None:
                    break
                name = now
                continue
            try:
                store = ox.Store.read_only(str(self.root / name))
            except OSError:
                break
            old = self._name
            self._stores[name] = store
            self._name = name
            if old is not None and not self._users.get(old):
                self._drop(old)
            self._write_holds(set(self._stores))
            return True
        self._write_holds(set(self._stores))
        return False

    def _release(self, name: str) -> None:
        with self._lock:
            left = self._users.get(name, 1) - 1
            if left > 0:
                self._users[name] = left
                return
            self._users.pop(name, None)
            if name != self._name:
                self._drop(name)
                self._write_holds(set(self._stores))

    def _drop(self, name: str) -> None:
        self._stores.pop(name, None)
        self._verdicts = OrderedDict((k, v) for k, v in self._verdicts.items() if k[0] != name)

    def _write_holds(self, names: set[str]) -> None:
        tmp = self._hold_file.with_name(f".{self._hold_file.name}.tmp")
        try:
            self._hold_file.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text("".join(f"{n}\n" for n in sorted(names)))
            os.replace(tmp, self._hold_file)
        except OSError:
            pass

    def close(self) -> None:
        with self._lock:
            self._stores.clear()
            self._name = None
            self._hold_file.unlink(missing_ok=True)

    # --- answers -------------------------------------------------------------------------------------

    def answer(self, job: QueryJob, found: Lookup, max_rows: int) -> tuple[QueryAnswer | None, bool]:
        """(answer, had a generation): the answer to the bounded lookup ``job`` on the current generation, or
        ``None`` when it is not small enough here (or there is no generation: the second value is ``False``).
        Errors of the engine propagate (the caller forwards the request, and the primary reports them)."""
        if max_rows <= 0 or job.default_graphs or job.named_graphs:
            return None, True
        with self.opened() as got:
            if got is None:
                return None, False
            name, raw = got
            if not self._small(name, raw, found, job, max_rows):
                return None, True
            header, payload = run_job(raw, job_message(job, max_rows))
        kind = header["kind"]
        fmt = job.rdf_format if kind == "graph" else job.results_format
        return QueryAnswer(kind, fmt, bool(header["truncated"]), len(payload), iter([payload])), True

    def _small(self, name: str, raw: ox.Store, found: Lookup, job: QueryJob, max_rows: int) -> bool:
        key = (name, job.sparql, job.union_default_graph, job.base_iri, max_rows)
        with self._lock:
            verdict = self._verdicts.get(key)
            if verdict is not None:
                self._verdicts.move_to_end(key)
                return verdict
        verdict = within(raw, found, job, max_rows)
        with self._lock:
            self._verdicts[key] = verdict
            while len(self._verdicts) > VERDICTS_MAX:
                self._verdicts.popitem(last=False)
        return verdict
