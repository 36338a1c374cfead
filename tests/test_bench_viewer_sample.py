"""``bench.viewer_sample``: first visits to a spread sample of pages, each one cold, on the curated graph."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench import viewer_sample
from bench.viewer import Recorder
from graph.entity import entity_view
from graph.namespaces import ID
from graph.store import Store
from tests.seeded import seeded_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    st = seeded_store(tmp_path_factory, "viewer-sample")
    yield st
    st.close()


def test_the_sample_is_spread_over_the_kind_in_iri_order(store: Store) -> None:
    every = viewer_sample.sample(store, "unit", 10_000)
    assert len(every) > 4 and every == sorted(every)
    assert all(i.startswith(f"{ID}unit/") for i in every)
    some = viewer_sample.sample(store, "unit", 4)
    assert len(some) == 4 and some[0] == every[0] and set(some) <= set(every)
    assert some == viewer_sample.sample(store, "unit", 4)  # deterministic


def test_a_first_call_sends_its_queries_even_after_the_page_was_drawn(store: Store) -> None:
    iri = viewer_sample.sample(store, "unit", 1)[0]
    rec = Recorder(store)
    entity_view(rec, iri)  # type: ignore[arg-type]  # drawn once: the next call is answered from what was kept
    rec.calls.clear()
    entity_view(rec, iri)  # type: ignore[arg-type]
    assert len(rec.calls) <= 1
    _, _, queries = viewer_sample.first_call(store, lambda s: entity_view(s, iri))
    assert queries > 3


def test_every_page_kind_is_measured(store: Store) -> None:
    res = viewer_sample.measure(store, 2)
    assert set(res) == {"entity-unit", "timeline-unit", "entity-person", "timeline-person", "entity-document",
                        "entity-event"}
    for r in res.values():
        assert len(r["mine"]) == len(r["raw"]) >= 1
        assert r["worst"][0].startswith(str(ID))
