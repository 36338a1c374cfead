"""Validation of data against the govkg shapes (``ontology/shapes*.ttl``) with pySHACL.

Each source graph is validated on its own, with the ontology and its SKOS schemes mixed in (so ``sh:class`` sees
``rdfs:subClassOf`` and the concept types): a named graph is one source's account, and must be complete and
coherent by itself (docs/MODEL.md, "Sources and provenance").  :func:`validate_whole` asks the other question:
whether the whole graph (:func:`whole_graph`, the set union of every data graph and the ontology) conforms, as one
data graph.  Nothing is fetched: ``owl:imports`` are not
followed, and the shapes and ontology come from the checkout (or the store's ontology graph).

``load_shapes()`` parses once; every run gets a fresh copy, since pySHACL annotates the shapes graph it is given.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from graph.formats import rdf_format_for_path
from graph.namespaces import BASE, ONTOLOGY_GRAPH, PREFIXES, SHAPES_GRAPH
from graph.seed import ontology_files, shapes_files
from graph.store.base import Store

_RDFLIB_FORMATS = {"turtle": "turtle", "trig": "trig", "ntriples": "nt", "nquads": "nquads", "jsonld": "json-ld",
                   "rdfxml": "xml"}
_SEVERITY: dict[URIRef, str] = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
#: The write path's audit graph (graph.diffs.CHANGES_GRAPH): records of changes, never validated as data.  It lives
#: in the audit store (graph.audit); only a store written before that still holds it, until the server starts.
CHANGES_GRAPH = URIRef(f"{BASE}/graph/changes")
#: Graphs that are never data: neither validated on their own nor part of the whole graph.
NOT_DATA = (SHAPES_GRAPH, CHANGES_GRAPH)


@dataclass(frozen=True)
class Violation:
    """One validation result, in plain strings (IRIs as written, literals as N-Triples terms)."""

    focus: str
    path: str | None
    value: str | None
    messages: dict[str, str]
    source_shape: str
    severity: str
    constraint: str
    graph: str | None = None

    def message(self, lang: str = "vi") -> str:
        return self.messages.get(lang) or self.messages.get("en") or next(iter(self.messages.values()), "")


@dataclass
class ValidationReport:
    conforms: bool
    results: list[Violation] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)

    def text(self, lang: str = "vi") -> str:
        n, ng = len(self.results), len(self.graphs)
        if self.conforms:
            if lang == "vi":
                return f"Hợp lệ: dữ liệu thỏa mãn mọi ràng buộc ({ng} đồ thị)."
            return f"Conforms: the data meets every shape ({ng} graph{'s' if ng != 1 else ''})."
        plural = "s" if n != 1 else ""
        head = f"Không hợp lệ: {n} vi phạm." if lang == "vi" else f"Does not conform: {n} result{plural}."
        lines = [head]
        labels = ("đối tượng", "thuộc tính", "giá trị", "ràng buộc", "đồ thị") if lang == "vi" else (
            "focus", "path", "value", "shape", "graph")
        for v in self.results:
            lines.append(f"- [{v.severity}] {v.message(lang)}")
            lines.append(f"    {labels[0]}: {_short(v.focus)}")
            if v.path:
                lines.append(f"    {labels[1]}: {_short(v.path)}")
            if v.value is not None:
                lines.append(f"    {labels[2]}: {_short(v.value)}")
            lines.append(f"    {labels[3]}: {_short(v.source_shape)}")
            if v.graph:
                lines.append(f"    {labels[4]}: {_short(v.graph)}")
        return "\n".join(lines)

    def to_json(self, lang: str = "vi") -> str:
        out = {"conforms": self.conforms, "graphs": self.graphs,
               "results": [{**asdict(v), "message": v.message(lang)} for v in self.results]}
        return json.dumps(out, ensure_ascii=False, indent=2)


def _short(iri: str) -> str:
    for p, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and "/" not in iri[len(ns):] and "#" not in iri[len(ns):]:
            return f"{p}:{iri[len(ns):]}"
    if iri.startswith("https://w3id.org/govkg/shapes#"):
        return "shapes:" + iri.split("#", 1)[1]
    return iri


@lru_cache(maxsize=1)
def _shapes_cached() -> Graph:
    g = Graph()
    for p in shapes_files():
        g.parse(p, format="turtle")
    return g


@lru_cache(maxsize=1)
def _ontology_cached() -> Graph:
    g = Graph()
    for p in ontology_files():
        g.parse(p, format="turtle")
    return g


def _copy(g: Graph) -> Graph:
    c = Graph()
    for t in g:
        c.add(t)
    return c


def load_shapes() -> Graph:
    """The shapes of the checkout, a fresh copy each call (pySHACL must not alter the cached one)."""
    return _copy(_shapes_cached())


def load_ontology() -> Graph:
    """The ontology and its SKOS schemes, a fresh copy each call."""
    return _copy(_ontology_cached())


def _term(n: Node | None) -> str | None:
    if n is None:
        return None
    if isinstance(n, Literal):
        return n.n3()
    if isinstance(n, BNode):
        return f"_:{n}"
    return str(n)


def _path(g: Graph, p: Node | None) -> str | None:
    if p is None or not isinstance(p, BNode):
        return _term(p)
    inv = g.value(p, SH.inversePath)
    if inv is not None:
        return f"^{_term(inv)}"
    alt = g.value(p, SH.alternativePath)
    if alt is not None:
        return "|".join(str(_path(g, x)) for x in g.items(alt))
    if g.value(p, RDF.first) is not None:
        return "/".join(str(_path(g, x)) for x in g.items(p))
    return _term(p)


def _results(report: Graph, graph_name: str | None) -> list[Violation]:
    out: list[Violation] = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        msgs: dict[str, str] = {}
        for m in report.objects(r, SH.resultMessage):
            lang = m.language if isinstance(m, Literal) and m.language else "en"
            msgs.setdefault(lang, str(m))
        out.append(Violation(
            focus=str(_term(report.value(r, SH.focusNode))),
            path=_path(report, report.value(r, SH.resultPath)),
            value=_term(report.value(r, SH.value)),
            messages=msgs,
            source_shape=str(_term(report.value(r, SH.sourceShape))),
            severity=_SEVERITY.get(URIRef(str(report.value(r, SH.resultSeverity))), "Violation"),
            constraint=str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
            graph=graph_name,
        ))
    out.sort(key=lambda v: (v.graph or "", v.focus, v.source_shape, v.path or "", v.value or ""))
    return out


def _validate_one(data: Graph, ont: Graph, graph_name: str | None) -> tuple[bool, list[Violation]]:
    # The ontology is mixed in whole (pySHACL's own ont_graph mixing copies class axioms only, not the
    # skos:inScheme of concepts that the scheme checks need); ``data`` is already a private copy.
    for t in ont:
        data.add(t)
    conforms, report, _ = shacl_validate(
        data, shacl_graph=load_shapes(), ont_graph=None, inference="none", advanced=False,
        allow_warnings=True, do_owl_imports=False, meta_shacl=False,
    )
    assert isinstance(report, Graph)
    results = _results(report, graph_name)
    return bool(conforms), results


def _graphs_of(data: Graph | Dataset) -> list[tuple[str | None, Graph]]:
    """The graphs to validate one by one: each named graph (but the shapes graph), and a non-empty default."""
    if not isinstance(data, Dataset):
        return [(None, _copy(data))]
    parts: list[tuple[str | None, Graph]] = []
    for ctx in data.graphs():
        name = ctx.identifier
        if name in (SHAPES_GRAPH, CHANGES_GRAPH) or len(ctx) == 0:
            continue
        g = Graph()
        for t in ctx:
            g.add(t)
        is_default = name == URIRef("urn:x-rdflib:default")
        parts.append((None if is_default else str(name), g))
    return sorted(parts, key=lambda kv: kv[0] or "")


def validate_graph(data: Graph | Dataset, lang: str = "vi", ont_graph: Graph | None = None) -> ValidationReport:
    """Validate a graph, or each graph of a dataset, against the shapes.  ``lang`` only sets the default text."""
    ont = ont_graph if ont_graph is not None else _ontology_cached()
    report = ValidationReport(conforms=True)
    for name, g in _graphs_of(data):
        ok, results = _validate_one(g, ont, name)
        report.conforms = report.conforms and ok
        report.results.extend(results)
        report.graphs.append(name or "")
    return report


def validate_store(store: Store, lang: str = "vi", ont_graph: Graph | None = None) -> ValidationReport:
    """Validate every data graph of ``store`` (not the shapes graph nor the audit graph), each on its own, with the
    ontology mixed in.

    The ontology is the store's ontology graph when it has one, else the checkout's ``ontology/*.ttl``.  With the
    store's own ontology and shapes graphs, the compiled engine (:mod:`graph.shacl`) does it on the store, with
    the same results as pySHACL (``tests/test_shacl_graphs.py``); otherwise pySHACL does
    (:func:`validate_store_pyshacl`).
    """
    if ont_graph is None and store.ask(f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}") and store.ask(
            f"ASK {{ GRAPH <{SHAPES_GRAPH}> {{ ?s ?p ?o }} }}"):
        from graph.shacl import validate_store as compiled

        return compiled(store, lang=lang)
    return validate_store_pyshacl(store, lang, ont_graph)


def data_graph_names(store: Store) -> list[str]:
    """The graphs of the whole graph: every named graph of ``store`` but :data:`NOT_DATA` (``""``: a non-empty
    default graph)."""
    hidden = {str(g) for g in NOT_DATA}
    named = sorted(g for g in store.named_graphs() if g not in hidden)
    return ([""] if store.ask("ASK { ?s ?p ?o }") else []) + named


def whole_graph(store: Store) -> Graph:
    """The whole graph: the set union of every graph of ``store`` but :data:`NOT_DATA` (the ontology graph and the
    default graph included), as one rdflib graph.  The data graph of :func:`validate_whole`, and of pySHACL over
    the union in ``bench.validation``."""
    hidden = " && ".join(f"?g != <{g}>" for g in NOT_DATA)
    q = f"SELECT DISTINCT ?s ?p ?o WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} FILTER({hidden}) }} }}"
    g = Graph()
    for r in store.query(q).rows():
        g.add((r["s"], r["p"], r["o"]))
    return g


def validate_whole(store: Store, lang: str = "vi") -> ValidationReport:
    """Validate the whole graph of ``store`` (:func:`whole_graph`) as one data graph; no result names a graph.

    Use it to ask whether everything the store holds, taken together, meets the shapes (a graph may lean on
    another's types and labels); :func:`validate_store` asks whether each source's account holds by itself (what
    the write path checks).  With the store's own ontology and shapes graphs the compiled engine does it
    (:mod:`graph.shacl.whole`), with the same results as pySHACL on :func:`whole_graph`
    (``tests/test_validate_whole.py``); otherwise pySHACL does (:func:`validate_whole_pyshacl`).
    """
    if store.ask(f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}") and store.ask(
            f"ASK {{ GRAPH <{SHAPES_GRAPH}> {{ ?s ?p ?o }} }}"):
        from graph.shacl import validate_whole as compiled

        return compiled(store, lang=lang)
    return validate_whole_pyshacl(store, lang)


def validate_whole_pyshacl(store: Store, lang: str = "vi") -> ValidationReport:
    """:func:`validate_whole` with pySHACL on :func:`whole_graph` in memory and the shapes of the checkout (and the
    checkout's ontology when the store has no ontology graph)."""
    data = whole_graph(store)
    has_onto = store.ask(f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}")
    ok, results = _validate_one(data, Graph() if has_onto else _ontology_cached(), None)
    return ValidationReport(conforms=ok, results=results, graphs=data_graph_names(store))


def validate_store_pyshacl(store: Store, lang: str = "vi", ont_graph: Graph | None = None) -> ValidationReport:
    """:func:`validate_store` with pySHACL on a copy of the store in memory (the shapes of the checkout)."""
    buf = io.BytesIO()
    store.dump(buf, format="nquads")
    ds = Dataset()
    ds.parse(data=buf.getvalue(), format="nquads")
    if ont_graph is None:
        stored = ds.graph(ONTOLOGY_GRAPH)
        ont_graph = _copy(stored) if len(stored) else None
    return validate_graph(ds, lang=lang, ont_graph=ont_graph)


def parse_files(paths: Iterable[str | Path]) -> Dataset:
    """Files into one dataset; a triple-format file goes into a graph named after the file."""
    ds = Dataset()
    for p in paths:
        path = Path(p)
        fmt = _RDFLIB_FORMATS[rdf_format_for_path(path).name]
        if fmt in ("trig", "nquads", "json-ld"):
            ds.parse(path, format=fmt)
        else:
            ds.graph(URIRef(path.resolve().as_uri())).parse(path, format=fmt)
    return ds


def validate_files(paths: Sequence[str | Path], lang: str = "vi") -> ValidationReport:
    """Validate RDF files (each graph on its own) against the shapes of the checkout."""
    return validate_graph(parse_files(paths), lang=lang)
