"""Whole-graph validation: the set union of every data graph and the ontology, as one data graph.

The reference is pySHACL on :func:`graph.validate.whole_graph` of the same store, run in the same test.  Facts
split across graphs: a unit labelled in one graph and typed in another conforms as a whole (and fails per graph);
a renamed unit with a @vi label in each of two graphs fails as a whole (and conforms per graph); an article given
a second publication time in another graph exceeds ``sh:maxCount 1`` only in the union.  The shapes graph and the
audit graph are never data; a store with triples in its default graph takes the in-memory way.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from graph.namespaces import GRAPH
from graph.shacl import units as shacl_units
from graph.shacl import validate_whole
from graph.shacl.fallback import run_pyshacl
from graph.shacl.results import Result
from graph.shacl.units import CHANGES
from graph.shacl.validator import compile_shapes
from graph.shacl.whole import whole_results
from graph.store.embedded import EmbeddedStore
from graph.validate import load_shapes, validate_store, validate_whole_pyshacl, whole_graph
from graph.validate import validate_whole as validate_whole_api
from tests.seeded import seeded_store
from tests.test_shacl_graphs import store_of, unit
from tests.test_shacl_parity import DCT, EXAMPLE_FILES, FOAF, ID, RDFS, generate, keys

SCHEMA = "https://schema.org/"


def mine(store: EmbeddedStore) -> set[tuple]:
    results: list[Result] = whole_results(store, compile_shapes(load_shapes()))
    assert all(r.graph is None for r in results)
    return keys(results, load_shapes())


def reference(store: EmbeddedStore) -> set[tuple]:
    shapes = load_shapes()
    return keys(run_pyshacl(whole_graph(store), tuple(shapes)), shapes)


def components(found: set[tuple]) -> set[str]:
    return {str(k[4]).rsplit("#", 1)[-1] for k in found}


def test_unit_typed_in_one_graph_labelled_in_another_conforms_as_a_whole() -> None:
    src = URIRef(f"{ID}source/a")
    whole = unit(f"{ID}unit/x", "Vụ X", src)
    typed, labelled = Graph(), Graph()
    for t in whole:
        (labelled if t[1] == RDFS.label else typed).add(t)
    store = store_of({GRAPH["a"]: typed, GRAPH["b"]: labelled})
    assert mine(store) == reference(store) == set()
    assert validate_whole(store).conforms
    assert not validate_store(store).conforms  # graph a has no label for its unit


def test_renamed_unit_fails_as_a_whole_only() -> None:
    src1, src2 = URIRef(f"{ID}source/a"), URIRef(f"{ID}source/b")
    store = store_of({GRAPH["a"]: unit(f"{ID}unit/x", "Vụ Cũ", src1), GRAPH["b"]: unit(f"{ID}unit/x", "Vụ Mới", src2)})
    found = mine(store)
    assert found == reference(store)
    assert "UniqueLangConstraintComponent" in components(found)
    report = validate_whole_api(store)
    assert not report.conforms and {v.graph for v in report.results} == {None}
    assert validate_store(store).conforms


def article(a: URIRef, issued: str) -> Graph:
    g = Graph()
    g.add((a, RDF.type, URIRef(f"{SCHEMA}NewsArticle")))
    g.add((a, DCT.title, Literal("Tin", lang="vi")))
    g.add((a, DCT.publisher, URIRef(f"{ID}unit/x")))
    g.add((a, DCT.issued, Literal(issued, datatype=XSD.dateTime)))
    return g


def test_max_count_exceeded_only_in_the_union() -> None:
    a, src = URIRef(f"{ID}source/a"), URIRef(f"{ID}source/a")
    g1 = article(a, "2023-07-18T10:00:00")
    g1 += unit(f"{ID}unit/x", "Vụ X", src)
    g2 = article(a, "2023-07-18T11:00:00")
    g2 += unit(f"{ID}unit/x", "Vụ X", src)
    store = store_of({GRAPH["a"]: g1, GRAPH["b"]: g2})
    found = mine(store)
    assert found == reference(store)
    assert {(k[0], str(k[4]).rsplit("#", 1)[-1]) for k in found} == {(a, "MaxCountConstraintComponent")}
    assert validate_store(store).conforms


def test_audit_graph_and_shapes_graph_are_not_data() -> None:
    """A person in the audit graph, with no label, and the shapes graph's own labels and types: none is data."""
    audit = Graph()
    audit.add((URIRef(f"{ID}changeset/1"), RDF.type, FOAF.Person))
    shape_iri = URIRef("https://w3id.org/govkg/shapes")
    audit.add((shape_iri, RDF.type, FOAF.Person))
    src = URIRef(f"{ID}source/a")
    store = store_of({GRAPH["a"]: unit(f"{ID}unit/x", "Vụ X", src), URIRef(CHANGES): audit})
    assert set(whole_graph(store).subjects(RDF.type, FOAF.Person)) == set()
    assert mine(store) == reference(store) == set()
    # The same person in a data graph is validated (and fails: no name, no label).
    store.add((URIRef(f"{ID}changeset/1"), RDF.type, FOAF.Person, GRAPH["b"]))
    found = mine(store)
    assert found == reference(store) and {k[0] for k in found} == {URIRef(f"{ID}changeset/1")}


def test_default_graph_takes_the_in_memory_way() -> None:
    src = URIRef(f"{ID}source/a")
    typed, labelled = Graph(), Graph()
    for t in unit(f"{ID}unit/x", "Vụ X", src):
        (labelled if t[1] == RDFS.label else typed).add(t)
    labelled.add((URIRef(f"{ID}unit/x"), RDFS.label, Literal("Vụ Y", lang="vi")))
    store = store_of({None: typed, GRAPH["b"]: labelled})
    found = mine(store)
    assert found == reference(store) and "UniqueLangConstraintComponent" in components(found)


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_data_split_across_graphs_matches_pyshacl(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rnd = random.Random(seed)
    data = generate(25, seed=seed)
    names = [GRAPH[f"gen-{i}"] for i in range(4)]
    graphs: dict[URIRef | None, Graph] = {n: Graph() for n in names}
    for t in data:
        graphs[rnd.choice(names)].add(t)
        if rnd.random() < 0.2:  # restated in another graph: the union default graph holds it twice
            graphs[rnd.choice(names)].add(t)
    store = store_of(graphs)
    found = mine(store)
    assert len(found) > 10
    assert found == reference(store)
    for workers in (1, 4):
        monkeypatch.setattr(shacl_units, "WORKERS", workers)
        assert mine(store) == found


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_examples_in_a_named_graph_match_pyshacl(path: Path) -> None:
    data = Graph().parse(path, format="turtle")
    store = store_of({GRAPH["example"]: data})
    assert mine(store) == reference(store)


def test_seed_matches_pyshacl(tmp_path_factory: pytest.TempPathFactory) -> None:
    store = seeded_store(tmp_path_factory, "whole-seed")
    assert mine(store) == reference(store)
    ours, theirs = validate_whole_api(store), validate_whole_pyshacl(store)
    # pySHACL may state a result twice (sh:uniqueLang: once per repeated language); the report states it once.
    assert {(v.focus, v.path, v.source_shape, v.constraint, v.value) for v in ours.results} == {
        (v.focus, v.path, v.source_shape, v.constraint, v.value) for v in theirs.results}
    assert not ours.conforms
    assert ours.graphs == theirs.graphs and len(ours.graphs) > 3


def test_cli_whole_and_per_graph(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from graph.cli import cli
    from graph.seed import load_seed

    st = EmbeddedStore(tmp_path / "store")
    load_seed(st)
    st.close()
    args = ["validate", "--lang", "en", "--store", str(tmp_path / "store")]
    per_graph = CliRunner().invoke(cli, args)
    assert per_graph.exit_code == 0, per_graph.output
    assert per_graph.output.startswith("Conforms")
    whole = CliRunner().invoke(cli, [*args, "--whole"])
    assert whole.exit_code == 1 and "Does not conform" in whole.output and "graph:" not in whole.output
    assert "UniqueLang" in whole.output or "language" in whole.output
    bad = CliRunner().invoke(cli, [*args, "--whole", str(EXAMPLE_FILES[0])])
    assert bad.exit_code == 2


PATH_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .
ex:Thing a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] ,
        [ sh:path [ sh:inversePath ex:r ] ; sh:class ex:D ] ,
        [ sh:path [ sh:alternativePath ( ex:p ex:s ) ] ; sh:maxCount 2 ] ,
        [ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:hasValue ex:x ] ,
        [ sh:path ex:t ; sh:hasValue ex:v ] ,
        [ sh:path rdfs:label ; sh:minCount 1 ; sh:uniqueLang true ] ,
        [ sh:path ( ex:p rdfs:label ) ; sh:minCount 1 ] ,
        [ sh:path ex:s ; sh:or ( [ sh:nodeKind sh:IRI ] [ sh:datatype xsd:anyURI ] ) ] .
ex:Named a sh:NodeShape ; sh:targetNode ex:a1 , ex:a5 ;
    sh:property [ sh:path [ sh:zeroOrOnePath ex:p ] ; sh:minCount 1 ] , [ sh:path ex:p ; sh:minCount 1 ] .
ex:Objects a sh:NodeShape ; sh:targetObjectsOf ex:p ; sh:node ex:Typed .
ex:Typed a sh:NodeShape ; sh:property [ sh:path ex:u ; sh:datatype xsd:string ; sh:minCount 1 ] .
"""


def test_path_forms_over_graphs_match_pyshacl() -> None:
    """Sequence, inverse, alternative, zero-or-more and zero-or-one paths, sh:hasValue and sh:minCount 1 (the union
    scope's anti-joins and hash-joined values), a path through a predicate the shapes graph also uses (rdfs:label),
    targets by name: the same results as pySHACL on the union of two graphs that restate triples."""
    ex = "https://example.org/"
    shapes = Graph().parse(data=PATH_SHAPES, format="turtle")
    rnd = random.Random(3)
    data = Graph()
    for i in range(40):
        a, b = URIRef(f"{ex}a{i}"), URIRef(f"{ex}b{i}")
        data.add((a, RDF.type, URIRef(f"{ex}C")))
        if i % 5:
            data.add((a, URIRef(f"{ex}p"), b))
        if i % 3:
            data.add((b, URIRef(f"{ex}q"), Literal(i)))
            data.add((b, RDFS.label, Literal(f"b {i}", lang="vi")))
        if i % 4 == 0:
            data.add((URIRef(f"{ex}z{i}"), URIRef(f"{ex}r"), a))
            if i % 8:
                data.add((URIRef(f"{ex}z{i}"), RDF.type, URIRef(f"{ex}D")))
        if i % 6 == 0:
            data.add((a, URIRef(f"{ex}s"), Literal(f"http://x/{i}", datatype=XSD.anyURI if i % 12 else XSD.string)))
            data.add((a, URIRef(f"{ex}s"), URIRef(f"{ex}s{i}")))
        if i % 7 == 0:
            data.add((a, URIRef(f"{ex}p"), URIRef(f"{ex}x")))
            data.add((a, URIRef(f"{ex}t"), URIRef(f"{ex}v")))
        data.add((a, RDFS.label, Literal(f"a {i}", lang="vi")))
        if i % 9 == 0:
            data.add((a, RDFS.label, Literal(f"A {i}", lang="vi")))
        if i % 2:
            data.add((b, URIRef(f"{ex}u"), Literal(f"u{i}") if i % 11 else Literal(i)))
    graphs: dict[URIRef | None, Graph] = {GRAPH["a"]: Graph(), GRAPH["b"]: Graph()}
    for t in data:
        graphs[GRAPH[rnd.choice("ab")]].add(t)
        if rnd.random() < 0.3:
            graphs[GRAPH["b"]].add(t)
            graphs[GRAPH["a"]].add(t)
    store = store_of(graphs)
    found = keys(whole_results(store, compile_shapes(shapes)), shapes)
    assert found == keys(run_pyshacl(whole_graph(store), tuple(shapes)), shapes)
    assert {"MinCountConstraintComponent", "HasValueConstraintComponent", "ClassConstraintComponent",
            "MaxCountConstraintComponent", "UniqueLangConstraintComponent", "NodeConstraintComponent",
            "OrConstraintComponent"} <= components(found)
