"""Relationship paths explained in words, and rankings (counted by the engine, checked against networkx)."""

from __future__ import annotations

import pytest

from graph.analysis import connect, entity_graph, rankings
from graph.namespaces import ID
from graph.rankings import state
from graph.store import Store
from tests.seeded import seeded_store
from tests.viewer_data import BLOCK, DANANG, DOC, OLD_HEAD, PERSON, VPCP, VU

BACKENDS = ("embedded", "remote")  # every test on the viewer's graph runs on both (tests/conftest.py)


def test_path_from_person_to_block_told_in_vietnamese(viewer_store: Store) -> None:
    r = connect(viewer_store, PERSON, BLOCK, "vi")
    texts = [p["text"] for p in r["paths"]]
    expected = "Lê Tuấn Dũng, Vụ trưởng Vụ Công tác Quốc hội, Địa phương và Đoàn thể, thành viên của Khối thi đua 3"
    assert expected in texts
    best = next(p for p in r["paths"] if p["nodes"][1]["iri"] == VU)
    assert [n["iri"] for n in best["nodes"]] == [PERSON, VU, BLOCK]


def test_path_in_english_uses_english_labels(viewer_store: Store) -> None:
    r = connect(viewer_store, PERSON, BLOCK, "en")
    assert ("Lê Tuấn Dũng, Director General of Department for National Assembly, Local Affairs and Mass "
            "Organisations, member of Emulation Block 3") in [p["text"] for p in r["paths"]]


def test_inverse_steps_read_backwards(viewer_store: Store) -> None:
    r = connect(viewer_store, OLD_HEAD, DOC, "en")
    assert r["paths"][0]["text"] == ("Nguyễn Văn An, Director General of Department for National Assembly, Local "
                                     "Affairs and Mass Organisations, whose Director General is Lê Tuấn Dũng, "
                                     "who signed Công điện 280/CĐ-TTg")
    graph = r["graph"]
    assert {n["id"] for n in graph["nodes"]} >= {OLD_HEAD, DOC, PERSON, VU}
    assert len(graph["edges"]) == 3


def test_no_path_between_unconnected_entities(viewer_store: Store) -> None:
    r = connect(viewer_store, PERSON, DANANG, "vi")
    assert r["paths"] == []


def test_rankings_count_distinct_neighbours(viewer_store: Store) -> None:
    g = entity_graph(viewer_store)
    r = rankings(viewer_store, "vi", top=3)
    assert r["unit"][0]["iri"] == VPCP
    assert r["unit"][0]["degree"] == g.degree(VPCP)
    assert [p["iri"] for p in r["person"]] == [PERSON, OLD_HEAD]
    degrees = [u["degree"] for u in r["unit"]]
    assert degrees == sorted(degrees, reverse=True)


def test_rankings_are_the_whole_graphs_degrees(viewer_store: Store) -> None:
    """The engine's counts rank every person and unit as the networkx graph of the whole store does."""
    g = entity_graph(viewer_store)
    r = rankings(viewer_store, "en", top=50)
    for kind in ("person", "unit"):
        expected = sorted(((n, g.degree(n)) for n, k in g.nodes(data="kind") if k == kind), key=lambda x: (-x[1], x[0]))
        assert [(x["iri"], x["degree"]) for x in r[kind]] == expected[:50], kind
    assert state(viewer_store) == "ready"


def test_after_a_write_the_rankings_are_marked_until_recounted(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A write makes the rankings shown "stale" (from before it) until the background count is done; then the
    page shows the new counts."""
    store = seeded_store(tmp_path_factory, "rank-write")
    before = {r["iri"]: r["degree"] for r in rankings(store, top=50, wait=60)["person"]}
    assert state(store) == "ready" and PERSON in before
    events = " ".join(f"<{ID}event/test-rank-{n}> <http://www.w3.org/ns/prov#wasAssociatedWith> <{PERSON}> ."
                      for n in range(3))
    store.update(f"INSERT DATA {{ GRAPH <https://w3id.org/govkg/graph/test-rank> {{ {events} }} }}")
    assert state(store) == "stale"
    after = {r["iri"]: r["degree"] for r in rankings(store, top=50, wait=60)["person"]}
    assert state(store) == "ready"
    assert after[PERSON] == before[PERSON] + 3
