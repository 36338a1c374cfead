"""Labels asked with ``LATERAL`` (a lookup per subject, where the engine has it) are the labels of the standard
query, and the pages that show them are the same: on the seed and on a generated 10k store, both on disk."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from graph.entity import entity_view
from graph.labels import LABEL_ORDER, labels
from graph.store import EmbeddedStore
from graph.timeline import Filters, events
from graph.viewcache import invalidate
from tests.seeded import seeded_or_generated, values

CP = "https://w3id.org/govkg/id/unit/chinh-phu"


@pytest.fixture(scope="module", params=["seed", "10k"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    st = seeded_or_generated(tmp_path_factory, "lateral", request.param)
    yield st
    st.close()


def _both(store: EmbeddedStore, call: object) -> tuple[str, str]:
    """The JSON of ``call(store)`` asked with LATERAL and without it, every memo forgotten before each."""
    out = []
    for lateral in (True, False):
        store.supports_lateral = lateral  # type: ignore[misc]
        invalidate()
        out.append(json.dumps(call(store), sort_keys=True, default=sorted, ensure_ascii=False))  # type: ignore[operator]
    del store.supports_lateral
    return out[0], out[1]


def _subjects(store: EmbeddedStore) -> list[str]:
    preds = " ".join(f"<{p}>" for p in LABEL_ORDER)
    rows = values(store, f"SELECT DISTINCT ?s WHERE {{ VALUES ?p {{ {preds} }} ?s ?p ?l FILTER(isIRI(?s)) }}")
    return sorted(r["s"] for r in rows)


def test_the_embedded_store_asks_with_lateral(store: EmbeddedStore) -> None:
    assert store.supports_lateral


def test_labels_are_the_same_with_and_without_lateral(store: EmbeddedStore) -> None:
    subjects = _subjects(store)
    assert len(subjects) > 100
    asked = [*subjects, "https://w3id.org/govkg/id/unit/khong-co-nhan"]  # one without a label: its last segment
    for lang in ("vi", "en"):
        with_lateral, without = _both(store, lambda s, lang=lang: labels(s, asked, lang))
        assert with_lateral == without
        assert json.loads(with_lateral)["https://w3id.org/govkg/id/unit/khong-co-nhan"] == "khong-co-nhan"
    assert json.loads(with_lateral)[CP] != "chinh-phu"  # the hub has a label of its own


def test_hub_pages_are_the_same_with_and_without_lateral(store: EmbeddedStore) -> None:
    for call in (lambda s: entity_view(s, CP), lambda s: events(s, Filters(unit=CP))):
        with_lateral, without = _both(store, call)
        assert with_lateral == without
        assert "Chính phủ" in with_lateral
