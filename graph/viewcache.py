"""Values derived from a whole store (the search index, the networkx graph), rebuilt when the store changes.

Freshness is decided by a fingerprint of the store:

- a store that exposes an integer ``generation`` attribute (bumped on every write) is checked on every call, at
  no cost;
- any other store is checked at most every ``check_every`` seconds by a cheap fingerprint: the number of quads
  and the total length of its labels (two aggregates the engine answers without Python work per row).

Writers that want their change seen at once call :func:`invalidate`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from graph.store.base import Store

T = TypeVar("T")

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
    """What changes when the store's content changes (see the module's doc)."""
    gen = getattr(store, "generation", None)
    if isinstance(gen, int):
        return ("generation", gen)
    row = next(iter(store.query(_FINGERPRINT_Q).rows()), {})
    n = row.get("n") if isinstance(row, dict) else None
    ln = row.get("len") if isinstance(row, dict) else None
    return ("count", store.count(), str(n), str(ln))


class Derived(Generic[T]):
    """One value per store, built by ``build(store)`` and rebuilt when :func:`fingerprint` changes."""

    def __init__(self, build: Callable[[Store], T], check_every: float = 2.0) -> None:
        self.build = build
        self.check_every = check_every
        self._lock = threading.Lock()
        self._cache: dict[int, tuple[tuple[object, ...], float, T]] = {}
        _REGISTRY.append(self)

    def get(self, store: Store) -> T:
        key = id(store)
        now = time.monotonic()
        cached = self._cache.get(key)
        has_gen = isinstance(getattr(store, "generation", None), int)
        if cached is not None and not has_gen and now - cached[1] < self.check_every:
            return cached[2]
        with self._lock:
            fp = fingerprint(store)
            cached = self._cache.get(key)
            if cached is not None and cached[0] == fp:
                self._cache[key] = (fp, now, cached[2])
                return cached[2]
            value = self.build(store)
            self._cache[key] = (fp, now, value)
            return value

    def invalidate(self, store: Store | None = None) -> None:
        with self._lock:
            if store is None:
                self._cache.clear()
            else:
                self._cache.pop(id(store), None)


def invalidate(store: Store | None = None) -> None:
    """Forget every derived value (of ``store``, or of all stores); the next call rebuilds."""
    for d in _REGISTRY:
        d.invalidate(store)
