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
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, URIRef
from rdflib.term import Node

from graph import entity_memo, side_tables
from graph.labels import iri_ref, values
from graph.lexical import bindings
from graph.namespaces import ONTOLOGY_GRAPH, SHAPES_GRAPH
from graph.store.base import Store
from graph.store.terms import n3
from graph.text import nfc
from graph.write_log import Key

#: Sources a fact lists; the rest are counted and listed on its node's page.
FACT_SOURCES = 3
#: Values a section counts on an entity page (more are shown as "1,000+", counted on the section's own view);
#: a section with more is paged in the engine's order, not sorted whole.
CAP = 1000
SOURCE = "http://purl.org/dc/terms/source"
EVIDENCE = "https://w3id.org/govkg/ontology#evidence"
#: What makes two rows the same fact (of one node).
FACT_KEY = ("v", "node", "role", "from", "to", "at")


_OPTIONAL = re.compile(r"OPTIONAL \{[^{}]*\}")


def core(body: str) -> str:
    """``body`` without its (unnested) OPTIONALs: the same values ``?v``, without reading what only decorates them."""
    return _OPTIONAL.sub("", body)


def page_of(body: str, page: int, size: int, lazy: bool = False) -> str:
    """A query of one page of the distinct values ``?v`` of ``body``: ordered by value among the first
    :data:`CAP` + 1 (distinct first, then ordered), or, ``lazy``, in the engine's order (read up to the page and
    no further: a section with more than :data:`CAP` values is never sorted whole)."""
    if lazy:
        return f"SELECT DISTINCT ?v WHERE {{ {core(body)} }} LIMIT {size} OFFSET {size * max(page, 0)}"
    return (f"SELECT ?v WHERE {{ {{ SELECT DISTINCT ?v WHERE {{ {core(body)} }} LIMIT {CAP + 1} }} }} "
            f"ORDER BY ?v LIMIT {size} OFFSET {size * max(page, 0)}")


def count_values(store: Store, body: str, exact: bool = False) -> int:
    """How many distinct values ``body`` has: all of them when ``exact``, else at most :data:`CAP` + 1 (more
    than :data:`CAP` is shown as such)."""
    if exact:
        q = f"SELECT (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {core(body)} }}"
    else:
        q = f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT DISTINCT ?v WHERE {{ {core(body)} }} LIMIT {CAP + 1} }} }}"
    n = store.query(q, union_default_graph=True).rows()
    return int(str(n[0]["n"])) if n else 0


@dataclass
class Page:
    """One page of a section: its rows (one per fact and node), the number of values in all (exact, or
    :data:`CAP` + 1 meaning "more than :data:`CAP`") and whether the page is in the engine's order."""

    rows: list[dict[str, Any]]
    total: int
    lazy: bool = False
    exact: bool = True

    @property
    def capped(self) -> bool:
        """More than :data:`CAP` values, and no more is known."""
        return not self.exact and self.total > CAP


def _page_values(store: Store, body: str, page: int, size: int, exact: bool) -> tuple[list[Node], int, bool]:
    """The values of one page, the number of values (bounded unless ``exact``) and whether the page is lazy.

    The first :data:`CAP` + 1 distinct values are read once: they are the number (counted exactly only past the
    cap, for a section's own view) and, when there are no more, the page.  IRIs are put in order here, as ``ORDER
    BY`` orders them (by their text): Oxigraph's sort looks each IRI's text up again at every comparison (a person
    who signed 337 documents: 11.6 ms to sort them, 1.3 ms to read them).  Other values keep the engine's order."""
    first = [r["v"] for r in store.query(f"SELECT DISTINCT ?v WHERE {{ {core(body)} }} LIMIT {CAP + 1}",
                                         union_default_graph=True).rows() if "v" in r]
    if len(first) > CAP:  # in the engine's order, read up to the page and no further
        total = count_values(store, body, exact=True) if exact else len(first)
        rows = store.query(page_of(body, page, size, lazy=True), union_default_graph=True).rows()
        return [r["v"] for r in rows if "v" in r], total, True
    start = size * max(page, 0)
    if all(isinstance(v, URIRef) for v in first):
        return sorted(first, key=str)[start : start + size], len(first), False
    rows = store.query(page_of(body, page, size), union_default_graph=True).rows()
    return [r["v"] for r in rows if "v" in r], len(first), False


def fact_rows(store: Store, body: str, page: int, size: int, exact: bool = False, this: str = "") -> Page:
    """One page of ``body``'s facts, one row per fact and node (``ng`` graphs state it, ``graphs`` holds all of
    them when they are few, else one), and the number of values in all (exact when ``exact``).  With ``this``
    (the entity ``body`` is about), kept until a write touches what the page depends on
    (:func:`graph.entity_memo.section_deps`)."""
    if this:
        def build() -> tuple[Page, set[Key]]:
            pg = _fact_rows(store, body, page, size, exact)
            return pg, entity_memo.section_deps(this, body, pg.rows)
        return entity_memo.kept(("section", this, body, page, size, exact), build, store)
    return _fact_rows(store, body, page, size, exact)


def _fact_rows(store: Store, body: str, page: int, size: int, exact: bool) -> Page:
    vals, total, lazy = _page_values(store, body, page, size, exact)
    named = sorted({n3(v) for v in vals if not isinstance(v, BNode)})
    if not named:
        return Page([], total, lazy, exact or total <= CAP)
    # every value on this page: the whole pattern (a VALUES of them made the engine 3x slower on a hub's
    # sub-units, 10,810 rows); else the page's values
    pick = "" if page <= 0 and total == len(vals) else f"VALUES ?v {{ {' '.join(named)} }}"
    q = (f"SELECT ?v ?node ?role ?from ?to ?at (MAX(?date) AS ?day) (MAX(STR(?former)) AS ?was) "
         f"(COUNT(DISTINCT ?g) AS ?ng) (SAMPLE(?g) AS ?g1) WHERE {{ {pick} {body} }} "
         "GROUP BY ?v ?node ?role ?from ?to ?at")
    rows: list[dict[str, Any]] = []
    for res in store.query(q, union_default_graph=True).rows():
        row: dict[str, Any] = dict(res)
        row["ng"], row["graphs"] = int(str(res.get("ng", 0))), {str(res["g1"])} if "g1" in res else set()
        rows.append(row)
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
    return Page(rows, total, lazy, exact or total <= CAP)


def table_rows(store: Store, this: str, direction: str, preds: list[str], page: int, size: int,
               exact: bool = False) -> Page | None:
    """:func:`fact_rows` of a plain section (``this pred ?v``, ``direction`` "out"; ``?v pred this``, "in") from
    the facts kept beside the store (:mod:`graph.side_tables`), or ``None`` when they cannot answer (not current,
    a predicate not kept, a value that is not an IRI).  The same rows: one per value and predicate, the number of
    graphs stating it and those graphs when they are at most :data:`FACT_SOURCES`, else the first of them."""
    from graph import side_tables

    got: list[tuple[str, str, int, tuple[str, ...]]] = []  # (value, predicate, graphs, kept graphs)
    if direction == "out":
        found = side_tables.facts(store, [this], preds)
        if found is None:
            return None
        for p, o, kind, _lang, _dt, n, graphs in found.get(this, []):
            if kind != "I":
                return None  # a literal: ordered by the engine
            got.append((o, p, n, graphs))
    else:
        into = side_tables.facts_into(store, this, preds)
        if into is None:
            return None
        got = [(s, p, n, graphs) for s, p, n, graphs in into]
    vals = sorted({v for v, _, _, _ in got})
    if len(vals) > CAP:  # paged in the engine's order, as ever (the tables would sort it)
        return None
    start = size * max(page, 0)
    shown = set(vals[start : start + size])
    total = len(vals)
    rows = []
    for v, p, n, graphs in sorted(got):
        if v not in shown:
            continue
        node = this if direction == "out" else v
        rows.append({"v": URIRef(v), "node": URIRef(node), "role": URIRef(p), "ng": n, "graphs": set(graphs),
                     "g1": URIRef(graphs[0])})
    return Page(rows, total, False, True)


def _nameable(t: Node | None) -> bool:
    return t is not None and not isinstance(t, BNode)


def node_extras(store: Store, nodes: set[str]) -> dict[str, dict[str, Any]]:
    """For each node: its evidence (distinct) and up to :data:`FACT_SOURCES` of its sources, each node's kept
    until a write changes these statements of it (as a set); the others read in a query per node that
    stops at its first few (a unit's own sources are every article naming it; as branches of one UNION the
    engine took 55 ms for 141 nodes at 1M, as queries of their own 7 ms) and one for the evidence."""
    known = entity_memo.kept_many(store, (("node", n) for n in nodes))
    out: dict[str, dict[str, Any]] = {n: {"ev": list(d["ev"]), "srcs": set(d["srcs"])}
                                      for n in nodes if (d := known.get(("node", n))) is not None}
    todo = sorted(nodes - out.keys())
    if not todo:
        return out
    since = entity_memo.mark(store)
    fresh: dict[str, dict[str, Any]] = {n: {"ev": [], "srcs": set()} for n in todo}
    if store.supports_lateral:  # one query, each node's first few looked up for it (141 nodes: 5.9 -> 1.9 ms)
        for start in range(0, len(todo), 1000):
            q = (f"SELECT ?node ?s WHERE {{ {values('node', todo[start:start + 1000])} LATERAL {{ "
                 f"SELECT DISTINCT ?node ?s WHERE {{ ?node dct:source ?s }} LIMIT {FACT_SOURCES} }} }}")
            for b in bindings(store, q):
                if b["node"]["value"] in fresh and b["s"]["type"] == "uri":
                    fresh[b["node"]["value"]]["srcs"].add(b["s"]["value"])
    else:
        for n in todo:
            q = f"SELECT DISTINCT ?s WHERE {{ {iri_ref(n)} dct:source ?s }} LIMIT {FACT_SOURCES}"
            fresh[n]["srcs"] = {str(r["s"]) for r in store.query(q, union_default_graph=True).rows()
                                if isinstance(r.get("s"), URIRef)}
    q = f"SELECT DISTINCT ?node ?ev WHERE {{ {values('node', todo)} ?node govkg:evidence ?ev }}"
    for b in bindings(store, q):
        fresh[b["node"]["value"]]["ev"].append(nfc(b["ev"]["value"]))
    for d in fresh.values():
        d["ev"] = sorted(set(d["ev"]))
    entity_memo.put(store, since, ((("node", n), {"ev": tuple(d["ev"]), "srcs": frozenset(d["srcs"])},
                                    entity_memo.statements_of(n, (SOURCE, EVIDENCE))) for n, d in fresh.items()))
    return out | fresh


def incoming(store: Store, this: str, sample: int, hub: bool = False) -> list[tuple[str, int, list[str]]]:
    """Links into ``this``: per predicate, how many subjects (at most :data:`CAP` + 1 when ``hub``: then only the
    :func:`known_predicates` are asked, each counted up to the cap), and ``sample`` of them, in two queries
    whatever the number of predicates; kept until the links into ``this`` change as a set."""
    return entity_memo.kept(("incoming", this, sample, hub), lambda: (
        _incoming(store, this, sample, hub), (("set", this), *entity_memo.SCHEMA_DEPS)), store)


def _incoming(store: Store, this: str, sample: int, hub: bool) -> list[tuple[str, int, list[str]]]:
    ref_this = iri_ref(this)
    if hub:  # which known predicates link here (one lookup each), then each counted up to the cap
        q = (f"SELECT ?p WHERE {{ {values('p', known_predicates(store))} "
             f"FILTER EXISTS {{ ?s ?p {ref_this} FILTER(isIRI(?s)) }} }}")
        found = []
        for r in store.query(q, union_default_graph=True).rows():  # a query each: as UNION branches, 5x slower
            kept = side_tables.facts_into(store, this, [str(r["p"])])
            if kept is not None:  # a predicate whose facts are kept beside the store (graph.side_tables)
                found.append((str(r["p"]), min(len({s for s, _, _, _ in kept}), CAP + 1)))
                continue
            p = iri_ref(str(r["p"]))
            # no isIRI test here: it decoded every copy of the link (36 ms against 4 for 10,810 at 1M)
            n = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT DISTINCT ?s WHERE {{ ?s {p} {ref_this} "
                            f"}} LIMIT {CAP + 1} }} }}", union_default_graph=True).rows()
            found.append((str(r["p"]), int(str(n[0]["n"])) if n else 0))
    else:
        q = f"SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p {ref_this} FILTER(isIRI(?s)) }} GROUP BY ?p"
        found = [(str(r["p"]), int(str(r["n"]))) for r in store.query(q, union_default_graph=True).rows()]
    counts = sorted(((p, n) for p, n in found if n > 0), key=lambda pn: (-pn[1], pn[0]))
    if not counts:
        return []
    subs: dict[str, list[str]] = {}
    branches = " UNION ".join(
        f"{{ SELECT DISTINCT ?s ({iri_ref(p)} AS ?p) WHERE {{ ?s {iri_ref(p)} {ref_this} FILTER(isIRI(?s)) }} "
        f"LIMIT {sample} }}" for p, _ in counts)
    for r in store.query(f"SELECT ?p ?s WHERE {{ {branches} }}", union_default_graph=True).rows():
        subs.setdefault(str(r["p"]), []).append(str(r["s"]))
    return [(p, n, sorted(subs.get(p, []))[:sample]) for p, n in counts]


_PREDICATES_Q = (
    f"SELECT DISTINCT ?p WHERE {{ {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?p a ?k }} VALUES ?k {{ rdf:Property "
    "owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty owl:SymmetricProperty owl:TransitiveProperty "
    f"owl:FunctionalProperty }} }} UNION {{ GRAPH <{SHAPES_GRAPH}> {{ ?shape sh:path ?p }} }} FILTER(isIRI(?p)) }}"
)


def _predicates(store: Store) -> list[str]:
    return sorted(str(r["p"]) for r in store.query(_PREDICATES_Q).rows())


_PREDICATES: side_tables.Whole[list[str]] = side_tables.Whole(
    "known-predicates", lambda store: _predicates(store), (("graph", ONTOLOGY_GRAPH), ("graph", SHAPES_GRAPH)),
    load=list)


def stated_predicates(store: Store, this: str) -> list[str]:
    """Which :func:`known_predicates` ``this`` has statements of (a lookup each, never reading them all); kept
    until the statements of ``this`` change as a set."""
    def build() -> tuple[list[str], tuple[Key, ...]]:
        q = f"SELECT ?p WHERE {{ {values('p', known_predicates(store))} FILTER EXISTS {{ {iri_ref(this)} ?p ?o }} }}"
        found = sorted(str(r["p"]) for r in store.query(q, union_default_graph=True).rows())
        return found, (("set", this), *entity_memo.SCHEMA_DEPS)
    return list(entity_memo.kept(("stated", this), build, store))


def known_predicates(store: Store) -> list[str]:
    """The predicates the ontology declares and the shapes constrain (kept until the ontology or the shapes
    change): what a hub's page asks for one by one instead of reading every statement about it."""
    return _PREDICATES.get(store)
