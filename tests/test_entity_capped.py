"""Entity pages of hubs: a section past the cap is counted as "more than the cap", paged in the engine's order
(never sorted whole), and its own view counts it exactly; paging through it shows every value once."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from graph.entity import entity_view
from graph.store import Store
from tests.viewer_data import PERSON, VPCP

BACKENDS = ("embedded", "remote")  # every test on the viewer's graph runs on both (tests/conftest.py)


def values(sec: dict[str, Any]) -> set[str]:
    return {f["value"].get("iri") or f["value"].get("text", "") for f in sec["facts"]}


def test_a_section_past_the_cap_is_counted_bounded_and_paged_in_stored_order(
        viewer_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import graph.entity
    import graph.entity_facts

    full = entity_view(viewer_store, VPCP)
    assert full is not None
    everything = {s["key"]: values(s) for s in full["sections"] if s["key"] == s["param"]}
    key = max(everything, key=lambda k: len(everything[k]))
    n = len(everything[key])
    assert n >= 3, "the office has a section of several values"
    monkeypatch.setattr(graph.entity_facts, "CAP", 1)
    monkeypatch.setattr(graph.entity, "PAGE", 1)
    first = entity_view(viewer_store, VPCP)
    assert first is not None
    sec = next(s for s in first["sections"] if s["key"] == key)
    assert sec["capped"] and sec["lazy"] and sec["total"] == 2 and sec["pages"] == 0, "counted up to the cap + 1"
    seen: set[str] = set()
    page = 0
    while True:
        view = entity_view(viewer_store, VPCP, section=key, page=page)
        assert view is not None
        sec = next(s for s in view["sections"] if s["key"] == key)
        assert sec["total"] == n and not sec["capped"] and sec["lazy"], "its own view counts it exactly"
        if page == 0:
            assert values(sec) == values(next(s for s in first["sections"] if s["key"] == key)), "same first page"
        assert not values(sec) & seen, "a page repeats nothing"
        seen |= values(sec)
        if not sec["more"]:
            break
        page += 1
    assert seen == everything[key]


def test_the_page_says_more_than_the_cap_and_links_to_the_timeline(
        viewer_url: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    import requests

    import graph.entity
    import graph.entity_facts
    from graph.viewcache import invalidate

    monkeypatch.setattr(graph.entity_facts, "CAP", 1)  # the in-process app of viewer_url reads it
    monkeypatch.setattr(graph.entity, "PAGE", 1)
    invalidate()  # pages kept by an earlier module's app on the same remote engine were made with the real CAP
    request.addfinalizer(invalidate)  # and the ones made here with CAP 1 must not outlive the patch
    vi = requests.get(viewer_url + "/id/unit/van-phong-chinh-phu?lang=vi", timeout=30).text
    en = requests.get(viewer_url + "/id/unit/van-phong-chinh-phu?lang=en", timeout=30).text
    assert "(hơn 1)" in vi and "Trang sau" in vi and "thứ tự lưu trữ" in vi
    assert "(1+)" in en and ">Next<" in en and "storage order" in en
    nxt = en.split('rel="next" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    page2 = requests.get(viewer_url + "/id/unit/van-phong-chinh-phu" + nxt.split("#")[0], timeout=30)
    assert page2.status_code == 200 and 'rel="prev"' in page2.text
    person = requests.get(viewer_url + PERSON.split("/govkg", 1)[1], timeout=30).text
    assert 'id="sec-events"' in person and f'href="/timeline?person={quote(PERSON, safe="")}"' in person
