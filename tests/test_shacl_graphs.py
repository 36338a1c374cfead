"""Per-graph semantics: the engine validates each graph on its own with the ontology graph, as pySHACL does in
``graph.validate`` (the reference here: pySHACL on each unit's data, run in the same test).

Multi-graph data where the union and the per-graph answers differ: a renamed unit with a @vi label in each of
two graphs conforms; a graph that mentions a unit without typing and labelling it fails there only; a graph
that says something about an ontology concept changes that concept's results in that graph only; a defect of
the ontology itself shows in every graph.
"""

from __future__ import annotations

import random

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from graph.namespaces import GRAPH, ONTOLOGY_GRAPH, SHAPES_GRAPH
from graph.shacl import units as shacl_units
from graph.shacl import validate_store
from graph.shacl.fallback import run_pyshacl
from graph.shacl.results import Result, flatten
from graph.shacl.units import CHANGES
from graph.shacl.validator import compile_shapes, store_report, unit_graph
from graph.store.embedded import EmbeddedStore
from graph.validate import load_ontology, load_shapes
from tests.test_shacl_parity import DCT, FOAF, ID, ORG, RDFS, generate, keys

ROLE = URIRef(f"{ID}concept/role/vu-truong")


def store_of(graphs: dict[URIRef | None, Graph], ontology: Graph | None = None) -> EmbeddedStore:
    st = EmbeddedStore(None)
    for t in ontology if ontology is not None else load_ontology():
        st.add((*t, ONTOLOGY_GRAPH))
    for t in load_shapes():
        st.add((*t, SHAPES_GRAPH))
    for g, data in graphs.items():
        for t in data:
            st.add((*t, g))
    return st


def tagged_keys(results: list[Result], shapes: Graph) -> set[tuple]:
    out: set[tuple] = set()
    for r in flatten(results):
        out |= {(str(r.graph or ""), *k) for k in keys([r], shapes)}
    return out


def reference(store: EmbeddedStore, units: list[str]) -> set[tuple]:
    """pySHACL on each unit: its graph plus the ontology graph (the ontology unit: the ontology alone)."""
    shapes = load_shapes()
    out: set[tuple] = set()
    for name in units:
        data = unit_graph(store, name or None)
        out |= {(name, *k) for k in keys(run_pyshacl(data, tuple(shapes)), shapes)}
    return out


def engine(store: EmbeddedStore) -> tuple[set[tuple], list[str]]:
    results, units = store_report(store, compile_shapes(load_shapes()))
    return tagged_keys(results, load_shapes()), units


def unit(iri: str, label_vi: str, src: URIRef) -> Graph:
    g = Graph()
    u = URIRef(iri)
    g.add((u, RDF.type, ORG.Organization))
    g.add((u, RDFS.label, Literal(label_vi, lang="vi")))
    g.add((u, URIRef("https://w3id.org/govkg/ontology#unitType"), URIRef(f"{ID}concept/unit-type/bo")))
    g.add((u, DCT.source, src))
    return g


def test_renamed_unit_conforms_per_graph_not_as_union() -> None:
    src1, src2 = URIRef(f"{ID}source/a"), URIRef(f"{ID}source/b")
    old = unit(f"{ID}unit/x", "Vụ Cũ", src1)
    new = unit(f"{ID}unit/x", "Vụ Mới", src2)
    store = store_of({GRAPH["a"]: old, GRAPH["b"]: new})
    mine, units = engine(store)
    assert units == sorted([str(GRAPH["a"]), str(GRAPH["b"]), str(ONTOLOGY_GRAPH)])
    assert mine == reference(store, units) == set()
    assert validate_store(store).conforms
    # The union would not conform: two @vi labels.
    union = Graph()
    for t in (*old, *new, *load_ontology()):
        union.add(t)
    assert any(str(k[4]).endswith("UniqueLangConstraintComponent")
               for k in keys(run_pyshacl(union, tuple(load_shapes())), load_shapes()))


def test_missing_label_fails_only_in_its_graph() -> None:
    src = URIRef(f"{ID}source/a")
    good = unit(f"{ID}unit/x", "Vụ X", src)
    bad = unit(f"{ID}unit/x", "Vụ X", src)
    bad.remove((None, RDFS.label, None))
    store = store_of({GRAPH["a"]: good, GRAPH["b"]: bad})
    mine, units = engine(store)
    ref = reference(store, units)
    assert mine == ref
    assert {k[0] for k in mine} == {str(GRAPH["b"])}
    report = validate_store(store)
    assert not report.conforms and {v.graph for v in report.results} == {str(GRAPH["b"])}


def test_statement_about_a_concept_counts_in_its_graph_only() -> None:
    """A graph giving a concept of the ontology a second @vi prefLabel: that concept fails there only."""
    src = URIRef(f"{ID}source/a")
    g = unit(f"{ID}unit/x", "Vụ X", src)
    g.add((ROLE, SKOS.prefLabel, Literal("Vụ trưởng khác", lang="vi")))
    store = store_of({GRAPH["a"]: g, GRAPH["b"]: unit(f"{ID}unit/y", "Vụ Y", src)})
    mine, units = engine(store)
    ref = reference(store, units)
    assert mine == ref
    assert {(k[0], k[1]) for k in mine} == {(str(GRAPH["a"]), ROLE)}


def test_ontology_defect_shows_in_every_graph_and_default_graph() -> None:
    onto = load_ontology()
    onto.remove((ROLE, SKOS.inScheme, None))
    src = URIRef(f"{ID}source/a")
    g_b = unit(f"{ID}unit/y", "Vụ Y", src)
    g_b.add((ROLE, SKOS.inScheme, URIRef("https://w3id.org/govkg/id/scheme/role")))  # fixed in b only
    audit = Graph()
    audit.add((URIRef(f"{ID}changeset/1"), RDF.type, FOAF.Person))  # never a unit
    store = store_of({GRAPH["a"]: unit(f"{ID}unit/x", "Vụ X", src), GRAPH["b"]: g_b, None: unit(
        f"{ID}unit/z", "Vụ Z", src), URIRef(CHANGES): audit}, ontology=onto)
    mine, units = engine(store)
    assert "" in units and CHANGES not in units
    ref = reference(store, units)
    assert mine == ref
    assert {k[0] for k in mine if k[1] == ROLE} == {"", str(GRAPH["a"]), str(ONTOLOGY_GRAPH)}


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_multi_graph_matches_pyshacl(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Generated data cut into graphs by entity, so references across graphs fail where they are made; the same
    results whether the independent queries run one at a time or in four threads."""
    rnd = random.Random(seed)
    data = generate(25, seed=seed)
    names = [GRAPH[f"gen-{i}"] for i in range(4)]
    home = {s: rnd.choice(names) for s in set(data.subjects())}
    graphs: dict[URIRef | None, Graph] = {n: Graph() for n in names}
    for s, p, o in data:
        graphs[home[s]].add((s, p, o))
        if rnd.random() < 0.05:  # the odd statement repeated in another graph
            graphs[rnd.choice(names)].add((s, p, o))
    store = store_of(graphs)
    mine, units = engine(store)
    ref = reference(store, units)
    assert len({k[0] for k in ref}) >= 3, "the cut must make several graphs fail"
    assert mine == ref
    for workers in (1, 4):
        monkeypatch.setattr(shacl_units, "WORKERS", workers)
        assert engine(store) == (mine, units)
