"""Validation measured in a process of its own: ``python -m bench.validation --dir STORE``.

govkg's compiled validator (``graph.shacl.validator``) on the whole store and on a 20-triple change
(:func:`bench.change.small_change`), against pySHACL on the same data held in rdflib: the whole store the way
govkg validates it, each named graph on its own with the ontology mixed in (:func:`pyshacl_per_graph`, what
``graph.validate.validate_store_pyshacl`` does; the baseline of ``validate_full``), and the change's focus nodes
with only the shapes that target them (``focus_nodes`` + ``use_shapes``, the fastest way to ask pySHACL).  The
per-graph run has a budget of its own (``--pyshacl-budget``): past it, the time is extrapolated from the share of
quads validated, and said so.  The whole graph (:func:`graph.validate.whole_graph`: the union of every data graph
and the ontology as one graph, a different question: a graph may lean on another's types) is validated by govkg
(``validate_whole``, record ``full-union``) and by pySHACL (last, so that a run cut by its time budget still reports
everything else), and the two result sets are compared result by result (``identical_to_govkg``).

``--fair`` first makes every graph of the store complete by itself (:func:`make_fair`: each graph gets the type,
label, source and defining triples of the entities it mentions, copied from the graphs that define them, so
validating each graph on its own does not report what another graph holds), and measures a change that conforms
(:func:`fair_change`: a new person with two memberships of a unit, all in one existing graph).  Without it, the
generated graphs are measured as they are (~21k results at 100k, all of them cross-graph references).
"""

from __future__ import annotations

import argparse
import io
from functools import partial
from pathlib import Path
from typing import Any

from bench.change import small_change
from bench.measure import peak_rss_mb, samples, timed
from bench.worker import emit


def _pyshacl_inputs(store: Any) -> tuple[Any, Any]:
    """(data graph: the whole graph, :func:`graph.validate.whole_graph`, the one govkg's ``--whole`` validates;
    shapes graph), as rdflib graphs."""
    from graph.shacl.validator import store_shapes
    from graph.validate import whole_graph

    return whole_graph(store), store_shapes(store)


def result_keys(results: Any) -> set[tuple[str, ...]]:
    """Comparable keys of :class:`graph.validate.Violation` results (focus, path, value, shape, component)."""
    return {(v.focus, v.path or "", v.value or "", v.source_shape, v.constraint) for v in results}


#: What :func:`make_fair` copies about an entity a graph mentions (enough for its own shapes to hold there).
FAIR_COPY = ("rdf:type", "rdfs:label", "dct:source", "foaf:name", "org:unitOf", "govkg:attachedTo", "org:postIn",
             "org:role", "govkg:unitType", "org:subOrganizationOf", "eli:type_document", "eli:id_local", "eli:title",
             "govkg:eventType", "schema:startDate")


def make_fair(store: Any) -> int:
    """Copy into each data graph the defining triples of the entities it mentions (until nothing changes);
    returns the number of quads added."""
    from graph.namespaces import BASE, ONTOLOGY_GRAPH, SHAPES_GRAPH, sparql_prologue

    q = sparql_prologue() + f"""
INSERT {{ GRAPH ?g {{ ?o ?p ?x }} }} WHERE {{
  {{ SELECT DISTINCT ?g ?o WHERE {{
    GRAPH ?g {{ ?s ?q ?o }}
    FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{BASE}/id/") && !STRSTARTS(STR(?o), "{BASE}/id/concept/")
           && ?q != dct:source && ?g != <{ONTOLOGY_GRAPH}> && ?g != <{SHAPES_GRAPH}>)
    FILTER NOT EXISTS {{ GRAPH ?g {{ ?o a ?t }} }} }} }}
  GRAPH ?h {{ ?o ?p ?x }} FILTER(?p IN ({", ".join(FAIR_COPY)}) && ?h != ?g)
}}"""
    start = n = store.count()
    while True:
        store.update(q)
        if store.count() == n:
            return n - start
        n = store.count()


def fair_change(store: Any) -> list[Any]:
    """Twenty quads that conform: a new person and two memberships of a unit, in a graph that types the unit."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS, FOAF, ORG, RDF, RDFS, SDO, XSD

    from graph.namespaces import BASE, GOVKG, sparql_prologue

    q = sparql_prologue() + """SELECT ?g ?u ?src WHERE { GRAPH ?g { ?u a org:OrganizationalUnit ; dct:source ?src .
        ?src a ?t } } ORDER BY ?g ?u LIMIT 1"""
    row = store.query(q).rows()[0]
    g, u, src = row["g"], row["u"], row["src"]
    p, m1, m2 = (URIRef(f"{BASE}/id/{k}/fair-bench-{i}") for i, k in enumerate(("person", "membership", "membership")))
    role = URIRef(f"{BASE}/id/concept/role/")
    name = Literal("Nguyễn Văn Thử", lang="vi")
    t = [(p, RDF.type, FOAF.Person), (p, FOAF.name, name), (p, RDFS.label, name),
         (p, RDFS.label, Literal("Nguyen Van Thu", lang="en")), (p, DCTERMS.source, src)]
    for m, r in ((m1, "pho-chu-nhiem"), (m2, "chu-nhiem")):
        t += [(m, RDF.type, ORG.Membership), (m, ORG.member, p), (m, ORG.organization, u),
              (m, ORG.role, URIRef(f"{role}{r}")), (m, SDO.validFrom, Literal("2024-01-01", datatype=XSD.date)),
              (m, DCTERMS.source, src)]
    t += [(m2, SDO.validThrough, Literal("2024-12-31", datatype=XSD.date)),
          (m1, RDFS.label, Literal("Nguyễn Văn Thử, Phó Chủ nhiệm", lang="vi")),
          (m1, GOVKG.evidence, Literal("bổ nhiệm ông Nguyễn Văn Thử", lang="vi"))]
    assert len(t) == 20
    return [(s_, p_, o, g) for s_, p_, o in t]


def pyshacl_per_graph(store: Any, budget: float) -> dict[str, Any]:
    """pySHACL on each data graph of ``store`` by itself, with the store's ontology mixed in, as
    ``graph.validate.validate_store_pyshacl`` does; stops after ``budget`` seconds.  Returns seconds, results,
    graphs (validated, of total) and quads (validated, of total)."""
    import time

    from rdflib import Dataset, Graph

    from graph.namespaces import ONTOLOGY_GRAPH, SHAPES_GRAPH
    from graph.validate import CHANGES_GRAPH, validate_graph

    t0 = time.perf_counter()
    buf = io.BytesIO()
    store.dump(buf, format="nquads")
    ds = Dataset()
    ds.parse(data=buf.getvalue(), format="nquads")
    del buf
    ont = Graph()
    for t in ds.graph(ONTOLOGY_GRAPH):
        ont.add(t)
    parts = sorted((str(c.identifier), c) for c in ds.graphs()
                   if c.identifier not in (SHAPES_GRAPH, CHANGES_GRAPH) and len(c))
    total = sum(len(c) for _, c in parts)
    done = quads = results = 0
    setup = time.perf_counter() - t0  # reading the store into rdflib: paid once, never extrapolated
    for _name, ctx in parts:
        if done >= 20 and time.perf_counter() - t0 > budget:  # enough graphs to extrapolate from
            break
        g = Graph()
        for t in ctx:
            g.add(t)
        results += len(validate_graph(g, ont_graph=ont).results)
        done += 1
        quads += len(g)
    return {"seconds": time.perf_counter() - t0, "setup_seconds": setup, "results": results, "graphs": done,
            "of_graphs": len(parts), "quads": quads, "of_quads": total}


def _targeting(shapes: Any, types: set[Any]) -> list[Any]:
    from rdflib.namespace import SH

    return sorted({s for t in types for s in shapes.subjects(SH.targetClass, t)}, key=str)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.validation")
    ap.add_argument("--dir", type=Path, required=True, help="a govkg store (data, ontology and shapes loaded)")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--budget", type=float, default=10.0)
    ap.add_argument("--skip-pyshacl", action="store_true")
    ap.add_argument("--pyshacl-budget", type=float, default=300.0,
                    help="seconds for pySHACL per graph; beyond them the full time is extrapolated")
    ap.add_argument("--fair", action="store_true", help="make each graph complete by itself first (edits the store)")
    a = ap.parse_args(argv)
    try:
        from graph.shacl.validator import change_results, store_results
    except ImportError as e:
        emit(kind="validation", engine="govkg", name="full", unavailable=f"graph.shacl is not available: {e}")
        change_results = store_results = None  # type: ignore[assignment]
    from rdflib.namespace import RDF

    from graph.store import EmbeddedStore

    store = EmbeddedStore(a.dir)
    rec: dict[str, Any] = {"kind": "validation", "variant": "fair" if a.fair else "raw"}
    if a.fair:
        dt, n = timed(partial(make_fair, store))
        emit(**rec, engine="govkg", name="make-fair", samples=[dt], added=n, quads=store.count())
    change = fair_change(store) if a.fair else small_change()
    if store_results is not None:
        dt, res = timed(partial(store_results, store))
        emit(**rec, engine="govkg", name="full", samples=[dt], results=len(res))
        from graph.shacl import validate_whole

        dt, whole = timed(partial(validate_whole, store))
        emit(**rec, engine="govkg", name="full-union", samples=[dt], results=len(whole.results))
        r = samples(partial(change_results, store, change, []), a.reps, a.budget)
        results, focus = r["rows"] if r["rows"] is not None else (None, None)
        emit(**rec, engine="govkg", name="change", samples=r["samples"],
             over_budget=r.get("over_budget"), results=None if results is None else len(results),
             focus=None if focus is None else len(focus))
    if not a.skip_pyshacl:
        from pyshacl import validate

        data, shapes = _pyshacl_inputs(store)
        new = [q[:3] for q in change if q[:3] not in data]  # the change repeats the unit it names: keep that
        for t in new:
            data.add(t)
        focus_nodes: list[Any] = sorted({q[0] for q in change}, key=str)
        types = {q[2] for q in change if q[1] == RDF.type}
        use = _targeting(shapes, types)

        def focused() -> int:
            _ok, report, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True,
                                      focus_nodes=focus_nodes, use_shapes=use)
            return len(report)

        r = samples(focused, a.reps, a.budget)
        emit(**rec, engine="pyshacl", name="change", samples=r["samples"], over_budget=r.get("over_budget"))
        for t in new:
            data.remove(t)
        pg = pyshacl_per_graph(store, a.pyshacl_budget)
        if pg["graphs"] == pg["of_graphs"]:
            emit(**rec, engine="pyshacl", name="full", samples=[pg["seconds"]], **pg)
        else:  # cut by its budget: reading the store once, then every quad at the pace of those validated
            setup = pg["setup_seconds"]
            est = setup + (pg["seconds"] - setup) * pg["of_quads"] / max(pg["quads"], 1)
            emit(**rec, engine="pyshacl", name="full", samples=[est], estimated=True, **pg)
        dt, out = timed(lambda: validate(data, shacl_graph=shapes, inference="none", allow_warnings=True))
        from rdflib.namespace import SH

        from graph.validate import _results

        n = len(set(out[1].subjects(RDF.type, SH.ValidationResult)))
        theirs = result_keys(_results(out[1], None))
        same = None if store_results is None else result_keys(whole.results) == theirs
        emit(**rec, engine="pyshacl", name="full-union", samples=[dt], conforms=bool(out[0]), results=n,
             distinct_results=len(theirs), identical_to_govkg=same)
    emit(kind="done", engine="validation", peak_mb=peak_rss_mb())
    store.close()


if __name__ == "__main__":
    main()
