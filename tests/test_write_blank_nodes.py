"""Blank nodes through the write path: stored as blank nodes, recorded by component, reverted exactly
(up to blank-node renaming, which the canonical fingerprint of graph.release does not see)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.changes import apply_update as update
from graph.changes import post_graph, put_graph
from graph.commit import WriteContext
from graph.diffs import CHANGES_GRAPH
from graph.release import canonical_nquads
from graph.review import revert
from graph.store.embedded import EmbeddedStore

G = "https://w3id.org/govkg/graph/bnode-test"
H = "https://w3id.org/govkg/graph/bnode-test-2"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    st = EmbeddedStore(tmp_path / "store")
    yield st
    st.close()


def data_lines(st: EmbeddedStore) -> list[str]:
    buf = io.BytesIO()
    st.dump(buf, format="nquads")
    lines = [x for x in buf.getvalue().decode().splitlines() if x.strip() and f"<{CHANGES_GRAPH}>" not in x]
    return canonical_nquads(lines)


def blank_count(st: EmbeddedStore) -> int:
    q = (f"SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE {{ GRAPH ?g {{ ?b ?p ?o FILTER(isBlank(?b)) }} "
         f"FILTER(?g != <{CHANGES_GRAPH}>) }}")
    return int(str(st.query(q).rows()[0]["n"]))


def iris(st: EmbeddedStore) -> set[str]:
    q = "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }"
    return {str(r["s"]) for r in st.query(q).rows()}


TTL = b"""@prefix ex: <http://example.org/> .
ex:a ex:knows [ ex:name "Bob" ; ex:age 3 ] .
[] ex:name "Alice" ; ex:knows [ ex:name "Carol" ] .
"""


def test_upload_stores_blank_nodes_and_revert_restores(store: EmbeddedStore) -> None:
    put_graph(store, H, b'@prefix ex: <http://example.org/> . [] ex:name "kept" .', "turtle", "a")
    before = data_lines(store)
    ch = put_graph(store, G, TTL, "turtle", "a")
    assert blank_count(store) == 1 + 3
    assert not any("genid" in i for i in iris(store))
    assert data_lines(store) != before
    revert(store, ch.changeset, WriteContext("b"))
    assert data_lines(store) == before


def test_partial_removal_of_a_component_is_exact_and_revertible(store: EmbeddedStore) -> None:
    put_graph(store, G, TTL + b'[] <http://example.org/name> "Dan" .\n', "turtle", "a")
    before = data_lines(store)
    ch = update(store, f"PREFIX ex: <http://example.org/> DELETE {{ GRAPH <{G}> {{ ?b ex:age 3 }} }} WHERE "
                       f"{{ GRAPH <{G}> {{ ?b ex:age 3 }} }}", "a")
    after = data_lines(store)
    assert len(after) == len(before) - 1 and blank_count(store) == 4
    assert any('"Dan"' in x for x in after)  # untouched components of the rewritten graph are kept
    revert(store, ch.changeset, WriteContext("b"))
    assert data_lines(store) == before


def test_revert_removes_one_of_two_equal_components(store: EmbeddedStore) -> None:
    one = b'@prefix ex: <http://example.org/> . [] ex:p 1 .'
    post_graph(store, G, one, "turtle", "a")
    before = data_lines(store)
    ch = post_graph(store, G, one, "turtle", "a")
    assert blank_count(store) == 2
    revert(store, ch.changeset, WriteContext("b"))
    assert blank_count(store) == 1 and data_lines(store) == before


def test_blank_node_shared_by_two_graphs_stays_one_node(store: EmbeddedStore) -> None:
    update(store, f'INSERT DATA {{ GRAPH <{G}> {{ _:x <urn:p> 1 . _:y <urn:p> 9 }} GRAPH <{H}> {{ _:x <urn:q> 2 }} }}',
           "a")
    before = data_lines(store)
    ch = update(store, f"DELETE WHERE {{ GRAPH <{G}> {{ ?y <urn:p> 9 }} }}", "a")
    shared = f"ASK {{ GRAPH <{G}> {{ ?x <urn:p> 1 }} GRAPH <{H}> {{ ?x <urn:q> 2 }} }}"
    assert store.query(shared).boolean
    revert(store, ch.changeset, WriteContext("b"))
    assert store.query(shared).boolean and data_lines(store) == before
