"""Values derived from a whole store (the search index, the networkx graph), rebuilt when the store changes.

Freshness costs nothing on the request path: every store has a write ``generation`` (bumped by each of its writes,
:attr:`graph.store.base.Store.generation`), compared on every call.  A store that others may write to as well
(``sees_every_write`` false: a remote engine) is also watched by a background thread, which every ``check_every``
seconds takes a fingerprint (the number of quads and the total length of the labels, two aggregates), rebuilds the
store's derived values when it changed and only then tells the callers: a keystroke never waits for a scan.

Writers that want their change seen at once may still call :func:`invalidate`.

:meth:`Derived.get` builds on the caller's thread.  :meth:`Derived.get_within` (the search box) never waits longer
than it is told: the build runs on a background thread (one at a time per value and store, again if a write came
during it) and the caller gets the value before the change, or ``None`` when there is none yet; :meth:`Derived.state`
says which.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from graph.store.base import Store

T = TypeVar("T")
log = logging.getLogger("govkg.viewcache")

LABEL_PREDICATES = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://xmlns.com/foaf/0.1/name",
)

_FINGERPRINT_Q = (
    "SELECT (COUNT(?l) AS ?n) (SUM(STRLEN(STR(?l))) AS ?len) WHERE { "
    "VALUES ?p { " + " ".join(f"<{p}>" for p in LABEL_PREDICATES) + " } "
    "{ ?s ?p ?l } UNION { GRAPH ?g { ?s ?p ?l } } }"
)

_REGISTRY: list[Derived[Any]] = []


def fingerprint(store: Store) -> tuple[object, ...]:
    """What changes when the store's content changes, by two aggregates (a scan: for the watcher's thread only)."""
    row = next(iter(store.query(_FINGERPRINT_Q).rows()), {})
    n = row.get("n") if isinstance(row, dict) else None
    ln = row.get("len") if isinstance(row, dict) else None
    return (store.count(), str(n), str(ln))


class _Watch:
    """The background poll of one store that others write to; :attr:`token` grows after each change it saw,
    once the derived values of the store are rebuilt."""

    def __init__(self, store: Store, every: float) -> None:
        self.ref = weakref.ref(store)
        self.every = every
        self.token = 0
        self.stop = threading.Event()
        self.last = fingerprint(store)  # before the first build: a change after it is seen by the first poll
        threading.Thread(target=self._run, name="govkg-viewcache-watch", daemon=True).start()

    def _run(self) -> None:
        pause = self.every
        while not self.stop.wait(pause):
            store = self.ref()
            if store is None or getattr(store, "_closed", False):
                return
            t0 = time.monotonic()
            self._poll(store)
            del store  # not held while waiting: a forgotten store is collected, and its watch ends
            pause = max(self.every, 10 * (time.monotonic() - t0))  # the engine busy polling at most a tenth

    def _poll(self, store: Store) -> None:
        try:
            fp = fingerprint(store)
        except Exception as e:  # the engine is away: try again at the next poll
            log.debug("cannot fingerprint %r: %s", store, e)
            return
        if fp == self.last:
            return
        self.last = fp
        token = self.token + 1
        for d in list(_REGISTRY):
            try:
                d.refresh(store, token)
            except Exception as e:  # callers rebuild it themselves once the token moves
                log.warning("cannot rebuild a derived value of %r: %s", store, e)
        self.token = token


_WATCHES: dict[int, _Watch] = {}
_WATCH_LOCK = threading.Lock()


def _token(store: Store, every: float) -> int:
    """0 for a store that sees its every write; else the change count of its watch (started on first use)."""
    if getattr(store, "sees_every_write", True):
        return 0
    w = _WATCHES.get(id(store))
    if w is None or w.ref() is not store:
        with _WATCH_LOCK:
            w = _WATCHES.get(id(store))
            if w is None or w.ref() is not store:
                w = _WATCHES[id(store)] = _Watch(store, every)
    return w.token


class Derived(Generic[T]):
    """One value per store, built by ``build(store)`` and rebuilt when the store's generation (or, for a store
    others write to, its watch's token) moves."""

    def __init__(self, build: Callable[[Store], T], check_every: float = 2.0) -> None:
        self.build = build
        self.check_every = check_every
        self._lock = threading.Lock()
        #: id(store) -> (a weak reference to the store, its fingerprint, the value); the reference tells a store
        #: from a later one at the same address, and its death drops the entry (any object will do: wrappers too)
        self._cache: dict[int, tuple[weakref.ref[Any], tuple[int, int], T]] = {}
        self._built = threading.Condition(threading.Lock())  # background builds; never held during a build
        self._jobs: dict[int, threading.Thread] = {}  # id(store) -> its background build
        self._failed: dict[int, BaseException] = {}  # id(store) -> why its last background build failed
        _REGISTRY.append(self)

    def _entry(self, store: Store) -> tuple[tuple[int, int], T] | None:
        e = self._cache.get(id(store))
        return (e[1], e[2]) if e is not None and e[0]() is store else None

    def _put(self, store: Store, fp: tuple[int, int], value: T) -> None:
        key, cache = id(store), self._cache
        self._cache[key] = (weakref.ref(store, lambda _r: cache.pop(key, None)), fp, value)

    def _fp(self, store: Store) -> tuple[int, int]:
        return (int(getattr(store, "generation", 0)), _token(store, self.check_every))

    def get(self, store: Store) -> T:
        fp = self._fp(store)
        cached = self._entry(store)
        if cached is not None and cached[0] == fp:
            return cached[1]
        with self._lock:
            fp = self._fp(store)  # read before building: a write during the build is seen by the next call
            cached = self._entry(store)
            if cached is not None and cached[0] == fp:
                return cached[1]
            value = self.build(store)
            self._put(store, fp, value)
            return value

    def get_within(self, store: Store, wait: float) -> T | None:
        """The value if it is current or becomes so within ``wait`` seconds (built in the background); else the
        value before the last change, or ``None`` when there is none yet.  Raises what the build raised when it
        failed with nothing to fall back on."""
        fp = self._fp(store)
        cached = self._entry(store)
        if cached is not None and cached[0] == fp:
            return cached[1]
        deadline = time.monotonic() + wait
        with self._built:
            self._start(store)
            while True:
                cached = self._entry(store)
                if cached is not None and cached[0] >= fp:
                    return cached[1]
                left = deadline - time.monotonic()
                if left <= 0 or id(store) not in self._jobs:
                    break
                self._built.wait(left)
            err = self._failed.get(id(store))
        if cached is None and err is not None:
            raise err
        return None if cached is None else cached[1]

    def state(self, store: Store) -> str:
        """``"ready"`` (current), ``"stale"`` (a value from before the last change) or ``"building"`` (none yet)."""
        cached = self._entry(store)
        if cached is None:
            return "building"
        return "ready" if cached[0] == self._fp(store) else "stale"

    def _start(self, store: Store) -> None:
        """Start the background build of ``store``'s value unless one runs (holding the lock)."""
        if id(store) in self._jobs:
            return
        ref = weakref.ref(store)
        t = threading.Thread(target=self._background, args=(ref, id(store)), name="govkg-viewcache-build",
                             daemon=True)
        self._jobs[id(store)] = t
        t.start()

    def _background(self, ref: weakref.ref[Store], key: int) -> None:
        try:
            while (store := ref()) is not None:
                fp = self._fp(store)
                cached = self._entry(store)
                if cached is not None and cached[0] == fp:
                    return
                try:
                    value = self.build(store)
                except Exception as e:
                    log.warning("cannot build a derived value of %r: %s", store, e)
                    with self._built:
                        self._failed[key] = e
                    return
                with self._built:
                    self._failed.pop(key, None)
                    self._put(store, fp, value)
                    self._built.notify_all()
                del store, value
        finally:
            with self._built:
                self._jobs.pop(key, None)
                self._built.notify_all()

    def refresh(self, store: Store, token: int) -> None:
        """Rebuild the value of ``store`` (if one was built) for the watch's next ``token``, off the request path."""
        if self._entry(store) is None:
            return
        gen = int(getattr(store, "generation", 0))
        value = self.build(store)
        with self._lock:
            self._put(store, (gen, token), value)

    def invalidate(self, store: Store | None = None) -> None:
        """Mark the value of ``store`` (or of every store) out of date: the next :meth:`get` rebuilds it, while
        :meth:`get_within` may still answer from it."""
        with self._lock:
            for key in [id(store)] if store is not None else list(self._cache):
                e = self._cache.get(key)
                if e is not None:
                    self._cache[key] = (e[0], (-1, -1), e[2])


def invalidate(store: Store | None = None, kept: bool = True) -> None:
    """Forget every derived value (of ``store``, or of all stores); the next call rebuilds.  ``kept=False``
    leaves the kept memos (:mod:`graph.kept`) to the write log: the write was noted there."""
    for d in _REGISTRY:
        d.invalidate(store)
    if kept:
        from graph import write_log

        write_log.forget(store)
