"""Paths that can match zero steps (``sh:zeroOrOnePath``, ``sh:zeroOrMorePath``, a sequence or alternative of them):
every focus node is one of its own value nodes, once, even a ``sh:targetNode`` that no triple of the data names.

SPARQL's ``?this p? ?v`` binds only nodes of the data, so a node the data does not name had no value at all (a
false ``sh:minCount`` violation, and every value test skipped).  The reference is pySHACL on the same data, run in
the same test: per graph (``graph.validate``'s units), on the whole graph, and on a change that leaves a target node
without any triple (the incremental path).
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from graph.namespaces import GRAPH, ONTOLOGY_GRAPH, SHAPES_GRAPH
from graph.shacl.fallback import run_pyshacl
from graph.shacl.results import Result, flatten
from graph.shacl.validator import change_results, compile_shapes, store_results, store_shapes, unit_graph
from graph.shacl.whole import whole_results
from graph.store.embedded import EmbeddedStore
from graph.validate import whole_graph
from tests.test_shacl_graphs import tagged_keys
from tests.test_shacl_parity import keys, parity

EX = "https://example.org/"

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
ex:Ghosts a sh:NodeShape ; sh:targetNode ex:ghost , ex:ghost2 , ex:a , ex:b ;
    sh:property
        [ sh:path [ sh:zeroOrOnePath ex:p ] ; sh:minCount 1 ] ,
        [ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:minCount 2 ; sh:maxCount 2 ] ,
        [ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:maxCount 1 ] ,
        [ sh:path ( [ sh:zeroOrOnePath ex:p ] [ sh:zeroOrMorePath ex:q ] ) ; sh:nodeKind sh:Literal ] ,
        [ sh:path [ sh:alternativePath ( ex:r [ sh:zeroOrOnePath ex:q ] ) ] ; sh:class ex:K ] ,
        [ sh:path [ sh:zeroOrOnePath [ sh:inversePath ex:p ] ] ; sh:in ( ex:a ex:b ) ] ,
        [ sh:path [ sh:zeroOrOnePath ex:p ] ; sh:hasValue ex:ghost ] ,
        [ sh:path [ sh:zeroOrOnePath ex:p ] ; sh:datatype xsd:string ; sh:minLength 30 ; sh:pattern "^x" ] ,
        [ sh:path [ sh:zeroOrOnePath ex:l ] ; sh:uniqueLang true ; sh:languageIn ( "vi" ) ] ,
        [ sh:path [ sh:zeroOrOnePath ex:n ] ; sh:minInclusive 3 ] ,
        [ sh:path [ sh:zeroOrOnePath ex:p ] ; sh:equals ex:e ] ,
        [ sh:path [ sh:zeroOrOnePath ex:p ] ; sh:disjoint ex:d ] ,
        [ sh:path [ sh:zeroOrOnePath ex:n ] ; sh:lessThan ex:m ] ,
        [ sh:path [ sh:zeroOrOnePath ex:p ] ; sh:node ex:Labelled ] ,
        [ sh:path [ sh:zeroOrOnePath ex:p ] ; sh:not [ sh:class ex:K ] ] ,
        [ sh:path [ sh:zeroOrOnePath ex:p ] ; sh:or ( [ sh:class ex:K ] [ sh:nodeKind sh:Literal ] ) ] ,
        [ sh:path [ sh:zeroOrOnePath ex:p ] ; sh:xone ( [ sh:class ex:K ] [ sh:path ex:s ; sh:minCount 1 ] ) ] ,
        [ sh:path [ sh:zeroOrOnePath ex:p ] ; sh:qualifiedValueShape [ sh:class ex:K ] ; sh:qualifiedMinCount 1 ] ,
        [ sh:path [ sh:zeroOrOnePath ex:p ] ; sh:qualifiedValueShape [ sh:nodeKind sh:IRI ] ;
          sh:qualifiedMinCount 2 ; sh:qualifiedMaxCount 2 ] ,
        [ sh:path ex:p ; sh:qualifiedValueShape [ sh:path [ sh:zeroOrOnePath ex:s ] ; sh:minCount 1 ;
          sh:nodeKind sh:Literal ] ; sh:qualifiedMinCount 1 ] ;
    sh:or ( [ sh:path [ sh:zeroOrOnePath ex:q ] ; sh:hasValue ex:a ] [ sh:path ex:s ; sh:minCount 1 ] ) .
ex:Labelled a sh:NodeShape ; sh:property [ sh:path [ sh:zeroOrMorePath ex:q ] ; sh:minCount 1 ; sh:class ex:K ] .
ex:Typed a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:path [ sh:zeroOrOnePath ex:p ] ; sh:minCount 2 ; sh:class ex:K ] ,
        [ sh:path [ sh:zeroOrMorePath ex:q ] ; sh:maxCount 1 ; sh:nodeKind sh:IRI ] .
"""


def data() -> Graph:
    g = Graph()
    e = lambda x: URIRef(EX + x)  # noqa: E731
    g.add((e("a"), e("p"), e("b")))
    g.add((e("a"), RDF.type, e("C")))
    g.add((e("b"), RDF.type, e("K")))
    g.add((e("b"), e("q"), e("c")))
    g.add((e("c"), RDF.type, e("C")))
    g.add((e("c"), e("q"), e("a")))
    g.add((e("a"), e("l"), Literal("một", lang="vi")))
    g.add((e("a"), e("n"), Literal(5)))
    g.add((e("a"), e("m"), Literal(4)))
    g.add((e("b"), e("e"), e("b")))
    g.add((e("a"), e("d"), e("a")))
    g.add((e("b"), e("s"), Literal("s", datatype=XSD.string)))
    return g


def shapes() -> Graph:
    return Graph().parse(data=SHAPES, format="turtle")


def components(found: set[tuple]) -> set[str]:
    return {str(k[-2]).rsplit("#", 1)[-1] for k in found}


def test_a_target_node_outside_the_data_is_its_own_value() -> None:
    mine, ref = parity(data(), shapes())
    assert mine == ref
    ghost = {k for k in ref if k[0] == URIRef(EX + "ghost")}
    # Its own value: no sh:minCount 1 violation; every value test sees it (sh:in, sh:class, sh:nodeKind...).
    assert ghost and not any(k[4] == SH.MinCountConstraintComponent and "p>)?" in str(k[1]) for k in ghost)
    assert {"ClassConstraintComponent", "InConstraintComponent", "NodeKindConstraintComponent",
            "NodeConstraintComponent", "QualifiedMinCountConstraintComponent"} <= components(ghost)
    assert URIRef(EX + "ghost") in {k[2] for k in ghost}


def store_with(graphs: dict[URIRef, Graph], sh: Graph | None = None) -> EmbeddedStore:
    st = EmbeddedStore(None)
    st.add((URIRef(EX + "o"), RDF.type, URIRef(EX + "Thing"), ONTOLOGY_GRAPH))
    for t in shapes() if sh is None else sh:
        st.add((*t, SHAPES_GRAPH))
    for g, d in graphs.items():
        for t in d:
            st.add((*t, g))
    return st


def test_whole_graph_and_per_graph_match_pyshacl() -> None:
    d = data()
    half = [t for i, t in enumerate(sorted(d)) if i % 2]
    store = store_with({GRAPH["a"]: d, GRAPH["b"]: Graph()})
    for t in half:
        store.add((*t, GRAPH["b"]))
    sh = shapes()
    c = compile_shapes(sh)
    found = keys(whole_results(store, c), sh)
    assert found == keys(run_pyshacl(whole_graph(store), tuple(sh)), sh)
    assert URIRef(EX + "ghost") in {k[0] for k in found}
    per_graph = tagged_keys(store_results(store, c), sh)
    ref: set[tuple] = set()
    for name in (str(GRAPH["a"]), str(GRAPH["b"]), str(ONTOLOGY_GRAPH)):
        ref |= {(name, *k) for k in keys(run_pyshacl(unit_graph(store, name), tuple(sh)), sh)}
    assert per_graph == ref


def test_change_that_leaves_a_target_node_without_triples() -> None:
    """``ex:a`` loses every triple that names it: a target node outside the data after the change."""
    store = store_with({GRAPH["a"]: data()})
    a = URIRef(EX + "a")
    removed = [q for q in store.quads(None, None, None, str(GRAPH["a"])) if a in (q[0], q[2])]
    results, affected = change_results(store, [], removed)
    assert affected is not None and (GRAPH["a"], a) in affected
    with store.transaction() as tx:
        for q in removed:
            tx.remove(q)
    sh = store_shapes(store)  # blank-node shapes differ between parses: compared by focus, value and component

    def brief(results: list[Result]) -> set[tuple]:
        return {(r.focus, r.value, r.component) for r in flatten(results) if r.focus == a}

    ref = brief(run_pyshacl(unit_graph(store, str(GRAPH["a"])), tuple(sh)))
    assert brief(results) == ref
    assert {SH.ClassConstraintComponent, SH.NodeKindConstraintComponent} <= {k[2] for k in ref}


SHARED = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix ex: <https://example.org/> .
ex:Shared a sh:NodeShape ; sh:targetNode ex:a , ex:b , ex:ghost ;
    sh:property [ sh:path [ sh:zeroOrOnePath rdf:type ] ; sh:maxCount 1 ] ,
        [ sh:path [ sh:zeroOrOnePath rdf:type ] ; sh:in ( ex:a ex:b ex:ghost ) ] ,
        [ sh:path ( [ sh:zeroOrOnePath rdf:type ] ex:q ) ; sh:minCount 1 ] ,
        [ sh:path ( ex:p [ sh:zeroOrOnePath rdf:type ] ) ; sh:minCount 2 ; sh:in ( ex:b ex:K ) ] ,
        [ sh:path ( ex:q [ sh:zeroOrOnePath rdf:type ] ex:q ) ; sh:maxCount 0 ] .
"""


def test_zero_or_one_step_over_a_predicate_the_ontology_and_shapes_also_use() -> None:
    """``rdf:type`` is stated by the ontology and shapes graphs too, so its steps are read apart from theirs: the
    zero-step branch must still bind each focus node to itself."""
    sh = Graph().parse(data=SHARED, format="turtle")
    store = store_with({GRAPH["a"]: data()}, sh)
    c = compile_shapes(sh)
    assert keys(whole_results(store, c), sh) == keys(run_pyshacl(whole_graph(store), tuple(sh)), sh)
    ref: set[tuple] = set()
    for name in (str(GRAPH["a"]), str(ONTOLOGY_GRAPH)):
        ref |= {(name, *k) for k in keys(run_pyshacl(unit_graph(store, name), tuple(sh)), sh)}
    assert tagged_keys(store_results(store, c), sh) == ref
