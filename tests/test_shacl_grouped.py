"""Sibling property shapes with one path in one grouped pass (graph.shacl.grouped): same results as pySHACL and
as the engine without it, in fewer walks over the focus nodes."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

import graph.shacl.grouped as grouped_module
from graph.shacl.access import StoreSource
from graph.shacl.engine import Evaluator
from graph.shacl.focus import TargetFocus
from graph.shacl.scope import PLAIN, Scope
from graph.shacl.validator import compile_shapes, memory_store
from graph.validate import load_shapes
from tests.test_shacl_parity import keys, parity, with_ontology

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> . @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
"""

# Every way LabelShape's four rdfs:label property shapes can fail, one person each, and people that conform.
PEOPLE = PREFIXES + """
ex:ok1 a foaf:Person ; rdfs:label "Nguyễn Văn A"@vi , "Nguyen Van A"@en .
ex:ok2 a foaf:Person ; rdfs:label "Trần Thị B"@vi-VN .
ex:none a foaf:Person .
ex:no-vi a foaf:Person ; rdfs:label "Le Van C"@en .
ex:two-vi a foaf:Person ; rdfs:label "Lê Văn D"@vi , "Lê Văn Đ"@VI .
ex:plain a foaf:Person ; rdfs:label "Phạm E"@vi , "Pham E" .
ex:spaces a foaf:Person ; rdfs:label "Võ  F"@vi .
ex:alt a foaf:Person ; rdfs:label "Hồ G"@vi ; <http://www.w3.org/2004/02/skos/core#altLabel> "Ho G" .
"""

# Groups of this shape: counts, uniqueLang, hasValue, a qualified count and value tests on one path; a path with
# a single count (left to the engine); a property shape with one of its own (not grouped).
SHAPES = PREFIXES + """
ex:S a sh:NodeShape ; sh:targetClass ex:T ;
  sh:property [ sh:path ex:p ; sh:minCount 2 ; sh:maxCount 3 ; sh:uniqueLang true ] ;
  sh:property [ sh:path ex:p ; sh:datatype rdf:langString ; sh:maxLength 5 ] ;
  sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:languageIn ( "vi" ) ] ; sh:qualifiedMinCount 1 ;
                sh:qualifiedMaxCount 1 ] ;
  sh:property [ sh:path ex:q ; sh:hasValue ex:a ; sh:in ( ex:a ex:b ) ] ;
  sh:property [ sh:path ex:r ; sh:minCount 1 ] ;
  sh:property [ sh:path ex:s ; sh:property [ sh:path ex:t ; sh:minCount 1 ] ; sh:maxCount 1 ] .
"""

DATA = PREFIXES + """
ex:x1 a ex:T ; ex:p "ab"@vi , "cd"@en ; ex:q ex:a ; ex:r 1 ; ex:s ex:y .
ex:x2 a ex:T ; ex:p "ab"@vi ; ex:q ex:b , ex:c ; ex:s ex:y , ex:z .
ex:x3 a ex:T ; ex:p "ab"@vi , "cd"@VI , "toolong"@en , "x" ; ex:r 1 , 2 .
ex:x4 a ex:T ; ex:p "ab"@en , "cd"@fr ; ex:q ex:a ; ex:r 1 .
ex:y ex:t 1 .
"""


@pytest.fixture
def without_grouping(monkeypatch: pytest.MonkeyPatch):
    def switch_off() -> None:
        monkeypatch.setattr(grouped_module, "grouped", lambda ev, props, focus: ([], []))

    return switch_off


def _both(data: Graph, shapes: Graph, without_grouping) -> tuple[set, set, set]:
    mine, ref = parity(data, shapes)
    without_grouping()
    before, _ = parity(data, shapes)
    return mine, ref, before


def test_grouped_constraints_match_pyshacl_and_the_engine_without_them(without_grouping) -> None:
    data = Graph().parse(data=DATA, format="turtle")
    shapes = Graph().parse(data=SHAPES, format="turtle")
    mine, ref, before = _both(data, shapes, without_grouping)
    assert len({k[4] for k in ref}) >= 8, "the data must fail most grouped constraints"
    assert {k[0] for k in ref} == {URIRef(f"http://example.org/{n}") for n in ("x2", "x3", "x4", "z")}
    assert mine == ref == before


def test_label_shape_failures_match_pyshacl(without_grouping) -> None:
    data = with_ontology(Graph().parse(data=PEOPLE, format="turtle"))
    mine, ref, before = _both(data, load_shapes(), without_grouping)
    failing = {str(k[0]).rsplit("/", 1)[1] for k in ref if "#LabelShape" in str(k[3])}
    assert failing == {"none", "no-vi", "two-vi", "plain", "spaces", "alt"}
    assert mine == ref == before


def test_label_shape_walks_its_labels_once(without_grouping) -> None:
    """LabelShape's rdfs:label checks: one grouped query, and one more for the people it flags."""
    data = with_ontology(Graph().parse(data=PEOPLE, format="turtle"))
    shapes = load_shapes()
    c = compile_shapes(shapes)
    label = next(r for r in c.model.roots if str(r).endswith("#LabelShape"))

    def run(graph: Graph) -> tuple[list[str], set]:
        asked: list[str] = []

        class Counting(StoreSource):
            def select(self, sparql: str) -> list:
                asked.append(sparql)
                return super().select(sparql)

        ev = Evaluator(c.model, Counting(memory_store(graph, shapes)), {})
        shape = c.model[label]
        return asked, keys(ev.shape(shape, TargetFocus(shape.targets, {})), shapes)

    conforming = with_ontology(Graph().parse(data=PREFIXES + """
        ex:ok1 a foaf:Person ; rdfs:label "Nguyễn Văn A"@vi , "Nguyen Van A"@en .""", format="turtle"))
    asked, found = run(conforming)
    label_queries = [q for q in asked if "rdf-schema#label" in q]
    assert not found and len(label_queries) == 1
    asked, found = run(data)
    assert found and sum("VALUES (?this)" in q or "VALUES ?this" in q for q in asked) >= 1
    without_grouping()
    asked_before, found_before = run(data)
    assert found_before == found
    assert len([q for q in asked_before if "rdf-schema#label" in q]) > len(label_queries) + 1


def test_many_flagged_pairs_are_checked_on_all_focus_nodes(monkeypatch: pytest.MonkeyPatch) -> None:
    data = Graph().parse(data=DATA, format="turtle")
    shapes = Graph().parse(data=SHAPES, format="turtle")
    named: list[int] = []
    pattern = grouped_module.PairsFocus.pattern

    def counting(self: grouped_module.PairsFocus, var: str, depth: int, scope: Scope = PLAIN) -> str:
        named.append(len(self.pairs))
        return pattern(self, var, depth, scope)

    monkeypatch.setattr(grouped_module.PairsFocus, "pattern", counting)
    mine, ref = parity(data, shapes)
    assert max(named) == 3, "x2, x3 and x4 flagged on ex:p, and checked by name"
    monkeypatch.setattr(grouped_module, "MAX_PAIRS", 2)
    named.clear()
    capped, _ = parity(data, shapes)
    assert named and max(named) <= 2
    assert mine == capped == ref
