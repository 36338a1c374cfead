"""Which queries are bounded lookups (graph.bounded), and the probe that keeps large ones off the server process."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.bounded import RDF_TYPE, lookup
from graph.store import EmbeddedStore
from graph.store.inprocess import answer_here, small, within
from graph.store.workers import QueryJob

S = "<https://w3id.org/govkg/id/unit/vpcp>"

BOUNDED = {
    "one pattern, constant subject": f"SELECT ?p ?o WHERE {{ {S} ?p ?o }}",
    "one pattern, constant object": 'SELECT ?s WHERE { ?s rdfs:label "Văn phòng Chính phủ"@vi }',
    "a language tag with a region": 'SELECT ?s { ?s rdfs:label "Hanoi"@en-GB }',
    "a typed literal": 'SELECT ?s { ?s rdfs:label "x"^^xsd:string }',
    "a number as the object": "SELECT ?s { ?s <urn:p> 5 }",
    "one subject, several patterns": f"SELECT * {{ {S} a ?t ; rdfs:label ?l , ?m ; }}",
    "the same subject written twice": f"SELECT * {{ {S} a ?t . {S} rdfs:label ?l . }}",
    "a prefixed subject": "PREFIX u: <https://w3id.org/govkg/id/unit/> SELECT * { u:vpcp ?p ?o }",
    "a relative IRI with BASE": "BASE <https://w3id.org/govkg/id/> SELECT * { <unit/vpcp> ?p ?o }",
    "ASK inside GRAPH ?g": f"ASK {{ GRAPH ?g {{ {S} ?p ?o }} }}",
    "ASK inside GRAPH <iri>": f"ASK WHERE {{ GRAPH <urn:g> {{ {S} ?p ?o }} }}",
    "CONSTRUCT WHERE": f"CONSTRUCT WHERE {{ {S} ?p ?o }}",
    "CONSTRUCT with a template": f"CONSTRUCT {{ ?o ?p {S} }} WHERE {{ {S} ?p ?o }} LIMIT 3",
    "modifiers": f"SELECT DISTINCT ?o {{ {S} ?p ?o }} ORDER BY ?o DESC(?p) LIMIT 5 OFFSET 5",
    "REDUCED and $vars": f"SELECT REDUCED $o {{ {S} $p $o }}",
    "a comment holding a brace": f"SELECT * {{ # }} FILTER\n {S} ?p ?o }}",
    "a string holding braces": 'SELECT ?s { ?s rdfs:label "} FILTER { x" }',
    "a variable predicate and a predicate 'a'": "SELECT ?t { <urn:s> a ?t }",
}

NOT_BOUNDED = {
    "nothing constant": "SELECT * { ?s ?p ?o }",
    "two subjects": f"SELECT * {{ {S} ?p ?o . ?o ?q ?r }}",
    "a constant object among several patterns": "SELECT * { ?s a <urn:C> ; rdfs:label ?l }",
    "FILTER": f"SELECT * {{ {S} ?p ?o FILTER(?o != 1) }}",
    "FILTER after a dot": f"SELECT * {{ {S} ?p ?o . FILTER(isIRI(?o)) }}",
    "BIND": f"SELECT * {{ {S} ?p ?o BIND(1 AS ?x) }}",
    "VALUES inside": f"SELECT * {{ VALUES ?p {{ rdfs:label }} {S} ?p ?o }}",
    "VALUES after": f"SELECT * {{ {S} ?p ?o }} VALUES ?p {{ rdfs:label }}",
    "OPTIONAL": f"SELECT * {{ {S} ?p ?o OPTIONAL {{ ?o ?q ?r }} }}",
    "UNION": f"SELECT * {{ {{ {S} ?p ?o }} UNION {{ ?o ?p {S} }} }}",
    "MINUS": f"SELECT * {{ {S} ?p ?o MINUS {{ {S} a ?o }} }}",
    "a sequence path": f"SELECT * {{ {S} <urn:p>/<urn:q> ?o }}",
    "a star path": f"SELECT * {{ {S} <urn:p>* ?o }}",
    "a plus path": f"SELECT * {{ {S} <urn:p>+ ?o }}",
    "an inverse path": f"SELECT * {{ {S} ^<urn:p> ?o }}",
    "an alternative path": f"SELECT * {{ {S} <urn:p>|<urn:q> ?o }}",
    "a negated path": f"SELECT * {{ {S} !<urn:p> ?o }}",
    "a nested group": f"SELECT * {{ {{ {S} ?p ?o }} }}",
    "a sub-query": f"SELECT * {{ {{ SELECT * {{ {S} ?p ?o }} }} }}",
    "SERVICE": f"SELECT * {{ SERVICE <urn:x> {{ {S} ?p ?o }} }}",
    "a count": f"SELECT (COUNT(*) AS ?n) {{ {S} ?p ?o }}",
    "an expression": f"SELECT (STR(?o) AS ?s) {{ {S} ?p ?o }}",
    "GROUP BY": f"SELECT ?p {{ {S} ?p ?o }} GROUP BY ?p",
    "HAVING": f"SELECT ?p {{ {S} ?p ?o }} GROUP BY ?p HAVING(COUNT(?o) > 1)",
    "ORDER BY an expression": f"SELECT * {{ {S} ?p ?o }} ORDER BY STR(?o)",
    "FROM": f"SELECT * FROM <urn:g> {{ {S} ?p ?o }}",
    "FROM NAMED": f"SELECT * FROM NAMED <urn:g> {{ GRAPH ?g {{ {S} ?p ?o }} }}",
    "DESCRIBE": f"DESCRIBE {S}",
    "an update": f"DELETE WHERE {{ {S} ?p ?o }}",
    "a blank node subject": "SELECT * { [] ?p ?o }",
    "a labelled blank node": "SELECT * { _:b ?p <urn:o> }",
    "a literal subject": 'SELECT * { "x" ?p ?o }',
    "a signed number": "SELECT * { ?s <urn:p> -5 }",
    "two GRAPH blocks": f"ASK {{ GRAPH ?g {{ {S} ?p ?o }} GRAPH ?h {{ {S} ?p ?o }} }}",
    "GRAPH and a pattern beside it": f"ASK {{ GRAPH ?g {{ {S} ?p ?o }} {S} ?p ?o }}",
    "an empty pattern": "SELECT * {}",
    "a brace in the template": f"CONSTRUCT {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ {S} ?p ?o }}",
    "a separated language tag": 'SELECT ?s { ?s rdfs:label "x" @vi }',
    "text after the query": f"SELECT * {{ {S} ?p ?o }} }}",
    "a lone closing brace": f"SELECT * {S} ?p ?o }}",
}


@pytest.mark.parametrize("query", BOUNDED.values(), ids=BOUNDED.keys())
def test_bounded_lookups_are_told(query: str) -> None:
    assert lookup(query) is not None


@pytest.mark.parametrize("query", NOT_BOUNDED.values(), ids=NOT_BOUNDED.keys())
def test_everything_else_is_not(query: str) -> None:
    assert lookup(query) is None


def test_the_pattern_is_read_as_written() -> None:
    found = lookup('PREFIX u: <https://w3id.org/govkg/id/unit/> SELECT * { u:vpcp a ?t ; rdfs:label "Hà Nội"@vi }')
    assert found is not None and found.operation == "SELECT" and found.graph is None
    (s1, p1, o1), (s2, p2, o2) = found.patterns
    assert s1.value == s2.value == "https://w3id.org/govkg/id/unit/vpcp"
    assert (p1.value, o1.kind, o1.value) == (RDF_TYPE, "var", "t")
    assert (p2.value, o2.text) == ("http://www.w3.org/2000/01/rdf-schema#label", '"Hà Nội"@vi')
    assert found.prologue.strip() == "PREFIX u: <https://w3id.org/govkg/id/unit/>"
    assert found.pattern_text(1) == 'u:vpcp rdfs:label "Hà Nội"@vi'


# --- the probe, on a store on disk -------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    st = EmbeddedStore(tmp_path / "store")
    hub = " ".join(f"<urn:hub> <urn:has> <urn:m{i}> ." for i in range(30))
    st.update("INSERT DATA { <urn:s> <urn:p> 1, 2, 3 ; <urn:q> \"1.50\"^^<http://www.w3.org/2001/XMLSchema#decimal> . "
              f"{hub} GRAPH <urn:g> {{ <urn:s> <urn:p> 4 }} }}")
    return st


def job(query: str, union: bool = True) -> QueryJob:
    return QueryJob(sparql=query, union_default_graph=union, base_iri="http://127.0.0.1/sparql")


@pytest.mark.parametrize(("query", "limit", "small"), [
    ("SELECT * { <urn:s> <urn:p> ?o }", 4, True),  # 3 in the default graph + 1 in <urn:g> (the union)
    ("SELECT * { <urn:s> <urn:p> ?o }", 3, False),
    ("SELECT * { <urn:hub> ?p ?o }", 29, False),
    ("SELECT * { <urn:hub> ?p ?o }", 30, True),
    ("SELECT * { ?s ?p <urn:m7> }", 1, True),
    ("SELECT * { ?s <urn:q> 1.5 }", 1, True),  # the engine reads the number as the store keeps it
    ("SELECT * { <urn:s> <urn:p> ?o ; <urn:q> ?x }", 4, True),  # 4 x 1 rows
    ("SELECT * { <urn:s> <urn:p> ?o . <urn:s> <urn:p> ?x }", 15, False),  # 4 x 4 rows
    ("SELECT * { <urn:hub> <urn:has> ?o ; <urn:none> ?x }", 20, False),  # 0 rows, but a 30-row side to scan
    ("SELECT * { GRAPH <urn:g> { <urn:s> ?p ?o } }", 1, True),
])
def test_the_probe_counts_the_rows_the_pattern_matches(store: EmbeddedStore, query: str, limit: int,
                                                      small: bool) -> None:
    found = lookup(query)
    assert found is not None
    assert within(store.ox, found, job(query), limit) is small


def test_the_probe_follows_the_dataset(store: EmbeddedStore) -> None:
    q = "SELECT * { <urn:s> <urn:p> ?o }"
    found = lookup(q)
    assert found is not None
    assert not within(store.ox, found, job(q, union=True), 3)
    assert within(store.ox, found, job(q, union=False), 3)  # the default graph alone: 3 rows


def test_large_or_off_goes_elsewhere_and_small_is_answered(store: EmbeddedStore) -> None:
    q = "SELECT ?o { <urn:hub> <urn:has> ?o } ORDER BY ?o LIMIT 2"
    found = lookup(q)
    assert found is not None
    assert answer_here(store, job(q), found, 10) is None
    assert answer_here(store, job(q), found, 0) is None
    answer = answer_here(store, job(q), found, 100)
    assert answer is not None and answer.kind == "solutions" and not answer.truncated
    body = b"".join(answer.chunks)
    assert answer.size == len(body) and b"urn:m0\"" in body and b"urn:m1\"" in body and b"urn:m2\"" not in body


def test_a_verdict_lasts_until_the_next_write(store: EmbeddedStore) -> None:
    q = "SELECT ?o { <urn:s> <urn:p> ?o }"
    found = lookup(q)
    assert found is not None
    assert small(store, found, job(q), 5)  # 4 rows
    assert small(store, found, job(q), 5)  # remembered
    store.update("INSERT DATA { <urn:s> <urn:p> 5, 6 }")
    assert not small(store, found, job(q), 5)  # 6 rows now: probed again
    store.update("DELETE DATA { <urn:s> <urn:p> 6 }")
    assert small(store, found, job(q), 5)
