"""The viewer on the checkout's curated graph (ontology + data/), over real HTTP: every entity page answers,
and the seed article's people and units are found and connected."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from graph.seed import load_seed
from graph.store import Store, forget, open_store
from tests.viewer_data import serving

ID = "https://w3id.org/govkg/id/"


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    st = open_store(tmp_path_factory.mktemp("seed-pages") / "store")
    load_seed(st)
    yield st
    forget(st)


@pytest.fixture(scope="module")
def seed_url(seed_store: Store) -> Iterator[str]:
    with serving(seed_store.path) as url:  # type: ignore[attr-defined]
        yield url


def test_every_entity_of_the_curated_graph_has_a_page(seed_store: Store, seed_url: str) -> None:
    q = f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ID}")) }}'
    iris = [str(r["s"]) for r in seed_store.query(q, union_default_graph=True).rows()]
    assert len(iris) > 50
    s = requests.Session()
    failures = []
    for iri in iris:
        r = s.get(seed_url + "/id/" + iri[len(ID):], timeout=10)
        if r.status_code != 200 or "<h1" not in r.text:
            failures.append((iri, r.status_code))
    assert failures == []


def test_seed_person_is_found_and_connected_to_the_block(seed_url: str) -> None:
    hits = requests.get(seed_url + "/search", params={"q": "le tuan dung"},
                        headers={"Accept": "application/json"}, timeout=10).json()
    assert hits[0]["label"] == "Lê Tuấn Dũng" and hits[0]["kind"] == "person"
    block = requests.get(seed_url + "/search", params={"q": "khoi thi dua 3", "kind": "unit"},
                         headers={"Accept": "application/json"}, timeout=10).json()[0]
    rel = requests.get(seed_url + "/relations", params={"a": hits[0]["iri"], "b": block["iri"], "format": "json"},
                       timeout=10).json()
    texts = [p["text"] for p in rel["result"]["paths"]]
    assert any(t.startswith("Lê Tuấn Dũng, Vụ trưởng Vụ Công tác Quốc hội, Địa phương và Đoàn thể, ") for t in texts)
    assert all(t.endswith("Khối thi đua 3") for t in texts)


RENAMED = "https://w3id.org/govkg/id/unit/vpcp-vu-to-chuc-hanh-chinh-nha-nuoc-va-cong-vu"
NAME_TODAY, NAME_BEFORE = "Vụ Tổ chức công vụ", "Vụ Tổ chức hành chính nhà nước và công vụ"


def test_a_renamed_unit_is_shown_by_its_current_name_with_the_former_one(seed_url: str) -> None:
    """The unit has two @vi labels (the 2023 article's, and ND 36/2025's after the rename): pages, search and
    the relationship finder all show today's name, and its page lists the former name as such."""
    page = requests.get(seed_url + "/id/unit/vpcp-vu-to-chuc-hanh-chinh-nha-nuoc-va-cong-vu", timeout=10).text
    assert f'<h1 id="entity-label">{NAME_TODAY}</h1>' in page
    assert f'Tên trước đây: <span class="former-label">{NAME_BEFORE}</span>' in page
    en = requests.get(seed_url + "/id/unit/vpcp-vu-to-chuc-hanh-chinh-nha-nuoc-va-cong-vu?lang=en", timeout=10).text
    assert '<h1 id="entity-label">Civil Service Organisation Department</h1>' in en
    for q in ("vu to chuc hanh chinh nha nuoc", "vu to chuc cong vu"):  # by the former name and by today's
        hits = requests.get(seed_url + "/search", params={"q": q, "kind": "unit"},
                            headers={"Accept": "application/json"}, timeout=10).json()
        hit = next(h for h in hits if h["iri"] == RENAMED)
        assert hit["label"] == NAME_TODAY, hit
    rel = requests.get(seed_url + "/relations", params={"a": RENAMED, "b": "https://w3id.org/govkg/id/unit/van-phong-chinh-phu",
                                                      "format": "json"}, timeout=10).json()
    texts = [p["text"] for p in rel["result"]["paths"]]
    assert texts and all(t.startswith(NAME_TODAY) for t in texts), texts
    assert not any(NAME_BEFORE in t for t in texts)


PLEDGE = ID + "event/2023-07-18-ky-ket-giao-uoc-thi-dua-vpcp-khoi-thi-dua-3"
TOPICAL = ID + "event/2023-07-18-sinh-hoat-chuyen-de-vpcp-chi-bo-vu-cong-tac-quoc-hoi-dia-phuong-va-doan-the"


def test_the_timeline_of_a_unit_shows_the_events_of_its_parts(seed_url: str) -> None:
    """Filtering by Văn phòng Chính phủ shows the pledge signing of its Khối thi đua 3 (attached to it) and the
    sinh hoạt chuyên đề of the chi bộ of its Vụ (attached to sub-units); by Vụ I, both (its chi bộ organised the
    one, Vụ I signed the other); by Chính phủ too (VPCP is a sub-organisation); a unit with no part in them, none."""
    def timeline(unit: str) -> list[str]:
        r = requests.get(seed_url + "/timeline", params={"unit": ID + "unit/" + unit},
                         headers={"Accept": "application/json"}, timeout=10)
        assert r.status_code == 200
        return [e["iri"] for e in r.json()["events"]]

    assert timeline("van-phong-chinh-phu") == [PLEDGE, TOPICAL]  # same day, then by IRI
    assert set(timeline("vpcp-vu-i")) == {PLEDGE, TOPICAL}
    assert set(timeline("chinh-phu")) >= {PLEDGE, TOPICAL}
    assert timeline("vpcp-khoi-thi-dua-3") == [PLEDGE]
    assert timeline("bo-noi-vu") == []
    page = requests.get(seed_url + "/timeline", params={"unit": ID + "unit/van-phong-chinh-phu"}, timeout=10).text
    for e in (PLEDGE, TOPICAL):
        assert f'<a href="/id/{e[len(ID):]}" class="kind-event">' in page


def test_predicates_are_named_by_the_ontology_in_the_page_language(seed_url: str) -> None:
    """Incoming links and types are headed by the ontology's rdfs:label (vi or en), the qname kept as a hint."""
    vi = requests.get(seed_url + "/id/unit/van-phong-chinh-phu", timeout=10).text
    en = requests.get(seed_url + "/id/unit/van-phong-chinh-phu?lang=en", timeout=10).text
    unit_of = 'title="org:unitOf http://www.w3.org/ns/org#unitOf">'
    assert unit_of + "là đơn vị của</span>" in vi and unit_of + "unit of</span>" in en
    assert 'title="org:Organization http://www.w3.org/ns/org#Organization">tổ chức, cơ quan</span>' in vi
    assert ">org:unitOf<" not in vi and ">unitOf<" not in vi
    doc = requests.get(seed_url + "/id/document/36-2025-nd-cp.json", timeout=10).json()
    named = {i["predicate"]["qname"]: i["predicate"]["label"] for i in doc["incoming"]}
    assert named and all(label != qname.split(":")[-1] for qname, label in named.items()), named
