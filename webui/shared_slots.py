"""``CLIENT_CONCURRENCY`` counted across the processes of ``govkg serve`` (``SERVING_PROCESSES`` above 1).

Each process (the primary and every reader) counts a client's queries in flight in one shared file of the run's
private directory, with open-file-description byte-range locks (Linux ``F_OFD_SETLK``): a client (address and
``User-Agent``) owns ``CLIENT_CONCURRENCY`` bytes at an offset given by a 50-bit hash of it (the file stays empty:
locks may lie past its end), and a query in flight holds one of them, through a descriptor of its request thread.
The kernel decides, so the count is exact across threads and processes at the cost of one or two system calls
per query, and a process that dies (even by SIGKILL) frees its slots with it: nothing leaks.

Beyond the limit, a request waits as :class:`webui.limits.ClientSlots` says (at most ``QUEUE_WAIT_S``, then 429),
woken by a release in its own process or by a poll every ``POLL_S`` for one elsewhere; the waiting queue
(``QUEUE_FACTOR`` x the limit) is per process, since a waiting request holds a thread of the process it is in.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from webui.errors import ApiError
from webui.limits import QUEUE_FACTOR, QUEUE_WAIT_S, RETRY_AFTER_S, ClientSlots

POLL_S = 0.005
SPAN = 1024  # bytes per client: CLIENT_CONCURRENCY above this counts as this
_WRLCK, _UNLCK = fcntl.F_WRLCK, fcntl.F_UNLCK


def _flock(kind: int, start: int) -> bytes:
    """``struct flock`` for one byte at ``start`` (x86-64/aarch64 Linux layout; ``l_pid`` 0 as OFD locks need)."""
    return struct.pack("hhqqi4x", kind, os.SEEK_SET, start, 1, 0)


def offset(key: tuple[str, str]) -> int:
    """Where ``key``'s bytes start in the shared file (a 50-bit hash: two clients meet with odds ~1e-15)."""
    h = hashlib.blake2b("\x00".join(key).encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return (int.from_bytes(h, "big") >> 14) * SPAN


class SharedClientSlots(ClientSlots):
    """:class:`webui.limits.ClientSlots` whose count of a client's queries in flight is shared through ``path``."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = str(path)
        self._fds = threading.local()

    def _fd(self) -> int:
        """This thread's own descriptor of the file (OFD locks belong to the open file description)."""
        fd: int | None = getattr(self._fds, "fd", None)
        if fd is None:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._fds.fd = fd
        return fd

    def _mine(self) -> set[int]:
        """The bytes this thread holds (its own descriptor would take them again: a lock never conflicts with its
        own open file description)."""
        held: set[int] | None = getattr(self._fds, "held", None)
        if held is None:
            held = self._fds.held = set()
        return held

    def _take(self, fd: int, base: int, limit: int) -> int | None:
        """The byte of a free slot, now held through ``fd``, or ``None`` when all ``limit`` are held."""
        mine = self._mine()
        for i in range(min(limit, SPAN)):
            if base + i in mine:
                continue
            try:
                fcntl.fcntl(fd, fcntl.F_OFD_SETLK, _flock(_WRLCK, base + i))
            except OSError:  # EAGAIN/EACCES: another request of this client holds it
                continue
            mine.add(base + i)
            return base + i
        return None

    @contextmanager
    def slot(self, limit: int, key: tuple[str, str] | None = None) -> Iterator[None]:
        key = key or self.client()
        fd, base = self._fd(), offset(key)
        held = self._take(fd, base, limit)
        if held is None:
            held = self._wait_shared(fd, base, limit, key)
        with self._lock:
            self._busy[key] = self._busy.get(key, 0) + 1
        try:
            yield
        finally:
            fcntl.fcntl(fd, fcntl.F_OFD_SETLK, _flock(_UNLCK, held))
            self._mine().discard(held)
            self._release(key)

    def _wait_shared(self, fd: int, base: int, limit: int, key: tuple[str, str]) -> int:
        with self._lock:
            waiting = self._waiting.get(key, 0)
            if waiting >= QUEUE_FACTOR * limit:
                raise _refused(limit)
            self._waiting[key] = waiting + 1
        try:
            deadline = time.monotonic() + QUEUE_WAIT_S
            while (left := deadline - time.monotonic()) > 0:
                with self._lock:
                    self._freed.wait(min(POLL_S, left))
                held = self._take(fd, base, limit)
                if held is not None:
                    return held
        finally:
            with self._lock:
                self._waiting[key] -= 1
                if not self._waiting[key]:
                    del self._waiting[key]
        raise _refused(limit)


def _refused(limit: int) -> ApiError:
    return ApiError(429, f"this client already runs {limit} queries (CLIENT_CONCURRENCY={limit}); "
                         "wait for them to finish", {"Retry-After": str(RETRY_AFTER_S)})
