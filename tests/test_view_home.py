"""The home page's data: counts by kind, sources, example questions; and the lists and unit tree."""

from __future__ import annotations

from pathlib import Path

from graph.browse import listing, unit_tree
from graph.home import examples, home
from graph.store import Store
from tests.viewer_data import DANANG, PERSON, SRC, VPCP, VU

BACKENDS = ("embedded", "remote")  # every test on the viewer's graph runs on both (tests/conftest.py)


def test_counts_by_kind(viewer_store: Store) -> None:
    c = home(viewer_store)["counts"]
    assert (c["person"], c["document"], c["event"], c["source"]) == (2, 2, 2, 2)
    assert c["unit"] == 8
    assert c["triples"] == viewer_store.count()
    assert c["graphs"] == len(viewer_store.named_graphs())


def test_sources_newest_first(viewer_store: Store) -> None:
    s = home(viewer_store)["sources"]
    assert s[0]["iri"] == SRC and s[0]["date"] == "2023-07-18"
    assert s[0]["url"].startswith("https://")
    assert [x["date"] for x in s] == sorted((x["date"] for x in s), reverse=True)


def test_examples_read_vi_and_en_headers(tmp_path: Path) -> None:
    (tmp_path / "b-units.rq").write_text("# vi: Các đơn vị\n# en: The units\nSELECT * WHERE { ?s ?p ?o }\n",
                                         encoding="utf-8")
    (tmp_path / "a-only-vi.rq").write_text("# vi: Chỉ tiếng Việt\nASK {}\n", encoding="utf-8")
    ex = examples(tmp_path)
    assert [e["name"] for e in ex] == ["a-only-vi", "b-units"]
    assert ex[1]["vi"] == "Các đơn vị" and ex[1]["en"] == "The units"
    assert ex[0]["en"] == "Chỉ tiếng Việt"
    assert "SELECT * WHERE" in ex[1]["query"]


def test_lists_and_unit_tree(viewer_store: Store) -> None:
    assert [p["iri"] for p in listing(viewer_store, "person")] == [
        "https://w3id.org/govkg/id/person/le-tuan-dung", "https://w3id.org/govkg/id/person/nguyen-van-an"]
    assert PERSON in [p["iri"] for p in listing(viewer_store, "person")]
    tree = unit_tree(viewer_store)
    roots = {u["iri"]: u for u in tree}
    assert DANANG in roots
    chinh_phu = roots["https://w3id.org/govkg/id/unit/chinh-phu"]
    office = next(c for c in chinh_phu["children"] if c["iri"] == VPCP)
    assert VU in {c["iri"] for c in office["children"]}
