"""Rows as plain strings, and labels read that way, for the pages that read many rows (timeline, as-of, paths).

Iterating a :class:`graph.store.base.QueryResult` makes an rdflib term of every cell; at a million triples that
Python work cost as much as the engine's.  Here the store hands over its native SPARQL JSON results and each row
is a ``{variable: {"type", "value", "xml:lang"?, "datatype"?}}`` binding, unbound variables absent.

:func:`labels` answers like :func:`graph.labels.labels` (same choice of label, same decided names of renamed
units) but asks with ``DISTINCT``: the union default graph is a bag, and a hub's label stated in thousands of
graphs came back thousands of times, and the engine still reads every copy (19k for the government at 1M,
40 ms), so the labels read are also remembered per store generation (:mod:`graph.viewcache`), up to
:data:`REMEMBERED` of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from graph.labels import LABEL_ORDER, local_name, pick, renamed_units, values
from graph.store.base import Store
from graph.text import nfc
from graph.viewcache import Derived

Binding = dict[str, dict[str, str]]
#: Labels remembered per store generation (all forgotten past it: a page needs at most a few thousand).
REMEMBERED = 200_000


def bindings(store: Store, sparql: str, union: bool = True) -> list[Binding]:
    """The solutions of ``sparql`` as SPARQL JSON bindings (over the union of all graphs when ``union``)."""
    doc: dict[str, Any] = json.loads(store.query(sparql, union_default_graph=union).serialize("json"))
    out: list[Binding] = doc["results"]["bindings"]
    return out


def solutions(store: Store, sparql: str, union: bool = True) -> list[dict[str, str]]:
    """The solutions of ``sparql`` as ``{variable: lexical value}``."""
    return [{k: v["value"] for k, v in b.items()} for b in bindings(store, sparql, union)]


def _memo(store: Store) -> dict[tuple[str, str], str]:
    return {}


_LABELS: Derived[dict[tuple[str, str], str]] = Derived(_memo)


def labels(store: Store, iris: Iterable[str], lang: str = "vi") -> dict[str, str]:
    """A label for each IRI in ``lang`` where one exists (the rules of :func:`graph.labels.labels`)."""
    memo = _LABELS.get(store)
    out: dict[str, str] = {}
    wanted = []
    for i in sorted({i for i in iris if i}):
        hit = memo.get((lang, i))
        if hit is None:
            wanted.append(i)
        else:
            out[i] = hit
    if not wanted:
        return out
    ranks = {p: n for n, p in enumerate(LABEL_ORDER)}
    cands: dict[str, list[tuple[int, str, str]]] = {}
    for start in range(0, len(wanted), 1000):
        # One branch per predicate, subject and predicate both bound (an index range each): with the predicates
        # as a filter every statement of a hub was read (48k for Chính phủ at 1M), 2.5x slower.
        v = values("s", wanted[start:start + 1000])
        q = "SELECT DISTINCT ?s ?p ?l WHERE { " + " UNION ".join(
            f"{{ {v} ?s <{p}> ?l BIND(<{p}> AS ?p) }}" for p in LABEL_ORDER) + " }"
        for b in bindings(store, q):
            lit = b["l"]
            cands.setdefault(b["s"]["value"], []).append(
                (ranks.get(b["p"]["value"], 9), lit.get("xml:lang", ""), nfc(lit["value"])))
    found = {i: pick(cands.get(i, []), lang) or local_name(i) for i in wanted}
    found.update(_decided(store, renamed_units(cands), lang))
    if len(memo) + len(found) > REMEMBERED:
        memo.clear()
    memo.update(((lang, i), t) for i, t in found.items())
    return out | found


def _decided(store: Store, units: list[str], lang: str) -> dict[str, str]:
    """The current name of each unit, as :func:`graph.labels.current_names` decides it, but deciding only the
    languages that ``lang`` needs (Vietnamese alone for ``vi``: Chính phủ has two English labels, one Vietnamese)."""
    if not units:
        return {}
    from datetime import date

    from graph.asof_names import names_on

    out = {}
    for u, n in names_on(store, units, date.today(), langs=(lang,)).items():
        name = n.en if lang == "en" and n.en else n.today
        if name and name != u.rsplit("/", 1)[-1]:
            out[u] = nfc(name)
    return out
