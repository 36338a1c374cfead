"""The home page's counts are made off the request path: a request never waits for a whole-store count.

After a write the page shows the figures from before it, marked stale, until the recount is there; on a store
never counted yet it says the counting runs.  A gate held by the test stands for a count that takes long (the
real one takes seconds at 1M triples).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import graph.home as home_mod
from graph.home import home
from graph.store import EmbeddedStore

PERSON = "https://w3id.org/govkg/id/person/nguyen-van-thu"
DATA = f"""PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT DATA {{ GRAPH <https://w3id.org/govkg/graph/t> {{
  <{PERSON}> a foaf:Person ; rdfs:label "Nguyễn Văn Thử"@vi }} }}"""


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Counting waits until the test opens the gate."""
    opened = threading.Event()
    real = home_mod.counts

    def slow(store: object) -> dict[str, int]:
        assert opened.wait(30)
        return real(store)  # type: ignore[arg-type]

    monkeypatch.setattr(home_mod, "counts", slow)
    monkeypatch.setattr(home_mod, "WAIT_S", 0.05)
    return opened


def _until_ready(store: EmbeddedStore) -> dict[str, object]:
    end = time.monotonic() + 30
    while time.monotonic() < end:
        page = home(store)
        if page["summary_state"] == "ready":
            return page
        time.sleep(0.02)
    raise AssertionError("the recount never finished")


def test_a_store_never_counted_says_the_count_runs(tmp_path: Path, gate: threading.Event) -> None:
    store = EmbeddedStore(tmp_path / "s")
    try:
        page = home(store)
        assert page["counts"] is None and page["summary_state"] == "building"
        gate.set()
        assert _until_ready(store)["counts"]["person"] == 0  # type: ignore[index]
    finally:
        store.close()


def test_after_a_write_the_previous_counts_are_shown_marked_until_the_recount(tmp_path: Path,
                                                                              gate: threading.Event) -> None:
    store = EmbeddedStore(tmp_path / "s")
    try:
        gate.set()
        before = _until_ready(store)["counts"]
        gate.clear()
        store.update(DATA)
        page = home(store)
        assert page["summary_state"] == "stale"
        assert page["counts"] == before
        gate.set()
        after = _until_ready(store)["counts"]
        assert after["person"] == before["person"] + 1  # type: ignore[index]
        assert after["triples"] == store.count()  # type: ignore[index]
    finally:
        store.close()


def test_lists_are_remembered_until_the_next_write(tmp_path: Path) -> None:
    from graph.browse import listing

    store = EmbeddedStore(tmp_path / "s")
    try:
        assert listing(store, "person") == []
        assert listing(store, "person") is listing(store, "person")  # remembered
        store.update(DATA)
        assert [p["iri"] for p in listing(store, "person")] == [PERSON]
    finally:
        store.close()
