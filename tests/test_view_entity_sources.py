"""Entity pages stay bounded on a hub: each fact lists its sources once each, at most a few, with their number;
the entity's own sources are paged.  A unit stated in seven articles' graphs, a sub-unit stated in all seven and
another in three of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

import graph.entity
from graph.entity import entity_view
from graph.entity_facts import FACT_SOURCES
from graph.store import Store, forget, open_store
from tests.viewer_data import serving

BACKENDS = ("embedded", "remote")
ID = "https://w3id.org/govkg/id/"
HUB, BUSY, THREE = ID + "unit/test-hub", ID + "unit/test-busy-child", ID + "unit/test-three-child"
N = 7


def src(i: int) -> str:
    return f"{ID}source/test-article-{i}"


def graph_of(i: int) -> str:
    """Article ``i``'s graph: the hub and the busy child every time, the other child in the first three."""
    three = (f'<{THREE}> a <http://www.w3.org/ns/org#OrganizationalUnit> ; rdfs:label "Vụ Ba"@vi ; '
             f"dct:source <{src(i)}> ; org:subOrganizationOf <{HUB}> ." if i <= 3 else "")
    return f"""<https://w3id.org/govkg/graph/test-article-{i}> {{
  <https://w3id.org/govkg/graph/test-article-{i}> prov:wasDerivedFrom <{src(i)}> .
  <{src(i)}> a schema:NewsArticle ; rdfs:label "Bài {i}"@vi ; dct:issued "2024-01-0{i}"^^xsd:date .
  <{HUB}> a org:Organization ; rdfs:label "Bộ Thử"@vi ; dct:source <{src(i)}> .
  <{BUSY}> a org:OrganizationalUnit ; rdfs:label "Vụ Bận"@vi ; dct:source <{src(i)}> ; org:subOrganizationOf <{HUB}> .
  {three}
}}"""


PREFIXES = """@prefix org: <http://www.w3.org/ns/org#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
TRIG = PREFIXES + "\n".join(graph_of(i) for i in range(1, N + 1))


@pytest.fixture(scope="module")
def hub_store(tmp_path_factory: pytest.TempPathFactory, remote_engine: dict[str, str] | None) -> Iterator[Store]:
    if remote_engine is None:
        st = open_store(tmp_path_factory.mktemp("hub") / "store")
        st.load(TRIG.encode("utf-8"), format="trig")
        yield st
        forget(st)
        return
    from graph.viewcache import invalidate
    from tests.remote_fixtures import open_remote

    remote = open_remote(remote_engine)
    remote.update("CLEAR ALL")
    remote.load(TRIG.encode("utf-8"), format="trig")
    remote.settings = remote_engine  # type: ignore[attr-defined]  # for the served app (app_settings)
    invalidate(remote)
    yield remote
    remote.close()


def children(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    sec = next(s for s in view["sections"] if s["key"] == "children")
    return {f["value"]["iri"]: f for f in sec["facts"]}


def test_a_fact_stated_in_three_graphs_lists_its_three_sources_once(hub_store: Store) -> None:
    assert FACT_SOURCES >= 3
    v = entity_view(hub_store, HUB)
    assert v is not None
    fact = children(v)[THREE]
    assert sorted(s["iri"] for s in fact["sources"]) == [src(1), src(2), src(3)]
    assert fact["sources_total"] == 3 and fact["sources_more"] == 0
    assert [s["date"] for s in fact["sources"]] == ["2024-01-03", "2024-01-02", "2024-01-01"]  # newest first


def test_a_fact_of_many_graphs_lists_a_few_and_counts_them_all(hub_store: Store) -> None:
    v = entity_view(hub_store, HUB)
    assert v is not None
    fact = children(v)[BUSY]
    iris = [s["iri"] for s in fact["sources"]]
    assert len(iris) == FACT_SOURCES and len(set(iris)) == len(iris) and set(iris) <= {src(i) for i in range(1, 8)}
    assert fact["sources_total"] == N and fact["sources_more"] == N - FACT_SOURCES
    assert fact["sources_at"] == BUSY  # where they are all listed
    busy = entity_view(hub_store, BUSY)
    assert busy is not None and sorted(s["iri"] for s in busy["sources"]) == sorted(src(i) for i in range(1, 8))


def test_the_entitys_sources_are_paged_with_their_total(hub_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graph.entity, "PAGE", 3)
    seen: list[str] = []
    for page in range(3):
        v = entity_view(hub_store, HUB, section="sources", page=page)
        assert v is not None
        paging = v["sources_paging"]
        assert (paging["total"], paging["page"], paging["pages"]) == (N, page, 3)
        assert paging["more"] == max(N - 3 * (page + 1), 0)
        assert len(v["sources"]) == min(3, N - 3 * page)
        seen += [s["iri"] for s in v["sources"]]
    assert sorted(seen) == sorted(src(i) for i in range(1, N + 1)), "every source once over the pages"


def test_the_page_links_to_the_rest_of_the_sources(hub_store: Store, monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    from tests.viewer_data import app_settings

    monkeypatch.setattr(graph.entity, "PAGE", 3)
    settings = app_settings(hub_store)
    settings.setdefault("STORE", str(tmp_path / "store"))
    with serving(Path(settings["STORE"]), settings) as url:
        html = requests.get(url + "/id/unit/test-hub", timeout=30).text
        assert f'href="/id/unit/test-busy-child?section=sources#sources">+{N - FACT_SOURCES}' in html
        assert 'href="?section=sources&amp;page=1#sources"' in html
        page3 = requests.get(url + "/id/unit/test-hub?section=sources&page=2", timeout=30)
        assert page3.status_code == 200 and 'rel="prev" href="?section=sources&amp;page=1#sources"' in page3.text
