"""The data behind entity pages: facts grouped by meaning, each with its source and evidence."""

from __future__ import annotations

from typing import Any

import pytest

from graph.entity import entity_rdf, entity_view, iri_for_path
from graph.store import Store
from tests.viewer_data import BLOCK, DOC, EVENT, EVIL, OLD_HEAD, PERSON, PLAN, SRC, SRC2, VPCP, VU, VU_I

BACKENDS = ("embedded", "remote")  # every test on the viewer's graph runs on both (tests/conftest.py)


def section(view: dict[str, Any], key: str) -> list[dict[str, Any]]:
    found = [s["facts"] for s in view["sections"] if s["key"] == key]
    assert found, f"no section {key!r} in {[s['key'] for s in view['sections']]}"
    return found[0]


def values(facts: list[dict[str, Any]]) -> set[str]:
    return {f["value"].get("iri") or f["value"]["text"] for f in facts}


def test_person_posts_with_period_source_and_evidence(viewer_store: Store) -> None:
    v = entity_view(viewer_store, PERSON, "vi")
    assert v is not None and v["label"] == "Lê Tuấn Dũng" and v["kind"] == "person"
    posts = section(v, "posts")
    assert len(posts) == 1
    p = posts[0]
    assert p["value"]["iri"] == VU
    assert p["value"]["label"] == "Vụ Công tác Quốc hội, Địa phương và Đoàn thể"
    assert p["role"]["label"] == "Vụ trưởng"
    assert p["attested"] == "2023-07-18"
    assert [s["iri"] for s in p["sources"]] == [SRC]
    assert p["sources"][0]["date"] == "2023-07-18"
    assert p["evidence"] == ["Đồng chí Lê Tuấn Dũng, Vụ trưởng Vụ Công tác Quốc hội"]


def test_person_events_with_roles_and_documents_signed(viewer_store: Store) -> None:
    v = entity_view(viewer_store, PERSON, "en")
    assert v is not None
    events = section(v, "events")
    assert [(e["value"]["iri"], e["role"]["label"], e["date"]) for e in events] == [(EVENT, "speaker", "2023-07-18")]
    assert values(section(v, "signed")) == {DOC}


def test_unit_parents_blocks_and_heads_now_and_before(viewer_store: Store) -> None:
    v = entity_view(viewer_store, VU, "vi")
    assert v is not None
    assert values(section(v, "parents")) == {VPCP}
    assert values(section(v, "blocks")) == {BLOCK}
    assert values(section(v, "heads_current")) == {PERSON}
    past = section(v, "heads_past")
    assert values(past) == {OLD_HEAD}
    assert (past[0]["from"], past[0]["to"]) == ("2015-03-01", "2019-04-30")
    assert past[0]["sources"][0]["iri"] == SRC2
    assert v["alt_labels"] == ["Vụ QHĐP"]


def test_block_members_and_office_children(viewer_store: Store) -> None:
    block = entity_view(viewer_store, BLOCK, "vi")
    assert block is not None
    assert values(section(block, "members")) == {VU, VU_I}
    assert values(section(block, "attached")) == {VPCP}
    assert values(section(block, "organised")) == {EVENT}
    office = entity_view(viewer_store, VPCP, "vi")
    assert office is not None
    assert {VU, VU_I} <= values(section(office, "children"))
    assert values(section(office, "issued")) == {PLAN}


def test_document_parsed_symbol_and_events_that_cite_it(viewer_store: Store) -> None:
    v = entity_view(viewer_store, DOC, "vi")
    assert v is not None
    fields = {f["role"]["iri"].rsplit("#", 1)[-1]: f["value"] for f in section(v, "document")}
    assert fields["id_local"]["text"] == "280/CĐ-TTg"
    assert fields["documentNumber"]["text"] == "280"
    assert fields["issuerCode"]["text"] == "TTg"
    assert fields["documentYear"]["text"] == "2023"
    assert fields["date_document"]["text"] == "2023-04-19"
    assert fields["type_document"]["label"] == "Công điện"
    assert values(section(v, "cited_by")) == {EVENT}


def test_event_date_place_organisers_participants_documents(viewer_store: Store) -> None:
    v = entity_view(viewer_store, EVENT, "en")
    assert v is not None
    details = {f["role"]["iri"].rsplit("/", 1)[-1].rsplit("#", 1)[-1]: f["value"] for f in section(v, "event")}
    assert details["startDate"]["text"] == "2023-07-18"
    assert details["location"]["text"] == "Hà Nội"
    assert details["eventType"]["label"] == "signing of an emulation pledge"
    assert values(section(v, "organisers")) == {BLOCK}
    roles = {f["value"]["iri"]: f["role"]["label"] for f in section(v, "participants")}
    assert roles == {PERSON: "speaker", VU_I: "signatory"}
    assert {f["value"]["iri"]: f["role"]["iri"].rsplit("#", 1)[-1] for f in section(v, "documents")} == {
        DOC: "cites", PLAN: "implements"}


def test_incoming_links_with_counts(viewer_store: Store) -> None:
    v = entity_view(viewer_store, VPCP, "vi")
    assert v is not None
    counts = {i["predicate"]["qname"]: i["count"] for i in v["incoming"]}
    assert counts["org:unitOf"] == 3  # Vụ QHĐP, Vụ I and the test unit
    assert "org:subOrganizationOf" not in counts  # nothing is a sub-organisation of the office here
    assert all(len(i["subjects"]) <= i["count"] for i in v["incoming"])


def test_neighbourhood_graph_from_the_same_facts(viewer_store: Store) -> None:
    v = entity_view(viewer_store, PERSON, "vi")
    assert v is not None
    ids = {n["id"] for n in v["graph"]["nodes"]}
    assert {PERSON, VU, EVENT, DOC} <= ids
    assert any(e["source"] == PERSON and e["target"] == VU and e["label"] == "Vụ trưởng" for e in v["graph"]["edges"])
    assert all(e["source"] in ids and e["target"] in ids for e in v["graph"]["edges"])


def test_hostile_values_are_data_not_links(viewer_store: Store) -> None:
    v = entity_view(viewer_store, EVIL, "vi")
    assert v is not None
    assert v["label"] == "<script>alert(1)</script>"
    other = section(v, "other")
    js = [f for f in other if f["value"].get("iri") == "javascript:alert(1)"]
    assert js and js[0]["value"]["link"] is False


def test_unknown_entity_is_none(viewer_store: Store) -> None:
    assert entity_view(viewer_store, "https://w3id.org/govkg/id/person/nobody", "vi") is None


@pytest.mark.parametrize("kind,tail", [
    ("person", "x> ?p ?o } #"), ("person", "../admin"), ("nokind", "x"), ("person", ""), ("unit", "a b"),
    ("person", "le-tuan-dung.ttl"), ("person", "<http://evil>"), ("concept", "a/b/c"),
])
def test_paths_that_cannot_be_entities(kind: str, tail: str) -> None:
    assert iri_for_path(kind, tail) is None


def test_concept_paths_have_two_segments() -> None:
    assert iri_for_path("concept", "role/vu-truong") == "https://w3id.org/govkg/id/concept/role/vu-truong"


def test_rdf_of_an_entity(viewer_store: Store) -> None:
    import pyoxigraph as ox

    ttl = entity_rdf(viewer_store, PERSON, "turtle")
    triples = list(ox.parse(ttl, format=ox.RdfFormat.TURTLE))
    subjects = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    assert PERSON in subjects
    names = [t.object.value for t in triples if t.predicate.value == "http://xmlns.com/foaf/0.1/name"]
    assert names == ["Lê Tuấn Dũng"]
    nt = entity_rdf(viewer_store, PERSON, "ntriples")
    assert len(list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))) == len(triples)


def test_sections_are_paged_with_a_count_of_the_rest(viewer_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import graph.entity

    full = entity_view(viewer_store, VPCP)
    assert full is not None
    everything = {s["key"]: values(s["facts"]) for s in full["sections"] if s["key"] == s["param"]}
    key = max(everything, key=lambda k: len(everything[k]))
    assert len(everything[key]) >= 2, "the office has a section of several values"
    monkeypatch.setattr(graph.entity, "PAGE", 1)
    seen: set[str] = set()
    page = 0
    while True:
        view = entity_view(viewer_store, VPCP, section=key, page=page)
        assert view is not None
        sec = next(s for s in view["sections"] if s["key"] == key)
        assert len(values(sec["facts"])) == 1
        assert sec["total"] == len(everything[key]) and sec["page"] == page
        assert sec["more"] == sec["total"] - page - 1
        assert not values(sec["facts"]) & seen, "a page repeats nothing"
        seen |= values(sec["facts"])
        others = [s for s in view["sections"] if s["key"] != key]
        assert all(s["page"] == 0 and len(values(s["facts"])) <= 1 for s in others)
        if not sec["more"]:
            break
        page += 1
    assert seen == everything[key]


def test_the_page_links_to_the_next_page_of_a_long_section(viewer_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import requests

    import graph.entity

    monkeypatch.setattr(graph.entity, "PAGE", 1)  # the in-process app of viewer_url reads it
    html = requests.get(viewer_url + "/id/unit/van-phong-chinh-phu", timeout=30).text
    assert 'rel="next"' in html and "?section=" in html
    nxt = html.split('rel="next" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    page2 = requests.get(viewer_url + "/id/unit/van-phong-chinh-phu" + nxt.split("#")[0], timeout=30)
    assert page2.status_code == 200 and 'rel="prev"' in page2.text
    assert requests.get(viewer_url + "/id/unit/van-phong-chinh-phu?page=x", timeout=30).status_code == 400
