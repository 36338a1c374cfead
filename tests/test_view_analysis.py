"""Relationship paths explained in words, and rankings (networkx)."""

from __future__ import annotations

from graph.analysis import connect, entity_graph, rankings
from graph.store import Store
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
