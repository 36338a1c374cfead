"""Logical and qualified constraints on small shapes, compiled to one expression (graph.shacl.inline), match pySHACL."""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import SH

from graph.shacl.access import StoreSource
from graph.shacl.engine import Evaluator
from graph.shacl.inline import conformance, logical_failure
from graph.shacl.validator import compile_shapes, memory_store
from graph.validate import load_shapes
from tests.test_shacl_parity import parity

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
"""

SHAPES = PREFIXES + """
ex:S a sh:NodeShape ; sh:targetClass ex:T ;
  sh:property [ sh:path ex:name ; sh:or ( [ sh:datatype xsd:string ] [ sh:datatype rdf:langString ] ) ] ;
  sh:property [ sh:path ex:label ; sh:qualifiedValueShape [ sh:languageIn ( "vi" ) ] ; sh:qualifiedMinCount 1 ;
                sh:qualifiedMaxCount 1 ] ;
  sh:property [ sh:path ex:kind ;
                sh:xone ( [ sh:in ( ex:a ex:b ) ] [ sh:nodeKind sh:Literal ] [ sh:hasValue ex:b ] ) ] ;
  sh:property [ sh:path ex:link ; sh:not [ sh:class ex:T ] ] ;
  sh:or ( [ sh:path ex:name ; sh:minCount 1 ] [ sh:path ex:alias ; sh:maxCount 0 ; sh:class ex:U ] ) ;
  sh:and ( [ sh:path ex:link ; sh:class ex:U ] [ sh:property [ sh:path ex:kind ; sh:languageIn ( "*" ) ] ] ) .
ex:U rdfs:subClassOf ex:V .
ex:P a sh:NodeShape ; sh:targetSubjectsOf ex:ref ;
  sh:property [ sh:path [ sh:inversePath ex:ref ] ; sh:qualifiedValueShape [ sh:class ex:V ] ;
                sh:qualifiedMaxCount 1 ] .
"""

DATA = PREFIXES + """
ex:x1 a ex:T ; ex:name "a" , "b"@vi ; ex:label "x"@vi , "y"@en ; ex:kind ex:a ; ex:link ex:u1 .
ex:x2 a ex:T ; ex:name 3 ; ex:label "x"@vi-VN , "z"@VI ; ex:kind ex:b , "lit"@en ; ex:link ex:x1 ; ex:alias ex:u1 .
ex:x3 a ex:T ; ex:label "q"@en ; ex:kind ex:c , "plain" ; ex:link "lit" , ex:u1 ; ex:alias ex:n .
ex:x4 a ex:T .
ex:u1 a ex:U . ex:u2 a ex:V .
ex:u1 ex:ref ex:x1 . ex:u2 ex:ref ex:x1 . ex:n ex:ref ex:x2 .
"""


def test_inline_compilation_matches_pyshacl() -> None:
    data = Graph().parse(data=DATA, format="turtle")
    shapes = Graph().parse(data=SHAPES, format="turtle")
    mine, ref = parity(data, shapes)
    assert ref, "the data must violate"
    comps = {k[4] for k in ref}
    assert {SH.OrConstraintComponent, SH.XoneConstraintComponent, SH.NotConstraintComponent,
            SH.AndConstraintComponent, SH.QualifiedMaxCountConstraintComponent} <= comps
    assert mine == ref
    # and every logical and qualified constraint above took the inline path
    c = compile_shapes(shapes)
    ev = Evaluator(c.model, StoreSource(memory_store(data, shapes)), {})
    for s in c.model.shapes.values():
        for k in s.constraints:
            if k.param in (SH["or"], SH["and"], SH.xone, SH["not"]):
                assert logical_failure(ev, k, "?v") is not None, s.node
            if k.param == SH.qualifiedValueShape:
                assert conformance(ev, k.value, "?v") is not None, s.node


def test_govkg_logical_shapes_are_inline() -> None:
    c = compile_shapes(load_shapes())
    ev = Evaluator(c.model, StoreSource(memory_store(Graph(), load_shapes())), {})
    inline = [s.node for s in c.model.shapes.values() for k in s.constraints
              if (k.param == SH.qualifiedValueShape and conformance(ev, k.value, "?v") is not None)
              or (k.param in (SH["or"], SH["and"], SH.xone, SH["not"]) and logical_failure(ev, k, "?v") is not None)]
    assert len(inline) >= 6


COMBINED = PREFIXES + """
ex:C a sh:NodeShape ; sh:targetClass ex:T ;
  sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:maxCount 2 ; sh:datatype xsd:string ; sh:minLength 2 ;
                sh:maxLength 4 ; sh:pattern "^[a-z]+$" ; sh:nodeKind sh:Literal ; sh:in ( "ab" "abc" "abcde" "A" 5 ) ;
                sh:disjoint ex:q ] ;
  sh:property [ sh:path ex:n ; sh:minInclusive 1 ; sh:maxExclusive 10 ; sh:class ex:U ; sh:languageIn ( "vi" ) ] .
"""

COMBINED_DATA = PREFIXES + """
ex:a a ex:T ; ex:p "ab" , "abc" , "abcde" ; ex:n 0 , 5 , 10 , "x"@vi , ex:u .
ex:b a ex:T ; ex:p "A" , 5 ; ex:q "A" ; ex:n 3.5 .
ex:c a ex:T .
ex:u a ex:U .
"""


def test_constraints_of_one_shape_in_two_queries() -> None:
    data = Graph().parse(data=COMBINED_DATA, format="turtle")
    shapes = Graph().parse(data=COMBINED, format="turtle")
    mine, ref = parity(data, shapes)
    assert len({k[4] for k in ref}) >= 8
    assert mine == ref

    from graph.shacl.focus import TargetFocus

    c = compile_shapes(shapes)
    asked: list[str] = []

    class Counting(StoreSource):
        def select(self, sparql: str) -> list:
            asked.append(sparql)
            return super().select(sparql)

    ev = Evaluator(c.model, Counting(memory_store(data, shapes)), {})
    root = c.model[c.model.roots[0]]
    prop = next(c.model[p] for p in root.properties if len(c.model[p].constraints) > 5)
    ev.shape(prop, TargetFocus(root.targets, {}))
    assert len(asked) == 2


PATTERNS = PREFIXES + """
ex:R a sh:NodeShape ; sh:targetClass ex:T ;
  sh:property [ sh:path ex:p ; sh:pattern "^abc$" ] ;
  sh:property [ sh:path ex:q ; sh:pattern "^[^\\\\s\\u200B]+( [^\\\\s\\u200B]+)*$" ] ;
  sh:property [ sh:path ex:r ; sh:pattern "^\\\\w+$" ] ;
  sh:property [ sh:path ex:s ; sh:pattern "^[0-9]+/[A-Za-zĐđ]+$" ] .
"""


def test_pattern_prefilter_agrees_with_python() -> None:
    """The store's REGEX only clears values Python's re matches too (newlines, odd spaces, marks, numbers)."""
    data, shapes = Graph(), Graph().parse(data=PATTERNS, format="turtle")
    ex = "http://example.org/"
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF

    texts = ["abc", "abc\n", "xabc", "a b", "a  b", " a", "a\u001cb", "a\u200bb", "a\u00a0b", "Việt Nam",
             "Vie\u0302\u0323t", "½", "x_1", "12/NĐ", "12/NĐ-CP", "12/nđ", "12/N\u0110"]
    for i, s in enumerate(texts):
        n = URIRef(f"{ex}n{i}")
        data.add((n, RDF.type, URIRef(f"{ex}T")))
        for p in "pqrs":
            data.add((n, URIRef(ex + p), Literal(s)))
    data.add((URIRef(f"{ex}n0"), URIRef(f"{ex}q"), URIRef(f"{ex}iri%20x")))
    mine, ref = parity(data, shapes)
    assert len(ref) > 20
    assert mine == ref
