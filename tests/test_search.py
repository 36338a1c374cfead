"""The Vietnamese search index: folding, abbreviations, ranking, literal treatment of hostile input, freshness."""

from __future__ import annotations

import threading
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import requests

from graph.search import MAX_QUERY_CHARS, QueryTooLong, build_index, index, search, words
from graph.store import Store, forget
from tests.http_server import LiveServer
from tests.viewer_data import DANANG, KHANHHOA, PERSON, VPCP, load_viewer_graph

BACKENDS = ("embedded", "remote")  # every test on the viewer's graph runs on both (tests/conftest.py)


def iris(store: Store, q: str, **kw: object) -> list[str]:
    return [h.iri for h in search(store, q, **kw)]  # type: ignore[arg-type]


NAME = "Lê Tuấn Dũng"


@pytest.mark.parametrize("q", [
    "le tuan dung", "LÊ TUẤN DŨNG", NAME, unicodedata.normalize("NFD", NAME), "  Le   Tuan  Dung ", "lê tuấn dũng",
])
def test_every_form_of_a_name_finds_the_same_person_first(viewer_store: Store, q: str) -> None:
    hits = search(viewer_store, q)
    assert hits[0].iri == PERSON
    assert hits[0].label == NAME
    assert hits[0].kind == "person"
    assert hits[0].score == 1.0


def test_abbreviation_finds_the_office(viewer_store: Store) -> None:
    for q in ("vpcp", "VPCP", "Vpcp"):
        hits = search(viewer_store, q)
        assert hits[0].iri == VPCP
        assert hits[0].label == "Văn phòng Chính phủ"  # the name, not the alias
        assert hits[0].matched == "VPCP"


def test_exact_match_ranks_above_token_match(viewer_store: Store) -> None:
    hits = search(viewer_store, "vpcp")
    assert hits[0].iri == VPCP
    # the plan whose title contains "VPCP" as a word is found, below the exact alias
    others = [h for h in hits if h.iri != VPCP]
    assert others and all(h.score < hits[0].score for h in others)


def test_prefix_matches_come_after_exact_and_before_word_matches(viewer_store: Store) -> None:
    hits = search(viewer_store, "van phong")
    assert hits[0].iri == VPCP and hits[0].score == 0.8


@pytest.mark.parametrize("q", ["Đà Nẵng", "da nang", "DA NANG", "đà nẵng"])
def test_d_with_stroke_folds_to_d(viewer_store: Store, q: str) -> None:
    assert DANANG in iris(viewer_store, q)


@pytest.mark.parametrize("q", ["Khánh Hòa", "Khánh Hoà", "khanh hoa", unicodedata.normalize("NFD", "Khánh Hòa")])
def test_both_tone_placements_meet(viewer_store: Store, q: str) -> None:
    # the label is written with the old placement, "Hoà"
    assert iris(viewer_store, q) and iris(viewer_store, q)[0] == KHANHHOA


def test_nfd_label_in_the_store_is_found_and_shown_nfc(viewer_store: Store) -> None:
    hits = search(viewer_store, "nguyen van an")
    assert hits and hits[0].label == unicodedata.normalize("NFC", hits[0].label)


@pytest.mark.parametrize("q", ['.*', '[', '\\', '%', '_', "'", "*", "\"", "<>", "{}"])
def test_pure_metacharacters_find_nothing(viewer_store: Store, q: str) -> None:
    assert search(viewer_store, q) == []


@pytest.mark.parametrize("q", ['(a+)+$', 'foo" . } UNION { ?s ?p ?o } #', 'x" . } ; DROP ALL ; #', 'Vụ.*I'])
def test_injection_is_only_the_words_it_contains(viewer_store: Store, q: str) -> None:
    before = viewer_store.count()
    plain = " ".join(words(q))
    assert search(viewer_store, q) == search(viewer_store, plain)
    assert viewer_store.count() == before


def test_hostile_text_that_contains_words_matches_only_those_words(viewer_store: Store) -> None:
    hits = search(viewer_store, '<script>')
    assert [h.label for h in hits] == ["<script>alert(1)</script>"]


def test_too_long_query_is_refused(viewer_store: Store) -> None:
    with pytest.raises(QueryTooLong):
        search(viewer_store, "a" * (MAX_QUERY_CHARS + 1))


def test_kind_filter(viewer_store: Store) -> None:
    assert iris(viewer_store, "vu", kinds=["person"]) == []
    assert all(h.kind == "unit" for h in search(viewer_store, "vu", kinds=["unit"]))


def test_english_labels_in_english(viewer_store: Store) -> None:
    hits = search(viewer_store, "vpcp", lang="en")
    assert hits[0].label == "Government Office"
    # English labels are searchable too
    assert search(viewer_store, "government office")[0].iri == VPCP


def rename(old: str, new: str) -> str:
    """An update that replaces the test person's label ``old`` by ``new`` (the number of triples stays)."""
    t = '<https://w3id.org/govkg/id/person/tran-thi-binh> <http://www.w3.org/2000/01/rdf-schema#label> "{}"@vi'
    g = "https://w3id.org/govkg/graph/t"
    return f"DELETE DATA {{ GRAPH <{g}> {{ {t.format(old)} }} }} ; INSERT DATA {{ GRAPH <{g}> {{ {t.format(new)} }} }}"


RENAME = rename("Trần Thị Bình", "Trần Thị Bình Minh")
ADD = ('INSERT DATA { GRAPH <https://w3id.org/govkg/graph/t> { '
       '<https://w3id.org/govkg/id/person/tran-thi-binh> '
       '<http://www.w3.org/2000/01/rdf-schema#label> "Trần Thị Bình"@vi } }')


def counting_queries(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The queries ``store`` answers from now on, in this thread (a watch's thread is not a keystroke)."""
    asked: list[str] = []
    me = threading.get_ident()
    real = store.query

    def query(sparql: str, **kw: Any) -> Any:
        if threading.get_ident() == me:
            asked.append(sparql)
        return real(sparql, **kw)

    monkeypatch.setattr(store, "query", query)
    return asked


def test_index_is_built_once_and_rebuilt_when_the_store_changes(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    st = load_viewer_graph(tmp_path / "store")
    try:
        first = index(st)
        asked = counting_queries(st, monkeypatch)
        assert index(st) is first  # no rebuild without a change
        assert search(st, "tran thi binh") == []
        for q in ("t", "tr", "tra", "tran", "tran thi"):  # keystrokes: no scan, no query at all
            search(st, q)
        assert asked == []
        st.update(ADD)  # no invalidate(): the store's write generation moved
        assert search(st, "Trần Thị Bình")[0].iri == "https://w3id.org/govkg/id/person/tran-thi-binh"
        assert index(st) is not first, "the write was seen by a rebuild (on the index's own thread)"
        # a rename that keeps the number of triples and nearly the length of the labels is seen at once too
        st.update(RENAME)
        assert search(st, "binh minh")[0].label == "Trần Thị Bình Minh"
        asked.clear()
        search(st, "binh")
        assert asked == []
    finally:
        forget(st)


def test_the_write_generation_counts_every_write(tmp_path: Path) -> None:
    from graph.store.embedded import read_generation
    from graph.store.snapshots import after_write

    st = load_viewer_graph(tmp_path / "store")
    try:
        g0 = st.generation
        st.update(ADD)
        with st.transaction() as tx:
            tx.update(RENAME)
        st.load(b"<urn:a> <urn:b> <urn:c> .", format="nt")
        after_write(st)
        assert st.generation == g0 + 4
        assert read_generation(tmp_path / "store") == st.generation  # beside the store, for other processes
    finally:
        forget(st)


def test_a_store_others_write_to_is_refreshed_off_the_keystroke_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """A remote engine's other clients write behind the store object's back: a background watch sees it."""
    from graph.store.embedded import EmbeddedStore
    from graph.viewcache import Derived
    from tests.viewer_data import TRIG

    class Shared(EmbeddedStore):
        sees_every_write = False

    st = Shared(None)
    st.load(TRIG.encode("utf-8"), format="trig")
    d: Derived[Any] = Derived(build_index, check_every=0.05)
    first = d.get(st)
    asked = counting_queries(st, monkeypatch)
    st.ox.update(ADD)  # another client's write: the object's generation does not move
    deadline = time.monotonic() + 10
    while "tran thi binh" not in d.get(st).exact:
        assert time.monotonic() < deadline, "the watch never saw the write"
        time.sleep(0.02)
    assert d.get(st) is not first
    assert asked == [], "keystrokes never scan nor rebuild: the watch's thread does"
    st.close()


def test_a_write_through_the_server_is_found_by_the_next_search(live_server: LiveServer) -> None:
    def found(q: str) -> list[str]:
        r = requests.get(live_server.url + "/search", params={"q": q}, headers={"Accept": "application/json"})
        assert r.status_code == 200
        assert "X-Govkg-Search-Index" not in r.headers  # the index is current (else "building" or "stale")
        return [h["label"] for h in r.json()]

    assert "Trần Thị Bình" not in found("tran thi binh")
    for upd in (ADD, RENAME):
        r = requests.post(live_server.url + "/update", data={"update": upd}, headers=live_server.auth("steward"))
        assert r.status_code in (200, 204), r.text
    assert "Trần Thị Bình Minh" in found("tran thi binh minh")  # the very next request
    r = requests.post(live_server.url + "/update", data={"update": rename("Trần Thị Bình Minh", "Trần Thị Bình Châu")},
                      headers=live_server.auth("steward"))
    assert r.status_code in (200, 204), r.text
    assert found("tran thi binh chau")[:1] == ["Trần Thị Bình Châu"]


def test_index_covers_altlabels_and_names(viewer_store: Store) -> None:
    idx = build_index(viewer_store)
    assert "vpcp" in idx.exact
    assert "le tuan dung" in idx.exact
