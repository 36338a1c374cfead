"""The search index at work: a short list is the head of the long one, and the index is built off the keystroke
path (a keystroke waits at most ``WAIT_S``: before the first index it finds nothing and says so, after a write it
answers from the index before the write until the new one is there)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

import graph.search as gs
import graph.search_index
from graph.search import build_index, search, state
from graph.store import Store, forget
from tests.viewer_data import PERSON, VPCP, load_viewer_graph

QUERIES = ["v", "vu", "vụ t", "n", "ng", "nguyễn v", "l", "lê tuấn", "b", "bộ", "vpcp", "t", "th", "u", "a", "d", "k"]


def _key(h: gs.Hit) -> tuple[float, int, str, str]:
    return (-h.score, len(h.label), h.label, h.iri)


@pytest.mark.parametrize("small_range", [0, 512])  # 0: every key prefix read through its words, as on a big graph
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_short_list_is_the_head_of_the_long_one(viewer_store: Store, lang: str, small_range: int,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graph.search_index, "SMALL_RANGE", small_range)
    idx = build_index(viewer_store)
    for q in QUERIES:
        everything = idx.search(q, lang=lang, limit=10_000)
        assert everything == sorted(everything, key=_key), q  # best score first, then the shorter label
        assert len({h.iri for h in everything}) == len(everything), q  # an entity once, at its best score
        for limit in (1, 2, 3, 5, 8):
            assert idx.search(q, lang=lang, limit=limit) == everything[:limit], (q, limit)


def test_every_match_is_found_whatever_the_limit(viewer_store: Store) -> None:
    idx = build_index(viewer_store)
    hits = idx.search("v", limit=10_000)
    assert VPCP in {h.iri for h in hits}  # "Văn phòng Chính phủ": a word starting with v
    assert all(h.score in (1.0, 0.95, 0.8, 0.75, 0.6, 0.55, 0.5, 0.45) for h in hits)
    units = idx.search("v", limit=10_000, kinds=["unit"])
    assert units == [h for h in hits if h.kind == "unit"]
    assert idx.search("v", kinds=["no-such-kind"]) == []


class Gate:
    """A build of the search index that waits for the test to open the gate (a slow build, on cue)."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.started = threading.Event()
        self.real = gs._INDEX.build

    def __call__(self, store: Store) -> Any:
        self.started.set()
        assert self.open.wait(30), "the test never opened the gate"
        return self.real(store)


@pytest.fixture
def gated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    st = load_viewer_graph(tmp_path / "store")
    gate = Gate()
    monkeypatch.setattr(gs, "WAIT_S", 0.2)
    monkeypatch.setattr(gs._INDEX, "build", gate)
    yield st, gate
    gate.open.set()
    forget(st)


def _until(cond: Any) -> None:
    deadline = time.monotonic() + 30
    while not cond():
        assert time.monotonic() < deadline, "the index was never built"
        time.sleep(0.02)


def test_the_first_keystroke_does_not_wait_for_the_index(gated: Any) -> None:
    st, gate = gated
    t0 = time.monotonic()
    assert search(st, "le tuan dung") == []  # no index yet: nothing, at once
    assert time.monotonic() - t0 < 5
    assert gate.started.is_set() and state(st) == "building"
    gate.open.set()
    _until(lambda: state(st) == "ready")
    assert search(st, "le tuan dung")[0].iri == PERSON


def test_after_a_write_the_previous_index_answers_until_the_new_one_is_built(gated: Any) -> None:
    st, gate = gated
    gate.open.set()
    _until(lambda: search(st, "le tuan dung") != [])
    gate.open.clear()
    gate.started.clear()
    st.update('INSERT DATA { GRAPH <https://w3id.org/govkg/graph/t> { <https://w3id.org/govkg/id/person/x> '
              '<http://www.w3.org/2000/01/rdf-schema#label> "Lê Tuấn Dũng Hai"@vi } }')
    assert search(st, "le tuan dung")[0].iri == PERSON  # the index before the write, within WAIT_S
    assert state(st) == "stale" and gate.started.is_set()
    assert search(st, "le tuan dung hai") == []
    gate.open.set()
    _until(lambda: state(st) == "ready")
    assert search(st, "le tuan dung hai")[0].iri == "https://w3id.org/govkg/id/person/x"


def test_a_build_that_fails_with_no_index_to_fall_back_on_is_an_error(gated: Any, monkeypatch: pytest.MonkeyPatch
                                                                      ) -> None:
    st, _ = gated

    def broken(store: Store) -> Any:
        raise RuntimeError("the engine is away")

    monkeypatch.setattr(gs._INDEX, "build", broken)
    with pytest.raises(RuntimeError, match="engine is away"):
        search(st, "le tuan dung")
