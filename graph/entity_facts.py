"""The facts of an entity page, bounded whatever the size of the graph.

The union default graph is a bag: a fact stated in k graphs matches k times (Chính phủ's sub-units at 1M: 24
facts, 10,810 rows).  So the engine aggregates and only what the page shows comes back to Python:

- a section lists one page of its distinct values (:func:`page_of`: DISTINCT first, then ORDER BY: sorting the
  repeated rows first cost 110 ms against 5 ms there), one row per fact and node with the number of graphs that
  state it and one of them (``COUNT(DISTINCT ?g)``, ``SAMPLE(?g)``); the graphs themselves only for facts stated
  in a few (:data:`FACT_SOURCES`);
- the sources of the facts' nodes (a membership, an event, or the entity itself): the first few of each
  (:func:`node_extras`), and their evidence.

A fact then shows at most :data:`FACT_SOURCES` sources and how many it has; all of them are on the page of its
node (``?section=sources``, the header's paged list).
"""

from __future__ import annotations

import re
from typing import Any

from rdflib import BNode, URIRef
from rdflib.term import Node

from graph.labels import iri_ref, text_of, values
from graph.store.base import Store
from graph.store.terms import n3

#: Sources a fact lists; the rest are counted and listed on its node's page.
FACT_SOURCES = 3
#: What makes two rows the same fact (of one node).
FACT_KEY = ("v", "node", "role", "from", "to", "at")


_OPTIONAL = re.compile(r"OPTIONAL \{[^{}]*\}")


def core(body: str) -> str:
    """``body`` without its (unnested) OPTIONALs: the same values ``?v``, without reading what only decorates them."""
    return _OPTIONAL.sub("", body)


def page_of(body: str, page: int, size: int) -> str:
    """A sub-select of one page of the distinct values ``?v`` of ``body`` (distinct first, then ordered)."""
    return (f"{{ SELECT ?v WHERE {{ {{ SELECT DISTINCT ?v WHERE {{ {core(body)} }} }} }} "
            f"ORDER BY ?v LIMIT {size} OFFSET {size * max(page, 0)} }}")


def count_values(store: Store, body: str, shown: int, page: int, size: int) -> int:
    """How many values ``body`` has: ``shown`` when the first page is not full, else an aggregate."""
    if shown < size and page <= 0:
        return shown
    q = f"SELECT (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {core(body)} }}"
    n = store.query(q, union_default_graph=True).rows()
    return int(str(n[0]["n"])) if n else 0


def fact_rows(store: Store, body: str, page: int, size: int) -> tuple[list[dict[str, Any]], int]:
    """One page of ``body``'s facts, one row per fact and node (``ng`` graphs state it, ``graphs`` holds all of
    them when they are few, else one), and the number of values in all."""
    q = (f"SELECT ?v ?node ?role ?from ?to ?at (MAX(?date) AS ?day) (MAX(STR(?former)) AS ?was) "
         f"(COUNT(DISTINCT ?g) AS ?ng) (SAMPLE(?g) AS ?g1) WHERE {{ {page_of(body, page, size)} {body} }} "
         "GROUP BY ?v ?node ?role ?from ?to ?at")
    rows: list[dict[str, Any]] = []
    for res in store.query(q, union_default_graph=True).rows():
        row: dict[str, Any] = dict(res)
        row["ng"], row["graphs"] = int(str(res.get("ng", 0))), {str(res["g1"])} if "g1" in res else set()
        rows.append(row)
    total = count_values(store, body, len({r.get("v") for r in rows}), page, size)
    few = [r for r in rows if 1 < r["ng"] <= FACT_SOURCES and _nameable(r.get("v")) and _nameable(r.get("node"))]
    if few:
        # ?v bound first (the patterns bind ?node themselves, so it is matched here, not in the query)
        vs = " ".join(sorted({n3(r["v"]) for r in few}))
        q = f"SELECT DISTINCT ?v ?node ?g WHERE {{ VALUES ?v {{ {vs} }} {body} }}"
        graphs: dict[tuple[Node, Node], set[str]] = {}
        for hit in store.query(q, union_default_graph=True).rows():
            graphs.setdefault((hit["v"], hit["node"]), set()).add(str(hit["g"]))
        for r in few:
            r["graphs"] |= graphs.get((r["v"], r["node"]), set())
    return rows, total


def _nameable(t: Node | None) -> bool:
    return t is not None and not isinstance(t, BNode)


def node_extras(store: Store, nodes: set[str]) -> dict[str, dict[str, Any]]:
    """For each node: its evidence (distinct) and up to :data:`FACT_SOURCES` of its sources, in one query: a
    branch per node that stops at its first few sources (a unit's own sources are every article naming it)."""
    out: dict[str, dict[str, Any]] = {n: {"ev": [], "srcs": set()} for n in nodes}
    if not nodes:
        return out
    branches = " UNION ".join(
        f"{{ SELECT DISTINCT ({iri_ref(n)} AS ?node) ?s WHERE {{ {iri_ref(n)} dct:source ?s }} LIMIT {FACT_SOURCES} }}"
        for n in sorted(nodes))
    q = (f"SELECT ?node ?s ?ev WHERE {{ {branches} UNION "
         f"{{ SELECT DISTINCT ?node ?ev WHERE {{ {values('node', sorted(nodes))} ?node govkg:evidence ?ev }} }} }}")
    for r in store.query(q, union_default_graph=True).rows():
        d = out[str(r["node"])]
        if "ev" in r:
            d["ev"].append(text_of(r["ev"]))
        elif isinstance(r.get("s"), URIRef):
            d["srcs"].add(str(r["s"]))
    for d in out.values():
        d["ev"] = sorted(set(d["ev"]))
    return out


def incoming(store: Store, this: str, sample: int) -> list[tuple[str, int, list[str]]]:
    """Links into ``this``: per predicate, how many subjects, and ``sample`` of them, in two queries whatever
    the number of predicates."""
    ref_this = iri_ref(this)
    q = (f"SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p {ref_this} FILTER(isIRI(?s)) }} "
         "GROUP BY ?p ORDER BY DESC(?n) ?p")
    counts = [(str(r["p"]), int(str(r["n"]))) for r in store.query(q, union_default_graph=True).rows()]
    if not counts:
        return []
    subs: dict[str, list[str]] = {}
    branches = " UNION ".join(
        f"{{ SELECT DISTINCT ?s ({iri_ref(p)} AS ?p) WHERE {{ ?s {iri_ref(p)} {ref_this} FILTER(isIRI(?s)) }} "
        f"LIMIT {sample} }}" for p, _ in counts)
    for r in store.query(f"SELECT ?p ?s WHERE {{ {branches} }}", union_default_graph=True).rows():
        subs.setdefault(str(r["p"]), []).append(str(r["s"]))
    return [(p, n, sorted(subs.get(p, []))[:sample]) for p, n in counts]
