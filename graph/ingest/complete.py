"""A proposal's graph complete by itself (MODEL.md "Sources and provenance"; ``graph.validate``).

Validation is per named graph: the source graph an accepted proposal becomes must conform on its own, with the
ontology.  So every entity the graph mentions is typed, labelled ``@vi`` and sourced in it, with what the shapes
require of its classes.  :func:`complete` makes the staging graph so:

- an existing entity it links to or points at (a unit, a person, a document) gets its type(s), one ``rdfs:label``
  per language and the properties the shapes require of those types (``org:unitOf`` of an organisational unit,
  ``govkg:attachedTo`` of a Party organisation, ``org:postIn`` of a post, ...) copied from the store, with
  ``dct:source`` the article; the entities those properties name are completed in turn;
- a body named by the article but in no store (a top-level body, the publisher) is typed ``org:Organization``
  with its name;
- what cannot be made complete without guessing is left out and said to the reviewer (:class:`Note`);
- when the source's graph already exists (an article curated before), a single-valued property it already holds
  for a subject (``maxCount 1``, one per language) is not proposed a second time.

The required and single-valued properties are read from the shapes (``ontology/shapes*.ttl``), the class
hierarchy from the ontology; nothing here restates them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, RDFS, SH
from rdflib.term import Node

from graph.namespaces import ID
from graph.store.base import Store
from graph.text import fold

_CONCEPT = f"{ID}concept/"
#: Predicates that only describe the proposal itself: never copied from the store.
_OWN = {DCTERMS.source}


@dataclass(frozen=True)
class Note:
    """Something the reviewer must know or supply: the extractor left it out rather than guess."""

    vi: str
    en: str

    def text(self, lang: str = "vi") -> str:
        return self.vi if lang == "vi" else self.en


@dataclass(frozen=True)
class ShapeFacts:
    required: dict[URIRef, frozenset[URIRef]]  # class -> predicates the shapes require (minCount >= 1, sh:or)
    single: frozenset[URIRef]  # predicates with maxCount 1 somewhere
    per_lang: tuple[frozenset[URIRef], ...]  # groups of predicates sharing "one value per language"
    supers: dict[URIRef, frozenset[URIRef]]  # class -> itself and its superclasses


def _paths(sg: Graph, path: Node | None) -> list[URIRef]:
    if isinstance(path, URIRef):
        return [path]
    alt = sg.value(path, SH.alternativePath)
    if alt is not None:
        return [p for p in Collection(sg, alt) if isinstance(p, URIRef)]
    return []


@lru_cache(maxsize=1)
def shape_facts() -> ShapeFacts:
    from graph.validate import load_ontology, load_shapes

    sg, ont = load_shapes(), load_ontology()
    required: dict[URIRef, set[URIRef]] = {}
    single: set[URIRef] = set()
    per_lang: list[frozenset[URIRef]] = []
    for ps in set(sg.subjects(SH.path, None)):
        paths = _paths(sg, sg.value(ps, SH.path))
        if sg.value(ps, SH.maxCount) == Literal(1) and len(paths) == 1:
            single.add(paths[0])
        if sg.value(ps, SH.uniqueLang) == Literal(True) and paths:
            per_lang.append(frozenset(paths))
    for shape in set(sg.subjects(SH.targetClass, None)):
        need: set[URIRef] = set()
        for ps in sg.objects(shape, SH.property):
            mc = sg.value(ps, SH.minCount)
            if isinstance(mc, Literal) and int(mc) >= 1:
                need.update(_paths(sg, sg.value(ps, SH.path)))
        for alts in sg.objects(shape, SH["or"]):  # one of several properties: copy whichever the store has
            for member in Collection(sg, alts):
                path = sg.value(member, SH.path)
                mc = sg.value(member, SH.minCount)
                if path is not None and isinstance(mc, Literal) and int(mc) >= 1:
                    need.update(_paths(sg, path))
        for c in sg.objects(shape, SH.targetClass):
            if isinstance(c, URIRef):
                required.setdefault(c, set()).update(need)
    supers: dict[URIRef, frozenset[URIRef]] = {}
    for c in {c for c in ont.subjects(RDFS.subClassOf, None) if isinstance(c, URIRef)}:
        seen, todo = {c}, [c]
        while todo:
            for s in ont.objects(todo.pop(), RDFS.subClassOf):
                if isinstance(s, URIRef) and s not in seen:
                    seen.add(s)
                    todo.append(s)
        supers[c] = frozenset(seen)
    return ShapeFacts({c: frozenset(v) for c, v in required.items()}, frozenset(single), tuple(per_lang), supers)


def _lang_group(facts: ShapeFacts, p: URIRef) -> frozenset[URIRef] | None:
    return next((grp for grp in facts.per_lang if p in grp), None)


def _describe(store: Store, iri: URIRef) -> list[tuple[str, URIRef, Node]]:
    """(graph, predicate, object) of ``iri`` as subject in every named graph of the store."""
    rows = store.query(f"SELECT ?g ?p ?o WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}").rows()
    return [(str(r["g"]), r["p"], r["o"]) for r in rows  # type: ignore[misc]
            if isinstance(r.get("p"), URIRef) and not isinstance(r.get("o"), BNode)]


def _pick(values: list[tuple[str, Node]], prefer: str | None = None) -> Node:
    """One value: the one matching ``prefer`` (a name as the article writes it), else the most attested."""
    if prefer:
        for _, v in values:
            if fold(str(v)) == fold(prefer):
                return v
    counts = Counter(v for _, v in values)
    return sorted(counts, key=lambda v: (-counts[v], str(v)))[0]


def _referenced(g: Graph) -> set[URIRef]:
    out: set[URIRef] = set()
    for s, _, o in g:
        for n in (s, o):
            if isinstance(n, URIRef) and str(n).startswith(str(ID)) and not str(n).startswith(_CONCEPT):
                out.add(n)
    return out


def complete(g: Graph, src: URIRef, store: Store | None, names: dict[str, str], notes: list[Note],
             mention_names: dict[str, str]) -> None:
    """Make ``g`` (the proposal's graph, sourced to ``src``) complete by itself; see the module's text.

    ``names``: IRI -> name of bodies the article names that may be in no store (typed org:Organization when so);
    ``mention_names``: IRI -> the name the article gives a linked entity (its label is preferred).
    """
    from rdflib.namespace import ORG

    facts = shape_facts()
    done: set[URIRef] = set()
    for _ in range(8):  # parents of parents, up to the top
        todo = [n for n in _referenced(g) - done if (n, RDF.type, None) not in g]
        if not todo:
            break
        for n in todo:
            done.add(n)
            desc = _describe(store, n) if store is not None else []
            types = {o for _, p, o in desc if p == RDF.type and isinstance(o, URIRef)}
            if not types:
                if str(n) in names:
                    g.add((n, RDF.type, ORG.Organization))
                    g.add((n, RDFS.label, Literal(names[str(n)], lang="vi")))
                    g.add((n, DCTERMS.source, src))
                    continue
                _drop(g, n)
                notes.append(Note(f"Không có trong đồ thị và không đủ thông tin để đề xuất: {n}; đã bỏ các bộ ba "
                                  "nhắc tới.", f"Not in the graph and too little to propose it: {n}; the triples "
                                  "naming it were left out."))
                continue
            for t in types:
                g.add((n, RDF.type, t))
            want: set[URIRef] = {RDFS.label}
            for t in types:
                for c in facts.supers.get(t, frozenset({t})) | {t}:
                    want |= facts.required.get(c, frozenset())
            want -= _OWN | {RDF.type}
            for p in sorted(want):
                vals = [(gr, o) for gr, q, o in desc if q == p]
                if not vals:
                    continue
                if p in facts.single:
                    g.add((n, p, _pick(vals, mention_names.get(str(n)))))
                elif _lang_group(facts, p) is not None:
                    langs = {getattr(o, "language", None) for _, o in vals}
                    for lang in sorted(langs, key=str):
                        g.add((n, p, _pick([(gr, o) for gr, o in vals if getattr(o, "language", None) == lang],
                                           mention_names.get(str(n)))))
                else:
                    for o in {o for _, o in vals}:
                        g.add((n, p, o))
            g.add((n, DCTERMS.source, src))


def _drop(g: Graph, n: URIRef) -> None:
    for t in list(g.triples((n, None, None))) + list(g.triples((None, None, n))):
        g.remove(t)


def merge_existing(g: Graph, target: str, store: Store | None) -> int:
    """Leave out single-valued statements the source's existing graph ``target`` already makes otherwise."""
    if store is None:
        return 0
    facts = shape_facts()
    have: dict[tuple[Node, URIRef], list[Node]] = {}
    for r in store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{target}> {{ ?s ?p ?o }} }}").rows():
        have.setdefault((r["s"], r["p"]), []).append(r["o"])  # type: ignore[arg-type]
    if not have:
        return 0
    dropped = 0
    for s, p, o in list(g):
        if not isinstance(p, URIRef):
            continue
        if p in facts.single:
            if any(x != o for x in have.get((s, p), [])):
                g.remove((s, p, o))
                dropped += 1
            continue
        grp = _lang_group(facts, p)
        if grp is not None:
            lang = getattr(o, "language", None)
            if any(x != o and getattr(x, "language", None) == lang for q in grp for x in have.get((s, q), [])):
                g.remove((s, p, o))
                dropped += 1
    return dropped
