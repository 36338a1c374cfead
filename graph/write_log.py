"""What each committed write touched, so that memos survive the writes that cannot change them.

A write through :func:`graph.commit.execute` knows its diff (the quads added and removed).  It notes here, for the
generations it moved the store through, the *keys* it touched (:func:`touched`):

- ``("any", X)``: ``X`` (an IRI) is the subject, predicate or object of a quad added or removed, in any graph;
- ``("set", X)``: the same, for the triples whose presence in the union of the graphs changed (a triple that a
  new article restates, as every article restates its units' types and labels, changes no set-semantics answer);
- ``("link", "P O")``: such a triple links to ``O`` by ``P`` (a memo of what links to ``O`` by ``P`` only);
- ``("sp", "S P")``: such a triple states ``P`` of ``S`` (a memo of some statements of ``S`` only: its labels);
- ``("graph", G)``: a quad of graph ``G`` was added or removed;
- ``("names", "")``: something today's unit names are decided by changed (a document's date or type, the
  source of an existing graph: :func:`graph.asof_names.names_on`).

A :class:`KeptMemo` entry names the keys it depends on; at its next use after writes, only entries whose keys
were touched are forgotten.  A generation that no noted write explains (a bulk load, an update outside
:mod:`graph.commit`, another process or engine) forgets everything, as does :func:`graph.viewcache.invalidate`
without ``kept=False``.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from typing import Any

from rdflib import BNode, Literal, URIRef

from graph.store.base import QuadTuple, Store
from graph.store.terms import n3

Key = tuple[str, str]
#: Predicates whose change (as a set) moves today's names: the dates of legal documents, what a rename says.
NAME_PREDICATES = frozenset({
    "http://data.europa.eu/eli/ontology#date_document",
    "http://data.europa.eu/eli/ontology#first_date_entry_in_force",
    "http://purl.org/dc/terms/date",
    "https://w3id.org/govkg/ontology#formerName",
    "https://w3id.org/govkg/ontology#newName",
    "https://w3id.org/govkg/ontology#changeType",
    "http://www.w3.org/ns/org#originalOrganization",
})
LEGAL_RESOURCE = "http://data.europa.eu/eli/ontology#LegalResource"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DERIVED_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"
#: Past this many quads a write is not looked at triple by triple: every term it names counts as changed.
SET_CHECK_LIMIT = 2000
#: Noted writes kept per store (a memo older than all of them is forgotten whole).
KEEP = 512

_LOCK = threading.Lock()
#: id(store) -> (a weak reference to it, [(generation before, generation after, keys)], epoch)
_LOGS: dict[int, tuple[weakref.ref[Any], list[tuple[int, int, frozenset[Key]]], int]] = {}
_EPOCH = [0]  # bumped by forget(None): every memo of every store


def _entry(store: Store) -> tuple[weakref.ref[Any], list[tuple[int, int, frozenset[Key]]], int]:
    e = _LOGS.get(id(store))
    if e is None or e[0]() is not store:
        key = id(store)
        e = _LOGS[key] = (weakref.ref(store, lambda _r: _LOGS.pop(key, None)), [], 0)
    return e


def note(store: Store, before: int, keys: frozenset[Key]) -> None:
    """The write that moved ``store`` from generation ``before`` to its current one touched ``keys``."""
    after = int(store.generation)
    with _LOCK:
        log = _entry(store)[1]
        log.append((before, after, keys))
        del log[:-KEEP]


def forget(store: Store | None = None) -> None:
    """Every kept memo of ``store`` (of every store) is out of date."""
    with _LOCK:
        if store is None:
            _EPOCH[0] += 1
            return
        ref, log, epoch = _entry(store)
        _LOGS[id(store)] = (ref, log, epoch + 1)


def epoch(store: Store) -> tuple[int, int]:
    with _LOCK:
        return (_EPOCH[0], _entry(store)[2])


def touched_since(store: Store, gen: int) -> frozenset[Key] | None:
    """The keys touched from generation ``gen`` to the current one, or ``None`` when a write in between is not
    explained by a noted one (then anything may have changed)."""
    now = int(store.generation)
    if now == gen:
        return frozenset()
    out: set[Key] = set()
    cur = gen
    with _LOCK:
        log = list(_entry(store)[1])
    for a, b, keys in log:
        if b <= cur:
            continue
        if a != cur:
            return None
        out |= keys
        cur = b
    return frozenset(out) if cur == now else None


def _iri(t: Any) -> str | None:
    return str(t) if isinstance(t, URIRef) else None


def touched(store: Store, added: Iterable[QuadTuple], removed: Iterable[QuadTuple], created: Iterable[str] = ()) -> \
        frozenset[Key]:
    """The keys a committed diff touched (asked of ``store`` after the commit: which added triples were already
    stated in another graph, which removed ones are still stated)."""
    added, removed, new_graphs = list(added), list(removed), set(created)
    keys: set[Key] = set()
    sources: set[str] = set()  # of graphs created by this write: names move only if one is a legal document
    for s, p, o, g in (*added, *removed):
        keys |= {("any", x) for x in (_iri(s), _iri(p), _iri(o)) if x}
        keys.add(("graph", str(g) if g is not None else ""))
        if str(p) == DERIVED_FROM:
            if str(g) in new_graphs and isinstance(o, URIRef) and (s, p, o, g) in added:
                sources.add(str(o))
            else:
                keys.add(("names", ""))
    if sources and store.ask(f"ASK {{ VALUES ?d {{ {' '.join(f'<{x}>' for x in sorted(sources))} }} "
                             f"?d a <{LEGAL_RESOURCE}> }}", union_default_graph=True):
        keys.add(("names", ""))
    changed = _set_changed(store, added, removed)
    for s, p, o in changed:
        keys |= {("set", x) for x in (_iri(s), _iri(p), _iri(o)) if x}
        if isinstance(o, URIRef):
            keys.add(("link", f"{p} {o}"))
        if isinstance(s, URIRef):
            keys.add(("sp", f"{s} {p}"))
        if str(p) in NAME_PREDICATES or (str(p) == RDF_TYPE and str(o) == LEGAL_RESOURCE):
            keys.add(("names", ""))
    return frozenset(keys)


def _set_changed(store: Store, added: list[QuadTuple], removed: list[QuadTuple]) -> set[tuple[Any, Any, Any]]:
    """The triples of the diff whose presence in the union changed: added ones stated in no other graph, removed
    ones stated in none any more.  Blank-node triples, triples added to several graphs at once and every triple of
    a large diff count as changed."""
    out: set[tuple[Any, Any, Any]] = set()
    if len(added) + len(removed) > SET_CHECK_LIMIT:
        return {(s, p, o) for s, p, o, _ in (*added, *removed)}
    where: dict[tuple[Any, Any, Any], set[str]] = {}
    for s, p, o, g in added:
        where.setdefault((s, p, o), set()).add(str(g) if g is not None else "")
    rows_add, rows_rm = [], []
    for t, gs in where.items():
        if len(gs) > 1 or any(isinstance(x, BNode) for x in t) or "" in gs:
            out.add(t)
        else:
            rows_add.append((t, next(iter(gs))))
    for s, p, o, _ in removed:
        if any(isinstance(x, BNode) for x in (s, p, o)):
            out.add((s, p, o))
        else:
            rows_rm.append((s, p, o))
    for start in range(0, len(rows_add), 200):
        chunk = rows_add[start:start + 200]
        vals = " ".join(f"({n3(s)} {n3(p)} {n3(o)} <{g}>)" for (s, p, o), g in chunk)
        q = (f"SELECT ?s ?p ?o ?g0 WHERE {{ VALUES (?s ?p ?o ?g0) {{ {vals} }} "
             "FILTER EXISTS { GRAPH ?g { ?s ?p ?o } FILTER(?g != ?g0) } }")
        before = {_key(r) for r in store.query(q).rows()}
        out |= {t for t, _ in chunk if _key(t) not in before}
    for start in range(0, len(rows_rm), 200):
        chunk_rm = rows_rm[start:start + 200]
        vals = " ".join(f"({n3(s)} {n3(p)} {n3(o)})" for s, p, o in chunk_rm)
        q = f"SELECT ?s ?p ?o WHERE {{ VALUES (?s ?p ?o) {{ {vals} }} FILTER EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"
        still = {_key(r) for r in store.query(q).rows()}
        out |= {t for t in chunk_rm if _key(t) not in still}
    return out


def _key(t: Any) -> tuple[str, str, str]:
    """A triple (or a row with ``s``, ``p``, ``o``) as comparable N-Triples text."""
    if isinstance(t, dict):
        t = (t["s"], t["p"], t["o"])
    return tuple(n3(x) if isinstance(x, (URIRef, Literal, BNode)) else str(x) for x in t)  # type: ignore[return-value]
