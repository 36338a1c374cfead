"""Memos of the viewer that survive the writes that cannot change them (:mod:`graph.write_log`).

Each entry names the keys it depends on (``("set", iri)``, ``("graph", g)``, ...).  On its next use after a write,
a :class:`KeptMemo` forgets the entries whose keys the write touched and keeps the others; after a write that no
noted diff explains it forgets all of them.  The values are what the engine answers (labels, the events matching a
filter), never a page: an entity page still asks for its facts.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar

from graph import write_log
from graph.store.base import Store
from graph.write_log import Key

K = TypeVar("K", bound=Hashable)
#: (generation, watch token, epochs): what a store's entries are current for
Mark = tuple[int, int, tuple[int, int]]
V = TypeVar("V")
_MISSING = object()


class _State(Generic[K, V]):
    def __init__(self, mark: Mark) -> None:
        self.mark = mark
        self.values: dict[K, V] = {}
        self.deps: dict[K, frozenset[Key]] = {}
        self.by_dep: dict[Key, set[K]] = {}

    def drop(self, key: K) -> None:
        self.values.pop(key, None)
        for d in self.deps.pop(key, ()):
            ks = self.by_dep.get(d)
            if ks is not None:
                ks.discard(key)
                if not ks:
                    del self.by_dep[d]


class KeptMemo(Generic[K, V]):
    """Values per store and key, each with the keys it depends on; at most ``limit`` per store (then all are
    forgotten at once)."""

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._stores: dict[int, tuple[weakref.ref[Any], _State[K, V]]] = {}

    def _mark(self, store: Store) -> Mark:
        from graph.viewcache import _token

        return (int(getattr(store, "generation", 0)), _token(store, 2.0), write_log.epoch(store))

    def _state(self, store: Store) -> _State[K, V]:
        """The store's entries, brought up to its generation (call with the lock held)."""
        mark = self._mark(store)
        e = self._stores.get(id(store))
        if e is None or e[0]() is not store:
            key, stores = id(store), self._stores
            st: _State[K, V] = _State(mark)
            self._stores[key] = (weakref.ref(store, lambda _r: stores.pop(key, None)), st)
            return st
        st = e[1]
        if st.mark == mark:
            return st
        keys = write_log.touched_since(store, st.mark[0]) if st.mark[1:] == mark[1:] else None
        if keys is None:
            st = _State(mark)
            self._stores[id(store)] = (e[0], st)
            return st
        for k in keys:
            for hit in list(st.by_dep.get(k, ())):
                st.drop(hit)
        st.mark = mark
        return st

    def mark(self, store: Store) -> Mark:
        """Read before computing values to :meth:`put`: a write meanwhile is then seen."""
        return self._mark(store)

    def get(self, store: Store, key: K) -> V | None:
        with self._lock:
            v = self._state(store).values.get(key, _MISSING)
        return None if v is _MISSING else v  # type: ignore[return-value]

    def get_many(self, store: Store, keys: Iterable[K]) -> dict[K, V]:
        with self._lock:
            vals = self._state(store).values
            return {k: vals[k] for k in keys if k in vals}

    def put(self, store: Store, since: Mark,
            items: Iterable[tuple[K, V, Iterable[Key]]]) -> None:
        """Keep ``(key, value, depends on)`` computed from the store as of ``since`` (:meth:`mark`); values a
        write meanwhile may have changed are not kept."""
        with self._lock:
            st = self._state(store)
            moved: frozenset[Key] = frozenset()
            if st.mark != since:
                found = write_log.touched_since(store, since[0]) if st.mark[1:] == since[1:] else None
                if found is None:
                    return
                moved = found
            items = list(items)
            if len(st.values) + len(items) > self.limit:
                self._stores[id(store)] = (self._stores[id(store)][0], _State(st.mark))
                st = self._stores[id(store)][1]
            for key, value, deps in items:
                d = frozenset(deps)
                if d & moved:
                    continue
                st.drop(key)
                st.values[key] = value
                st.deps[key] = d
                for x in d:
                    st.by_dep.setdefault(x, set()).add(key)

    def get_or_build(self, store: Store, key: K, build: Callable[[], tuple[V, Iterable[Key]]]) -> V:
        hit = self.get(store, key)
        if hit is not None:
            return hit
        since = self.mark(store)
        value, deps = build()
        self.put(store, since, [(key, value, deps)])
        return value
