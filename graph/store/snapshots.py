"""Checkpoint generations of the read-write store, for readers in other processes.

RocksDB lets one process write a store; opening read-only a directory that another process writes is
undefined behaviour.  A checkpoint (``Store.backup``: hard links, about 10 ms) is a frozen, consistent copy
that any number of processes may open read-only.  The process owning the store publishes a new generation
after every committed write (:func:`after_write`, called by :mod:`graph.changes`); query workers open the
latest one and reopen when it changes.  Generations nobody holds any more are deleted.

Generations live beside the store, in ``<store>.snapshots/gen-NNNNNNNN``.  Other processes find the current one
through the symbolic link ``current`` (replaced atomically after each checkpoint, read with one ``readlink``), and
say which generations they have open in ``holds/<pid>`` (:class:`graph.store.followers.Follower`): a generation
held by a live process is never deleted, also not by a primary that restarts while its readers run on.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from graph.errors import StoreError
from graph.store.base import Store
from graph.store.embedded import EmbeddedStore

CURRENT = "current"  # the symbolic link to the current generation, for other processes
HOLDS = "holds"  # holds/<pid>: the generations process <pid> has open, one name a line
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
        (self.root / HOLDS).mkdir(parents=True, exist_ok=True)
        # leftovers of an earlier run go, except what a live reader process still holds; numbering goes on after
        # the highest name left, so a reader never takes a new generation for the one it has open
        self._collect()
        self._generation = max((_number(d) for d in self.root.glob("gen-*")), default=0)
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
            _point(self.root, target.name)  # before collecting: see graph.store.followers.Follower._take
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
        held = held_elsewhere(self.root)
        for d in self.root.glob("gen-*"):
            if d != self._current and d not in self._holders and d.name not in held:
                shutil.rmtree(d, ignore_errors=True)

    def close(self) -> None:
        """Forget every generation: none is current any more; what other live processes hold stays until they
        let it go (the next primary's first checkpoint collects it)."""
        with self._lock:
            (self.root / CURRENT).unlink(missing_ok=True)
            self._holders.clear()
            self._current = None
            self._collect()
            if not held_elsewhere(self.root):
                shutil.rmtree(self.root, ignore_errors=True)


def _number(d: Path) -> int:
    try:
        return int(d.name.removeprefix("gen-"))
    except ValueError:
        return 0


def _point(root: Path, name: str) -> None:
    """Make ``root/current`` point at generation ``name``, atomically (a new link renamed over the old)."""
    tmp = root / f".{CURRENT}.{os.getpid()}.{threading.get_ident()}"
    tmp.unlink(missing_ok=True)
    os.symlink(name, tmp)
    os.replace(tmp, root / CURRENT)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def held_elsewhere(root: Path) -> set[str]:
    """Names of the generations that other live processes hold (``holds/<pid>``); files of dead ones go."""
    names: set[str] = set()
    me = os.getpid()
    try:
        files = list((root / HOLDS).iterdir())
    except OSError:
        return names
    for f in files:
        if not f.name.isdigit() or int(f.name) == me:
            continue
        if not alive(int(f.name)):
            f.unlink(missing_ok=True)
            continue
        try:
            names.update(x for x in f.read_text().split() if x)
        except OSError:
            continue
    return names


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
