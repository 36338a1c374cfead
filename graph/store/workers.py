"""A pool of query worker processes with a real time limit.

pyoxigraph cannot cancel a running query from another thread, so the public query route runs no query in the
server process whose work it cannot bound (only provably bounded lookups, :mod:`graph.bounded`, are answered
there): each other query goes to a worker process (:mod:`graph.store.query_worker`) that has the latest
checkpoint generation (:mod:`graph.store.snapshots`) open read-only.  When the time limit passes the
worker is killed with SIGKILL, which truly stops the query, and a fresh one takes its place; other queries
are served by the other workers meanwhile.  A worker that crashes (an engine fault, the memory limit) is
replaced the same way.  Because workers open checkpoints read-only, the query route cannot write.
"""

from __future__ import annotations

import functools
import json
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import QuerySyntaxError, QueryTimeout, StoreError
from graph.formats import rdf_format, results_format
from graph.namespaces import PREFIXES
from graph.store.snapshots import Snapshots

WORKER_SCRIPT = Path(__file__).resolve().parent / "query_worker.py"
CHUNK = 64 * 1024
KINDS = ("solutions", "boolean", "graph")  # as graph.store.query_worker.KINDS


class PoolBusy(StoreError):
    """Every query worker stayed busy until the request's time ran out."""


class WorkerLost(StoreError):
    """The worker died while running the query (an engine fault or its memory limit)."""


@dataclass
class QueryJob:
    sparql: str
    results_format: str = "json"  # for SELECT and ASK (a name of graph.formats.RESULTS_FORMATS)
    rdf_format: str = "turtle"  # for CONSTRUCT and DESCRIBE (a name of graph.formats.RDF_FORMATS)
    max_rows: int = 10000
    union_default_graph: bool = False
    default_graphs: Sequence[str] = ()
    named_graphs: Sequence[str] = ()
    base_iri: str | None = None


@dataclass
class QueryAnswer:
    kind: str  # solutions, boolean, graph
    format: str  # the format name of the payload
    truncated: bool
    size: int
    chunks: Iterator[bytes] = field(repr=False)


class _Worker:
    def __init__(self, memory_mb: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER_SCRIPT), str(memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin = self.proc.stdin
        self.fd = self.proc.stdout.fileno()
        self.buf = bytearray()  # read from the pipe, not yet taken (a read takes what is there: one syscall a frame)
        self.ready = False
        self.has_prefixes = False  # the worker keeps the prefixes of its first job
        self.snapshot: Path | None = None

    def read_exact(self, n: int, deadline: float) -> bytes:
        buf = self.buf
        while len(buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                raise TimeoutError
            chunk = os.read(self.fd, max(CHUNK, n - len(buf)))
            if not chunk:
                raise EOFError
            buf += chunk
        out = bytes(buf[:n])
        del buf[:n]
        return out

    def read_frame(self, deadline: float) -> dict[str, Any]:
        """A JSON frame (``J``, 4-byte length, JSON), or an answer's binary header (``A``, kind, truncated,
        8-byte payload size), returned as ``{"kind", "truncated", "size"}`` with the payload still to read."""
        first = self.read_exact(5, deadline)
        if first[:1] == b"A":
            kind, truncated, size = struct.unpack(">BBQ", first[1:] + self.read_exact(6, deadline))
            return {"kind": KINDS[kind], "truncated": bool(truncated), "size": size}
        n = struct.unpack(">I", first[1:])[0]
        return dict(json.loads(self.read_exact(n, deadline)))

    def send(self, obj: dict[str, Any]) -> None:
        raw = json.dumps(obj).encode("utf-8")
        self.stdin.write(struct.pack(">I", len(raw)) + raw)
        self.stdin.flush()

    def kill(self) -> None:
        try:
            self.proc.send_signal(signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                if f is not None:
                    f.close()
            except OSError:
                pass


class QueryPool:
    """``size`` worker processes following ``snapshots``; :meth:`run` answers one query within a deadline."""

    def __init__(self, snapshots: Snapshots, size: int = 3, memory_mb: int = 2048) -> None:
        self.snapshots = snapshots
        self.size = max(1, size)
        self.memory_mb = memory_mb
        self.spill_dir = Path(tempfile.mkdtemp(prefix="govkg-answers-"))
        self._lock = threading.Condition()
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._closed = False
        self.killed = 0  # workers stopped at the time limit, for /healthz and tests
        self.fresh_lost = 0  # workers that died on their first job (the job was sent again to another)
        for _ in range(self.size):
            self._spawn()

    # --- workers ------------------------------------------------------------------------------------

    def _spawn(self) -> None:
        w = _Worker(self.memory_mb)
        with self._lock:
            self._all.add(w)
            self._idle.append(w)
            self._lock.notify()

    def _retire(self, w: _Worker) -> None:
        w.kill()
        with self._lock:
            self._all.discard(w)
        self.snapshots.release(w.snapshot)
        if not self._closed:
            self._spawn()

    def _acquire(self, deadline: float) -> _Worker:
        with self._lock:
            while not self._idle:
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    raise PoolBusy("every query worker is busy; try again shortly")
                self._lock.wait(left)
            return self._idle.pop()

    def _release(self, w: _Worker) -> None:
        with self._lock:
            self._idle.append(w)
            self._lock.notify()

    @property
    def busy(self) -> int:
        with self._lock:
            return len(self._all) - len(self._idle)

    @property
    def alive(self) -> int:
        with self._lock:
            return sum(1 for w in self._all if w.proc.poll() is None)

    # --- queries ------------------------------------------------------------------------------------

    def run(self, job: QueryJob, timeout: float) -> QueryAnswer:
        """Run ``job``; raise :class:`QueryTimeout` after ``timeout`` seconds (the worker is killed).

        A worker that dies on the first job it is given (it may have died as it started, e.g. on its memory limit
        while opening the checkpoint) is replaced and the job is sent once more, to another worker: a query must
        not fail because a fresh worker did.  A worker that had answered before and dies is the query's doing
        (an engine fault, the memory limit): :class:`WorkerLost`, no second try."""
        deadline = time.monotonic() + timeout
        w = self._acquire(deadline)
        if w.has_prefixes:
            return self._run_on(w, job, deadline, timeout)
        try:
            return self._run_on(w, job, deadline, timeout)
        except WorkerLost:
            self.fresh_lost += 1
            return self._run_on(self._acquire(deadline), job, deadline, timeout)

    def _run_on(self, w: _Worker, job: QueryJob, deadline: float, timeout: float) -> QueryAnswer:
        try:
            if not w.ready:
                w.read_frame(deadline)
                w.ready = True
            snap = self.snapshots.current
            if snap != w.snapshot:
                self.snapshots.hold(snap)
                self.snapshots.release(w.snapshot)
                w.snapshot = snap
            w.send(self._message(job, snap, first=not w.has_prefixes))
            w.has_prefixes = True
            header = w.read_frame(deadline)
            if "error" in header:
                self._release(w)
                if header["error"] == "syntax":
                    raise QuerySyntaxError(header["message"])
                raise StoreError(header["message"])
            kind = header["kind"]
            fmt = job.rdf_format if kind == "graph" else job.results_format
            if "path" in header:
                self._release(w)
                chunks = _file_chunks(Path(header["path"]))
            else:
                payload = w.read_exact(header["size"], deadline)
                self._release(w)
                chunks = iter([payload])
            return QueryAnswer(kind, fmt, bool(header["truncated"]), int(header["size"]), chunks)
        except TimeoutError:
            self.killed += 1
            self._retire(w)
            raise QueryTimeout(
                f"the query was stopped after QUERY_TIMEOUT_S={_secs(timeout)} seconds; make it more selective "
                "(a LIMIT, more bound terms)"
            ) from None
        except (EOFError, BrokenPipeError, OSError) as e:
            self._retire(w)
            raise WorkerLost(
                "the query stopped its worker process (an engine fault or the WORKER_MEMORY_MB limit)"
            ) from e

    def _message(self, job: QueryJob, snap: Path, first: bool = True) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "snapshot": str(snap),
            "query": job.sparql,
            "base_iri": job.base_iri,
            "union": job.union_default_graph,
            "default_graphs": list(job.default_graphs),
            "named_graphs": list(job.named_graphs),
            "results_format": _constant(results_format(job.results_format).ox),
            "rdf_format": _constant(rdf_format(job.rdf_format).ox),
            "max_rows": job.max_rows,
            "spill_dir": str(self.spill_dir),
        }
        if first:
            msg["prefixes"] = PREFIXES
        return msg

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
            self._idle.clear()
            self._lock.notify_all()
        for w in workers:
            w.kill()
        shutil.rmtree(self.spill_dir, ignore_errors=True)


def _file_chunks(path: Path) -> Iterator[bytes]:
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk
    finally:
        path.unlink(missing_ok=True)


@functools.cache
def _constant(value: Any) -> str:
    """The attribute name of a pyoxigraph format constant (``RdfFormat.TURTLE`` -> ``"TURTLE"``)."""
    cls = type(value)
    for name in dir(cls):
        if name.isupper() and getattr(cls, name) == value:
            return name
    raise ValueError(f"no constant for {value!r}")


def _secs(t: float) -> str:
    return str(int(t)) if float(t).is_integer() else str(t)
