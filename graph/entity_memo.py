"""What an entity page reads of the engine, kept across the writes that cannot change it (:mod:`graph.kept`).

A hub's page (Chính phủ is restated by every article that names it: ~9.6k graphs at 1M, ~96k at 10M) reads
thousands of copies of its facts per view; each answer below is kept with the keys of :mod:`graph.write_log` it
depends on and read again only after a write that touches one of them:

- a section's page of facts (:func:`section_deps`): every quad of the entity (``("any", this)``: the facts are
  counted per graph, and only the patterns that name the entity sit in its ``GRAPH ?g``), what decorates the
  IRIs on the page (the values' dates, the nodes' roles and periods: the OPTIONALs' predicates of each, as a set;
  a copy in another graph repeats rows, it changes no maximum, count of graphs or first graph), and, for the
  patterns of the section that do not name the entity, a new or removed triple of their kind anywhere
  (``("set", C)`` for a constant of each such pattern: a membership gaining its member, a person typed);
- the header and the sources of a node: the subject's statements of the predicates read, as a set
  (``("sp", "S P")``; a restated triple changes none of them, the engine's order of distinct values included);
  the links into the entity and the predicates it states: its statements as a set (``("set", iri)``);
- what a graph is derived from (``("graph", g)``) and a source's date and address (``("set", source)``).

A write the log does not describe forgets all of them (:func:`graph.viewcache.invalidate`, as ``--cold`` does).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from rdflib import URIRef

from graph.kept import KeptMemo
from graph.namespaces import ONTOLOGY_GRAPH, PREFIXES, SHAPES_GRAPH
from graph.store.base import Store
from graph.write_log import Key

T = TypeVar("T")

#: Kept answers per store (then all forgotten at once): section pages, headers, nodes' sources, sources' details.
LIMIT = 50_000
_KEPT: KeptMemo[Hashable, Any] = KeptMemo(LIMIT)
#: What the known predicates (ontology and shapes) are read from.
SCHEMA_DEPS: tuple[Key, ...] = (("graph", ONTOLOGY_GRAPH), ("graph", SHAPES_GRAPH))

_OPTIONAL = re.compile(r"OPTIONAL \{[^{}]*\}")
_VALUES = re.compile(r"VALUES \?\w+ \{[^{}]*\}")
_BIND = re.compile(r"BIND\([^()]*\)")
#: A filter on the row's own values (not EXISTS): it reads nothing of the store.
_FILTER = re.compile(r"FILTER ?\((?:[^()]|\([^()]*\))*\)")
#: One triple pattern (or a filter's) of a section's body: split at braces and " . ".
_SPLIT = re.compile(r"[{}]| \. ")
_TERM = re.compile(r"<([^<>\s]+)>|\b([a-z][a-zA-Z]*):([A-Za-z_][\w-]*)")


def kept(key: Hashable, build: Callable[[], tuple[T, Iterable[Key]]], store: Store) -> T:
    """The answer kept under ``key``, else ``build()``'s (value, what it depends on), kept."""
    return _KEPT.get_or_build(store, key, build)


def kept_many(store: Store, keys: Iterable[Hashable]) -> dict[Hashable, Any]:
    """The answers kept under ``keys`` (those that are)."""
    return _KEPT.get_many(store, keys)


def mark(store: Store) -> Any:
    return _KEPT.mark(store)


def put(store: Store, since: Any, items: Iterable[tuple[Hashable, Any, Iterable[Key]]]) -> None:
    _KEPT.put(store, since, items)


def _constants(segment: str) -> list[str]:
    out = []
    for m in _TERM.finditer(segment):
        if m.group(1):
            out.append(m.group(1))
        elif m.group(2) in PREFIXES:
            out.append(PREFIXES[m.group(2)] + m.group(3))
    return out


def section_deps(this: str, body: str, rows: Iterable[dict[str, Any]]) -> set[Key]:
    """What a page of ``body``'s facts about ``this`` depends on (see the module's docstring): a quad of
    ``this``, a changed triple of one of the body's OPTIONAL predicates about an IRI on the page, and a changed
    triple matching a pattern of ``body`` that does not name ``this`` (its OPTIONALs aside)."""
    deps: set[Key] = {("any", this)}
    decorations = {c for m in _OPTIONAL.finditer(body) for c in _constants(m.group(0))}
    for r in rows:
        for var in ("v", "node", "role"):
            t = r.get(var)
            if isinstance(t, URIRef):
                deps |= {k for p in decorations for k in (("sp", f"{t} {p}"), ("link", f"{p} {t}"))}
    core = _FILTER.sub(" ", _BIND.sub(" ", _VALUES.sub(" ", _OPTIONAL.sub(" ", body))))
    for seg in _SPLIT.split(core):
        if f"<{this}>" in seg:
            continue
        consts = _constants(seg)
        if consts:  # a triple changed that matches the pattern touches all of its constants: the last will do
            deps.add(("set", consts[-1]))
    return deps


def statements_of(iri: str, predicates: Iterable[str]) -> tuple[Key, ...]:
    """A memo of what ``iri`` states by ``predicates`` (as a set) depends on these statements alone."""
    return tuple(("sp", f"{iri} {p}") for p in predicates)
