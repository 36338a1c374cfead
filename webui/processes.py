"""The processes of ``govkg serve``: one *primary* owns the store, the others are *readers*.

gunicorn's arbiter opens the public port and a private unix socket, then forks ``SERVING_PROCESSES`` worker
processes that all accept on the public port.  Right after its fork (:func:`post_fork`) each one tries to take an
exclusive ``flock`` on ``primary.lock`` in the run's private directory: the one that gets it is the primary (it
also accepts on the private socket, opens the read-write store, publishes checkpoints, owns the query workers,
caches and writes); the others are readers (:mod:`webui.readers`) and stop listening on the private socket.  The
kernel drops the lock with its process, so when the primary dies (even by SIGKILL) the process gunicorn forks in
its place takes it; a reader that dies is replaced by a reader.  Forwards that arrive meanwhile wait in the private
socket's backlog, which the arbiter keeps open.  Every process answers bounded lookups first on the lean path
(:mod:`webui.lean`), and counts each client's queries in flight in one file of the run (:mod:`webui.shared_slots`).
New connections are spread evenly over the processes (:mod:`webui.balanced`, ``ACCEPT_YIELD_MS``).
"""

from __future__ import annotations

import fcntl
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_LOCK_FD: list[int] = []  # the primary's lock, held for the life of the process


@dataclass
class Run:
    """What the arbiter makes for one run and its forked workers inherit."""

    processes: int
    accept_yield_ms: float = 0.0  # ACCEPT_YIELD_MS: above 0, connections spread evenly (webui.balanced)
    linger_ms: float = 0.0  # KEEPALIVE_LINGER_MS: a busy kept-alive connection stays in its thread (webui.lingering)
    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="govkg-serve-")))
    secret: str = field(default_factory=lambda: secrets.token_hex(16))

    @property
    def balanced(self) -> bool:
        return self.processes > 1 and self.accept_yield_ms > 0

    @property
    def worker_class(self) -> str:
        """gunicorn's threaded worker, lingering on busy kept-alive connections (:mod:`webui.lingering`), which
        leaves a new connection to a process holding fewer when balanced."""
        return "webui.balanced.BalancedWorker" if self.balanced else "webui.lingering.LingeringWorker"

    @property
    def socket(self) -> Path:
        return self.directory / "primary.sock"

    @property
    def lock(self) -> Path:
        return self.directory / "primary.lock"

    @property
    def clients(self) -> Path:
        """The file whose byte-range locks count each client's queries in flight (:mod:`webui.shared_slots`)."""
        return self.directory / "clients.slots"

    def binds(self, host: str, port: int) -> list[str]:
        public = f"{host}:{port}"
        return [public] if self.processes <= 1 else [public, f"unix:{self.socket}"]


def processes_setting(value: int, cpus: int | None = None) -> int:
    """``SERVING_PROCESSES``: 0 means the CPU count + 1, at least 2 and at most 5 (measured on 2 cores: 3 processes
    answer lookups as fast as 2 or faster, with a reader on every core while the primary takes its share; see
    bench/RESULTS.md "Endpoint: the lean path on every process")."""
    if value > 0:
        return value
    return max(2, min(5, (cpus or os.cpu_count() or 1) + 1))


def take_primary(lock: Path) -> bool:
    """Whether this process is the primary: it holds the run's lock (for as long as it lives)."""
    if _LOCK_FD:
        return True
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    _LOCK_FD.append(fd)
    return True


def post_fork(run: Run, worker: Any) -> str:
    """gunicorn's ``post_fork`` for ``run``: this worker's role, ``primary`` or ``reader``; a reader stops
    listening on the private socket (only the primary answers forwards).  Every process formats the ``Date``
    header once per second (:func:`cache_http_date`) and, balanced, publishes its connections
    (:mod:`webui.balanced`)."""
    cache_http_date()
    from webui import lingering

    lingering.configure(run.linger_ms)
    if run.balanced:
        from webui import balanced

        balanced.configure(run.directory / "connections", run.accept_yield_ms / 1000)
    if run.processes <= 1 or take_primary(run.lock):
        return "primary"
    private = str(run.socket)
    worker.sockets = [s for s in worker.sockets if str(getattr(s, "cfg_addr", "")) != private]
    return "reader"


def cache_http_date() -> None:
    """gunicorn formats the ``Date`` header of every answer anew (:func:`email.utils.formatdate`, ~10% of a
    reader's time holding the GIL under load); the header has a resolution of one second, so format it once per
    second: the same bytes."""
    import time

    from gunicorn import util

    if getattr(util.http_date, "cached", False):
        return
    plain = util.http_date
    last: list[tuple[int, str]] = [(-1, "")]  # (second, its header), replaced whole: safe across threads

    def http_date(timestamp: float | None = None) -> str:
        if timestamp is not None:
            return str(plain(timestamp))
        now = int(time.time())
        second, text = last[0]
        if second != now:
            text = str(plain(now))
            last[0] = (now, text)
        return text

    http_date.cached = True  # type: ignore[attr-defined]
    util.http_date = http_date


def snapshots_root(store_path: Path) -> Path:
    """Where the primary's checkpoint generations of ``store_path`` live (as :class:`graph.store.snapshots.
    Snapshots` puts them)."""
    return store_path.parent / f"{store_path.name}.snapshots"


def client_slots(run: Run) -> Any:
    """The ``CLIENT_CONCURRENCY`` counter of a process of ``run``: shared by all its processes."""
    from webui.limits import ClientSlots
    from webui.shared_slots import SharedClientSlots

    return SharedClientSlots(run.clients) if run.processes > 1 else ClientSlots()


def reader_app(run: Run, store_path: Path) -> Any:
    from graph.settings import read_settings
    from webui.forwarding import Forwarder
    from webui.readers import ReaderApp

    return ReaderApp(read_settings(), snapshots_root(store_path), Forwarder(str(run.socket), run.secret),
                     client_slots(run))
