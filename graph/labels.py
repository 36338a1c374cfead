"""Labels of IRIs in a chosen language, kinds from IRIs, and IRIs made safe to put in a query.

No view builds a query from user text: IRIs reach a query only through :func:`iri_ref`, which refuses any
character that could end the IRI token, and literals only as typed values (dates) checked by Python first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping

from rdflib import Literal, URIRef
from rdflib.term import Node

from graph import side_tables
from graph.kept import KeptMemo, Mark
from graph.namespaces import ID, ONTOLOGY_GRAPH
from graph.store.base import Store
from graph.text import nfc
from graph.write_log import Key

#: Characters that may not appear in an IRI reference (RFC 3987 plus what would close a SPARQL IRI token).
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`]')
LANGS = ("vi", "en")

LABEL_ORDER = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://xmlns.com/foaf/0.1/name",
    "http://purl.org/dc/terms/title",
    "http://data.europa.eu/eli/ontology#id_local",
)


class UnsafeIRI(ValueError):
    pass


def iri_ref(iri: str) -> str:
    """``<iri>`` for a query, or :class:`UnsafeIRI`."""
    if not iri or _BAD_IRI.search(iri) or ":" not in iri:
        raise UnsafeIRI(f"not an IRI: {iri!r}")
    return f"<{iri}>"


def values(var: str, iris: Iterable[str]) -> str:
    """A ``VALUES ?var { <a> <b> }`` block of safe IRIs (unsafe ones dropped)."""
    refs = []
    for i in iris:
        try:
            refs.append(iri_ref(i))
        except UnsafeIRI:
            continue
    return f"VALUES ?{var} {{ {' '.join(refs)} }}"


def for_each(store: Store, v: str, branches: Iterable[str]) -> str:
    """A pattern that matches ``branches`` (a UNION) for each value of ``v`` (a ``VALUES`` block), looked up value
    by value: with ``LATERAL`` where the engine has it (the list written and parsed once), else with the list
    inside every branch (SPARQL 1.1; written once per branch)."""
    bs = list(branches)
    if store.supports_lateral:
        return f"{v} LATERAL {{ " + " UNION ".join(f"{{ {b} }}" for b in bs) + " }"
    return " UNION ".join(f"{{ {v} {b} }}" for b in bs)


def kind_of(iri: str) -> str:
    """The ``{kind}`` of ``{BASE}/id/{kind}/...``, else ``"other"``."""
    if iri.startswith(str(ID)):
        return iri[len(str(ID)) :].split("/", 1)[0]
    return "other"


def local_name(iri: str) -> str:
    tail = re.split(r"[/#]", iri.rstrip("/#"))[-1]
    return tail or iri


def pick(cands: list[tuple[int, str, str]], lang: str) -> str | None:
    """The best of ``(predicate rank, language, text)``: wanted language, then vi, then untagged, then any; of
    equals (two sources naming an event differently) the first text in code-point order, whatever order the
    statements were read in."""
    if not cands:
        return None

    def score(c: tuple[int, str, str]) -> tuple[int, int, str]:
        rank, lg, text = c
        lg = lg.lower().split("-")[0]
        pref = 0 if lg == lang else 1 if lg == "vi" else 2 if lg == "" else 3
        return (pref, rank, text)

    return min(cands, key=score)[2]


def labels(store: Store, iris: Iterable[str], lang: str = "vi",
           known: Mapping[str, Iterable[tuple[str, Node]]] | None = None) -> dict[str, str]:
    """A label for each IRI (falling back to its last path segment), in ``lang`` where one exists.

    ``known`` gives the (predicate, value) statements of some of the IRIs already read (an entity page reads its
    own in its header): those are not asked again.  Labels are kept until a write touches them (a hub is
    labelled in every graph that names it: thousands of statements to read for one label)."""
    from datetime import date

    today = date.today().isoformat()
    since = _LABELS.mark(store)
    asked = sorted({i for i in iris if i})
    hits = _LABELS.get_many(store, ((i, lang, today) for i in asked))
    out: dict[str, str] = {i: hits[(i, lang, today)] for i in asked if (i, lang, today) in hits}
    wanted = [i for i in asked if i not in out]
    if not wanted:
        return out
    ranks = {p: n for n, p in enumerate(LABEL_ORDER)}
    cands: dict[str, list[tuple[int, str, str]]] = {}
    read: dict[str, dict[str, set[str]]] = {}  # every rdfs:label of each subject as stated, per language
    for s, stated in (known or {}).items():
        if s in wanted:
            cands[s] = [(ranks[str(p)], _lang(lit), nfc(str(lit))) for p, lit in stated if str(p) in ranks]
            for p, lit in stated:
                if str(p) == LABEL_ORDER[0]:
                    read.setdefault(s, {}).setdefault(_lang(lit).lower(), set()).add(str(lit))
    ask = [i for i in wanted if i not in (known or {})]
    table = side_tables.statements(store, ask, LABEL_ORDER) if ask else None
    if table is not None:  # the label table (:mod:`graph.side_tables`) is current: no engine query
        for s, stated_rows in table.items():
            for p, lg, v in stated_rows:
                cands.setdefault(s, []).append((ranks.get(p, 9), lg, nfc(v)))
                if p == LABEL_ORDER[0]:
                    read.setdefault(s, {}).setdefault(lg.lower(), set()).add(v)
        ask = []
    for start in range(0, len(ask), 1000):
        # One branch per predicate, subject and predicate both bound (an index range each): with the predicates
        # as a filter every statement of a hub was read (48k for Chính phủ at 1M), 2.5x slower.  DISTINCT: a unit
        # labelled in every graph that mentions it would come back once per graph.  Read as SPARQL JSON: no
        # rdflib term per cell.
        q = _labels_query(store, values("s", ask[start : start + 1000]))
        doc = json.loads(store.query(q, union_default_graph=True).serialize("json"))
        for b in doc["results"]["bindings"]:
            lit = b["l"]
            cands.setdefault(b["s"]["value"], []).append(
                (ranks.get(b["p"]["value"], 9), lit.get("xml:lang", ""), nfc(lit["value"])))
            if b["p"]["value"] == LABEL_ORDER[0]:
                read.setdefault(b["s"]["value"], {}).setdefault(lit.get("xml:lang", "").lower(), set()).add(
                    lit["value"])
    fresh = {i: pick(cands.get(i, []), lang) or local_name(i) for i in wanted}
    renamed = renamed_units(cands)
    fresh.update(current_names(store, renamed, lang, read, since))
    decided = set(renamed)
    # what the label table answered is not remembered here (it is as quick to read again); what the engine
    # answered, and the decided names of renamed units, are
    keep = fresh.items() if table is None else ((i, fresh[i]) for i in (decided | (known or {}).keys()) & fresh.keys())
    _LABELS.put(store, since, (((i, lang, today), name, label_deps(i, i in decided)) for i, name in keep))
    return out | fresh


def _labels_query(store: Store, v: str) -> str:
    """The label statements of the subjects of ``v`` (a ``VALUES ?s`` block), each distinct one once.

    Where the engine has ``LATERAL``, each subject's branches are looked up for that subject: joined with the list
    instead, the pages' label queries cost 181 -> 138 ms at 1M and 416 -> 395 ms at 10M with nothing kept (a
    hub's copies bound the largest ones at 10M; the others 15-30% less; same rows)."""
    branches = (f"?s <{p}> ?l BIND(<{p}> AS ?p)" for p in LABEL_ORDER)
    return f"SELECT DISTINCT ?s ?p ?l WHERE {{ {for_each(store, v, branches)} }}"


def label_deps(iri: str, decided: bool = True) -> tuple[Key, ...]:
    """What the label of ``iri`` depends on (:mod:`graph.write_log`): its own label statements (as a set: a new
    source of a unit keeps its label); a renamed unit's (``decided``: :func:`current_names`) also on the graphs
    that state them and on what decides today's name."""
    if decided:
        return (("set", iri), ("any", iri), ("names", ""))
    return tuple(("sp", f"{iri} {p}") for p in LABEL_ORDER)


#: Labels remembered, at most this many (then forgotten all at once).
LABEL_CACHE = 200_000
#: (IRI, language, day) -> its label, kept until a write touches what it depends on (:func:`label_deps`).
_LABELS: KeptMemo[tuple[str, str, str], str] = KeptMemo(LABEL_CACHE)


def _lang(lit: Node) -> str:
    return (lit.language or "") if isinstance(lit, Literal) else ""


def renamed_units(cands: dict[str, list[tuple[int, str, str]]]) -> list[str]:
    """Units with more than one ``rdfs:label`` in a language (a rename, or an article's short form): their
    label must be decided, not picked at random."""
    out = []
    for iri, cs in cands.items():
        if kind_of(iri) != "unit":
            continue
        per_lang: dict[str, set[str]] = {}
        for rank, lg, text in cs:
            if rank == 0:
                per_lang.setdefault(lg, set()).add(text)
        if any(len(v) > 1 for v in per_lang.values()):
            out.append(iri)
    return sorted(out)


def current_names(store: Store, units: list[str], lang: str,
                  read: Mapping[str, Mapping[str, Collection[str]]] | None = None,
                  read_since: Mark | None = None) -> dict[str, str]:
    """The current name of each unit, decided like ``graph.asof.names_on`` (and
    ``docs/queries/51-unit-name-today.rq``): the new name of its latest rename, else the label stated by the most
    recent legal document; in English the English label of that document, when there is one.  ``read``: every
    ``rdfs:label`` of some units per language, read as of ``read_since`` (not read again: a hub's are many)."""
    if not units:
        return {}
    from datetime import date

    from graph.asof import names_on

    # Kept until a write touches the unit or what decides names: a hub's decision reads every graph labelling it.
    today = date.today().isoformat()
    since = _CURRENT.mark(store)
    known = _CURRENT.get_many(store, ((u, lang, today) for u in units))
    todo = [u for u in units if (u, lang, today) not in known]
    if todo:
        found = names_on(store, todo, date.today(), langs=(lang,), read=read, read_since=read_since)
        fresh = {}
        for u in todo:
            n = found.get(u)
            name = (n.en if lang == "en" and n.en else n.today) if n is not None else None
            fresh[(u, lang, today)] = nfc(name) if name and name != u.rsplit("/", 1)[-1] else None
        _CURRENT.put(store, since, ((k, v, label_deps(k[0], True)) for k, v in fresh.items()))
        known |= fresh
    return {u: name for u in units if (name := known[(u, lang, today)]) is not None}


#: (unit, language, day) -> its current name (None: none decided), kept like the labels.
_CURRENT: KeptMemo[tuple[str, str, str], str | None] = KeptMemo(LABEL_CACHE)


def _ontology_labels(store: Store) -> dict[str, dict[str, str]]:
    """``{term: {language: rdfs:label}}`` of the ontology graph's classes and properties (SKOS concepts have
    IRIs of their own and are labelled by :func:`labels`)."""
    q = (f"SELECT ?t ?l WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?t <{LABEL_ORDER[0]}> ?l }} "
         f'FILTER(isIRI(?t) && !STRSTARTS(STR(?t), "{ID}")) }}')
    out: dict[str, dict[str, str]] = {}
    # read as SPARQL JSON (no rdflib term per cell: 330 labels on every cold entity page); the smallest text
    # of a language when it has two, whatever order the engine gives them in
    for b in sorted(json.loads(store.query(q).serialize("json"))["results"]["bindings"],
                    key=lambda b: (b["t"]["value"], b["l"]["value"])):
        lit = b["l"]
        lg = lit.get("xml:lang", "").lower() if lit.get("type") == "literal" else ""
        out.setdefault(b["t"]["value"], {}).setdefault(lg, nfc(lit["value"]))
    return out


_TERM_LABELS: side_tables.Whole[dict[str, dict[str, str]]] = side_tables.Whole(
    "ontology-labels", lambda store: _ontology_labels(store), (("graph", ONTOLOGY_GRAPH),))


def term_labels(store: Store, terms: Iterable[str], lang: str = "vi") -> dict[str, str]:
    """The ontology's ``rdfs:label`` of each predicate or class in ``lang`` (else the other language of
    :data:`LANGS`, else an untagged one), the local name only when the ontology has none; read once per store
    generation of the ontology graph (:mod:`graph.kept`)."""
    known = _TERM_LABELS.get(store)
    order = (lang, *(lg for lg in LANGS if lg != lang), "")
    out = {}
    for t in terms:
        mine = known.get(t, {})
        out[t] = next((mine[lg] for lg in order if lg in mine), None) or local_name(t)
    return out


def text_of(node: Node | None) -> str:
    return "" if node is None else nfc(str(node))


def is_iri(node: Node | None) -> bool:
    return isinstance(node, URIRef)


def linkable(iri: str) -> bool:
    """Only http and https IRIs become links."""
    return iri.startswith(("http://", "https://")) and not _BAD_IRI.search(iri)
