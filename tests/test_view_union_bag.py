"""With the union default graph (``GOVKG_UNION_DEFAULT_GRAPH``, on by default), a triple stated in several source
graphs matches once per graph: Oxigraph's union is a bag.  On the curated seed, where Văn phòng Chính phủ and Vụ I
are stated in the seed article's graph and again in the reference graphs of the decrees, no list or count the
viewer shows may repeat anything."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from graph import analysis, asof, browse, home, search, timeline
from graph.entity import entity_view
from graph.seed import load_seed
from graph.store import Store, forget, open_store
from tests.viewer_data import serving

ID = "https://w3id.org/govkg/id/"
VPCP, VU_I = ID + "unit/van-phong-chinh-phu", ID + "unit/vpcp-vu-i"
SRC = ID + "source/chinhphu-2023-07-18-khoi-thi-dua-3"
#: A reference graph that restates the seed article (as a graph citing it would), so it too is stated twice.
RESTATED = f"""
@prefix schema: <https://schema.org/> . @prefix dct: <http://purl.org/dc/terms/> .
<https://w3id.org/govkg/graph/test-restatement> {{
  <{SRC}> a schema:NewsArticle ; dct:issued "2023-07-18T10:00:00+07:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
}}
"""


@pytest.fixture(scope="module")
def bag_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    st = open_store(tmp_path_factory.mktemp("union-bag") / "store")
    load_seed(st)
    st.load(RESTATED.encode("utf-8"), format="trig")
    yield st
    forget(st)


def repeated(items: list[Any]) -> list[Any]:
    return [k for k, n in Counter(items).items() if n > 1]


def test_the_seed_states_the_same_units_in_several_graphs(bag_store: Store) -> None:
    """The premise: without DISTINCT, the union answers VPCP's and Vụ I's statements more than once."""
    for iri in (VPCP, VU_I, SRC):
        q = f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"
        rows = [(str(r["p"]), str(r["o"])) for r in bag_store.query(q, union_default_graph=True).rows()]
        assert repeated(rows), iri


@pytest.mark.parametrize("iri", [VPCP, VU_I], ids=["van-phong-chinh-phu", "vpcp-vu-i"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_entity_pages_show_each_fact_and_link_once(bag_store: Store, iri: str, lang: str) -> None:
    v = entity_view(bag_store, iri, lang)
    assert v is not None
    for sec in v["sections"]:
        facts = [(f["value"].get("iri") or f["value"].get("text"), f["value"].get("lang"),
                  f["role"] and f["role"]["iri"], f["from"], f["to"], f["attested"]) for f in sec["facts"]]
        assert repeated(facts) == [], sec["key"]
        for f in sec["facts"]:
            assert repeated([s["iri"] for s in f["sources"]]) == [] and repeated(f["evidence"]) == []
    for key in ("alt_labels", "former_labels", "evidence"):
        assert repeated(v[key]) == [], key
    assert repeated([t["iri"] for t in v["types"]]) == [] and repeated([s["iri"] for s in v["sources"]]) == []
    assert repeated([i["predicate"]["iri"] for i in v["incoming"]]) == []
    for inc in v["incoming"]:
        subjects = [s["iri"] for s in inc["subjects"]]
        assert repeated(subjects) == []
        q = f"SELECT DISTINCT ?s WHERE {{ ?s <{inc['predicate']['iri']}> <{iri}> FILTER(isIRI(?s)) }}"
        assert inc["count"] == len(bag_store.query(q, union_default_graph=True).rows())
    assert repeated([n["id"] for n in v["graph"]["nodes"]]) == []


def test_vpcp_lists_its_units_and_blocks_once(bag_store: Store) -> None:
    v = entity_view(bag_store, VPCP, "vi")
    assert v is not None
    children = next(s for s in v["sections"] if s["key"] == "children")["facts"]
    assert VU_I in [f["value"]["iri"] for f in children]
    unit_of = next(i for i in v["incoming"] if i["predicate"]["iri"] == "http://www.w3.org/ns/org#unitOf")
    assert unit_of["count"] == len({f["value"]["iri"] for f in children}) == len(children)


def test_lists_counts_timeline_search_and_rankings_show_each_entity_once(bag_store: Store) -> None:
    for kind in browse.LIST_KINDS:
        rows = browse.listing(bag_store, kind)
        assert repeated([r["iri"] for r in rows]) == [], kind
        if kind in home.KIND_CLASSES and kind != "event":
            assert home.counts(bag_store)[kind] == len(rows), kind

    def walk(nodes: list[dict[str, Any]]) -> Iterator[str]:
        for n in nodes:
            yield n["iri"]
            yield from walk(n["children"])

    assert repeated(list(walk(browse.unit_tree(bag_store)))) == []
    sources = home.sources(bag_store)
    assert [s["iri"] for s in sources].count(SRC) == 1
    tl = timeline.events(bag_store, timeline.Filters(unit=VPCP))
    assert tl["events"] and repeated([e["iri"] for e in tl["events"]]) == []
    for e in tl["events"]:
        assert repeated([a["iri"] for a in e["organisers"] + e["participants"]]) == []
    assert all(t["count"] == 1 for t in tl["types"])  # one event of each type in the seed
    for q in ("vpcp", "van phong chinh phu", "vu i", "le tuan dung"):
        assert repeated([h.iri for h in search.search(bag_store, q, limit=50)]) == [], q
    for kind, ranked in analysis.rankings(bag_store).items():
        assert repeated([r["iri"] for r in ranked]) == [], kind
    chart = asof.org_chart(bag_store, VPCP, "2023-07-18")
    assert chart is not None

    def units(u: asof.ChartUnit) -> Iterator[str]:
        yield u.iri
        for c in u.children:
            yield from units(c)

    assert repeated(list(units(chart))) == []
    assert repeated([h.membership for h in asof.post_holders(bag_store, VPCP, "2023-07-18")]) == []


def test_the_pages_repeat_nothing(bag_store: Store) -> None:
    """The same over HTTP, as a user sees it: VPCP's page names Vụ I once among its units, the home page lists
    the seed article once."""
    with serving(bag_store.path) as url:  # type: ignore[attr-defined]
        page = requests.get(url + "/id/unit/van-phong-chinh-phu", timeout=10).text
        assert page.count('<td><a href="/id/unit/vpcp-vu-i"') == 1  # one row among its units
        assert page.count('<td><a href="/id/unit/vpcp-khoi-thi-dua-3"') == 1  # one row among what is attached
        home_page = requests.get(url + "/", headers={"Accept": "application/json"}, timeout=10).json()
        assert [s["iri"] for s in home_page["sources"]].count(SRC) == 1
        hits = requests.get(url + "/search", params={"q": "vpcp"}, headers={"Accept": "application/json"},
                            timeout=10).json()
        assert repeated([h["iri"] for h in hits]) == []
