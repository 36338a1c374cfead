"""Checkpoint generations of the read-write store, for readers in other processes.

RocksDB lets one process write a store; opening read-only a directory that another process writes is
undefined behaviour.  A checkpoint (``Store.backup``: hard links, about 10 ms) is a frozen, consistent copy
that any number of processes may open read-only.  The process owning the store publishes a new generation
after every committed write (:func:`after_write`, called by :mod:`graph.changes`); query workers open the
latest one and reopen when it changes.  Generations nobody holds any more are deleted.

Generations live beside the store, in ``<store>.snapshots/gen-NNNNNNNN``.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from graph.errors import StoreError
from graph.store.base import Store
from graph.store.embedded import EmbeddedStore

_REGISTRY: dict[int, Snapshots] = {}
_REG_LOCK = threading.Lock()


class Snapshots:
    """The generations of one store.  Thread-safe; one instance per store per process."""

    def __init__(self, store: EmbeddedStore, root: Path | None = None) -> None:
        if store.path is None:
            raise StoreError("snapshots need a store on disk")
        self.store = store
        self.root = root or store.path.parent / f"{store.path.name}.snapshots"
        self._lock = threading.RLock()
        self._holders: dict[Path, int] = {}
        self._generation = 0
        self._current: Path | None = None
        if self.root.exists():  # leftovers of an earlier run: nobody holds them
            shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True, exist_ok=True)
        self.publish()

    @property
    def current(self) -> Path:
        with self._lock:
            assert self._current is not None
            return self._current

    @property
    def generation(self) -> int:
        return self._generation

    def publish(self) -> Path:
        """Checkpoint the store as it is now; the new generation becomes current."""
        with self._lock:
            self._generation += 1
            target = self.root / f"gen-{self._generation:08d}"
            try:
                self.store.backup(target)
            except OSError as e:
                raise StoreError(f"cannot checkpoint the store into {target}: {e}") from e
            self._current = target
            self._collect()
            return target

    def hold(self, path: Path) -> None:
        with self._lock:
            self._holders[path] = self._holders.get(path, 0) + 1

    def release(self, path: Path | None) -> None:
        if path is None:
            return
        with self._lock:
            n = self._holders.get(path, 0) - 1
            if n <= 0:
                self._holders.pop(path, None)
            else:
                self._holders[path] = n
            self._collect()

    def _collect(self) -> None:
        for d in self.root.glob("gen-*"):
            if d != self._current and d not in self._holders:
                shutil.rmtree(d, ignore_errors=True)

    def close(self) -> None:
        with self._lock:
            shutil.rmtree(self.root, ignore_errors=True)
            self._holders.clear()
            self._current = None


def snapshots_for(store: Store) -> Snapshots:
    """The snapshots of ``store`` in this process, created (with a first generation) on first use."""
    if not isinstance(store, EmbeddedStore):
        raise StoreError("only the embedded store can be snapshotted")
    with _REG_LOCK:
        snap = _REGISTRY.get(id(store))
        if snap is None or snap.store is not store:
            snap = Snapshots(store)
            _REGISTRY[id(store)] = snap
        return snap


def after_write(store: Store) -> None:
    """Publish a new generation of ``store`` if readers follow it in this process.

    A no-op for a store without checkpoints (a remote engine): its readers see each write at once.  Either way the
    store's :attr:`~graph.store.base.Store.generation` advances, so caches of derived views rebuild."""
    advance = getattr(store, "advance_generation", None)  # any object with the Store's flags will do
    if advance is not None:
        advance()
    if not store.supports_backup:
        return
    with _REG_LOCK:
        snap = _REGISTRY.get(id(store))
    if snap is not None and snap.store is store:
        snap.publish()
